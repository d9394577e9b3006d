"""The medical record: documents, medical-profile entries and measures.

Every item carries its profile id, its author and the fields the access policy
(consentement.acces) reads. Health content — files, titles, texts, values — is
encrypted at rest; only what the policy filters on (category, dates, flags) is clear.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from consentement.enums import Categorie
from dossier.enums import (
    CATEGORIE_DE_RUBRIQUE,
    POSITION_DON_TIERS,
    UNITES,
    CategorieDocument,
    PositionDonOrganes,
    Rubrique,
    TypeMesure,
)
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib.fields import EncryptedTextField


def _stockage_sante():
    from django.core.files.storage import storages

    return storages["sante"]


def _chemin_document(instance: Document, filename: str) -> str:
    # Never the uploaded name: the object's ids only (the name is the file's AAD too).
    return f"dossier/{instance.profil.public_id}/{instance.public_id}.{instance.extension}"


class ElementDossier(models.Model):
    """What every item of the record has: its profile, author, mask and confidentiality.

    The access policy (consentement.acces) reads what each model declares here: whether
    it may be held for an announcement consultation and whether it carries an allow-list.
    """

    AVEC_ANNONCE = False
    AVEC_LISTE = False

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    auteur_role = models.CharField("ajouté en tant que", max_length=20, choices=Role.choices)
    auteur_professionnel = models.ForeignKey(
        Professionnel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    auteur_libelle = models.CharField("ajouté par", max_length=250)
    ajoute_le = models.DateTimeField("ajouté le", default=timezone.now)
    confidentiel = models.BooleanField(
        "confidentiel (mineur)",
        default=False,
        help_text="À la demande du mineur : ses représentants légaux ne le voient pas.",
    )
    masque = models.BooleanField("masqué par le patient", default=False)
    # The API's meta.versionId / lastUpdated (ETag, Last-Modified): each save of an existing
    # item is a new version.
    version = models.PositiveIntegerField("version", default=1, editable=False)
    modifie_le = models.DateTimeField("modifié le", default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            self.modifie_le = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version", "modifie_le"}
        super().save(*args, **kwargs)


class Document(ElementDossier):
    GENRE = "document"
    AVEC_ANNONCE = True
    AVEC_LISTE = True

    titre = EncryptedTextField("titre")
    date_acte = models.DateField("date de l'acte", null=True, blank=True)
    fichier = models.FileField(storage=_stockage_sante, upload_to=_chemin_document)
    type_mime = models.CharField("type MIME", max_length=30)
    extension = models.CharField(max_length=5)
    taille = models.PositiveIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    reserve_a = ArrayField(
        models.IntegerField(),
        default=list,
        blank=True,
        verbose_name="réservé aux professionnels (identifiants)",
    )
    annonce_requise = models.BooleanField("en attente d'une consultation d'annonce", default=False)
    annonce_le = models.DateTimeField("présenté au patient le", null=True, blank=True)
    provenance = models.CharField(
        "provenance",
        max_length=250,
        blank=True,
        help_text="D'où vient le fichier quand il n'a pas été déposé ici (une messagerie).",
    )
    nouveau = models.BooleanField(
        "nouveau pour la personne",
        default=False,
        help_text="Ajouté par un professionnel et pas encore ouvert par la personne.",
    )

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-ajoute_le", "-pk"]
        indexes = [models.Index(fields=["profil", "-ajoute_le"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(categorie__in=CategorieDocument.values),
                name="document_categorie_de_document",
            ),
            models.CheckConstraint(
                condition=Q(annonce_requise=False) | Q(auteur_professionnel__isnull=False),
                name="document_annonce_par_un_professionnel",
            ),
        ]

    def __str__(self) -> str:
        return f"Document {str(self.public_id)[:8]}"

    @property
    def nom_telechargement(self) -> str:
        """A safe name built by us: category, date and our id; never the uploaded name."""
        quand = (self.date_acte or self.ajoute_le.date()).isoformat()
        return f"{self.categorie}-{quand}-{str(self.public_id)[:8]}.{self.extension}"

    @property
    def est_image(self) -> bool:
        return self.type_mime.startswith("image/")


class InformationMedicale(ElementDossier):
    """An entry of the medical profile: a history item, a treatment, an allergy…"""

    GENRE = "information"

    rubrique = models.CharField(max_length=30, choices=Rubrique.choices)
    libelle = EncryptedTextField("intitulé")
    details = EncryptedTextField("précisions", null=True, blank=True)
    date = models.DateField("date (ou début)", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "information du profil médical"
        verbose_name_plural = "informations du profil médical"
        ordering = ["rubrique", "-date", "-ajoute_le"]
        indexes = [models.Index(fields=["profil", "rubrique"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True)
                | Q(date__isnull=True)
                | Q(date_fin__gte=models.F("date")),
                name="information_dates_coherentes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_rubrique_display()} {str(self.public_id)[:8]}"

    def save(self, *args, **kwargs):
        self.categorie = CATEGORIE_DE_RUBRIQUE[Rubrique(self.rubrique)]
        super().save(*args, **kwargs)

    @property
    def libelle_affiche(self) -> str:
        return self.libelle_pour(la_personne=True)

    def libelle_pour(self, *, la_personne: bool) -> str:
        """The entry's title for its reader: the person's own words ("Je suis favorable…"),
        or the same in the third person for anyone else."""
        if self.rubrique == Rubrique.DON_ORGANES:
            try:
                position = PositionDonOrganes(self.libelle)
            except ValueError:
                return self.libelle
            return position.label if la_personne else POSITION_DON_TIERS[position]
        return self.libelle


class Mesure(ElementDossier):
    """A measure; the value is encrypted text ("72.5", or "120/80" for blood pressure)."""

    GENRE = "mesure"

    type = models.CharField(max_length=20, choices=TypeMesure.choices)
    valeur = EncryptedTextField("valeur")
    date = models.DateTimeField("date de la mesure", default=timezone.now)

    class Meta:
        verbose_name = "mesure"
        verbose_name_plural = "mesures"
        ordering = ["type", "date", "pk"]
        indexes = [models.Index(fields=["profil", "type", "date"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {str(self.public_id)[:8]}"

    def save(self, *args, **kwargs):
        self.categorie = Categorie.MESURES
        super().save(*args, **kwargs)

    @property
    def nombres(self) -> tuple[Decimal, Decimal | None]:
        premier, _, second = self.valeur.partition("/")
        try:
            return Decimal(premier), (Decimal(second) if second else None)
        except InvalidOperation:
            return Decimal(0), None

    @property
    def unite(self) -> str:
        return UNITES[TypeMesure(self.type)]

    @property
    def valeur_affichee(self) -> str:
        a, b = self.nombres
        texte = f"{a:n}" if b is None else f"{a:n}/{b:n}"
        return f"{texte.replace('.', ',')} {self.unite}"


class Signalement(models.Model):
    """The person tells the professional who added an item that it is wrong.

    The message may hold health content: encrypted, shown only to that professional and
    to the person's side; the email to the professional only says where to read it.
    """

    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    profil = models.ForeignKey(Profil, on_delete=models.PROTECT, related_name="+")
    professionnel = models.ForeignKey(Professionnel, on_delete=models.PROTECT, related_name="+")
    genre = models.CharField(max_length=20)  # the item's GENRE: document, information, mesure
    element_id = models.UUIDField("identifiant de l'élément")
    message = EncryptedTextField("message")
    signale_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="signalé par (compte)",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signale_par_libelle = models.CharField("signalé par", max_length=250)
    cree_le = models.DateTimeField("signalé le", default=timezone.now)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)

    class Meta:
        verbose_name = "signalement d'erreur"
        verbose_name_plural = "signalements d'erreur"
        ordering = ["-cree_le", "-pk"]
        indexes = [models.Index(fields=["professionnel", "traite_le"])]

    def __str__(self) -> str:
        return f"Signalement {str(self.public_id)[:8]}"
