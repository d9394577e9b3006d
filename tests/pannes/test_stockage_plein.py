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
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)],
        check=True,
        timeout=30,
    )


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
        "titre": "Radiographie",
        "categorie": "compte_rendu",
        "date_acte": "2026-10-02",
    }
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


def _png(cote: int) -> bytes:
    sortie = io.BytesIO()
    Image.frombytes("RGB", (cote, cote), os.urandom(cote * cote * 3)).save(sortie, "PNG")
    return sortie.getvalue()


def test_a_full_disk_at_the_second_attachment_leaves_not_even_the_first(
    patient, professionnel, disque
):
    from messagerie.models import Message
    from tests.messagerie.outils import ecrire, piece

    remplissage = disque / "remplissage"
    with open(remplissage, "wb") as f:  # about 600 KB free: room for one attachment of two
        f.write(b"\0" * (1024 * 1024 - 600 * 1024))
    premiere, seconde = piece("scan-1.png", _png(370)), piece("scan-2.png", _png(370))
    with pytest.raises(OSError, match="Le document n'a pas été enregistré"):
        ecrire(professionnel, patient.profil, pieces=[premiere, seconde])
    assert not Message.objects.exists()
    assert _fichiers(disque) == [remplissage]  # the first attachment's file is gone too


def test_a_stored_file_never_replaces_an_existing_one_and_leftovers_are_swept(disque):
    import time

    from django.core.files.base import ContentFile

    from espace_sante.lib.tasks import stockage_partiels_purger

    stockage = Document._meta.get_field("fichier").storage
    nom = stockage._save("dossier/a.bin", ContentFile(b"premier"))
    with pytest.raises(OSError):  # the name is taken (a race): refused, not overwritten
        stockage._save(nom, ContentFile(b"second"))
    assert stockage.open(nom).read() == b"premier"
    assert [p.name for p in _fichiers(disque)] == ["a.bin"]

    vieux, recent = disque / "dossier/b.bin.partiel-1", disque / "dossier/c.bin.partiel-2"
    vieux.write_bytes(b"x")  # a process killed mid-write, two hours ago
    recent.write_bytes(b"y")  # a write in progress
    deux_heures = time.time() - 7200
    os.utime(vieux, (deux_heures, deux_heures))
    assert stockage_partiels_purger() == 1
    assert sorted(p.name for p in _fichiers(disque)) == ["a.bin", recent.name]
