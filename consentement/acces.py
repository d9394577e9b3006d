"""The one access policy: who may see or do what on a profile.

Plain predicates taking the actor and the object, and scoped querysets built on the
same rules, so that a list can never show what a detail view refuses. Views,
admin, exports and tasks ask here; none re-implements a rule.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from espace_sante.comptes import roles
from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Profil, Representation

# A profile someone can work in: not announced (still opposable), opposed or closed.
STATUTS_UTILISABLES = (StatutProfil.CREE, StatutProfil.ACTIVE)


def _date_majorite():
    """Born after this date means still a minor today."""
    aujourdhui = timezone.localdate()
    try:
        return aujourdhui.replace(year=aujourdhui.year - 18)
    except ValueError:  # 29 February
        return aujourdhui.replace(year=aujourdhui.year - 18, day=28)


def profils_accessibles(user) -> QuerySet[Profil]:
    """Profiles the user acts on as titulaire or legal representative.

    Their own activated profile, and each minor's profile they represent while the
    representation runs and the child is under 18: access stops on the next request
    after the 18th birthday, before any task has closed the link.
    """
    if not user.is_authenticated:
        return Profil.objects.none()
    mineurs = Representation.objects.actives().filter(
        representant__titulaire=user,
        representant__statut=StatutProfil.ACTIVE,
        mineur__date_naissance__gt=_date_majorite(),
    )
    return Profil.objects.filter(
        Q(titulaire=user, statut=StatutProfil.ACTIVE)
        | Q(pk__in=mineurs.values("mineur"), statut__in=STATUTS_UTILISABLES)
    ).order_by("date_naissance", "pk")


def peut_agir_sur_profil(user, profil: Profil) -> bool:
    return profils_accessibles(user).filter(pk=profil.pk).exists()


def role_sur_profil(user, profil: Profil) -> Role:
    """In which capacity the user acts on this profile (for the journal)."""
    return Role.TITULAIRE if profil.titulaire_id == user.pk else Role.REPRESENTANT


def peut_utiliser_espace_professionnel(user) -> bool:
    return roles.professionnel_de(user) is not None


def peut_utiliser_espace_mediateur(user) -> bool:
    return roles.mediateur_de(user) is not None


def peut_utiliser_admin(user) -> bool:
    """Staff only, and only once the second factor is verified."""
    return bool(user.is_active and user.is_staff and user.is_verified())
