from django.urls import path

from dossier.views import documents, dossier, elements, exports, historique, parametres, pro

app_name = "dossier"

urlpatterns = [
    path("dossier/", dossier.accueil, name="accueil"),
    path("dossier/profil-medical/", dossier.profil_medical, name="profil_medical"),
    path("dossier/profil-medical/mesures/<str:type_mesure>/", dossier.mesures, name="mesures"),
    path("dossier/confidentialite/", parametres.parametres, name="parametres"),
    path("dossier/confidentialite/bloquer/", parametres.blocage_ajouter, name="blocage_ajouter"),
    path(
        "dossier/confidentialite/debloquer/<uuid:public_id>/",
        parametres.blocage_lever,
        name="blocage_lever",
    ),
    path(
        "dossier/confidentialite/medecin-traitant/",
        parametres.medecin_traitant_declarer,
        name="medecin_traitant_declarer",
    ),
    path(
        "dossier/confidentialite/medecin-traitant/retirer/",
        parametres.medecin_traitant_retirer,
        name="medecin_traitant_retirer",
    ),
    path(
        "dossier/confidentialite/reglages/",
        parametres.reglages_enregistrer,
        name="reglages_enregistrer",
    ),
    path("dossier/historique/", historique.historique, name="historique"),
    path("dossier/historique/export.csv", historique.historique_csv, name="historique_csv"),
    path(
        "dossier/historique/attestation.json",
        historique.historique_attestation,
        name="historique_attestation",
    ),
    path("dossier/export/fhir/", exports.export_fhir, name="export_fhir"),
    path("dossier/export/pdf/", exports.export_pdf, name="export_pdf"),
    path(
        "dossier/<uuid:profil>/documents/ajouter/",
        documents.document_ajouter,
        name="document_ajouter",
    ),
    path(
        "dossier/<uuid:profil>/informations/<str:rubrique>/ajouter/",
        elements.information_ajouter,
        name="information_ajouter",
    ),
    path("dossier/<uuid:profil>/mesures/ajouter/", elements.mesure_ajouter, name="mesure_ajouter"),
    path(
        "dossier/profil-medical/<str:genre>/<uuid:public_id>/supprimer/",
        elements.element_supprimer,
        name="element_supprimer",
    ),
    path(
        "dossier/profil-medical/<str:genre>/<uuid:public_id>/corriger/",
        elements.element_modifier,
        name="element_modifier",
    ),
    path(
        "dossier/elements/<str:genre>/<uuid:public_id>/masquer/",
        elements.element_masquer,
        name="element_masquer",
    ),
    path(
        "dossier/elements/<str:genre>/<uuid:public_id>/signaler/",
        elements.element_signaler,
        name="element_signaler",
    ),
    path("dossier/documents/<uuid:public_id>/", documents.document, name="document"),
    path(
        "dossier/documents/<uuid:public_id>/fichier/",
        documents.document_fichier,
        name="document_fichier",
    ),
    path(
        "dossier/documents/<uuid:public_id>/professionnels/",
        documents.document_restreindre,
        name="document_restreindre",
    ),
    path(
        "dossier/documents/<uuid:public_id>/supprimer/",
        documents.document_supprimer,
        name="document_supprimer",
    ),
    path(
        "dossier/documents/<uuid:public_id>/liberer/",
        documents.document_liberer,
        name="document_liberer",
    ),
    path("pro/", pro.pro_accueil, name="pro_accueil"),
    path("pro/urgence/", pro.pro_urgence, name="pro_urgence"),
    path("pro/patients/<uuid:profil>/", pro.pro_dossier, name="pro_dossier"),
    path(
        "pro/signalements/<uuid:public_id>/traite/",
        pro.signalement_traiter,
        name="signalement_traiter",
    ),
]
