"""Due work runs even without beat: each worker sweeps on its own timer.

Beat only enqueues the periodic tasks; if it dies, no reminder or notification would
leave until it came back. So every worker also runs, in a thread of its main process,
the sweeps of the beat schedule that carry due work (those every 5 minutes or more
often: reminders, notifications, batches, notices, deletions), each at its own period.
Every sweep task takes a PostgreSQL advisory lock (``pg_try_advisory_lock``, one per
task) in the task itself (``Tache``, the Celery app's task class): whoever runs it, beat's
enqueued task or a worker's thread, one sweep of a kind runs at a time; the others skip
that turn. The sweeps are idempotent all the same (rows claimed with ``SKIP LOCKED``).
Each sweep is bounded (the notifications' by NOTIFICATIONS_BUDGET_SECONDES, the others by
the size of their batch). ``BALAYAGE_TRAVAILLEUR=false`` turns the thread off.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib

from celery import Task
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils.module_loading import import_string

from espace_sante.lib.refus import Refus

logger = logging.getLogger(__name__)
PERIODE_MAX = 300  # seconds: the sweeps of due work; daily housekeeping stays beat's


def balayages() -> list[tuple[str, str, float]]:
    """(name, task, period) of the beat entries a worker sweeps itself."""
    return [
        (nom, entree["task"], float(entree["schedule"]))
        for nom, entree in sorted(settings.CELERY_BEAT_SCHEDULE.items())
        if isinstance(entree["schedule"], int | float) and entree["schedule"] <= PERIODE_MAX
    ]


def _verrou(tache: str) -> int:
    return zlib.crc32(f"balayage:{tache}".encode())


def _taches_balayees() -> frozenset[str]:
    return frozenset(tache for _, tache, _ in balayages())


class Tache(Task):
    """The app's task class: a sweep (a task of ``balayages``) runs under its advisory
    lock, or not at all (None) when another process is running it; other tasks as is.

    It is also the tasks' one answer to the kernel's refusals (``lib.refus``): a refused
    task is logged with its reason and ends (None); it is never retried, since the same
    work would be refused again."""

    def __call__(self, *args, **kwargs):
        try:
            return self._executer(*args, **kwargs)
        except Refus as refus:
            logger.warning("Tâche %s refusée (%s) : %s", self.name, type(refus).__name__, refus)
            return None

    def _executer(self, *args, **kwargs):
        if self.name not in _taches_balayees():
            return super().__call__(*args, **kwargs)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", [_verrou(self.name)])
            if not cur.fetchone()[0]:
                logger.info("Balayage %s déjà en cours ailleurs : ce tour est passé.", self.name)
                return None
        try:
            return super().__call__(*args, **kwargs)
        finally:
            try:
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_unlock(%s)", [_verrou(self.name)])
            except DatabaseError:  # the connection was lost: the lock went with it
                pass


def balayer(tache: str):
    """Run one sweep here (skipped, None, if another process is running it)."""
    return import_string(tache)()


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
                    balayer(tache)
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
