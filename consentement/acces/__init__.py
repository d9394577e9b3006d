"""The one access policy: who may see or do what, for every app, the API and the admin.

One module per domain, each a set of plain predicates taking the actor and the object,
plus the same rule as a queryset filter where lists exist, so that a list can never show
what a detail view refuses. Views, querysets, admin, exports, tasks and the API ask here;
none re-implements a rule. ``from consentement import acces`` gives all of them.

- ``acteur``: the Acteur value (who acts, in which role, for whom, through which channel);
- ``requete``: resolving it once per request; ``espaces``: which space a role may use;
- ``profils``: which profiles a user acts on, the age of majority;
- ``confidentialite``: a minor's confidentiality, one rule for every kind of item;
- ``dossier``: the record (reading, writing, announcement, emergency);
- ``decisions``: the ledger and the history as the person's side sees them;
- ``mediation``: what a mediator may do in an accompagnement;
- ``applications``: what a connected service reads and writes with its consented scopes;
- ``messagerie``, ``agenda``: the feature apps' rules.
"""

from consentement.acces.acteur import (
    ACTEUR_SYSTEME,
    Acteur,
    acteur_agent,
    acteur_anonyme,
    acteur_mediateur,
    acteur_personne,
    acteur_professionnel,
    acteur_representant_anonyme,
    acteur_titulaire,
)
from consentement.acces.agenda import (
    flux_servi,
    peut_annuler_rdv,
    peut_gerer_agenda,
    peut_modifier_rdv,
    peut_proposer_rdv,
    peut_repondre_rdv,
    peut_voir_abonnement,
    peut_voir_rdv,
    q_abonnements,
    q_rdv_visibles,
)
from consentement.acces.applications import (
    acteur_application,
    categories_lisibles,
    connexion_utilisable,
    est_application,
    peut_creer,
    peut_ecrire_categorie,
    peut_lire,
)
from consentement.acces.confidentialite import (
    destinataires,
    est_confidentiel,
    peut_declarer_confidentiel,
    peut_voir_confidentiel,
    q_confidentialite,
    q_non_confidentiel,
    voit_confidentiel,
)
from consentement.acces.decisions import (
    peut_attester_historique,
    peut_voir_decision,
    q_decisions_visibles,
    q_historique,
)
from consentement.acces.dossier import (
    ANNONCE_AVIS,
    ANNONCE_VISIBLE,
    VOLONTES_DE_LA_PERSONNE,
    categories_refusees,
    est_bloque,
    parametres_de,
    peut_corriger,
    peut_ecrire,
    peut_exporter,
    peut_gerer_visibilite,
    peut_liberer,
    peut_reserver_annonce,
    peut_signaler_erreur,
    peut_supprimer,
    peut_voir,
    profils_ouverts,
    q_annonce_faite,
    q_en_attente_annonce,
    q_visibles,
    refus_urgence,
    rubrique_lisible,
    rubrique_proposee,
    sur_dossier,
    sur_dossier_par,
    sur_professionnel,
)
from consentement.acces.espaces import (
    peut_utiliser_admin,
    peut_utiliser_espace_mediateur,
    peut_utiliser_espace_patient,
    peut_utiliser_espace_professionnel,
)
from consentement.acces.mediation import ACTES, peut_accompagner
from consentement.acces.messagerie import (
    peut_declarer_conversation_confidentielle,
    peut_ecrire_a,
    peut_enregistrer_piece,
    peut_fermer,
    peut_repondre,
    peut_voir_conversation,
    q_conversations,
    q_conversations_des_profils,
)
from consentement.acces.profils import (
    STATUTS_UTILISABLES,
    date_majorite,
    profil_ouvert_aux_pros,
    profils_accessibles,
    q_mineur,
    role_sur_profil,
)
from consentement.acces.requete import acteur_de_connexion, en_patient, en_patient_de

__all__ = [
    "ACTES",
    "ACTEUR_SYSTEME",
    "ANNONCE_AVIS",
    "ANNONCE_VISIBLE",
    "Acteur",
    "STATUTS_UTILISABLES",
    "VOLONTES_DE_LA_PERSONNE",
    "acteur_agent",
    "acteur_anonyme",
    "acteur_application",
    "categories_lisibles",
    "connexion_utilisable",
    "est_application",
    "peut_creer",
    "peut_ecrire_categorie",
    "peut_lire",
    "acteur_de_connexion",
    "acteur_mediateur",
    "acteur_personne",
    "acteur_professionnel",
    "acteur_representant_anonyme",
    "acteur_titulaire",
    "flux_servi",
    "peut_annuler_rdv",
    "peut_gerer_agenda",
    "peut_modifier_rdv",
    "peut_proposer_rdv",
    "peut_repondre_rdv",
    "peut_voir_abonnement",
    "peut_voir_rdv",
    "q_abonnements",
    "q_rdv_visibles",
    "categories_refusees",
    "date_majorite",
    "en_patient",
    "en_patient_de",
    "est_bloque",
    "parametres_de",
    "peut_accompagner",
    "peut_attester_historique",
    "peut_declarer_confidentiel",
    "peut_corriger",
    "peut_ecrire",
    "peut_exporter",
    "peut_gerer_visibilite",
    "peut_liberer",
    "peut_reserver_annonce",
    "peut_signaler_erreur",
    "peut_supprimer",
    "peut_utiliser_admin",
    "peut_utiliser_espace_mediateur",
    "peut_utiliser_espace_patient",
    "peut_utiliser_espace_professionnel",
    "peut_voir",
    "peut_voir_decision",
    "profil_ouvert_aux_pros",
    "profils_accessibles",
    "q_annonce_faite",
    "q_decisions_visibles",
    "q_en_attente_annonce",
    "q_historique",
    "q_mineur",
    "q_visibles",
    "profils_ouverts",
    "refus_urgence",
    "rubrique_proposee",
    "role_sur_profil",
    "rubrique_lisible",
    "sur_dossier",
    "sur_dossier_par",
    "sur_professionnel",
    # a minor's confidentiality
    "destinataires",
    "est_confidentiel",
    "peut_voir_confidentiel",
    "q_confidentialite",
    "q_non_confidentiel",
    "voit_confidentiel",
    # messagerie
    "peut_declarer_conversation_confidentielle",
    "peut_ecrire_a",
    "peut_enregistrer_piece",
    "peut_fermer",
    "peut_repondre",
    "peut_voir_conversation",
    "q_conversations",
    "q_conversations_des_profils",
]
