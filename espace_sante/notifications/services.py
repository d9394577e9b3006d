"""The one way to tell a person something: ``notifier``.

A row first (with its unique key), the channel from the person's preferences (email,
SMS), the body from the sending app's own templates, ``<gabarit>_sujet.txt``, ``.txt``
and ``_sms.txt`` (``gabarit`` names them whole: ``"agenda/notifications/rappel_rdv"``),
sent by Celery after the commit; a periodic sweep sends what the broker lost. No SMTP inside a web request.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from espace_sante.comptes.models import Profil, Representation
from espace_sante.lib.taches import planifier
from espace_sante.lib.texte import nom_affichable
from espace_sante.notifications import sms
from espace_sante.notifications.models import Canal, Notification

logger = logging.getLogger(__name__)
MAX_TENTATIVES = 10
DELAI_MAX = timedelta(hours=1)  # the back-off between two attempts stops growing here


class ServeurInjoignable(Exception):
    """The mail server could not be reached (``open()`` failed): nothing was handed over,
    the attempt is not counted against MAX_TENTATIVES."""


@dataclass(frozen=True)
class Destination:
    canal: Canal
    adresse: str
    profil: Profil | None


def _email_de(profil: Profil) -> str:
    """The address of the account once activated, else the one on file (the batch's)."""
    if profil.titulaire_id and profil.titulaire.email:
        return profil.titulaire.email
    return profil.email_contact


def destinations(profil: Profil, *, obligatoire: bool = False) -> list[Destination]:
    """Where this person wants to be told: their preferences, or (for what they must
    receive: a code, an emergency access) email, else SMS, whatever they chose."""
    email, telephone = _email_de(profil), profil.telephone
    choix = []
    if profil.notifier_par_email and email:
        choix.append(Destination(Canal.EMAIL, email, profil))
    if profil.notifier_par_sms and telephone:
        choix.append(Destination(Canal.SMS, telephone, profil))
    if not choix and obligatoire:
        if email:
            choix.append(Destination(Canal.EMAIL, email, profil))
        elif telephone:
            choix.append(Destination(Canal.SMS, telephone, profil))
    return choix


def destinations_avec_representants(profil: Profil, *, obligatoire=False) -> list[Destination]:
    """The person, and for a minor each legal representative (by their own preferences)."""
    resultat = destinations(profil, obligatoire=obligatoire)
    liens = (
        Representation.objects.actives()
        .filter(mineur=profil)
        .select_related("representant__titulaire")
    )
    for lien in liens:
        resultat += destinations(lien.representant, obligatoire=obligatoire)
    return list({(d.canal, d.adresse): d for d in resultat}.values())


@dataclass(frozen=True)
class Courrier:
    """What turns a notification into a message someone wrote: its sender (``From``), its
    headers (``Message-ID``, ``In-Reply-To``, ``References``) and its attachments, as
    (name in the encrypted ``sante`` storage, file name, MIME type): read when sending."""

    expediteur: str = ""
    entetes: dict | None = None
    pieces: list[tuple[str, str, str]] | None = None

    def champs(self) -> dict:
        return {
            "expediteur": self.expediteur,
            "entetes": self.entetes or {},
            "pieces": [list(p) for p in self.pieces or []],
        }


def _rendre(gabarit: str, canal: Canal, contexte: dict) -> tuple[str, str]:
    sujet = render_to_string(f"{gabarit}_sujet.txt", contexte).strip()
    suffixe = "_sms" if canal == Canal.SMS else ""
    corps = render_to_string(f"{gabarit}{suffixe}.txt", contexte).strip()
    return sujet[:200], corps


def notifier(
    *,
    profil: Profil | None = None,
    motif: str,
    cle: str,
    gabarit: str,
    contexte: dict,
    a: list[Destination] | None = None,
    secret: bool = False,
    obligatoire: bool = False,
    courrier: Courrier | None = None,
) -> list[Notification]:
    """Tell the person of ``profil`` (or the destinations ``a``: a professional, a minor's
    representatives) about ``motif``; one row per channel and recipient, keyed by ``cle``.
    Calling it again with the same key sends nothing more. ``courrier``: a message someone
    wrote (its sender, threading headers, attachments), sent by email only."""
    cibles = a if a is not None else destinations(profil, obligatoire=obligatoire)
    crees = []
    for cible in cibles:
        sujet, corps = _rendre(gabarit, cible.canal, {**contexte, "canal": cible.canal})
        ligne = Notification(
            cle=f"{cle}:{cible.canal}:{cible.adresse}"[:200],
            motif=motif,
            profil=cible.profil or profil,
            canal=cible.canal,
            destinataire=cible.adresse,
            sujet=sujet,
            corps=corps,
            secret=secret,
            **(courrier or Courrier()).champs(),
        )
        try:
            with transaction.atomic():
                ligne.save()
        except IntegrityError:
            continue  # already queued under this key: a retry sends nothing twice
        planifier("espace_sante.notifications.tasks.notification_envoyer", ligne.pk)
        crees.append(ligne)
    return crees


def notifier_en_masse(
    *, motif: str, gabarit: str, lignes, secret: bool = False, taille: int = 1000
) -> int:
    """Many notifications at once (a batch's notices): ``lignes`` yields (key, destination,
    context). Rows are inserted in bulk (a key already there is skipped), then one task
    drains them. Returns the number of rows written."""
    ecrites, paquet = 0, []

    def vider():
        nonlocal ecrites, paquet
        ecrites += len(Notification.objects.bulk_create(paquet, ignore_conflicts=True))
        paquet = []

    for cle, cible, contexte in lignes:
        sujet, corps = _rendre(gabarit, cible.canal, {**contexte, "canal": cible.canal})
        paquet.append(
            Notification(
                cle=f"{cle}:{cible.canal}:{cible.adresse}"[:200],
                motif=motif,
                profil=cible.profil,
                canal=cible.canal,
                destinataire=cible.adresse,
                sujet=sujet,
                corps=corps,
                secret=secret,
            )
        )
        if len(paquet) >= taille:
            vider()
    vider()
    planifier("espace_sante.notifications.tasks.notifications_vider")
    return ecrites


def _message_id(notification: Notification) -> str:
    """The email's Message-ID: the row's own when someone wrote it (messaging), else one
    derived from the row, so a resent copy is recognisably the same message."""
    entetes = {k.lower(): v for k, v in (notification.entetes or {}).items()}
    if entetes.get("message-id"):
        return entetes["message-id"]
    domaine = urlsplit(settings.SITE_URL).hostname or "espace-sante.localhost"
    return f"<{notification.cle_idempotence}@{domaine}>"


def _expedier(notification: Notification, connexion=None) -> None:
    if notification.canal == Canal.SMS:
        sms.backend().envoyer(
            notification.destinataire, notification.corps, cle=notification.cle_idempotence
        )
        return
    entetes = {k: v for k, v in (notification.entetes or {}).items() if k.lower() != "message-id"}
    message = EmailMessage(
        subject=notification.sujet,
        body=notification.corps,
        from_email=notification.expediteur or None,
        to=[notification.destinataire],
        headers={**entetes, "Message-ID": _message_id(notification)},
    )
    for stockage_nom, nom, type_mime in notification.pieces:
        with storages["sante"].open(stockage_nom) as flux:
            message.attach(nom_affichable(nom) or "piece-jointe", flux.read(), type_mime)
    la_sienne = connexion is None
    connexion = connexion or mailers.default
    ouvrir(connexion)
    try:
        connexion.send_messages([message])
    except OSError:  # the next email reconnects (or finds the server unreachable)
        with contextlib.suppress(OSError):
            connexion.close()
        raise
    finally:
        if la_sienne:
            connexion.close()


def ouvrir(connexion) -> None:
    """Connect to the mail server (nothing if already connected); ServeurInjoignable when
    it cannot be reached (refused, no route, no answer within EMAIL_TIMEOUT)."""
    try:
        connexion.open()
    except OSError as erreur:  # smtplib.SMTPException is an OSError
        raise ServeurInjoignable(type(erreur).__name__) from erreur


def bail() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_BAIL_SECONDES)


