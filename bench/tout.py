"""`make bench`: every benchmark, each against its same-run baseline, into bench/RESULTS.md.

    make bench            (a few minutes each: BENCH_ROWS, BENCH_N, BENCH_DUREE to bound them)

Runs each benchmark in its own process (its own throwaway database), keeps every line it
prints, and writes bench/RESULTS.md: the machine, then per benchmark its command, its
figures and its last line (the ratio against the baseline measured in the same run), then
the profile's conclusions kept by hand in bench/CONCLUSIONS.md. Figures from a shared
machine are noisy; the ratios inside one run are what compare.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ICI = Path(__file__).resolve().parent
RACINE = ICI.parent
PY = sys.executable


def _bancs() -> list[tuple[str, str, list[str]]]:
    lignes = os.environ.get("BENCH_ROWS", "100000")
    duree = os.environ.get("BENCH_DUREE", "6")
    croissance = os.environ.get("BENCH_PROFILS", "10000 1000000").split()
    bancs = [
        (
            "Journal : un ajout chaîné contre un INSERT dans une table de même forme",
            "journal_ecriture.py",
            ["--n", os.environ.get("BENCH_N", "2000")],
        ),
        (
            f"Lot de création : {lignes} lignes contre le COPY des lignes finies",
            "lot_creation.py",
            ["--rows", lignes],
        ),
    ]
    bancs.append(("Pages connectées contre l'accueil anonyme", "pages.py", ["--duree", duree]))
    bancs += [
        (
            f"Pages avec {int(n):_} autres profils en base".replace("_", " "),
            "pages.py",
            ["--duree", duree, "--profils", n],
        )
        for n in croissance
    ]
    bancs += [
        (
            f"Lot de création : {lignes} lignes, {int(n):_} autres profils en base".replace(
                "_", " "
            ),
            "lot_creation.py",
            ["--rows", lignes, "--profils", n],
        )
        for n in croissance
    ]
    bancs.append(("Balayage des rappels : 100 000 puis 1 000 000 lignes", "rappels.py", []))
    return bancs


def _machine() -> list[str]:
    modele = ""
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memoire = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memoire = f"{kb / 1024 / 1024:.1f} Gio"
    except (OSError, ValueError, IndexError):
        pass
    charge = " ".join(f"{c:.1f}" for c in os.getloadavg())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=RACINE, capture_output=True, text=True
    ).stdout.strip()
    pg = ""
    version = RACINE / "var" / "pgdata" / "PG_VERSION"
    if version.exists():
        pg = f"PostgreSQL {version.read_text().strip()} (embarqué)"
    return [
        f"- date : {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit}",
        f"- processeur : {os.cpu_count()} cœurs, {modele}",
        f"- mémoire : {memoire} ; charge moyenne au départ : {charge}",
        f"- {platform.python_implementation()} {platform.python_version()}, {pg}",
    ]


def _ecrire(sections: list[str], machine: list[str]) -> None:
    conclusions = ICI / "CONCLUSIONS.md"
    texte = [
        "# Résultats des bancs d'essai",
        "",
        "Écrit par `make bench` (bench/tout.py) ; ne pas modifier à la main — les",
        "conclusions du profilage sont dans bench/CONCLUSIONS.md, recopiées en fin de page.",
        "Chaque banc mesure sa référence dans la même exécution : sur une machine partagée,",
        "ce sont les rapports qui comptent, pas les débits bruts.",
        "",
        "## Machine",
        "",
        *machine,
        "",
        *sections,
    ]
    if conclusions.exists():
        texte += [conclusions.read_text().strip(), ""]
    (ICI / "RESULTS.md").write_text("\n".join(texte))


def main() -> None:
    """Rewrites RESULTS.md after each benchmark: a long run stopped midway keeps what it
    measured."""
    machine = _machine()
    sections: list[str] = []
    for titre, script, arguments in _bancs():
        commande = [PY, str(ICI / script), *arguments]
        print(f"== {titre}", flush=True)
        debut = time.perf_counter()
        fini = subprocess.run(commande, cwd=RACINE, capture_output=True, text=True)
        duree = time.perf_counter() - debut
        # Celery's banner and warnings are not figures: keep the lines with a figure.
        lignes = [
            ligne
            for ligne in fini.stdout.splitlines()
            if "=" in ligne or ligne.startswith(("gunicorn", "rows", "ratio"))
        ]
        if fini.returncode:
            lignes += ["ÉCHEC (code de sortie " + str(fini.returncode) + ") :"]
            lignes += fini.stderr.strip().splitlines()[-5:]
        print("\n".join(lignes), flush=True)
        sections += [
            f"## {titre}",
            "",
            f"`bench/{script} {' '.join(arguments)}` — {duree:.0f} s",
            "",
            "```",
            *lignes,
            "```",
            "",
        ]
        _ecrire(sections, machine)
    print(f"Écrit : {ICI / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
