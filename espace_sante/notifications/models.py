"""A message to a person is a row first (PostgreSQL is truth); Celery only carries it.

One row per (event, channel, recipient), keyed by ``cle``: a retry, a second worker or a
sweep can never send it twice. Bodies never hold health content (they say that something
happened and where to look) and are stored encrypted all the same: some carry a code
(activation, presence), emptied once sent.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from espace_sante.lib.fields import EncryptedTextField


class Canal(models.TextChoices):
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"


class Notification(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    cle = models.CharField("clé d'unicité", max_length=200, unique=True)
    motif = models.CharField(max_length=40)
    profil = models.ForeignKey(
        "comptes.Profil", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    canal = models.CharField(max_length=10, choices=Canal.choices, default=Canal.EMAIL)
    destinataire = models.CharField(max_length=254)
    sujet = models.CharField(max_length=200)
    corps = EncryptedTextField(null=True, blank=True)
    secret = models.BooleanField("corps effacé après l'envoi", default=False)
    # A message written by someone (a patient's reply to a professional's mail software):
    # its sender, threading headers and attachments (names in the encrypted storage).
    expediteur = models.CharField("expéditeur", max_length=254, blank=True)
    entetes = models.JSONField("en-têtes", default=dict, blank=True)
    pieces = models.JSONField("pièces jointes (stockage chiffré)", default=list, blank=True)
    cree_le = models.DateTimeField("créée le", default=timezone.now, db_index=True)
    # Handed to the provider at this time, not yet confirmed sent: a worker holds it for
    # NOTIFICATIONS_BAIL_SECONDES, then the sweep may send it again (same idempotency key).
    confie_le = models.DateTimeField("confiée au fournisseur le", null=True, blank=True)
    envoye_le = models.DateTimeField("envoyée le", null=True, blank=True)
    tentatives = models.PositiveSmallIntegerField(default=0)
    erreur = models.CharField("dernière erreur", max_length=200, blank=True)
    # After a refused send, not before this time (exponential back-off, at most an hour).
    prochain_essai_le = models.DateTimeField("prochain essai le", null=True, blank=True)

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

    @property
    def cle_idempotence(self) -> str:
        """Stable for the row: a provider that received it once ignores a second send."""
        return str(self.public_id)

    def __str__(self) -> str:
        return f"{self.get_canal_display()} « {self.sujet} »"
