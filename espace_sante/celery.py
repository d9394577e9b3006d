import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")

# Sweeps take their advisory lock in the task itself (espace_sante.balayeur.Tache).
app = Celery("espace_sante", task_cls="espace_sante.balayeur:Tache")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _balayer_sans_beat(sender=None, **kwargs):
    """Each worker also runs the due-work sweeps itself (espace_sante.balayeur)."""
    from espace_sante import balayeur

    balayeur.demarrer()
