"""France services pages. Everything after opening needs an accompagnement in progress."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement.acces import textes
from consentement.acces.decorateurs import exige
from consentement.enums import ModeCloture
from consentement.forms import (
    ClotureForm,
    ConfirmationForm,
    CoordonneesForm,
    PresenceForm,
)
from consentement.models import Accompagnement, Decision
from consentement.services import accompagnement, avis, cycle
from consentement.services.coordonnees import coordonnees_modifier
from consentement.views.recu import reponse_recu
from espace_sante.comptes.forms import IdentificationForm
from espace_sante.lib.affichage import masquer_email
from espace_sante.lib.requetes import adresse_client


def _en_cours(request):
    return accompagnement.accompagnement_en_cours(
        mediateur=request.acteur.mediateur, public_id=request.session.get(accompagnement.SESSION)
    )


def _accompagnement_requis(acte: str):
    """The view acts for the person at the desk, in the open accompagnement, and only if the
    policy allows this act (``acces.mediation``); else back to the France services home."""

    def decorateur(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            acc = _en_cours(request)
            if acc is None:
                messages.warning(
                    request,
                    "Aucun accompagnement en cours : il a été fermé ou ses 30 minutes sont "
                    "écoulées.",
                )
                return redirect("consentement:france_services")
            acteur = acces.acteur_mediateur(acc)
            if acte and not acces.peut_accompagner(acteur, acte):
                raise Http404
            request.acteur, request.accompagnement = acteur, acc
            return view(request, *args, **kwargs)

        return exige(acces.peut_utiliser_espace_mediateur)(wrapper)

    return decorateur


@require_http_methods(["GET", "POST"])
@exige(acces.peut_utiliser_espace_mediateur)
def france_services(request):
    mediateur = request.acteur.mediateur
    form = IdentificationForm(request.POST if request.method == "POST" else None, avec_code=False)
    if request.method == "POST" and form.is_valid():
        try:
            acc = accompagnement.accompagnement_commencer(
                mediateur=mediateur,
                nir=form.cleaned_data["nir"],
                date_naissance=form.cleaned_data["date_naissance"],
                source=adresse_client(request),
            )
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            return redirect("consentement:accompagnement_presence", public_id=acc.public_id)
    return render(
        request,
        "consentement/france_services.html",
        {"mediateur": mediateur, "form": form, "en_cours": _en_cours(request)},
    )


@require_http_methods(["GET", "POST"])
@exige(acces.peut_utiliser_espace_mediateur)
def accompagnement_presence(request, public_id):
    acc = get_object_or_404(
        Accompagnement.objects.select_related("profil", "mediateur__user"),
        public_id=public_id,
        mediateur=request.acteur.mediateur,
        statut="presence",
    )
    form = PresenceForm(request.POST if "code" in request.POST else None)
    if request.method == "POST" and "envoyer" in request.POST:
        refus = accompagnement.code_presence_envoyer(accompagnement=acc)
        if refus is None:
            messages.success(request, f"Code envoyé à {masquer_email(acc.profil.email_contact)}.")
        else:
            messages.error(request, refus)
        return redirect("consentement:accompagnement_presence", public_id=acc.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            ok = accompagnement.presence_prouver(
                accompagnement=acc, saisie=form.cleaned_data["code"], source=adresse_client(request)
            )
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            if ok:
                request.session[accompagnement.SESSION] = str(acc.public_id)
                return redirect("consentement:accompagnement")
            form.add_error("code", "Code incorrect ou expiré. Vérifiez-le avec la personne.")
    return render(
        request,
        "consentement/accompagnement_presence.html",
        {
            "acc": acc,
            "form": form,
            "email_masque": masquer_email(acc.profil.email_contact)
            if acc.profil.email_contact
            else "",
        },
    )


@require_GET
@_accompagnement_requis("")
def accompagnement_tableau(request):
    acc = request.accompagnement
    profil = acc.profil
    return render(
        request,
        "consentement/accompagnement.html",
        {
            "acc": acc,
            "profil": profil,
            "peut_opposer": acces.opposition_possible(profil),
            "peut_cloturer": acces.cloture_possible(profil),
            "peut_reediter": acces.peut_recevoir_nouveau_code(profil),
            "decisions": Decision.objects.filter(accompagnement=acc),
        },
    )


@require_http_methods(["GET", "POST"])
@_accompagnement_requis("opposition")
def accompagnement_opposition(request):
    acc = request.accompagnement
    form = ConfirmationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = cycle.profil_opposer(profil=acc.profil, acteur=request.acteur)
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Opposition enregistrée (référence {decision.reference}).")
            return redirect("consentement:accompagnement")
    return render(
        request,
        "consentement/accompagnement_decision.html",
        {
            "acc": acc,
            "form": form,
            "titre": "Opposition à la création du profil",
            "textes": [("", textes.OPPOSITION)],
        },
    )


@require_http_methods(["GET", "POST"])
@_accompagnement_requis("cloture")
def accompagnement_cloture(request):
    acc = request.accompagnement
    form = ClotureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = cycle.profil_cloturer(
                profil=acc.profil,
                mode=ModeCloture(form.cleaned_data["mode"]),
                acteur=request.acteur,
            )
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Clôture enregistrée (référence {decision.reference}).")
            return redirect("consentement:accompagnement")
    return render(
        request,
        "consentement/accompagnement_decision.html",
        {
            "acc": acc,
            "form": form,
            "titre": "Clôture du profil",
            "textes": [(m.label, textes.CLOTURE[m]) for m in ModeCloture],
        },
    )


@require_http_methods(["GET", "POST"])
@_accompagnement_requis("coordonnees")
def accompagnement_coordonnees(request):
    acc = request.accompagnement
    champs = list(CoordonneesForm.base_fields)
    initial = {c: getattr(acc.profil, c) for c in champs}
    form = CoordonneesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = coordonnees_modifier(acteur=request.acteur, donnees=form.cleaned_data)
        messages.success(
            request,
            "Coordonnées et préférences enregistrées." if changes else "Aucune modification.",
        )
        return redirect("consentement:accompagnement")
    return render(
        request, "consentement/accompagnement_coordonnees.html", {"acc": acc, "form": form}
    )


@require_GET
@_accompagnement_requis("activation")
def accompagnement_activation(request):
    return render(
        request, "consentement/accompagnement_activation.html", {"acc": request.accompagnement}
    )


@require_POST
@_accompagnement_requis("avis")
def accompagnement_avis(request):
    if not acces.peut_recevoir_nouveau_code(request.accompagnement.profil):
        raise Http404
    contenu = avis.avis_reimprimer(acteur=request.acteur)
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = 'attachment; filename="avis-espace-sante.pdf"'
    return reponse


@require_GET
@_accompagnement_requis("")
def accompagnement_recu(request, public_id):
    decision = get_object_or_404(
        Decision, public_id=public_id, accompagnement=request.accompagnement
    )
    return reponse_recu(decision)


@require_POST
@exige(acces.peut_utiliser_espace_mediateur)
def accompagnement_fermer(request):
    acc = _en_cours(request)
    if acc is not None:
        accompagnement.accompagnement_fermer(acteur=acces.acteur_mediateur(acc))
        messages.success(request, f"Accompagnement de {acc.profil.nom_affiche} terminé.")
    request.session.pop(accompagnement.SESSION, None)
    return redirect("consentement:france_services")
