from celery import shared_task

from espace_sante.notifications import services


@shared_task
def notification_envoyer(notification_id: int) -> bool:
    return services.envoyer(notification_id)


@shared_task
def notifications_relancer() -> int:
    """Periodic sweep: what the broker lost or SMTP refused is sent now."""
    return sum(services.envoyer(pk) for pk in services.en_attente())
