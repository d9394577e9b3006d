"""The file store full or read-only: a real tmpfs, really full (ENOSPC midway through the
encrypted file) or really remounted read-only (EROFS). Nothing is left, no row is written,
and the person reads in French that the document was not stored and why."""

from __future__ import annotations

import html
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dossier.models import Document
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def _monter(point: Path, *options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)],
                   check=True, timeout=30)  # fmt: skip


@pytest.fixture
def disque(tmp_path, monkeypatch):
    """A 1 MiB tmpfs as the health documents' store, unmounted at the end."""
    point = tmp_path / "sante"
    point.mkdir()
    _monter(point, "size=1m", "mode=0700")
    stockage = Document._meta.get_field("fichier").storage
    monkeypatch.setitem(stockage.__dict__, "base_location", str(point))
    monkeypatch.setitem(stockage.__dict__, "location", str(point))
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False, timeout=30)


def _image_d_un_mo() -> bytes:
    """A PNG of noise: ~1 MB once re-encoded (noise does not compress)."""
    sortie = io.BytesIO()
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(sortie, "PNG")
    return sortie.getvalue()


def _televerser(client, profil, contenu: bytes):
    donnees = {
        "fichier": SimpleUploadedFile("scan.png", contenu, content_type="image/png"),
        "titre": "Radiographie", "categorie": "compte_rendu", "date_acte": "2026-10-02",
    }  # fmt: skip
    return client.post(reverse("dossier:document_ajouter", args=[profil.public_id]), donnees)


def _fichiers(racine: Path) -> list[Path]:
    return [p for p in racine.rglob("*") if p.is_file()]


def test_a_full_disk_leaves_no_partial_file_no_row_and_says_why_in_french(client, patient, disque):
    remplissage = disque / "remplissage"
    with open(remplissage, "wb") as f:  # leave about 256 KB free
        f.write(b"\0" * (1024 * 1024 - 256 * 1024))
    connecter(client, patient)
    reponse = _televerser(client, patient.profil, _image_d_un_mo())
    assert reponse.status_code == 503
    assert "l'espace de stockage du service est plein" in html.unescape(reponse.content.decode())
    assert "Le document n'a pas été enregistré" in html.unescape(reponse.content.decode())
    assert not Document.objects.exists()
    assert _fichiers(disque) == [remplissage]  # no partial ciphertext anywhere


def test_a_read_only_store_stores_nothing_and_says_why_in_french(client, patient, disque):
    subprocess.run(["mount", "-o", "remount,ro", str(disque)], check=True, timeout=30)
    connecter(client, patient)
    reponse = _televerser(client, patient.profil, _image_d_un_mo())
    assert reponse.status_code == 503
    page = html.unescape(reponse.content.decode())
    assert "Le document n'a pas été enregistré" in page and "lecture seule" in page
    assert not Document.objects.exists()
    assert _fichiers(disque) == []
