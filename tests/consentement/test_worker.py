"""A batch processed by real Celery workers, killed with SIGKILL mid-batch, then restarted."""

import os
import time
from pathlib import Path

import pytest
from django.db import connection

from consentement import tasks
from consentement.enums import StatutLot
from consentement.models import EnvoiAvis, Lot, LotMorceau
from consentement.services import lots
from consentement.services.lots import exemple
from espace_sante import embedded
from espace_sante.celery import app
from espace_sante.comptes.models import Profil
from tests.pannes.processus import attendre, file_videe

# Alone, after the parallel suite (``make test``'s second run): the recovery it checks is
# timed by leases and sweeps, and a parallel run starves the worker it kills and restarts.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.seul]


def attendre_total(mesure, cible: int, *, calme=60.0, message=""):
    """Wait until ``mesure()`` reaches ``cible``, as long as it keeps moving: a loaded machine
    only slows the workers down; a stall of ``calme`` seconds is a failure (work lost)."""
    dernier, depuis = mesure(), time.monotonic()
    while dernier != cible:
        time.sleep(0.2)
        valeur = mesure()
        assert valeur <= cible, f"{message} : {valeur} pour {cible} attendus (envoyés deux fois)"
        if valeur != dernier:
            dernier, depuis = valeur, time.monotonic()
        elif time.monotonic() - depuis > calme:
            raise AssertionError(f"Plus rien ne bouge : {message} ({dernier} sur {cible})")


@pytest.fixture
def travailleurs(tmp_path):
    """Start workers on this test's database and a queue of their own."""
    file = f"test-lots-{os.getpid()}"
    demarres = []

    def demarrer():
        p = embedded.demarrer_travailleur(
            base=connection.settings_dict["NAME"],
            file=file,
            env_extra={"LOT_TAILLE_MORCEAU": "400", "EMAIL_FILE_PATH": str(tmp_path / "emails")},
        )
        demarres.append(p)
        return p

    demarrer.file = file
    demarrer.emails = tmp_path / "emails"
    yield demarrer
    for p in demarres:
        embedded.arreter_travailleur(p, brutal=True)


def _messages(dossier: Path) -> int:
    if not dossier.exists():
        return 0
    return sum(f.read_text().count("\nSubject: ") for f in dossier.iterdir())


def test_sigkill_mid_batch_then_restart_finishes_with_no_duplicate_and_nothing_missing(
    travailleurs,
):
    lignes = list(exemple.lignes(12_000))
    lignes[100] = list(lignes[99])  # one duplicate row: 29 999 profiles expected
    lot = lots.lot_creer(nom_fichier="pays.csv", contenu=exemple.fichier(lignes))
    premier = travailleurs()
    tasks.lot_demarrer.apply_async([lot.pk], queue=travailleurs.file)

    def avance():
        lot.refresh_from_db()
        return lot.lignes_traitees >= 1200

    attendre(avance, delai=120, message="le worker n'a pas commencé")
    embedded.arreter_travailleur(premier, brutal=True)  # SIGKILL, mid-batch
    lot.refresh_from_db()
    faits = LotMorceau.objects.filter(lot=lot, fait=True).count()
    assert lot.statut == StatutLot.EN_COURS and 0 < faits < 30, (lot.statut, faits)
    # What was committed is exactly the chunks marked done.
    assert Profil.objects.filter(lot_numero=lot.pk).count() == lot.crees

    travailleurs()  # a fresh worker resumes from PostgreSQL at start-up
    attendre(
        lambda: Lot.objects.get(pk=lot.pk).statut == StatutLot.TERMINE, delai=120, message="reprise"
    )
    lot.refresh_from_db()
    assert (lot.crees, lot.rejetes, lot.lignes_traitees) == (11_999, 1, 12_000)
    profils = Profil.objects.filter(lot_numero=lot.pk)
    assert profils.count() == 11_999
    assert profils.values("lot_ligne").distinct().count() == 11_999
    assert list(lot.rejets.values_list("ligne", "champ")) == [(102, "nir")]
    assert sum(e.nb_emails + e.nb_courriers for e in EnvoiAvis.objects.filter(lot=lot)) == 11_999

    emails = sum(1 for ligne in lignes if ligne[7]) - (1 if lignes[100][7] else 0)
    # Sends the killed worker had claimed come back when their lease (120 s) ends, at the
    # next resend sweep (every 30 s): a pause up to ~150 s is the design, not lost work.
    attendre_total(lambda: _messages(travailleurs.emails), emails, calme=200.0, message="courriels")
    attendre(lambda: bool(Lot.objects.get(pk=lot.pk).lettres), delai=120, message="courriers")
    file_videe(app.conf.broker_url, travailleurs.file)  # every task the batch queued has run
    assert _messages(travailleurs.emails) == emails  # each notice sent once

    # The same people in another file (other separator, BOM): nothing new is created.
    autre = lots.lot_creer(
        nom_fichier="pays-bis.csv",
        contenu=exemple.fichier(lignes[:500], separateur=";", bom=True),
    )
    tasks.lot_demarrer.apply_async([autre.pk], queue=travailleurs.file)
    attendre(
        lambda: Lot.objects.get(pk=autre.pk).statut == StatutLot.TERMINE,
        delai=120,
        message="ré-import",
    )
    autre.refresh_from_db()
    assert (autre.crees, autre.rejetes) == (0, 500)
    assert Profil.objects.count() == 11_999
