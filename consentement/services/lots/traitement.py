"""Processing a batch: one chunk per transaction, then the minors left for later, then done.

A killed worker leaves nothing half-written: its chunk's transaction rolls back and the
chunk is done again (a done chunk is a no-op). Each attempt is counted before it starts,
so a chunk that keeps failing (a crash every time) stops after ``ESSAIS_MAX`` attempts:
its lines are reported as not processed, the other chunks go on, and the batch ends
``echec`` with a report an admin can read. No batch stays "en cours" for ever.
"""

from __future__ import annotations

import gc
import logging
from contextlib import contextmanager

from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from consentement import journal
from consentement.enums import StatutLot
from consentement.models import Lot, LotMorceau, LotRejet
from consentement.services import cycle
from consentement.services.lots.decoupage import ErreurCsv, enregistrements
from consentement.services.lots.ecriture import Ecriture, Resultat, motif_doublon
from consentement.services.lots.lignes import Rejet, Validation
from espace_sante.lib import taches

logger = logging.getLogger(__name__)
ESSAIS_MAX = 3


def _traiter(
    lot: Lot, segment: bytes, ligne_debut: int, *, definitif: bool, seulement=None, doublons=None
):
    maintenant = timezone.now()
    majorite = cycle.date_majorite(lot.date_avis)
    validation = Validation(lot.entete, majorite=majorite, aujourdhui=timezone.localdate())
    res, candidats = Resultat(), []
    try:
        for ligne, _, _, brute in enregistrements(
            segment, lot.separateur, premiere_ligne=ligne_debut
        ):
            if seulement is not None and ligne not in seulement:
                continue
            res.lignes += 1
            if originale := (doublons or {}).get(str(ligne)):
                res.rejeter(lot, ligne, "nir", motif_doublon(originale))
                continue
            try:
                candidats.append(validation.candidat(ligne, brute))
            except Rejet as r:
                res.rejeter(lot, ligne, r.champ, r.motif)
    except ErreurCsv as erreur:  # checked at upload; a defence if the file changed since
        res.rejeter(lot, ligne_debut, "", str(erreur))
    ecriture = Ecriture(
        lot,
        definitif=definitif,
        majorite=majorite,
        maintenant=maintenant,
        aujourdhui=timezone.localdate(),
    )
    ecriture.ecrire(candidats, res)
    return res


def _lire_morceau(morceau: LotMorceau) -> bytes:
    with storages["sante"].open(morceau.fichier, "rb") as f:
        return f.read()


def _morceau_libre(morceau_id: int, **etat) -> LotMorceau | None:
    """Lock the chunk (not its batch) unless another worker holds it or it is done."""
    return (
        LotMorceau.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lot")
        .filter(pk=morceau_id, **etat)
        .first()
    )


def _compter_essai(morceau_id: int) -> LotMorceau | None:
    """Count this attempt in its own transaction (a crash still counts); None if there is
    nothing to do, or if the chunk has failed too often (then it is given up)."""
    with transaction.atomic():
        morceau = _morceau_libre(morceau_id, fait=False)
        if morceau is None:
            return None
        if morceau.essais >= ESSAIS_MAX:
            _abandonner(morceau)
            return None
        morceau.essais += 1
        morceau.save(update_fields=["essais"])
        return morceau


def _abandonner(morceau: LotMorceau) -> None:
    """The chunk's lines are reported as not processed; the batch goes on without them."""
    fin = morceau.ligne_debut + morceau.nb_lignes - 1
    motif = (
        f"Lignes {morceau.ligne_debut} à {fin} non traitées : le traitement a échoué "
        f"{morceau.essais} fois ({morceau.erreur or 'arrêt du traitement'}). Déposez de nouveau "
        "ces lignes dans un autre fichier une fois le problème corrigé."
    )[:300]
    LotRejet.objects.create(lot=morceau.lot, ligne=morceau.ligne_debut, champ="", motif=motif)
    morceau.fait = morceau.differees_faites = True
    morceau.traite_le = timezone.now()
    # A given-up chunk always carries its reason: that is what marks it given up.
    morceau.erreur = morceau.erreur or "arrêt du traitement"
    morceau.save(update_fields=["fait", "differees_faites", "traite_le", "erreur"])
    Lot.objects.filter(pk=morceau.lot_id).update(
        lignes_traitees=F("lignes_traitees") + morceau.nb_lignes,
        rejetes=F("rejetes") + morceau.nb_lignes,
    )


