"""The states of a profile and the only ways to change them.

``annonce`` → (``oppose`` | ``cree``) → ``active`` → ``cloture`` (→ data erased). Each
change is a decision of the ledger, recorded in the same transaction; nothing else (not
the admin's forms) writes a profile's status.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from consentement.acces import Acteur
from consentement.acces.etats import (
    cloture_possible,
    opposition_possible,
    refus_activation,
    reouverture_possible,
)
from consentement.acces.registre import ActionImpossible, decision_enregistrer
from consentement.enums import ModeCloture, TypeDecision
from consentement.models import Decision
from consentement.services.cycle.effacement import donnees_effacer
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, User

DELAI_OPPOSITION = timedelta(weeks=6)
DUREE_ARCHIVE = timedelta(days=3653)  # 10 years
DELAI_SUPPRESSION = timedelta(days=30)  # "within 3 months": done after 30 days


def _verrouiller(profil: Profil) -> Profil:
    return Profil.objects.select_for_update().get(pk=profil.pk)


@transaction.atomic
def profil_opposer(*, profil: Profil, acteur: Acteur) -> Decision:
    """Oppose during the window: the data is erased, the NIR hash and the decision remain."""
    profil = _verrouiller(profil)
    if profil.statut == StatutProfil.OPPOSE:
        raise ActionImpossible("L'opposition a déjà été enregistrée pour ce profil.")
    if not opposition_possible(profil):
        raise ActionImpossible(
            "Le délai d'opposition est dépassé : le profil a été créé. Vous pouvez le clôturer "
            "à tout moment depuis votre espace, ou en France services."
        )
    decision = decision_enregistrer(
        profil=profil, type_decision=TypeDecision.OPPOSITION, acteur=acteur
    )
    donnees_effacer(profil=profil, statut=StatutProfil.OPPOSE)
    return decision


@transaction.atomic
def profil_activer(*, profil: Profil, user: User, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    refus = refus_activation(profil)  # a minor's profile never activates on its own
    if refus is not None:
        raise ActionImpossible(refus)
    profil.titulaire = user
    profil.statut = StatutProfil.ACTIVE
    profil.code_activation_hash = ""
    profil.code_activation_expire_le = None
    profil.save(
        update_fields=["titulaire", "statut", "code_activation_hash", "code_activation_expire_le"]
    )
    return decision_enregistrer(profil=profil, type_decision=TypeDecision.ACTIVATION, acteur=acteur)


@transaction.atomic
def profil_cloturer(*, profil: Profil, mode: ModeCloture, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    if not cloture_possible(profil):
        raise ActionImpossible("Seul un profil créé ou activé peut être clôturé.")
    maintenant = timezone.now()
    profil.statut = StatutProfil.CLOTURE
    profil.cloture_le = maintenant
    delai = DUREE_ARCHIVE if mode == ModeCloture.ARCHIVE else DELAI_SUPPRESSION
    profil.suppression_prevue_le = maintenant + delai
    profil.save(update_fields=["statut", "cloture_le", "suppression_prevue_le"])
    return decision_enregistrer(
        profil=profil, type_decision=TypeDecision.CLOTURE, acteur=acteur, mode=mode
    )


@transaction.atomic
def profil_rouvrir(*, profil: Profil, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    if not reouverture_possible(profil):
        raise ActionImpossible(
            "Ce profil ne peut plus être rouvert : ses données ont été supprimées."
        )
    profil.statut = StatutProfil.ACTIVE if profil.titulaire_id else StatutProfil.CREE
    profil.cloture_le = None
    profil.suppression_prevue_le = None
    profil.save(update_fields=["statut", "cloture_le", "suppression_prevue_le"])
    return decision_enregistrer(
        profil=profil, type_decision=TypeDecision.REOUVERTURE, acteur=acteur
    )
