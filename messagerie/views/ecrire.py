"""A professional writes to a patient: identified by NIR and birth date (look-ups count
toward the professional's lock-out, as on the record's identification), or from the
patient's page while their access runs. A blocked professional, an opposed or closed
profile and an unknown patient all get the same refusal."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from consentement import acces
from consentement.acces.decorateurs import exige
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import Profil
from espace_sante.lib.refus import SaisieInvalide
from messagerie import services
from messagerie.forms import NouvelleConversationForm, PatientMessageForm

MESSAGE_VERROU = (
    "Trop de recherches infructueuses : l'envoi à un nouveau patient est suspendu pour "
    "quelques minutes. Vérifiez le NIR et la date de naissance sur la carte Vitale."
)
professionnel_seulement = exige(acces.peut_utiliser_espace_professionnel)


def _patient(request, identification) -> Profil | None:
    """The profile a NIR and birth date name, counting failures (locked: None)."""
    ip, compte = verrouillage.ip_de(request), request.user.email
    portee = PorteeTentative.RECHERCHE_NIR
    if verrouillage.est_verrouille(portee=portee, compte=compte, ip=ip):
        identification.add_error(None, MESSAGE_VERROU)
        return None
    donnees = identification.cleaned_data
    profil = (
        Profil.objects.par_nir(donnees["nir"])
        .filter(date_naissance=donnees["date_naissance"])
        .first()
    )
    if profil is None or not acces.peut_ecrire_a(request.acteur, profil):
        verrouillage.enregistrer_echec(portee=portee, compte=compte, ip=ip)
        identification.add_error(None, services.AUCUN_PATIENT)
        return None
    return profil


def _envoyer(request, profil, form) -> object | None:
    donnees = form.cleaned_data
    try:
        return services.conversation_demarrer(
            acteur=request.acteur,
            profil=profil,
            sujet=donnees["sujet"],
            corps=donnees["corps"],
            pieces=donnees["pieces"],
            confidentiel=donnees.get("confidentiel", False),
        )
    except SaisieInvalide as refus:
        form.add_error(None, str(refus))
        return None


def _formulaires(request, profil):
    donnees = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    # Known patient: the policy says; identified by NIR in the same form: the service does.
    confidentiel = profil is None or acces.peut_declarer_conversation_confidentielle(
        request.acteur, profil
    )
    form = NouvelleConversationForm(*donnees, request=request, confidentiel_possible=confidentiel)
    identification = PatientMessageForm(donnees[0]) if profil is None else None
    return form, identification


@require_http_methods(["GET", "POST"])
@professionnel_seulement
def ecrire(request, profil=None):
    patient = None
    if profil is not None:
        sur = acces.sur_dossier_par(request.acteur, public_id=profil)
        if sur is None or sur.cote_patient or not acces.peut_ecrire_a(sur, sur.profil):
            raise Http404
        patient = sur.profil
    form, identification = _formulaires(request, patient)
    if request.method == "POST":
        valides = form.is_valid() & (identification is None or identification.is_valid())
        cible = patient or (_patient(request, identification) if valides else None)
        if valides and cible is not None and (conversation := _envoyer(request, cible, form)):
            messages.success(request, f"Votre message est envoyé à {cible.nom_affiche}.")
            return redirect("messagerie:conversation", conversation.public_id)
    return render(
        request,
        "messagerie/ecrire.html",
        {
            "form": form,
            "identification": identification,
            "patient": patient,
            "erreur": bool(form.errors or (identification and identification.errors)),
        },
        status=400 if request.method == "POST" else 200,
    )
