"""Secure messaging: conversations between one professional and one patient's profile.

Every row carries its profile id (the data may be distributed by profile). Subjects,
bodies, attachment names and files are encrypted at rest; the subject is searchable
through a blind index (keyed hashes of its words), never in clear.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib.fields import EncryptedTextField
from espace_sante.lib.texte import format_fichier
from messagerie.enums import CanalMessage, Cote


def _stockage_sante():
    from django.core.files.storage import storages

    return storages["sante"]


def _chemin_piece(instance: PieceJointe, filename: str) -> str:
    # Never the sent name: the object's ids only (the name is the file's AAD too).
    return f"messagerie/{instance.profil.public_id}/{instance.public_id}.{instance.extension}"


class Conversation(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    professionnel = models.ForeignKey(Professionnel, on_delete=models.PROTECT, related_name="+")
    sujet = EncryptedTextField("sujet")
    sujet_index = ArrayField(
        models.CharField(max_length=24),
        default=list,
        blank=True,
        editable=False,
        verbose_name="index aveugle du sujet",
    )
    confidentiel = models.BooleanField(
        "confidentiel (mineur)",
        default=False,
        help_text="À la demande du mineur : ses représentants légaux ne la voient pas.",
    )
    canal = models.CharField(max_length=10, choices=CanalMessage.choices, default=CanalMessage.WEB)
    adresse_professionnel = models.EmailField(
        "adresse de messagerie du professionnel",
        blank=True,
        help_text="Les réponses du patient y partent par SMTP (conversation venue de sa messagerie).",
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    dernier_message_le = models.DateTimeField("dernier message le", default=timezone.now)
    dernier_pro_le = models.DateTimeField("dernier message du professionnel", null=True)
    dernier_patient_le = models.DateTimeField("dernier message du patient", null=True)
    fermee_le = models.DateTimeField("close le", null=True, blank=True)
    suppression_annoncee_le = models.DateTimeField("suppression annoncée le", null=True, blank=True)

    class Meta:
        verbose_name = "conversation"
        verbose_name_plural = "conversations"
        indexes = [
            models.Index(fields=["profil", "-dernier_message_le"]),
            models.Index(fields=["professionnel", "-dernier_message_le"]),
            models.Index(fields=["dernier_message_le"]),
        ]

    def __str__(self) -> str:
        return f"Conversation {str(self.public_id)[:8]}"

    @property
    def fermee(self) -> bool:
        return self.fermee_le is not None


class Message(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    cote = models.CharField("écrit par", max_length=20, choices=Cote.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    auteur_libelle = models.CharField("auteur", max_length=250)
    corps = EncryptedTextField("texte")
    canal = models.CharField(max_length=10, choices=CanalMessage.choices, default=CanalMessage.WEB)
    # RFC 5322 Message-ID: threads the replies of the professional's mail software. Unique
    # per patient: one mail addressed to two patients arrives twice under the same id.
    message_id = models.CharField("Message-ID", max_length=250, db_index=True)
    fin = models.BooleanField("a clos la conversation", default=False)
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["envoye_le", "pk"]
        indexes = [
            models.Index(fields=["conversation", "envoye_le"]),
            models.Index(fields=["auteur", "envoye_le"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["profil", "message_id"], name="message_id_par_patient")
        ]

    def __str__(self) -> str:
        return f"Message {str(self.public_id)[:8]}"


class PieceJointe(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="pieces")
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    nom = EncryptedTextField("nom du fichier")
    fichier = models.FileField(storage=_stockage_sante, upload_to=_chemin_piece)
    type_mime = models.CharField("type MIME", max_length=30)
    extension = models.CharField(max_length=5)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    document = models.UUIDField("enregistrée dans le dossier (document)", null=True, blank=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Pièce jointe {str(self.public_id)[:8]}"

    @property
    def nom_telechargement(self) -> str:
        """A safe name built by us; never the sent one (shown on the page only)."""
        return f"piece-jointe-{str(self.public_id)[:8]}.{self.extension}"

    @property
    def format_lu(self) -> str:
        return format_fichier(self.type_mime, self.taille)

    @property
    def est_image(self) -> bool:
        return self.type_mime.startswith("image/")


class Suivi(models.Model):
    """One participant's state of one conversation: read up to when, archived when."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="suivis")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField("lu jusqu'au", null=True, blank=True)
    archivee_le = models.DateTimeField("archivée le", null=True, blank=True)

    class Meta:
        verbose_name = "suivi d'une conversation"
        verbose_name_plural = "suivis des conversations"
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="suivi_unique"),
        ]
