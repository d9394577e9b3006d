"""Only a lost database connection is retried: real PostgreSQL failures, real Celery
retries (eager ``apply``: each retry runs at once, in this process)."""

import pytest
from django.db import DatabaseError, connection

from espace_sante.lib import taches
from tests.pannes.aide_travailleurs import couper_la_connexion_django

pytestmark = pytest.mark.django_db(transaction=True)
appels: list[str] = []


def _requete_trop_longue() -> None:
    with connection.cursor() as cur:
        cur.execute("SET statement_timeout = 50")
        try:
            cur.execute("SELECT pg_sleep(5)")
        finally:
            cur.execute("RESET statement_timeout")


def _erreur(action) -> DatabaseError:
    with pytest.raises(DatabaseError) as erreur:
        action()
    return erreur.value


def test_a_statement_timeout_or_a_deadlock_is_not_a_lost_database():
    assert not taches.base_perdue(_erreur(_requete_trop_longue))
    with connection.cursor() as cur:  # the errors PostgreSQL raises, by their SQLSTATE
        for sqlstate in ("40P01", "40001", "55P03", "53100"):  # deadlock … disk full
            erreur = _erreur(
                lambda s=sqlstate: cur.execute(f"DO $$ BEGIN RAISE SQLSTATE '{s}'; END $$")
            )
            assert not taches.base_perdue(erreur), sqlstate


def test_a_cut_connection_is_a_lost_database():
    couper_la_connexion_django()
    assert taches.base_perdue(_erreur(lambda: connection.cursor().execute("SELECT 1")))
    connection.close()
    with connection.cursor() as cur:
        erreur = _erreur(lambda: cur.execute("DO $$ BEGIN RAISE SQLSTATE '57P01'; END $$"))
    assert taches.base_perdue(erreur)


@taches.tache_reprise
def tache_qui_depasse() -> None:
    appels.append("depasse")
    _requete_trop_longue()


@taches.tache_reprise
def tache_coupee_une_fois() -> str:
    appels.append("coupee")
    if appels.count("coupee") == 1:
        connection.ensure_connection()
        couper_la_connexion_django()
        connection.cursor().execute("SELECT 1")
    return "fait"


def test_a_task_retries_a_lost_connection_and_not_a_statement_timeout():
    appels.clear()
    resultat = tache_qui_depasse.apply()
    assert resultat.failed() and appels == ["depasse"]  # failed once, not 25 times
    appels.clear()
    connection.close()
    resultat = tache_coupee_une_fois.apply()
    connection.close()
    assert resultat.get() == "fait" and appels == ["coupee", "coupee"]
