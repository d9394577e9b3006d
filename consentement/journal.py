"""The journal entries of consentement: one typed constructor per event.

Every entry goes through the kernel's one writing function (espace_sante.journal).
"""

from __future__ import annotations

from consentement.models import Lot
from espace_sante.comptes.enums import Role
from espace_sante.journal.enums import Action
from espace_sante.journal.services import journaliser_cycle


def lot_importe(*, lot: Lot, user) -> None:
    journaliser_cycle(
        action=Action.LOT_IMPORTE,
        role=Role.ADMIN if user is not None else Role.SYSTEME,
        acteur=user,
        profil=None,
        objet=lot,
        details={"fichier": lot.nom_fichier, "lignes": lot.lignes_total},
    )


def lot_termine(*, lot: Lot) -> None:
    journaliser_cycle(
        action=Action.LOT_IMPORTE,
        role=Role.SYSTEME,
        profil=None,
        objet=lot,
        details={"termine": True, "statut": lot.statut, "crees": lot.crees, "rejetes": lot.rejetes},
    )
