"""Issue 18, point 4: the database owner silently erased the newest journal entries.

After a checkpoint, a professional reads a minor's record, adds a document and opens it;
the owner deletes those rows and sets the chain head back to the previous (rank, hash),
both read from the table, no key needed. The chain then verified, and the next checkpoint
sealed the shortened chain. Now the witness outside PostgreSQL (journal.temoin) saw each
head committed: verification reports the truncation and the checkpoint refuses it. And
the application's own role can no longer move a head back at all.

Transactional tests: the witness is written when a write really commits.
"""

import json
import logging

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from dossier.models import Document
from espace_sante.comptes.enums import Role
from espace_sante.journal import points, temoin
from espace_sante.journal.models import Entree, TeteChaine
from espace_sante.journal.selectors import verifier_profil
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser
from tests.journal.factories import bascule, bascules
from tests.journal.falsification import creer_role_application, lignes_de_points, reculer_tete
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tronque(client, parent, mineur, professionnel):
    """The issue's attack, step by step; returns the minor's chain and the rows erased."""
    bascule(user=parent, role=Role.REPRESENTANT, profil=mineur)
    ouvrir_acces(professionnel, mineur)
    call_command("journal_checkpoint")
    chaine = f"profil:{mineur.pk}"
    scelle = TeteChaine.objects.get(chaine=chaine).rang

    connecter(client, professionnel)
    assert client.get(reverse("dossier:pro_dossier", args=[mineur.public_id])).status_code == 200
    assert televerser(client, mineur, pdf()).status_code == 302
    document = Document.objects.get(profil=mineur)
    lu = client.get(reverse("dossier:document_fichier", args=[document.public_id]))
    assert lu.status_code == 200
    b"".join(lu.streaming_content)
    nouvelles = Entree.objects.filter(chaine=chaine, rang__gt=scelle)
    assert {"dossier_consulte", "document_ajoute", "document_consulte"} <= set(
        nouvelles.values_list("action", flat=True)
    )
    assert verifier_profil(mineur) is None

    # The owner: delete the tail, head back onto the sealed row (read from the table).
    effacees = nouvelles.count()
    reculer_tete(chaine, de=effacees)
    assert TeteChaine.objects.get(chaine=chaine).rang == scelle
    assert not Entree.objects.filter(chaine=chaine, rang__gt=scelle).exists()
    return chaine, effacees


def test_erasing_the_unsealed_tail_and_moving_the_head_back_is_reported_everywhere(
    client, parent, mineur, tronque
):
    rupture = str(verifier_profil(mineur))
    assert "témoin hors base" in rupture and "reculé" in rupture
    with pytest.raises(CommandError):
        call_command("journal_verify")
    connecter(client, parent)
    client.post(reverse("consentement:changer_profil"), {"profil": str(mineur.public_id)})
    page = client.get(reverse("dossier:historique"), {"verifier": "1"}).content.decode()
    assert "a été modifié après coup" in page


def test_the_next_checkpoint_refuses_to_seal_the_shortened_chain_and_keeps_it_owed(
    patient, mineur, tronque
):
    chaine, effacees = tronque
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)  # another chain moves
    with pytest.raises(CommandError, match="non consignée"):
        call_command("journal_checkpoint")
    _, lignes = lignes_de_points()
    derniere = json.loads(lignes[-1])
    assert chaine not in derniere["tetes"] and f"profil:{patient.profil.pk}" in derniere["tetes"]
    # The line read the witness past the erased heads: it carries what it saw of them.
    assert derniere["planchers"][chaine][0] == TeteChaine.objects.get(chaine=chaine).rang + effacees
    assert "témoin consigné au point de contrôle signé n° 2" in str(verifier_profil(mineur))
    with pytest.raises(CommandError, match="non consignée"):
        call_command("journal_checkpoint")


def test_a_rolled_back_write_is_never_taken_for_a_truncation(patient):
    profil = patient.profil
    bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    with pytest.raises(RuntimeError), transaction.atomic():
        bascule(user=patient, role=Role.TITULAIRE, profil=profil)
        raise RuntimeError("l'acte échoue : son entrée du journal part avec lui")
    assert verifier_profil(profil) is None
    call_command("journal_checkpoint")
    call_command("journal_verify")


