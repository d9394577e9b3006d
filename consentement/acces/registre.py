"""The ledger: every decision is one Decision row and one journal entry, in the same
transaction as the change it records (the caller's)."""

from __future__ import annotations

from consentement import journal
from consentement.acces import Acteur, textes
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.comptes.models import Profil
from espace_sante.lib.refus import SaisieInvalide


class ActionImpossible(SaisieInvalide):
    """The lifecycle refuses this decision now (the profile's state forbids it); the
    message says why and what to do instead. A ``SaisieInvalide``: every channel answers
    it as one."""


def decision_enregistrer(
    *,
    profil: Profil,
    type_decision: TypeDecision,
    acteur: Acteur,
    mode: str | None = None,
    details: dict | None = None,
) -> Decision:
    """One row in the ledger and one journal entry (call inside the act's transaction)."""
    texte = textes.texte_de(type_decision, mode)
    decision = Decision.objects.create(
        profil=profil,
        type=type_decision,
        canal=acteur.canal,
        acteur=acteur.user,
        acteur_libelle=acteur.libelle,
        role=acteur.role,
        accompagnement=acteur.accompagnement,
        texte_version=texte.version,
        texte_empreinte=texte.empreinte,
        details={**(details or {}), **({"mode": mode} if mode else {})},
    )
    journal.decision(acteur, decision, details=details or {})
    return decision


def derniere_cloture(profil: Profil) -> Decision | None:
    return profil.decisions.filter(type=TypeDecision.CLOTURE).first()
