"""Identity and roles: User, Profil, Professionnel, Mediateur, Representation.

A User is a login (one person, one email). A Profil is one person's health space:
it exists before anyone logs in (created by a batch) and gets an owner once
activated. Acting for someone else (a parent for a minor, a mediator at a desk) is
a link or an accompaniment, never a shared login.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device
from stdnum import luhn

from espace_sante.comptes.enums import (
    PROFESSIONS_ACCORDEES,
    Civilite,
    PorteeTentative,
    Profession,
    Sexe,
    StatutProfil,
)
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.crypto import keyed_hash
from espace_sante.lib.fields import EncryptedTextField
from espace_sante.lib.texte import accorder


def date_majorite(le: date | None = None) -> date:
    """Born on or before this date means 18 or older on ``le`` (today by default): the one
    place the age of majority is computed (the policy, batches and sweeps read it)."""
    le = le or timezone.localdate()
    try:
        return le.replace(year=le.year - 18)
    except ValueError:  # 29 February
        return le.replace(year=le.year - 18, day=28)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    email = models.EmailField("adresse électronique", unique=True)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.nom_complet or self.email

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    @property
    def genre(self) -> str:
        """The account holder's, from their profile or their directory entry ("" unknown)."""
        for role in ("profil", "professionnel"):
            personne = getattr(self, role, None)  # a reverse one-to-one: None when absent
            if personne is not None:
                return personne.genre
        return ""

    def get_full_name(self) -> str:
        return self.nom_complet

    def get_short_name(self) -> str:
        return self.prenom or self.email


class ProfilQuerySet(models.QuerySet):
    def par_nir(self, nir: str):
        return self.filter(nir_hash=nir_lib.hacher(nir))

    def actifs(self):
        return self.filter(statut=StatutProfil.ACTIVE)


class Profil(models.Model):
    """One person's health space, with the INS identity traits."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    statut = models.CharField(
        max_length=10, choices=StatutProfil.choices, default=StatutProfil.ANNONCE
    )
    titulaire = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profil",
        help_text="Le compte qui a activé ce profil.",
    )
    # INS identity traits
    nom_naissance = models.CharField("nom de naissance", max_length=100)
    nom_usage = models.CharField("nom utilisé", max_length=100, blank=True)
    prenoms = models.CharField("prénoms", max_length=200)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    sexe = models.CharField(max_length=1, choices=Sexe.choices, blank=True)
    code_lieu_naissance = models.CharField(
        "code du lieu de naissance",
        max_length=5,
        help_text="Code INSEE de la commune (ou du pays) de naissance.",
    )
    nir = EncryptedTextField("NIR (chiffré)", null=True, blank=True)
    # Unique through Meta.constraints: no useless LIKE index on a hash.
    nir_hash = models.CharField("empreinte du NIR", max_length=64, editable=False)
    cree_le = models.DateTimeField("créé le", default=timezone.now, editable=False)
    # Contact details on file (from the batch; the person or a mediator may update them).
    email_contact = models.EmailField("adresse électronique de contact", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    adresse = models.CharField("adresse postale", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField(max_length=100, blank=True)
    notifier_par_email = models.BooleanField("notifications par courriel", default=True)
    notifier_par_sms = models.BooleanField("notifications par SMS", default=False)
    notifier_nouveau_message = models.BooleanField(
        "prévenir d'un nouveau message",
        default=True,
        db_default=True,
        help_text="Un courriel ou un SMS (selon les choix ci-dessus) à chaque nouveau message.",
    )
    notifier_nouveau_document = models.BooleanField(
        "prévenir d'un document ajouté par un professionnel",
        default=True,
        db_default=True,
        help_text="Un courriel ou un SMS (selon les choix ci-dessus) à chaque document ajouté.",
    )
    # Lifecycle (rules in consentement.services.cycle): announcement, activation code, closure.
    lot_numero = models.PositiveIntegerField(
        "lot de création", null=True, blank=True, help_text="Numéro du lot (consentement.Lot)."
    )
    lot_ligne = models.PositiveIntegerField("ligne du fichier du lot", null=True, blank=True)
    date_limite_opposition = models.DateField("date limite d'opposition", null=True, blank=True)
    code_activation_hash = models.CharField(
        "empreinte du code d'activation", max_length=64, blank=True, editable=False
    )
    code_activation_expire_le = models.DateTimeField(
        "expiration du code d'activation", null=True, blank=True
    )
    cloture_le = models.DateTimeField("clôturé le", null=True, blank=True)
    suppression_prevue_le = models.DateTimeField(
        "suppression des données prévue le", null=True, blank=True
    )
    donnees_supprimees_le = models.DateTimeField("données supprimées le", null=True, blank=True)

    objects = ProfilQuerySet.as_manager()

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profils"
        constraints = [
            models.CheckConstraint(
                condition=~Q(statut=StatutProfil.ACTIVE) | Q(titulaire__isnull=False),
                name="profil_active_a_un_titulaire",
            ),
            models.UniqueConstraint(fields=["nir_hash"], name="profil_nir_hash_unique"),
        ]

    def __str__(self) -> str:
        return self.nom_affiche

    @property
    def nom_affiche(self) -> str:
        premier_prenom = self.prenoms.split(" ")[0] if self.prenoms else ""
        nom = f"{premier_prenom} {self.nom_usage or self.nom_naissance}".strip()
        return nom or f"Profil n° {str(self.public_id)[:8]} (données effacées)"

    def age(self, le: date | None = None) -> int | None:
        d = self.date_naissance
        if d is None:
            return None
        le = le or timezone.localdate()
        return le.year - d.year - ((le.month, le.day) < (d.month, d.day))

    def est_mineur(self, le: date | None = None) -> bool:
        return self.date_naissance is not None and self.date_naissance > date_majorite(le)

    @property
    def genre(self) -> str:
        """ "M", "F" or "" (unknown: neutral wording), for the words that agree with the
        person (``lib.texte.accorder``): the INS sex trait, else the NIR's first digit."""
        if self.sexe in (Sexe.MASCULIN, Sexe.FEMININ):
            return self.sexe
        return nir_lib.genre(self.nir)

    def definir_nir(self, valeur: str) -> None:
        nir = nir_lib.valider(valeur)
        self.nir = nir
        self.nir_hash = nir_lib.hacher(nir)


