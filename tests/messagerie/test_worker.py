"""'Vous avez un nouveau message' through ``notifier`` and a real Celery worker: never lost,
never sent twice, when the worker or Redis was down for a while (issue 12, point 5).

The notice is a row in PostgreSQL written with the message; Celery only carries it. With
the worker down, the task waits in Redis; with Redis down, the writing process cannot even
queue it, and the periodic sweep (``notifications_relancer``, run by beat) sends it."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from espace_sante import embedded
from espace_sante.celery import app
from espace_sante.notifications import tasks as avis_taches
from espace_sante.notifications.models import Notification
from messagerie.models import Conversation
from tests.messagerie.outils import ecrire
from tests.pannes.processus import attendre, en_file, file_videe

pytestmark = pytest.mark.django_db(transaction=True)
SUJET = "Vous avez un nouveau message"


def _avis(dossier: Path) -> list[str]:
    """The emails the worker sent (filebased backend: a file per connection), decoded."""
    if not dossier.exists():
        return []
    textes = []
    for f in sorted(dossier.iterdir()):
        for brut in f.read_text().split("\n" + "-" * 79 + "\n"):
            if brut.strip():
                message = email.message_from_string(brut.strip(), policy=email.policy.default)
                textes.append(f"Subject: {message['Subject']}\n{message.get_content()}")
    return textes


@pytest.fixture
def file_du_test(monkeypatch):
    """This test's own queue, for the tasks this process queues and its worker."""
    file = f"test-messagerie-{os.getpid()}"
    monkeypatch.setitem(app.conf, "task_default_queue", file)
    return file


@pytest.fixture
def travailleur(file_du_test, tmp_path):
    demarres = []

    def demarrer():
        p = embedded.demarrer_travailleur(
            base=connection.settings_dict["NAME"],
            file=file_du_test,
            env_extra={"EMAIL_FILE_PATH": str(tmp_path / "emails")},
        )
        demarres.append(p)
        return p

    demarrer.emails = tmp_path / "emails"
    yield demarrer
    for p in demarres:
        embedded.arreter_travailleur(p, brutal=True)


def _compter(dossier: Path) -> int:
    return sum(SUJET in texte for texte in _avis(dossier))


def test_a_message_written_while_the_worker_is_down_is_notified_once_it_is_back(
    travailleur, file_du_test, patient, professionnel
):
    ecrire(professionnel, patient.profil, sujet="Résultats d'analyse")  # queued, nobody listens
    (avis,) = Notification.objects.filter(motif="nouveau_message")
    assert avis.envoye_le is None and avis.destinataire == patient.email
    assert en_file(app.conf.broker_url, file_du_test) == 1  # the task waits in Redis

    travailleur()  # the worker comes back and takes the queued task
    attendre(lambda: _compter(travailleur.emails) == 1, delai=60, message="avis")
    avis_taches.notifications_relancer.apply_async(queue=file_du_test)  # the beat's sweep
    file_videe(app.conf.broker_url, file_du_test)  # the sweep has run, and all it queued
    assert not Notification.objects.filter(envoye_le__isnull=True).exists()
    (texte,) = _avis(travailleur.emails)
    assert _compter(travailleur.emails) == 1
    assert "Résultats d'analyse" not in texte  # no health content in the notice
    assert "de la part de Dr Jeanne Lefèvre" in texte and "/messagerie/" in texte


def test_a_message_written_while_redis_is_down_is_notified_by_the_sweep_once(
    travailleur, file_du_test, patient, professionnel
):
    """The professional writes from a process whose Redis is unreachable (a closed port):
    the page still works, the notice row waits in PostgreSQL, the sweep sends it, once."""
    env = dict(os.environ)
    env["DATABASE_URL"] = embedded.url_base(env["DATABASE_URL"], connection.settings_dict["NAME"])
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there
    script = (
        "from espace_sante.comptes.models import Profil, User\n"
        "from tests.messagerie.outils import ecrire\n"
        f"ecrire(User.objects.get(pk={professionnel.pk}), Profil.objects.get(pk={patient.profil.pk}),"
        " sujet='Compte rendu opératoire')\n"
    )
    debut = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=embedded.RACINE,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert time.monotonic() - debut < 60
    assert Conversation.objects.count() == 1
    (avis,) = Notification.objects.filter(motif="nouveau_message")
    assert avis.envoye_le is None  # nothing could carry it: it waits in PostgreSQL

    travailleur()
    avis_taches.notifications_relancer.apply_async(queue=file_du_test)  # Redis is back: beat
    attendre(lambda: _compter(travailleur.emails) == 1, delai=60, message="avis")
    avis_taches.notifications_relancer.apply_async(queue=file_du_test)
    file_videe(app.conf.broker_url, file_du_test)  # the second sweep has run to its end
    assert _compter(travailleur.emails) == 1
    assert Notification.objects.get(pk=avis.pk).envoye_le is not None
