"""The agenda's writes: appointments, reminders, prevention choices, calendar feeds.

``from agenda import services`` gives all of them; other apps (messaging) call
``services.rdv_proposer(acteur=…, saisie=…)`` with the professional's actor narrowed to the
patient by ``consentement.acces.sur_dossier``.
"""

from agenda.services.flux import (
    Limite,
    abonnement_creer,
    abonnement_revoquer,
    calendrier_ics,
    compteurs_purger,
    flux_lire,
    rdv_ics,
)
from agenda.services.prevention import (
    etape_suivre,
    prevention_messages_regler,
    prevention_planifier,
)
from agenda.services.rappels import (
    Bilan,
    destinations_du_profil,
    rappels_balayer,
    rappels_synchroniser,
)
from agenda.services.rendez_vous import (
    Saisie,
    motif_lu_par_autrui,
    rdv_ajouter,
    rdv_annuler,
    rdv_modifier,
    rdv_proposer,
    rdv_repondre,
)

__all__ = [
    "Bilan",
    "Limite",
    "Saisie",
    "abonnement_creer",
    "abonnement_revoquer",
    "calendrier_ics",
    "compteurs_purger",
    "destinations_du_profil",
    "etape_suivre",
    "flux_lire",
    "motif_lu_par_autrui",
    "prevention_messages_regler",
    "prevention_planifier",
    "rappels_balayer",
    "rappels_synchroniser",
    "rdv_ajouter",
    "rdv_annuler",
    "rdv_ics",
    "rdv_modifier",
    "rdv_proposer",
    "rdv_repondre",
]
