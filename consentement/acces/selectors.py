"""Reads of consentement, scoped by the actor."""

from __future__ import annotations

import uuid

from consentement import acces
from consentement.acces import Acteur
from consentement.models import Blocage, Decision
from espace_sante.comptes.models import Profil

SESSION_PROFIL_ACTIF = "profil_actif"


def blocages_actifs(*, acteur: Acteur):
    return (
        Blocage.objects.actifs()
        .filter(profil=acteur.profil)
        .select_related("professionnel__user")
        .order_by("-debut")
    )


def blocage_actif(*, acteur: Acteur, public_id: str):
    """The profile's current block with this id, or None (a malformed id included)."""
    try:
        uuid.UUID(str(public_id))
    except ValueError:
        return None
    return blocages_actifs(acteur=acteur).filter(public_id=public_id).first()


def decisions_visibles(*, acteur: Acteur):
    return Decision.objects.filter(acces.q_decisions_visibles(acteur))


def patients_du_medecin_traitant(*, acteur: Acteur) -> list[Profil]:
    """Profiles that declared this doctor and that the policy opens to them now."""
    return acces.profils_ouverts(
        acteur, Profil.objects.filter(parametres_acces__medecin_traitant=acteur.professionnel)
    )
