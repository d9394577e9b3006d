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
    "opposition-2026-12",
    "Je m'oppose à la création de mon profil espace-santé (ou de celui de l'enfant "
    "mineur que je représente). Le profil et toutes les données qu'il contient sont "
    "supprimés. Seule une empreinte chiffrée du numéro de sécurité sociale est conservée, "
    "avec cette décision, pour qu'aucun profil ne soit recréé lors d'un prochain envoi. "
    "Cette décision ne change rien au remboursement de mes soins. Je pourrai demander la "
    "création d'un profil plus tard auprès de ma caisse d'assurance maladie.",
)

ACTIVATION = Texte(
    "activation-2026-12",
    "J'active mon profil espace-santé. Les professionnels de santé qui me soignent "
    "pourront consulter et alimenter mon dossier, sauf ceux que je bloque, et chaque "
    "accès sera inscrit dans mon historique d'activité. Je peux masquer un document, "
    "bloquer un professionnel ou clôturer mon profil à tout moment.",
)

CLOTURE = {
    ModeCloture.ARCHIVE: Texte(
        "cloture-archive-2026-12",
        "Je clôture mon profil espace-santé. Plus personne ne peut le consulter ni "
        "l'alimenter. Mes données sont archivées pendant 10 ans : je peux rouvrir mon "
        "profil pendant cette période et tout retrouver. À l'issue des 10 ans, elles sont "
        "supprimées définitivement.",
    ),
    ModeCloture.SUPPRESSION: Texte(
        "cloture-suppression-2026-12",
        "Je clôture mon profil espace-santé et je demande la suppression de mes données. "
        "Plus personne ne peut le consulter ni l'alimenter. Mes données seront supprimées "
        "définitivement dans un délai de 3 mois au plus ; jusque-là, je peux encore rouvrir "
        "mon profil. Après la suppression, rien ne pourra être récupéré.",
    ),
}

REOUVERTURE = Texte(
    "reouverture-2026-12",
    "Je rouvre mon profil espace-santé. Je retrouve mes données archivées et les "
    "professionnels de santé qui me soignent peuvent de nouveau y accéder, sauf ceux que "
    "je bloque.",
)


# Settings of access to the record: short texts, shown next to the button.
ACCES = {
    TypeDecision.BLOCAGE: "Je bloque ce professionnel : il ne peut plus rien consulter ni "
    "ajouter dans mon dossier, même en urgence, jusqu'à ce que je le débloque.",
    TypeDecision.DEBLOCAGE: "Je débloque ce professionnel : il peut de nouveau accéder à mon "
    "dossier selon les règles habituelles.",
    TypeDecision.MASQUAGE: "Je masque cet élément de mon dossier (document, information ou "
    "mesure) : seuls son auteur et mon médecin traitant (si je l'accepte) peuvent le voir ; "
    "les autres professionnels ne savent pas qu'il existe.",
    TypeDecision.DEMASQUAGE: "Je rends cet élément de nouveau visible aux professionnels qui "
    "peuvent consulter mon dossier.",
    TypeDecision.RESTRICTION: "Je choisis les seuls professionnels qui peuvent voir ce document, "
    "en plus de son auteur. Une liste vide rend la règle habituelle.",
    TypeDecision.CONFIDENTIALITE: "À la demande du mineur, cet acte reste confidentiel : ses "
    "représentants légaux ne le voient pas dans son dossier ni dans son historique.",
    TypeDecision.URGENCE_REFUS: "Je refuse qu'un professionnel accède à mon dossier en urgence "
    "(« bris de glace ») quand je ne peux pas donner mon accord.",
    TypeDecision.URGENCE_ACCEPTATION: "J'accepte qu'un professionnel accède à mon dossier en "
    "urgence, pour 2 heures, avec un motif écrit ; j'en suis averti et cela figure dans mon "
    "historique.",
    TypeDecision.MEDECIN_TRAITANT: "Je déclare ce médecin comme mon médecin traitant : il accède "
    "à mon dossier sans nouvelle identification, tant que je ne le bloque pas.",
    TypeDecision.MASQUES_MT: "Je choisis si mon médecin traitant voit les documents que j'ai "
    "masqués.",
    TypeDecision.PREVENTION_REFUS: "Je ne veux plus recevoir de messages de prévention "
    "(vaccinations, examens, dépistages). Le calendrier de prévention reste consultable dans "
    "l'agenda ; les rappels de mes rendez-vous continuent.",
    TypeDecision.PREVENTION_ACCORD: "J'accepte de recevoir des messages de prévention quand une "
    "vaccination, un examen ou un dépistage me concerne, selon mes préférences de notification.",
    # One row per scope: the service, the data, the reason and the end date are in the row.
    TypeDecision.SERVICE_AUTORISATION: "J'autorise ce service, référencé au catalogue "
    "d'espace-santé, à accéder aux données décrites (lecture ou ajout), pour la raison "
    "qu'il a déclarée et jusqu'à la date indiquée. Il n'accède jamais aux éléments masqués, "
    "aux résultats en attente d'annonce ni aux actes confidentiels d'un mineur. Chaque "
    "accès est inscrit dans l'historique d'activité ; je peux retirer cette autorisation à "
    "tout moment depuis « Mes services connectés », et le service est alors prié de "
    "supprimer ce qu'il a copié.",
    TypeDecision.SERVICE_RETRAIT: "Je retire cette autorisation : le service n'accède plus à "
    "ces données dès sa prochaine demande, et il est prié de supprimer ce qu'il en a copié.",
}


