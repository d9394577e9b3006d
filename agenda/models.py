"""The agenda's tables: appointments, their reminders (rows the beat sweeps), the person's
follow-up of prevention steps, calendar subscriptions and their fetch counters.

Every health table carries its profile id. What could say something of the person's health
(an appointment's title, place, professional typed by hand, notes, a cancellation reason)
is encrypted; dates, statuses and keys are not (the sweep and the feeds read them).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from agenda import heures
from agenda.enums import CanalRappel, EtatPrevention, StatutRappel, StatutRdv
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib.fields import EncryptedTextField


class RendezVous(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    statut = models.CharField(max_length=10, choices=StatutRdv.choices, default=StatutRdv.CONFIRME)
    titre = EncryptedTextField("intitulé")
    lieu = EncryptedTextField("lieu", null=True, blank=True)
    notes = EncryptedTextField("notes", null=True, blank=True)
    professionnel = models.ForeignKey(
        Professionnel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="professionnel de l'annuaire",
    )
    professionnel_texte = EncryptedTextField("professionnel (saisi)", null=True, blank=True)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    delais = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        blank=True,
        verbose_name="rappels (minutes avant)",
    )
    propose_par = models.ForeignKey(
        Professionnel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="proposé par",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    cree_par_libelle = models.CharField("créé par (nom)", max_length=250)
    cree_par_role = models.CharField("créé en tant que", max_length=20, choices=Role.choices)
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    modifie_le = models.DateTimeField("modifié le", default=timezone.now)
    version = models.PositiveIntegerField("version (calendriers)", default=0)
    repondu_le = models.DateTimeField("réponse le", null=True, blank=True)
    annule_le = models.DateTimeField("annulé ou refusé le", null=True, blank=True)
    annule_par_libelle = models.CharField("annulé ou refusé par", max_length=250, blank=True)
    annule_par_role = models.CharField(
        "annulé ou refusé en tant que", max_length=20, choices=Role.choices, blank=True
    )
    motif = EncryptedTextField("motif d'annulation ou de refus", null=True, blank=True)
    # A minor's request that their legal representatives not see it (the policy's one rule,
    # ``consentement.acces.confidentialite``: agenda, reminders, notices, feeds, history).
    confidentiel = models.BooleanField(
        "confidentiel (mineur)",
        default=False,
        help_text="À la demande du mineur : ses représentants légaux ne le voient pas.",
    )

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        indexes = [
            models.Index(fields=["profil", "debut"]),
            models.Index(fields=["propose_par", "debut"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=F("debut")), name="rdv_fin_apres_debut"),
            models.CheckConstraint(
                condition=~Q(statut__in=[StatutRdv.ANNULE, StatutRdv.REFUSE])
                | Q(annule_le__isnull=False),
                name="rdv_annulation_datee",
            ),
        ]

    def __str__(self) -> str:
        return f"Rendez-vous du {timezone.localtime(self.debut):%d/%m/%Y %H:%M}"

    @property
    def passe(self) -> bool:
        return self.debut <= timezone.now()

    @property
    def statut_lu(self) -> str:
        """The state as a person reads it: a confirmed appointment that is over is "Passé",
        a proposal left unanswered is "Sans réponse", not "Confirmé"/"en attente"."""
        if self.passe and self.statut == StatutRdv.CONFIRME:
            return "Passé"
        if self.passe and self.statut == StatutRdv.PROPOSE:
            return "Sans réponse"
        return self.get_statut_display()

    @property
    def heure_ambigue(self) -> str:
        """For a start in the autumn's repeated hour (02:00–02:59 twice), which one it is."""
        local = heures.local(self.debut)
        if not heures.est_ambigue(local.date(), local.time()):
            return ""
        if local.utcoffset() == timedelta(hours=2):
            return "la première, encore à l'heure d'été"
        return "la seconde, à l'heure d'hiver"

    @property
    def avec(self) -> str:
        """Who the appointment is with, as the person sees it."""
        if self.professionnel_id:
            return str(self.professionnel)
        return self.professionnel_texte or ""


class Rappel(models.Model):
    """One reminder to send, on one channel: a row first, claimed by the beat's sweep
    (``SELECT … FOR UPDATE SKIP LOCKED``), handed to ``notifier``. Its key
    (``rappel:<rdv>:<offset>:<canal>``) makes a second row for the same reminder impossible;
    ``version`` grows when the appointment moves, so a moved reminder is a new message."""

    cle = models.CharField("clé d'unicité", max_length=200, unique=True)
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    rendez_vous = models.ForeignKey(
        RendezVous, on_delete=models.PROTECT, null=True, blank=True, related_name="rappels"
    )
    etape = models.CharField("étape de prévention", max_length=60, blank=True)
    delai = models.PositiveIntegerField("minutes avant", default=0)
    canal = models.CharField(max_length=10, choices=CanalRappel.choices)
    echeance = models.DateTimeField("échéance")
    statut = models.CharField(
        max_length=10, choices=StatutRappel.choices, default=StatutRappel.A_ENVOYER
    )
    version = models.PositiveIntegerField(default=1)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)

    class Meta:
        verbose_name = "rappel"
        verbose_name_plural = "rappels"
        indexes = [
            # The sweep reads only what is due: its cost follows the due rows, not the table.
            models.Index(
                fields=["echeance"],
                condition=Q(statut=StatutRappel.A_ENVOYER),
                name="rappel_a_envoyer",
            ),
            models.Index(fields=["profil", "etape"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rendez_vous__isnull=False) & Q(etape=""))
                | (Q(rendez_vous__isnull=True) & ~Q(etape="")),
                name="rappel_rdv_ou_etape",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} — {timezone.localtime(self.echeance):%d/%m/%Y %H:%M}"


class SuiviPrevention(models.Model):
    """The person marked a prevention step done, or dismissed it."""

    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    etape = models.CharField("étape", max_length=60)
    etat = models.CharField("état", max_length=10, choices=EtatPrevention.choices)
    le = models.DateTimeField("le", default=timezone.now)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )

    class Meta:
        verbose_name = "suivi d'une étape de prévention"
        verbose_name_plural = "suivis des étapes de prévention"
        constraints = [
            models.UniqueConstraint(fields=["profil", "etape"], name="suivi_prevention_unique")
        ]


class AbonnementQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(revoque_le__isnull=True)


class Abonnement(models.Model):
    """A private calendar subscription URL: only the token's keyed hash is stored."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    nom = models.CharField("nom donné", max_length=60)
    jeton_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    details = models.BooleanField("intitulés détaillés", default=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="créé par",
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = AbonnementQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement de calendrier"
        verbose_name_plural = "abonnements de calendrier"
        indexes = [models.Index(fields=["profil", "revoque_le"])]

    def __str__(self) -> str:
        return f"Abonnement « {self.nom} »"


class CompteurFlux(models.Model):
    """Fetches of a feed (or refused fetches from an address) per day: the rate limit,
    counted in PostgreSQL so that it holds when Redis is down."""

    cle = models.CharField("clé", max_length=80)
    jour = models.DateField()
    nombre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur de lectures de flux"
        verbose_name_plural = "compteurs de lectures de flux"
        constraints = [models.UniqueConstraint(fields=["cle", "jour"], name="compteur_flux_unique")]
