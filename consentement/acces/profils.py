"""Profiles: which ones a user acts on, in which capacity, and the age of majority.

The age-of-majority date is computed here, once, and read by the policy, the batches and
the nightly sweep alike.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Profil, Representation, date_majorite

# A profile someone can work in: not announced (still opposable), opposed or closed.
STATUTS_UTILISABLES = (StatutProfil.CREE, StatutProfil.ACTIVE)


__all__ = [
    "STATUTS_UTILISABLES",
    "date_majorite",
    "profil_ouvert_aux_pros",
    "profils_accessibles",
    "q_mineur",
    "role_sur_profil",
]


def q_mineur(le: date | None = None) -> Q:
    """Profiles of people under 18 on ``le``."""
    return Q(date_naissance__gt=date_majorite(le))


def profils_accessibles(user) -> QuerySet[Profil]:
    """Profiles the user acts on as titulaire or legal representative.

    Their own activated profile, and each minor's profile they represent while the
    representation runs and the child is under 18: access stops on the next request
    after the 18th birthday, before any task has closed the link.
    """
    if user is None or not user.is_authenticated:
        return Profil.objects.none()
    mineurs = Representation.objects.actives().filter(
        representant__titulaire=user,
        representant__statut=StatutProfil.ACTIVE,
        mineur__date_naissance__gt=date_majorite(),
    )
    return Profil.objects.filter(
        Q(titulaire=user, statut=StatutProfil.ACTIVE)
        | Q(pk__in=mineurs.values("mineur"), statut__in=STATUTS_UTILISABLES)
    ).order_by("date_naissance", "pk")


def role_sur_profil(user, profil: Profil) -> Role:
    """In which capacity the user acts on this profile (for the journal)."""
    return Role.TITULAIRE if profil.titulaire_id == user.pk else Role.REPRESENTANT


def profil_ouvert_aux_pros(profil: Profil) -> bool:
    """Not announced (still opposable), opposed or closed: nothing for any professional."""
    return profil.statut in STATUTS_UTILISABLES
