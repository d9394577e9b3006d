"""Retention: a conversation is deleted ``MESSAGERIE_CONSERVATION_JOURS`` after its last
message (journaled on the patient's chain); the patient is told 30 days before, with a
link to save its attachments into the record. A profile whose data are erased loses its
conversations at once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from messagerie import avis, journal, selectors
from messagerie.models import Conversation, Message, PieceJointe, Suivi

PREAVIS = timedelta(days=30)


def _supprimer(conversation: Conversation, *, motif: str) -> None:
    """Rows first (in the caller's transaction), then the files once it commits."""
    noms = list(
        PieceJointe.objects.filter(message__conversation=conversation).values_list(
            "fichier", flat=True
        )
    )
    selectors.non_lus_oublier(selectors.participants(conversation))
    journal.conversation_supprimee(
        conversation, motif=motif, messages=conversation.messages.count()
    )
    PieceJointe.objects.filter(message__conversation=conversation).delete()
    Message.objects.filter(conversation=conversation).delete()
    Suivi.objects.filter(conversation=conversation).delete()
    conversation.delete()
    stockage = PieceJointe._meta.get_field("fichier").storage
    transaction.on_commit(lambda: [stockage.delete(nom) for nom in noms])


def _par_lots(filtre, traiter, limite: int) -> int:
    faits = 0
    while True:
        with transaction.atomic():
            lot = list(
                Conversation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("profil", "professionnel__user")
                .filter(filtre)
                .order_by("pk")[:limite]
            )
            for conversation in lot:
                traiter(conversation)
        faits += len(lot)
        if len(lot) < limite:
            return faits


def conservation_appliquer(*, maintenant=None, limite: int = 200) -> int:
    """Delete the conversations whose retention period is over; return how many."""
    limite_date = (maintenant or timezone.now()) - settings.MESSAGERIE_CONSERVATION
    return _par_lots(
        Q(dernier_message_le__lt=limite_date),
        lambda c: _supprimer(c, motif="durée de conservation écoulée"),
        limite,
    )


def conservation_prevenir(*, maintenant=None, limite: int = 200) -> int:
    """Tell the patient, 30 days ahead, which conversations retention will delete."""
    maintenant = maintenant or timezone.now()
    seuil = maintenant - settings.MESSAGERIE_CONSERVATION + PREAVIS

    def prevenir(conversation):
        supprimee_le = timezone.localtime(
            conversation.dernier_message_le + settings.MESSAGERIE_CONSERVATION
        )
        avis.conservation_annoncer(conversation, supprimee_le=supprimee_le)
        conversation.suppression_annoncee_le = maintenant
        conversation.save(update_fields=["suppression_annoncee_le"])

    filtre = Q(dernier_message_le__lt=seuil, suppression_annoncee_le__isnull=True)
    return _par_lots(filtre, prevenir, limite)


def profil_efface(sender, *, profil, **kwargs) -> None:
    """``espace_sante.comptes.signals.donnees_effacees``: the erased profile's conversations go too."""
    for conversation in Conversation.objects.filter(profil=profil).select_related(
        "profil", "professionnel__user"
    ):
        _supprimer(conversation, motif="données du profil supprimées")
