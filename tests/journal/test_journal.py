import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from espace_sante.comptes.enums import Role
from espace_sante.journal.models import Entree, JournalImmuable
from espace_sante.journal.selectors import verifier_chaine, verifier_profil, verifier_tout
from espace_sante.journal.services import journaliser_connexion
from tests.comptes.factories import ProfilFactory
from tests.journal.factories import bascule, bascules
from tests.journal.falsification import sql_superutilisateur

pytestmark = pytest.mark.django_db


@pytest.fixture
def chaine(patient):
    profil = patient.profil
    entrees = bascules(5, user=patient, role=Role.TITULAIRE, profil=profil)
    return profil, entrees


def test_an_intact_chain_verifies(chaine):
    profil, entrees = chaine
    assert verifier_profil(profil) is None
    assert [e.rang for e in entrees] == [1, 2, 3, 4, 5]
    assert entrees[1].hash_precedent == entrees[0].hash


def test_edited_row_is_named(chaine):
    profil, entrees = chaine
    sql_superutilisateur(
        'UPDATE journal_entree SET details = \'{"ip": "1.2.3.4"}\' WHERE id = %s', [entrees[2].pk]
    )
    rupture = verifier_profil(profil)
    assert rupture.entree_id == entrees[2].pk
    assert "modifié" in rupture.motif


def test_edited_actor_is_detected_even_with_hash_recomputed_badly(chaine):
    profil, entrees = chaine
    sql_superutilisateur(
        "UPDATE journal_entree SET role = 'professionnel' WHERE id = %s", [entrees[0].pk]
    )
    assert verifier_profil(profil).entree_id == entrees[0].pk


def test_deleted_row_is_named_by_the_row_after_the_gap(chaine):
    profil, entrees = chaine
    sql_superutilisateur("DELETE FROM journal_entree WHERE id = %s", [entrees[1].pk])
    rupture = verifier_profil(profil)
    assert rupture.entree_id == entrees[2].pk
    assert "rang 2 manque" in rupture.motif


def test_deleted_tail_is_detected_by_the_chain_head(chaine):
    profil, entrees = chaine
    sql_superutilisateur("DELETE FROM journal_entree WHERE id = %s", [entrees[4].pk])
    rupture = verifier_profil(profil)
    assert rupture is not None and "fin de chaîne" in rupture.motif


def test_reordered_rows_are_detected(chaine):
    profil, entrees = chaine
    a, b = entrees[1], entrees[3]  # ranks 2 and 4 swap places
    for rang, entree in ((1002, a), (2, b), (4, a)):
        sql_superutilisateur("UPDATE journal_entree SET rang = %s WHERE id = %s", [rang, entree.pk])
    rupture = verifier_profil(profil)
    assert rupture.entree_id == b.pk  # the first row out of place, walking in order
    assert "réordonnée" in rupture.motif


def test_database_refuses_update_and_delete():
    entree = journaliser_connexion(user=ProfilFactory(active=True).titulaire, role=Role.TITULAIRE)
    for sql in (
        "UPDATE journal_entree SET action = 'x' WHERE id = %s",
        "DELETE FROM journal_entree WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql, [entree.pk])


def test_model_refuses_save_of_existing_row_and_delete(patient):
    entree = journaliser_connexion(user=patient, role=Role.TITULAIRE)
    entree.details = {"falsifie": True}
    with pytest.raises(JournalImmuable):
        entree.save()
    with pytest.raises(JournalImmuable):
        entree.delete()


def test_chains_are_per_profile_and_per_actor(patient, parent, mineur):
    journaliser_connexion(user=patient, role=Role.TITULAIRE)
    e = bascule(user=parent, role=Role.REPRESENTANT, profil=mineur)
    assert e.chaine == f"profil:{mineur.pk}" and e.rang == 1
    assert e.pour_le_compte_de == mineur
    assert Entree.objects.filter(chaine=f"acteur:{patient.pk}").count() >= 1
    assert verifier_tout() == []


def test_journal_verify_command_names_the_broken_row(chaine, capsys):
    profil, entrees = chaine
    call_command("journal_verify")
    sql_superutilisateur(
        "UPDATE journal_entree SET objet_id = 'autre' WHERE id = %s", [entrees[3].pk]
    )
    with pytest.raises(CommandError):
        call_command("journal_verify")
    err = capsys.readouterr().err
    assert f"entrée n° {entrees[3].pk}" in err and f"profil:{profil.pk}" in err
    assert verifier_chaine(f"profil:{profil.pk}").rang == 4
