"""The catalogue of labelled services, the person's connections to them, scope by scope,
and the deletion requests sent when a connection ends.

A connection (``Connexion``) ties one service to one profile, made by the person who acts
on it (the titulaire, or a legal representative for a minor). Each consented scope is an
``Autorisation`` row (Aidants Connect's ``Mandat``/``Autorisation`` shape) with its expiry,
its revocation and the ``consentement.Decision`` rows of the ledger that granted and
withdrew it. Access tokens are django-oauth-toolkit's; ``Jeton`` says which connection
each one serves. A deletion request is an outbox row first, delivered by Celery.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from catalogue.enums import CategorieService, EtatSuppression, StatutService
from consentement.models import Decision
from espace_sante.comptes.models import Profil
from espace_sante.lib import sortant
from espace_sante.lib.fields import EncryptedTextField


def _secret() -> str:
    return secrets.token_urlsafe(32)


class Critere(models.Model):
    """A published labelling criterion (security, interoperability, ethics, hosting…)."""

    code = models.SlugField("code", max_length=40, unique=True)
    intitule = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "critère de référencement"
        verbose_name_plural = "critères de référencement"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.intitule


class ServiceQuerySet(models.QuerySet):
    def references(self):
        return self.filter(statut=StatutService.REFERENCE)


class Service(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    nom = models.CharField("nom", max_length=120)
    slug = models.SlugField("adresse dans le catalogue", max_length=80, unique=True)
    editeur = models.CharField("éditeur", max_length=200)
    description = models.TextField("description")
    logo = models.BinaryField("logo (vérifié et ré-encodé)", null=True, blank=True, editable=False)
    logo_type = models.CharField("type du logo", max_length=20, blank=True, editable=False)
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieService.choices)
    site_web = models.URLField("site web")
    url_lancement = models.URLField(
        "adresse de connexion",
        blank=True,
        help_text="La page du service où la personne commence la connexion à espace-santé.",
    )
    criteres = models.ManyToManyField(
        Critere, verbose_name="critères de référencement respectés", blank=True
    )
    redirect_uris = models.TextField(
        "adresses de retour (redirect URI)",
        help_text="Une par ligne, comparées caractère par caractère.",
    )
    url_suppression = models.URLField(
        "adresse des demandes de suppression",
        help_text="Reçoit un POST signé quand une personne retire son autorisation "
        "(https, serveur public).",
        validators=[sortant.verifier_url],
    )
    secret_suppression = EncryptedTextField(
        "secret de signature des demandes de suppression", default=_secret
    )
    jeton_enregistrement = models.CharField(
        "empreinte du jeton d'enregistrement des clients",
        max_length=64,
        blank=True,
        editable=False,
    )
    statut = models.CharField(
        max_length=10,
        choices=StatutService.choices,
        default=StatutService.REFERENCE,
        editable=False,
    )
    statut_depuis = models.DateTimeField("statut depuis le", default=timezone.now, editable=False)
    statut_motif = models.TextField("motif du statut", blank=True, editable=False)
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services du catalogue"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    @property
    def redirections(self) -> list[str]:
        return [ligne.strip() for ligne in self.redirect_uris.splitlines() if ligne.strip()]

    @property
    def reference(self) -> bool:
        return self.statut == StatutService.REFERENCE


class PorteeDemandee(models.Model):
    """A scope the service asks for, and why (shown to the person before they consent)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="portees")
    portee = models.CharField("portée (SMART v2)", max_length=60)
    pourquoi = models.TextField("pourquoi le service en a besoin")

    class Meta:
        verbose_name = "donnée demandée"
        verbose_name_plural = "données demandées"
        ordering = ["service", "portee"]
        constraints = [
            models.UniqueConstraint(fields=["service", "portee"], name="portee_unique_par_service")
        ]

    def __str__(self) -> str:
        return self.portee


