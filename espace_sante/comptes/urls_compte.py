"""allauth's account pages under French paths (same view names, so every reverse() holds).

Only what this service uses: email login, logout, re-authentication, the email address,
password change and reset. Sign-up stays closed (the adapter refuses it): profiles are
created by batches and activated with a code.
"""

from allauth.account import views
from django.urls import path, re_path

urlpatterns = [
    path("connexion/", views.login, name="account_login"),
    path("deconnexion/", views.logout, name="account_logout"),
    path("inactif/", views.account_inactive, name="account_inactive"),
    path("inscription/", views.signup, name="account_signup"),
    path("reauthentification/", views.reauthenticate, name="account_reauthenticate"),
    path("adresse-electronique/", views.email, name="account_email"),
    path(
        "adresse-electronique/confirmer/",
        views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^adresse-electronique/confirmer/(?P<key>[-:\w]+)/$",
        views.confirm_email,
        name="account_confirm_email",
    ),
    path("mot-de-passe/modifier/", views.password_change, name="account_change_password"),
    path("mot-de-passe/definir/", views.password_set, name="account_set_password"),
    path("mot-de-passe/oublie/", views.password_reset, name="account_reset_password"),
    path(
        "mot-de-passe/oublie/envoye/", views.password_reset_done, name="account_reset_password_done"
    ),
    path(
        "mot-de-passe/oublie/termine/",
        views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    re_path(
        r"^mot-de-passe/oublie/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("connexion/code/", views.confirm_login_code, name="account_confirm_login_code"),
]
