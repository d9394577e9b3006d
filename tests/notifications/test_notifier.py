"""One way to notify: a row first, keyed so a retry never sends twice; the channel the
person chose; bodies encrypted at rest; sent rows purged after the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from espace_sante.notifications import services, sms
from espace_sante.notifications.models import Canal, Notification
from tests.comptes.factories import ProfilFactory
from tests.conftest import courriels

pytestmark = pytest.mark.django_db


def _notifier(profil, cle="essai:1", **options):
    return services.notifier(
        profil=profil,
        motif="avis",
        cle=cle,
        gabarit="consentement/notifications/acces_pro",
        contexte={
            "professionnel": "Dr Jeanne Lefèvre",
            "patient": "Camille Martin",
            "quand": "27/11/2026 à 10:00",
            "urgence": False,
        },
        **options,
    )


def test_the_same_key_twice_sends_one_message(settings):
    profil = ProfilFactory(active=True, notifier_par_email=True, notifier_par_sms=False)
    _notifier(profil)
    _notifier(profil)
    assert Notification.objects.count() == 1
    assert len(courriels()) == 1
    _notifier(profil)  # a retry after it was sent
    assert len(courriels()) == 1


def test_sms_only_person_gets_an_sms_and_no_email():
    sms.boite.clear()
    profil = ProfilFactory(par_sms=True)
    _notifier(profil)
    courriels()
    assert mail.outbox == []
    assert [numero for numero, _ in sms.boite] == ["+33612345678"]
    assert "Lefèvre" in sms.boite[0][1]


def test_a_person_who_wants_nothing_still_gets_what_they_must_receive():
    profil = ProfilFactory(active=True, notifier_par_email=False, notifier_par_sms=False)
    assert _notifier(profil) == []
    lignes = _notifier(profil, cle="essai:2", obligatoire=True)
    assert [ligne.canal for ligne in lignes] == [Canal.EMAIL]


def test_bodies_are_encrypted_in_the_database():
    profil = ProfilFactory(active=True, notifier_par_email=True)
    (ligne,) = _notifier(profil)
    with connection.cursor() as curseur:
        curseur.execute("SELECT corps FROM notifications_notification WHERE id = %s", [ligne.pk])
        (brut,) = curseur.fetchone()
    assert "Lefèvre" in Notification.objects.get(pk=ligne.pk).corps
    assert "Lefèvre" not in str(brut)


def test_sent_notifications_are_purged_after_the_retention_period(settings):
    settings.NOTIFICATIONS_CONSERVATION_JOURS = 90
    profil = ProfilFactory(active=True, notifier_par_email=True)
    (ancienne,) = _notifier(profil, cle="vieux")
    (recente,) = _notifier(profil, cle="recent")
    (en_attente,) = _notifier(profil, cle="attente")
    Notification.objects.filter(pk=ancienne.pk).update(
        envoye_le=timezone.now() - timedelta(days=91)
    )
    Notification.objects.filter(pk=recente.pk).update(envoye_le=timezone.now() - timedelta(days=3))
    assert services.envoyees_purger() == 1
    restantes = set(Notification.objects.values_list("pk", flat=True))
    assert restantes == {recente.pk, en_attente.pk}
