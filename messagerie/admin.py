"""Admin shows the messaging's metadata only: subjects, bodies, attachment names and files
are encrypted and never decrypted here (admins do not read medical content)."""

from django.contrib import admin

from espace_sante.lib.admin import LectureSeuleAdmin
from messagerie.models import Conversation, Message, PieceJointe


@admin.register(Conversation)
class ConversationAdmin(LectureSeuleAdmin):
    list_display = [
        "public_id",
        "profil",
        "professionnel",
        "canal",
        "confidentiel",
        "cree_le",
        "dernier_message_le",
        "fermee_le",
    ]
    fields = [
        "public_id",
        "profil",
        "professionnel",
        "canal",
        "adresse_professionnel",
        "confidentiel",
        "cree_le",
        "dernier_message_le",
        "dernier_pro_le",
        "dernier_patient_le",
        "fermee_le",
        "suppression_annoncee_le",
    ]
    list_filter = ["canal", "confidentiel"]
    search_fields = ["=public_id", "=profil__public_id"]
    list_select_related = ["profil", "professionnel__user"]


@admin.register(Message)
class MessageAdmin(LectureSeuleAdmin):
    list_display = [
        "public_id",
        "conversation",
        "cote",
        "auteur_libelle",
        "canal",
        "fin",
        "envoye_le",
    ]
    fields = [
        "public_id",
        "conversation",
        "profil",
        "cote",
        "auteur_libelle",
        "canal",
        "message_id",
        "fin",
        "envoye_le",
    ]
    list_filter = ["cote", "canal", "fin"]
    search_fields = ["=public_id", "=conversation__public_id", "=message_id"]
    list_select_related = ["conversation"]


@admin.register(PieceJointe)
class PieceJointeAdmin(LectureSeuleAdmin):
    list_display = ["public_id", "message", "type_mime", "taille", "document"]
    fields = [
        "public_id",
        "message",
        "profil",
        "type_mime",
        "extension",
        "taille",
        "empreinte",
        "document",
    ]
    search_fields = ["=public_id", "=message__public_id"]
    list_select_related = ["message"]
