"""What a France services mediator may do: only inside an accompagnement in progress, for
the person present at the desk, and only the acts listed here. Never any medical content:
no rule of the record grants anything to a mediator."""

from __future__ import annotations

from django.db.models import Q

from consentement.acces.acteur import Acteur
from espace_sante.comptes.enums import Role, StatutProfil

# The acts an accompagnement allows (each is journaled as "mediator X for person Y").
ACTES = frozenset({"activation", "opposition", "cloture", "coordonnees", "avis"})


# Whom a mediator may find at the desk: any profile but an opposed one (nothing is kept of
# it but its NIR's hash) or one whose data is erased.
STATUTS_ACCOMPAGNABLES = (
    StatutProfil.ANNONCE,
    StatutProfil.CREE,
    StatutProfil.ACTIVE,
    StatutProfil.CLOTURE,
)


def q_accompagnables() -> Q:
    """The profiles an accompagnement may open on, as a filter on Profil."""
    return Q(statut__in=STATUTS_ACCOMPAGNABLES, donnees_supprimees_le__isnull=True)


def peut_accompagner(acteur: Acteur, acte: str) -> bool:
    accompagnement = acteur.accompagnement
    return (
        acteur.role == Role.MEDIATEUR
        and acte in ACTES
        and accompagnement is not None
        and acteur.profil is not None
        and accompagnement.profil_id == acteur.profil.pk
        and accompagnement.est_en_cours()
    )
