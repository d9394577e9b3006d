from functools import wraps

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement.acces import selectors, textes
from consentement.acces.choix import profil_basculer
from consentement.acces.decorateurs import espace_patient
from consentement.enums import ModeCloture
from consentement.forms import ClotureForm, ConfirmationForm, CoordonneesForm, MesCoordonneesForm
from consentement.models import Decision
from consentement.services import cycle
from consentement.services.coordonnees import coordonnees_modifier
from consentement.views.recu import reponse_recu
from espace_sante.comptes import roles


class BasculeForm(forms.Form):
    profil = forms.UUIDField()


@require_POST
def changer_profil(request):
    form = BasculeForm(request.POST)
    if not form.is_valid():
        raise Http404
    acteur = profil_basculer(acteur=request.acteur, public_id=form.cleaned_data["profil"])
    request.session[selectors.SESSION_PROFIL_ACTIF] = str(acteur.profil.public_id)
    return redirect("dossier:accueil")


@require_GET
@espace_patient
def mes_choix(request):
    acteur = request.acteur
    return render(
        request,
        "consentement/mes_choix.html",
        {
            "decisions": selectors.decisions_visibles(acteur=acteur),
            "accompagnements": acteur.profil.accompagnements.exclude(ouvert_le=None)
            .select_related("mediateur__user")
            .order_by("-ouvert_le"),
        },
    )


@require_GET
@espace_patient
def bienvenue(request):
    """After activation: what the space holds and the first steps, each one skippable."""
    return render(request, "consentement/bienvenue.html")


@require_GET
@espace_patient
def recu(request, public_id):
    decision = get_object_or_404(
        selectors.decisions_visibles(acteur=request.acteur), public_id=public_id
    )
    return reponse_recu(decision)


@require_http_methods(["GET", "POST"])
@espace_patient
@reauthentication_required
def cloture(request):
    form = ClotureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        profil = request.acteur.profil
        try:
            decision = cycle.profil_cloturer(
                profil=profil, mode=ModeCloture(form.cleaned_data["mode"]), acteur=request.acteur
            )
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                f"Le profil de {profil.nom_affiche} est clôturé (référence {decision.reference}). "
                "Téléchargez votre accusé de réception ci-dessous.",
            )
            return redirect("consentement:cloture_faite", public_id=decision.public_id)
    return render(
        request,
        "consentement/cloture.html",
        {"form": form, "textes": [(m.label, textes.CLOTURE[m]) for m in ModeCloture]},
    )


def _profil_cloture(request):
    profil = roles.profil_cloture_de(request.user)
    if profil is None:
        raise Http404
    return profil


def _ma_decision(request, public_id) -> Decision:
    """A decision the user took themselves (their closure, a minor's closure)."""
    return get_object_or_404(Decision, public_id=public_id, acteur=request.user)


@require_GET
def cloture_faite(request, public_id):
    decision = _ma_decision(request, public_id)
    return render(request, "consentement/cloture_faite.html", {"decision": decision})


@require_GET
def recu_decision(request, public_id):
    """The receipt of a decision the user took, even once the profile is closed."""
    return reponse_recu(_ma_decision(request, public_id))


def _avec_profil_cloture(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.profil_cloture = _profil_cloture(request)
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@_avec_profil_cloture
@reauthentication_required
def reouverture(request):
    profil = request.profil_cloture
    form = ConfirmationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = cycle.profil_rouvrir(
                profil=profil, acteur=acces.acteur_personne(request.user, profil)
            )
        except cycle.ActionImpossible as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Votre profil est rouvert (référence {decision.reference}).")
            return redirect("consentement:mes_choix")
    return render(
        request,
        "consentement/reouverture.html",
        {"form": form, "profil": profil, "texte": textes.REOUVERTURE},
    )


@require_http_methods(["GET", "POST"])
@espace_patient
def coordonnees(request):
    """The person's contact details and how they want to be told (email, SMS)."""
    acteur = request.acteur
    profil = acteur.profil
    email_compte = profil.titulaire.email if profil.titulaire_id else ""
    initial = {c: getattr(profil, c) for c in CoordonneesForm.base_fields}
    form = MesCoordonneesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        email_compte=email_compte,
    )
    if request.method == "POST" and form.is_valid():
        donnees = {
            k: v for k, v in form.cleaned_data.items() if k != "email_contact" or not email_compte
        }
        changes = coordonnees_modifier(acteur=acteur, donnees=donnees)
        messages.success(
            request,
            "Vos coordonnées et préférences sont enregistrées."
            if changes
            else "Aucune modification.",
        )
        return redirect("consentement:coordonnees")
    return render(
        request,
        "consentement/coordonnees.html",
        {"form": form, "email_compte": email_compte},
        status=400 if form.is_bound else 200,
    )
