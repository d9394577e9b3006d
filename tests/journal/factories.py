"""Journal entries on a profile's chain, written the way the app writes them
(consentement.journal's constructors): never a bare row, so the chain stays whole."""

from consentement import journal
from consentement.acces import Acteur


def bascule(*, user, role, profil):
    """A profile switch: one ordinary entry on the profile's chain."""
    return journal.profil_bascule(Acteur(role, user=user, libelle=str(user), profil=profil))


def bascules(n: int, *, user, role, profil) -> list:
    """``n`` entries of ``user`` on ``profil``'s chain, in order."""
    return [bascule(user=user, role=role, profil=profil) for _ in range(n)]
