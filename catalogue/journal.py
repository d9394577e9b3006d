"""The journal entries of the catalogue and its API: one typed constructor per event.

Every API call with a valid token is one line on the profile's chain, under the service's
name (the actor's label), saying which resource types it read and how many of each —
never which items (the journal holds no health content). Writes through the API are
journaled by the record itself (``dossier.journal``), as added by the service.
"""

from __future__ import annotations

from django.db import models

from consentement.acces import ACTEUR_SYSTEME, Acteur
from consentement.journal import ecrire
from espace_sante.lib.texte import nombre


class Action(models.TextChoices):
    API_LECTURE = "api_lecture", "Données lues par un service connecté"
    API_REFUS = "api_refus", "Demande d'un service connecté refusée"
    JETON_DELIVRE = "service_jeton", "Accès délivré à un service connecté"
    SERVICE_DECONNECTE = "service_deconnecte", "Service connecté déconnecté"
    SUPPRESSION_DEMANDEE = "suppression_demandee", "Suppression des copies demandée au service"
    SUPPRESSION_LIVREE = "suppression_livree", "Demande de suppression reçue par le service"
    SERVICE_STATUT = "service_statut", "Statut d'un service du catalogue changé"
    CLIENT_ENREGISTRE = "client_enregistre", "Client d'un service enregistré"


# What the person reads in their history: their words, never the FHIR resource types.
NOMS_RESSOURCES = {
    "Patient": ("fiche d'identité", "fiches d'identité"),
    "DocumentReference": ("document", "documents"),
    "Observation": ("mesure", "mesures"),
    "AllergyIntolerance": ("allergie", "allergies"),
    "Immunization": ("vaccination", "vaccinations"),
    "Condition": ("antécédent", "antécédents"),
    "MedicationStatement": ("traitement", "traitements"),
}


def resume(ressources: dict[str, int]) -> str:
    """« 12 mesures, 1 fiche d'identité » — what the person reads in their history."""
    if not ressources:
        return "aucune donnée"
    return ", ".join(
        nombre(n, *NOMS_RESSOURCES.get(code, ("donnée", "données")))
        for code, n in sorted(ressources.items())
    )


def api_lecture(acteur: Acteur, *, operation: str, ressources: dict[str, int]) -> None:
    ecrire(
        acteur,
        Action.API_LECTURE,
        objet=acteur.application,
        details={"operation": operation, "ressources": ressources, "resume": resume(ressources)},
    )


def api_refus(acteur: Acteur, *, operation: str, statut: int, motif: str) -> None:
    ecrire(
        acteur,
        Action.API_REFUS,
        objet=acteur.application,
        details={"operation": operation, "statut": statut, "resume": f"{operation} — {motif}"},
    )


def jeton_delivre(acteur: Acteur, *, portees: list[str], renouvellement: bool) -> None:
    ecrire(
        acteur,
        Action.JETON_DELIVRE,
        objet=acteur.application,
        details={
            "portees": portees,
            "renouvellement": renouvellement,
            "resume": "renouvellement" if renouvellement else "première connexion",
        },
    )


def service_deconnecte(acteur: Acteur, connexion, *, motif: str) -> None:
    ecrire(
        acteur,
        Action.SERVICE_DECONNECTE,
        profil=connexion.profil,
        objet=connexion,
        details={"service": str(connexion.service), "resume": f"{connexion.service} ({motif})"},
    )


def suppression_demandee(acteur: Acteur, demande) -> None:
    ecrire(
        acteur,
        Action.SUPPRESSION_DEMANDEE,
        profil=demande.profil,
        objet=demande,
        details={
            "service": str(demande.connexion.service),
            "portees": demande.portees,
            "resume": str(demande.connexion.service),
        },
    )


def suppression_livree(demande) -> None:
    ecrire(
        ACTEUR_SYSTEME,
        Action.SUPPRESSION_LIVREE,
        profil=demande.profil,
        objet=demande,
        details={
            "service": str(demande.connexion.service),
            "essais": demande.essais,
            "resume": str(demande.connexion.service),
        },
    )


def service_statut(acteur: Acteur, service, *, statut: str, motif: str) -> None:
    ecrire(
        acteur,
        Action.SERVICE_STATUT,
        objet=service,
        details={"service": str(service), "statut": statut, "motif": motif},
    )


def client_enregistre(service, *, client_id: str) -> None:
    ecrire(
        ACTEUR_SYSTEME,
        Action.CLIENT_ENREGISTRE,
        objet=service,
        details={"service": str(service), "client_id": client_id},
    )
