"""The lifecycle of a profile: codes, the ledger, the states and their changes, erasure,
the periodic sweeps. Every decision goes through ``decision_enregistrer``: one row in the
ledger and one journal entry, in the same transaction as the change of status."""

from consentement.acces import date_majorite
from consentement.cycle.balayages import annonces_echoir, majorites_traiter
from consentement.cycle.codes import (
    ALPHABET,
    LONGUEUR_CODE,
    VALIDITE_CODE,
    code_expire,
    code_renouveler,
    code_valide,
    formater_code,
    generer_code,
    hacheur_code,
    normaliser_code,
)
from consentement.cycle.decisions import ActionImpossible, decision_enregistrer, derniere_cloture
from consentement.cycle.effacement import donnees_effacees, donnees_effacer, suppressions_executer
from consentement.cycle.etats import (
    DELAI_OPPOSITION,
    DELAI_SUPPRESSION,
    DUREE_ARCHIVE,
    opposition_possible,
    profil_activer,
    profil_cloturer,
    profil_opposer,
    profil_rouvrir,
    reouverture_possible,
)

__all__ = [
    "ALPHABET",
    "ActionImpossible",
    "DELAI_OPPOSITION",
    "DELAI_SUPPRESSION",
    "DUREE_ARCHIVE",
    "LONGUEUR_CODE",
    "VALIDITE_CODE",
    "annonces_echoir",
    "code_expire",
    "code_renouveler",
    "code_valide",
    "date_majorite",
    "decision_enregistrer",
    "derniere_cloture",
    "donnees_effacees",
    "donnees_effacer",
    "formater_code",
    "generer_code",
    "hacheur_code",
    "majorites_traiter",
    "normaliser_code",
    "opposition_possible",
    "profil_activer",
    "profil_cloturer",
    "profil_opposer",
    "profil_rouvrir",
    "reouverture_possible",
    "suppressions_executer",
]
