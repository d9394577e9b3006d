"""The error report of a batch, streamed: line, field, reason (and whether it was imported)."""

from __future__ import annotations

import csv
import io

from consentement.models import Lot


def rapport_csv(lot: Lot):
    yield "\ufeffligne;champ;motif;ligne importée\r\n"
    for ligne, champ, motif, avert in (
        lot.rejets.order_by("ligne", "pk")
        .values_list("ligne", "champ", "motif", "avertissement")
        .iterator(chunk_size=2000)
    ):
        sortie = io.StringIO()
        csv.writer(sortie, delimiter=";", lineterminator="\r\n").writerow(
            [ligne, champ, motif, "oui (remarque)" if avert else "non"]
        )
        yield sortie.getvalue()
