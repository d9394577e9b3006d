"""Signed checkpoints of the chain heads, kept outside PostgreSQL.

Whoever holds both the database and the chain key can still rewrite a chain and its
head so that it verifies. Checkpoints defeat that: every few minutes the heads that
moved are written, signed with Ed25519, as one line appended to a JSON-lines file of
JOURNAL_CHECKPOINT_DIR (``points-AAAA-MM.jsonl``, one file a month, opened with
O_APPEND). Each line carries its number and the SHA-256 of the line before it, across
files, so a removed, inserted or edited line breaks the sequence. Verification then
requires every checkpointed (rank, hash) to still be in its chain (selectors.py).

A line: ``{"numero", "horodatage", "precedent", "cle", "tetes": {chaine: [rang, hash]},
"signature"}``, the signature covering the canonical JSON of everything else.

Entries written since the last checkpoint are covered by the witness (temoin.py): every
committed head is appended beside these files, and a line records how far into the witness
it read, and what it saw but could not seal: the highest head ("planchers") and every
witnessed (rank, hash) of each refused chain ("temoins_dus"). Together they say, per chain,
the least rank the database must still reach and the hashes it must still hold at each
witnessed rank. A restore from a backup is a signed line of type "restauration"
(journal_restauration), which names each chain it re-anchors and what was lost.

Removing the newest lines (or whole newest files) is only prevented by the storage. The
files are appended line by line, so WORM / object-lock storage (which takes whole objects)
cannot hold them: production mounts this directory on an append-only filesystem
(``chattr +a`` on each file, an append-only NFS export, or equivalent) shared by every web
and worker host, writable by the application only through O_APPEND; a month's files, once
closed, may be copied to WORM storage as sealed archives. Every reader walks all lines, so
at national scale the files would be sharded by chain.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from espace_sante.journal import signature, temoin
from espace_sante.journal.empreinte import HASH_ORIGINE, json_canonique
from espace_sante.journal.temoin import dossier


@dataclass(frozen=True)
class Scelle:
    """A chain head as one checkpoint recorded it."""

    rang: int
    hash: str
    numero: int
    horodatage: str

    @property
    def libelle(self) -> str:
        quand = timezone.localtime(datetime.fromisoformat(self.horodatage))
        return f"point de contrôle signé n° {self.numero} du {quand:%d/%m/%Y à %H:%M}"


@dataclass(frozen=True)
class Plancher:
    """The least a chain must still reach: the highest head a checkpoint, the witness or
    a restore record saw, and when it was seen."""

    rang: int
    hash: str
    libelle: str
    quand: str


@dataclass(frozen=True)
class Restauration:
    """A signed restore record: the heads it re-anchored and what the restore lost."""

    numero: int
    horodatage: str
    motif: str
    operateur: str
    tetes: dict[str, list]
    perdus: dict[str, list]

    @property
    def libelle(self) -> str:
        quand = timezone.localtime(datetime.fromisoformat(self.horodatage))
        return f"restauration signée n° {self.numero} du {quand:%d/%m/%Y à %H:%M}"

    def __str__(self) -> str:
        perdues = sum(int(ancien) - int(self.tetes[c][0]) for c, (ancien, _) in self.perdus.items())
        return (
            f"{self.libelle[0].upper()}{self.libelle[1:]} par {self.operateur} — « {self.motif} » : "
            f"{len(self.tetes)} chaîne(s) réancrée(s), {perdues} entrée(s) perdue(s) avec la "
            "sauvegarde"
        )


@dataclass(frozen=True)
class Anomalie:
    """A line of the checkpoint (or witness) files that cannot be trusted."""

    fichier: str
    ligne: int
    motif: str
    unite: str = "ligne"
    # True: the files cannot be read (an operator's problem), not evidence of tampering.
    exploitation: bool = False

    def __str__(self) -> str:
        return (
            f"Points de contrôle, fichier {self.fichier}, {self.unite} {self.ligne} : {self.motif}"
        )


@dataclass
class Registre:
    """What the checkpoint files say: per chain, every checkpointed rank and its hash, and
    the least rank each chain must still reach (checkpoints, witness, restores)."""

    scelles: dict[str, dict[int, Scelle]] = field(default_factory=dict)
    planchers: dict[str, Plancher] = field(default_factory=dict)
    anomalies: list[Anomalie] = field(default_factory=list)
    restaurations: list[Restauration] = field(default_factory=list)
    numero: int = 0
    lien: str = HASH_ORIGINE  # SHA-256 of the last line: the next one must name it
    temoins: dict[str, int] = field(default_factory=dict)  # witness read up to, per file
    # Every witnessed (rank, hash) still owed: carried by checkpoint lines, then the tail.
    vus: temoin.Lecture = field(default_factory=temoin.Lecture)
    temoin: temoin.Lecture = field(default_factory=temoin.Lecture)  # the witness tail

    def dernier(self, chaine: str) -> Scelle | None:
        scelles = self.scelles.get(chaine)
        return scelles[max(scelles)] if scelles else None

    def sceaux(self, chaine: str) -> dict:
        """What the chain must still hold, rank by rank: what checkpoints sealed, and what
        the witness saw committed (a rank both saw differently is a fork, reported apart)."""
        return {**self.vus.vus.get(chaine, {}), **self.scelles.get(chaine, {})}

    def fourches(self, chaine: str) -> list[tuple]:
        """(rank, first seen, then seen) for each rank seen with two different hashes."""
        fourches = [(a.rang, a, b) for a, b in self.vus.fourches.get(chaine, [])]
        for rang, vu in self.vus.vus.get(chaine, {}).items():
            scelle = self.scelles.get(chaine, {}).get(rang)
            if scelle is not None and scelle.hash != vu.hash:
                fourches.append((rang, scelle, vu))
        return sorted(fourches, key=lambda f: f[0])

    def relever(self, chaine: str, plancher: Plancher) -> None:
        actuel = self.planchers.get(chaine)
        if actuel is None or plancher.rang > actuel.rang:
            self.planchers[chaine] = plancher


def _fichiers() -> list[Path]:
    return sorted(dossier().glob("points-*.jsonl")) if dossier().is_dir() else []


def existe() -> bool:
    return bool(_fichiers())


def lire(*, chaine: str | None = None) -> Registre:
    """Read every line in order, then the witness after the last line's offsets;
    ``chaine`` keeps only that chain's heads in memory."""
    registre = Registre()
    for fichier in _fichiers():
        with fichier.open("rb") as flux:
            for numero_ligne, brut in enumerate(flux, start=1):
                motif = _lire_ligne(registre, brut, chaine)
                if motif:
                    registre.anomalies.append(Anomalie(fichier.name, numero_ligne, motif))
    registre.temoin = temoin.lire(depuis=registre.temoins, chaine=chaine)
    for nom in sorted(set(registre.temoin.vus) | set(registre.temoin.fourches)):
        for vu in registre.temoin.vus.get(nom, {}).values():
            registre.vus.voir(nom, vu)
        for premier, ensuite in registre.temoin.fourches.get(nom, []):
            registre.vus.voir(nom, premier)
            registre.vus.voir(nom, ensuite)
        if vu := registre.temoin.dernier(nom):
            registre.relever(nom, Plancher(vu.rang, vu.hash, temoin.libelle(vu), vu.quand))
    for fichier, octet, nom in registre.temoin.invalides:
        motif = (
            f"ligne de témoin de la chaîne « {nom} » fabriquée ou modifiée sans la clé du journal"
        )
        registre.anomalies.append(Anomalie(fichier, octet, motif, unite="octet"))
    for fichier, octet in registre.temoin.illisibles:
        motif = (
            "témoin illisible (ligne tronquée : disque plein ou écriture interrompue) : "
            "la tête qu'elle portait n'est plus attestée hors base — à traiter par "
            "l'exploitant, ce n'est pas une falsification"
        )
        registre.anomalies.append(Anomalie(fichier, octet, motif, unite="octet", exploitation=True))
    return registre


