"""What a France services mediator may do: only inside an accompagnement in progress, for
the person present at the desk, and only the acts listed here. Never any medical content:
no rule of the record grants anything to a mediator."""

from __future__ import annotations

from consentement.acces.acteur import Acteur
from espace_sante.comptes.enums import Role

# The acts an accompagnement allows (each is journaled as "mediator X for person Y").
ACTES = frozenset({"activation", "opposition", "cloture", "coordonnees", "avis"})


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
