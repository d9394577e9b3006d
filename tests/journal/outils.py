"""Writing test entries on a profile's chain the way the app does (consentement.journal)."""

from consentement import journal
from consentement.acces import Acteur


def bascule(*, user, role, profil):
    """A profile switch: one ordinary entry on the profile's chain."""
    return journal.profil_bascule(Acteur(role, user=user, libelle=str(user), profil=profil))
