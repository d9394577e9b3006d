"""Bulk writes into the profile tables, with ``COPY`` (account-creation batches).

The batch importer (consentement.services.lots) validates rows in plain Python; this module, next
to the tables it writes, turns them into COPY lines: ids and public ids allocated here,
the NIR encrypted through the field's own helper, text escaped for COPY's text format.
``verifier_colonnes`` fails loudly (tests run it) when a column is added to the tables
and not to the COPY.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from django.db import connection

from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, Representation
from espace_sante.lib.fields import chiffrer

_VARIANTE = {f"{i:x}": "89ab"[i & 3] for i in range(16)}
_ECHAPPER = re.compile(r"[\\\t\n\r]")

COLONNES_PROFIL = (
    "id",
    "public_id",
    "statut",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "date_naissance",
    "sexe",
    "code_lieu_naissance",
    "nir",
    "nir_hash",
    "cree_le",
    "email_contact",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "notifier_par_email",
    "notifier_par_sms",
    "lot_numero",
    "lot_ligne",
    "date_limite_opposition",
    "code_activation_hash",
    "code_activation_expire_le",
)
# Columns left to their NULL default by the COPY.
NULS_PROFIL = {"titulaire_id", "cloture_le", "suppression_prevue_le", "donnees_supprimees_le"}
# Columns left to their database default (``db_default``) by the COPY.
DEFAUTS_PROFIL = {"notifier_nouveau_message", "notifier_nouveau_document"}
COLONNES_REPRESENTATION = {
    "id",
    "public_id",
    "representant_id",
    "mineur_id",
    "date_debut",
    "date_fin",
    "motif_fin",
}


@dataclass(frozen=True)
class NouveauProfil:
    """One announced profile to create; ``texte`` in the table's column order:
    nom_naissance, nom_usage, prenoms, sexe, code_lieu_naissance, email_contact,
    telephone, adresse, code_postal, commune."""

    id: int
    public_id: str
    texte: tuple[str, ...]
    date_naissance: date
    nir: str
    nir_hash: str
    lot_ligne: int
    code_hash: str


def echapper(valeur: str) -> str:
    """COPY text format: backslash, tab, newline and carriage return are escaped."""
    return (
        valeur.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


class ProfilExistant(NamedTuple):
    """What a batch needs to know of a profile that already has a NIR."""

    id: int
    statut: str
    lot_numero: int | None
    lot_ligne: int | None
    date_naissance: date | None


class Lien(NamedTuple):
    """A legal representation to create: the representative's profile id, the minor's."""

    representant: int
    mineur: int


def profils_existants(nir_hashes: list[str]) -> dict[str, ProfilExistant]:
    """NIR hash → the existing profile with that NIR."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nir_hash, id, statut, lot_numero, lot_ligne, date_naissance"
            " FROM comptes_profil WHERE nir_hash = ANY(%s)",
            [nir_hashes],
        )
        return {r[0]: ProfilExistant(*r[1:]) for r in cur.fetchall()}


def ids_allouer(n: int) -> list[int]:
    """n profile ids from the table's sequence (the rows are written later by COPY)."""
    if not n:
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT nextval(pg_get_serial_sequence('comptes_profil', 'id'))"
            " FROM generate_series(1, %s)",
            [n],
        )
        return [r[0] for r in cur.fetchall()]


def public_ids(n: int) -> list[str]:
    """Time-ordered UUIDs (version 7): new rows land at the right edge of the index."""
    temps = f"{int(time.time() * 1000):012x}"
    temps = f"{temps[:8]}-{temps[8:]}-7"
    aleas = os.urandom(16 * n).hex()
    return [
        f"{temps}{h[:3]}-{_VARIANTE[h[3]]}{h[4:7]}-{h[7:19]}"
        for h in (aleas[32 * k : 32 * k + 32] for k in range(n))
    ]


def profils_copier(
    profils: Iterable[NouveauProfil],
    *,
    lot_numero: int,
    cree_le: datetime,
    limite_opposition: date,
    expiration_code: datetime,
) -> int:
    """COPY announced profiles (status ``annonce``, NIR encrypted); return how many."""
    verifier_colonnes()
    fixe = (
        f"\t{cree_le.isoformat()}\t",
        f"\tt\tf\t{lot_numero}\t",
        f"\t{limite_opposition.isoformat()}\t",
        f"\t{expiration_code.isoformat()}\n",
    )
    lignes = []
    for p in profils:
        texte = p.texte
        if _ECHAPPER.search("".join(texte)):
            texte = tuple(echapper(v) for v in texte)
        nom, nom_usage, prenoms, sexe, lieu, email, tel, adresse, cp, commune = texte
        nir = chiffrer(Profil, "nir", p.public_id, p.nir).hex()
        lignes.append(
            f"{p.id}\t{p.public_id}\t{StatutProfil.ANNONCE}\t{nom}\t{nom_usage}\t{prenoms}"
            f"\t{p.date_naissance.isoformat()}\t{sexe}\t{lieu}\t\\\\x{nir}\t{p.nir_hash}"
            f"{fixe[0]}{email}\t{tel}\t{adresse}\t{cp}\t{commune}{fixe[1]}{p.lot_ligne}"
            f"{fixe[2]}{p.code_hash}{fixe[3]}"
        )
    if lignes:
        with connection.cursor() as cur:
            with cur.copy(f"COPY comptes_profil ({', '.join(COLONNES_PROFIL)}) FROM STDIN") as c:
                c.write("".join(lignes))
    return len(lignes)


def representations_copier(liens: list[Lien], *, debut: date) -> None:
    """COPY the links, starting on ``debut``."""
    if not liens:
        return
    with connection.cursor() as cur:
        with cur.copy(
            "COPY comptes_representation (public_id, representant_id, mineur_id, date_debut,"
            " motif_fin) FROM STDIN"
        ) as copie:
            copie.write("".join(f"{uuid.uuid4()}\t{r}\t{m}\t{debut}\t\n" for r, m in liens))


@cache
def verifier_colonnes() -> None:
    """The COPYs above must name every column of the tables (fails loudly in tests)."""
    colonnes = {f.column for f in Profil._meta.concrete_fields}
    manquantes = colonnes - set(COLONNES_PROFIL) - NULS_PROFIL - DEFAUTS_PROFIL
    if manquantes:
        raise RuntimeError(f"copie.COLONNES_PROFIL ne couvre pas : {sorted(manquantes)}")
    if {f.column for f in Representation._meta.concrete_fields} != COLONNES_REPRESENTATION:
        raise RuntimeError("copie.representations_copier ne couvre plus Representation.")
