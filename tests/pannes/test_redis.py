"""Issue 19, point 1: Redis stopped, then frozen (SIGSTOP), under signed-in people.

A real web server (gunicorn) whose cache and broker are a private redis-server; each
persona signs in, then Redis is killed and every page of the URL × persona matrix is
loaded: each answers what the matrix says (never a 500, nobody signed out), the login
POST works and its code is emailed; the API, whose rate limit is counted in Redis, refuses
(503) rather than serve unmetered. Redis comes back: the cache is used again
without anyone's help. Redis is then frozen (the kernel still accepts connections, nothing
answers): the same pages answer in bounded time, a request costing the timeout at most."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import redis as redis_py
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.catalogue.factories import lancer, service_et_client
from tests.catalogue.test_api import LECTURES, TOUT
from tests.comptes.factories import MOT_DE_PASSE, ProfilFactory
from tests.conftest import connecter
from tests.pannes.processus import RedisPrive, ServeurWeb, attendre
from tests.test_matrice import CONNECTES, MATRICE

pytestmark = pytest.mark.django_db(transaction=True)

REQUETE_MAX = 5.0  # seconds: >15× the Redis timeout; a frozen Redis held requests for ever


def _sessions(request) -> dict[str, dict]:
    """A fresh signed-in (second factor passed) session cookie per persona."""
    cookies = {}
    for nom in CONNECTES:
        client = connecter(Client(), request.getfixturevalue(nom))
        cookies[nom] = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        }
    return cookies


def _parcourir(serveur: ServeurWeb, cookies: dict[str, dict]) -> tuple[list[str], list[float]]:
    """Every page of the matrix a signed-in persona opens (200) or is sent on from (302):
    the differences and the durations."""
    ecarts, durees = [], []
    for persona, cookie in cookies.items():
        for nom, (kwargs, attendus) in MATRICE.items():
            if attendus[persona] not in (200, 302):
                continue
            try:
                reponse = serveur.get(reverse(nom, kwargs=kwargs), cookies=cookie)
            except TimeoutError:
                ecarts.append(f"{persona} {nom}: pas de réponse en 20 s")
                if len(ecarts) > 3:
                    return ecarts, durees  # Redis holds every request: no use waiting more
                continue
            durees.append(reponse.duree)
            if reponse.statut != attendus[persona]:
                ecarts.append(f"{persona} {nom}: {reponse.statut} (attendu {attendus[persona]})")
            elif reponse.duree > REQUETE_MAX:
                ecarts.append(f"{persona} {nom}: {reponse.duree:.1f} s")
    return ecarts, durees


def _connexion(serveur: ServeurWeb, email: str):
    """The real login POST: the form's CSRF token, then the password."""
    page = serveur.get("/compte/connexion/")
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.texte).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", page.entetes.get("Set-Cookie", "")).group(1)
    return serveur.requete(
        "POST",
        "/compte/connexion/",
        cookies={"csrftoken": cookie},
        corps=urlencode({"csrfmiddlewaretoken": jeton, "login": email, "password": MOT_DE_PASSE}),
        entetes={"Content-Type": "application/x-www-form-urlencoded"},
    )


def _se_connecter(serveur: ServeurWeb, email: str) -> None:
    """Password accepted, then the second factor's page (its code emailed), in bounded time."""
    reponse = _connexion(serveur, email)
    assert reponse.statut == 302 and reponse.duree < REQUETE_MAX, reponse
    session = re.search(r"sessionid=([^;]+)", reponse.entetes["Set-Cookie"]).group(1)
    cookies = {"sessionid": session}
    suite = serveur.get(reponse.entetes["Location"], cookies=cookies)
    assert suite.statut == 302 and suite.entetes["Location"].startswith("/compte/verification/")
    page = serveur.get(suite.entetes["Location"], cookies=cookies)
    assert page.statut == 200 and page.duree < REQUETE_MAX, page.statut


def _cles_non_lus(redis: RedisPrive) -> list:
    return redis_py.Redis(port=redis.port, socket_timeout=2).keys("*non_lus*")


@pytest.fixture
def jeton_api(client, patient):
    """A connected service's access token on the patient's record."""
    connecter(client, patient)
    _, application = service_et_client(nom="Balance connectée", slug="balance")
    jeton = lancer(client, application, scope=LECTURES, cocher=TOUT)["access_token"]
    client.logout()
    return jeton


def _api(serveur: ServeurWeb, jeton: str):
    return serveur.get("/fhir/Observation", entetes={"Authorization": f"Bearer {jeton}"})


def test_signed_in_pages_and_login_answer_while_redis_is_down_then_frozen(
    request, tmp_path, jeton_api
):
    redis = RedisPrive(tmp_path)
    redis.demarrer()
    serveur = ServeurWeb(tmp_path, REDIS_URL=redis.url, CELERY_BROKER_URL=redis.url)
    try:
        serveur.demarrer()
        # People who sign in with their password (the personas' sessions were opened by
        # force_login, which sent them a code: another within 30 s would wait).
        arrivants = [ProfilFactory(active=True).titulaire for _ in range(2)]
        cookies = _sessions(request)
        # Redis up: the portal uses this Redis (the header's unread count is cached there).
        assert serveur.get("/dossier/", cookies=cookies["patient"]).statut == 200
        assert _cles_non_lus(redis)
        assert _api(serveur, jeton_api).statut == 200

        redis.arreter()
        ecarts, durees_arret = _parcourir(serveur, cookies)
        assert not ecarts, "Redis arrêté : " + " ; ".join(ecarts) + serveur.traces()
        _se_connecter(serveur, arrivants[0].email)
        assert len(list((tmp_path / "courriels").iterdir())) == 1  # the code went out
        # The API's rate limit is counted in Redis: it refuses rather than serve unmetered.
        assert _api(serveur, jeton_api).statut == 503

        # Redis comes back, empty: the next requests use it again, with nobody's help.
        redis.demarrer()
        attendre(
            lambda: (
                serveur.get("/dossier/", cookies=cookies["patient"]).statut == 200
                and bool(_cles_non_lus(redis))
            ),
            delai=30,
            message="le cache n'est pas revenu après le retour de Redis",
        )
        assert _api(serveur, jeton_api).statut == 200

        redis.geler()
        cookies = _sessions(request)
        ecarts, durees_gel = _parcourir(serveur, cookies)
        assert not ecarts, "Redis figé : " + " ; ".join(ecarts)
        # A frozen Redis costs the timeout now and then, not a wait per request.
        assert sum(durees_gel) <= 3 * sum(durees_arret) + 15, (sum(durees_gel), sum(durees_arret))
        _se_connecter(serveur, arrivants[1].email)
        assert len(list((tmp_path / "courriels").iterdir())) == 2
        api = _api(serveur, jeton_api)
        assert api.statut == 503 and api.duree < REQUETE_MAX
    finally:
        redis.degeler()
        serveur.arreter()
        redis.arreter()
