from django.urls import path

from consentement import views, views_mediateur, views_publiques

app_name = "consentement"

urlpatterns = [
    path("profil/changer/", views.changer_profil, name="changer_profil"),
    path("mes-choix/", views.mes_choix, name="mes_choix"),
    path("bienvenue/", views.bienvenue, name="bienvenue"),
    path("mes-choix/recu/<uuid:public_id>/", views.recu, name="recu"),
    path("mes-choix/coordonnees/", views.coordonnees, name="coordonnees"),
    path("mes-choix/cloture/", views.cloture, name="cloture"),
    path("mes-choix/cloture/<uuid:public_id>/", views.cloture_faite, name="cloture_faite"),
    path("mes-choix/decision/<uuid:public_id>/recu/", views.recu_decision, name="recu_decision"),
    path("mes-choix/reouverture/", views.reouverture, name="reouverture"),
    # Without an account
    path("opposition/", views_publiques.opposition, name="opposition"),
    path(
        "opposition/confirmer/", views_publiques.opposition_confirmer, name="opposition_confirmer"
    ),
    path("opposition/<uuid:public_id>/", views_publiques.opposition_faite, name="opposition_faite"),
    path("opposition/<uuid:public_id>/recu/", views_publiques.recu_public, name="recu_public"),
    path("activation/", views_publiques.activation, name="activation"),
    path("activation/compte/", views_publiques.activation_compte, name="activation_compte"),
    path("activation/terminer/", views_publiques.activation_terminer, name="activation_terminer"),
    path("activation/nouveau-code/", views_publiques.nouveau_code, name="nouveau_code"),
    # France services
    path("france-services/", views_mediateur.france_services, name="france_services"),
    path(
        "france-services/presence/<uuid:public_id>/",
        views_mediateur.accompagnement_presence,
        name="accompagnement_presence",
    ),
    path(
        "france-services/accompagnement/",
        views_mediateur.accompagnement_tableau,
        name="accompagnement",
    ),
    path(
        "france-services/accompagnement/opposition/",
        views_mediateur.accompagnement_opposition,
        name="accompagnement_opposition",
    ),
    path(
        "france-services/accompagnement/cloture/",
        views_mediateur.accompagnement_cloture,
        name="accompagnement_cloture",
    ),
    path(
        "france-services/accompagnement/coordonnees/",
        views_mediateur.accompagnement_coordonnees,
        name="accompagnement_coordonnees",
    ),
    path(
        "france-services/accompagnement/activation/",
        views_mediateur.accompagnement_activation,
        name="accompagnement_activation",
    ),
    path(
        "france-services/accompagnement/avis/",
        views_mediateur.accompagnement_avis,
        name="accompagnement_avis",
    ),
    path(
        "france-services/accompagnement/recu/<uuid:public_id>/",
        views_mediateur.accompagnement_recu,
        name="accompagnement_recu",
    ),
    path(
        "france-services/accompagnement/fermer/",
        views_mediateur.accompagnement_fermer,
        name="accompagnement_fermer",
    ),
]
