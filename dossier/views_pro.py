"""The professional's side: identify a patient, read what the policy allows, add to it,
and the emergency access ("bris de glace") behind a fresh re-authentication."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consentement import acces
from consentement import services as consentement
from consentement.cycle import ActionImpossible
from consentement.decorators import exige
from consentement.selectors import patients_du_medecin_traitant
from dossier import forms, selectors, services
from dossier.enums import Rubrique
from dossier.views import contexte_profil_medical
from espace_sante.comptes import roles, verrouillage
from espace_sante.comptes.enums import PorteeTentative

MESSAGE_VERROU = (
    "Trop de recherches infructueuses : la recherche de patients est suspendue pour "
    "quelques minutes. Vérifiez le NIR et la date de naissance sur la carte Vitale."
)
professionnel_seulement = exige(acces.peut_utiliser_espace_professionnel)


def _identifier(request, form, ouvrir) -> object | None:
    """Run an identification with lock-outs; errors land on the form."""
    pro = roles.professionnel_de(request.user)
    ip = verrouillage.ip_de(request)
    portee = PorteeTentative.RECHERCHE_NIR
    if verrouillage.est_verrouille(portee=portee, compte=request.user.email, ip=ip):
        form.add_error(None, MESSAGE_VERROU)
        return None
    try:
        return ouvrir(pro, form.cleaned_data)
    except ActionImpossible as refus:
        verrouillage.enregistrer_echec(portee=portee, compte=request.user.email, ip=ip)
        form.add_error(None, str(refus))
        return None


@require_http_methods(["GET", "POST"])
@professionnel_seulement
def pro_accueil(request):
    pro = roles.professionnel_de(request.user)
    form = forms.ProIdentificationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        acces_ouvert = _identifier(
            request,
            form,
            lambda p, d: consentement.acces_ouvrir(
                professionnel=p, nir=d["nir"], date_naissance=d["date_naissance"]
            ),
        )
        if acces_ouvert is not None:
            return redirect("dossier:pro_dossier", acces_ouvert.profil.public_id)
    return render(
        request,
        "dossier/pro_accueil.html",
        {
            "professionnel": pro,
            "form": form,
            "acces": list(selectors.acces_en_cours(professionnel=pro)),
            "patients_mt": patients_du_medecin_traitant(pro),
            "signalements": list(selectors.signalements_ouverts(professionnel=pro)),
        },
        status=400 if form.is_bound and not form.is_valid() or form.errors else 200,
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
            lambda p, d: consentement.acces_urgence(
                professionnel=p,
                nir=d["nir"],
                date_naissance=d["date_naissance"],
                motif=d["motif"],
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
    lecteur = selectors.lecteur_par_profil(request.user, profil)
    services.dossier_consulter(lecteur=lecteur, page="dossier (professionnel)")
    return render(
        request,
        "dossier/pro_dossier.html",
        {
            "lecteur": lecteur,
            "patient": lecteur.profil,
            "documents": list(selectors.documents_visibles(lecteur=lecteur)),
            "rubriques_ajout": Rubrique,
            **contexte_profil_medical(lecteur),
        },
    )


@require_POST
@professionnel_seulement
def signalement_traiter(request, public_id):
    pro = roles.professionnel_de(request.user)
    signalement = selectors.signalement_ouvert(professionnel=pro, public_id=public_id)
    services.signalement_traiter(professionnel=pro, signalement=signalement)
    messages.success(request, "Le signalement est marqué comme traité.")
    return redirect("dossier:pro_accueil")