def test_the_application_role_cannot_move_a_head_back_and_writing_goes_on(client, patient):
    profil = patient.profil
    for _ in range(3):
        bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    chaine = f"profil:{profil.pk}"
    reglages = connection.settings_dict
    with psycopg.connect(
        dbname=reglages["NAME"],
        host=reglages["HOST"] or None,
        port=reglages["PORT"] or None,
        user=creer_role_application(),
        autocommit=True,
    ) as application:
        for ordre in (
            "UPDATE journal_tetechaine SET rang = rang - 1 WHERE chaine = %s",
            "UPDATE journal_tetechaine SET rang = 0, hash = repeat('0', 64) WHERE chaine = %s",
            "UPDATE journal_tetechaine SET chaine = 'ailleurs' WHERE chaine = %s",
            "ALTER TABLE journal_tetechaine DISABLE TRIGGER journal_tetechaine_sans_recul",
            "DROP TRIGGER journal_tetechaine_sans_recul ON journal_tetechaine",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                application.execute(ordre, [chaine] if "%s" in ordre else [])
        application.execute(  # forward is how writers move it: still allowed
            "UPDATE journal_tetechaine SET rang = rang WHERE chaine = %s", [chaine]
        )
    assert TeteChaine.objects.get(chaine=chaine).rang == 3
    connecter(client, patient)
    assert televerser(client, profil, pdf()).status_code == 302  # journaled: no 500
    assert verifier_profil(profil) is None


def _ecrire_sur(parent, mineur, fois: int) -> None:
    bascules(fois, user=parent, role=Role.REPRESENTANT, profil=mineur)


def test_the_tail_erased_then_written_again_past_the_witness_is_a_fork_and_never_sealed(
    client, patient, parent, mineur, tronque
):
    """The reviewer's attack: erase ranks r+1..r+N, move the head back, and let the app
    write N+1 new entries: the head is now *past* everything the witness saw, so only the
    witnessed (rank, hash) pairs below it can tell. Each one is a seal; a rank witnessed
    with two hashes is a fork."""
    chaine, effacees = tronque
    _ecrire_sur(parent, mineur, effacees + 1)
    rupture = str(verifier_profil(mineur))
    assert "deux entrées différentes" in rupture and "effacée puis réécrite" in rupture
    with pytest.raises(CommandError):
        call_command("journal_verify")
    connecter(client, parent)
    client.post(reverse("consentement:changer_profil"), {"profil": str(mineur.public_id)})
    page = client.get(reverse("dossier:historique"), {"verifier": "1"}).content.decode()
    assert "a été modifié après coup" in page

    # The checkpoint refuses to seal past the evidence, and carries it into its line...
    for _ in range(2):
        bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)  # a line is written
        _ecrire_sur(parent, mineur, 1)
        with pytest.raises(CommandError, match="non consignée"):
            call_command("journal_checkpoint")
        _, lignes = lignes_de_points()
        derniere = json.loads(lignes[-1])
        assert chaine not in derniere["tetes"] and chaine in derniere["temoins_dus"]
        assert points.lire().dernier(chaine).numero == 1  # the fixture's, before the attack
        # ...so that once the witness tail it read is behind it, the fork is still reported.
        assert points.lire().temoin.vus.get(chaine) is None
        assert "deux entrées différentes" in str(verifier_profil(mineur))


def test_a_witnessed_rank_below_the_head_must_still_hold_its_hash(parent, mineur, tronque):
    """Without two hashes for one rank (the new writes' witness lines lost), the erased
    ranks' witnessed hashes still do not match what the database now holds there."""
    chaine, effacees = tronque
    (fichier,) = sorted(points.dossier().glob("temoins-*.jsonl"))
    avant = fichier.stat().st_size
    _ecrire_sur(parent, mineur, effacees + 1)
    with fichier.open("r+b") as flux:  # as if those appends had failed
        flux.truncate(avant)
    rupture = str(verifier_profil(mineur))
    assert "témoin hors base" in rupture and "réécrite" in rupture
    with pytest.raises(CommandError, match="non consignée"):
        call_command("journal_checkpoint")


def test_a_torn_witness_line_is_an_operator_problem_not_tampering_of_every_record(
    client, settings, patient, parent, mineur
):
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    (fichier,) = sorted(points.dossier().glob("temoins-*.jsonl"))
    with fichier.open("ab") as flux:  # a disk that filled up in the middle of a line
        flux.write(fichier.read_bytes().splitlines()[0][:40])
    _ecrire_sur(parent, mineur, 2)  # the next line lands glued after the torn one

    assert verifier_profil(patient.profil) is None
    assert verifier_profil(mineur) is None
    with pytest.raises(CommandError, match="illisible") as erreur:
        call_command("journal_verify")
    assert "rupture(s)" not in str(erreur.value)
    # The glued line was still read: its chain's head is witnessed.
    tete = TeteChaine.objects.get(chaine=f"profil:{mineur.pk}").rang
    assert points.lire().vus.dernier(f"profil:{mineur.pk}").rang == tete
    call_command("journal_checkpoint")  # the operator is told; the others are sealed
    assert client.get("/sante/pret").json()["controles"]["temoin"]["statut"] == "degrade"


def test_an_unwritable_witness_never_fails_the_act_but_shows_in_health_and_logs(
    client, settings, tmp_path, patient, caplog
):
    # A mount gone wrong: the directory's place is taken (root ignores permission bits).
    (tmp_path / "montage").write_text("pas un dossier")
    settings.JOURNAL_CHECKPOINT_DIR = tmp_path / "montage" / "points-de-controle"
    assert client.get("/sante/pret").json()["controles"]["temoin"]["statut"] == "degrade"
    temoin._dernier_log[0] = 0.0
    with caplog.at_level(logging.ERROR, logger="espace_sante.journal.temoin"):
        for _ in range(3):
            bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    assert TeteChaine.objects.get(chaine=f"profil:{patient.profil.pk}").rang == 3
    assert len([r for r in caplog.records if "Témoin du journal non écrit" in r.message]) == 1
    corps = client.get("/sante/pret").json()
    assert corps["statut"] == "degrade"
    assert corps["controles"]["temoin"]["journal_temoin_echec_age_secondes"] >= 0
    metriques = client.get("/sante/metriques").content.decode()
    assert 'espace_sante_controle_ok{controle="temoin"} 0' in metriques


def test_a_forged_witness_line_is_tampering_of_the_chain_it_names_only(patient, parent, mineur):
    """One patient's "Vérifier" reads only their chain's lines (and computes only their
    MACs): a line forged for another chain is that chain's tampering, not theirs."""
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    bascule(user=parent, role=Role.REPRESENTANT, profil=mineur)
    (fichier,) = sorted(points.dossier().glob("temoins-*.jsonl"))
    vraie = json.loads(fichier.read_bytes().splitlines()[-1])
    fausse = {**vraie, "r": vraie["r"] + 5, "m": "0" * 32}  # no key: the MAC cannot be made
    with fichier.open("ab") as flux:
        flux.write(json.dumps(fausse, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    assert "fabriquée ou modifiée" in str(verifier_profil(mineur))
    assert verifier_profil(patient.profil) is None
    with pytest.raises(CommandError, match="rupture"):
        call_command("journal_verify")
