from celery import shared_task

from messagerie import conservation


@shared_task
def conservation_appliquer() -> int:
    """Daily: conversations past their retention period are deleted (journaled)."""
    return conservation.conservation_appliquer()


@shared_task
def conservation_prevenir() -> int:
    """Daily: patients are told 30 days before a conversation is deleted."""
    return conservation.conservation_prevenir()
