"""Reminders delivered by a real Celery worker on a real Redis, counted at the SMS provider:
a worker SIGKILLed mid-send, and Redis stopped then restarted, lose no reminder and send
none twice; a reminder whose appointment began during the outage is marked, not sent.

The worker and the Redis it uses are this test's own (a private redis-server on a loopback
port), so stopping Redis does not disturb the rest of the suite."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from agenda.enums import StatutRappel
from agenda.models import Rappel, RendezVous
from espace_sante import embedded
from espace_sante.notifications.models import Notification
from tests.agenda.outils import rdv_de
from tests.comptes.factories import ProfilFactory
from tests.pannes.processus import RedisPrive, attendre, file_videe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def banc(tmp_path):
    redis = RedisPrive(tmp_path)
    redis.demarrer()
    file = f"test-rappels-{os.getpid()}"
    sms = tmp_path / "sms.txt"
    travailleurs = []

    def travailleur(**env):
        p = embedded.demarrer_travailleur(
            base=connection.settings_dict["NAME"],
            file=file,
            env_extra={
                "REDIS_URL": redis.url,
                "CELERY_BROKER_URL": redis.url,
                "SMS_BACKEND": "tests.agenda.sms_fichier.SmsFichier",
                "SMS_FICHIER": str(sms),
                "EMAIL_FILE_PATH": str(tmp_path / "emails"),
                **env,
            },
        )
        travailleurs.append(p)
        return p

    def envoyer(tache: str):
        """What beat does: publish a periodic task (to the worker's queue)."""
        # Not the current app: the rest of the suite keeps publishing to its own broker.
        with Celery(broker=redis.url, set_as_current=False) as app:
            app.send_task(tache, queue=file)

    def livraisons() -> Counter:
        lignes = sms.read_text().splitlines() if sms.exists() else []
        return Counter(ligne.split("\t")[0] for ligne in lignes)

    banc = type("Banc", (), {})()
    banc.redis, banc.sms, banc.travailleur, banc.envoyer = redis, sms, travailleur, envoyer
    banc.livraisons = livraisons
    banc.vider = lambda: file_videe(redis.url, file)
    yield banc
    for p in travailleurs:
        embedded.arreter_travailleur(p, brutal=True)
    redis.arreter()


def _personnes_avec_rappel_du(n: int, *, debut_dans=timedelta(hours=3)) -> dict[str, object]:
    """n people who want SMS, each with an appointment whose 2-hour reminder is now due."""
    numeros = {}
    for i in range(n):
        numero = f"06{i:08d}"
        profil = ProfilFactory(par_sms=True, telephone=numero)
        numeros[numero] = rdv_de(profil.titulaire, debut=timezone.now() + debut_dans)
    # Time passed: the reminders (2 hours before) are due.
    Rappel.objects.filter(delai=120).update(echeance=timezone.now() - timedelta(minutes=1))
    Rappel.objects.filter(delai=1440).delete()
    return numeros


def test_worker_sigkilled_mid_send_then_restarted_delivers_each_reminder_exactly_once(banc):
    numeros = _personnes_avec_rappel_du(12)
    premier = banc.travailleur(SMS_BLOQUER_APRES="4")
    banc.envoyer("agenda.tasks.rappels_balayer")
    bloque = Path(f"{banc.sms}.bloque")
    attendre(bloque.exists, message="le 5e envoi n'a pas commencé")
    embedded.arreter_travailleur(premier, brutal=True)  # SIGKILL while the provider hangs

    assert sum(banc.livraisons().values()) == 4
    assert Rappel.objects.filter(statut=StatutRappel.ENVOYE).count() == 12  # handed over
    assert Notification.objects.filter(motif="rappel", envoye_le__isnull=True).count() == 8

    # A fresh worker; the send held by the dead one is taken back once its lease (2 s
    # here, NOTIFICATIONS_BAIL_SECONDES) has run out, as beat's sweeps come round again.
    banc.travailleur(NOTIFICATIONS_BAIL_SECONDES="2")
    banc.envoyer("agenda.tasks.rappels_balayer")
    fin = time.monotonic() + 90
    while sum(banc.livraisons().values()) < 12:
        assert time.monotonic() < fin, "Délai dépassé : reprise"
        banc.envoyer("espace_sante.notifications.tasks.notifications_relancer")
        time.sleep(1.5)
    # Another round of every sweep sends nothing more.
    banc.envoyer("agenda.tasks.rappels_balayer")
    banc.envoyer("espace_sante.notifications.tasks.notifications_relancer")
    banc.vider()  # both sweeps, and every send they queued, have run to their end
    assert not Notification.objects.filter(envoye_le__isnull=True).exists()
    assert banc.livraisons() == Counter(dict.fromkeys(numeros, 1))


def test_redis_stopped_then_restarted_loses_no_reminder_sends_none_twice_and_skips_begun_ones(
    banc,
):
    banc.travailleur()
    banc.redis.arreter()  # Redis is down for a while
    numeros = _personnes_avec_rappel_du(8)
    commence = list(numeros)[-1]
    # One appointment began during the outage: its reminder must not go out any more.
    RendezVous.objects.filter(pk=numeros[commence].pk).update(
        debut=timezone.now() - timedelta(minutes=10), fin=timezone.now() + timedelta(minutes=20)
    )
    with pytest.raises(Exception):  # noqa: B017 — beat cannot publish while Redis is down
        banc.envoyer("agenda.tasks.rappels_balayer")
    assert not banc.sms.exists()  # nothing could be queued, so nothing is sent

    banc.redis.demarrer()  # back, empty: whatever was queued is gone; PostgreSQL has the rows
    banc.envoyer("agenda.tasks.rappels_balayer")
    attendre(lambda: sum(banc.livraisons().values()) >= 7, delai=120, message="après Redis")
    banc.envoyer("agenda.tasks.rappels_balayer")
    banc.envoyer("espace_sante.notifications.tasks.notifications_relancer")
    banc.vider()  # the second round has run to its end
    attendus = {n: 1 for n in numeros if n != commence}
    assert banc.livraisons() == Counter(attendus)
    rappel = Rappel.objects.get(rendez_vous=numeros[commence])
    assert rappel.statut == StatutRappel.PERIME and rappel.traite_le is not None
