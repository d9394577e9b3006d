from django.urls import path

from dossier import views

app_name = "dossier"

urlpatterns = [
    path("dossier/", views.accueil, name="accueil"),
    path("pro/", views.pro_accueil, name="pro_accueil"),
]
