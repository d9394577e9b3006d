"""Redis is transport, never a dependency of a page: a circuit breaker per Redis server.

Every Redis call of the web processes (the cache, the broker's publish, the health
checks) has connect and read timeouts well under a second (``REDIS_DELAI_SECONDES``) and
goes through the breaker of its server: after a failure the breaker opens and, for
``REDIS_DISJONCTEUR_SECONDES``, every call to that server is skipped at once (a cache
miss, a publish left to the sweeps). Then one call probes again: success closes the
breaker, failure opens it for another period. A dead or frozen Redis therefore costs one
request per process and period the timeout, and nothing to the others; recovery needs
no one. The state lives in each process (no shared state to lose with Redis).
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)


class Disjoncteur:
    def __init__(self, nom: str):
        self.nom = nom
        self._rouvre_a = 0.0  # monotonic time until which calls are skipped
        self._ouvert = False
        self._verrou = threading.Lock()

    def laisse_passer(self) -> bool:
        """May a call go to the server now? While open, only one call per period probes."""
        if not self._ouvert:
            return True
        with self._verrou:
            maintenant = time.monotonic()
            if maintenant < self._rouvre_a:
                return False
            # This call probes; the others keep being skipped until it has answered.
            self._rouvre_a = maintenant + settings.REDIS_DISJONCTEUR_SECONDES
            return True

    def echec(self, erreur: BaseException) -> None:
        with self._verrou:
            self._rouvre_a = time.monotonic() + settings.REDIS_DISJONCTEUR_SECONDES
            deja = self._ouvert
            self._ouvert = True
        if not deja:
            logger.warning(
                "Redis %s injoignable (%s) : appels suspendus %s s, les pages répondent "
                "depuis PostgreSQL.",
                self.nom,
                type(erreur).__name__,
                settings.REDIS_DISJONCTEUR_SECONDES,
            )

    def succes(self) -> None:
        if self._ouvert:
            with self._verrou:
                self._ouvert = False
            logger.warning("Redis %s de nouveau joignable.", self.nom)


_DISJONCTEURS: dict[str, Disjoncteur] = {}
_VERROU = threading.Lock()


def serveur(url: str) -> str:
    """host:port of a redis:// URL: the cache and the broker on one server share a breaker."""
    morceaux = urlsplit(url)
    return f"{morceaux.hostname or morceaux.path}:{morceaux.port or 6379}"


def pour(url: str) -> Disjoncteur:
    nom = serveur(url)
    with _VERROU:
        return _DISJONCTEURS.setdefault(nom, Disjoncteur(nom))


def options_connexion() -> dict:
    """redis-py connection options: short timeouts, no retry (the breaker decides)."""
    return {
        "socket_connect_timeout": settings.REDIS_DELAI_SECONDES,
        "socket_timeout": settings.REDIS_DELAI_SECONDES,
        "retry": Retry(NoBackoff(), 0),
    }


# Errors that mean "the server is not answering": the caller degrades, the breaker opens.
ERREURS_REDIS = (redis.exceptions.RedisError, OSError)


class Indisponible(Exception):
    """The breaker is open or the call just failed: the caller degrades."""


def passer(disjoncteur: Disjoncteur, operation):
    """``operation()`` through ``disjoncteur``; Indisponible when the server is not
    answering (or was not a moment ago)."""
    if not disjoncteur.laisse_passer():
        raise Indisponible(disjoncteur.nom)
    try:
        resultat = operation()
    except ERREURS_REDIS as erreur:
        disjoncteur.echec(erreur)
        raise Indisponible(disjoncteur.nom) from erreur
    disjoncteur.succes()
    return resultat


_CLIENTS: dict[str, redis.Redis] = {}


def appeler(url: str, operation):
    """``operation(client)`` on the server of ``url`` (a direct client: health checks)."""
    with _VERROU:
        client = _CLIENTS.get(url)
        if client is None:
            client = _CLIENTS[url] = redis.Redis.from_url(url, **options_connexion())
    return passer(pour(url), lambda: operation(client))
