"""The journal entries of consentement, and the mapping every app uses from an Acteur.

One typed constructor per event. ``ecrire`` turns an Acteur into the kernel's fields
(who, in which role, on whose behalf, the emergency and accompagnement flags); the other
apps' ``journal.py`` call it, so an actor is written the same way everywhere.
"""

from __future__ import annotations

from django.db import models

from consentement.acces.acteur import ACTEUR_SYSTEME, Acteur
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Profil
from espace_sante.journal.models import Entree
from espace_sante.journal.services import ecrire as ecrire_noyau


class Action(models.TextChoices):
    DECISION = "decision", "Décision enregistrée"
    DONNEES_SUPPRIMEES = "donnees_supprimees", "Données du profil supprimées"
    AVIS_EMIS = "avis_emis", "Avis avec code d'activation émis"
    ACTIVATION_ECHEC = "activation_echec", "Échec d'activation"
    COMPTE_CREE = "compte_cree", "Compte créé pour activer le profil"
    REPRESENTATION_FIN = "representation_fin", "Fin d'une représentation légale"
    COORDONNEES_MODIFIEES = "coordonnees_modifiees", "Coordonnées ou préférences modifiées"
    ACCOMPAGNEMENT_OUVERT = "accompagnement_ouvert", "Accompagnement France services ouvert"
    ACCOMPAGNEMENT_FERME = "accompagnement_ferme", "Accompagnement France services fermé"
    LOT_IMPORTE = "lot_importe", "Lot de création de profils importé"
    ANNONCES_ECHUES = "annonces_echues", "Délais d'opposition échus : profils créés"
    ACCES_OUVERT = (
        "acces_ouvert",
        "Accès d'un professionnel ouvert (numéro de sécurité sociale et date de naissance)",
    )
    ACCES_REFUSE = "acces_refuse", "Accès d'un professionnel refusé"
    ACCES_URGENCE = "acces_urgence", "Accès en urgence (bris de glace)"
    PROFIL_BASCULE = "profil_bascule", "Changement de profil affiché"


def drapeaux(acteur: Acteur, objet=None) -> dict:
    """What every entry says of the circumstances: emergency, accompagnement, application,
    and a minor's confidential item (hidden from the representatives' history)."""
    details = {}
    if acteur.urgence:
        details["urgence"] = True
    if acteur.accompagnement is not None:
        details["accompagnement"] = str(acteur.accompagnement.public_id)
    if acteur.application is not None:
        details["application"] = str(acteur.application)
    if getattr(objet, "confidentiel", False):
        details["confidentiel"] = True
    return details


def par_autrui(acteur: Acteur) -> bool:
    """Whether the act is someone else's than the holder's: the holder's own reads (and,
    in the agenda, their own acts on it) are not history lines — the history lists what
    others did. The one place this rule is written."""
    return acteur.role != Role.TITULAIRE


def lecture(acteur: Acteur, action: str, **champs) -> Entree | None:
    """A read: one entry (as ``ecrire``), unless it is the holder's own (``par_autrui``)."""
    return ecrire(acteur, action, **champs) if par_autrui(acteur) else None


def ecrire(
    acteur: Acteur, action: str, *, profil: Profil | None = None, objet=None, details=None
) -> Entree:
    """One entry by this actor, on ``profil`` (default: the actor's), about ``objet``."""
    profil = profil if profil is not None else acteur.profil
    return ecrire_noyau(
        action=action,
        role=acteur.role,
        acteur=acteur.user,
        acteur_libelle=acteur.libelle,
        profil=profil,
        pour_le_compte_de=profil if acteur.pour_autrui else None,
        objet=objet,
        details={**(details or {}), **drapeaux(acteur, objet)},
    )


# --- Decisions and the lifecycle ---------------------------------------------------------


def decision(acteur: Acteur, decision, *, details: dict) -> Entree:
    return ecrire(
        acteur,
        Action.DECISION,
        profil=decision.profil,
        objet=decision,
        details={
            "decision": decision.reference,
            "type": decision.type,
            "canal": decision.canal,
            **details,
        },
    )


