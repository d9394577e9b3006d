"""AES-256-GCM envelope encryption.

Every object gets a fresh 256-bit data key (DEK). The DEK encrypts the content; a
master key from the environment wraps the DEK. The master key id travels with the
ciphertext so several master keys may coexist while they rotate: re-wrapping a DEK
under a new master key never touches the content itself.

Two formats share one header:

    b"ES" | version | len(kid) | kid | wrapped DEK (12-byte nonce + 32 + 16-byte tag)

- version 1, ``encrypt``: then a 12-byte nonce and the AES-GCM ciphertext with tag.
- version 2, ``encrypt_stream``: then a 7-byte nonce prefix and 64 KiB segments, each
  its own AES-GCM message whose nonce is prefix | counter | last-flag (the STREAM
  construction), so files are encrypted and decrypted without holding them whole and
  a truncated or reordered file is refused.

The associated data (the object's identity) binds a ciphertext to its object: a
ciphertext copied onto another row does not decrypt. The content's AAD does not
cover the wrapped key, so rotation (``rewrap_header``) swaps only the header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

MAGIC = b"ES"
VERSION_BLOCK = 1
VERSION_STREAM = 2
SEGMENT_SIZE = 64 * 1024
_TAG = 16
_WRAPPED_LEN = 12 + 32 + _TAG


class DecryptionError(Exception):
    """Content cannot be decrypted: wrong key, unknown key id, or tampered bytes."""


@dataclass(frozen=True)
class MasterKey:
    kid: str
    cle: bytes


def parse_master_keys(valeur: str) -> list[MasterKey]:
    """Parse ``kid:base64key,kid2:base64key`` (newest first)."""
    keys = []
    for morceau in filter(None, (p.strip() for p in valeur.split(","))):
        kid, sep, b64 = morceau.partition(":")
        if not sep or not kid or len(kid.encode()) > 255:
            raise ValueError(f"Clé maîtresse mal formée (attendu « id:base64 ») : {kid!r}")
        cle = base64.b64decode(b64, validate=True)
        if len(cle) != 32:
            raise ValueError(f"La clé maîtresse {kid!r} doit faire 32 octets (AES-256).")
        keys.append(MasterKey(kid, cle))
    if not keys:
        raise ValueError("Aucune clé maîtresse configurée (ENCRYPTION_KEYS).")
    return keys


@cache
def _keyring(valeur: str) -> tuple[MasterKey, dict[str, bytes]]:
    keys = parse_master_keys(valeur)
    return keys[0], {c.kid: c.cle for c in keys}


def keyring() -> tuple[MasterKey, dict[str, bytes]]:
    """(active key, all keys by id) from settings.ENCRYPTION_KEYS."""
    return _keyring(settings.ENCRYPTION_KEYS)


@cache
def _aead(cle: bytes) -> AESGCM:
    return AESGCM(cle)


def _header(kid: str, dek: bytes, aad: bytes, version: int, master: bytes) -> bytes:
    kid_b = kid.encode()
    prefixe = MAGIC + bytes([version, len(kid_b)]) + kid_b
    nonce = os.urandom(12)
    wrapped = nonce + _aead(master).encrypt(nonce, dek, prefixe + aad)
    return prefixe + wrapped


def _read_header(blob: bytes, aad: bytes) -> tuple[int, str, bytes, int]:
    """Return (version, kid, dek, offset of the body)."""
    if len(blob) < 4 or blob[:2] != MAGIC or blob[2] not in (VERSION_BLOCK, VERSION_STREAM):
        raise DecryptionError("Format de contenu chiffré inconnu.")
    version, n = blob[2], blob[3]
    fin_kid = 4 + n
    kid = blob[4:fin_kid].decode(errors="replace")
    wrapped = blob[fin_kid : fin_kid + _WRAPPED_LEN]
    if len(wrapped) != _WRAPPED_LEN:
        raise DecryptionError("Contenu chiffré tronqué.")
    master = keyring()[1].get(kid)
    if master is None:
        raise DecryptionError(f"Clé maîtresse « {kid} » introuvable : impossible de déencrypt.")
    try:
        dek = _aead(master).decrypt(wrapped[:12], wrapped[12:], blob[:fin_kid] + aad)
    except InvalidTag:
        raise DecryptionError(
            "Clé de données invalide : mauvaise clé maîtresse ou contenu altéré."
        ) from None
    return version, kid, dek, fin_kid + _WRAPPED_LEN


def encrypt(donnees: bytes, aad: bytes) -> bytes:
    active, _ = keyring()
    dek = AESGCM.generate_key(bit_length=256)
    entete = _header(active.kid, dek, aad, VERSION_BLOCK, active.cle)
    nonce = os.urandom(12)
    return entete + nonce + AESGCM(dek).encrypt(nonce, donnees, _content_aad(VERSION_BLOCK, aad))


def decrypt(blob: bytes, aad: bytes) -> bytes:
    blob = bytes(blob)
    version, _, dek, debut = _read_header(blob, aad)
    if version != VERSION_BLOCK:
        raise DecryptionError("Ce contenu est un flux chiffré : utilisez decrypt_stream.")
    nonce, corps = blob[debut : debut + 12], blob[debut + 12 :]
    try:
        return AESGCM(dek).decrypt(nonce, corps, _content_aad(VERSION_BLOCK, aad))
    except InvalidTag:
        raise DecryptionError("Contenu chiffré altéré ou associé à un autre objet.") from None


def _content_aad(version: int, aad: bytes) -> bytes:
    return MAGIC + bytes([version]) + aad


def _segment_nonce(prefixe: bytes, compteur: int, dernier: bool) -> bytes:
    return prefixe + struct.pack(">IB", compteur, 1 if dernier else 0)


def encrypt_stream(morceaux: Iterable[bytes], aad: bytes) -> Iterator[bytes]:
    """Encrypt an iterable of byte chunks into a stream of encrypted bytes."""
    active, _ = keyring()
    dek = AESGCM.generate_key(bit_length=256)
    entete = _header(active.kid, dek, aad, VERSION_STREAM, active.cle)
    prefixe = os.urandom(7)
    aead = AESGCM(dek)
    associe = _content_aad(VERSION_STREAM, aad)
    yield entete + prefixe
    tampon, compteur = b"", 0
    for morceau in morceaux:
        tampon += morceau
        while len(tampon) > SEGMENT_SIZE:
            segment, tampon = tampon[:SEGMENT_SIZE], tampon[SEGMENT_SIZE:]
            yield aead.encrypt(_segment_nonce(prefixe, compteur, False), segment, associe)
            compteur += 1
    yield aead.encrypt(_segment_nonce(prefixe, compteur, True), tampon, associe)


def decrypt_stream(lire, aad: bytes) -> Iterator[bytes]:
    """Decrypt a stream; ``lire(n)`` reads up to n bytes (a file's ``read``)."""
    debut = lire(4)
    if len(debut) < 4:
        raise DecryptionError("Contenu chiffré tronqué.")
    reste_header = lire(debut[3] + _WRAPPED_LEN + 7)
    entete_et_prefixe = debut + reste_header
    version, _, dek, fin = _read_header(entete_et_prefixe, aad)
    if version != VERSION_STREAM:
        raise DecryptionError("Ce contenu n'est pas un flux chiffré.")
    prefixe = entete_et_prefixe[fin : fin + 7]
    aead, associe = AESGCM(dek), _content_aad(VERSION_STREAM, aad)
    taille = SEGMENT_SIZE + _TAG
    compteur, courant = 0, lire(taille)
    while True:
        suivant = lire(taille)
        dernier = not suivant
        try:
            yield aead.decrypt(_segment_nonce(prefixe, compteur, dernier), courant, associe)
        except InvalidTag:
            raise DecryptionError(
                "Fichier chiffré altéré, tronqué ou associé à un autre objet."
            ) from None
        if dernier:
            return
        compteur, courant = compteur + 1, suivant


def rewrap_header(entete_et_suite: bytes, aad: bytes) -> tuple[bytes, int] | None:
    """Re-wrap the data key under the active master key.

    Takes the start of a ciphertext (at least its header) and returns the new
    header with the length of the old one it replaces, or None if the data key is
    already under the active key.
    The content after the header is unchanged.
    """
    entete_et_suite = bytes(entete_et_suite)
    active, _ = keyring()
    version, kid, dek, debut = _read_header(entete_et_suite, aad)
    if kid == active.kid:
        return None
    return _header(active.kid, dek, aad, version, active.cle), debut


def key_id_of(blob: bytes) -> str:
    blob = bytes(blob)
    if len(blob) < 4 or blob[:2] != MAGIC:
        raise DecryptionError("Format de contenu chiffré inconnu.")
    return blob[4 : 4 + blob[3]].decode(errors="replace")


@cache
def _subkey(usage: str, cle: str) -> bytes:
    return hmac.new(cle.encode(), b"espace-sante:" + usage.encode(), hashlib.sha256).digest()


@cache
def _hmac_prepare(usage: str, cle: str):
    return hmac.new(_subkey(usage, cle), digestmod=hashlib.sha256)


def keyed_hasher(usage: str):
    """A function computing ``keyed_hash(usage, ·)``, for hashing many values in a row."""
    prepare = _hmac_prepare(usage, settings.HASH_KEY)

    def hacher(valeur: str) -> str:
        h = prepare.copy()
        h.update(valeur.encode())
        return h.hexdigest()

    return hacher


def keyed_hash(usage: str, valeur: str) -> str:
    """Keyed hash (HMAC-SHA256) for look-up and uniqueness, one sub-key per usage."""
    return keyed_hasher(usage)(valeur)