def _lire_ligne(registre: Registre, brut: bytes, chaine: str | None) -> str | None:
    ligne = brut.rstrip(b"\n")
    lien, registre.lien = registre.lien, hashlib.sha256(ligne).hexdigest()
    try:
        donnees = json.loads(ligne)
        contenu = {k: v for k, v in donnees.items() if k != "signature"}
        numero = int(donnees["numero"])
        dict(donnees["tetes"])
    except (ValueError, TypeError, KeyError, AttributeError):
        registre.numero += 1
        return "ligne illisible (tronquée ou modifiée)"
    attendu, registre.numero = registre.numero + 1, numero
    signee = signature.verifier(
        json_canonique(contenu), donnees.get("signature"), cle=str(donnees.get("cle"))
    )
    if not signee:
        return "signature invalide ou clé inconnue : la ligne a été modifiée ou fabriquée"
    # A signed line is authentic even if one before it went missing: its heads count.
    if donnees.get("type") == "restauration":
        _restaurer(registre, donnees, chaine)
    else:
        _sceller(registre, donnees, chaine)
    registre.temoins = dict(donnees.get("temoins") or registre.temoins)
    if donnees.get("precedent") != lien:
        return "ne suit pas la ligne précédente (ligne supprimée, insérée ou modifiée)"
    if numero != attendu:
        return f"numéro {numero} au lieu de {attendu} (ligne supprimée ou insérée)"
    return None


