"""The SMTP endpoint (aiosmtpd): refuses early what it can (unknown sender at MAIL FROM,
unknown patient at RCPT TO), parses and stores at DATA; each step runs the gateway's rules
(``messagerie.passerelle``) in a worker thread with its own database connection.

A client that is not one of the relays (``MESSAGERIE_SMTP_RELAIS``) is answered 554 when
it connects and never holds a place. Its memory is bounded: at most
``MESSAGERIE_SMTP_SESSIONS_MAX`` sessions at once, at most
``MESSAGERIE_SMTP_SESSIONS_PAR_RELAIS`` of them from one relay (one more is answered 421
at once), each closed after ``MESSAGERIE_SMTP_INACTIVITE`` seconds of silence (NOOP and
RSET keep it open ``VIDES_MAX`` times at most), each receiving at most
``MESSAGERIE_SMTP_TAILLE_MAX`` bytes, and at most ``MESSAGERIE_SMTP_TRAITEMENTS_MAX`` mails
parsed and stored at once (the others wait their turn holding only their raw bytes)."""

from __future__ import annotations

import asyncio
import collections
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from messagerie import passerelle

logger = logging.getLogger(__name__)
ERREUR = "451 4.3.0 Erreur temporaire de la passerelle : reessayez plus tard."
# NOOP and RSET reset the idle timer: a session may send each this many times (421 and
# closed beyond), any other command at most COMMANDES_MAX times.
VIDES_MAX, COMMANDES_MAX = 20, 1000
OCCUPEE = "421 4.3.2 Passerelle occupee : trop de sessions simultanees, reessayez plus tard."


async def _executer(fonction, *args, **kwargs):
    def dans_un_fil():
        close_old_connections()
        try:
            return fonction(*args, **kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(dans_un_fil, thread_sensitive=False)()


class Passerelle:
    def __init__(self, *, traitements: int):
        self.traitements = asyncio.Semaphore(traitements)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        try:
            passerelle.relais_autorise(session.peer[0])
            await _executer(passerelle.professionnel_de, address)
        except passerelle.RefusSmtp as refus:
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
            await _executer(passerelle.patient_de, pro, address)
        except passerelle.RefusSmtp as refus:
            return str(refus)
        except Exception:
            logger.exception("Passerelle SMTP : RCPT TO")
            return ERREUR
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Destinataire accepte"

    async def handle_DATA(self, server, session, envelope):
        # One copy of the mail: with decode_data off, aiosmtpd's content and
        # original_content are the same bytes.
        try:
            async with self.traitements:
                await _executer(
                    passerelle.recevoir,
                    expediteur=envelope.mail_from,
                    destinataire=envelope.rcpt_tos[0],
                    donnees=envelope.content,
                )
        except passerelle.RefusSmtp as refus:
            logger.info("Passerelle SMTP : message refuse (%s)", str(refus)[:9])  # no file name
            return str(refus)
        except Exception:
            logger.exception("Passerelle SMTP : DATA")
            return ERREUR
        return "250 2.0.0 Message recu"


class _Sessions:
    """Sessions open now, in all and per relay (counted in the event loop's thread: no
    lock needed)."""

    def __init__(self, maximum: int, par_relais: int):
        self.maximum, self.par_relais = maximum, par_relais
        self.ouvertes, self.par_pair = 0, collections.Counter()

    def prendre(self, pair: str) -> bool:
        if self.ouvertes >= self.maximum or self.par_pair[pair] >= self.par_relais:
            return False
        self.ouvertes += 1
        self.par_pair[pair] += 1
        return True

    def rendre(self, pair: str) -> None:
        self.ouvertes -= 1
        self.par_pair[pair] -= 1
        if not self.par_pair[pair]:
            del self.par_pair[pair]


class _Session(SMTP):
    def __init__(self, handler, *, sessions: _Sessions, **options):
        super().__init__(handler, **options)
        self._sessions = sessions

    async def _handle_client(self):
        pair = self.session.peer[0] if self.session.peer else ""
        try:  # before it holds a place: a client that may not send mail takes none
            passerelle.relais_autorise(pair)
        except passerelle.RefusSmtp as refus:
            await self.push(str(refus))  # instead of the greeting
            self.transport.close()
            return
        if not self._sessions.prendre(pair):
            await self.push(OCCUPEE)
            self.transport.close()
            return
        try:
            await super()._handle_client()
        finally:
            self._sessions.rendre(pair)


class _Controleur(Controller):
    def __init__(self, *args, sessions: int, par_relais: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._sessions = _Sessions(sessions, par_relais)

    def factory(self):
        return _Session(self.handler, sessions=self._sessions, **self.SMTP_kwargs)


def controleur(*, hote: str | None = None, port: int | None = None) -> Controller:
    return _Controleur(
        Passerelle(traitements=settings.MESSAGERIE_SMTP_TRAITEMENTS_MAX),
        hostname=hote or settings.MESSAGERIE_SMTP_HOTE,
        port=port if port is not None else settings.MESSAGERIE_SMTP_PORT,
        server_hostname=settings.MESSAGERIE_DOMAINE,
        data_size_limit=settings.MESSAGERIE_SMTP_TAILLE_MAX,
        sessions=settings.MESSAGERIE_SMTP_SESSIONS_MAX,
        par_relais=settings.MESSAGERIE_SMTP_SESSIONS_PAR_RELAIS,
        timeout=settings.MESSAGERIE_SMTP_INACTIVITE,
        command_call_limit={"NOOP": VIDES_MAX, "RSET": VIDES_MAX, "*": COMMANDES_MAX},
    )