def _libres():
    """Not sent, and not held: never handed over, or handed over longer than the lease ago
    (the worker died, or the provider accepted and the commit failed)."""
    maintenant = timezone.now()
    return (
        Notification.objects.filter(envoye_le__isnull=True)
        .filter(Q(confie_le__isnull=True) | Q(confie_le__lt=maintenant - bail()))
        .filter(Q(prochain_essai_le__isnull=True) | Q(prochain_essai_le__lte=maintenant))
    )


def delai_avant_reprise(tentatives: int) -> timedelta:
    """After a failed attempt: the sweep's period, doubled at each attempt, at most an
    hour (MAX_TENTATIVES=10 attempts span about 4 hours)."""
    base = timedelta(seconds=settings.NOTIFICATIONS_RELANCE_SECONDES)
    return min(base * 2 ** max(tentatives - 1, 0), DELAI_MAX)


def _reclamer(notification_id: int) -> Notification | None:
    """Take the row for one send, in its own committed transaction: ``confie_le`` says it
    is in a provider's hands until the send is recorded."""
    with transaction.atomic():
        notification = (
            _libres().select_for_update(skip_locked=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        if notification.confie_le is not None:
            logger.warning(
                "Notification %s confiée le %s sans confirmation : nouvel envoi avec la même "
                "clé d'idempotence (un fournisseur qui l'ignore la délivre deux fois).",
                notification.pk,
                notification.confie_le.isoformat(),
            )
        notification.tentatives += 1
        notification.confie_le = timezone.now()
        notification.save(update_fields=["tentatives", "confie_le"])
    return notification


def notification_envoyer(notification_id: int, *, connexion=None) -> bool:
    """Send one notification; a row held by another worker or already sent is skipped.

    Claim (committed), send with the row's idempotency key, record: a crash between the
    provider's acceptance and the record leaves the row "confiée, non confirmée", counted
    by ``confiees_non_confirmees`` and sent again after the lease with the same key.
    A refused send is retried after ``delai_avant_reprise``; an unreachable mail server
    spends no attempt (ServeurInjoignable is raised for the sweep to stop its emails)."""
    notification = _reclamer(notification_id)
    if notification is None:
        return False
    la_notre = Notification.objects.filter(pk=notification.pk, confie_le=notification.confie_le)
    try:
        _expedier(notification, connexion)
    except ServeurInjoignable as erreur:
        logger.warning(
            "Serveur de courriel injoignable (%s) : la notification %s attend.",
            erreur,
            notification.pk,
        )
        la_notre.update(
            confie_le=None,
            tentatives=F("tentatives") - 1,
            erreur=f"Serveur injoignable ({erreur})"[:200],
        )
        raise
    except Exception as erreur:
        logger.exception("Échec d'envoi de la notification %s", notification.pk)
        la_notre.update(  # refused: not handed over; tried again later, less and less often
            confie_le=None,
            erreur=type(erreur).__name__,
            prochain_essai_le=timezone.now() + delai_avant_reprise(notification.tentatives),
        )
        return False
    champs = {"envoye_le": timezone.now()}
    if notification.secret:
        champs["corps"] = None  # a code: nowhere in clear once delivered
    la_notre.update(**champs)
    return True


def confiees_non_confirmees() -> int:
    """Deliveries handed to a provider and never recorded as sent, past the lease: what
    could still reach a person twice if its provider ignores the idempotency key."""
    return Notification.objects.filter(
        envoye_le__isnull=True, confie_le__lt=timezone.now() - bail()
    ).count()


def envoyees_purger(*, avant=None) -> int:
    """Delete the notifications sent before ``avant`` (default: NOTIFICATIONS_CONSERVATION_JOURS
    ago). What was sent is in the journal when it matters; the message itself is not kept."""
    if avant is None:
        avant = timezone.now() - timedelta(days=settings.NOTIFICATIONS_CONSERVATION_JOURS)
    supprimees, _ = Notification.objects.filter(envoye_le__lt=avant).delete()
    return supprimees


def en_attente(limite: int = 500, *, canaux=None) -> list[int]:
    lignes = _libres().filter(tentatives__lt=MAX_TENTATIVES)
    if canaux is not None:
        lignes = lignes.filter(canal__in=canaux)
    return list(lignes.order_by("cree_le").values_list("pk", flat=True)[:limite])


def en_attente_envoyer(*, budget: float | None = None) -> int:
    """Send everything pending, 500 at a time, until nothing is left (after a bulk insert,
    or in a command that does the workers' job in its own process), or ``budget`` seconds
    (default NOTIFICATIONS_BUDGET_SECONDES) have passed: the next sweep goes on.

    One mail server connection for the run: if it cannot be opened, or fails to open
    again, the run's remaining emails wait for the next sweep (one wait of EMAIL_TIMEOUT
    per sweep, not one per email) and the SMS still leave."""
    fin = time.monotonic() + (settings.NOTIFICATIONS_BUDGET_SECONDES if budget is None else budget)
    total, canaux = 0, None
    connexion = mailers.default
    try:
        ouvrir(connexion)
    except ServeurInjoignable as erreur:
        logger.warning("Serveur de courriel injoignable (%s) : les courriels attendent.", erreur)
        canaux = [Canal.SMS]
    try:
        while time.monotonic() < fin and (ids := en_attente(canaux=canaux)):
            envoyees, avant = 0, canaux
            for pk in ids:
                if time.monotonic() >= fin:
                    break
                try:
                    envoyees += notification_envoyer(pk, connexion=connexion)
                except ServeurInjoignable:
                    canaux = [Canal.SMS]
                    break
            total += envoyees
            if not envoyees and canaux == avant:
                break  # the rest is held by other workers or keeps failing: the sweep retries
    finally:
        connexion.close()
    return total
