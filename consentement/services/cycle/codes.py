"""Activation codes: 12 characters (60 bits), readable aloud, stored only as a keyed HMAC."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

from django.utils import timezone

from espace_sante.comptes.models import Profil
from espace_sante.lib.crypto import keyed_hasher

VALIDITE_CODE = timedelta(weeks=6)
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a desk
LONGUEUR_CODE = 12  # 60 bits

# 256 is a multiple of 32: mapping each random byte to ALPHABET[byte % 32] is unbiased.
_TABLE_CODE = bytes(ALPHABET[i % 32].encode()[0] for i in range(256))


def generer_code() -> str:
    return os.urandom(LONGUEUR_CODE).translate(_TABLE_CODE).decode()


def formater_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normaliser_code(saisie: str) -> str:
    return "".join(c for c in (saisie or "").upper() if c.isalnum())


def hacheur_code():
    """Keyed HMAC of (profile, code): the only form in which a code is stored."""
    hacher = keyed_hasher("activation")
    return lambda public_id, code: hacher(f"{public_id}:{code}")


def code_valide(profil: Profil, saisie: str) -> bool:
    code = normaliser_code(saisie)
    if not profil.code_activation_hash or len(code) != LONGUEUR_CODE:
        return False
    attendu = hacheur_code()(profil.public_id, code)
    return secrets.compare_digest(attendu, profil.code_activation_hash)


def code_expire(profil: Profil) -> bool:
    return bool(
        profil.code_activation_expire_le and profil.code_activation_expire_le <= timezone.now()
    )


def code_renouveler(*, profil: Profil) -> str:
    """Give the profile a fresh code (the previous one stops working); return it in clear."""
    code = generer_code()
    profil.code_activation_hash = hacheur_code()(profil.public_id, code)
    profil.code_activation_expire_le = timezone.now() + VALIDITE_CODE
    profil.save(update_fields=["code_activation_hash", "code_activation_expire_le"])
    return code
