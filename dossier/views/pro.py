"""The professional's side: identify a patient, read what the policy allows, add to it,
the emergency access ("bris de glace") behind a fresh re-authentication, the errors
patients signal on what they added."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement.acces import ouverture
from consentement.acces import selectors as choix
from consentement.acces.decorateurs import exige
from dossier import forms, presentation, selectors, services
from dossier.views.dossier import page_documents
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.lib.refus import SaisieInvalide

MESSAGE_VERROU = (
    "Trop de recherches infructueuses : la recherche de patients est suspendue pour "
    "quelques minutes. Vérifiez le NIR et la date de naissance sur la carte Vitale."
)
professionnel_seulement = exige(acces.peut_utiliser_espace_professionnel)


def _identifier(request, form, ouvrir) -> object | None:
    """Run an identification with lock-outs; errors land on the form."""
    ip = verrouillage.ip_de(request)
    portee, compte = PorteeTentative.RECHERCHE_NIR, request.user.email
    if verrouillage.est_verrouille(portee=portee, compte=compte, ip=ip):
        form.add_error(None, MESSAGE_VERROU)
        return None
    try:
        return ouvrir(request.acteur, form.cleaned_data)
    except SaisieInvalide as refus:
        verrouillage.enregistrer_echec(portee=portee, compte=compte, ip=ip)
        form.add_error(None, str(refus))
        return None


@require_http_methods(["GET", "POST"])
@professionnel_seulement
def pro_accueil(request):
    acteur = request.acteur
    form = forms.ProIdentificationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        acces_ouvert = _identifier(
            request,
            form,
            lambda a, d: ouverture.acces_ouvrir(
                acteur=a, nir=d["nir"], date_naissance=d["date_naissance"]
            ),
        )
        if acces_ouvert is not None:
            return redirect("dossier:pro_dossier", acces_ouvert.profil.public_id)
    return render(
        request,
        "dossier/pro_accueil.html",
        {
            "professionnel": acteur.professionnel,
            "form": form,
            "acces": list(selectors.acces_en_cours(acteur=acteur)),
            "patients_mt": choix.patients_du_medecin_traitant(acteur=acteur),
            "signalements": presentation.signalements_nommes(
                list(selectors.signalements_ouverts(acteur=acteur))
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@professionnel_seulement
@reauthentication_required
def pro_urgence(request):
    form = forms.UrgenceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        acces_ouvert = _identifier(
            request,
            form,
            lambda a, d: ouverture.acces_urgence_ouvrir(
                acteur=a, nir=d["nir"], date_naissance=d["date_naissance"], motif=d["motif"]
            ),
        )
        if acces_ouvert is not None:
            messages.warning(
                request,
                "Accès en urgence ouvert pour 2 heures. Le patient et son médecin traitant en "
                "sont avertis ; votre motif figure dans son historique.",
            )
            return redirect("dossier:pro_dossier", acces_ouvert.profil.public_id)
    return render(
        request, "dossier/pro_urgence.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
@professionnel_seulement
def pro_dossier(request, profil):
    acteur = selectors.acteur_sur_dossier(acteur=request.acteur, public_id=profil)
    services.dossier_consulter(acteur=acteur, page="dossier (professionnel)")
    page = page_documents(request, acteur)
    return render(
        request,
        "dossier/pro_dossier.html",
        {
            "acteur": acteur,
            "patient": acteur.profil,
            "page": page,
            "documents": page.object_list,
            "requete": "",
            **presentation.profil_medical(acteur),
        },
    )


@require_POST
@professionnel_seulement
def signalement_traiter(request, public_id):
    signalement = selectors.signalement_ouvert(acteur=request.acteur, public_id=public_id)
    services.signalement_traiter(acteur=request.acteur, signalement=signalement)
    messages.success(request, "Le signalement est marqué comme traité.")
    return redirect("dossier:pro_accueil")
