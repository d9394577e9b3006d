"""Account-creation batch, end to end, against a raw COPY of the same rows.

    make bench-lot ROWS=1000000
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/lot_creation.py --rows 100000)

In a throwaway database, with real Celery workers (2 processes, like `make run`):
- generates N valid rows (consentement.services.lots.exemple: 10 % minors linked to two earlier
  rows, one person in ten without email, so a letter);
- baseline: one `COPY … (FORMAT csv, HEADER)` of the same file into a bare table with
  the file's 14 columns (no index, no constraint): the fastest PostgreSQL can take the rows;
- import: `lot_creer` (checks and stores the file encrypted) → workers cut it into
  chunks, validate every row, write profiles (NIR encrypted, keyed hashes, activation
  code hashed), links, notices → finalisation. Timed until the batch is `termine`.
Last line: `profiles_per_s=… copy_rows_per_s=… ratio=…`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")


def _copy_seul(connection, contenu: bytes) -> float:
    """Seconds PostgreSQL's COPY takes to load the same file into a bare text table."""
    from consentement.services import lots

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_brut (" + ", ".join(f"{c} text" for c in lots.COLONNES) + ")"
        )
        debut = time.perf_counter()
        with cur.copy("COPY bench_brut FROM STDIN (FORMAT csv, HEADER)") as copie:
            copie.write(contenu)
        return time.perf_counter() - debut


def _import(contenu: bytes, travailleur) -> tuple[object, float]:
    """Create the batch and wait until the worker has finished it; (batch, seconds)."""
    from consentement.enums import StatutLot
    from consentement.services import lots

    debut = time.perf_counter()
    lot = lots.lot_creer(nom_fichier="bench.csv", contenu=contenu)
    while True:
        time.sleep(0.2)
        lot.refresh_from_db()
        if lot.statut in (StatutLot.TERMINE, StatutLot.ECHEC):
            return lot, time.perf_counter() - debut
        if travailleur.poll() is not None:
            raise SystemExit("Le worker Celery s'est arrêté.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n = args.rows
    os.environ["CELERY_QUEUE"] = "bench-lot"

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from consentement.services.lots import exemple
    from espace_sante import embedded
    from espace_sante.comptes.models import Profil

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_lot_creation"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    base = connection.settings_dict["NAME"]
    travailleur = None
    try:
        t = time.perf_counter()
        contenu = exemple.fichier(exemple.lignes(n))
        print(
            f"rows={n} file_mb={len(contenu) / 1e6:.1f} generated_in_s={time.perf_counter() - t:.1f}"
        )
        duree_copy = _copy_seul(connection, contenu)
        travailleur = embedded.demarrer_travailleur(
            base=base,
            file="bench-lot",
            concurrence=args.workers,
            env_extra={"EMAIL_FILE_PATH": "/tmp/bench-lot-emails"},
        )
        time.sleep(4)  # let the worker boot before the clock starts
        lot, duree = _import(contenu, travailleur)
        crees = Profil.objects.filter(lot_numero=lot.pk).count()
        assert crees == lot.crees == n, (crees, lot.crees, lot.rejetes)
        profils_par_s, copy_par_s = crees / duree, n / duree_copy
        print(f"copy_s={duree_copy:.2f} import_s={duree:.2f} rejected={lot.rejetes}")
        print(
            f"profiles_per_s={profils_par_s:.0f} copy_rows_per_s={copy_par_s:.0f} "
            f"ratio={profils_par_s / copy_par_s:.3f}"
        )
    finally:
        if travailleur is not None:
            embedded.arreter_travailleur(travailleur, brutal=True)
        connection.creation.destroy_test_db(base, verbosity=0)


if __name__ == "__main__":
    main()
