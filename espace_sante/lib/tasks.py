from celery import shared_task
from django.core.files.storage import storages

from espace_sante.lib.storage import EncryptedStorage


@shared_task
def stockage_partiels_purger() -> int:
    """Hourly: the temporary files a killed process left in the encrypted stores (older
    than an hour: a write in progress is never touched) are deleted."""
    return sum(
        stockage.partiels_purger(age=3600)
        for alias in storages.backends
        if isinstance(stockage := storages[alias], EncryptedStorage)
    )
