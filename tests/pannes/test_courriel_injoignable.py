"""The mail server down, then back: no email is abandoned, each leaves once.

A real SMTP client (the notifications' backend) against a closed loopback port, a server
that accepts and never answers (packets dropped), then a real loopback SMTP server
(aiosmtpd). A send that drags past its total deadline fails instead of outliving its
lease; a notification whose worker died (its lease past) is sent again by the sweep."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from espace_sante.notifications import courriel, services
from espace_sante.notifications.models import Canal, Notification
from tests.horloge import figer
from tests.notifications.factories import NotificationFactory
from tests.pannes.processus import port_libre

pytestmark = pytest.mark.django_db(transaction=True)


def _courriel(port: int, *, timeout=2, delai_envoi=30):
    return {
        "default": {
            "BACKEND": "espace_sante.notifications.courriel.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": port,
                "timeout": timeout,
                "delai_envoi": delai_envoi,
            },
        }
    }


class Boite:
    def __init__(self, attente: float = 0):
        self.recus: list[str] = []
        self.attente = attente

    async def handle_DATA(self, server, session, envelope):
        if self.attente:
            await asyncio.sleep(self.attente)
        self.recus += envelope.rcpt_tos
        return "250 OK"


@contextmanager
def serveur_smtp(port: int, boite: Boite):
    controleur = Controller(boite, hostname="127.0.0.1", port=port, ready_timeout=30)
    controleur.start()
    try:
        yield boite
    finally:
        controleur.stop()


@contextmanager
def serveur_muet():
    """Accepts connections and never says a word (a firewall dropping the replies)."""
    ecoute = socket.create_server(("127.0.0.1", 0))
    ecoute.settimeout(0.2)
    acceptees, arret = [], threading.Event()

    def accepter():
        while not arret.is_set():
            try:
                acceptees.append(ecoute.accept()[0])
            except TimeoutError:
                continue

    fil = threading.Thread(target=accepter, daemon=True)
    fil.start()
    try:
        yield ecoute.getsockname()[1], acceptees
    finally:
        arret.set()
        fil.join(5)
        for s in acceptees:
            s.close()
        ecoute.close()


def test_an_outage_longer_than_all_attempts_abandons_no_email_and_each_leaves_once():
    port = port_libre()  # nothing listens: connection refused
    courriels = NotificationFactory.create_batch(3)
    texto = NotificationFactory(sms=True)
    with override_settings(MAILERS=_courriel(port)):
        for _ in range(services.MAX_TENTATIVES + 2):  # more sweeps than attempts
            services.en_attente_envoyer()
        assert Notification.objects.get(pk=texto.pk).envoye_le is not None  # SMS still leave
        for ligne in Notification.objects.filter(canal=Canal.EMAIL):
            assert ligne.envoye_le is None and ligne.tentatives == 0
        assert sorted(services.en_attente()) == sorted(c.pk for c in courriels)  # not abandoned

        with serveur_smtp(port, Boite()) as boite:
            assert services.en_attente_envoyer() == 3
            assert services.en_attente_envoyer() == 0
        assert Counter(boite.recus) == Counter(c.destinataire for c in courriels)
        assert max(Counter(boite.recus).values()) == 1


def test_a_silent_mail_server_costs_one_wait_per_sweep_not_one_per_email():
    NotificationFactory.create_batch(4)
    with serveur_muet() as (port, acceptees), override_settings(MAILERS=_courriel(port, timeout=1)):
        assert services.en_attente_envoyer() == 0
        assert len(acceptees) == 1  # one connection tried, the other emails wait
    assert set(Notification.objects.values_list("tentatives", flat=True)) == {0}


def test_a_refused_email_is_retried_later_and_later():
    ligne = NotificationFactory()

    class Refuse(Exception):
        pass

    class Refusant:
        def open(self):
            return False

        def send_messages(self, messages):
            raise Refuse

        def close(self):
            pass

    assert not services.notification_envoyer(ligne.pk, connexion=Refusant())
    ligne.refresh_from_db()
    assert ligne.tentatives == 1 and ligne.prochain_essai_le > timezone.now()
    assert services.en_attente() == []  # not before its time
    delais = [services.delai_avant_reprise(n) for n in range(1, services.MAX_TENTATIVES + 1)]
    assert delais == sorted(delais) and delais[-1] == services.DELAI_MAX
    Notification.objects.filter(pk=ligne.pk).update(prochain_essai_le=timezone.now())
    assert services.en_attente() == [ligne.pk]


def test_a_send_past_its_total_deadline_fails_instead_of_outliving_its_lease():
    port = port_libre()
    ligne = NotificationFactory()
    # Each reply comes well within the socket timeout (5 s), the whole send takes 4 s.
    with (
        serveur_smtp(port, Boite(attente=4)) as boite,
        override_settings(MAILERS=_courriel(port, timeout=5, delai_envoi=1)),
    ):
        assert not services.notification_envoyer(ligne.pk)
    ligne.refresh_from_db()
    assert ligne.envoye_le is None and ligne.confie_le is None and ligne.tentatives == 1
    assert boite.recus in ([], [ligne.destinataire])  # cut while the server was answering
    # The defaults: TCP connect and greeting (EMAIL_TIMEOUT, 15 s each), login and send.
    assert 2 * 15 + 2 * courriel.DELAI_ENVOI < settings.NOTIFICATIONS_BAIL_SECONDES


def test_a_notification_held_by_a_dead_worker_is_sent_again_by_the_sweep(time_machine):
    figer(time_machine)  # "20 s of lease left" stays 20 s however slowly the sweep comes
    mail.outbox = []
    tenue, morte = NotificationFactory.create_batch(2)
    bail = settings.NOTIFICATIONS_BAIL_SECONDES
    # Both claimed by a worker that then died; one lease is still running, one is past.
    Notification.objects.filter(pk=tenue.pk).update(
        confie_le=timezone.now() - timedelta(seconds=bail - 20), tentatives=1
    )
    Notification.objects.filter(pk=morte.pk).update(
        confie_le=timezone.now() - timedelta(seconds=bail + 1), tentatives=1
    )
    assert services.en_attente_envoyer() == 1
    assert [m.to for m in mail.outbox] == [[morte.destinataire]]
    assert Notification.objects.get(pk=morte.pk).envoye_le is not None
    assert Notification.objects.get(pk=tenue.pk).envoye_le is None
    # Lease, then at most one sweep period: what a person may wait, as documented.
    balayage = settings.CELERY_BEAT_SCHEDULE["notifications-relancer"]["schedule"]
    assert bail + balayage <= 150
