"""The patient's signed attestation of their history's head."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import call_command
from django.urls import reverse

from espace_sante.comptes.enums import Role
from espace_sante.journal.attestation import verifier_attestation
from espace_sante.journal.empreinte import json_canonique
from espace_sante.journal.models import Entree
from tests.conftest import connecter
from tests.journal.factories import bascule
from tests.journal.falsification import sql_superutilisateur

pytestmark = pytest.mark.django_db


def test_the_patient_downloads_a_signed_attestation_of_their_history_head(client, patient):
    connecter(client, patient)
    page = client.get(reverse("dossier:historique")).content.decode()
    assert reverse("dossier:historique_attestation") in page
    reponse = client.get(reverse("dossier:historique_attestation"))
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert "attestation-historique.json" in reponse["Content-Disposition"]
    attestation = json.loads(reponse.content)
    contenu = attestation["contenu"]
    # The attested row is the entry recording this very attestation: the chain's head.
    tete = Entree.objects.filter(profil=patient.profil).order_by("-rang").first()
    assert tete.details == {"format": "attestation"} and tete.action == "historique_exporte"
    assert (contenu["profil"], contenu["rang"], contenu["hash"]) == (
        str(patient.profil.public_id),
        tete.rang,
        tete.hash,
    )
    # Anyone can check the signature with the public key alone, as the text explains.
    cle = Ed25519PublicKey.from_public_bytes(base64.b64decode(attestation["cle_publique"]))
    cle.verify(base64.b64decode(attestation["signature"]), json_canonique(contenu))
    assert "Ed25519" in " ".join(attestation["explication"])
    assert verifier_attestation(attestation) == []


def test_journal_verify_confirms_an_attestation_while_the_history_grows(
    client, patient, tmp_path, capsys
):
    connecter(client, patient)
    fichier = tmp_path / "attestation.json"
    fichier.write_bytes(client.get(reverse("dossier:historique_attestation")).content)
    client.get(reverse("dossier:historique_attestation"))  # the chain goes on
    call_command("journal_verify", attestation=str(fichier))
    assert "Attestation confirmée" in capsys.readouterr().out


def test_an_attested_row_rewritten_later_is_named(client, patient):
    connecter(client, patient)
    attestation = json.loads(client.get(reverse("dossier:historique_attestation")).content)
    sql_superutilisateur(
        "UPDATE journal_entree SET hash = repeat('f', 64) WHERE chaine = %s AND rang = %s",
        [f"profil:{patient.profil.pk}", attestation["contenu"]["rang"]],
    )
    assert "n'a plus l'empreinte attestée" in verifier_attestation(attestation)[0]


def test_no_attestation_is_signed_for_a_broken_chain(client, patient):
    connecter(client, patient)
    bascule(user=patient, role=Role.TITULAIRE, profil=patient.profil)
    sql_superutilisateur(
        "UPDATE journal_entree SET details = '{\"x\": 1}'::jsonb WHERE profil_id = %s",
        [patient.profil.pk],
    )
    reponse = client.get(reverse("dossier:historique_attestation"), follow=True)
    assert "aucune attestation ne peut être délivrée" in reponse.content.decode()
    assert reponse.redirect_chain[-1][0].endswith("?verifier=1")


def test_a_representative_gets_no_attestation_of_a_minors_chain(client, parent, mineur):
    connecter(client, parent)
    client.post(reverse("consentement:changer_profil"), {"profil": mineur.public_id})
    assert client.get(reverse("dossier:historique")).context["peut_attester"] is False
    assert client.get(reverse("dossier:historique_attestation")).status_code == 404
