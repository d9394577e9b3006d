"""Re-wrap every data key under the newest master key (ENCRYPTION_KEYS, first).

Only the small envelope header changes: contents are not re-encrypted, so a
rotation over millions of rows costs one AES-GCM unwrap and wrap per object.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction

from espace_sante.lib import crypto
from espace_sante.lib.fields import EncryptedTextField, aad_for
from espace_sante.lib.storage import EncryptedStorage


def champs_chiffres() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field.attname


def fichiers_chiffres() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.storage, EncryptedStorage):
                yield model, field.attname


def reenvelopper_blob(blob: bytes, aad: bytes) -> bytes | None:
    resultat = crypto.rewrap_header(blob, aad)
    if resultat is None:
        return None
    entete, ancienne_longueur = resultat
    return entete + bytes(blob)[ancienne_longueur:]


def reenvelopper_fichier(storage: EncryptedStorage, name: str) -> bool:
    with storage.open_raw(name) as brut:
        donnees = brut.read()
    nouveau = reenvelopper_blob(donnees, storage.aad(name))
    if nouveau is None:
        return False
    storage.replace_raw(name, nouveau)
    return True


def reenvelopper_tout(lot: int = 1000) -> int:
    compte = 0
    for model, attname in champs_chiffres():
        qs = model._default_manager.exclude(**{f"{attname}__isnull": True})
        for pk, public_id, blob in qs.values_list("pk", "public_id", attname).iterator(lot):
            faux = model(public_id=public_id)
            nouveau = reenvelopper_blob(blob, aad_for(faux, attname))
            if nouveau is not None:
                with transaction.atomic():
                    model._default_manager.filter(pk=pk).update(**{attname: nouveau})
                compte += 1
    for model, attname in fichiers_chiffres():
        storage = model._meta.get_field(attname).storage
        for name in model._default_manager.exclude(**{attname: ""}).values_list(attname, flat=True):
            compte += reenvelopper_fichier(storage, name)
    return compte
