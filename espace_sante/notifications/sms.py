"""SMS backends, chosen by ``SMS_BACKEND``: the console in development, a memory outbox in
tests, a provider's HTTP API in production (a class with the same ``envoyer`` method)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

# Messages sent by MemoireSms, for the tests (like Django's mail.outbox).
boite: list[tuple[str, str]] = []


class ConsoleSms:
    def envoyer(self, numero: str, texte: str) -> None:
        print(f"\n>>> SMS pour {numero} : {texte}\n", flush=True)


class MemoireSms:
    def envoyer(self, numero: str, texte: str) -> None:
        boite.append((numero, texte))


def backend():
    return import_string(settings.SMS_BACKEND)()
