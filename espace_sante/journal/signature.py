"""Ed25519 signatures of the journal's checkpoints and of the patients' attestations.

The private key comes from JOURNAL_SIGNING_KEY (base64 of its 32 raw bytes). A signature
is only ever checked against a key we know, the current one or a retired one listed in
JOURNAL_PREVIOUS_PUBLIC_KEYS, never against a key that the signed document brings: a
forger would simply bring their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings


class CleInvalide(ValueError):
    pass


def _octets(valeur: str, nom: str) -> bytes:
    try:
        brut = base64.b64decode(valeur, validate=True)
    except (binascii.Error, ValueError):
        brut = b""
    if len(brut) != 32:
        raise CleInvalide(f"{nom} doit être le base64 de 32 octets (clé Ed25519).")
    return brut


@lru_cache(maxsize=4)
def _privee(valeur: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_octets(valeur, "JOURNAL_SIGNING_KEY"))


def cle_publique() -> str:
    """The current public key, base64 of its 32 raw bytes."""
    publique = _privee(settings.JOURNAL_SIGNING_KEY).public_key()
    return base64.b64encode(publique.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def publique_valide(publique_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(_octets(publique_b64, "clé publique"))
    except (CleInvalide, ValueError):
        return False
    return True


def identifiant(publique_b64: str) -> str:
    """A short, stable name for a public key, stored with what it signed."""
    return hashlib.sha256(publique_b64.encode()).hexdigest()[:16]


def cles_connues() -> dict[str, str]:
    """Identifier → public key (base64), the current key first."""
    cles = [cle_publique(), *settings.JOURNAL_PREVIOUS_PUBLIC_KEYS]
    return {identifiant(c): c for c in cles}


def cle_courante() -> str:
    """Identifier of the current key, written into what it signs."""
    return identifiant(cle_publique())


def signer(message: bytes) -> str:
    """Sign with the current key; return the base64 signature."""
    return base64.b64encode(_privee(settings.JOURNAL_SIGNING_KEY).sign(message)).decode()


def verifier(message: bytes, signature_b64: str, *, cle: str) -> bool:
    """True if ``cle`` (an identifier) is a key we know and it signed ``message``."""
    publique = cles_connues().get(cle)
    if publique is None or not isinstance(signature_b64, str):
        return False
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        Ed25519PublicKey.from_public_bytes(_octets(publique, "clé publique")).verify(
            signature, message
        )
    except (InvalidSignature, CleInvalide, binascii.Error, ValueError):
        return False
    return True