# A text whose wording changed gets a new version; the old wordings stay here so that
# the receipt of an older decision shows what that person was shown.
VERSIONS_ACCES = {
    TypeDecision.MASQUAGE: "2026-12",
    TypeDecision.DEMASQUAGE: "2026-12",
    TypeDecision.PREVENTION_REFUS: "2026-12",
    TypeDecision.PREVENTION_ACCORD: "2026-12",
    TypeDecision.SERVICE_AUTORISATION: "2026-12",
    TypeDecision.SERVICE_RETRAIT: "2026-12",
}
ANCIENS = {
    "masquage-2026-11": "Je masque ce document : seuls son auteur et mon médecin traitant "
    "(si je l'accepte) peuvent le voir ; les autres professionnels ne savent pas qu'il existe.",
    "demasquage-2026-11": "Je rends ce document de nouveau visible aux professionnels qui "
    "peuvent consulter mon dossier.",
    # 2026-12: "espace-santé" with its accent.
    "opposition-2026-11": "Je m'oppose à la création de mon profil espace-sante (ou de celui de l'enfant mineur que je représente). Le profil et toutes les données qu'il contient sont supprimés. Seule une empreinte chiffrée du numéro de sécurité sociale est conservée, avec cette décision, pour qu'aucun profil ne soit recréé lors d'un prochain envoi. Cette décision ne change rien au remboursement de mes soins. Je pourrai demander la création d'un profil plus tard auprès de ma caisse d'assurance maladie.",
    "activation-2026-11": "J'active mon profil espace-sante. Les professionnels de santé qui me soignent pourront consulter et alimenter mon dossier, sauf ceux que je bloque, et chaque accès sera inscrit dans mon historique d'activité. Je peux masquer un document, bloquer un professionnel ou clôturer mon profil à tout moment.",
    "cloture-archive-2026-11": "Je clôture mon profil espace-sante. Plus personne ne peut le consulter ni l'alimenter. Mes données sont archivées pendant 10 ans : je peux rouvrir mon profil pendant cette période et tout retrouver. À l'issue des 10 ans, elles sont supprimées définitivement.",
    "cloture-suppression-2026-11": "Je clôture mon profil espace-sante et je demande la suppression de mes données. Plus personne ne peut le consulter ni l'alimenter. Mes données seront supprimées définitivement dans un délai de 3 mois au plus ; jusque-là, je peux encore rouvrir mon profil. Après la suppression, rien ne pourra être récupéré.",
    "reouverture-2026-11": "Je rouvre mon profil espace-sante. Je retrouve mes données archivées et les professionnels de santé qui me soignent peuvent de nouveau y accéder, sauf ceux que je bloque.",
}


def texte_de(
    type_decision: TypeDecision, mode: str | None = None, *, version: str | None = None
) -> Texte:
    """The text shown for this decision now, or the one of ``version`` if it was archived."""
    if version in ANCIENS:
        return Texte(version, ANCIENS[version])
    if type_decision == TypeDecision.CLOTURE:
        return CLOTURE[ModeCloture(mode)]
    if type_decision in ACCES:
        suffixe = VERSIONS_ACCES.get(type_decision, "2026-11")
        return Texte(f"{type_decision}-{suffixe}", ACCES[type_decision])
    return {
        TypeDecision.OPPOSITION: OPPOSITION,
        TypeDecision.ACTIVATION: ACTIVATION,
        TypeDecision.REOUVERTURE: REOUVERTURE,
    }[type_decision]
