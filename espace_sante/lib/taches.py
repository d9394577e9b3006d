"""Hand work to Celery after the transaction commits, never waiting on the broker.

The work is already a row in PostgreSQL: if Redis is down (or frozen) the enqueue is
skipped and a periodic sweep picks the row up later, so a web request never fails on
the broker. The publish has short timeouts, no retry, and goes through the Redis
breaker (espace_sante.lib.disjoncteur): after one failure, the next publishes are
skipped at once until Redis answers again.
"""

from __future__ import annotations

import logging

import kombu.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils.module_loading import import_string

from espace_sante.lib import disjoncteur

logger = logging.getLogger(__name__)

# A task that meets a lost database (PostgreSQL restarting, a connection cut) is retried
# with exponential back-off (1, 2, 4 … 30 s, jittered) for about 10 minutes rather than
# dropped; Celery's Django fix-up closes the broken connection before the next attempt.
# The work is a row in PostgreSQL, so after that the periodic sweeps still find it.
BASE_PERDUE = (OperationalError, InterfaceError)
REPRISE_SI_BASE_PERDUE = {
    "autoretry_for": BASE_PERDUE,
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 25,
}


def publier(tache: str, *args) -> bool:
    """Publish ``tache`` now; False (logged) if the broker is unreachable."""
    try:
        disjoncteur.passer(
            disjoncteur.pour(settings.CELERY_BROKER_URL),
            lambda: _publier(tache, args),
        )
    except disjoncteur.Indisponible:
        logger.warning("Courtier indisponible : %s%s partira au prochain passage.", tache, args)
        return False
    return True


def _publier(tache: str, args) -> None:
    try:
        import_string(tache).apply_async(args, retry=False)
    except kombu.exceptions.OperationalError as erreur:  # kombu's wrapping of a socket error
        raise ConnectionError(str(erreur)) from erreur


def planifier(tache: str, *args) -> None:
    """``tache`` is the dotted path of a Celery task; it runs after commit."""

    def envoyer():
        try:
            publier(tache, *args)
        except Exception:
            logger.exception("Publication de %s impossible : elle partira au prochain passage.",
                             tache)  # fmt: skip

    transaction.on_commit(envoyer)
