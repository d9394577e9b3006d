"""SMS backends, chosen by ``SMS_BACKEND``: the console in development, a memory outbox in
tests, a provider's HTTP API in production (a class with the same ``envoyer`` method).

``envoyer(numero, texte, *, cle)``: ``cle`` is the delivery row's idempotency key (stable
across retries). A provider's class passes it as its API's idempotency key (header or
client reference), so a retry after an accepted-but-not-recorded send is not delivered twice."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

# Messages sent by MemoireSms, for the tests (like Django's mail.outbox), and their keys.
boite: list[tuple[str, str]] = []
cles: list[str] = []


class ConsoleSms:
    def envoyer(self, numero: str, texte: str, *, cle: str = "") -> None:
        print(f"\n>>> SMS pour {numero} (clé {cle}) : {texte}\n", flush=True)


class MemoireSms:
    def envoyer(self, numero: str, texte: str, *, cle: str = "") -> None:
        boite.append((numero, texte))
        cles.append(cle)


def backend():
    return import_string(settings.SMS_BACKEND)()