def valider_rpps(valeur: str) -> None:
    if not (valeur.isdigit() and len(valeur) == 11):
        raise ValidationError("Le numéro RPPS comporte exactement 11 chiffres.", code="rpps_format")
    if not luhn.is_valid(valeur):
        raise ValidationError(
            "Le numéro RPPS n'est pas valide (clé de contrôle incorrecte).", code="rpps_cle"
        )


class Professionnel(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    user = models.OneToOneField(
        User, verbose_name="compte", on_delete=models.PROTECT, related_name="professionnel"
    )
    rpps = models.CharField("numéro RPPS", max_length=11, unique=True, validators=[valider_rpps])
    profession = models.CharField(max_length=30, choices=Profession.choices)
    civilite = models.CharField(
        "civilité",
        max_length=3,
        choices=Civilite.choices,
        blank=True,
        help_text="Comme l'annuaire RPPS la publie ; vide : inconnue (formulation neutre).",
    )
    specialite = models.CharField("spécialité", max_length=100, blank=True)
    structure = models.CharField("structure d'exercice", max_length=200, blank=True)
    commune = models.CharField("commune d'exercice", max_length=100, blank=True)
    actif = models.BooleanField("habilitation active", default=True)

    class Meta:
        verbose_name = "professionnel de santé"
        verbose_name_plural = "professionnels de santé"

    def __str__(self) -> str:
        return f"{self.nom_usage}, {self.profession_libelle}"

    @property
    def genre(self) -> str:
        return {Civilite.MONSIEUR: "M", Civilite.MADAME: "F"}.get(self.civilite, "")

    @property
    def profession_libelle(self) -> str:
        """ "pharmacien", "pharmacienne"; "pharmacien ou pharmacienne" when unknown."""
        masculin, feminin = PROFESSIONS_ACCORDEES[self.profession]
        return accorder(self, masculin, feminin, self.get_profession_display().lower())

    @property
    def nom_usage(self) -> str:
        """How a patient names them: "Dr Jeanne Lefèvre", "Paul Moreau"."""
        titre = "Dr " if self.profession == Profession.MEDECIN else ""
        return f"{titre}{self.user.nom_complet}"


class MediateurQuerySet(models.QuerySet):
    def habilites(self, le: date | None = None):
        le = le or timezone.localdate()
        return self.filter(habilite_depuis__lte=le).filter(
            Q(habilite_jusquau__isnull=True) | Q(habilite_jusquau__gte=le)
        )


class Mediateur(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    user = models.OneToOneField(
        User, verbose_name="compte", on_delete=models.PROTECT, related_name="mediateur"
    )
    site_france_services = models.CharField("site France services", max_length=200)
    habilite_depuis = models.DateField("habilité depuis", default=timezone.localdate)
    habilite_jusquau = models.DateField("habilité jusqu'au", null=True, blank=True)

    objects = MediateurQuerySet.as_manager()

    class Meta:
        verbose_name = "médiateur France services"
        verbose_name_plural = "médiateurs France services"
        constraints = [
            models.CheckConstraint(
                condition=Q(habilite_jusquau__isnull=True)
                | Q(habilite_jusquau__gte=models.F("habilite_depuis")),
                name="mediateur_dates_coherentes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.nom_complet} — {self.site_france_services}"

    def est_habilite(self, le: date | None = None) -> bool:
        le = le or timezone.localdate()
        return self.habilite_depuis <= le and (
            self.habilite_jusquau is None or self.habilite_jusquau >= le
        )


class RepresentationQuerySet(models.QuerySet):
    def actives(self, le: date | None = None):
        le = le or timezone.localdate()
        return self.filter(date_debut__lte=le).filter(Q(date_fin__isnull=True) | Q(date_fin__gt=le))


class Representation(models.Model):
    """A legal representative (a person with a profile) linked to a minor's profile."""

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    representant = models.ForeignKey(
        Profil,
        verbose_name="représentant",
        on_delete=models.PROTECT,
        related_name="representations_exercees",
    )
    mineur = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="representants")
    date_debut = models.DateField("début", default=timezone.localdate)
    date_fin = models.DateField("fin", null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=200, blank=True)

    objects = RepresentationQuerySet.as_manager()

    class Meta:
        verbose_name = "représentation légale"
        verbose_name_plural = "représentations légales"
        constraints = [
            models.UniqueConstraint(
                fields=["representant", "mineur"],
                condition=Q(date_fin__isnull=True),
                name="representation_unique_en_cours",
            ),
            models.CheckConstraint(
                condition=~Q(representant=models.F("mineur")),
                name="representation_pas_soi_meme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representant} représente {self.mineur}"


class Tentative(models.Model):
    """A failed attempt (password, code, NIR look-up) or a message sent, counted for
    lock-outs and send limits (``comptes.verrouillage``).

    Kept in PostgreSQL so limits hold when Redis is down. Identifiers are stored as
    keyed hashes: the table says "this account/IP failed", not who typed what.
    """

    portee = models.CharField("portée", max_length=20, choices=PorteeTentative.choices)
    cle = models.CharField("clé", max_length=80)
    horodatage = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "tentative échouée"
        verbose_name_plural = "tentatives échouées"
        indexes = [models.Index(fields=["portee", "cle", "horodatage"])]


class CarnetSecours(Device):
    """A user's backup codes, as a django-otp device; each code is kept as a keyed hash.

    django-otp's StaticToken stores them in clear: whoever reads the table (a dump, a
    replica, the admin) would pass anyone's second factor. A keyed HMAC (the key lives
    outside the database, as for activation codes) makes the rows useless on their own,
    and a look-up by hash keeps verification to one query.
    """

    class Meta:
        verbose_name = "carnet de codes de secours"
        verbose_name_plural = "carnets de codes de secours"

    @staticmethod
    def normaliser(saisie: str) -> str:
        return "".join(c for c in str(saisie).lower() if c.isalnum())

    def empreinte(self, code: str) -> str:
        return keyed_hash("code_secours", f"{self.user_id}:{self.normaliser(code)}")

    def verify_token(self, token) -> bool:
        """True once per code: the DELETE decides, so two parallel uses cannot both win."""
        supprimes, _ = self.codes.filter(empreinte=self.empreinte(token)).delete()
        return supprimes > 0


class CodeSecours(models.Model):
    carnet = models.ForeignKey(CarnetSecours, on_delete=models.CASCADE, related_name="codes")
    empreinte = models.CharField(max_length=64)

    class Meta:
        verbose_name = "code de secours (empreinte)"
        verbose_name_plural = "codes de secours (empreintes)"
        constraints = [
            models.UniqueConstraint(fields=["carnet", "empreinte"], name="code_secours_unique")
        ]
