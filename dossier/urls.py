from django.urls import path

from dossier import views, views_historique, views_pro

app_name = "dossier"

urlpatterns = [
    path("dossier/", views.accueil, name="accueil"),
    path("dossier/profil-medical/", views.profil_medical, name="profil_medical"),
    path("dossier/confidentialite/", views.parametres, name="parametres"),
    path("dossier/historique/", views.historique, name="historique"),
    path("dossier/historique/export.csv", views.historique_csv, name="historique_csv"),
    path("dossier/historique/attestation.json", views_historique.historique_attestation, name="historique_attestation"),
    path("dossier/export/fhir/", views.export_fhir, name="export_fhir"),
    path("dossier/export/pdf/", views.export_pdf, name="export_pdf"),
    path("dossier/<uuid:profil>/documents/ajouter/", views.document_ajouter, name="document_ajouter"),
    path("dossier/<uuid:profil>/informations/<str:rubrique>/ajouter/", views.information_ajouter, name="information_ajouter"),
    path("dossier/<uuid:profil>/mesures/ajouter/", views.mesure_ajouter, name="mesure_ajouter"),
    path("dossier/profil-medical/<str:genre>/<uuid:public_id>/supprimer/", views.element_supprimer, name="element_supprimer"),
    path("dossier/elements/<str:genre>/<uuid:public_id>/masquer/", views.element_masquer, name="element_masquer"),
    path("dossier/elements/<str:genre>/<uuid:public_id>/signaler/", views.element_signaler, name="element_signaler"),
    path("dossier/documents/<uuid:public_id>/", views.document, name="document"),
    path("dossier/documents/<uuid:public_id>/fichier/", views.document_fichier, name="document_fichier"),
    path("dossier/documents/<uuid:public_id>/professionnels/", views.document_restreindre, name="document_restreindre"),
    path("dossier/documents/<uuid:public_id>/supprimer/", views.document_supprimer, name="document_supprimer"),
    path("dossier/documents/<uuid:public_id>/liberer/", views.document_liberer, name="document_liberer"),
    path("pro/", views_pro.pro_accueil, name="pro_accueil"),
    path("pro/urgence/", views_pro.pro_urgence, name="pro_urgence"),
    path("pro/patients/<uuid:profil>/", views_pro.pro_dossier, name="pro_dossier"),
    path("pro/signalements/<uuid:public_id>/traite/", views_pro.signalement_traiter, name="signalement_traiter"),
]  # fmt: skip
