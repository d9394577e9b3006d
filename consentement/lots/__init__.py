"""Account-creation batches: an insured-persons CSV becomes announced profiles.

1. ``lot_creer`` (fichier) checks the file — UTF-8, columns, every record readable —
   stores it encrypted and records the batch.
2. ``decouper`` (decoupage) cuts it into chunks on record boundaries.
3. ``traiter_morceau`` (traitement) handles one chunk in one transaction: rows validated
   in plain Python (lignes), the good ones written with ``COPY`` by the profile tables'
   owner (espace_sante.comptes.copie) with the notice row (ecriture), the bad ones
   reported. A chunk that keeps failing is given up and reported, never retried for ever.
4. ``finaliser`` links the minors whose representatives were in a later chunk, then
   closes the batch; the notices are then delivered (``consentement.avis``).
"""

from consentement.lots.decoupage import decouper
from consentement.lots.fichier import (
    COLONNES,
    FichierRefuse,
    lire_entete,
    lot_creer,
    verifier_fichier,
)
from consentement.lots.rapport import rapport_csv
from consentement.lots.traitement import ESSAIS_MAX, finaliser, morceaux_restants, traiter_morceau

__all__ = [
    "COLONNES", "ESSAIS_MAX", "FichierRefuse", "decouper", "finaliser", "lire_entete",
    "lot_creer", "morceaux_restants", "rapport_csv", "traiter_morceau", "verifier_fichier",
]  # fmt: skip
