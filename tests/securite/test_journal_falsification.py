"""Item 9: "the journal can be rewritten by whoever holds the database".

Each test plays the attacker: with the database (superuser), with or without the
journal key, against the signed checkpoints kept outside PostgreSQL, and as the
application's own database role.
"""

import base64
import json

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from dossier.models import Document
from espace_sante.comptes.enums import Role
from espace_sante.journal.empreinte import empreinte, empreinte_sha256, json_canonique
from espace_sante.journal.models import Entree
from espace_sante.journal.selectors import verifier_profil
from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser
from tests.journal.factories import bascule
from tests.journal.falsification import (
    creer_role_application,
    en_role_application,
    lignes_de_points,
    modifier_ligne,
    reculer_tete,
    reecrire_chaine,
)
from tests.lib.corpus import pdf, stocke

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier_consulte(client, patient, professionnel):
    """A patient's chain holding 7 entries by a professional among the patient's own."""
    profil = patient.profil
    bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    for _ in range(6):
        client.get(reverse("dossier:pro_dossier", args=[profil.public_id]))
    for _ in range(2):
        bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    chaine = f"profil:{profil.pk}"
    du_pro = list(
        Entree.objects.filter(chaine=chaine, acteur=professionnel).values_list("pk", flat=True)
    )
    assert len(du_pro) == 7 and verifier_profil(profil) is None
    return profil, chaine, du_pro


def _detecte_partout(client, patient, profil) -> str:
    """The rupture, as journal_verify and as the patient's "Vérifier" both see it."""
    rupture = verifier_profil(profil)
    assert rupture is not None
    with pytest.raises(CommandError):
        call_command("journal_verify")
    connecter(client, patient)
    page = client.get(reverse("dossier:historique"), {"verifier": "1"}).content.decode()
    assert "a été modifié après coup" in page
    return str(rupture)


# --- Rewriting the chains ---------------------------------------------------------------


def test_the_issue_attack_deleting_a_professionals_entries_with_sha256_recomputed_is_detected(
    client, patient, dossier_consulte
):
    profil, chaine, du_pro = dossier_consulte
    reecrire_chaine(chaine, supprimer=du_pro, hacher=empreinte_sha256)
    assert Entree.objects.filter(chaine=chaine).count() == 3
    assert "clé du journal" in _detecte_partout(client, patient, profil)


def test_rewriting_with_a_guessed_key_is_detected(client, patient, dossier_consulte):
    profil, chaine, du_pro = dossier_consulte
    reecrire_chaine(chaine, supprimer=du_pro, hacher=lambda e: empreinte(e, cle="devinee"))
    assert "contenu modifié" in _detecte_partout(client, patient, profil)


def test_rewriting_with_the_key_known_is_caught_by_the_signed_checkpoint(
    client, patient, dossier_consulte
):
    profil, chaine, du_pro = dossier_consulte
    call_command("journal_checkpoint")
    reecrire_chaine(chaine, supprimer=du_pro, hacher=empreinte)
    motif = _detecte_partout(client, patient, profil)
    assert "point de contrôle signé n° 1" in motif and "reculé" in motif


def test_rewriting_a_middle_row_with_the_key_known_is_caught_by_the_checkpoint(
    client, patient, dossier_consulte
):
    profil, chaine, _ = dossier_consulte
    call_command("journal_checkpoint")
    premiere = Entree.objects.get(chaine=chaine, rang=1)
    reecrire_chaine(chaine, supprimer=[premiere.pk], hacher=empreinte)
    # Same length again: the rewrite now ends on a row at the sealed rank.
    bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    motif = _detecte_partout(client, patient, profil)
    assert "ne correspond plus au point de contrôle signé n° 1" in motif


def test_a_head_rolled_back_after_a_checkpoint_is_detected(client, patient, dossier_consulte):
    profil, chaine, _ = dossier_consulte
    call_command("journal_checkpoint")
    reculer_tete(chaine, de=3)
    assert "la tête de chaîne a reculé" in _detecte_partout(client, patient, profil)


def test_the_checkpoint_writer_refuses_to_seal_a_rolled_back_chain(patient, dossier_consulte):
    profil, chaine, _ = dossier_consulte
    call_command("journal_checkpoint")
    reculer_tete(chaine, de=3)
    bascule(user=patient, role=Role.TITULAIRE, profil=profil)
    with pytest.raises(CommandError, match="non consignée"):
        call_command("journal_checkpoint")
    _, lignes = lignes_de_points()
    assert all(chaine not in json.loads(ligne)["tetes"] for ligne in lignes[1:])
    assert "point de contrôle signé n° 1" in str(verifier_profil(profil))


# --- Tampering with the checkpoints -----------------------------------------------------


@pytest.fixture
def trois_points(patient):
    profil = patient.profil
    for _ in range(3):
        bascule(user=patient, role=Role.TITULAIRE, profil=profil)
        call_command("journal_checkpoint")
    assert len(lignes_de_points()[1]) == 3 and verifier_profil(profil) is None
    return profil


def test_a_removed_checkpoint_line_is_detected(client, patient, trois_points):
    fichier, lignes = lignes_de_points()
    fichier.write_bytes(lignes[0] + lignes[2])
    motif = _detecte_partout(client, patient, trois_points)
    assert "ligne 2" in motif and "ligne supprimée" in motif


