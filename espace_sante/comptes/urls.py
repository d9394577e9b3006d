from django.urls import path

from espace_sante.comptes import views

app_name = "comptes"

urlpatterns = [
    path("accueil/", views.accueil, name="accueil"),
    path("compte/sans-espace/", views.sans_espace, name="sans_espace"),
    path("compte/verification/", views.verification, name="otp"),
    path("compte/verification/renvoyer/", views.renvoyer_code, name="otp_renvoyer"),
    path("compte/securite/", views.securite, name="securite"),
    path("compte/securite/application/", views.totp_ajout, name="totp_ajout"),
    path("compte/securite/application/demarrer/", views.totp_demarrer, name="totp_demarrer"),
    path("compte/securite/application/retirer/", views.totp_retirer, name="totp_retirer"),
    path("compte/securite/codes-de-secours/", views.codes_secours, name="codes_secours"),
]
