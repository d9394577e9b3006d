"""The witness outside PostgreSQL: every committed chain head, appended to a file.

Signed checkpoints (points.py) only cover what existed when they were written. Between
two of them, the database owner could delete a chain's newest rows and set its head back
to the previous (rank, hash), both read from the table: the chain would verify and the
next checkpoint would seal it. So after each journal write commits, the writing process
appends the new head — ``{"c": chaine, "r": rang, "h": hash, "t": when, "m": mac}`` — to
``temoins-AAAA-MM.jsonl`` beside the checkpoints (O_APPEND, one write() per line, the MAC
under JOURNAL_KEY so no one without the key can add a line). A head in the database
behind what the witness saw is a truncation: verification reports it and the checkpoint
refuses to seal it.

The witness is written after the commit (never for a rolled-back write, which would look
like a truncation): a process killed between its commit and its append, or an append that
fails (logged), leaves that entry covered by the key alone until the next write on the
same chain is witnessed. Lines are not fsynced: a host crash may lose the last seconds of
lines, never invent one. Readers only read the tail after the offsets that the last
checkpoint line recorded (the checkpoint carries what it consumed), so a verification
reads minutes of witness, not its whole history.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from espace_sante.journal.empreinte import json_canonique

logger = logging.getLogger(__name__)

PREFIXE = "temoins-"


@dataclass(frozen=True)
class Vu:
    """A chain head as the witness saw it committed."""

    rang: int
    hash: str
    quand: str


@dataclass
class Lecture:
    """The witness tail: per chain, every head seen, and where reading stopped."""

    vus: dict[str, dict[int, Vu]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    invalides: list[tuple[str, int]] = field(default_factory=list)  # (file, byte offset)

    def dernier(self, chaine: str) -> Vu | None:
        vus = self.vus.get(chaine)
        return vus[max(vus)] if vus else None


def _mac(contenu: dict) -> str:
    cle = f"temoin:{settings.JOURNAL_KEY}".encode()
    return hmac.new(cle, json_canonique(contenu), hashlib.sha256).hexdigest()[:32]


def _dossier():
    from espace_sante.journal import points

    return points.dossier()


def noter(chaine: str, rang: int, empreinte: str) -> None:
    """Append one committed head. Never raises: the act it follows is already committed."""
    contenu = {"c": chaine, "r": rang, "h": empreinte, "t": timezone.now().isoformat()}
    ligne = json_canonique({**contenu, "m": _mac(contenu)}) + b"\n"
    fichier = _dossier() / f"{PREFIXE}{timezone.now():%Y-%m}.jsonl"
    try:
        try:
            fd = os.open(fichier, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except FileNotFoundError:  # the directory, the first time only
            fichier.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(fichier, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, ligne)
        finally:
            os.close(fd)
    except OSError:
        logger.exception("Témoin du journal non écrit (%s rang %s)", chaine, rang)


def _a_lire(depuis: dict[str, int]) -> list[tuple[str, int]]:
    """(file, start offset): files the last checkpoint read resume at its offset, newer
    files are read whole, older ones were consumed before."""
    dossier = _dossier()
    noms = sorted(f.name for f in dossier.glob(f"{PREFIXE}*.jsonl")) if dossier.is_dir() else []
    if not depuis:
        return [(nom, 0) for nom in noms]
    plus_recent = max(depuis)
    return [(nom, depuis.get(nom, 0)) for nom in noms if nom in depuis or nom > plus_recent]


def lire(*, depuis: dict[str, int], chaine: str | None = None) -> Lecture:
    """Read the witness after ``depuis`` (file → byte offset); ``chaine``: keep only it."""
    lecture = Lecture()
    for nom, debut in _a_lire(depuis):
        with (_dossier() / nom).open("rb") as flux:
            flux.seek(debut)
            brut = flux.read()
        fin = brut.rfind(b"\n") + 1  # a line still being written is read next time
        position = debut
        for ligne in brut[:fin].splitlines(keepends=True):
            _lire_ligne(lecture, ligne, chaine, nom, position)
            position += len(ligne)
        lecture.positions[nom] = debut + fin
    # What a checkpoint records: the two newest files (a writer may still finish a line in
    # last month's file just after midnight); older ones are done.
    lecture.positions = dict(sorted(lecture.positions.items())[-2:])
    return lecture


def _lire_ligne(lecture: Lecture, ligne: bytes, chaine: str | None, nom: str, position: int):
    try:
        donnees = json.loads(ligne)
        contenu = {k: donnees[k] for k in ("c", "r", "h", "t")}
        valide = hmac.compare_digest(str(donnees.get("m")), _mac(contenu))
        rang = int(contenu["r"])
    except (ValueError, TypeError, KeyError, AttributeError):
        valide = False
    if not valide:
        lecture.invalides.append((nom, position))
        return
    if chaine is None or contenu["c"] == chaine:
        vu = Vu(rang, str(contenu["h"]), str(contenu["t"]))
        lecture.vus.setdefault(str(contenu["c"]), {})[rang] = vu


def libelle(vu: Vu) -> str:
    quand = timezone.localtime(datetime.fromisoformat(vu.quand))
    return f"témoin hors base (tête écrite le {quand:%d/%m/%Y à %H:%M:%S})"
