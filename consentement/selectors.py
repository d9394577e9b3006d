"""Which profile the user is acting on in this request."""

from __future__ import annotations

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
