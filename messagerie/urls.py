from django.urls import path

from messagerie.views import boites, conversations, ecrire, pieces

app_name = "messagerie"

urlpatterns = [
    path("messagerie/", boites.accueil, name="accueil"),
    path(
        "messagerie/conversations/<uuid:public_id>/",
        conversations.conversation,
        name="conversation",
    ),
    path(
        "messagerie/conversations/<uuid:public_id>/repondre/",
        conversations.repondre,
        name="repondre",
    ),
    path("messagerie/conversations/<uuid:public_id>/clore/", conversations.fermer, name="fermer"),
    path(
        "messagerie/conversations/<uuid:public_id>/archiver/",
        conversations.archiver,
        name="archiver",
    ),
    path("messagerie/pieces/<uuid:public_id>/", pieces.piece, name="piece"),
    path("messagerie/pieces/<uuid:public_id>/fichier/", pieces.piece_fichier, name="piece_fichier"),
    path(
        "messagerie/pieces/<uuid:public_id>/enregistrer/",
        pieces.piece_enregistrer,
        name="piece_enregistrer",
    ),
    path("pro/messagerie/", boites.pro_boite, name="pro_boite"),
    path("pro/messagerie/ecrire/", ecrire.ecrire, name="pro_ecrire"),
    path("pro/patients/<uuid:profil>/ecrire/", ecrire.ecrire, name="pro_ecrire_patient"),
]
