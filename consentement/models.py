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
    Categorie,
    ModeCloture,
    MotifAvis,
    StatutAccompagnement,
    StatutLot,
    TypeAcces,
    TypeDecision,
)
from espace_sante.comptes.enums import Profession, Role
from espace_sante.comptes.models import Mediateur, Professionnel, Profil
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
    "Accompagnement",
    "Decision",
    "EnvoiAvis",
    "Lot",
    "LotMorceau",
    "LotRejet",
    "ModeCloture",
]


# --- Access to the record -------------------------------------------------------------


class MatriceProfession(models.Model):
    """Which category of the record a profession may see (admin-editable; defaults in a
    data migration). A missing row means no: the matrix denies by default."""

    profession = models.CharField(max_length=30, choices=Profession.choices)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    autorise = models.BooleanField("autorisé", default=False)

    class Meta:
        verbose_name = "droit d'une profession"
        verbose_name_plural = "matrice des professions"
        ordering = ["profession", "categorie"]
        constraints = [
            models.UniqueConstraint(
                fields=["profession", "categorie"], name="matrice_profession_categorie_unique"
            )
        ]

    def __str__(self) -> str:
        verbe = "voit" if self.autorise else "ne voit pas"
        return f"{self.get_profession_display()} {verbe} « {self.get_categorie_display()} »"


class PeriodeQuerySet(models.QuerySet):
    """States of a row with a start, an optional end and an optional revocation."""

    def actifs(self, le=None):
        le = le or timezone.now()
        return self.filter(debut__lte=le, revoque_le__isnull=True).filter(
            models.Q(fin__isnull=True) | models.Q(fin__gt=le)
        )

    def expires(self, le=None):
        return self.filter(revoque_le__isnull=True, fin__lte=le or timezone.now())

    def revoques(self):
        return self.filter(revoque_le__isnull=False)


class Blocage(models.Model):
    """A professional the patient has blocked: nothing of the record, not even in an emergency."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="blocages")
    professionnel = models.ForeignKey(Professionnel, on_delete=models.PROTECT, related_name="+")
    debut = models.DateTimeField("début", default=timezone.now)
    fin = models.DateTimeField(null=True, blank=True)
    revoque_le = models.DateTimeField("levé le", null=True, blank=True)

    objects = PeriodeQuerySet.as_manager()

    class Meta:
        verbose_name = "blocage d'un professionnel"
        verbose_name_plural = "blocages de professionnels"
        constraints = [
            models.UniqueConstraint(
                fields=["profil", "professionnel"],
                condition=models.Q(revoque_le__isnull=True),
                name="blocage_unique_en_cours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.professionnel} bloqué"


DUREE_ACCES = {TypeAcces.IDENTIFICATION: timedelta(hours=24), TypeAcces.URGENCE: timedelta(hours=2)}


class AccesProfessionnel(models.Model):
    """A professional's time-boxed access to one record: after identifying the patient by
    NIR and birth date, or in an emergency with a written reason."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="acces_pros")
    professionnel = models.ForeignKey(Professionnel, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20, choices=TypeAcces.choices)
    motif = EncryptedTextField("motif (accès en urgence)", null=True, blank=True)
    debut = models.DateTimeField("début", default=timezone.now)
    fin = models.DateTimeField()
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = PeriodeQuerySet.as_manager()

    class Meta:
        verbose_name = "accès d'un professionnel"
        verbose_name_plural = "accès des professionnels"
        indexes = [models.Index(fields=["professionnel", "profil", "-fin"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__gt=models.F("debut")), name="acces_fin_apres_debut"
            ),
            models.CheckConstraint(
                condition=~models.Q(type=TypeAcces.URGENCE) | models.Q(motif__isnull=False),
                name="acces_urgence_motive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.professionnel}"


class ParametresAcces(models.Model):
    """The patient's standing choices on access; each change is also a Decision row."""

    profil = models.OneToOneField(Profil, on_delete=models.PROTECT, related_name="parametres_acces")
    medecin_traitant = models.ForeignKey(
        Professionnel,
        verbose_name="médecin traitant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refus_urgence = models.BooleanField("refuse l'accès en urgence", default=False)
    masques_visibles_mt = models.BooleanField(
        "le médecin traitant voit les documents masqués", default=True
    )
    notifier_acces_pro = models.BooleanField(
        "courriel à chaque accès d'un professionnel", default=False
    )

    class Meta:
        verbose_name = "paramètres d'accès"
        verbose_name_plural = "paramètres d'accès"

    def __str__(self) -> str:
        return f"Paramètres d'accès de {self.profil}"
