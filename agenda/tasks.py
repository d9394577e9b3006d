from celery import shared_task

from agenda import services


@shared_task
def rappels_balayer() -> dict:
    """Every minute (beat): send the due reminders; nothing is queued with an ETA."""
    bilan = services.rappels_balayer()
    return {
        "envoyes": bilan.envoyes,
        "perimes": bilan.perimes,
        "annules": bilan.annules,
        "reportes": bilan.reportes,
    }


@shared_task
def prevention_planifier() -> int:
    """Daily: reminder rows for the prevention steps opening within a week."""
    return services.prevention_planifier()


@shared_task
def compteurs_purger() -> int:
    """Daily: fetch counters of past days (the limits count today only)."""
    return services.compteurs_purger()