@contextmanager
def _sans_ramasse_miettes():
    """A chunk allocates tens of thousands of short-lived, acyclic objects (rows, candidates,
    COPY lines), freed by reference counting; the cyclic collector, triggered by those
    allocations, would walk the worker's whole heap again and again (a third of a chunk's
    time in the profile of bench/RESULTS.md). Paused for the chunk, back on after."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


def morceau_traiter(morceau_id: int) -> bool:
    """Process one chunk in one transaction; False if already done or taken by another worker."""
    if _compter_essai(morceau_id) is None:
        return False
    try:
        with _sans_ramasse_miettes(), transaction.atomic():
            morceau = _morceau_libre(morceau_id, fait=False)
            if morceau is None:
                return False
            with connection.cursor() as cur:
                # Safe: the chunk and its "done" mark commit together, or are redone together.
                cur.execute("SET LOCAL synchronous_commit TO OFF")
            lot = morceau.lot
            res = _traiter(
                lot,
                _lire_morceau(morceau),
                morceau.ligne_debut,
                definitif=False,
                doublons=morceau.doublons,
            )
            morceau.fait = True
            morceau.erreur = ""  # a success clears an earlier attempt's error
            morceau.differees = res.differees
            morceau.differees_faites = not res.differees
            morceau.traite_le = timezone.now()
            morceau.save(
                update_fields=["fait", "differees", "differees_faites", "traite_le", "erreur"]
            )
            Lot.objects.filter(pk=lot.pk).update(
                lignes_traitees=F("lignes_traitees") + res.lignes,
                crees=F("crees") + res.crees,
                rejetes=F("rejetes") + res.rejetes,
            )
    except Exception as erreur:
        if taches.base_perdue(erreur):
            raise  # nothing was written: the task retries with back-off (espace_sante.lib.taches)
        logger.exception("Échec du morceau %s", morceau_id)
        LotMorceau.objects.filter(pk=morceau_id).update(erreur=f"{type(erreur).__name__}")
        if LotMorceau.objects.filter(pk=morceau_id, essais__gte=ESSAIS_MAX).exists():
            _compter_essai(morceau_id)  # gives the chunk up now, not at the next sweep
        return False
    return True


def morceaux_restants(lot_id: int) -> bool:
    return LotMorceau.objects.filter(lot_id=lot_id, fait=False).exists()


def _differees(lot_id: int) -> None:
    """Phase 2: minors whose representative was in a later chunk."""
    for morceau_id in LotMorceau.objects.filter(lot_id=lot_id, differees_faites=False).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            morceau = _morceau_libre(morceau_id, differees_faites=False)
            if morceau is None:
                continue
            res = _traiter(
                morceau.lot,
                _lire_morceau(morceau),
                morceau.ligne_debut,
                definitif=True,
                seulement=set(morceau.differees),
            )
            morceau.differees_faites = True
            morceau.save(update_fields=["differees_faites"])
            Lot.objects.filter(pk=lot_id).update(
                crees=F("crees") + res.crees, rejetes=F("rejetes") + res.rejetes
            )


def lot_finaliser(lot_id: int) -> bool:
    """Phase 2 (deferred minors), then close the batch. True once the batch is finished."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut in (StatutLot.TERMINE, StatutLot.ECHEC):
            return True
        if morceaux_restants(lot_id):
            return False
        if lot.statut != StatutLot.FINALISATION:
            lot.statut = StatutLot.FINALISATION
            lot.save(update_fields=["statut"])
    _differees(lot_id)
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut in (StatutLot.TERMINE, StatutLot.ECHEC):
            return True
        if LotMorceau.objects.filter(lot_id=lot_id, differees_faites=False).exists():
            return False
        # Given up: its attempts spent and its last error kept (a success clears the error).
        abandonnes = lot.morceaux.filter(essais__gte=ESSAIS_MAX, erreur__gt="")
        lot.statut = StatutLot.ECHEC if abandonnes.exists() else StatutLot.TERMINE
        if abandonnes.exists():
            lot.erreur = (
                f"{abandonnes.count()} morceau(x) n'ont pas pu être traités : leurs lignes "
                "figurent dans le rapport des lignes rejetées. Les autres lignes sont importées."
            )
        lot.fin = timezone.now()
        lot.save(update_fields=["statut", "fin", "erreur"])
        journal.lot_termine(lot=lot)
    return True