def test_an_edited_checkpoint_line_is_detected(client, patient, trois_points):
    def reculer(donnees):
        for tete in donnees["tetes"].values():
            tete[0] -= 1

    modifier_ligne(3, reculer)
    assert "signature invalide" in _detecte_partout(client, patient, trois_points)


def test_a_checkpoint_line_signed_with_another_key_is_rejected(client, patient, trois_points):
    cle = Ed25519PrivateKey.generate()

    def resigner(donnees):
        donnees["tetes"] = {}
        contenu = {k: v for k, v in donnees.items() if k != "signature"}
        donnees["signature"] = base64.b64encode(cle.sign(json_canonique(contenu))).decode()

    modifier_ligne(3, resigner)
    assert "clé inconnue" in _detecte_partout(client, patient, trois_points)


# --- The patient's attestation ----------------------------------------------------------


def _attestation(client, patient) -> dict:
    connecter(client, patient)
    return json.loads(client.get(reverse("dossier:historique_attestation")).content)


def test_an_attestation_no_longer_holds_once_the_history_is_rewritten_with_the_key(
    client, patient, dossier_consulte
):
    from espace_sante.journal.attestation import verifier_attestation

    profil, chaine, du_pro = dossier_consulte
    attestation = _attestation(client, patient)
    assert verifier_attestation(attestation) == []
    reecrire_chaine(chaine, supprimer=du_pro, hacher=empreinte)  # no checkpoint at all
    problemes = verifier_attestation(attestation)
    assert any("a disparu du journal" in p for p in problemes)


def test_an_edited_or_re_signed_attestation_is_refused(client, patient, tmp_path):
    from espace_sante.journal.attestation import verifier_attestation

    attestation = _attestation(client, patient)
    attestation["contenu"]["rang"] -= 1
    assert "signature invalide" in verifier_attestation(attestation)[0]
    cle = Ed25519PrivateKey.generate()
    publique = cle.public_key().public_bytes_raw()
    attestation["cle_publique"] = base64.b64encode(publique).decode()
    attestation["signature"] = base64.b64encode(
        cle.sign(json_canonique(attestation["contenu"]))
    ).decode()
    assert "pas une clé d'espace-santé" in verifier_attestation(attestation)[0]
    fichier = tmp_path / "attestation.json"
    fichier.write_text(json.dumps(attestation))
    with pytest.raises(CommandError, match="ne correspond plus"):
        call_command("journal_verify", attestation=str(fichier))


# --- The application's database role ----------------------------------------------------

INTERDITS = [
    "DELETE FROM journal_entree",
    "UPDATE journal_entree SET details = '{}'",
    "TRUNCATE journal_entree",
    "TRUNCATE journal_tetechaine",
    "DELETE FROM journal_tetechaine",
    "ALTER TABLE journal_entree DISABLE TRIGGER ALL",
    "ALTER TABLE journal_entree DISABLE TRIGGER journal_entree_ajout_seul",
    "DROP TRIGGER journal_entree_ajout_seul ON journal_entree",
    "DROP TABLE journal_entree",
    "SET session_replication_role = replica",
]


@pytest.mark.parametrize("ordre", INTERDITS)
def test_the_application_role_may_not_delete_update_truncate_or_unlock_the_journal(patient, ordre):
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    with en_role_application():
        with pytest.raises(DatabaseError) as erreur, transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(ordre)
    # Refused for lack of rights, before the trigger (whose message says "ajout seul").
    assert erreur.value.__cause__.sqlstate == "42501"
    assert "ajout seul" not in str(erreur.value)


def test_the_application_role_still_logs_in_uploads_and_reads_a_document(client, patient):
    from tests.comptes.test_connexion import _code_recu

    with en_role_application():
        client.post(reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE})
        reponse = client.post(
            reverse("comptes:otp"), {"methode": "email", "code": _code_recu(patient.email)}
        )
        assert reponse.status_code == 302
        contenu = pdf()
        assert televerser(client, patient.profil, contenu).status_code == 302
        document = Document.objects.get(profil=patient.profil)
        lu = client.get(reverse("dossier:document_fichier", args=[document.public_id]))
        assert b"".join(lu.streaming_content) == stocke(contenu)
        call_command("journal_checkpoint")
        call_command("journal_verify")
        with connection.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == "espace_sante_app_test"
    actions = set(Entree.objects.filter(acteur=patient).values_list("action", flat=True))
    assert {"connexion", "otp_verifie", "document_ajoute"} <= actions  # own reads: not written


@pytest.mark.django_db(transaction=True)
def test_a_real_login_as_the_application_role_adds_and_reads_but_cannot_erase(patient):
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    reglages = connection.settings_dict
    with psycopg.connect(
        dbname=reglages["NAME"],
        host=reglages["HOST"] or None,
        port=reglages["PORT"] or None,
        user=creer_role_application(),
        autocommit=True,
    ) as application:
        assert application.execute("SELECT count(*) FROM journal_entree").fetchone() == (1,)
        application.execute(
            "INSERT INTO journal_tetechaine (chaine, rang, hash) VALUES ('t', 0, '')"
        )
        application.execute("UPDATE journal_tetechaine SET rang = 1 WHERE chaine = 't'")
        for ordre in INTERDITS:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                application.execute(ordre)
    assert Entree.objects.count() == 1
