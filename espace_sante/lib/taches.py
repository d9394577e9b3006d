"""Hand work to Celery after the transaction commits, never waiting on the broker.

The work is already a row in PostgreSQL: if Redis is down the enqueue is skipped and
a periodic sweep picks the row up later, so a web request never fails on the broker.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def planifier(tache: str, *args) -> None:
    """``tache`` is the dotted path of a Celery task; it runs after commit."""

    def envoyer():
        try:
            import_string(tache).delay(*args)
        except Exception:
            logger.warning("Courtier indisponible : %s%s partira au prochain passage.", tache, args)

    transaction.on_commit(envoyer)
