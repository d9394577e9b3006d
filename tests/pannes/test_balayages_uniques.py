"""One sweep of a kind at a time, whoever runs it: beat's enqueued task takes the same
advisory lock as a worker's sweeping thread (espace_sante.balayeur.Tache)."""

import psycopg
import pytest
from django.core import mail
from django.db import connection

from espace_sante import balayeur
from espace_sante.notifications import tasks
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)
TACHE = "espace_sante.notifications.tasks.notifications_relancer"


def test_beats_sweep_is_skipped_while_another_process_runs_the_same_sweep():
    mail.outbox = []
    NotificationFactory(destinataire="a@example.fr")
    assert TACHE in {tache for _, tache, _ in balayeur.balayages()}
    parametres = {**connection.get_connection_params()}
    parametres.pop("cursor_factory", None)
    with psycopg.connect(**parametres, autocommit=True) as travailleur:
        # A worker's thread is running this sweep (it holds the sweep's lock).
        travailleur.execute("SELECT pg_advisory_lock(%s)", [balayeur._verrou(TACHE)])
        assert tasks.notifications_relancer.apply().get() is None  # beat's run: skipped
        assert balayeur.balayer(TACHE) is None  # another thread's run: skipped too
        assert mail.outbox == []
        travailleur.execute("SELECT pg_advisory_unlock(%s)", [balayeur._verrou(TACHE)])
    assert tasks.notifications_relancer.apply().get() == 1
    assert len(mail.outbox) == 1
