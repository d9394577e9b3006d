"""An email to send is a row first (PostgreSQL is truth); Celery only carries it.

Bodies never hold health content: they say that something happened and where to look.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    profil = models.ForeignKey(
        "comptes.Profil", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    destinataire = models.EmailField(max_length=254)
    sujet = models.CharField(max_length=200)
    corps = models.TextField()
    cree_le = models.DateTimeField(default=timezone.now, db_index=True)
    envoye_le = models.DateTimeField(null=True, blank=True)
    tentatives = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        indexes = [
            models.Index(
                fields=["cree_le"],
                condition=models.Q(envoye_le__isnull=True),
                name="notification_a_envoyer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sujet} → {self.destinataire}"
