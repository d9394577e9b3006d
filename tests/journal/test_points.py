"""Signed checkpoints of the chain heads, outside PostgreSQL: the normal path."""

import json
import os

import pytest
from django.conf import settings
from django.core.management import call_command

from espace_sante.comptes.enums import Role
from espace_sante.journal import points, signature, tasks
from espace_sante.journal.empreinte import HASH_ORIGINE, json_canonique
from espace_sante.journal.models import TeteChaine
from espace_sante.journal.selectors import verifier_tout
from espace_sante.journal.services import journaliser_connexion
from tests.journal.factories import bascules
from tests.journal.falsification import lignes_de_points

pytestmark = pytest.mark.django_db


def _ecrire(user, n=1):
    bascules(n, user=user, role=Role.TITULAIRE, profil=user.profil)


def test_a_checkpoint_seals_every_head_that_moved_signed_and_chained(patient, parent, capsys):
    _ecrire(patient, 2)
    journaliser_connexion(user=parent, role=Role.TITULAIRE)
    call_command("journal_checkpoint")
    assert "Point de contrôle n° 1 : 2 tête(s)" in capsys.readouterr().out
    _ecrire(patient)
    assert tasks.point_de_controle() == 1  # only the chain that moved
    assert tasks.point_de_controle() == 0  # nothing moved: no line
    fichier, lignes = lignes_de_points()
    assert fichier.name.startswith("points-") and len(lignes) == 2
    premiere, seconde = (json.loads(ligne) for ligne in lignes)
    tetes = {t.chaine: [t.rang, t.hash] for t in TeteChaine.objects.all()}
    assert premiere["precedent"] == HASH_ORIGINE and premiere["numero"] == 1
    assert set(premiere["tetes"]) == set(tetes) and seconde["numero"] == 2
    assert seconde["tetes"] == {f"profil:{patient.profil.pk}": tetes[f"profil:{patient.profil.pk}"]}
    assert seconde["precedent"] != premiere["precedent"]
    contenu = {k: v for k, v in seconde.items() if k != "signature"}
    assert signature.verifier(json_canonique(contenu), seconde["signature"], cle=seconde["cle"])
    assert verifier_tout() == []


def test_lines_are_only_ever_appended(patient):
    _ecrire(patient)
    call_command("journal_checkpoint")
    fichier, (premiere,) = lignes_de_points()
    inode = os.stat(fichier).st_ino
    _ecrire(patient)
    call_command("journal_checkpoint")
    assert fichier.read_bytes().startswith(premiere) and os.stat(fichier).st_ino == inode
    assert oct(os.stat(fichier).st_mode & 0o777) == "0o640"


def test_a_retired_signing_key_still_verifies_its_checkpoints(patient, settings):
    _ecrire(patient)
    call_command("journal_checkpoint")
    ancienne = signature.cle_publique()
    settings.JOURNAL_SIGNING_KEY = "bm91dmVsbGUtY2xlLWRlLXNpZ25hdHVyZS0zMm9jdCE="
    assert points.lire().anomalies  # signed by a key no longer known
    settings.JOURNAL_PREVIOUS_PUBLIC_KEYS = [ancienne]
    assert points.lire().anomalies == [] and verifier_tout() == []


def test_verify_warns_when_no_checkpoint_was_ever_written(patient, capsys):
    _ecrire(patient)
    call_command("journal_verify")
    assert "Aucun point de contrôle" in capsys.readouterr().out
    call_command("journal_checkpoint")
    call_command("journal_verify")
    assert "Aucun point de contrôle" not in capsys.readouterr().out


def test_beat_runs_the_checkpoint_every_ten_minutes():
    tache = settings.CELERY_BEAT_SCHEDULE["journal-point-de-controle"]
    assert tache == {"task": "espace_sante.journal.tasks.point_de_controle", "schedule": 600}
    assert tasks.point_de_controle.name == tache["task"]
