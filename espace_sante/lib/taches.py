"""Hand work to Celery after the transaction commits, never waiting on the broker.

The work is already a row in PostgreSQL: if Redis is down the enqueue is skipped and
a periodic sweep picks the row up later, so a web request never fails on the broker.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, transaction
from django.utils.module_loading import import_string

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


def planifier(tache: str, *args) -> None:
    """``tache`` is the dotted path of a Celery task; it runs after commit."""

    def envoyer():
        try:
            import_string(tache).delay(*args)
        except Exception:
            logger.warning("Courtier indisponible : %s%s partira au prochain passage.", tache, args)

    transaction.on_commit(envoyer)
