"""The audit journal: append-only, hash-chained per profile (or per actor).

Each entry's hash, an HMAC under a key kept outside the database (empreinte.py), covers
the previous entry's hash in the same chain and its own canonical content, so an edited,
deleted or reordered row breaks the chain at that row, and whoever holds only the
database cannot recompute the chain. Chains are per profile so writes on different
profiles never wait on each other, and one patient's history can be verified on its
own. Entries with no profile (a login) chain per actor. Signed checkpoints of the chain
heads, outside PostgreSQL (points.py), catch a rewrite by someone who has the key too.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from espace_sante.comptes.enums import Role
from espace_sante.journal import actions, empreinte
from espace_sante.journal.empreinte import HASH_ORIGINE

__all__ = ["HASH_ORIGINE", "Entree", "JournalImmuable", "TeteChaine"]


class JournalImmuable(Exception):
    pass


class Entree(models.Model):
    public_id = models.UUIDField(
        "identifiant public", default=uuid.uuid4, unique=True, editable=False
    )
    horodatage = models.DateTimeField(default=timezone.now, db_index=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte de l'acteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acteur_libelle = models.CharField("acteur", max_length=200, blank=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    pour_le_compte_de = models.ForeignKey(
        "comptes.Profil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour le compte de",
    )
    profil = models.ForeignKey(
        "comptes.Profil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal",
    )
    # A plain string, validated against the registry (journal.actions): each app declares
    # its own actions without a kernel migration.
    action = models.CharField(max_length=60)
    objet_type = models.CharField("type d'objet", max_length=60, blank=True)
    objet_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    chaine = models.CharField("chaîne", max_length=60, editable=False)
    rang = models.PositiveBigIntegerField(editable=False)
    hash_precedent = models.CharField("empreinte précédente", max_length=64, editable=False)
    hash = models.CharField("empreinte", max_length=64, editable=False)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "entrées du journal"
        ordering = ["-horodatage", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chaine", "rang"], name="journal_rang_unique"),
        ]
        indexes = [models.Index(fields=["profil", "-horodatage"])]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} — {self.action_libelle}"

    @property
    def action_libelle(self) -> str:
        return actions.libelle(self.action)

    def get_action_display(self) -> str:  # the admin's and old templates' name for it
        return self.action_libelle

    @property
    def en_urgence(self) -> bool:
        """Written under an emergency access ("bris de glace")."""
        return bool(self.details.get("urgence"))

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalImmuable("Une entrée du journal ne se modifie jamais.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuable("Une entrée du journal ne se supprime jamais.")

    def contenu_canonique(self) -> bytes:
        return empreinte.contenu_canonique(self)

    def calculer_hash(self) -> str:
        return empreinte.empreinte(self)


class TeteChaine(models.Model):
    """The head of each chain: the row writers lock, and an anchor that reveals a
    truncated tail (deleting the last entries of a chain leaves the head ahead)."""

    chaine = models.CharField("chaîne", max_length=60, primary_key=True)
    rang = models.PositiveBigIntegerField(default=0)
    hash = models.CharField("empreinte", max_length=64, default=HASH_ORIGINE)

    class Meta:
        verbose_name = "tête de chaîne"
        verbose_name_plural = "têtes de chaîne"

    def __str__(self) -> str:
        return f"{self.chaine} @ {self.rang}"
