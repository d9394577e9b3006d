"""The lifecycle of a profile: codes, the states and their changes, erasure. Every
decision goes through the ledger's ``decision_enregistrer`` (``consentement.acces.registre``,
re-exported here): one row and one journal entry, in the same transaction as the change of
status. The periodic sweeps, which also send notices, sit above it in
``consentement.services.balayages``."""

from consentement.acces import date_majorite
from consentement.acces.registre import ActionImpossible, decision_enregistrer, derniere_cloture
from consentement.services.cycle.codes import (
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
from consentement.services.cycle.effacement import (
    donnees_effacees,
    donnees_effacer,
    suppressions_executer,
)
from consentement.services.cycle.etats import (
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
    "normaliser_code",
    "opposition_possible",
    "profil_activer",
    "profil_cloturer",
    "profil_opposer",
    "profil_rouvrir",
    "reouverture_possible",
    "suppressions_executer",
]
