"""Writing to the journal: one private appender, one typed constructor per event.

Callers never build an Entree themselves; they call the constructor for what
happened, inside the same transaction as the act it records.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Profil, User
from espace_sante.journal.enums import Action
from espace_sante.journal.models import HASH_ORIGINE, Entree, TeteChaine
from espace_sante.lib.requetes import adresse_client


def cle_de_chaine(*, profil: Profil | None, acteur: User | None) -> str:
    if profil is not None:
        return f"profil:{profil.pk}"
    if acteur is not None:
        return f"acteur:{acteur.pk}"
    return "systeme"


def _ecrire(
    *,
    action: Action,
    role: Role,
    acteur: User | None = None,
    profil: Profil | None = None,
    pour_le_compte_de: Profil | None = None,
    objet: Any = None,
    objet_type: str = "",
    objet_id: str = "",
    details: dict | None = None,
    acteur_libelle: str = "",
) -> Entree:
    if objet is not None:
        objet_type = objet_type or objet._meta.label_lower
        objet_id = objet_id or str(getattr(objet, "public_id", None) or objet.pk)
    chaine = cle_de_chaine(profil=profil, acteur=acteur)
    with transaction.atomic():
        TeteChaine.objects.get_or_create(chaine=chaine)
        tete = TeteChaine.objects.select_for_update().get(chaine=chaine)
        entree = Entree(
            acteur=acteur,
            acteur_libelle=acteur_libelle or (str(acteur) if acteur else ""),
            role=role,
            profil=profil,
            pour_le_compte_de=pour_le_compte_de,
            action=action,
            objet_type=objet_type,
            objet_id=objet_id,
            details=details or {},
            chaine=chaine,
            rang=tete.rang + 1,
            hash_precedent=tete.hash if tete.rang else HASH_ORIGINE,
        )
        entree.hash = entree.calculer_hash()
        entree.save()
        tete.rang, tete.hash = entree.rang, entree.hash
        tete.save(update_fields=["rang", "hash"])
    return entree


def _ip(request) -> str:
    return adresse_client(request)


# --- Authentication -------------------------------------------------------------


def journaliser_connexion(*, user: User, role: Role, request=None) -> Entree:
    return _ecrire(action=Action.CONNEXION, role=role, acteur=user, details={"ip": _ip(request)})


def journaliser_connexion_echec(*, user: User | None, request=None) -> Entree:
    return _ecrire(
        action=Action.CONNEXION_ECHEC,
        role=Role.ANONYME,
        acteur=user,
        details={"ip": _ip(request)},
    )


def journaliser_deconnexion(*, user: User, role: Role, request=None) -> Entree:
    return _ecrire(action=Action.DECONNEXION, role=role, acteur=user, details={"ip": _ip(request)})


def journaliser_otp_verifie(*, user: User, role: Role, methode: str, request=None) -> Entree:
    return _ecrire(
        action=Action.OTP_VERIFIE,
        role=role,
        acteur=user,
        details={"methode": methode, "ip": _ip(request)},
    )


def journaliser_otp_echec(*, user: User, role: Role, request=None) -> Entree:
    return _ecrire(action=Action.OTP_ECHEC, role=role, acteur=user, details={"ip": _ip(request)})


def journaliser_otp_appareil(*, user: User, role: Role, methode: str) -> Entree:
    action = Action.OTP_CODES_SECOURS if methode == "secours" else Action.OTP_APPAREIL_AJOUTE
    return _ecrire(action=action, role=role, acteur=user, details={"methode": methode})


def journaliser_verrouillage(*, user: User | None, portee: str, motif: str, request=None) -> Entree:
    return _ecrire(
        action=Action.VERROUILLAGE,
        role=Role.ANONYME if user is None else Role.SYSTEME,
        acteur=user,
        details={"portee": portee, "motif": motif, "ip": _ip(request)},
    )


# --- Profiles ---------------------------------------------------------------------


def journaliser_bascule_profil(*, user: User, role: Role, profil: Profil) -> Entree:
    """A user switches the profile they act on (their own or a minor's)."""
    return _ecrire(
        action=Action.PROFIL_BASCULE,
        role=role,
        acteur=user,
        profil=profil,
        pour_le_compte_de=profil if role == Role.REPRESENTANT else None,
        objet=profil,
    )


# --- Operations -------------------------------------------------------------------


def journaliser_rotation_cles(*, cle_active: str, compte: int) -> Entree:
    return _ecrire(
        action=Action.CLES_ROTATION,
        role=Role.SYSTEME,
        details={"cle_active": cle_active, "objets_reenveloppes": compte},
    )


# --- Profile lifecycle and consent ---------------------------------------------------


def journaliser_cycle(
    *,
    action: Action,
    role: Role,
    profil: Profil | None,
    acteur: User | None = None,
    pour_le_compte_de: Profil | None = None,
    objet: Any = None,
    details: dict | None = None,
    acteur_libelle: str = "",
) -> Entree:
    """A lifecycle event on a profile: a decision, a notice, a deletion, a mediator's act.

    ``pour_le_compte_de`` is set when someone acts on behalf of the person (a mediator
    in an accompagnement, a parent for a minor): the person sees it in their history.
    """
    return _ecrire(
        action=action,
        role=role,
        acteur=acteur,
        profil=profil,
        pour_le_compte_de=pour_le_compte_de,
        objet=objet,
        details=details,
        acteur_libelle=acteur_libelle,
    )
