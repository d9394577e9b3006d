"""Who acts: one value, resolved once per request (or built by a task, an admin action, the
API), read by every rule of the policy and written in the journal and the ledger.

An ``Acteur`` says who (a user, or nobody for the public pages and the system), in which
role, through which channel, on which profile, as which professional or mediator (and in
which accompagnement), for which third-party application and with which scopes, and
whether under an emergency access. On a record, it also carries what the policy granted
(the categories its profession may read, médecin traitant, masked items): those are set
by ``consentement.acces.dossier.sur_dossier``, never by a caller.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from consentement.enums import Canal
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Mediateur, Professionnel, Profil, User
from espace_sante.lib.texte import accorder

ROLES_PATIENT = (Role.TITULAIRE, Role.REPRESENTANT)


@dataclass(frozen=True)
class Acteur:
    role: Role
    canal: Canal = Canal.WEB
    user: User | None = None
    libelle: str = ""
    profil: Profil | None = None
    professionnel: Professionnel | None = None
    mediateur: Mediateur | None = None
    accompagnement: Any = None  # consentement.models.Accompagnement
    application: Any = None  # catalogue.models.Service, for the API
    scopes: frozenset[str] = frozenset()
    urgence: bool = False
    # Granted by the policy on ``profil`` (the record's rules read these).
    categories: frozenset[str] = frozenset()
    medecin_traitant: bool = False
    voit_masques: bool = False
    # The profiles this user acts on as titulaire or representative (the switcher).
    profils: tuple[Profil, ...] = field(default=(), compare=False)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def cote_patient(self) -> bool:
        return self.role in ROLES_PATIENT

    @property
    def pour_autrui(self) -> bool:
        """Acting on someone else's behalf: a parent, a mediator, an agent, an application."""
        return self.role in (Role.REPRESENTANT, Role.MEDIATEUR, Role.ADMIN, Role.APPLICATION)

    @property
    def pour_le_compte_de(self) -> Profil | None:
        return self.profil if self.pour_autrui else None

    def sur(self, profil: Profil | None, **changes) -> Acteur:
        """The same actor on another profile (grants are reset unless given)."""
        base = {
            "categories": frozenset(),
            "medecin_traitant": False,
            "voit_masques": False,
            "urgence": False,
        }
        return dataclasses.replace(self, profil=profil, **{**base, **changes})


def libelle_auteur(acteur: Acteur) -> str:
    """How the author of an item (a document, a measure, a message, a report) is named
    wherever it is shown: a professional as in the directory, a connected service by its
    name, anyone else by name and role ("Camille Martin (représentant légal)")."""
    if acteur.professionnel is not None and not acteur.cote_patient:
        return str(acteur.professionnel)
    if acteur.role == Role.APPLICATION:
        return f"{acteur.libelle} (service connecté)"
    nom = acteur.user.nom_complet or acteur.user.email
    role = Role(acteur.role).label.lower()
    if acteur.role == Role.REPRESENTANT:
        role = accorder(acteur.user, role, "représentante légale", role)
    return f"{nom} ({role})"


def libelle_de(user: User | None) -> str:
    if user is None:
        return ""
    return user.nom_complet or user.email


ACTEUR_SYSTEME = Acteur(Role.SYSTEME, Canal.SYSTEME, libelle="Traitement automatique")


def acteur_anonyme(profil: Profil | None = None) -> Acteur:
    """The person, on a public page (opposition, activation) with the notice's code."""
    return Acteur(Role.ANONYME, libelle="La personne, sans compte (page publique)", profil=profil)


def acteur_representant_anonyme(profil: Profil | None = None) -> Acteur:
    return Acteur(
        Role.REPRESENTANT, libelle="Représentant légal, sans compte (page publique)", profil=profil
    )


def acteur_agent(user: User, canal: Canal, profil: Profil | None = None) -> Acteur:
    """An agent recording a decision received by post or telephone."""
    return Acteur(
        Role.ADMIN,
        canal,
        user,
        f"{libelle_de(user)} (agent, décision reçue par {Canal(canal).label.lower()})",
        profil=profil,
    )


def acteur_mediateur(accompagnement) -> Acteur:
    """A France services mediator, inside one accompagnement, for the person at the desk."""
    mediateur = accompagnement.mediateur
    return Acteur(
        Role.MEDIATEUR,
        Canal.FRANCE_SERVICES,
        mediateur.user,
        f"{mediateur.user.nom_complet}, médiateur France services "
        f"({mediateur.site_france_services})",
        profil=accompagnement.profil,
        mediateur=mediateur,
        accompagnement=accompagnement,
    )


def acteur_professionnel(professionnel: Professionnel, profil: Profil | None = None) -> Acteur:
    """A professional, before the policy says what they may read of ``profil``."""
    return Acteur(
        Role.PROFESSIONNEL,
        user=professionnel.user,
        libelle=str(professionnel),
        profil=profil,
        professionnel=professionnel,
    )


def acteur_personne(user: User, profil: Profil) -> Acteur:
    """The titulaire or a legal representative on the web (the caller checked the link)."""
    role = Role.TITULAIRE if profil.titulaire_id == user.pk else Role.REPRESENTANT
    return Acteur(role, user=user, libelle=libelle_de(user), profil=profil)


def acteur_titulaire(user: User, profil: Profil) -> Acteur:
    """The person themselves (activating their profile: not yet its titulaire on record)."""
    return Acteur(Role.TITULAIRE, user=user, libelle=libelle_de(user), profil=profil)
