from celery import shared_task

from espace_sante.lib import taches
from espace_sante.notifications import services


@taches.tache_reprise
def notification_envoyer(notification_id: int) -> bool:
    try:
        return services.notification_envoyer(notification_id)
    except services.ServeurInjoignable:
        return False  # no attempt spent: the sweep sends it once the mail server answers


@shared_task
def notifications_relancer() -> int:
    """Periodic sweep: what the broker lost or the mail server refused is sent now."""
    return services.en_attente_envoyer()


@shared_task
def notifications_vider() -> int:
    """Send everything pending (after a bulk insert of notices)."""
    return services.en_attente_envoyer()


@shared_task
def notifications_purger() -> int:
    """Daily: sent notifications older than NOTIFICATIONS_CONSERVATION_JOURS are deleted."""
    return services.envoyees_purger()
