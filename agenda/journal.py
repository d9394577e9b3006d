"""The agenda's journal entries: one typed constructor per event.

Written: what anyone but the titulaire does to an appointment (a parent for a child, a
professional's proposal, answers and cancellations on someone's behalf), every calendar
feed created or revoked, and a feed's fetches as one line per day. The prevention opt-out
is a consent decision (``consentement.services.cycle.decision_enregistrer`` writes its entry).
Details hold dates and names, never an appointment's title, place or notes.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from consentement.acces import Acteur
from consentement.journal import ecrire, par_autrui
from espace_sante.comptes.enums import Role


class Action(models.TextChoices):
    RDV_CREE = "rdv_cree", "Rendez-vous ajouté à l'agenda"
    RDV_PROPOSE = "rdv_propose", "Rendez-vous proposé par un professionnel"
    RDV_MODIFIE = "rdv_modifie", "Rendez-vous modifié"
    RDV_ACCEPTE = "rdv_accepte", "Proposition de rendez-vous acceptée"
    RDV_REFUSE = "rdv_refuse", "Proposition de rendez-vous refusée"
    RDV_ANNULE = "rdv_annule", "Rendez-vous annulé"
    FLUX_CREE = "flux_cree", "Abonnement de calendrier créé"
    FLUX_REVOQUE = "flux_revoque", "Abonnement de calendrier révoqué"
    FLUX_CONSULTE = "flux_consulte", "Calendrier lu par un abonnement (première lecture du jour)"


def _rdv(rdv) -> dict:
    return {"debut": timezone.localtime(rdv.debut).strftime("%d/%m/%Y %H:%M")}


def rdv_cree(acteur: Acteur, rdv) -> None:
    if acteur.role == Role.PROFESSIONNEL:
        ecrire(acteur, Action.RDV_PROPOSE, profil=rdv.profil, objet=rdv, details=_rdv(rdv))
    elif par_autrui(acteur):
        ecrire(acteur, Action.RDV_CREE, profil=rdv.profil, objet=rdv, details=_rdv(rdv))


def rdv_modifie(acteur: Acteur, rdv, *, avant) -> None:
    if par_autrui(acteur):
        details = {**_rdv(rdv), "avant": timezone.localtime(avant).strftime("%d/%m/%Y %H:%M")}
        ecrire(acteur, Action.RDV_MODIFIE, profil=rdv.profil, objet=rdv, details=details)


def rdv_repondu(acteur: Acteur, rdv, *, accepte: bool) -> None:
    if par_autrui(acteur):
        action = Action.RDV_ACCEPTE if accepte else Action.RDV_REFUSE
        ecrire(acteur, action, profil=rdv.profil, objet=rdv, details=_rdv(rdv))


def rdv_annule(acteur: Acteur, rdv) -> None:
    if par_autrui(acteur):
        ecrire(acteur, Action.RDV_ANNULE, profil=rdv.profil, objet=rdv, details=_rdv(rdv))


def flux_cree(acteur: Acteur, abonnement) -> None:
    ecrire(
        acteur,
        Action.FLUX_CREE,
        objet=abonnement,
        details={"nom": abonnement.nom, "details": abonnement.details},
    )


def flux_revoque(acteur: Acteur, abonnement) -> None:
    ecrire(acteur, Action.FLUX_REVOQUE, objet=abonnement, details={"nom": abonnement.nom})


def flux_consulte(abonnement, *, ip: str) -> None:
    lecteur = Acteur(
        Role.ANONYME,
        libelle=f"Application de calendrier (abonnement « {abonnement.nom} »)",
        profil=abonnement.profil,
    )
    ecrire(lecteur, Action.FLUX_CONSULTE, objet=abonnement, details={"ip": ip})
