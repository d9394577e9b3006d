"""Which space of the site an actor may use at all (pages of another role answer 404)."""

from __future__ import annotations

from consentement.acces.acteur import Acteur


def peut_utiliser_espace_patient(acteur: Acteur) -> bool:
    return acteur.cote_patient and acteur.profil is not None


def peut_utiliser_espace_professionnel(acteur: Acteur) -> bool:
    return acteur.professionnel is not None


def peut_utiliser_espace_mediateur(acteur: Acteur) -> bool:
    return acteur.mediateur is not None


def peut_utiliser_admin(user) -> bool:
    """Staff only, and only once the second factor is verified."""
    return bool(user.is_active and user.is_staff and user.is_verified())
