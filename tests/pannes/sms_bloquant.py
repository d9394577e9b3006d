"""An SMS provider for the worker fault tests: each delivery is a line "number<TAB>key"
appended to ``SMS_FICHIER``; the first send ever hangs (``SMS_FICHIER.bloque`` marks it),
as a provider that stops answering while the test SIGKILLs the worker."""

from __future__ import annotations

import os
import time
from pathlib import Path


class SmsBloquantUneFois:
    def envoyer(self, numero: str, texte: str, *, cle: str = "") -> None:
        fichier = Path(os.environ["SMS_FICHIER"])
        marque = Path(f"{fichier}.bloque")
        if not marque.exists():
            marque.touch()
            time.sleep(300)
        with fichier.open("a", encoding="utf-8") as sortie:
            sortie.write(f"{numero}\t{cle}\n")
