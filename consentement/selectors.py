"""Which profile the user is acting on in this request."""

from __future__ import annotations

import uuid

from consentement import acces
from espace_sante.comptes.models import Profil

SESSION_PROFIL_ACTIF = "profil_actif"


def profil_actif(request) -> Profil | None:
    """The profile chosen in the switcher, re-checked on every request.

    If the chosen profile is no longer accessible (the child turned 18, the link
    ended), fall back to the user's first accessible profile.
    """
    accessibles = acces.profils_accessibles(request.user)
    choisi = request.session.get(SESSION_PROFIL_ACTIF)
    profil = accessibles.filter(public_id=choisi).first() if choisi else None
    return profil or accessibles.first()


def blocages_actifs(profil: Profil):
    from consentement.models import Blocage

    return Blocage.objects.actifs().filter(profil=profil).select_related("professionnel__user")


def blocage_actif(profil: Profil, public_id: str):
    """The profile's current block with this id, or None (a malformed id included)."""
    try:
        uuid.UUID(str(public_id))
    except ValueError:
        return None
    return blocages_actifs(profil).filter(public_id=public_id).first()


def patients_du_medecin_traitant(professionnel) -> list[Profil]:
    """Profiles that declared this doctor and that the policy opens to them now."""
    from consentement.models import ParametresAcces

    profils = [
        p.profil
        for p in ParametresAcces.objects.filter(medecin_traitant=professionnel).select_related(
            "profil"
        )
    ]
    return [p for p in profils if acces.lecteur_professionnel(professionnel.user, p)]
