"""Migration 0005: the rows hashed with plain SHA-256 are rechained under the key, once."""

import importlib

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from espace_sante.comptes.enums import Role
from espace_sante.journal.empreinte import empreinte_sha256
from espace_sante.journal.models import Entree
from espace_sante.journal.selectors import verifier_tout
from espace_sante.journal.services import journaliser_connexion
from tests.journal.factories import bascule
from tests.journal.falsification import reecrire_chaine, sql_superutilisateur

pytestmark = pytest.mark.django_db

migration = importlib.import_module("espace_sante.journal.migrations.0005_chaines_hmac")


def _migrer():
    with connection.schema_editor() as editeur:
        migration.rechainer(apps, editeur)


@pytest.fixture
def journal_ancien(patient, parent):
    """Chains as the previous release wrote them: plain SHA-256."""
    for _ in range(3):
        bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    journaliser_connexion(user=parent, role=Role.TITULAIRE)
    noms = sorted(set(Entree.objects.values_list("chaine", flat=True)))
    for chaine in noms:
        reecrire_chaine(chaine, supprimer=[], hacher=empreinte_sha256)
    assert len(verifier_tout()) == len(noms)  # unkeyed rows no longer pass
    return noms


def test_old_sha256_chains_are_rechained_under_the_key_and_the_trigger_is_back(journal_ancien):
    _migrer()
    assert verifier_tout() == []
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM journal_entree")


def test_a_chain_already_broken_under_sha256_stops_the_migration(journal_ancien, patient):
    chaine = f"profil:{patient.profil.pk}"
    sql_superutilisateur(
        "UPDATE journal_entree SET objet_id = 'falsifie' WHERE chaine = %s AND rang = 2", [chaine]
    )
    avant = list(Entree.objects.order_by("pk").values_list("hash", flat=True))
    with pytest.raises(RuntimeError, match=f"« {chaine} » est déjà rompue au rang 2"):
        with transaction.atomic():
            _migrer()
    assert list(Entree.objects.order_by("pk").values_list("hash", flat=True)) == avant
