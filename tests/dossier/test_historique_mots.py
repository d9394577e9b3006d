"""The history in a patient's words (issue 21, point 10): one line per act, no page code
names, no "NIR", one name per person."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dossier.models import Document
from espace_sante.comptes.enums import Civilite, Profession
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db


def _historique(client, patient) -> str:
    client.logout()
    connecter(client, patient)
    return html.unescape(client.get(reverse("dossier:historique")).content.decode())


def test_a_document_opened_once_is_one_line_and_the_reader_has_one_name(client, patient):
    connecter(client, patient)
    televerser(client, patient.profil, pdf(), titre="Ordonnance", categorie="ordonnance")
    document = Document.objects.get()
    pharmacien = ProfessionnelFactory(
        user__prenom="Paul",
        user__nom="Moreau",
        profession=Profession.PHARMACIEN,
        civilite=Civilite.MONSIEUR,
    ).user
    ouvrir_acces(pharmacien, patient.profil)  # written with the professional's full label
    client.logout()
    connecter(client, pharmacien)
    assert (
        client.get(reverse("dossier:pro_dossier", args=[patient.profil.public_id])).status_code
        == 200
    )
    client.get(reverse("dossier:document", args=[document.public_id]))
    fichier = client.get(reverse("dossier:document_fichier", args=[document.public_id]))
    b"".join(fichier.streaming_content)
    page = _historique(client, patient)
    assert page.count("Document ouvert : le document « Ordonnance »") == 1
    assert "page «" not in page and "(professionnel) »" not in page
    assert "NIR" not in page and "numéro de sécurité sociale" in page
    tableau = page[page.index("<tbody>") :]
    assert "Paul Moreau (Pharmacien" not in tableau
    # access, record, document; the profession in his gender, not "Pharmacien ou pharmacienne"
    assert tableau.count('<td data-label="Qui">Paul Moreau<br>') == 3
    assert tableau.count('Paul Moreau<br><span class="fr-text--xs">Pharmacien</span>') == 3
