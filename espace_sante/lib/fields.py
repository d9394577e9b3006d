"""EncryptedTextField: text encrypted at rest, bound to its row's public_id.

The column holds the envelope ciphertext (bytea). The attribute on the instance is
plain text: the descriptor decrypts lazily on first read, so a list that never
touches the field never decrypts it. The model must have a ``public_id`` UUID set
at construction (the associated data).
"""

from __future__ import annotations

from django.db import models

from espace_sante.lib import crypto

_CIPHERTEXT = "_chiffre_"
_A_DECHIFFRER = object()  # loaded from the database, decrypted on first read


def aad_for(instance: models.Model, field_name: str) -> bytes:
    return aad_de(type(instance), field_name, instance.public_id)


def aad_de(modele: type[models.Model], field_name: str, public_id) -> bytes:
    """The associated data binding a field's ciphertext to its row (model, field, row id)."""
    meta = modele._meta
    return f"{meta.app_label}.{meta.model_name}.{field_name}:{public_id}".encode()


def chiffrer(modele: type[models.Model], field_name: str, public_id, valeur: str) -> bytes:
    """The ciphertext the field would store for this row: for bulk writes (COPY) that
    build rows without model instances."""
    return crypto.encrypt(valeur.encode(), aad_de(modele, field_name, public_id))


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        data = instance.__dict__
        name = self.field.attname
        if data.get(name, _A_DECHIFFRER) is _A_DECHIFFRER:
            blob = data.get(_CIPHERTEXT + name)
            data[name] = (
                None if blob is None else crypto.decrypt(blob, aad_for(instance, name)).decode()
            )
        return data[name]

    def __set__(self, instance, value):
        name = self.field.attname
        if isinstance(value, bytes | memoryview):
            # Loaded from the database: keep the ciphertext, decrypt on demand.
            # A marker, not a missing key: Django would take the field for deferred.
            instance.__dict__[_CIPHERTEXT + name] = bytes(value)
            instance.__dict__[name] = _A_DECHIFFRER
        else:
            instance.__dict__[_CIPHERTEXT + name] = None
            instance.__dict__[name] = value


class EncryptedTextField(models.BinaryField):
    description = "Texte chiffré (AES-256-GCM, clé de données par objet)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        cached = model_instance.__dict__.get(_CIPHERTEXT + self.attname)
        if cached is not None:
            return cached
        blob = crypto.encrypt(value.encode(), aad_for(model_instance, self.attname))
        model_instance.__dict__[_CIPHERTEXT + self.attname] = blob
        return blob

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, str):
            raise TypeError("EncryptedTextField : le texte en clair ne doit jamais être requêté.")
        return super().get_db_prep_value(value, connection, prepared)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        # Serialisation (dumpdata) never carries clear text.
        return "<chiffré>"

    def formfield(self, **kwargs):
        from django import forms

        return forms.CharField(widget=forms.Textarea, required=not self.blank, **kwargs)