class Client(models.Model):
    """An OAuth client (django-oauth-toolkit's Application) of a service: its web site, its
    phone app… made with the service in admin, or registered by its publisher (RFC 7591)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="clients")
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="catalogue"
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    origines = models.TextField(
        "origines autorisées (CORS)",
        blank=True,
        help_text="Pour une application web publique : ses origines (https://appli.example), "
        "une par ligne. Seules elles reçoivent les en-têtes CORS de l'API.",
    )

    class Meta:
        verbose_name = "client OAuth"
        verbose_name_plural = "clients OAuth"

    def __str__(self) -> str:
        return f"{self.service} — {self.application.client_id}"


class ConnexionQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(revoquee_le__isnull=True)


class Connexion(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="connexions")
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="connecté par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    cree_le = models.DateTimeField("connecté le", default=timezone.now)
    revoquee_le = models.DateTimeField("déconnecté le", null=True, blank=True)
    dernier_acces = models.DateTimeField("dernier accès", null=True, blank=True)

    objects = ConnexionQuerySet.as_manager()

    class Meta:
        verbose_name = "connexion d'un service"
        verbose_name_plural = "connexions des services"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "profil"],
                condition=Q(revoquee_le__isnull=True),
                name="une_connexion_active_par_service_et_profil",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} — connexion {str(self.public_id)[:8]}"


class AutorisationQuerySet(models.QuerySet):
    def actives(self, maintenant=None):
        return self.filter(revoque_le__isnull=True, expire_le__gt=maintenant or timezone.now())

    def expirees(self, maintenant=None):
        return self.filter(revoque_le__isnull=True, expire_le__lte=maintenant or timezone.now())

    def revoquees(self):
        return self.filter(revoque_le__isnull=False)


class Autorisation(models.Model):
    """One consented scope of a connection, with its ledger rows."""

    connexion = models.ForeignKey(Connexion, on_delete=models.PROTECT, related_name="autorisations")
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    portee = models.CharField("portée", max_length=60)
    cree_le = models.DateTimeField("accordée le", default=timezone.now)
    expire_le = models.DateTimeField("expire le")
    revoque_le = models.DateTimeField("retirée le", null=True, blank=True)
    texte_version = models.CharField("version du texte présenté", max_length=40)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    retrait = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AutorisationQuerySet.as_manager()

    class Meta:
        verbose_name = "autorisation (une portée)"
        verbose_name_plural = "autorisations"
        ordering = ["connexion", "portee"]
        constraints = [
            models.UniqueConstraint(
                fields=["connexion", "portee"],
                condition=Q(revoque_le__isnull=True),
                name="une_autorisation_en_cours_par_portee",
            ),
            models.CheckConstraint(
                condition=Q(expire_le__gt=models.F("cree_le")), name="autorisation_expire_apres"
            ),
        ]

    def __str__(self) -> str:
        return self.portee


class Jeton(models.Model):
    """Which connection an access token serves (the token itself is the library's, hashed)."""

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name="catalogue"
    )
    connexion = models.ForeignKey(Connexion, on_delete=models.PROTECT, related_name="jetons")
    # A keyed hash of the authorization code the token descends from (refreshed tokens
    # inherit it): a replayed code revokes every token it gave (RFC 6749 §4.1.2).
    code = models.CharField(
        "empreinte du code d'autorisation", max_length=64, blank=True, db_index=True
    )

    class Meta:
        verbose_name = "jeton d'accès"
        verbose_name_plural = "jetons d'accès"


class DemandeSuppression(models.Model):
    """A deletion request to a service: written with the revocation, delivered by Celery
    (signed POST), retried with a growing delay until the service acknowledges it."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    connexion = models.ForeignKey(Connexion, on_delete=models.PROTECT, related_name="suppressions")
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    portees = ArrayField(models.CharField(max_length=60), verbose_name="portées retirées")
    etat = models.CharField(
        max_length=10, choices=EtatSuppression.choices, default=EtatSuppression.A_ENVOYER
    )
    cree_le = models.DateTimeField("demandée le", default=timezone.now)
    essais = models.PositiveIntegerField("essais d'envoi", default=0)
    prochain_essai = models.DateTimeField("prochain essai", default=timezone.now)
    derniere_erreur = models.CharField("dernière erreur", max_length=200, blank=True)
    livree_le = models.DateTimeField("reçue par le service le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de suppression"
        verbose_name_plural = "demandes de suppression"
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["etat", "prochain_essai"])]

    def __str__(self) -> str:
        return f"Demande de suppression {str(self.public_id)[:8]}"
