from django.urls import path

from consentement import views

app_name = "consentement"

urlpatterns = [
    path("profil/changer/", views.changer_profil, name="changer_profil"),
    path("mes-choix/", views.mes_choix, name="mes_choix"),
    path("france-services/", views.france_services, name="france_services"),
]
