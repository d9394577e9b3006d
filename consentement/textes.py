"""The texts shown to a person before they decide, versioned.

A decision stores the version and the SHA-256 of the text shown, so what someone
agreed to can be proved later even after the wording changes: a new wording gets a
new version, the old entries keep theirs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from consentement.enums import ModeCloture, TypeDecision


@dataclass(frozen=True)
class Texte:
    version: str
    corps: str

    @property
    def empreinte(self) -> str:
        return hashlib.sha256(self.corps.encode()).hexdigest()


OPPOSITION = Texte(
    "opposition-2026-11",
    "Je m'oppose à la création de mon profil espace-sante (ou de celui de l'enfant "
    "mineur que je représente). Le profil et toutes les données qu'il contient sont "
    "supprimés. Seule une empreinte chiffrée du numéro de sécurité sociale est conservée, "
    "avec cette décision, pour qu'aucun profil ne soit recréé lors d'un prochain envoi. "
    "Cette décision ne change rien au remboursement de mes soins. Je pourrai demander la "
    "création d'un profil plus tard auprès de ma caisse d'assurance maladie.",
)

ACTIVATION = Texte(
    "activation-2026-11",
    "J'active mon profil espace-sante. Les professionnels de santé qui me soignent "
    "pourront consulter et alimenter mon dossier, sauf ceux que je bloque, et chaque "
    "accès sera inscrit dans mon historique d'activité. Je peux masquer un document, "
    "bloquer un professionnel ou clôturer mon profil à tout moment.",
)

CLOTURE = {
    ModeCloture.ARCHIVE: Texte(
        "cloture-archive-2026-11",
        "Je clôture mon profil espace-sante. Plus personne ne peut le consulter ni "
        "l'alimenter. Mes données sont archivées pendant 10 ans : je peux rouvrir mon "
        "profil pendant cette période et tout retrouver. À l'issue des 10 ans, elles sont "
        "supprimées définitivement.",
    ),
    ModeCloture.SUPPRESSION: Texte(
        "cloture-suppression-2026-11",
        "Je clôture mon profil espace-sante et je demande la suppression de mes données. "
        "Plus personne ne peut le consulter ni l'alimenter. Mes données seront supprimées "
        "définitivement dans un délai de 3 mois au plus ; jusque-là, je peux encore rouvrir "
        "mon profil. Après la suppression, rien ne pourra être récupéré.",
    ),
}

REOUVERTURE = Texte(
    "reouverture-2026-11",
    "Je rouvre mon profil espace-sante. Je retrouve mes données archivées et les "
    "professionnels de santé qui me soignent peuvent de nouveau y accéder, sauf ceux que "
    "je bloque.",
)


def texte_de(type_decision: TypeDecision, mode: str | None = None) -> Texte:
    if type_decision == TypeDecision.CLOTURE:
        return CLOTURE[ModeCloture(mode)]
    return {
        TypeDecision.OPPOSITION: OPPOSITION,
        TypeDecision.ACTIVATION: ACTIVATION,
        TypeDecision.REOUVERTURE: REOUVERTURE,
    }[type_decision]
