"""Issue 19, point 6: a legitimate restore, re-anchored by a signed, journaled record.

Restoring a backup taken before the latest checkpoint looked exactly like tampering
("la tête de chaîne a reculé") and nothing could re-anchor the chains. Now the operator
signs a restore record (journal_restauration): verification accepts it as the chains'
new anchor and says so every time; a chain that went back otherwise (a deletion) is
refused by it and still reported. The last test runs the whole procedure of
docs/operations.md — backup, more writes, destruction, point-in-time restore,
re-anchoring, verification, reading a document — on its own PostgreSQL.

Transactional tests: the witness is written when a write really commits.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from espace_sante.comptes.enums import Role
from espace_sante.journal.empreinte import json_canonique
from espace_sante.journal.models import Entree
from espace_sante.journal.selectors import verifier_profil
from tests.journal.factories import bascule
from tests.journal.falsification import (
    lignes_de_points,
    modifier_ligne,
    reculer_tete,
    restaurer_avant,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _ecrire(patient, mineur, parent, n=2):
    for _ in range(n):
        bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
        bascule(user=parent, role=Role.REPRESENTANT, profil=mineur)


@pytest.fixture
def restauree(patient, parent, mineur):
    """A backup, more writes and a checkpoint after it, then the backup restored."""
    _ecrire(patient, mineur, parent)
    call_command("journal_checkpoint")
    sauvegarde = timezone.now()
    _ecrire(patient, mineur, parent)  # after the backup: lost by the restore
    call_command("journal_checkpoint")
    _ecrire(patient, mineur, parent, n=1)  # witnessed, not yet sealed: lost too
    restaurer_avant(sauvegarde)
    return patient.profil, mineur


def test_a_restore_before_the_last_checkpoint_looks_like_a_rollback_until_re_anchored(
    capsys, restauree
):
    profil, mineur = restauree
    assert "reculé" in str(verifier_profil(profil))
    with pytest.raises(CommandError):
        call_command("journal_verify")
    with pytest.raises(CommandError, match="non consignée"):
        call_command("journal_checkpoint")

    call_command("journal_restauration", motif="Disque perdu, sauvegarde du matin", operateur="Op")
    sortie = capsys.readouterr().out
    assert "Restauration signée n° 3" in sortie and "rangs 3 à 5 perdus" in sortie

    call_command("journal_verify")  # intact again, and the restore is said
    sortie = capsys.readouterr().out
    assert "RESTAURATION — Restauration signée n° 3" in sortie and "par Op" in sortie
    assert "Disque perdu" in sortie and "Journal intègre" in sortie
    assert verifier_profil(profil) is None and verifier_profil(mineur) is None
    # Journaled, on the system's chain and in each person's own history.
    assert Entree.objects.filter(action="journal_restauration", profil=profil).exists()
    assert Entree.objects.filter(action="journal_restauration", chaine="systeme").exists()
    # Life goes on from the new anchor: sealed again, and a later truncation is caught.
    bascule(user=profil.titulaire, role=Role.TITULAIRE, profil=profil)
    call_command("journal_checkpoint")
    reculer_tete(f"profil:{profil.pk}", de=2)
    assert "reculé" in str(verifier_profil(profil))


def test_a_deletion_is_never_taken_for_a_restore(capsys, patient, parent, mineur):
    _ecrire(patient, mineur, parent)
    call_command("journal_checkpoint")
    _ecrire(patient, mineur, parent)
    chaine = f"profil:{mineur.pk}"
    reculer_tete(chaine, de=2)  # the minor's newest entries, while newer ones remain elsewhere
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    with pytest.raises(CommandError, match="non réancrée"):
        call_command("journal_restauration", motif="Restauration de la sauvegarde", operateur="X")
    erreurs = capsys.readouterr().err
    assert chaine in erreurs and "ce n'est pas une restauration" in erreurs
    assert not any(
        json.loads(ligne).get("type") == "restauration" for ligne in lignes_de_points()[1]
    )
    assert "reculé" in str(verifier_profil(mineur))


def test_a_restore_record_names_its_chains_the_others_are_still_judged(
    patient, parent, mineur, restauree
):
    call_command("journal_restauration", motif="Restauration de la sauvegarde", operateur="Op")
    # After the re-anchoring, the owner erases the patient's newest entry: reported.
    _ecrire(patient, mineur, parent, n=1)
    reculer_tete(f"profil:{patient.profil.pk}", de=1)
    assert "reculé" in str(verifier_profil(patient.profil))
    assert verifier_profil(mineur) is None


def test_a_forged_restore_record_is_refused(restauree):
    profil, _ = restauree
    call_command("journal_restauration", motif="Restauration de la sauvegarde", operateur="Op")
    cle = Ed25519PrivateKey.generate()

    def resigner(donnees):
        donnees["motif"] = "autre chose"
        contenu = {k: v for k, v in donnees.items() if k != "signature"}
        donnees["signature"] = base64.b64encode(cle.sign(json_canonique(contenu))).decode()

    modifier_ligne(3, resigner)
    motif = str(verifier_profil(profil))
    assert "signature invalide" in motif
    with pytest.raises(CommandError):
        call_command("journal_verify")


def test_an_attestation_of_an_entry_a_restore_lost_says_so_not_tampering(patient, parent, mineur):
    from espace_sante.journal.attestation import attester, verifier_attestation

    _ecrire(patient, mineur, parent)
    call_command("journal_checkpoint")
    sauvegarde = timezone.now()
    _ecrire(patient, mineur, parent)
    attestation = attester(patient.profil)  # rank 4, kept by the patient
    restaurer_avant(sauvegarde)
    call_command("journal_restauration", motif="Restauration de la sauvegarde", operateur="Op")
    _ecrire(patient, mineur, parent)  # rank 4 holds a new entry now
    (probleme,) = verifier_attestation(attestation)
    assert "perdue par la restauration signée n° 2" in probleme
    assert "Restauration de la sauvegarde" in probleme


def test_nothing_to_re_anchor_when_nothing_went_back(capsys, patient, parent, mineur):
    _ecrire(patient, mineur, parent)
    call_command("journal_checkpoint")
    call_command("journal_restauration", motif="Vérification après exercice", operateur="Op")
    assert "rien à réancrer" in capsys.readouterr().out
    assert len(lignes_de_points()[1]) == 1


# --- The whole procedure, on its own PostgreSQL -----------------------------------------


@pytest.mark.django_db(transaction=False)
def test_backup_write_destroy_point_in_time_restore_re_anchor_verify_and_read():
    # Not under pytest's tmp_path: other pytest sessions chmod 0700 its root, which the
    # server's own system user (when run as root) must traverse.
    dossier = Path(tempfile.mkdtemp(prefix="exercice-restauration-", dir="/tmp"))
    script = Path(settings.BASE_DIR) / "tools" / "sauvegarde_restauration.py"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PYTEST_XDIST_WORKER"}}
    # This worker's test database, already migrated: copied instead of a minute of migrate.
    reglages = connection.settings_dict
    modele = f"host={reglages['HOST']} dbname={reglages['NAME']} user={reglages['USER']}"
    resultat = subprocess.run(
        [sys.executable, str(script), "--dossier", str(dossier), "--modele", modele],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    shutil.rmtree(dossier, ignore_errors=True)
    sortie = resultat.stdout + resultat.stderr
    assert resultat.returncode == 0, sortie[-4000:]
    for etape in (
        "la tête de chaîne a reculé",  # journal_verify before re-anchoring
        "Restauration signée n°",
        "Journal intègre",
        "document restauré lu et déchiffré",
        "document écrit après le point de restauration : absent",
        "objet(s) ré-enveloppé(s)",
        "document relu sous la seule nouvelle clé maîtresse",
        "signés par l'ancienne clé : acceptés",
    ):
        assert etape in sortie, sortie[-4000:]
