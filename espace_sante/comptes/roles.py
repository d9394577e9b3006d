"""What a user is: facts about identity, read by the access policy and the menus.

These answer "which roles does this login hold", not "may it do X": the latter
belongs to consentement.acces.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.urls import reverse

from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Mediateur, Professionnel, Profil


def _lie(user, nom: str):
    """A one-to-one relation of the user (loaded with the user by the auth backend), or None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return getattr(user, nom)
    except ObjectDoesNotExist:
        return None


def professionnel_de(user) -> Professionnel | None:
    pro = _lie(user, "professionnel")
    return pro if pro is not None and pro.actif else None


def mediateur_de(user) -> Mediateur | None:
    mediateur = _lie(user, "mediateur")
    return mediateur if mediateur is not None and mediateur.est_habilite() else None


def profil_de(user) -> Profil | None:
    """The user's own activated profile."""
    profil = _lie(user, "profil")
    return profil if profil is not None and profil.statut == StatutProfil.ACTIVE else None


def profil_cloture_de(user) -> Profil | None:
    """The user's own closed profile while it can still be reopened (data not erased)."""
    profil = _lie(user, "profil")
    if profil is None or profil.statut != StatutProfil.CLOTURE:
        return None
    return profil if profil.donnees_supprimees_le is None else None


def roles_de(user) -> set[Role]:
    """The roles this login holds (a parent is a titulaire first: representing a minor
    needs one's own activated profile)."""
    roles: set[Role] = set()
    if user is None or not user.is_authenticated:
        return roles
    if user.is_staff:
        roles.add(Role.ADMIN)
    if professionnel_de(user):
        roles.add(Role.PROFESSIONNEL)
    if mediateur_de(user):
        roles.add(Role.MEDIATEUR)
    if profil_de(user):
        roles.add(Role.TITULAIRE)
    return roles


ORDRE = [Role.ADMIN, Role.PROFESSIONNEL, Role.MEDIATEUR, Role.TITULAIRE, Role.REPRESENTANT]


def role_principal(user) -> Role | None:
    roles = roles_de(user)
    return next((r for r in ORDRE if r in roles), None)


def role_pour_journal(user) -> Role:
    return role_principal(user) or (Role.ANONYME if not user.is_authenticated else Role.TITULAIRE)


# Each role's home page (a URL name), registered by the app that serves it in its
# AppConfig.ready: the kernel names no app's URL. The admin's is the kernel's own.
ACCUEILS: dict[Role, str] = {Role.ADMIN: "admin:index"}


def accueil_enregistrer(role: Role, nom_url: str) -> None:
    """An app declares the home page of a role (one app per role)."""
    deja = ACCUEILS.setdefault(role, nom_url)
    if deja != nom_url:
        raise ImproperlyConfigured(f"Le rôle {role} a déjà une page d'accueil : {deja}.")


def url_accueil(user) -> str:
    """The home page of the user's main role; the "no space" page when none is registered."""
    role = role_principal(user)
    return reverse(ACCUEILS.get(role) or "comptes:sans_espace")
