"""The SMTP endpoint (aiosmtpd): refuses early what it can (unknown sender at MAIL FROM,
unknown patient at RCPT TO), parses and stores at DATA; each step runs the gateway's rules
(``messagerie.passerelle``) in a worker thread with its own database connection."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from messagerie import passerelle

logger = logging.getLogger(__name__)
ERREUR = "451 4.3.0 Erreur temporaire de la passerelle : reessayez plus tard."


async def _executer(fonction, *args, **kwargs):
    def dans_un_fil():
        close_old_connections()
        try:
            return fonction(*args, **kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(dans_un_fil, thread_sensitive=False)()


class Passerelle:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        try:
            passerelle.relais_autorise(session.peer[0])
            await _executer(passerelle.professionnel_de, address)
        except passerelle.Refus as refus:
            return str(refus)
        except Exception:
            logger.exception("Passerelle SMTP : MAIL FROM")
            return ERREUR
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Expediteur accepte"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if envelope.rcpt_tos:
            return "452 4.5.3 Un seul patient par message : envoyez un message a chacun."
        try:
            pro = await _executer(passerelle.professionnel_de, envelope.mail_from or "")
            await _executer(passerelle.patient_de, pro, address, ip=session.peer[0])
        except passerelle.Refus as refus:
            return str(refus)
        except Exception:
            logger.exception("Passerelle SMTP : RCPT TO")
            return ERREUR
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Destinataire accepte"

    async def handle_DATA(self, server, session, envelope):
        try:
            await _executer(
                passerelle.recevoir, expediteur=envelope.mail_from,
                destinataire=envelope.rcpt_tos[0], ip=session.peer[0],
                donnees=envelope.original_content or envelope.content,
            )  # fmt: skip
        except passerelle.Refus as refus:
            logger.info("Passerelle SMTP : message refuse (%s)", str(refus)[:9])  # no file name
            return str(refus)
        except Exception:
            logger.exception("Passerelle SMTP : DATA")
            return ERREUR
        return "250 2.0.0 Message recu"


def controleur(*, hote: str | None = None, port: int | None = None) -> Controller:
    return Controller(
        Passerelle(),
        hostname=hote or settings.MESSAGERIE_SMTP_HOTE,
        port=port if port is not None else settings.MESSAGERIE_SMTP_PORT,
        server_hostname=settings.MESSAGERIE_DOMAINE,
        data_size_limit=settings.MESSAGERIE_SMTP_TAILLE_MAX,
    )
