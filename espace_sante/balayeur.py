"""Due work runs even without beat: each worker sweeps on its own timer.

Beat only enqueues the periodic tasks; if it dies, no reminder or notification would
leave until it came back. So every worker also runs, in a thread of its main process,
the sweeps of the beat schedule that carry due work (those every 5 minutes or more
often: reminders, notifications, batches, notices, deletions), each at its own period.
A PostgreSQL advisory lock (``pg_try_advisory_lock``, one per sweep) lets one worker at a
time run a sweep; the others skip that turn. The sweeps are idempotent (rows claimed with
``SKIP LOCKED``), so a sweep run by beat's task and by a worker in the same minute sends
nothing twice. ``BALAYAGE_TRAVAILLEUR=false`` turns the thread off.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
PERIODE_MAX = 300  # seconds: the sweeps of due work; daily housekeeping stays beat's


def balayages() -> list[tuple[str, str, float]]:
    """(name, task, period) of the beat entries a worker sweeps itself."""
    return [
        (nom, entree["task"], float(entree["schedule"]))
        for nom, entree in sorted(settings.CELERY_BEAT_SCHEDULE.items())
        if isinstance(entree["schedule"], int | float) and entree["schedule"] <= PERIODE_MAX
    ]


def _verrou(nom: str) -> int:
    return zlib.crc32(f"balayage:{nom}".encode())


def balayer(nom: str, tache: str) -> bool:
    """Run one sweep here unless another worker is running it; False if skipped."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [_verrou(nom)])
        if not cur.fetchone()[0]:
            return False
        try:
            import_string(tache)()
        finally:
            cur.execute("SELECT pg_advisory_unlock(%s)", [_verrou(nom)])
    return True


class Balayeur(threading.Thread):
    def __init__(self):
        super().__init__(name="balayeur", daemon=True)
        self.arret = threading.Event()

    def run(self) -> None:
        entrees = balayages()
        prochain = {nom: time.monotonic() + periode for nom, _, periode in entrees}
        pas = min([periode for _, _, periode in entrees] + [5.0])
        while not self.arret.wait(pas):
            for nom, tache, periode in entrees:
                if time.monotonic() < prochain[nom]:
                    continue
                prochain[nom] = time.monotonic() + periode
                try:
                    balayer(nom, tache)
                except Exception:
                    logger.exception(
                        "Balayage « %s » en échec : nouvel essai au prochain tour.", nom
                    )
                finally:
                    close_old_connections()
            connection.close()  # a fresh connection each turn: survives a database restart


_balayeur: Balayeur | None = None


def demarrer() -> None:
    global _balayeur
    if settings.BALAYAGE_TRAVAILLEUR and _balayeur is None:
        _balayeur = Balayeur()
        _balayeur.start()
