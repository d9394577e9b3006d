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

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from dossier.models import Document
from espace_sante.comptes.enums import Role
from espace_sante.journal.models import Entree, TeteChaine
from espace_sante.journal.selectors import verifier_profil
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser
from tests.journal.falsification import creer_role_application, lignes_de_points, reculer_tete
from tests.journal.outils import bascule
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
