"""Helpers of the fault tests: real Celery workers on the test's database, a database lost
for the workers only (the test keeps its own connection), bounded waits."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import psycopg
from django.db import connection

from espace_sante import embedded


def attendre_progres(mesure, cible, *, calme=40.0, message=""):
    """Wait until ``mesure()`` equals ``cible`` as long as it keeps moving: a loaded machine
    only slows the workers down; ``calme`` seconds without change is a failure."""
    dernier, depuis = mesure(), time.monotonic()
    while dernier != cible:
        time.sleep(0.2)
        valeur = mesure()
        if valeur != dernier:
            dernier, depuis = valeur, time.monotonic()
        elif time.monotonic() - depuis > calme:
            raise AssertionError(f"Plus rien ne bouge : {message} ({dernier!r}, attendu {cible!r})")


class Travailleurs:
    """Start real workers on this test's database and queue; all SIGKILLed at the end."""

    def __init__(self, env_extra: dict | None = None):
        self.file = f"test-pannes-{os.getpid()}-{time.monotonic_ns()}"
        self.env_extra = env_extra or {}
        self.processus = []

    def demarrer(self, *, concurrence: int = 1, **env):
        p = embedded.demarrer_travailleur(
            base=connection.settings_dict["NAME"],
            file=self.file,
            concurrence=concurrence,
            env_extra={**self.env_extra, **{k: str(v) for k, v in env.items()}},
        )
        self.processus.append(p)
        return p

    def arreter_tous(self):
        for p in self.processus:
            embedded.arreter_travailleur(p, brutal=True)


def couper_les_autres_connexions() -> int:
    """pg_terminate_backend on every other connection to this test's database."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cur.fetchone()[0]


@contextmanager
def base_perdue():
    """The database is lost for everyone but this test: new connections are refused and
    the open ones are cut, until the block ends (the shared server keeps running)."""
    nom = connection.settings_dict["NAME"]
    # PostgreSQL refuses this from a connection to the database itself.
    parametres = {**connection.get_connection_params(), "dbname": "postgres"}
    parametres.pop("cursor_factory", None)
    with psycopg.connect(**parametres, autocommit=True) as maintenance:
        maintenance.execute(f'ALTER DATABASE "{nom}" WITH ALLOW_CONNECTIONS false')
        try:
            couper_les_autres_connexions()
            yield
        finally:
            maintenance.execute(f'ALTER DATABASE "{nom}" WITH ALLOW_CONNECTIONS true')


def couper_la_connexion_django() -> None:
    """Cut this process's own Django connection from another one, as a PostgreSQL that
    dies between a provider's acceptance and the commit that records it."""
    pid = connection.connection.info.backend_pid
    parametres = {**connection.get_connection_params()}
    parametres.pop("cursor_factory", None)
    with psycopg.connect(**parametres, autocommit=True) as autre:
        autre.execute("SELECT pg_terminate_backend(%s)", [pid])
