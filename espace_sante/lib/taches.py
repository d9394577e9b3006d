"""Hand work to Celery after the transaction commits, never waiting on the broker.

The work is already a row in PostgreSQL: if Redis is down (or frozen) the enqueue is
skipped and a periodic sweep picks the row up later, so a web request never fails on
the broker. The publish has short timeouts, no retry, and goes through the Redis
breaker (espace_sante.lib.disjoncteur): after one failure, the next publishes are
skipped at once until Redis answers again.
"""

from __future__ import annotations

import functools
import logging

import kombu.exceptions
import psycopg
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils.module_loading import import_string

from espace_sante.lib import disjoncteur

logger = logging.getLogger(__name__)

# A task that meets a lost database (PostgreSQL restarting, a connection cut) is retried
# with exponential back-off (1, 2, 4 … 30 s, jittered) for about 10 minutes rather than
# dropped; Celery's Django fix-up closes the broken connection before the next attempt.
# The work is a row in PostgreSQL, so after that the periodic sweeps still find it.
# Only a lost connection is retried (``base_perdue``): a deadlock, a serialization
# failure, a statement or lock timeout, a full disk fail as any other error.
SQLSTATE_CONNEXION_PERDUE = {"57P01", "57P02", "57P03"}  # admin/crash shutdown, cannot connect


class BasePerdue(Exception):
    """The database connection was lost: the one database failure a task retries."""


def base_perdue(erreur: BaseException) -> bool:
    """Whether ``erreur`` is a lost database connection: SQLSTATE class 08 (connection
    exception) or 57P01-57P03, or, with no SQLSTATE (the server never answered: refused,
    closed, cut), psycopg's OperationalError or an InterfaceError (connection closed)."""
    if isinstance(erreur, BasePerdue):
        return True
    if not isinstance(erreur, OperationalError | InterfaceError | psycopg.Error):
        return False
    cause = erreur if isinstance(erreur, psycopg.Error) else erreur.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in SQLSTATE_CONNEXION_PERDUE
    return isinstance(erreur, InterfaceError | psycopg.InterfaceError) or isinstance(
        cause, psycopg.OperationalError | psycopg.InterfaceError | type(None)
    )


def _signaler_base_perdue(fonction):
    @functools.wraps(fonction)
    def tache(*args, **kwargs):
        try:
            return fonction(*args, **kwargs)
        except Exception as erreur:
            if base_perdue(erreur) and not isinstance(erreur, BasePerdue):
                raise BasePerdue(type(erreur).__name__) from erreur
            raise

    return tache


REPRISE_SI_BASE_PERDUE = {
    "autoretry_for": (BasePerdue,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": 25,
}


def tache_reprise(fonction):
    """``@shared_task`` retried (REPRISE_SI_BASE_PERDUE) when, and only when, the database
    connection was lost (``base_perdue``)."""
    return shared_task(**REPRISE_SI_BASE_PERDUE)(_signaler_base_perdue(fonction))


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
            logger.exception(
                "Publication de %s impossible : elle partira au prochain passage.", tache
            )

    transaction.on_commit(envoyer)
