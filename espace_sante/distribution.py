"""The rule that keeps the schema ready for a distributed PostgreSQL (Citus), in one place.

Every table holding a person's data is distributed by the profile it belongs to:

1. it carries the profile key (``CLE_PROFIL``: its own column naming the profile);
2. every unique constraint includes that key (a shard can only enforce a uniqueness that
   lies inside one profile) — except the random public identifiers (``public_id``, a UUID4:
   unique by construction, and on Citus the index becomes (profile, public_id));
3. every foreign key to another person table comes from a table that carries the profile
   key too, so both rows live on the same shard (the composite key is declared there).

The directory (professionals, mediators), the catalogue and the profession matrix are
reference tables: small, read everywhere, copied to every node. The tables that are
neither are listed in ``HORS_DISTRIBUTION`` with the reason. ``tests/test_distribution.py``
checks every model against this module; docs/scaling.md says what it leaves for Citus.
This module reads the app registry only: the kernel never imports an app.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

PROFIL = "comptes.Profil"
# The column that names the profile, when it is not ``profil``.
CLE_PROFIL = {
    "comptes.Profil": "id",
    # A legal representation is stored with the minor it protects (the minor's pages read
    # it); the representative's own list is a lookup by representant_id across shards.
    "comptes.Representation": "mineur",
}

# Small, read on every node, written rarely by the admin: copied to every node.
REFERENCE = {
    "comptes.Professionnel": "l'annuaire des professionnels (RPPS)",
    "comptes.Mediateur": "l'annuaire des médiateurs France services",
    "consentement.MatriceProfession": "la matrice profession × catégorie",
    "catalogue.Critere": "le référentiel des critères du catalogue",
    "catalogue.Service": "le catalogue des services référencés",
    "catalogue.PorteeDemandee": "les portées demandées par chaque service",
    "catalogue.Client": "le client OAuth de chaque service",
    "oauth2_provider.Application": "les applications OAuth des services",
    "sites.Site": "configuration du site",
    "dsfr.DsfrConfig": "configuration du gabarit DSFR",
    "dsfr.DsfrSocialMedia": "configuration du gabarit DSFR",
}

# Neither distributed by profile nor reference, and why. "À faire" marks what the move to
# Citus would still change (docs/scaling.md, "Ce qui reste").
HORS_DISTRIBUTION = {
    # Accounts: a login is not a record. A user acts on several profiles (a parent), so
    # accounts are distributed by user (co-located with nothing) or stay on the coordinator.
    "comptes.User": "compte de connexion, distribué par utilisateur",
    "comptes.CarnetSecours": "second facteur d'un compte (par utilisateur)",
    "comptes.CodeSecours": "second facteur d'un compte (par utilisateur)",
    "otp_totp.TOTPDevice": "second facteur d'un compte (par utilisateur)",
    "otp_static.StaticDevice": "second facteur d'un compte (par utilisateur)",
    "otp_static.StaticToken": "second facteur d'un compte (par utilisateur)",
    "otp_email.EmailDevice": "second facteur d'un compte (par utilisateur)",
    "account.EmailAddress": "adresse de connexion d'un compte (par utilisateur)",
    "account.EmailConfirmation": "adresse de connexion d'un compte (par utilisateur)",
    "oauth2_provider.AccessToken": "jeton OAuth, cherché par sa valeur (par utilisateur)",
    "oauth2_provider.RefreshToken": "jeton OAuth, cherché par sa valeur (par utilisateur)",
    "oauth2_provider.IDToken": "jeton OAuth, cherché par sa valeur (par utilisateur)",
    "oauth2_provider.Grant": "code OAuth éphémère (par utilisateur)",
    "oauth2_provider.DeviceGrant": "code OAuth éphémère (par utilisateur)",
    "comptes.Tentative": "compteur de tentatives, par identifiant tenté (pas par profil)",
    "agenda.CompteurFlux": "compteur de lectures d'un flux, par jeton et par jour",
    # Batches: operational, written by one importer, read by the admin; on the coordinator.
    "consentement.Lot": "lot de création (exploitation, sur le coordinateur)",
    "consentement.LotMorceau": "morceau d'un lot (exploitation, sur le coordinateur)",
    "consentement.LotRejet": "ligne rejetée d'un lot (exploitation, sur le coordinateur)",
    "consentement.EnvoiAvis": "avis d'un lot à envoyer (exploitation, sur le coordinateur)",
    # The journal's chain heads are keyed by the chain ("profil:<id>" or "acteur:<id>").
    "journal.TeteChaine": "À faire : une colonne profil_id (les chaînes d'acteur restent à part)",
    # Person data without its own profile column yet.
    "messagerie.Suivi": "À faire : porter profil_id (lu d'une conversation du même profil)",
    "catalogue.Jeton": "À faire : porter profil_id (lié à une connexion du profil)",
    # Django's own tables.
    "auth.Permission": "table de Django",
    "auth.Group": "table de Django",
    "contenttypes.ContentType": "table de Django",
    "sessions.Session": "session, cherchée par sa clé (par utilisateur)",
    "admin.LogEntry": "journal de l'admin Django (personnel)",
}

# Unique constraints that do not include the profile key yet, and why.
UNICITES_HORS_PROFIL = {
    ("comptes.Profil", ("nir_hash",)): (
        "Un NIR, un profil : vérifié par la recherche du NIR haché (table de correspondance"
        " nir_hash → profil distribuée par nir_hash, à faire)"
    ),
    ("comptes.Profil", ("titulaire",)): (
        "Un compte titulaire d'un seul profil : à vérifier dans la table des comptes (à faire)"
    ),
    ("notifications.Notification", ("cle",)): (
        "À faire : (profil, cle) — la clé d'une notification porte déjà le profil"
    ),
    ("agenda.Rappel", ("cle",)): "À faire : (profil, cle) — la clé d'un rappel porte le profil",
    ("agenda.Abonnement", ("jeton_hash",)): (
        "Le flux est cherché par son jeton : table de correspondance jeton → profil (à faire)"
    ),
    ("journal.Entree", ("chaine", "rang")): (
        "À faire : une chaîne de profil se nomme « profil:<id> », donc (chaine, rang) reste"
        " dans un profil ; les chaînes d'acteur (sans profil) iront dans une table à part"
    ),
    ("catalogue.Autorisation", ("connexion", "portee")): (
        "À faire : (profil, connexion, portee) — la connexion appartient au profil"
    ),
}


def _label(modele) -> str:
    return modele._meta.label


def est_personnel(modele) -> bool:
    """A table of a person's data: the profile itself, or a table pointing at a profile."""
    if _label(modele) == PROFIL:
        return True
    if _label(modele) in REFERENCE or _label(modele) in HORS_DISTRIBUTION:
        return False
    return any(
        f.is_relation and f.related_model is not None and _label(f.related_model) == PROFIL
        for f in modele._meta.concrete_fields
    )


