from django.urls import path

from consentement.views import choix, mediateur, publiques

app_name = "consentement"

urlpatterns = [
    path("profil/changer/", choix.changer_profil, name="changer_profil"),
    path("mes-choix/", choix.mes_choix, name="mes_choix"),
    path("bienvenue/", choix.bienvenue, name="bienvenue"),
    path("mes-choix/recu/<uuid:public_id>/", choix.recu, name="recu"),
    path("mes-choix/coordonnees/", choix.coordonnees, name="coordonnees"),
    path("mes-choix/cloture/", choix.cloture, name="cloture"),
    path("mes-choix/cloture/<uuid:public_id>/", choix.cloture_faite, name="cloture_faite"),
    path("mes-choix/decision/<uuid:public_id>/recu/", choix.recu_decision, name="recu_decision"),
    path("mes-choix/reouverture/", choix.reouverture, name="reouverture"),
    # Without an account
    path("opposition/", publiques.opposition, name="opposition"),
    path("opposition/confirmer/", publiques.opposition_confirmer, name="opposition_confirmer"),
    path("opposition/<uuid:public_id>/", publiques.opposition_faite, name="opposition_faite"),
    path("opposition/<uuid:public_id>/recu/", publiques.recu_public, name="recu_public"),
    path("activation/", publiques.activation, name="activation"),
    path("activation/compte/", publiques.activation_compte, name="activation_compte"),
    path("activation/terminer/", publiques.activation_terminer, name="activation_terminer"),
    path("activation/nouveau-code/", publiques.nouveau_code, name="nouveau_code"),
    # France services
    path("france-services/", mediateur.france_services, name="france_services"),
    path(
        "france-services/presence/<uuid:public_id>/",
        mediateur.accompagnement_presence,
        name="accompagnement_presence",
    ),
    path(
        "france-services/accompagnement/",
        mediateur.accompagnement_tableau,
        name="accompagnement",
    ),
    path(
        "france-services/accompagnement/opposition/",
        mediateur.accompagnement_opposition,
        name="accompagnement_opposition",
    ),
    path(
        "france-services/accompagnement/cloture/",
        mediateur.accompagnement_cloture,
        name="accompagnement_cloture",
    ),
    path(
        "france-services/accompagnement/coordonnees/",
        mediateur.accompagnement_coordonnees,
        name="accompagnement_coordonnees",
    ),
    path(
        "france-services/accompagnement/activation/",
        mediateur.accompagnement_activation,
        name="accompagnement_activation",
    ),
    path(
        "france-services/accompagnement/avis/",
        mediateur.accompagnement_avis,
        name="accompagnement_avis",
    ),
    path(
        "france-services/accompagnement/recu/<uuid:public_id>/",
        mediateur.accompagnement_recu,
        name="accompagnement_recu",
    ),
    path(
        "france-services/accompagnement/fermer/",
        mediateur.accompagnement_fermer,
        name="accompagnement_fermer",
    ),
]
