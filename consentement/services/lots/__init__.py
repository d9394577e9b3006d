"""Account-creation batches: an insured-persons CSV becomes announced profiles.

1. ``lot_creer`` (fichier) checks the file — UTF-8, columns, every record readable —
   stores it encrypted and records the batch.
2. ``lot_decouper`` (decoupage) cuts it into chunks on record boundaries.
3. ``morceau_traiter`` (traitement) handles one chunk in one transaction: rows validated
   in plain Python (lignes), the good ones written with ``COPY`` by the profile tables'
   owner (espace_sante.comptes.copie) with the notice row (ecriture), the bad ones
   reported. A chunk that keeps failing is given up and reported, never retried for ever.
4. ``lot_finaliser`` links the minors whose representatives were in a later chunk, then
   closes the batch; the notices are then delivered (``consentement.services.avis``).
"""

from consentement.services.lots.decoupage import lot_decouper
from consentement.services.lots.fichier import (
    COLONNES,
    Examen,
    FichierRefuse,
    fichier_examiner,
    lire_entete,
    lot_creer,
    verifier_fichier,
)
from consentement.services.lots.rapport import rapport_csv
from consentement.services.lots.traitement import (
    ESSAIS_MAX,
    lot_finaliser,
    morceau_traiter,
    morceaux_restants,
)

__all__ = [
    "COLONNES",
    "ESSAIS_MAX",
    "Examen",
    "FichierRefuse",
    "fichier_examiner",
    "lire_entete",
    "lot_creer",
    "lot_decouper",
    "lot_finaliser",
    "morceau_traiter",
    "morceaux_restants",
    "rapport_csv",
    "verifier_fichier",
]
