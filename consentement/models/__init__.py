"""Consent decisions, account-creation batches, notices and accompagnements.

A decision is a row, never a boolean overwritten: who decided, for whom, through
which channel, when, and the version of the text they were shown. Batches and
their chunks are rows too, so a killed worker resumes from PostgreSQL, not from
the broker.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from consentement.enums import (
    Canal,
    ModeCloture,
    MotifAvis,
    StatutAccompagnement,
    StatutLot,
    TypeDecision,
)

# The record's access models (matrix, blocks, accesses, settings) have their own module,
# importable from here like the others.
from consentement.models.acces import (
    DUREE_ACCES,
    AccesProfessionnel,
    Blocage,
    MatriceProfession,
    ParametresAcces,
    PeriodeQuerySet,
)
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Mediateur, Profil
from espace_sante.lib.fields import EncryptedTextField


class DecisionImmuable(Exception):
    pass


class Decision(models.Model):
    """One consent decision in the ledger (append-only: a PostgreSQL trigger refuses edits)."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="decisions")
    type = models.CharField(max_length=20, choices=TypeDecision.choices)
    canal = models.CharField(max_length=20, choices=Canal.choices)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide quand la personne a agi sans compte (page publique d'opposition).",
    )
    acteur_libelle = models.CharField("décidé par", max_length=250)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    accompagnement = models.ForeignKey(
        "Accompagnement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    texte_version = models.CharField("version du texte présenté", max_length=40)
    texte_empreinte = models.CharField("empreinte SHA-256 du texte présenté", max_length=64)
    details = models.JSONField("détails", default=dict, blank=True)
    horodatage = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "décision"
        verbose_name_plural = "registre des décisions"
        ordering = ["-horodatage", "-pk"]
        indexes = [models.Index(fields=["profil", "-horodatage"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.horodatage:%d/%m/%Y %H:%M}"

    @property
    def mode_libelle(self) -> str:
        mode = self.details.get("mode")
        return ModeCloture(mode).label if mode else ""

    @property
    def reference(self) -> str:
        return str(self.public_id).split("-")[0].upper()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DecisionImmuable("Une décision enregistrée ne se modifie jamais.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DecisionImmuable("Une décision enregistrée ne se supprime jamais.")


def _stockage_sante():
    from django.core.files.storage import storages

    return storages["sante"]


def _chemin_lot(instance: Lot, filename: str) -> str:
    return f"lots/{instance.public_id}/fichier.csv"


def _chemin_lettres(instance: Lot, filename: str) -> str:
    return f"lots/{instance.public_id}/lettres.pdf"


class Lot(models.Model):
    """An insured-persons file uploaded by an admin; processed in chunks by Celery."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    nom_fichier = models.CharField("fichier", max_length=255)
    fichier = models.FileField(storage=_stockage_sante, upload_to=_chemin_lot)
    empreinte = models.CharField("empreinte SHA-256 du fichier", max_length=64, unique=True)
    separateur = models.CharField("séparateur", max_length=1, default=",")
    entete = models.JSONField("colonnes", default=list)
    date_avis = models.DateField("date de l'avis", default=timezone.localdate)
    statut = models.CharField(max_length=15, choices=StatutLot.choices, default=StatutLot.RECU)
    erreur = models.TextField("motif du refus", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)
    debut = models.DateTimeField("début du traitement", null=True, blank=True)
    fin = models.DateTimeField("fin du traitement", null=True, blank=True)
    lignes_total = models.PositiveIntegerField("lignes au total", default=0)
    lignes_traitees = models.PositiveIntegerField("lignes traitées", default=0)
    crees = models.PositiveIntegerField("profils créés", default=0)
    rejetes = models.PositiveIntegerField("lignes rejetées", default=0)
    lettres = models.FileField(
        "courriers (PDF)", storage=_stockage_sante, upload_to=_chemin_lettres, blank=True
    )
    lettres_nombre = models.PositiveIntegerField("pages de courriers", default=0)

    class Meta:
        verbose_name = "lot de création de profils"
        verbose_name_plural = "lots de création de profils"
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"Lot n° {self.pk} — {self.nom_fichier}"

    @property
    def date_limite_opposition(self):
        return self.date_avis + timedelta(weeks=6)

    @staticmethod
    def calculer_empreinte(contenu: bytes) -> str:
        return hashlib.sha256(contenu).hexdigest()

    def debit(self) -> float | None:
        """Rows per second since processing started."""
        if not self.debut or not self.lignes_traitees:
            return None
        duree = ((self.fin or timezone.now()) - self.debut).total_seconds()
        return self.lignes_traitees / duree if duree > 0 else None

    def fin_estimee(self):
        debit = self.debit()
        if debit is None or self.fin or self.lignes_traitees >= self.lignes_total:
            return None
        return timezone.now() + timedelta(
            seconds=(self.lignes_total - self.lignes_traitees) / debit
        )


class LotMorceau(models.Model):
    """A chunk of a batch file: processed in one transaction, so all or nothing."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="morceaux")
    numero = models.PositiveIntegerField(
        "numéro",
    )
    ligne_debut = models.PositiveIntegerField("première ligne")
    nb_lignes = models.PositiveIntegerField("nombre de lignes", default=0)
    fichier = models.CharField(max_length=200)
    fait = models.BooleanField(default=False)
    differees = ArrayField(
        models.PositiveIntegerField(), verbose_name="lignes différées", default=list, blank=True
    )
    differees_faites = models.BooleanField("lignes différées traitées", default=False)
    # In-file duplicates, decided when the file is cut (the earlier line wins): line of the
    # duplicate -> line it repeats. Chunks never race each other on one NIR.
    doublons = models.JSONField("doublons dans le fichier", default=dict, blank=True)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)
    essais = models.PositiveSmallIntegerField("essais de traitement", default=0)
    erreur = models.CharField("dernière erreur", max_length=200, blank=True)

    class Meta:
        verbose_name = "morceau de lot"
        verbose_name_plural = "morceaux de lot"
        ordering = ["lot", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "numero"], name="morceau_unique_par_lot")
        ]


class LotRejet(models.Model):
    """A bad row of a batch: its line, the field and the reason, in French."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="rejets")
    ligne = models.PositiveIntegerField()
    champ = models.CharField(max_length=40, blank=True)
    motif = models.CharField(max_length=300)
    avertissement = models.BooleanField(
        default=False, help_text="Ligne importée, mais avec une remarque (lien non créé…)."
    )

    class Meta:
        verbose_name = "ligne rejetée"
        verbose_name_plural = "lignes rejetées"
        ordering = ["lot", "ligne"]
        indexes = [models.Index(fields=["lot", "ligne"])]


class EnvoiAvis(models.Model):
    """Notices waiting to be delivered (emails, printed letters).

    The content lists (profile id, channel, activation code): the code exists in
    clear nowhere else, so the content is encrypted and emptied once delivered.
    """

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True)
    motif = models.CharField(max_length=20, choices=MotifAvis.choices)
    contenu = EncryptedTextField(null=True, blank=True)
    nb_emails = models.PositiveIntegerField("courriels", default=0)
    nb_courriers = models.PositiveIntegerField("courriers", default=0)
    emails_envoyes_le = models.DateTimeField("courriels envoyés le", null=True, blank=True)
    courriers_imprimes_le = models.DateTimeField("courriers imprimés le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "envoi d'avis"
        verbose_name_plural = "envois d'avis"
        ordering = ["-cree_le"]


class Accompagnement(models.Model):
    """A France services mediator helping a person present at the desk (≤ 30 minutes)."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    mediateur = models.ForeignKey(
        Mediateur, verbose_name="médiateur", on_delete=models.PROTECT, related_name="+"
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="accompagnements")
    statut = models.CharField(
        max_length=10, choices=StatutAccompagnement.choices, default=StatutAccompagnement.PRESENCE
    )
    preuve = models.CharField("preuve de présence", max_length=40, blank=True)
    code_presence_hash = models.CharField(
        "empreinte du code de présence", max_length=64, blank=True
    )
    code_presence_expire_le = models.DateTimeField(
        "code de présence valable jusqu'au", null=True, blank=True
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)
    ouvert_le = models.DateTimeField(null=True, blank=True)
    expire_le = models.DateTimeField(null=True, blank=True)
    ferme_le = models.DateTimeField("fermé le", null=True, blank=True)

    class Meta:
        verbose_name = "accompagnement France services"
        verbose_name_plural = "accompagnements France services"
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"{self.mediateur} pour {self.profil}"

    def est_en_cours(self) -> bool:
        return (
            self.statut == StatutAccompagnement.OUVERT
            and self.expire_le is not None
            and self.expire_le > timezone.now()
        )


__all__ = [
    "DUREE_ACCES",
    "AccesProfessionnel",
    "Accompagnement",
    "Blocage",
    "MatriceProfession",
    "ParametresAcces",
    "PeriodeQuerySet",
    "Decision",
    "EnvoiAvis",
    "Lot",
    "LotMorceau",
    "LotRejet",
    "ModeCloture",
]
