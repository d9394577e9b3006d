"""The journal's keyed hash: HMAC-SHA256, under JOURNAL_KEY, of an entry's canonical content.

A plain hash can be recomputed by anyone who edits the rows; an HMAC only by whoever
also holds the key, which never enters the database. These functions take any object
with the entry's attributes, so the data migration that rechained the former SHA-256
rows (0005) computes exactly what the model computes.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings

HASH_ORIGINE = "0" * 64


def json_canonique(valeur) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(valeur, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def contenu_canonique(entree) -> bytes:
    return json_canonique(
        {
            "chaine": entree.chaine,
            "rang": entree.rang,
            "horodatage": entree.horodatage.isoformat(),
            "acteur": entree.acteur_id,
            "acteur_libelle": entree.acteur_libelle,
            "role": entree.role,
            "pour_le_compte_de": entree.pour_le_compte_de_id,
            "profil": entree.profil_id,
            "action": entree.action,
            "objet_type": entree.objet_type,
            "objet_id": entree.objet_id,
            "details": entree.details,
            "public_id": str(entree.public_id),
            "hash_precedent": entree.hash_precedent,
        }
    )


def empreinte(entree, *, cle: str | None = None) -> str:
    cle = settings.JOURNAL_KEY if cle is None else cle
    return hmac.new(cle.encode(), contenu_canonique(entree), hashlib.sha256).hexdigest()


def empreinte_sha256(entree) -> str:
    """The former, unkeyed hash: only the migration that replaced it still reads it."""
    return hashlib.sha256(contenu_canonique(entree)).hexdigest()
