"""Where a signed-in page spends its time: cProfile over the bench's own requests.

    .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/profil_pages.py

Seeds the same record as bench/pages.py (a patient with 50 documents, a year of measures,
1,000 history entries, 1,000 conversations; a professional; a connected service), then
serves each page ``--n`` times in-process (Django's test client, DEBUG off) under cProfile,
and prints per page: ms per request and the functions with the most cumulative time, in
buckets (database round trips, template rendering, journal append, the rest).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")
os.environ.setdefault("TESTING", "true")

# (bucket, substring of "file:function") — the first that matches a frame owns its time.
SEAUX = (
    ("journal", "journal/services.py:ecrire"),
    ("base de données", "psycopg/cursor.py:execute"),
    ("gabarits", "django/template/backends/django.py:render"),
)


def _seaux(stats: pstats.Stats, n: int) -> str:
    parts = []
    for nom, motif in SEAUX:
        cumul = sum(
            v[3] for (f, _, fn), v in stats.stats.items() if motif in f"{f}:{fn}"
        )  # cumulative time of the matching frames (outermost dominate)
        parts.append(f"{nom}={cumul / n * 1000:.1f} ms")
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30, help="requêtes profilées par page")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--tri", default="tottime", help="tottime (défaut) ou cumulative")
    parser.add_argument("--page", default="", help="seulement les pages dont le nom contient…")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench import pages as banc
    from consentement.acces import matrice

    setup_test_environment()
    settings.DEBUG = False
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-profil-")
    connection.settings_dict["TEST"]["NAME"] = "bench_profil_pages"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    base = connection.settings_dict["NAME"]
    try:
        matrice.initialiser()
        donnees = banc.peupler()
        sessions = {
            "patient": banc.session_de(donnees["patient"]),
            "pro": banc.session_de(donnees["pro"]),
            "api": banc.jeton_de(donnees["patient"], donnees["profil"]),
        }
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        client = Client()
        for nom, chemin, en_tete in banc.pages(donnees, sessions):
            if args.page not in nom:
                continue
            entetes = {}
            if en_tete:
                cle, valeur = en_tete.split(": ", 1)
                if cle == "Cookie":
                    client.cookies.load(valeur)
                else:
                    entetes["HTTP_AUTHORIZATION"] = valeur
            else:
                client.cookies.clear()
            for _ in range(3):  # warm: caches, the session's first save
                client.get(chemin, **entetes)
            profil = cProfile.Profile()
            debut = time.perf_counter()
            profil.enable()
            for _ in range(args.n):
                reponse = client.get(chemin, **entetes)
                if reponse.streaming:
                    b"".join(reponse.streaming_content)
            profil.disable()
            ms = (time.perf_counter() - debut) / args.n * 1000
            stats = pstats.Stats(profil)
            print(f"\n== {nom}: {ms:.1f} ms/requête sous cProfile (statut {reponse.status_code})")
            print("   " + _seaux(stats, args.n))
            stats.sort_stats(args.tri).print_stats(args.top)
            client.cookies.clear()
    finally:
        connection.creation.destroy_test_db(base, verbosity=0)


if __name__ == "__main__":
    main()
