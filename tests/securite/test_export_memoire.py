"""A 200 MB record exported as FHIR: the server's memory stays bounded.

Issue 9, item 7: after 5 × 15 MB of documents the FHIR export returned 106 MB built in
memory and the worker grew from 182 to 521 MB. The export is now streamed: the files are
read, decrypted and base64-encoded chunk by chunk while the client downloads.
"""

from __future__ import annotations

import base64
import os
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dossier import fhir
from tests.conftest import connecter
from tests.dossier.factories import DocumentFactory

pytestmark = pytest.mark.django_db

MO = 1024 * 1024
NOMBRE, TAILLE = 10, 20 * MO  # 200 MB of documents
PLAFOND = 16 * MO  # peak Python memory allowed while the export streams


@pytest.fixture
def dossier_de_200_mo(patient):
    profil = patient.profil
    contenu = os.urandom(TAILLE)
    documents = []
    for _ in range(NOMBRE):
        document = DocumentFactory(profil=profil, auteur=patient, taille=TAILLE)
        document.fichier.save("document", ContentFile(contenu), save=True)
        documents.append(document)
    yield contenu
    for document in documents:
        document.fichier.storage.delete(document.fichier.name)


def _echauffer(client):
    from datetime import UTC, datetime

    from tests.dossier.test_fhir import DOCUMENTS, INFORMATIONS, MESURES, PATIENT

    fhir.bundle(PATIENT, DOCUMENTS, INFORMATIONS, MESURES, genere_le=datetime.now(UTC))
    client.get(reverse("dossier:accueil"))


def test_fhir_export_of_200_mb_streams_with_bounded_memory(client, patient, dossier_de_200_mo):
    contenu = dossier_de_200_mo
    connecter(client, patient)
    _echauffer(client)  # imports (the FHIR models weigh ~10 MB) are not the export's memory
    tracemalloc.start()
    try:
        reponse = client.get(reverse("dossier:export_fhir"))
        assert reponse.streaming
        total, debut, emplacements = 0, b"", 0
        for morceau in reponse.streaming_content:
            total += len(morceau)
            emplacements += morceau.count(b'"data": "')
            if len(debut) < 200_000:
                debut += morceau
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    attendu = NOMBRE * 4 * ((TAILLE + 2) // 3)
    assert emplacements == NOMBRE
    assert total > attendu  # every document's base64, plus the resources around them
    premier = debut.split(b'"data": "', 1)[1][:4000]
    assert base64.b64decode(premier) == contenu[:3000]
    print(f"export FHIR de {NOMBRE * TAILLE // MO} Mo : pic mémoire Python {pic / MO:.1f} Mo")
    assert pic < PLAFOND, f"pic de mémoire {pic / MO:.0f} Mo pendant l'export"
