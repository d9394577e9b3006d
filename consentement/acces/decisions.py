"""What the person's side sees of the ledger (Mes choix, receipts) and of the journal.

Rows about a minor's confidential act carry ``{"confidentiel": true}``: the minor's legal
representatives see neither the decision, its receipt, nor the history entries (the one
rule of ``confidentialite``). History entries about an item the person may not know of yet
(a result held for an announcement) are left out too.
"""

from __future__ import annotations

from django.db.models import Q

from consentement.acces.acteur import Acteur
from consentement.acces.confidentialite import peut_voir_confidentiel, q_confidentialite
from espace_sante.comptes.enums import Role


def peut_voir_decision(acteur: Acteur, decision) -> bool:
    if not acteur.cote_patient or decision.profil_id != acteur.profil.pk:
        return False
    return peut_voir_confidentiel(acteur, decision)


def q_decisions_visibles(acteur: Acteur) -> Q:
    """``peut_voir_decision`` as a filter on Decision."""
    if not acteur.cote_patient or acteur.profil is None:
        return Q(pk__in=[])
    return Q(profil_id=acteur.profil.pk) & q_confidentialite(acteur, champ="details")


def q_historique(acteur: Acteur, *, objets_caches: dict[str, list[str]] | None = None) -> Q:
    """The profile's journal as its person sees it.

    ``objets_caches``: by object type, the ids of items the person may not know of yet
    (the record computes them with ``dossier.q_annonce_faite``).
    """
    if not acteur.cote_patient or acteur.profil is None:
        return Q(pk__in=[])
    q = Q(profil_id=acteur.profil.pk) & q_confidentialite(acteur, champ="details")
    for objet_type, ids in (objets_caches or {}).items():
        if ids:
            q &= ~Q(objet_type=objet_type, objet_id__in=ids)
    return q


def peut_attester_historique(acteur: Acteur) -> bool:
    """The titulaire only: an attestation states how many entries the chain holds, which
    counts a minor's confidential acts too, and a representative must not learn even that."""
    return acteur.role == Role.TITULAIRE
