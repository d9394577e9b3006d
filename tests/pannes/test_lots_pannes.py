"""Batches that finish right: in-file duplicates decided before the chunks run, a retried
chunk that succeeds is not "given up", a lost database is waited for, and printing the
letters never undoes the emails' hand-over."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from consentement import tasks
from consentement.enums import StatutLot
from consentement.models import EnvoiAvis, Lot, LotMorceau
from consentement.services import avis, lots
from consentement.services.lots import exemple
from espace_sante.comptes.models import Profil
from tests.consentement.test_lots import adulte, importer, rejets
from tests.pannes.aide_travailleurs import Travailleurs, attendre_progres, base_perdue
from tests.pannes.processus import attendre

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(LOT_TAILLE_MORCEAU=2)
def test_a_duplicate_in_a_later_chunk_loses_to_the_earlier_line_whatever_runs_first():
    p1 = adulte(1)
    contenu = exemple.fichier([p1, adulte(2), adulte(3), list(p1)])  # lines 2 and 5: one NIR
    lot = lots.lot_creer(nom_fichier="doublons.csv", contenu=contenu)
    premier, second = lots.lot_decouper(lot.pk)
    assert lots.morceau_traiter(second)  # the later chunk runs first (parallel workers)
    assert lots.morceau_traiter(premier)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    assert rejets(lot) == {(5, "nir"): "Doublon dans le fichier : même NIR qu'à la ligne 2."}
    assert Profil.objects.get(lot_numero=lot.pk, nir_hash=Profil.objects.get(lot_ligne=2).nir_hash)
    assert (lot.statut, lot.crees, lot.rejetes, lot.erreur) == (StatutLot.TERMINE, 3, 1, "")


@override_settings(LOT_TAILLE_MORCEAU=2)
def test_a_chunk_that_succeeds_on_its_last_attempt_leaves_the_batch_finished():
    lot = lots.lot_creer(nom_fichier="essais.csv", contenu=exemple.fichier([adulte(1), adulte(2)]))
    (morceau_id,) = lots.lot_decouper(lot.pk)
    LotMorceau.objects.filter(pk=morceau_id).update(essais=2, erreur="OperationalError")
    assert lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    assert (lot.statut, lot.crees, lot.rejetes, lot.erreur) == (StatutLot.TERMINE, 2, 0, "")
    assert LotMorceau.objects.get(pk=morceau_id).erreur == ""


@override_settings(LOT_TAILLE_MORCEAU=2)
def test_a_chunk_killed_at_every_attempt_is_reported_given_up():
    lot = lots.lot_creer(nom_fichier="tue.csv", contenu=exemple.fichier([adulte(1), adulte(2)]))
    (morceau_id,) = lots.lot_decouper(lot.pk)
    LotMorceau.objects.filter(pk=morceau_id).update(essais=3)  # three SIGKILLs: no error text
    assert not lots.morceau_traiter(morceau_id)
    assert lots.lot_finaliser(lot.pk)
    lot.refresh_from_db()
    assert lot.statut == StatutLot.ECHEC and lot.crees == 0 and "1 morceau" in lot.erreur


def _attend_un_verrou() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")  # read afresh inside a transaction
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cur.fetchone()[0] > 0


def test_printing_the_letters_never_sets_the_emails_hand_over_back_to_null():
    lot = importer([adulte(1), adulte(2, email="")])  # one email and one letter
    envoi = EnvoiAvis.objects.get(lot=lot)
    assert (envoi.nb_emails, envoi.nb_courriers, envoi.emails_envoyes_le) == (1, 1, None)
    erreurs = []

    def imprimer():
        try:
            avis.lot_lettres_imprimer(lot.pk)
        except Exception as e:  # reported in the main thread
            erreurs.append(e)
        finally:
            connection.close()

    fil = threading.Thread(target=imprimer, daemon=True)
    with transaction.atomic():  # the emails' run hands the row over while letters print
        EnvoiAvis.objects.filter(pk=envoi.pk).update(emails_envoyes_le=timezone.now())
        fil.start()
        attendre(lambda: _attend_un_verrou() or not fil.is_alive(), delai=30, message="impression")
    fil.join(timeout=30)
    assert not fil.is_alive() and not erreurs, erreurs
    envoi.refresh_from_db()
    assert envoi.emails_envoyes_le is not None and envoi.courriers_imprimes_le is not None
    assert envoi.contenu is None  # both channels done: the codes are emptied
    assert Lot.objects.get(pk=lot.pk).lettres_nombre == 1


def test_a_batch_resumes_by_itself_after_the_database_was_lost_mid_batch():
    travailleurs = Travailleurs({"LOT_TAILLE_MORCEAU": "100"})
    try:
        travailleurs.demarrer(concurrence=2)
        lot = lots.lot_creer(nom_fichier="panne.csv", contenu=exemple.fichier(exemple.lignes(2000)))
        tasks.lot_demarrer.apply_async([lot.pk], queue=travailleurs.file)

        def traitees():
            return Lot.objects.filter(pk=lot.pk).values_list("lignes_traitees", flat=True)[0]

        attendre(lambda: traitees() >= 200, delai=60, message="le worker n'a pas commencé")
        with base_perdue():
            time.sleep(3)  # queued chunks meet the lost database meanwhile
        assert traitees() < 2000, "le lot a fini avant la panne : le test ne prouve rien"

        def etat():
            return Lot.objects.filter(pk=lot.pk).values_list("statut", "lignes_traitees")[0]

        # No beat, no restart: the tasks themselves retry once the database is back.
        attendre_progres(etat, (StatutLot.TERMINE, 2000), message="reprise après la panne")
        lot.refresh_from_db()
        assert (lot.crees, lot.rejetes, lot.erreur) == (2000, 0, "")
    finally:
        travailleurs.arreter_tous()
