"""Issue 19, point 4: PostgreSQL restarts and outages, on a real web server.

A web process keeps its connection (CONN_MAX_AGE); PostgreSQL ends it (a restart does the
same as pg_terminate_backend): the next request is served, not a 500. With the database
unreachable, a person gets the French "service momentanément indisponible" page, 503
with Retry-After, and the readiness endpoint takes the process out of rotation."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.pannes.processus import ServeurWeb
from tests.pannes.test_redis import _sessions

pytestmark = pytest.mark.django_db(transaction=True)


def _terminer_les_connexions_du_serveur() -> int:
    """What a restart does to the web process's kept connection (from our own connection)."""
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return curseur.fetchone()[0]


def test_a_kept_connection_ended_by_postgresql_is_replaced_on_the_next_request(request, tmp_path):
    serveur = ServeurWeb(tmp_path, CONN_MAX_AGE="600")
    try:
        serveur.demarrer()
        cookie = _sessions(request)["patient"]
        assert serveur.get("/dossier/", cookies=cookie).statut == 200
        assert _terminer_les_connexions_du_serveur() >= 1
        for _ in range(3):
            reponse = serveur.get("/dossier/", cookies=cookie)
            assert reponse.statut == 200, serveur.traces()
    finally:
        serveur.arreter()


def test_with_the_database_unreachable_people_get_the_french_503_page(tmp_path):
    # Nothing listens on port 1: every connection is refused, as during a restart.
    serveur = ServeurWeb(tmp_path, DATABASE_URL="postgres://espace@127.0.0.1:1/espace_sante")
    try:
        serveur.demarrer()
        # A signed-in person (their session is read from the database) and a form.
        cookie = {"sessionid": "a" * 32}
        for reponse in [
            serveur.get("/dossier/", cookies=cookie),
            serveur.get("/compte/connexion/"),
            serveur.requete(
                "POST",
                "/compte/connexion/",
                cookies=cookie,
                corps="login=x",
                entetes={"Content-Type": "application/x-www-form-urlencoded"},
            ),
        ]:
            assert reponse.statut == 503, reponse.texte[:500]
            assert int(reponse.entetes["Retry-After"]) > 0
            assert "Service momentanément indisponible" in reponse.texte
            assert "dsfr" in reponse.texte  # the state's design system, without the database
        pret = serveur.get("/sante/pret")
        assert pret.statut == 503 and '"base": {"statut": "indisponible"' in pret.texte
        assert serveur.get("/sante/vivant").statut == 200  # the process itself is alive
    finally:
        serveur.arreter()
