"""Conversations built through the services, as the pages and the gateway build them."""

from __future__ import annotations

import contextlib
import io
import smtplib
from email.message import EmailMessage

from pypdf.generic import NameObject

from espace_sante.lib import fichiers
from messagerie import adresses, services
from tests.conftest import acteur_de
from tests.lib.corpus import action_js, pdf


def piece(nom="compte-rendu.pdf", contenu: bytes | None = None) -> services.PieceRecue:
    return services.PieceRecue(nom, fichiers.verifier(io.BytesIO(contenu or pdf())))


def _js_a_l_ouverture(writer, page):
    writer._root_object[NameObject("/OpenAction")] = action_js()


def pdf_hostile() -> bytes:
    """A PDF that runs JavaScript when opened: refused as active content."""
    return pdf(_js_a_l_ouverture)


def ecrire(
    pro_user, profil, *, sujet="Vos résultats", corps="Bonjour, tout va bien.", pieces=(), **options
):
    return services.conversation_demarrer(
        acteur=acteur_de(pro_user),
        profil=profil,
        sujet=sujet,
        corps=corps,
        pieces=list(pieces),
        **options,
    )


def repondre(user, conversation, corps="Merci docteur.", **options):
    from consentement import acces

    acteur = acces.en_patient_de(acteur_de(user), conversation.profil)
    if acteur is None:  # a professional
        acteur = acteur_de(user).sur(conversation.profil, role="professionnel")
    return services.message_repondre(
        acteur=acteur, conversation=conversation, corps=corps, **options
    )


def conversations_en_masse(profil, pro, n: int, *, avec_reponse=True):
    """``n`` conversations of ``pro`` with ``profil``, a message each (and the patient's
    reply when ``avec_reponse``), written in bulk (the inbox's size, not the service's
    speed, is what the query counts and the benchmark measure)."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from messagerie import adresses
    from messagerie.models import Conversation, Message

    maintenant = timezone.now()
    conversations = Conversation.objects.bulk_create(
        Conversation(
            profil=profil,
            professionnel=pro,
            sujet=f"Compte rendu n° {i}",
            sujet_index=adresses.index_sujet(f"Compte rendu n° {i}"),
            dernier_message_le=maintenant - timedelta(minutes=i),
            dernier_pro_le=maintenant - timedelta(minutes=i),
            dernier_patient_le=(maintenant - timedelta(minutes=i)) if avec_reponse else None,
        )
        for i in range(n)
    )
    messages = []
    for conversation in conversations:
        messages.append(
            Message(
                conversation=conversation,
                profil=profil,
                cote="professionnel",
                auteur=pro.user,
                auteur_libelle=str(pro),
                corps="Bonjour.",
                message_id=f"<{uuid.uuid4()}@test>",
                envoye_le=conversation.dernier_pro_le,
            )
        )
        if avec_reponse:
            messages.append(
                Message(
                    conversation=conversation,
                    profil=profil,
                    cote="patient",
                    auteur=profil.titulaire,
                    auteur_libelle=profil.nom_affiche,
                    corps="Merci.",
                    message_id=f"<{uuid.uuid4()}@test>",
                    envoye_le=conversation.dernier_patient_le,
                )
            )
    Message.objects.bulk_create(messages)
    return conversations


@contextlib.contextmanager
def passerelle_lancee():
    """The SMTP gateway (aiosmtpd) running on a free loopback port, as `make run` starts it."""
    import socket

    from messagerie.smtp import controleur

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    serveur = controleur(hote="127.0.0.1", port=port)
    serveur.start()
    try:
        yield serveur
    finally:
        serveur.stop()


def courriel(
    pro_user,
    profil,
    *,
    sujet="Résultats",
    corps="Bonjour, voici vos résultats.",
    pieces=(),
    **entetes,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Dr Lefèvre <{pro_user.email}>"
    message["To"] = adresses.adresse_patient(profil)
    message["Subject"] = sujet
    message["Message-ID"] = entetes.pop("message_id", None) or adresses.nouveau_message_id()
    for nom, valeur in entetes.items():
        message[nom.replace("_", "-")] = valeur
    message.set_content(corps)
    for nom, contenu in pieces:
        message.add_attachment(contenu, maintype="application", subtype="pdf", filename=nom)
    return message


def envoyer(passerelle, message, *, expediteur=None, destinataire=None):
    """Send through a real SMTP session; returns smtplib's refusals (code, text) or None."""
    with smtplib.SMTP(passerelle.hostname, passerelle.port, timeout=30) as client:
        client.ehlo("messagerie.hopital.example")
        try:
            client.send_message(message, from_addr=expediteur, to_addrs=destinataire)
        except smtplib.SMTPRecipientsRefused as refus:
            ((code, texte),) = refus.recipients.values()
            return code, texte.decode()
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refus:
            return refus.smtp_code, refus.smtp_error.decode()
    return None
