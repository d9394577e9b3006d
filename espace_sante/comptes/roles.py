"""What a user is: facts about identity, read by the access policy and the menus.

These answer "which roles does this login hold", not "may it do X": the latter
belongs to consentement.acces.
"""

from __future__ import annotations

from django.urls import reverse

from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Mediateur, Professionnel, Profil, Representation


def professionnel_de(user) -> Professionnel | None:
    if not user.is_authenticated:
        return None
    pro = Professionnel.objects.filter(user=user, actif=True).first()
    return pro


def mediateur_de(user) -> Mediateur | None:
    if not user.is_authenticated:
        return None
    return Mediateur.objects.habilites().filter(user=user).first()


def profil_de(user) -> Profil | None:
    """The user's own activated profile."""
    if not user.is_authenticated:
        return None
    return Profil.objects.filter(titulaire=user, statut=StatutProfil.ACTIVE).first()


def profil_cloture_de(user) -> Profil | None:
    """The user's own closed profile while it can still be reopened (data not erased)."""
    if not user.is_authenticated:
        return None
    return Profil.objects.filter(
        titulaire=user, statut=StatutProfil.CLOTURE, donnees_supprimees_le__isnull=True
    ).first()


def roles_de(user) -> set[Role]:
    roles: set[Role] = set()
    if not user.is_authenticated:
        return roles
    if user.is_staff:
        roles.add(Role.ADMIN)
    if professionnel_de(user):
        roles.add(Role.PROFESSIONNEL)
    if mediateur_de(user):
        roles.add(Role.MEDIATEUR)
    profil = profil_de(user)
    if profil:
        roles.add(Role.TITULAIRE)
        if Representation.objects.actives().filter(representant=profil).exists():
            roles.add(Role.REPRESENTANT)
    return roles


ORDRE = [Role.ADMIN, Role.PROFESSIONNEL, Role.MEDIATEUR, Role.TITULAIRE, Role.REPRESENTANT]


def role_principal(user) -> Role | None:
    roles = roles_de(user)
    return next((r for r in ORDRE if r in roles), None)


def role_pour_journal(user) -> Role:
    return role_principal(user) or (Role.ANONYME if not user.is_authenticated else Role.TITULAIRE)


ACCUEILS = {
    Role.ADMIN: "admin:index",
    Role.PROFESSIONNEL: "dossier:pro_accueil",
    Role.MEDIATEUR: "consentement:france_services",
    Role.TITULAIRE: "dossier:accueil",
    Role.REPRESENTANT: "dossier:accueil",
}


def url_accueil(user) -> str:
    role = role_principal(user)
    return reverse(ACCUEILS[role]) if role else reverse("comptes:sans_espace")
