from __future__ import annotations

from django.http import Http404

from consentement import acces
from consentement.selectors import SESSION_PROFIL_ACTIF
from espace_sante.comptes.models import Profil
from espace_sante.journal.services import journaliser_bascule_profil


def profil_basculer(*, request, public_id) -> Profil:
    """Switch the profile the user acts on; 404 for a profile that is not theirs."""
    profil = acces.profils_accessibles(request.user).filter(public_id=public_id).first()
    if profil is None:
        raise Http404
    request.session[SESSION_PROFIL_ACTIF] = str(profil.public_id)
    journaliser_bascule_profil(
        user=request.user, role=acces.role_sur_profil(request.user, profil), profil=profil
    )
    return profil
