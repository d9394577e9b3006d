"""The SMTP gateway's rules: professionals keep writing from their own health messaging.

Mail for ``<matricule INS>@patient.<domain>`` is accepted only from the address of an
active professional of the directory (envelope and ``From`` alike), for one patient the
professional may write to; it continues the conversation its ``In-Reply-To`` /
``References`` name, or starts one. Its text and its attachments go through the same
services and upload checks as the portal; a "[FIN]" subject closes the conversation.
Anything else is refused with an SMTP status and nothing is stored. Statuses are ASCII
(RFC 5321): the French is written without accents.
"""

from __future__ import annotations

import io
import ipaddress
import re
import unicodedata
from email import errors as erreurs_mime
from email.utils import getaddresses
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from consentement import acces
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative, Role
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.lib import courriel, fichiers, texte
from espace_sante.lib.refus import Introuvable, Refus
from messagerie import adresses, journal, services
from messagerie.enums import CanalMessage
from messagerie.models import Conversation, Message

_ID = re.compile(r"<[^<>\s]{1,240}>")
# Structure a parser had to guess at: refused rather than stored half-understood.
_DEFAUTS_GRAVES = (
    erreurs_mime.StartBoundaryNotFoundDefect,
    erreurs_mime.CloseBoundaryNotFoundDefect,
    erreurs_mime.MultipartInvariantViolationDefect,
    erreurs_mime.NoBoundaryInMultipartDefect,
    erreurs_mime.InvalidBase64PaddingDefect,
    erreurs_mime.InvalidBase64CharactersDefect,
    erreurs_mime.InvalidBase64LengthDefect,
    erreurs_mime.MissingHeaderBodySeparatorDefect,
)


def _ascii(texte: str) -> str:
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()


class RefusSmtp(Exception):
    """An SMTP refusal: ``str()`` is the status line sent back."""

    def __init__(self, code: int, etendu: str, texte: str):
        super().__init__(f"{code} {etendu} {_ascii(texte)}")


def reponse_refus(refus: Refus) -> RefusSmtp:
    """The gateway's one answer to the kernel's refusals (``lib.refus``), all permanent: a
    relay must not retry what will be refused again. Not found or not yours: the unknown
    recipient's 550 5.1.1, which tells nothing more; any other, 550 5.7.1 with its reason."""
    if isinstance(refus, Introuvable):
        return INCONNU
    return RefusSmtp(550, "5.7.1", refus.message)


INCONNU = RefusSmtp(550, "5.1.1", "Destinataire inconnu : aucun patient joignable a cette adresse.")


def relais_autorise(ip: str) -> None:
    """Only the operator's relays (``MESSAGERIE_SMTP_RELAIS``) may hand mail over: they
    authenticate the professional; a direct client could claim anyone's address."""
    try:
        adresse = ipaddress.ip_address(ip)
        autorise = any(
            adresse in ipaddress.ip_network(reseau, strict=False)
            for reseau in settings.MESSAGERIE_SMTP_RELAIS
        )
    except ValueError:
        autorise = False
    if not autorise:
        raise RefusSmtp(
            554,
            "5.7.1",
            "Client non autorise : seuls les relais de la messagerie "
            "securisee de sante peuvent deposer des messages ici.",
        )


def professionnel_de(adresse: str) -> Professionnel:
    pro = (
        Professionnel.objects.select_related("user")
        .filter(actif=True, user__email__iexact=adresse.strip())
        .first()
    )
    if pro is None or not adresse.strip():
        raise RefusSmtp(
            550, "5.7.1", "Expediteur inconnu de l'annuaire des professionnels de sante."
        )
    return pro


