from celery import shared_task

from espace_sante.comptes import verrouillage


@shared_task
def purger_tentatives() -> int:
    """Failed attempts older than the lock-out window no longer count: delete them."""
    return verrouillage.purger_anciennes()
