"""Deletion requests to services, through an outbox: the row is written with the
revocation (same transaction), Celery delivers it after the commit, a sweep every minute
retries what failed or what the broker lost, with a growing delay (1, 2, 4 … minutes, at
most a day) and without ever giving up: the person sees its state until it is received.

The request is a JSON POST to the service's declared address, signed with the service's
own secret (HMAC-SHA256 over ``<timestamp>.<body>``, header ``X-Espace-Sante-Signature:
t=<timestamp>,v1=<hex>``), through ``lib.sortant``: https to a public address only,
checked again on the resolved address at each send, never following a redirect. Any 2xx
means received. What the admin sees of a failure is one of two words (address refused,
not received): never the error or the status, which would tell a publisher which ports
answer behind the address they typed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import urllib3
from django.db import transaction
from django.utils import timezone

from catalogue import journal
from catalogue.enums import EtatSuppression
from catalogue.models import DemandeSuppression
from consentement.acces import Acteur
from espace_sante.lib import sortant
from espace_sante.lib.taches import planifier

logger = logging.getLogger(__name__)

DELAI_MAX = timedelta(days=1)
TIMEOUT_SECONDES = 10
EN_TETE = "X-Espace-Sante-Signature"
ADRESSE_REFUSEE = "Adresse refusée (https, serveur public)"
NON_RECUE = "Non reçue par le service"


def demande_creer(*, acteur: Acteur, connexion, portees: list[str]) -> DemandeSuppression:
    """The row first (inside the caller's transaction), the delivery after the commit."""
    demande = DemandeSuppression.objects.create(
        connexion=connexion, profil=connexion.profil, portees=sorted(portees)
    )
    journal.suppression_demandee(acteur, demande)
    planifier("catalogue.tasks.suppression_livrer", demande.pk)
    return demande


def corps(demande: DemandeSuppression) -> bytes:
    return json.dumps(
        {
            "type": "demande_de_suppression",
            "id": str(demande.public_id),
            "patient": str(demande.profil.public_id),
            "portees": demande.portees,
            "demandee_le": demande.cree_le.isoformat(),
            "texte": "La personne a retiré son autorisation : supprimez les données de ce "
            "patient que vous avez obtenues d'espace-santé sous ces portées.",
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def signature(secret: str, horodatage: int, contenu: bytes) -> str:
    message = str(horodatage).encode() + b"." + contenu
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verifier_signature(secret: str, en_tete: str, contenu: bytes, *, tolerance=300) -> bool:
    """What a service does on reception (documented on the publishers' page; tests use it)."""
    try:
        morceaux = dict(part.split("=", 1) for part in en_tete.split(","))
        horodatage = int(morceaux["t"])
    except (ValueError, KeyError):
        return False
    if abs(time.time() - horodatage) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, horodatage, contenu), morceaux.get("v1", ""))


def delai(essais: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(essais - 1, 0)), DELAI_MAX)


def _envoyer(demande: DemandeSuppression) -> str | None:
    """POST the signed request; None when received, else the reason (kept for the admin)."""
    service = demande.connexion.service
    contenu = corps(demande)
    horodatage = int(time.time())
    en_tetes = {
        "Content-Type": "application/json",
        EN_TETE: f"t={horodatage},v1={signature(service.secret_suppression, horodatage, contenu)}",
        "User-Agent": "espace-sante/suppressions",
    }
    try:
        statut = sortant.poster(
            service.url_suppression, contenu=contenu, en_tetes=en_tetes, timeout=TIMEOUT_SECONDES
        )
    except sortant.AdresseRefusee:
        return ADRESSE_REFUSEE
    except (urllib3.exceptions.HTTPError, OSError):
        return NON_RECUE
    return None if 200 <= statut < 300 else NON_RECUE


def livrer(demande_id: int) -> bool:
    """Deliver one request if it is due and not held by another worker."""
    with transaction.atomic():
        demande = (
            DemandeSuppression.objects.select_for_update(skip_locked=True)
            .select_related("connexion__service", "profil")
            .filter(
                pk=demande_id, etat=EtatSuppression.A_ENVOYER, prochain_essai__lte=timezone.now()
            )
            .first()
        )
        if demande is None:
            return False
        demande.essais += 1
        erreur = _envoyer(demande)
        if erreur is None:
            demande.etat, demande.livree_le, demande.derniere_erreur = (
                EtatSuppression.LIVREE,
                timezone.now(),
                "",
            )
            journal.suppression_livree(demande)
        else:
            logger.warning("Demande de suppression %s non reçue : %s", demande.pk, erreur)
            demande.derniere_erreur = erreur[:200]
            demande.prochain_essai = timezone.now() + delai(demande.essais)
        demande.save(
            update_fields=["essais", "etat", "livree_le", "derniere_erreur", "prochain_essai"]
        )
        return erreur is None


def dues(limite: int = 200) -> list[int]:
    return list(
        DemandeSuppression.objects.filter(
            etat=EtatSuppression.A_ENVOYER, prochain_essai__lte=timezone.now()
        )
        .order_by("prochain_essai")
        .values_list("pk", flat=True)[:limite]
    )