def patient_de(pro: Professionnel, adresse: str) -> Profil:
    """The patient this professional may write to at ``adresse``; unknown, opposed, closed
    and blocking patients get the same refusal, counted toward the sender's lock-out.

    Failures count per professional (the envelope's sender, whom the relay authenticated),
    never per client address: all mail comes through a few relays, so a per-address count
    would let one careless sender stop everyone's mail. They count in the gateway's own
    scope, apart from the portal's NIR look-up: refused mail never locks a professional
    out of their records, and their look-ups in the portal never stop their mail."""
    portee, compte = PorteeTentative.PASSERELLE_SMTP, pro.user.email
    if verrouillage.est_verrouille(portee=portee, compte=compte, ip=None):
        raise RefusSmtp(450, "4.7.1", "Trop de destinataires inconnus : reessayez plus tard.")
    profil = adresses.profil_de_adresse(adresse)
    acteur = acces.acteur_professionnel(pro, profil)
    if profil is not None and acces.peut_ecrire_a(acteur, profil):
        return profil
    verrouillage.enregistrer_echec(portee=portee, compte=compte, ip=None)
    if (
        profil is not None
        and acces.profil_ouvert_aux_pros(profil)
        and acces.est_bloque(pro, profil)
    ):
        journal.message_refuse(
            acteur.sur(profil, role=Role.PROFESSIONNEL),
            profil,
            motif="professionnel bloqué par le patient",
        )
    raise INCONNU


def _trop_grand(refus: courriel.CourrielRefuse) -> RefusSmtp:
    return RefusSmtp(552, "5.3.4", str(refus))


class _Lu(NamedTuple):
    """What the gateway reads of a mail, every header decoded in one guarded step."""

    sujet: str
    auteurs: list[str]
    message_id: str
    fil: list[str]
    corps: object  # the text or HTML part, or None
    pieces: list[tuple[str, object]]  # (file name, part), not decoded yet


ILLISIBLE = "Message MIME illisible : en-tete ou partie mal formee."
NOM_MAX = 80  # characters of a file name quoted back in a refusal


def _lire(donnees: bytes) -> _Lu:
    """The parsed mail, its headers bounded before any is decoded (``lib.courriel``). Every
    header the gateway uses (``Subject``, ``From``, ``Message-ID``, ``In-Reply-To``,
    ``References``, each part's ``Content-Type``, ``Content-Disposition`` and file name) is
    read here: the email package raises on some values (``Message-ID: <<<<`` is an
    ``IndexError`` on Python 3.12.1), and a mail it cannot read is refused for good
    (``550 5.6.0``), never answered "try again later"."""
    try:
        message = courriel.lire(donnees)
        defauts = [d for partie in message.walk() for d in partie.defects]
        if any(isinstance(d, _DEFAUTS_GRAVES) for d in defauts):
            raise RefusSmtp(
                550, "5.6.0", "Message MIME mal forme : structure ou encodage incorrect."
            )
        parties = list(message.iter_attachments())
        if len(parties) > services.PIECES_MAX:  # before decoding any of them
            raise RefusSmtp(
                552, "5.3.4", f"{services.PIECES_MAX} pieces jointes au plus par message."
            )
        corps = message.get_body(preferencelist=("plain", "html"))
        if corps is not None:
            corps.get_content_type()
        return _Lu(
            sujet=str(message.get("Subject", "")),
            auteurs=[a for _, a in getaddresses([str(v) for v in message.get_all("From", [])])],
            message_id=(_ID.findall(str(message.get("Message-ID", ""))) or [""])[0],
            fil=_ID.findall(f"{message.get('In-Reply-To', '')} {message.get('References', '')}"),
            corps=corps,
            pieces=[(str(p.get_filename() or "piece-jointe"), p) for p in parties],
        )
    except RefusSmtp:
        raise
    except courriel.CourrielRefuse as refus:
        raise _trop_grand(refus) from None
    except Exception:  # the parser gave up on a header or a part
        raise RefusSmtp(550, "5.6.0", ILLISIBLE) from None


def _texte(corps) -> str:
    if corps is None:
        return ""
    try:
        contenu = corps.get_content()
    except Exception:  # an unknown charset, a payload the package cannot decode
        raise RefusSmtp(550, "5.6.0", "Texte du message illisible (jeu de caracteres).") from None
    if corps.get_content_type() != "text/html":
        return contenu
    try:
        return courriel.texte_de_html(contenu)
    except courriel.CourrielRefuse as refus:
        raise _trop_grand(refus) from None


