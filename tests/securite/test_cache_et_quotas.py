"""A shared desk computer, and a script that floods a record with uploads.

Issue 9, items 6 and 7: every authenticated response is ``no-store``; uploads are capped
per person per hour and per profile in bytes, with clear French messages, nothing stored.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossier.models import Document
from tests.conftest import connecter
from tests.dossier.factories import DocumentFactory
from tests.dossier.test_vues import ouvrir_acces, televerser, texte
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db

PAGES_PATIENT = [
    "dossier:accueil",
    "dossier:profil_medical",
    "dossier:historique",
    "dossier:historique_csv",
    "dossier:export_fhir",
    "dossier:export_pdf",
    "dossier:parametres",
    "consentement:mes_choix",
    "comptes:securite",
]


def _sans_cache(reponse) -> bool:
    directives = {d.strip() for d in reponse.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "private" in directives


def test_every_health_page_and_export_is_no_store(client, patient):
    connecter(client, patient)
    for nom in PAGES_PATIENT:
        reponse = client.get(reverse(nom))
        assert reponse.status_code == 200, nom
        assert _sans_cache(reponse), f"{nom} : {reponse.get('Cache-Control')}"


def test_the_professionals_patient_page_and_a_document_are_no_store(client, patient, professionnel):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    assert _sans_cache(client.get(reverse("dossier:pro_dossier", args=[profil.public_id])))
    televerser(client, profil, pdf())
    document = Document.objects.get()
    for nom in ["dossier:document", "dossier:document_fichier"]:
        reponse = client.get(reverse(nom, args=[document.public_id]))
        assert _sans_cache(reponse), nom
        if reponse.streaming:  # read to the end: the decrypting file closes with it
            b"".join(reponse.streaming_content)


def test_static_files_keep_their_cache(client):
    reponse = client.get("/static/css/espace-sante.css")
    assert reponse.status_code == 200
    assert "no-store" not in reponse.get("Cache-Control", "")
    reponse.close()


def test_uploads_are_paced_per_person(client, patient, settings):
    settings.TELEVERSEMENTS_PAR_HEURE = 3
    profil = patient.profil
    connecter(client, patient)
    for _ in range(3):
        assert televerser(client, profil, pdf()).status_code == 302
    reponse = televerser(client, profil, pdf())
    assert reponse.status_code == 400
    assert "attendez un peu" in texte(reponse)
    assert Document.objects.count() == 3


def test_the_profile_quota_refuses_what_would_overflow_it(client, patient, settings):
    profil = patient.profil
    settings.QUOTA_PROFIL_OCTETS = 10_000
    DocumentFactory(profil=profil, auteur=patient, taille=9_900)
    connecter(client, patient)
    reponse = televerser(client, profil, pdf())
    assert reponse.status_code == 400
    assert "espace de stockage de ce dossier est plein" in texte(reponse)
    assert Document.objects.count() == 1
