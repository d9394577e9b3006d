"""Telling the other side of a conversation, through the kernel's ``notifier`` (a row
first, keyed by the message: never sent twice; sent by Celery, swept when Redis was down).

- A professional wrote: the patient (or, for a minor, the legal representatives, unless
  the conversation is confidential) gets "vous avez un nouveau message", without any
  health content, by the channels they chose, unless they turned it off.
- The patient replied in a conversation that came from the professional's mail software:
  the reply itself goes back to that address by SMTP, from the patient's address, threaded
  (``In-Reply-To``, ``References``), with its attachments; its body is erased once sent.
- The patient replied in a conversation started in the portal: the professional is told,
  without content, to read it in their space.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from consentement import acces
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Courrier, Destination, notifier
from messagerie import adresses
from messagerie.enums import Cote


def _lien(conversation) -> str:
    return settings.SITE_URL + reverse("messagerie:conversation", args=[conversation.public_id])


def _cibles(conversation) -> list[Destination]:
    """The patient; for a minor, the legal representatives too, but a confidential exchange
    is told only to the minor's own account (the policy's one rule, ``acces.destinataires``)."""
    return acces.destinataires(conversation.profil, confidentiel=conversation.confidentiel)


def message_annoncer(message, pieces) -> None:
    conversation = message.conversation
    if message.cote == Cote.PROFESSIONNEL:
        _au_patient(conversation, message)
    elif conversation.adresse_professionnel:
        _reponse_par_smtp(conversation, message, pieces)
    else:
        notifier(
            motif="reponse_patient",
            cle=f"message:{message.public_id}",
            gabarit="messagerie/notifications/messagerie_reponse_portail",
            contexte={"lien": _lien(conversation)},
            a=[
                Destination(Canal.EMAIL, conversation.professionnel.user.email, conversation.profil)
            ],
        )


def _au_patient(conversation, message) -> None:
    profil = conversation.profil
    if not profil.notifier_nouveau_message:
        return
    cibles = _cibles(conversation)
    notifier(
        profil=profil,
        motif="nouveau_message",
        cle=f"message:{message.public_id}",
        gabarit="messagerie/notifications/nouveau_message",
        contexte={
            "lien": _lien(conversation),
            "patient": profil.nom_affiche,
            "professionnel": str(conversation.professionnel),
        },
        a=cibles,
    )


def _reponse_par_smtp(conversation, message, pieces) -> None:
    fil = list(
        conversation.messages.exclude(pk=message.pk)
        .order_by("envoye_le", "pk")
        .values_list("message_id", flat=True)
    )
    entetes = {"Message-ID": message.message_id}
    if fil:
        entetes |= {"In-Reply-To": fil[-1], "References": " ".join(fil[-20:])}
    profil = conversation.profil
    notifier(
        motif="reponse_patient_smtp",
        cle=f"message:{message.public_id}",
        gabarit="messagerie/notifications/messagerie_reponse",
        contexte={
            "sujet": conversation.sujet,
            "corps": message.corps,
            "auteur": message.auteur_libelle,
        },
        a=[Destination(Canal.EMAIL, conversation.adresse_professionnel, profil)],
        secret=True,
        courrier=Courrier(
            expediteur=f"{profil.nom_affiche} <{adresses.adresse_patient(profil)}>",
            entetes=entetes,
            pieces=[(p.fichier.name, p.nom, p.type_mime) for p in pieces],
        ),
    )


def conservation_annoncer(conversation, *, supprimee_le) -> None:
    """30 days before retention deletes a conversation: the patient may save attachments."""
    profil = conversation.profil
    cibles = _cibles(conversation)
    notifier(
        profil=profil,
        motif="conservation",
        gabarit="messagerie/notifications/messagerie_conservation",
        cle=f"conservation:{conversation.public_id}:{supprimee_le:%Y%m%d}",
        contexte={
            "lien": _lien(conversation),
            "quand": f"{supprimee_le:%d/%m/%Y}",
            "patient": profil.nom_affiche,
        },
        a=cibles,
    )