def _sceller(registre: Registre, donnees: dict, chaine: str | None) -> None:
    numero, horodatage = int(donnees["numero"]), str(donnees.get("horodatage"))
    for nom, (rang, empreinte) in dict(donnees["tetes"]).items():
        if chaine is None or nom == chaine:
            scelle = Scelle(int(rang), str(empreinte), numero, horodatage)
            registre.scelles.setdefault(nom, {})[scelle.rang] = scelle
            registre.relever(nom, Plancher(scelle.rang, scelle.hash, scelle.libelle, horodatage))
    # Heads the witness saw that this checkpoint could not seal: still owed.
    for nom, (rang, empreinte) in dict(donnees.get("planchers") or {}).items():
        if chaine is None or nom == chaine:
            libelle = f"témoin consigné au point de contrôle signé n° {numero}"
            registre.relever(nom, Plancher(int(rang), str(empreinte), libelle, horodatage))
    for nom, vus in dict(donnees.get("temoins_dus") or {}).items():
        if chaine is None or nom == chaine:
            for rang, empreinte, quand in vus:
                registre.vus.voir(nom, temoin.Vu(int(rang), str(empreinte), str(quand)))


def _restaurer(registre: Registre, donnees: dict, chaine: str | None) -> None:
    """A restore record: each chain it names starts again from the head it names."""
    restauration = Restauration(
        numero=int(donnees["numero"]),
        horodatage=str(donnees.get("horodatage")),
        motif=str(donnees.get("motif", "")),
        operateur=str(donnees.get("operateur", "")),
        tetes=dict(donnees["tetes"]),
        perdus=dict(donnees.get("perdus") or {}),
    )
    registre.restaurations.append(restauration)
    for nom, (rang, empreinte) in restauration.tetes.items():
        if chaine is not None and nom != chaine:
            continue
        rang = int(rang)
        gardes = {r: s for r, s in registre.scelles.get(nom, {}).items() if r <= rang}
        if rang:
            gardes[rang] = Scelle(
                rang, str(empreinte), restauration.numero, restauration.horodatage
            )
        registre.scelles[nom] = gardes
        # What the witness saw above the restored head was lost with the backup.
        vus = {r: v for r, v in registre.vus.vus.get(nom, {}).items() if r <= rang}
        registre.vus.vus[nom] = vus
        registre.vus.fourches[nom] = [
            (a, b) for a, b in registre.vus.fourches.get(nom, []) if a.rang <= rang
        ]
        registre.planchers[nom] = Plancher(
            rang, str(empreinte), restauration.libelle, restauration.horodatage
        )


def ajouter(
    registre: Registre,
    tetes: dict[str, tuple[int, str]],
    maintenant: datetime,
    **autres,
) -> Path:
    """Append one signed line after the registre's last one; return the file written.

    ``autres``: the line's other fields (the witness offsets read, the heads still owed,
    or a restore record's). The caller holds the writers' lock and has just read
    ``registre``.
    """
    contenu = {
        **autres,
        "numero": registre.numero + 1,
        "horodatage": maintenant.isoformat(),
        "precedent": registre.lien,
        "tetes": {nom: [rang, empreinte] for nom, (rang, empreinte) in sorted(tetes.items())},
        "cle": signature.cle_courante(),
    }
    contenu["signature"] = signature.signer(json_canonique(contenu))
    ligne = json_canonique(contenu) + b"\n"
    dossier().mkdir(parents=True, exist_ok=True)
    fichier = dossier() / f"points-{maintenant:%Y-%m}.jsonl"
    nouveau = not fichier.exists()
    # O_APPEND: this process can only add at the end, and one write() puts the whole line.
    fd = os.open(fichier, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, ligne)
        os.fsync(fd)
    finally:
        os.close(fd)
    if nouveau:  # the new file's name must survive a crash too
        fd = os.open(dossier(), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return fichier
