"""Access to the record: the profession matrix, blocks, professionals' accesses and the
patient's standing access settings (each change is also a Decision row)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone

from consentement.enums import Categorie, TypeAcces
from espace_sante.comptes.enums import Profession
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib.fields import EncryptedTextField


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
