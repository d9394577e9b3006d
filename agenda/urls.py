from django.urls import path

from agenda.views import flux, patient, prevention, pro

app_name = "agenda"

urlpatterns = [
    path("agenda/", patient.accueil, name="accueil"),
    path("agenda/mois/", patient.mois, name="mois"),
    path("agenda/mois/<int:annee>/<int:numero>/", patient.mois, name="mois_de"),
    path("agenda/ajouter/", patient.ajouter, name="ajouter"),
    path("agenda/rendez-vous/<uuid:public_id>/", patient.rdv, name="rdv"),
    path("agenda/rendez-vous/<uuid:public_id>/modifier/", patient.modifier, name="modifier"),
    path("agenda/rendez-vous/<uuid:public_id>/accepter/", patient.accepter, name="accepter"),
    path("agenda/rendez-vous/<uuid:public_id>/refuser/", patient.refuser, name="refuser"),
    path("agenda/rendez-vous/<uuid:public_id>/annuler/", patient.annuler, name="annuler"),
    path("agenda/rendez-vous/<uuid:public_id>/rendez-vous.ics", patient.rdv_ics, name="rdv_ics"),
    path("agenda/prevention/", prevention.prevention_page, name="prevention"),
    path("agenda/prevention/messages/", prevention.messages_prevention, name="prevention_messages"),
    path("agenda/prevention/<str:code>/", prevention.etape, name="prevention_etape"),
    path("agenda/abonnements/", flux.abonnements, name="abonnements"),
    path("agenda/abonnements/<uuid:public_id>/revoquer/", flux.revoquer, name="revoquer"),
    path("agenda/flux/<str:jeton>.ics", flux.flux, name="flux"),
    path("pro/rendez-vous/", pro.pro_rendez_vous, name="pro_rendez_vous"),
    path("pro/patients/<uuid:profil>/rendez-vous/", pro.pro_proposer, name="pro_proposer"),
    path("pro/rendez-vous/<uuid:public_id>/annuler/", pro.pro_annuler, name="pro_annuler"),
]
