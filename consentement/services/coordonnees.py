"""A person's contact details and notification preferences: edited by the person (or
their representative) on their page, or by a mediator in an accompagnement. One service."""

from __future__ import annotations

from django.db import transaction

from consentement import journal
from consentement.acces import Acteur

CHAMPS = (
    "email_contact",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "notifier_par_email",
    "notifier_par_sms",
    "notifier_nouveau_message",
    "notifier_nouveau_document",
)


def coordonnees_modifier(*, acteur: Acteur, donnees: dict) -> list[str]:
    """Update the actor's profile's contact details; return the fields changed (journaled
    by name, never by value)."""
    profil = acteur.profil
    changes = [
        champ for champ in CHAMPS if champ in donnees and getattr(profil, champ) != donnees[champ]
    ]
    if changes:
        with transaction.atomic():
            for champ in changes:
                setattr(profil, champ, donnees[champ])
            profil.save(update_fields=changes)
            journal.coordonnees_modifiees(acteur, objet=profil, champs={"champs": changes})
    return changes
