"""Celery tasks of the catalogue: thin and idempotent, the truth is in PostgreSQL."""

from __future__ import annotations

from celery import shared_task

from catalogue import suppression


@shared_task
def suppression_livrer(demande_id: int) -> bool:
    return suppression.livrer(demande_id)


@shared_task
def suppressions_relancer() -> int:
    """Every minute: what is due (a retry, or what the broker lost) is sent."""
    return sum(suppression.livrer(pk) for pk in suppression.dues())
