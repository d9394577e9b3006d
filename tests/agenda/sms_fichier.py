"""An SMS backend for the worker tests: each delivery is one line appended (and synced) to
the file ``SMS_FICHIER``, so the test counts what a provider would have delivered. With
``SMS_BLOQUER_APRES=K``, the send after the K-th delivery hangs, as a provider that stops
answering: the test SIGKILLs the worker there, mid-send."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _livrees(fichier: Path) -> int:
    return len(fichier.read_text().splitlines()) if fichier.exists() else 0


class SmsFichier:
    def envoyer(self, numero: str, texte: str, *, cle: str = "") -> None:
        fichier = Path(os.environ["SMS_FICHIER"])
        bloquer = os.environ.get("SMS_BLOQUER_APRES")
        if bloquer is not None and _livrees(fichier) >= int(bloquer):
            Path(f"{fichier}.bloque").touch()
            time.sleep(600)
        with fichier.open("a", encoding="utf-8") as sortie:
            sortie.write(f"{numero}\t{texte}\n")
            sortie.flush()
            os.fsync(sortie.fileno())