def donnees_supprimees(profil: Profil, *, motif: str) -> Entree:
    return ecrire(
        ACTEUR_SYSTEME,
        Action.DONNEES_SUPPRIMEES,
        profil=profil,
        objet=profil,
        details={"motif": motif},
    )


def annonces_echues(nombre: int) -> Entree:
    return ecrire(ACTEUR_SYSTEME, Action.ANNONCES_ECHUES, details={"profils_crees": nombre})


def representation_fin(profil: Profil, *, motif: str) -> Entree:
    return ecrire(
        ACTEUR_SYSTEME,
        Action.REPRESENTATION_FIN,
        profil=profil,
        objet=profil,
        details={"motif": motif},
    )


def avis_emis(acteur: Acteur, profil: Profil, *, motif: str, canal: str) -> Entree:
    return ecrire(
        acteur,
        Action.AVIS_EMIS,
        profil=profil,
        objet=profil,
        details={"motif": motif, "canal": canal},
    )


def activation_echec(profil: Profil, *, ip: str) -> Entree:
    return ecrire_noyau(
        action=Action.ACTIVATION_ECHEC, role=Role.ANONYME, profil=profil, details={"ip": ip}
    )


def compte_cree(acteur: Acteur, profil: Profil, *, user, nouveau: bool) -> Entree:
    """Step 2 of the activation: the account (email, password) is created, or an earlier
    attempt's is updated, and linked to the profile — not yet active (the second factor)."""
    return ecrire(
        acteur, Action.COMPTE_CREE, profil=profil, objet=user, details={"nouveau": nouveau}
    )


def coordonnees_modifiees(acteur: Acteur, *, objet, champs: dict) -> Entree:
    return ecrire(acteur, Action.COORDONNEES_MODIFIEES, objet=objet, details=champs)


def profil_bascule(acteur: Acteur) -> Entree:
    return ecrire(acteur, Action.PROFIL_BASCULE, objet=acteur.profil)


# --- France services ----------------------------------------------------------------------


def accompagnement_ouvert(acteur: Acteur, *, preuve: str) -> Entree:
    return ecrire(
        acteur,
        Action.ACCOMPAGNEMENT_OUVERT,
        objet=acteur.accompagnement,
        details={"site": acteur.mediateur.site_france_services, "preuve": preuve},
    )


def accompagnement_ferme(acteur: Acteur) -> Entree:
    return ecrire(
        acteur,
        Action.ACCOMPAGNEMENT_FERME,
        objet=acteur.accompagnement,
        details={"site": acteur.mediateur.site_france_services},
    )


# --- Batches --------------------------------------------------------------------------------


def lot_importe(*, lot, user) -> Entree:
    return ecrire_noyau(
        action=Action.LOT_IMPORTE,
        role=Role.ADMIN if user is not None else Role.SYSTEME,
        acteur=user,
        objet=lot,
        details={"fichier": lot.nom_fichier, "lignes": lot.lignes_total},
    )


def lot_termine(*, lot) -> Entree:
    return ecrire(
        ACTEUR_SYSTEME,
        Action.LOT_IMPORTE,
        objet=lot,
        details={"termine": True, "statut": lot.statut, "crees": lot.crees, "rejetes": lot.rejetes},
    )


# --- A professional opens a record ----------------------------------------------------------


def acces_ouvert(acteur: Acteur, acces) -> Entree:
    urgence = acces.type == "urgence"
    return ecrire(
        acteur,
        Action.ACCES_URGENCE if urgence else Action.ACCES_OUVERT,
        profil=acces.profil,
        objet=acces,
        details={"jusqua": acces.fin.isoformat(), **({"urgence": True} if urgence else {})},
    )


def acces_refuse(acteur: Acteur, profil: Profil, *, motif: str) -> Entree:
    return ecrire(
        acteur,
        Action.ACCES_REFUSE,
        profil=profil,
        objet=acteur.professionnel,
        details={"motif": motif},
    )