def _piece_refusee(nom: str, raison: str) -> RefusSmtp:
    """The refusal names the file as the patient would see it (``nom_affichable``: no
    control character, no line break that would end the SMTP reply), bounded."""
    nom = texte.nom_affichable(nom)
    if len(nom) > NOM_MAX:
        nom = nom[: NOM_MAX - 3] + "..."
    return RefusSmtp(550, "5.7.1", f"Piece jointe refusee ({nom}) : {raison}")


def _pieces(lu: _Lu) -> list[services.PieceRecue]:
    pieces = []
    for nom, partie in lu.pieces:
        try:
            contenu = partie.get_payload(decode=True)
        except Exception:
            raise RefusSmtp(550, "5.6.0", ILLISIBLE) from None
        if not isinstance(contenu, bytes):
            raise _piece_refusee(nom, "type non accepte.")
        try:
            pieces.append(services.PieceRecue(nom, fichiers.verifier(io.BytesIO(contenu))))
        except fichiers.FichierInvalide as refus:
            raise _piece_refusee(nom, str(refus)) from None
    return pieces


def _expediteur_entete(lu: _Lu, pro: Professionnel) -> None:
    if len(lu.auteurs) != 1 or lu.auteurs[0].lower() != pro.user.email.lower():
        raise RefusSmtp(550, "5.7.1", "L'expediteur (From) differe de l'enveloppe (MAIL FROM).")


def _reste_confidentiel(acteur, pro: Professionnel, profil: Profil) -> bool:
    """A mail that continues no conversation, from a professional who keeps a confidential
    exchange with this minor, stays confidential: never opened to the parents by a mail
    client that dropped its threading headers."""
    return acces.peut_declarer_conversation_confidentielle(acteur, profil) and (
        Conversation.objects.filter(profil=profil, professionnel=pro, confidentiel=True).exists()
    )


def recevoir(*, expediteur: str, destinataire: str, donnees: bytes) -> Message | None:
    """Store one mail whole, or refuse it (``RefusSmtp``) and store nothing. A mail whose
    Message-ID is already stored for this patient (a relay's retry) is accepted again
    without a copy; the same mail to another patient is theirs."""
    pro = professionnel_de(expediteur)
    profil = patient_de(pro, destinataire)
    lu = _lire(donnees)
    _expediteur_entete(lu, pro)
    message_id, sujet = lu.message_id, lu.sujet
    if message_id and Message.objects.filter(message_id=message_id, profil=profil).exists():
        return None
    corps, pieces = _texte(lu.corps), _pieces(lu)
    acteur = acces.acteur_professionnel(pro, profil)
    fil = lu.fil
    suite = (
        (
            Message.objects.filter(
                message_id__in=fil,
                conversation__profil=profil,
                conversation__professionnel=pro,
                conversation__fermee_le__isnull=True,
            )
            .select_related("conversation__profil", "conversation__professionnel__user")
            .order_by("-envoye_le")
            .first()
        )
        if fil
        else None
    )
    try:
        with transaction.atomic():
            if suite is None:
                return services.conversation_demarrer(
                    acteur=acteur,
                    profil=profil,
                    sujet=sujet,
                    corps=corps,
                    pieces=pieces,
                    canal=CanalMessage.SMTP,
                    adresse_professionnel=pro.user.email,
                    message_id=message_id,
                    confidentiel=_reste_confidentiel(acteur, pro, profil),
                ).messages.get()
            conversation = suite.conversation
            return services.message_repondre(
                acteur=acteur.sur(profil, role=Role.PROFESSIONNEL),
                conversation=conversation,
                corps=corps,
                pieces=pieces,
                canal=CanalMessage.SMTP,
                message_id=message_id,
                fin=services.est_fin(sujet),
            )
    except Refus as refus:
        raise reponse_refus(refus) from None
