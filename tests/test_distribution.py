"""The schema stays ready for a distributed PostgreSQL (issue 25): every table holding a
person's data carries the profile key, includes it in its unique constraints, and points
at other person tables only from a table that carries the key too. The rule and its
exceptions live in espace_sante/distribution.py; docs/scaling.md says what Citus needs."""

from __future__ import annotations

from django.apps import apps

from espace_sante import distribution


def _labels() -> set[str]:
    return {m._meta.label for m in apps.get_models()}


def test_every_model_is_a_person_table_a_reference_table_or_a_listed_exception():
    inclasses = sorted(
        m._meta.label
        for m in apps.get_models()
        if not distribution.est_personnel(m)
        and m._meta.label not in distribution.REFERENCE
        and m._meta.label not in distribution.HORS_DISTRIBUTION
    )
    assert not inclasses, (
        "Modèles à classer dans espace_sante/distribution.py (table personnelle avec sa clé "
        f"de profil, table de référence, ou exception motivée) : {inclasses}"
    )


def test_every_person_table_carries_the_profile_key_in_its_unique_constraints():
    ecarts = [e for m in distribution.modeles_personnels() for e in distribution.ecarts(m)]
    assert not ecarts, "\n".join(ecarts)


def test_only_tables_carrying_the_profile_key_point_at_a_person_table():
    ecarts = [e for m in apps.get_models() for e in distribution.ecarts_des_cles_etrangeres(m)]
    assert not ecarts, "\n".join(ecarts)


def test_the_person_tables_include_the_record_the_messages_and_the_journal():
    tables = distribution.tables_personnelles()
    for table in ("comptes_profil", "dossier_document", "messagerie_message", "journal_entree"):
        assert table in tables


def test_the_exceptions_name_models_that_exist():
    """A stale exception would hide the next model given its name."""
    listes = [*distribution.REFERENCE, *distribution.HORS_DISTRIBUTION, *distribution.CLE_PROFIL]
    listes += [label for label, _ in distribution.UNICITES_HORS_PROFIL]
    assert not set(listes) - _labels()
    for label, champs in distribution.UNICITES_HORS_PROFIL:
        assert champs in distribution._unicites(apps.get_model(label)), (label, champs)
