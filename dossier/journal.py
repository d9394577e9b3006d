"""The journal entries of the medical record: one typed constructor per event.

The titulaire's own reads are not written (``consentement.journal.lecture``): the history
lists what others did. Every other read is written (a representative's, a professional's,
an emergency access's).
"""

from __future__ import annotations

from django.db import models

from consentement.acces import Acteur
from consentement.journal import ecrire, lecture


class Action(models.TextChoices):
    DOSSIER_CONSULTE = "dossier_consulte", "Dossier consulté"
    DOCUMENT_AJOUTE = "document_ajoute", "Document ajouté"
    DOCUMENT_CONSULTE = "document_consulte", "Document ouvert"
    DOCUMENT_SUPPRIME = "document_supprime", "Document supprimé"
    DOCUMENT_LIBERE = "document_libere", "Résultat présenté au patient (fin de l'attente d'annonce)"
    DOCUMENT_REFUSE = "document_refuse", "Dépôt de document refusé"
    INFORMATION_AJOUTEE = "information_ajoutee", "Information du profil médical ajoutée"
    INFORMATION_SUPPRIMEE = "information_supprimee", "Information du profil médical supprimée"
    INFORMATION_MODIFIEE = "information_modifiee", "Information du profil médical corrigée"
    ERREUR_SIGNALEE = "erreur_signalee", "Erreur signalée au professionnel auteur"
    SIGNALEMENT_TRAITE = "signalement_traite", "Signalement d'erreur traité par le professionnel"
    EXPORT = "export", "Export du dossier"
    HISTORIQUE_EXPORTE = "historique_exporte", "Historique d'activité exporté"


def dossier_consulte(acteur: Acteur, *, page: str) -> None:
    lecture(acteur, Action.DOSSIER_CONSULTE, details={"page": page})


def document_consulte(acteur: Acteur, document, *, telechargement: bool = False, page: str = ""):
    details = {"categorie": document.categorie, "telechargement": telechargement}
    lecture(
        acteur,
        Action.DOCUMENT_CONSULTE,
        objet=document,
        details={**details, **({"page": page} if page else {})},
    )


def document_ajoute(acteur: Acteur, document) -> None:
    ecrire(
        acteur,
        Action.DOCUMENT_AJOUTE,
        objet=document,
        details={"categorie": document.categorie, "annonce_requise": document.annonce_requise},
    )


def document_supprime(acteur: Acteur, document) -> None:
    ecrire(
        acteur, Action.DOCUMENT_SUPPRIME, objet=document, details={"categorie": document.categorie}
    )


def document_libere(acteur: Acteur, document) -> None:
    ecrire(acteur, Action.DOCUMENT_LIBERE, objet=document)


def document_refuse(acteur: Acteur, *, motif: str) -> None:
    ecrire(acteur, Action.DOCUMENT_REFUSE, details={"motif": motif})


def information_ajoutee(acteur: Acteur, element) -> None:
    genre = {"information": "rubrique", "mesure": "mesure"}[element.GENRE]
    valeur = element.rubrique if element.GENRE == "information" else element.type
    ecrire(acteur, Action.INFORMATION_AJOUTEE, objet=element, details={genre: valeur})


def information_modifiee(acteur: Acteur, element) -> None:
    ecrire(
        acteur,
        Action.INFORMATION_MODIFIEE,
        objet=element,
        details={"categorie": element.categorie},
    )


def information_supprimee(acteur: Acteur, element) -> None:
    ecrire(
        acteur,
        Action.INFORMATION_SUPPRIMEE,
        objet=element,
        details={"categorie": element.categorie},
    )


def erreur_signalee(acteur: Acteur, element, signalement) -> None:
    ecrire(
        acteur,
        Action.ERREUR_SIGNALEE,
        objet=element,
        details={
            "professionnel": str(signalement.professionnel),
            "signalement": str(signalement.public_id),
        },
    )


def signalement_traite(acteur: Acteur, signalement) -> None:
    ecrire(
        acteur,
        Action.SIGNALEMENT_TRAITE,
        profil=signalement.profil,
        objet=signalement,
        details={"professionnel": acteur.libelle},
    )


def export(acteur: Acteur, *, format: str, elements: int | None = None) -> None:
    details = {"format": format, **({"elements": elements} if elements is not None else {})}
    ecrire(acteur, Action.EXPORT, details=details)


def historique_exporte(acteur: Acteur, *, format: str) -> None:
    ecrire(acteur, Action.HISTORIQUE_EXPORTE, details={"format": format})
