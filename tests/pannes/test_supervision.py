"""No single process stops the service: `make run`'s supervisor restarts a SIGKILLed
worker and leaves the others running; a process that dies at every start is given up.
Without beat, a worker alone sends a notification held by a worker SIGKILLed mid-send."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from espace_sante import embedded
from espace_sante.notifications import tasks
from espace_sante.notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.pannes.aide_travailleurs import Travailleurs
from tests.pannes.processus import attendre

DORMIR = [sys.executable, "-c", "import time; time.sleep(300)"]


def _superviseur(journal: Path, commandes: dict, **options) -> subprocess.Popen:
    script = (
        "import json, sys; from espace_sante import embedded; "
        "sys.exit(embedded.Superviseur(json.loads(sys.argv[1]), dict(__import__('os').environ),"
        f" **{options!r}).superviser(lambda: False))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": embedded.url_base(
            os.environ["DATABASE_URL"], connection.settings_dict["NAME"]
        ),
    }
    with journal.open("w") as sortie:
        return subprocess.Popen(
            [sys.executable, "-c", script, __import__("json").dumps(commandes)],
            cwd=embedded.RACINE,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _pids(journal: Path, nom: str) -> list[int]:
    return [
        int(p)
        for p in re.findall(rf"« {nom} » (?:démarré|relancé) \(pid (\d+)\)", journal.read_text())
    ]


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _tout_arreter(superviseur: subprocess.Popen, journal: Path) -> None:
    for pid in [superviseur.pid] + _pids(journal, r"\w+"):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    superviseur.wait(timeout=20)


@pytest.mark.django_db
def test_a_sigkilled_worker_is_restarted_and_the_other_processes_keep_running(tmp_path):
    journal = tmp_path / "run.log"
    commandes = {"worker": embedded.commande_travailleur(file=f"sup-{os.getpid()}"), "web": DORMIR}
    superviseur = _superviseur(journal, commandes)
    try:
        attendre(
            lambda: _pids(journal, "worker") and _pids(journal, "web"),
            delai=30,
            message="démarrage",
        )
        (travailleur,), (web,) = _pids(journal, "worker"), _pids(journal, "web")
        time.sleep(1)
        os.killpg(travailleur, signal.SIGKILL)
        attendre(lambda: len(_pids(journal, "worker")) == 2, delai=30, message="relance")
        assert "« worker » s'est arrêté (code -9) : relance dans" in journal.read_text()
        nouveau = _pids(journal, "worker")[1]
        assert nouveau != travailleur and _vivant(nouveau)
        assert _vivant(web) and superviseur.poll() is None  # nothing else stopped
    finally:
        _tout_arreter(superviseur, journal)


@pytest.mark.django_db
def test_a_process_that_dies_at_every_start_is_given_up_and_everything_stops(tmp_path):
    journal = tmp_path / "run.log"
    commandes = {"casse": [sys.executable, "-c", "raise SystemExit(3)"], "web": DORMIR}
    superviseur = _superviseur(journal, commandes, abandon=3, delai_max=1.0)
    try:
        assert superviseur.wait(timeout=60) == 1
        texte = journal.read_text()
        assert "« casse » s'est arrêté 3 fois juste après son démarrage (code 3) : abandon" in texte
        assert len(_pids(journal, "casse")) == 3
        attendre(lambda: not _vivant(_pids(journal, "web")[0]), delai=20, message="arrêt du web")
    finally:
        _tout_arreter(superviseur, journal)


@pytest.mark.django_db(transaction=True)
def test_without_beat_a_notification_held_by_a_killed_worker_is_sent_by_another(tmp_path):
    sms = tmp_path / "sms.txt"
    travailleurs = Travailleurs(
        {
            "SMS_BACKEND": "tests.pannes.sms_bloquant.SmsBloquantUneFois",
            "SMS_FICHIER": str(sms),
            "NOTIFICATIONS_BAIL_SECONDES": "2",
            "NOTIFICATIONS_RELANCE_SECONDES": "1",
            "EMAIL_FILE_PATH": str(tmp_path / "courriels"),
        }
    )
    try:
        premier = travailleurs.demarrer()
        notification = NotificationFactory(
            sms=True, sujet="Rappel", corps="Rendez-vous demain à 9 h."
        )
        tasks.notification_envoyer.apply_async([notification.pk], queue=travailleurs.file)
        attendre(lambda: Path(f"{sms}.bloque").exists(), delai=60, message="envoi en cours")
        embedded.arreter_travailleur(premier, brutal=True)  # SIGKILL, mid-send
        travailleurs.demarrer()  # no beat: this worker sweeps by itself
        attendre(lambda: sms.exists() and sms.read_text(), delai=60, message="renvoi")
        assert sms.read_text() == f"0612345678\t{notification.public_id}\n"
        attendre(
            lambda: Notification.objects.filter(pk=notification.pk, envoye_le__isnull=False),
            delai=30,
            message="envoi enregistré",
        )
    finally:
        travailleurs.arreter_tous()
