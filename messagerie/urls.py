from django.urls import path

from messagerie import views

app_name = "messagerie"

urlpatterns = [
    path("messagerie/", views.accueil, name="accueil"),
]
