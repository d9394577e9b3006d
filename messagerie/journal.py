"""The journal entries of secure messaging: one typed constructor per event.

Each entry is about the conversation (so a confidential one, a minor's request, is left
out of the representatives' history: ``consentement.journal.drapeaux``) and names the
correspondent, never the subject nor the text. The titulaire's own reads are not written
(the history lists what others did); every other read is.
"""

from __future__ import annotations

from django.db import models

from consentement.acces import ACTEUR_SYSTEME, Acteur
from consentement.journal import ecrire, lecture


class Action(models.TextChoices):
    MESSAGE_ENVOYE = "message_envoye", "Message envoyé"
    CONVERSATION_LUE = "conversation_lue", "Conversation lue"
    PIECE_OUVERTE = "piece_ouverte", "Pièce jointe d'un message ouverte"
    CONVERSATION_FERMEE = "conversation_fermee", "Conversation close par le professionnel"
    PIECE_ENREGISTREE = "piece_enregistree", "Pièce jointe d'un message enregistrée dans le dossier"
    CONVERSATION_SUPPRIMEE = (
        "conversation_supprimee",
        "Conversation supprimée (durée de conservation écoulée)",
    )
    MESSAGE_REFUSE = "message_refuse", "Message d'un professionnel bloqué refusé"


# What a person understands in the history's filter.
POUR_LA_PERSONNE = [
    Action.MESSAGE_ENVOYE,
    Action.CONVERSATION_LUE,
    Action.CONVERSATION_FERMEE,
    Action.PIECE_ENREGISTREE,
    Action.CONVERSATION_SUPPRIMEE,
]


def _details(conversation, **autres) -> dict:
    return {"correspondant": str(conversation.professionnel), **autres}


def message_envoye(acteur: Acteur, message, *, canal: str, pieces: int) -> None:
    conversation = message.conversation
    ecrire(
        acteur,
        Action.MESSAGE_ENVOYE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(conversation, message=str(message.public_id), canal=canal, pieces=pieces),
    )


def conversation_lue(acteur: Acteur, conversation) -> None:
    lecture(
        acteur,
        Action.CONVERSATION_LUE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(conversation),
    )


def piece_ouverte(acteur: Acteur, piece, *, telechargement: bool) -> None:
    conversation = piece.message.conversation
    lecture(
        acteur,
        Action.PIECE_OUVERTE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(conversation, piece=str(piece.public_id), telechargement=telechargement),
    )


def conversation_fermee(acteur: Acteur, conversation, *, canal: str) -> None:
    ecrire(
        acteur,
        Action.CONVERSATION_FERMEE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(conversation, canal=canal),
    )


def piece_enregistree(acteur: Acteur, piece, document) -> None:
    conversation = piece.message.conversation
    ecrire(
        acteur,
        Action.PIECE_ENREGISTREE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(
            conversation, piece=str(piece.public_id), document=str(document.public_id)
        ),
    )


def conversation_supprimee(conversation, *, motif: str, messages: int) -> None:
    ecrire(
        ACTEUR_SYSTEME,
        Action.CONVERSATION_SUPPRIMEE,
        profil=conversation.profil,
        objet=conversation,
        details=_details(conversation, motif=motif, messages=messages),
    )


def message_refuse(acteur: Acteur, profil, *, motif: str) -> None:
    ecrire(
        acteur,
        Action.MESSAGE_REFUSE,
        profil=profil,
        objet=acteur.professionnel,
        details={"correspondant": str(acteur.professionnel), "motif": motif},
    )
