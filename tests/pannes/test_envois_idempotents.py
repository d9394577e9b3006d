"""Duplicate sends in the provider-accepted, commit-failed window: PostgreSQL is cut right
after the provider accepted. The row is counted "confiée, non confirmée", and the resend
carries the same idempotency key (SMS: the API's key; email: the same Message-ID)."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import DatabaseError, connection
from django.test import override_settings

from espace_sante.notifications import services
from espace_sante.notifications.models import Notification
from tests.notifications.factories import NotificationFactory
from tests.pannes.aide_travailleurs import couper_la_connexion_django

pytestmark = pytest.mark.django_db(transaction=True)
recus: list[tuple[str, str]] = []
couper = {"une_fois": False}


class SmsQuiCoupe:
    """A provider that accepts the SMS; then PostgreSQL is lost (once)."""

    def envoyer(self, numero, texte, *, cle=""):
        recus.append((numero, cle))
        if couper.pop("une_fois", False):
            couper_la_connexion_django()


class CourrielQuiCoupe(EmailBackend):
    def send_messages(self, messages):
        n = super().send_messages(messages)
        couper_la_connexion_django()
        return n


def _accepte_puis_base_perdue(envoyer) -> None:
    with pytest.raises(DatabaseError):
        envoyer()
    connection.close()  # the next query reconnects, as a worker's next task does


@override_settings(
    SMS_BACKEND="tests.pannes.test_envois_idempotents.SmsQuiCoupe", NOTIFICATIONS_BAIL_SECONDES=0
)
def test_an_sms_resent_after_a_lost_commit_carries_the_same_idempotency_key():
    recus.clear()
    couper["une_fois"] = True
    notification = NotificationFactory(sms=True)
    _accepte_puis_base_perdue(lambda: services.notification_envoyer(notification.pk))
    assert services.confiees_non_confirmees() == 1  # could go twice: counted
    assert services.en_attente_envoyer() == 1  # the sweep sends it again
    assert recus == [("0612345678", str(notification.public_id))] * 2
    assert services.confiees_non_confirmees() == 0
    assert Notification.objects.get(pk=notification.pk).envoye_le is not None


@override_settings(NOTIFICATIONS_BAIL_SECONDES=0)
def test_an_email_resent_after_a_lost_commit_has_the_same_message_id():
    mail.outbox = []
    notification = NotificationFactory(destinataire="camille@example.fr")
    _accepte_puis_base_perdue(
        lambda: services.notification_envoyer(notification.pk, connexion=CourrielQuiCoupe())
    )
    assert services.confiees_non_confirmees() == 1
    assert services.notification_envoyer(notification.pk, connexion=EmailBackend())
    premier, second = (m.message()["Message-ID"] for m in mail.outbox)
    assert premier == second and premier.startswith(f"<{notification.public_id}@")
