"""The batch pages in admin: upload, refusal with the reason, progress, error report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consentement.models import Lot
from consentement.services import lots
from consentement.services.lots import exemple
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def test_admin_uploads_a_file_sees_progress_and_downloads_the_report(client, admin_user):
    connecter(client, admin_user)
    lignes = list(exemple.lignes(12))
    lignes[3][4] = "32/13/1990"
    fichier = SimpleUploadedFile("assures.csv", exemple.fichier(lignes), content_type="text/csv")
    reponse = client.post(
        reverse("admin:consentement_lot_add"), {"televersement": fichier, "date_avis": "2026-11-23"}
    )
    assert reponse.status_code == 302
    lot = Lot.objects.get()
    assert (lot.nom_fichier, lot.lignes_total, lot.cree_par) == ("assures.csv", 12, admin_user)
    for morceau_id in lots.lot_decouper(lot.pk):
        lots.morceau_traiter(morceau_id)
    lots.lot_finaliser(lot.pk)
    page = client.get(reverse("admin:consentement_lot_change", args=[lot.pk]))
    assert "12 lignes traitées sur 12 — 11 profils créés, 1 ligne rejetée" in page.text
    rapport = client.get(reverse("admin:consentement_lot_rejets", args=[lot.pk]))
    contenu = b"".join(rapport.streaming_content).decode()
    assert "5;date_naissance;Date de naissance impossible : « 32/13/1990 ».;non" in contenu


def test_admin_upload_of_a_bad_file_says_why_and_creates_nothing(client, admin_user):
    connecter(client, admin_user)
    fichier = SimpleUploadedFile("assures.csv", b"nir;nom\n1;2\n", content_type="text/csv")
    page = client.post(
        reverse("admin:consentement_lot_add"), {"televersement": fichier, "date_avis": "2026-11-23"}
    )
    assert page.status_code == 200 and "Colonnes manquantes" in page.text
    assert not Lot.objects.exists()
