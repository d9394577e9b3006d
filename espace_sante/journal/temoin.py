"""The witness outside PostgreSQL: every committed chain head, appended to a file.

Signed checkpoints (points.py) only cover what existed when they were written. Between
two of them, the database owner could delete a chain's newest rows and set its head back
to the previous (rank, hash), both read from the table. So after each journal write
commits, the writing process appends the new head —
``{"c": chaine, "r": rang, "h": hash, "t": when, "m": mac}`` — to ``temoins-AAAA-MM.jsonl``
beside the checkpoints (O_APPEND, the whole line in one write(), the MAC under JOURNAL_KEY
so no one without the key can add a line).

Every witnessed (rank, hash) is a seal, not only the newest: the chain must still hold
each of them (selectors.py, and before a checkpoint seals it, services.py). Two different
hashes witnessed for one rank is a fork — the tail was erased and written again — unless
a signed restore record lies between them (then the older one is before the record's
offsets and is no longer read).

The witness is written after the commit (never for a rolled-back write, which would look
like a truncation): a process killed between its commit and its append, or an append that
fails, leaves that entry covered by the key alone until the next write on the same chain
is witnessed. A failed append is logged (at most once a minute per process) and flagged
for ``/sante/pret`` (the "temoin" check). Lines are not fsynced: a host crash may lose the
last seconds of lines, never invent one.

A line that cannot be parsed at all (torn by a full disk, or garbage) names no chain: it
is reported as "témoin illisible", an operator's problem, by ``journal_verify`` and the
health check — not as tampering of every patient's chain, since the one head it held is
then only as unwitnessed as a failed append. A well-formed line whose MAC is wrong was
forged or edited: that is tampering, reported on the chain it names.

Readers stream the tail after the offsets that the last checkpoint line recorded (the
checkpoint carries what it consumed), and a reader of one chain skips the other chains'
lines before computing any MAC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from espace_sante.journal.empreinte import json_canonique

logger = logging.getLogger(__name__)

PREFIXE = "temoins-"
# How often one process logs a failed append; the cross-process flag of the last failure
# (read by the health check) is keyed by the directory, which every host mounts alike.
JOURNALISER_TOUTES = 60.0
ALERTE_SECONDES = 24 * 3600  # the flag stays up a day after the last failure
_dernier_log = [0.0]
_DEBUT_LIGNE = b'{"c":'


@dataclass(frozen=True)
class Vu:
    """A chain head as the witness saw it committed."""

    rang: int
    hash: str
    quand: str

    @property
    def libelle(self) -> str:
        return libelle(self)


@dataclass
class Lecture:
    """The witness tail: per chain, the heads seen (the first hash seen for each rank),
    the forks (a second, different hash for a rank), and where reading stopped."""

    vus: dict[str, dict[int, Vu]] = field(default_factory=dict)
    fourches: dict[str, list[tuple[Vu, Vu]]] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)
    invalides: list[tuple[str, int, str]] = field(default_factory=list)  # (file, offset, chain)
    illisibles: list[tuple[str, int]] = field(default_factory=list)  # (file, byte offset)

    def voir(self, chaine: str, vu: Vu) -> None:
        vus = self.vus.setdefault(chaine, {})
        premier = vus.setdefault(vu.rang, vu)
        if premier.hash != vu.hash:
            fourches = self.fourches.setdefault(chaine, [])
            if (premier, vu) not in fourches:
                fourches.append((premier, vu))

    def dernier(self, chaine: str) -> Vu | None:
        vus = self.vus.get(chaine)
        return vus[max(vus)] if vus else None


def _mac(contenu: dict) -> str:
    cle = f"temoin:{settings.JOURNAL_KEY}".encode()
    return hmac.new(cle, json_canonique(contenu), hashlib.sha256).hexdigest()[:32]


def dossier() -> Path:
    """The folder of the witness files and the checkpoints (``JOURNAL_CHECKPOINT_DIR``)."""
    return Path(settings.JOURNAL_CHECKPOINT_DIR)


def ligne(chaine: str, rang: int, empreinte: str, quand: datetime) -> bytes:
    contenu = {"c": chaine, "r": rang, "h": empreinte, "t": quand.isoformat()}
    return json_canonique({**contenu, "m": _mac(contenu)}) + b"\n"


def noter(chaine: str, rang: int, empreinte: str) -> None:
    """Append one committed head. Never raises: the act it follows is already committed."""
    maintenant = timezone.now()
    donnees = ligne(chaine, rang, empreinte, maintenant)
    fichier = dossier() / f"{PREFIXE}{maintenant:%Y-%m}.jsonl"
    try:
        try:
            fd = os.open(fichier, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        except FileNotFoundError:  # the directory, the first time only
            fichier.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(fichier, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            ecrit = os.write(fd, donnees)  # the whole line in one write: O_APPEND keeps it whole
            if ecrit != len(donnees):
                # Torn (disk full): end it, so the next line starts clean (best effort).
                os.write(fd, b"\n")
                raise OSError(f"ligne de témoin tronquée ({ecrit} octets sur {len(donnees)})")
        finally:
            os.close(fd)
    except OSError as erreur:
        _signaler_echec(chaine, rang, erreur)


def _cle_echec() -> str:
    return "journal:temoin:echec:" + hashlib.sha256(str(dossier()).encode()).hexdigest()[:16]


def signaler_illisible() -> None:
    """Raise the health flag (an unreadable line found, or an append failed)."""
    try:
        cache.set(_cle_echec(), timezone.now().isoformat(), timeout=ALERTE_SECONDES)
    except Exception:  # noqa: BLE001 — Redis down must not fail a committed act either
        logger.warning("Indicateur d'échec du témoin non posé (cache indisponible)")


def _signaler_echec(chaine: str, rang: int, erreur: OSError) -> None:
    """Visible, never loud: one log line a minute per process, and the health flag."""
    signaler_illisible()
    if time.monotonic() - _dernier_log[0] >= JOURNALISER_TOUTES:
        _dernier_log[0] = time.monotonic()
        logger.error(
            "Témoin du journal non écrit (%s rang %s) : %s — la troncature des entrées "
            "non scellées n'est plus détectable hors base tant que cela dure",
            chaine,
            rang,
            erreur,
        )


def dernier_echec() -> datetime | None:
    """When an append last failed, in any process (None: never, or flag cleared)."""
    try:
        valeur = cache.get(_cle_echec())
    except Exception:  # noqa: BLE001
        return None
    return datetime.fromisoformat(valeur) if valeur else None


def _a_lire(depuis: dict[str, int]) -> list[tuple[str, int]]:
    """(file, start offset): files the last checkpoint read resume at its offset, newer
    files are read whole, older ones were consumed before."""
    repertoire = dossier()
    noms = (
        sorted(f.name for f in repertoire.glob(f"{PREFIXE}*.jsonl")) if repertoire.is_dir() else []
    )
    if not depuis:
        return [(nom, 0) for nom in noms]
    plus_recent = max(depuis)
    return [(nom, depuis.get(nom, 0)) for nom in noms if nom in depuis or nom > plus_recent]


def lire(*, depuis: dict[str, int], chaine: str | None = None) -> Lecture:
    """Stream the witness after ``depuis`` (file → byte offset); ``chaine``: keep only it
    (other chains' lines are skipped before any MAC is computed)."""
    lecture = Lecture()
    filtre = None if chaine is None else _DEBUT_LIGNE + json_canonique(chaine) + b","
    for nom, debut in _a_lire(depuis):
        position = debut
        with (dossier() / nom).open("rb") as flux:
            flux.seek(debut)
            for brut in flux:
                if not brut.endswith(b"\n"):
                    break  # a line still being written is read next time
                _lire_ligne(lecture, brut, chaine, filtre, nom, position)
                position += len(brut)
        lecture.positions[nom] = position
    # What a checkpoint records: the two newest files (a writer may still finish a line in
    # last month's file just after midnight); older ones are done.
    lecture.positions = dict(sorted(lecture.positions.items())[-2:])
    return lecture


def _lire_ligne(lecture: Lecture, brut: bytes, chaine, filtre, nom: str, position: int):
    # A line torn by a failed write may have the next whole line glued after it.
    morceaux = [brut]
    if not brut.startswith(_DEBUT_LIGNE) or _DEBUT_LIGNE in brut[1:]:
        coupe = brut.rfind(_DEBUT_LIGNE)
        if coupe > 0:
            morceaux = [brut[:coupe], brut[coupe:]]
    for decalage, morceau in zip((0, len(morceaux[0])), morceaux, strict=False):
        if filtre is not None and morceau.startswith(_DEBUT_LIGNE):
            if not morceau.startswith(filtre):
                continue  # another chain's line: no MAC to compute
        _lire_morceau(lecture, morceau, chaine, nom, position + decalage)


def _lire_morceau(lecture: Lecture, morceau: bytes, voulue: str | None, nom: str, position: int):
    try:
        donnees = json.loads(morceau)
        contenu = {k: donnees[k] for k in ("c", "r", "h", "t")}
        chaine, rang = str(contenu["c"]), int(contenu["r"])
        datetime.fromisoformat(str(contenu["t"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        if voulue is None:  # names no chain: the operator's problem, reported to them
            lecture.illisibles.append((nom, position))
        return
    if voulue is not None and chaine != voulue:
        return
    if not hmac.compare_digest(str(donnees.get("m")), _mac(contenu)):
        lecture.invalides.append((nom, position, chaine))
        return
    lecture.voir(chaine, Vu(rang, str(contenu["h"]), str(contenu["t"])))


def libelle(vu: Vu) -> str:
    quand = timezone.localtime(datetime.fromisoformat(vu.quand))
    return f"témoin hors base (tête écrite le {quand:%d/%m/%Y à %H:%M:%S})"
