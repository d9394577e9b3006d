"""What may happen to a profile in its state: opposing, activating, closing, reopening,
sending a new notice code.

The lifecycle's services (``consentement.cycle``), the public pages, the mediator's pages,
the admin and the notices all ask here, so a page never offers what the service refuses
and a service never accepts what a page hides. A minor's profile never activates on its
own: it is used from a legal representative's space, and the minor gets their own code at
18 (the nightly majority sweep); for the same reason nobody asks a new code for it.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil

# A notice (with its activation code) is sent only to a profile not yet activated.
STATUTS_AVISABLES = (StatutProfil.ANNONCE, StatutProfil.CREE)
STATUTS_ACTIVABLES = STATUTS_AVISABLES
# Closing needs a profile that exists and is not closed yet.
STATUTS_CLOTURABLES = (StatutProfil.CREE, StatutProfil.ACTIVE)

REFUS_ACTIVATION_STATUT = "Ce profil ne peut pas être activé."
REFUS_ACTIVATION_MINEUR = (
    "Le profil d'un enfant mineur ne s'active pas seul : il s'utilise depuis l'espace de son "
    "représentant légal. Activez votre propre profil, puis choisissez celui de l'enfant avec "
    "le sélecteur de profil."
)


def opposition_possible(profil: Profil, le: date | None = None) -> bool:
    """Announced, and the opposition deadline (if any) not passed."""
    le = le or timezone.localdate()
    return profil.statut == StatutProfil.ANNONCE and (
        profil.date_limite_opposition is None or le <= profil.date_limite_opposition
    )


def refus_activation(profil: Profil) -> str | None:
    """None if the person may activate this profile themselves, else the French reason."""
    if profil.statut not in STATUTS_ACTIVABLES:
        return REFUS_ACTIVATION_STATUT
    if profil.est_mineur():
        return REFUS_ACTIVATION_MINEUR
    return None


def peut_activer(profil: Profil) -> bool:
    return refus_activation(profil) is None


def cloture_possible(profil: Profil) -> bool:
    return profil.statut in STATUTS_CLOTURABLES


def reouverture_possible(profil: Profil) -> bool:
    """Closed, and its data not erased yet."""
    return profil.statut == StatutProfil.CLOTURE and profil.donnees_supprimees_le is None


def peut_recevoir_nouveau_code(profil: Profil) -> bool:
    """A new notice code on request (the public page, a mediator's reprint): a profile not yet
    activated, and not a minor's (it never activates on its own)."""
    return profil.statut in STATUTS_AVISABLES and not profil.est_mineur()


__all__ = [
    "REFUS_ACTIVATION_MINEUR",
    "REFUS_ACTIVATION_STATUT",
    "STATUTS_ACTIVABLES",
    "STATUTS_AVISABLES",
    "STATUTS_CLOTURABLES",
    "cloture_possible",
    "opposition_possible",
    "peut_activer",
    "peut_recevoir_nouveau_code",
    "refus_activation",
    "reouverture_possible",
]
