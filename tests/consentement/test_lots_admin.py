"""The batch upload in the admin: the file is read once, and "already imported" is the
service's one rule (the admin used to read the file twice and say it its own way)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consentement.models import Lot
from consentement.services.lots import exemple, fichier
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

AJOUT = "/admin/consentement/lot/add/"


def _deposer(client, contenu: bytes):
    return client.post(
        AJOUT,
        {
            "televersement": SimpleUploadedFile("assures.csv", contenu, content_type="text/csv"),
            "date_avis": timezone.localdate().isoformat(),
        },
    )


def test_the_admin_upload_reads_the_file_once(client, admin_user, monkeypatch):
    lectures = []
    lire = fichier.enregistrements

    def compter(*args, **kwargs):
        lectures.append(args[0][:20])
        return lire(*args, **kwargs)

    monkeypatch.setattr(fichier, "enregistrements", compter)
    connecter(client, admin_user)
    reponse = _deposer(client, exemple.fichier(exemple.lignes(12)))
    assert reponse.status_code == 302, reponse.content.decode()[:2000]
    lot = Lot.objects.get()
    assert (lot.lignes_total, lot.cree_par) == (12, admin_user)
    assert len(lectures) == 1  # the form's check; lot_creer reuses what it found


def test_the_admin_says_already_imported_with_the_services_one_rule(client, admin_user):
    contenu = exemple.fichier(exemple.lignes(5))
    connecter(client, admin_user)
    assert _deposer(client, contenu).status_code == 302
    premier = Lot.objects.get()
    quand = f"{timezone.localtime(premier.cree_le):%d/%m/%Y}"

    reponse = _deposer(client, contenu)

    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert f"Ce fichier a déjà été importé : lot n° {premier.pk} du {quand}" in page
    assert Lot.objects.count() == 1