def cle_profil(modele) -> str:
    return CLE_PROFIL.get(_label(modele), "profil")


def modeles_personnels() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if est_personnel(m)]


def tables_personnelles() -> set[str]:
    return {m._meta.db_table for m in modeles_personnels()}


def _unicites(modele) -> list[tuple[str, ...]]:
    champs = [
        tuple(c.fields)
        for c in modele._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    champs += [tuple(u) for u in modele._meta.unique_together]
    champs += [(f.name,) for f in modele._meta.concrete_fields if f.unique and not f.primary_key]
    return champs


def ecarts(modele) -> list[str]:
    """What a person model breaks of the rule (empty: it complies)."""
    label, cle = _label(modele), cle_profil(modele)
    noms = {f.name for f in modele._meta.concrete_fields} | {"id"}
    if cle not in noms:
        return [f"{label} : pas de colonne de profil « {cle} »"]
    problemes = []
    for champs in _unicites(modele):
        if cle in champs or champs == ("public_id",) or (label, champs) in UNICITES_HORS_PROFIL:
            continue
        problemes.append(f"{label} : unicité {champs} sans la clé de profil « {cle} »")
    return problemes


def ecarts_des_cles_etrangeres(modele) -> list[str]:
    """Foreign keys from a non-person, non-reference table to a person table (the row
    pointing and the row pointed at could not be placed on the same shard)."""
    label = _label(modele)
    if est_personnel(modele) or label in REFERENCE or label in HORS_DISTRIBUTION:
        return []
    return [
        f"{label}.{f.name} → {_label(f.related_model)} : clé étrangère vers une table "
        "personnelle depuis une table qui ne porte pas le profil"
        for f in modele._meta.concrete_fields
        if f.is_relation and f.related_model is not None and est_personnel(f.related_model)
    ]
