"""Writes on identities: creating logins, profiles, professionals, mediators."""

from __future__ import annotations

from datetime import date

from allauth.account.models import EmailAddress
from django.db import transaction

from espace_sante.comptes.enums import Profession, Sexe, StatutProfil
from espace_sante.comptes.models import Mediateur, Professionnel, Profil, Representation, User


@transaction.atomic
def utilisateur_creer(*, email: str, mot_de_passe: str, prenom: str, nom: str, **extra) -> User:
    """A login whose email is verified (it came from a trusted source)."""
    user = User.objects.create_user(
        email=email, password=mot_de_passe, prenom=prenom, nom=nom, **extra
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def profil_creer(
    *,
    nir: str,
    nom_naissance: str,
    prenoms: str,
    date_naissance: date,
    sexe: Sexe,
    code_lieu_naissance: str,
    nom_usage: str = "",
    statut: StatutProfil = StatutProfil.ANNONCE,
    titulaire: User | None = None,
) -> Profil:
    profil = Profil(
        nom_naissance=nom_naissance,
        nom_usage=nom_usage,
        prenoms=prenoms,
        date_naissance=date_naissance,
        sexe=sexe,
        code_lieu_naissance=code_lieu_naissance,
        statut=statut,
        titulaire=titulaire,
    )
    profil.definir_nir(nir)
    profil.full_clean(exclude=["nir"])
    profil.save()
    return profil


def professionnel_creer(*, user: User, rpps: str, profession: Profession, **extra) -> Professionnel:
    pro = Professionnel(user=user, rpps=rpps, profession=profession, **extra)
    pro.full_clean()
    pro.save()
    return pro


def mediateur_creer(*, user: User, site: str, **extra) -> Mediateur:
    mediateur = Mediateur(user=user, site_france_services=site, **extra)
    mediateur.full_clean()
    mediateur.save()
    return mediateur


def representation_creer(*, representant: Profil, mineur: Profil) -> Representation:
    return Representation.objects.create(representant=representant, mineur=mineur)
