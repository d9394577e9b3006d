"""Connected applications: what a third-party service may read or write with the scopes
the person consented to.

A service acts for the person who connected it (the titulaire, or a legal representative
for a minor), through the API only. Its actor (``acteur_application``) carries the scopes
that are both in its access token and still consented in the ledger; the rules here turn
them into FHIR resource types and record categories. The record's own rules apply on top
(``consentement.acces.dossier``): an application never sees a masked item, a result held
for an announcement, a minor's confidential act, nor anything of a closed or opposed
profile — and never the person's own wishes (advance directives, people to contact,
organ donation), whatever its scopes.

Scopes are SMART App Launch v2 (``patient/Observation.rs``, ``patient/Observation.c``);
``catalogue.portees`` parses v1 aliases into these.
"""

from __future__ import annotations

from django.db.models import Q

from consentement.acces.acteur import Acteur
from consentement.acces.profils import STATUTS_UTILISABLES, profils_accessibles
from consentement.enums import Canal, Categorie
from espace_sante.comptes.enums import Role

LECTURE = "rs"
CREATION = "c"
TYPES_LISIBLES = (
    "Patient",
    "DocumentReference",
    "Observation",
    "AllergyIntolerance",
    "Immunization",
    "Condition",
    "MedicationStatement",
)
TYPES_CREABLES = ("Observation", "DocumentReference")

# Never served to, nor written by, an application: the person's own wishes.
HORS_API = frozenset(
    {Categorie.DIRECTIVES_ANTICIPEES, Categorie.PERSONNES_A_PREVENIR, Categorie.DON_ORGANES}
)
# Medical-profile entries: which resource type a category becomes (the record's export).
TYPE_DES_INFORMATIONS = {
    Categorie.ALLERGIES: "AllergyIntolerance",
    Categorie.VACCINATION: "Immunization",
    Categorie.TRAITEMENTS: "MedicationStatement",
    Categorie.ANTECEDENTS: "Condition",
}
CATEGORIES_DOCUMENTS = frozenset(
    {
        Categorie.COMPTE_RENDU,
        Categorie.BIOLOGIE,
        Categorie.IMAGERIE,
        Categorie.ORDONNANCE,
        Categorie.VACCINATION,
        Categorie.CERTIFICAT,
        Categorie.HOSPITALISATION,
        Categorie.AUTRE,
    }
)


def portee(type_ressource: str, mode: str) -> str:
    return f"patient/{type_ressource}.{mode}"


def est_application(acteur: Acteur) -> bool:
    return acteur.role == Role.APPLICATION and acteur.application is not None


def peut_lire(acteur: Acteur, type_ressource: str) -> bool:
    """Read and search one resource type."""
    return est_application(acteur) and portee(type_ressource, LECTURE) in acteur.scopes


def peut_creer(acteur: Acteur, type_ressource: str) -> bool:
    return (
        est_application(acteur)
        and type_ressource in TYPES_CREABLES
        and portee(type_ressource, CREATION) in acteur.scopes
    )


def categories_lisibles(acteur: Acteur, genre: str) -> frozenset[str]:
    """The categories of the record's items of this ``GENRE`` the application may read."""
    if genre == "document":
        return CATEGORIES_DOCUMENTS if peut_lire(acteur, "DocumentReference") else frozenset()
    if genre == "mesure":
        return frozenset({Categorie.MESURES}) if peut_lire(acteur, "Observation") else frozenset()
    if genre == "information":
        return frozenset(c for c, t in TYPE_DES_INFORMATIONS.items() if peut_lire(acteur, t))
    return frozenset()


def peut_ecrire_categorie(acteur: Acteur, categorie: str) -> bool:
    """A measure with ``Observation.c``, a document with ``DocumentReference.c``."""
    if categorie == Categorie.MESURES:
        return peut_creer(acteur, "Observation")
    return categorie in CATEGORIES_DOCUMENTS and peut_creer(acteur, "DocumentReference")


def connexion_utilisable(user, profil) -> bool:
    """Whether the person who connected the service still acts on this profile: an open
    profile, the titulaire, or a representative whose child is still a minor."""
    if user is None or profil is None or profil.statut not in STATUTS_UTILISABLES:
        return False
    return profils_accessibles(user).filter(pk=profil.pk).exists()


def peut_connecter_service(acteur: Acteur) -> bool:
    """Consent to a service's scopes: the person's side (titulaire, or a representative for
    the minor), on the profile they act on."""
    return acteur.cote_patient and acteur.profil is not None


def peut_gerer_connexion(acteur: Acteur, connexion) -> bool:
    """See a connection, withdraw one of its scopes or all of it: the person's side of its
    profile."""
    return peut_connecter_service(acteur) and connexion.profil_id == acteur.profil.pk


def q_connexions(acteur: Acteur) -> Q:
    """``peut_gerer_connexion`` as a filter on Connexion (« Mes services connectés »)."""
    if not peut_connecter_service(acteur):
        return Q(pk__in=[])
    return Q(profil_id=acteur.profil.pk)


def peut_revoquer_connexion(acteur: Acteur, connexion) -> bool:
    """Ending a connection: the person's side, or the system when the service is withdrawn
    or suspended from the catalogue."""
    return peut_gerer_connexion(acteur, connexion) or acteur.role == Role.SYSTEME


def acteur_application(*, user, profil, application, scopes) -> Acteur:
    """The API's actor: the service ``application``, for ``profil``, on behalf of ``user``
    (who connected it), with the scopes both in its token and still consented."""
    base = Acteur(
        Role.APPLICATION,
        user=user,
        libelle=str(application),
        profil=profil,
        application=application,
        scopes=frozenset(scopes),
    )
    lisibles = frozenset().union(
        *(categories_lisibles(base, g) for g in ("document", "mesure", "information"))
    )
    return Acteur(
        Role.APPLICATION,
        Canal.API,
        user,
        str(application),
        profil=profil,
        application=application,
        scopes=frozenset(scopes),
        categories=lisibles,
    )
