"""Queue an email after commit, send it once, retry what the broker or SMTP dropped."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.utils import timezone

from espace_sante.lib.taches import planifier
from espace_sante.notifications.models import Notification

logger = logging.getLogger(__name__)
MAX_TENTATIVES = 10


def notifier(*, destinataire: str, sujet: str, corps: str, profil=None) -> Notification | None:
    if not destinataire:
        return None
    notification = Notification.objects.create(
        profil=profil, destinataire=destinataire, sujet=sujet, corps=corps
    )
    planifier("espace_sante.notifications.tasks.notification_envoyer", notification.pk)
    return notification


def envoyer(notification_id: int) -> bool:
    """Send one notification; a row locked by another worker or already sent is skipped."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, envoye_le__isnull=True)
            .first()
        )
        if notification is None:
            return False
        notification.tentatives += 1
        try:
            message = EmailMessage(
                subject=notification.sujet, body=notification.corps, to=[notification.destinataire]
            )
            mailers.default.send_messages([message])
        except Exception:
            logger.exception("Échec d'envoi de la notification %s", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(
                tentatives=notification.tentatives
            )
            return False
        notification.envoye_le = timezone.now()
        notification.save(update_fields=["envoye_le", "tentatives"])
    return True


def en_attente(limite: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(envoye_le__isnull=True, tentatives__lt=MAX_TENTATIVES)
        .order_by("cree_le")
        .values_list("pk", flat=True)[:limite]
    )
