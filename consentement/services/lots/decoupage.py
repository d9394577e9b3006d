"""Cutting a batch file into chunks on record boundaries, whatever the quotes.

The CSV parser itself says where each record ends: lines are fed to it one by one, so a
record's last line is known when the parser yields it. A quoted field may span lines (an
address on two lines); a quote that is never closed makes the parser swallow lines until
its field limit, which we report as an error with the line where the record began. So a
chunk is always about ``taille`` records, never "the rest of the file".
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from consentement.acces import date_majorite
from consentement.enums import StatutLot
from consentement.models import Lot, LotMorceau
from consentement.services.lots.lignes import Rejet, Validation

BOM = b"\xef\xbb\xbf"

# A record may not span more lines than this (an address has a few): beyond, a quote
# was left open. Python's own limit on a field's length (131,072 characters) also holds.
LIGNES_PAR_ENREGISTREMENT_MAX = 20


class ErreurCsv(Exception):
    """A record the CSV parser cannot read; the message names the line, in French."""


def corps_de(contenu: bytes) -> bytes:
    """The records after the header line (without a BOM)."""
    if contenu.startswith(BOM):
        contenu = contenu[len(BOM) :]
    fin_entete = contenu.find(b"\n")
    return contenu[fin_entete + 1 :] if fin_entete >= 0 else b""


def _lignes(corps: bytes) -> Iterator[tuple[int, int]]:
    debut = 0
    while debut < len(corps):
        fin = corps.find(b"\n", debut)
        fin = len(corps) if fin < 0 else fin + 1
        yield debut, fin
        debut = fin


def enregistrements(
    corps: bytes, separateur: str, *, premiere_ligne: int
) -> Iterator[tuple[int, int, int, list[str]]]:
    """(first line, line after it, byte offset of its end, fields), record by record.

    Blank lines are skipped. Raises ErreurCsv on an unreadable record.
    """
    fin_courante = 0

    def source():
        nonlocal fin_courante
        for debut, fin in _lignes(corps):
            fin_courante = fin
            yield corps[debut:fin].decode("utf-8")

    lecteur = csv.reader(source(), delimiter=separateur)
    ligne = premiere_ligne
    while True:
        try:
            champs = next(lecteur)
        except StopIteration:
            return
        except csv.Error as erreur:
            raise ErreurCsv(_message(ligne, erreur)) from None
        suivante = premiere_ligne + lecteur.line_num
        if suivante - ligne > LIGNES_PAR_ENREGISTREMENT_MAX:
            raise ErreurCsv(_message(ligne, None))
        if champs and not (len(champs) == 1 and not champs[0].strip()):
            yield ligne, suivante, fin_courante, champs
        ligne = suivante


def _message(ligne: int, erreur: csv.Error | None) -> str:
    cause = (
        "un champ est trop long" if erreur is None or "field larger" in str(erreur) else str(erreur)
    )
    return (
        f"Ligne {ligne} : le fichier ne peut pas être lu à partir de cette ligne ({cause}). "
        "Le plus souvent, un guillemet (\") ouvert n'est jamais refermé : corrigez cette "
        "ligne puis déposez le fichier de nouveau."
    )


class Borne(NamedTuple):
    """A chunk of ``taille`` records at most: its bytes and its first line number."""

    debut: int
    fin: int
    ligne: int


class Decoupe(NamedTuple):
    """One read of the batch's records: where its chunks are cut, and its in-file duplicates."""

    bornes: list[Borne]
    doublons: dict[int, int]


def decouper(lot: Lot, corps: bytes, taille: int) -> Decoupe:
    """Read the records once: the chunks' bounds, and the in-file duplicates (line -> the
    earlier line it repeats), decided before any chunk runs.

    The first valid line of a NIR wins (an invalid line is reported for its own reason by
    its chunk), so chunks processed in parallel never insert the same NIR twice.
    """
    validation = Validation(
        lot.entete, majorite=date_majorite(lot.date_avis), aujourdhui=timezone.localdate()
    )
    bornes: list[Borne] = []
    debut, ligne_debut, compte = 0, 2, 0
    premieres: dict[str, int] = {}
    doublons: dict[int, int] = {}
    for ligne, suivante, fin, brute in enregistrements(corps, lot.separateur, premiere_ligne=2):
        try:
            nir_hash = validation.candidat(ligne, brute).nir_hash
        except Rejet:
            pass
        else:
            if nir_hash in premieres:
                doublons[ligne] = premieres[nir_hash]
            else:
                premieres[nir_hash] = ligne
        compte += 1
        if compte == taille:
            bornes.append(Borne(debut, fin, ligne_debut))
            debut, ligne_debut, compte = fin, suivante, 0
    if compte:
        bornes.append(Borne(debut, len(corps), ligne_debut))
    return Decoupe(bornes, doublons)


def lot_decouper(lot_id: int) -> list[int]:
    """Cut the batch into chunks (once); return the ids of chunks still to do."""
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        if lot.statut == StatutLot.RECU:
            with lot.fichier.open("rb") as f:
                corps = corps_de(f.read())
            stockage = storages["sante"]
            morceaux = []
            decoupe, repetees = decouper(lot, corps, settings.LOT_TAILLE_MORCEAU)
            for numero, (debut, fin, ligne) in enumerate(decoupe):
                segment = corps[debut:fin]
                nom = stockage.save(
                    f"lots/{lot.public_id}/morceaux/{numero:06d}-{uuid.uuid4()}.csv",
                    ContentFile(segment),
                )
                n = segment.count(b"\n") + (0 if segment.endswith(b"\n") else 1)
                suivant = decoupe[numero + 1].ligne if numero + 1 < len(decoupe) else None
                morceaux.append(
                    LotMorceau(
                        lot=lot,
                        numero=numero,
                        ligne_debut=ligne,
                        nb_lignes=n,
                        fichier=nom,
                        doublons={
                            str(d): o
                            for d, o in repetees.items()
                            if d >= ligne and (suivant is None or d < suivant)
                        },
                    )
                )
            LotMorceau.objects.bulk_create(morceaux)
            lot.statut = StatutLot.EN_COURS
            lot.debut = timezone.now()
            lot.save(update_fields=["statut", "debut"])
        return list(lot.morceaux.filter(fait=False).values_list("pk", flat=True))
