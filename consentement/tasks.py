"""Celery tasks of the lifecycle. Each is idempotent: the truth is in PostgreSQL.

A killed worker loses nothing: its chunk's transaction rolls back, and
``lots_reprendre`` (at worker start-up and every minute) enqueues what is left.
"""

from __future__ import annotations

from datetime import timedelta

from celery.signals import worker_ready
from django.utils import timezone

from consentement.enums import StatutLot
from consentement.models import EnvoiAvis, Lot, LotMorceau
from consentement.services import avis, balayages, cycle, lots
from espace_sante.lib import taches


@taches.tache_reprise
def lot_demarrer(lot_id: int) -> int:
    restants = lots.lot_decouper(lot_id)
    for morceau_id in restants:
        lot_morceau.delay(morceau_id)
    if not restants:
        lot_finaliser.delay(lot_id)
    return len(restants)


@taches.tache_reprise
def lot_morceau(morceau_id: int) -> bool:
    fait = lots.morceau_traiter(morceau_id)
    lot_id = LotMorceau.objects.filter(pk=morceau_id).values_list("lot_id", flat=True).first()
    if lot_id and not lots.morceaux_restants(lot_id):
        lot_finaliser.delay(lot_id)
    return fait


@taches.tache_reprise
def lot_finaliser(lot_id: int) -> bool:
    termine = lots.lot_finaliser(lot_id)
    if termine:
        lot_lettres.delay(lot_id)
        for envoi_id in EnvoiAvis.objects.filter(
            lot_id=lot_id, nb_emails__gt=0, emails_envoyes_le__isnull=True
        ).values_list("pk", flat=True):
            avis_envoyer.delay(envoi_id)
    return termine


@taches.tache_reprise
def lot_lettres(lot_id: int) -> int:
    return avis.lot_lettres_imprimer(lot_id)


@taches.tache_reprise
def avis_envoyer(envoi_id: int) -> int:
    return avis.courriels_confier(envoi_id)


@taches.tache_reprise
def lots_reprendre(force: bool = False) -> int:
    """Enqueue whatever a stopped worker left: uncut batches, pending chunks, finalisation.

    Every few minutes (beat), a batch still moving is left alone; at worker start-up
    (``force``) everything pending is enqueued again (a done chunk is a no-op).
    """
    n = 0
    recent = timezone.now() - timedelta(minutes=2)
    for lot in Lot.objects.filter(
        statut__in=[StatutLot.RECU, StatutLot.EN_COURS, StatutLot.FINALISATION]
    ):
        if not force and lot.morceaux.filter(traite_le__gte=recent).exists():
            continue
        if lot.statut == StatutLot.RECU:
            lot_demarrer.delay(lot.pk)
        elif lots.morceaux_restants(lot.pk):
            for morceau_id in lot.morceaux.filter(fait=False).values_list("pk", flat=True):
                lot_morceau.delay(morceau_id)
        else:
            lot_finaliser.delay(lot.pk)
        n += 1
    return n


@taches.tache_reprise
def avis_relancer() -> int:
    """Notices whose enqueueing was lost (broker down): send them now."""
    limite = timezone.now() - timedelta(minutes=5)
    envois = EnvoiAvis.objects.filter(
        nb_emails__gt=0, emails_envoyes_le__isnull=True, cree_le__lt=limite
    ).exclude(lot__statut__in=[StatutLot.EN_COURS, StatutLot.FINALISATION])
    n = 0
    for envoi_id in envois.values_list("pk", flat=True):
        avis_envoyer.delay(envoi_id)
        n += 1
    for lot_id in Lot.objects.filter(statut=StatutLot.TERMINE, lettres="").values_list(
        "pk", flat=True
    ):
        if EnvoiAvis.objects.filter(lot_id=lot_id, nb_courriers__gt=0).exists():
            lot_lettres.delay(lot_id)
    return n


@taches.tache_reprise
def annonces_echoir() -> int:
    return balayages.annonces_echoir()


@taches.tache_reprise
def suppressions_executer() -> int:
    return cycle.suppressions_executer()


@taches.tache_reprise
def majorites_traiter() -> int:
    return balayages.majorites_traiter()


@worker_ready.connect
def _reprendre_au_demarrage(sender=None, **kwargs):
    lots_reprendre.delay(force=True)
