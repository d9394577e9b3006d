"""Addresses of the secure health messaging: ``<matricule INS>@patient.<domain>`` for a
patient (the INS matricule is the 15-character NIR), the Message-IDs we write, and the
blind index that lets a subject be searched without storing it in clear."""

from __future__ import annotations

import re
import unicodedata
import uuid

from django.conf import settings

from espace_sante.comptes.models import Profil
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.crypto import keyed_hash

_MOT = re.compile(r"[a-z0-9]+")


def domaine_patients() -> str:
    return f"patient.{settings.MESSAGERIE_DOMAINE}"


def adresse_patient(profil: Profil) -> str:
    return f"{nir_lib.normaliser(profil.nir or '').lower()}@{domaine_patients()}"


def profil_de_adresse(adresse: str) -> Profil | None:
    """The profile an address names, or None (a foreign domain, a malformed INS)."""
    local, _, domaine = adresse.strip().strip("<>").rpartition("@")
    if domaine.lower() != domaine_patients() or not local:
        return None
    try:
        nir = nir_lib.valider(local)
    except Exception:  # ValidationError: not an INS matricule
        return None
    return Profil.objects.par_nir(nir).first()


def nouveau_message_id() -> str:
    return f"<{uuid.uuid4()}@{settings.MESSAGERIE_DOMAINE}>"


def mots(texte: str) -> list[str]:
    """Lower-case words without accents, two letters or more."""
    plat = unicodedata.normalize("NFKD", texte or "").encode("ascii", "ignore").decode().lower()
    return [m for m in _MOT.findall(plat) if len(m) > 1]


def empreinte_mot(mot: str) -> str:
    return keyed_hash("messagerie_sujet", mot)[:24]


def index_sujet(sujet: str) -> list[str]:
    return sorted({empreinte_mot(m) for m in mots(sujet)})
