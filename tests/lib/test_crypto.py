import base64
import io
import os

import pytest
from django.core.files.base import ContentFile

from espace_sante.lib import crypto
from espace_sante.lib.rotation import reenvelopper_blob, reenvelopper_fichier
from espace_sante.lib.storage import EncryptedStorage


def _cle(kid: str) -> str:
    return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"


@pytest.fixture
def cles(settings):
    ancienne, nouvelle = _cle("k2025"), _cle("k2026")
    settings.ENCRYPTION_KEYS = ancienne
    return ancienne, nouvelle


def test_round_trip_returns_the_clear_text(cles):
    blob = crypto.encrypt("Allergie : pénicilline".encode(), b"objet-1")
    assert "pénicilline".encode() not in blob
    assert crypto.decrypt(blob, b"objet-1").decode() == "Allergie : pénicilline"


def test_each_object_gets_its_own_data_key(cles):
    a = crypto.encrypt(b"meme texte", b"x")
    b = crypto.encrypt(b"meme texte", b"x")
    assert a != b


def test_ciphertext_moved_to_another_object_is_refused(cles):
    blob = crypto.encrypt(b"secret", b"objet-1")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, b"objet-2")


def test_wrong_master_key_raises_a_clear_error(cles, settings):
    blob = crypto.encrypt(b"secret", b"o")
    settings.ENCRYPTION_KEYS = "k2025:" + base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(crypto.DecryptionError, match="mauvaise clé maîtresse ou contenu altéré"):
        crypto.decrypt(blob, b"o")


def test_unknown_key_id_is_named_in_the_error(cles, settings):
    blob = crypto.encrypt(b"secret", b"o")
    settings.ENCRYPTION_KEYS = _cle("autre")
    with pytest.raises(crypto.DecryptionError, match="k2025"):
        crypto.decrypt(blob, b"o")


@pytest.mark.parametrize("position", [0, 3, 10, 40, -1, -20])
def test_any_tampered_byte_is_detected(cles, position):
    blob = bytearray(crypto.encrypt(b"contenu medical " * 10, b"o"))
    blob[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(blob), b"o")


def test_rotation_rewraps_under_the_newest_key_and_old_key_can_go(cles, settings):
    ancienne, nouvelle = cles
    blob = crypto.encrypt(b"compte rendu", b"o")
    settings.ENCRYPTION_KEYS = f"{nouvelle},{ancienne}"
    assert crypto.decrypt(blob, b"o") == b"compte rendu"  # both keys readable
    tourne = reenvelopper_blob(blob, b"o")
    assert crypto.key_id_of(tourne) == "k2026"
    assert reenvelopper_blob(tourne, b"o") is None  # already under the newest key
    settings.ENCRYPTION_KEYS = nouvelle  # old key retired
    assert crypto.decrypt(tourne, b"o") == b"compte rendu"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(blob, b"o")


def test_stream_round_trip_across_segments(cles):
    donnees = os.urandom(crypto.SEGMENT_SIZE * 2 + 123)
    chiffre = b"".join(crypto.encrypt_stream([donnees[:1000], donnees[1000:]], b"f"))
    clair = b"".join(crypto.decrypt_stream(io.BytesIO(chiffre).read, b"f"))
    assert clair == donnees


def test_truncated_stream_is_refused(cles):
    donnees = os.urandom(crypto.SEGMENT_SIZE * 2 + 5)
    chiffre = b"".join(crypto.encrypt_stream([donnees], b"f"))
    tronque = chiffre[: -(len(chiffre) // 3)]
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(io.BytesIO(tronque).read, b"f"))


def test_stream_cut_exactly_at_a_segment_boundary_is_refused(cles):
    donnees = os.urandom(crypto.SEGMENT_SIZE * 2 + 5)
    chiffre = b"".join(crypto.encrypt_stream([donnees], b"f"))
    entete = len(chiffre) - (crypto.SEGMENT_SIZE + 16) * 2 - (5 + 16)
    sans_dernier = chiffre[: entete + (crypto.SEGMENT_SIZE + 16) * 2]
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(io.BytesIO(sans_dernier).read, b"f"))


def test_encrypted_storage_never_writes_clear_text_and_reads_it_back(cles, tmp_path):
    storage = EncryptedStorage(location=str(tmp_path))
    contenu = b"%PDF-1.7 compte rendu d'hospitalisation " * 5000
    nom = storage.save("docs/0b6f.pdf", ContentFile(contenu))
    brut = (tmp_path / nom).read_bytes()
    assert b"compte rendu" not in brut
    with storage.open(nom) as f:
        assert f.read() == contenu


def test_encrypted_file_renamed_does_not_decrypt(cles, tmp_path):
    storage = EncryptedStorage(location=str(tmp_path))
    nom = storage.save("a.pdf", ContentFile(b"secret"))
    (tmp_path / "b.pdf").write_bytes((tmp_path / nom).read_bytes())
    with pytest.raises(crypto.DecryptionError), storage.open("b.pdf") as f:
        f.read()


def test_file_rotation_keeps_content_and_uses_new_key(cles, settings, tmp_path):
    ancienne, nouvelle = cles
    storage = EncryptedStorage(location=str(tmp_path))
    contenu = os.urandom(200_000)
    nom = storage.save("scan.png", ContentFile(contenu))
    settings.ENCRYPTION_KEYS = f"{nouvelle},{ancienne}"
    assert reenvelopper_fichier(storage, nom) is True
    settings.ENCRYPTION_KEYS = nouvelle
    with storage.open(nom) as f:
        assert f.read() == contenu


def test_keyed_hash_depends_on_key_and_usage(settings):
    settings.HASH_KEY = "cle-a"
    a = crypto.keyed_hash("nir", "185057800604830")
    assert a == crypto.keyed_hash("nir", "185057800604830")
    assert a != crypto.keyed_hash("code", "185057800604830")
    settings.HASH_KEY = "cle-b"
    assert a != crypto.keyed_hash("nir", "185057800604830")
