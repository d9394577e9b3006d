"""Account-creation batch, end to end, against a raw COPY of the same rows.

    make bench-lot ROWS=1000000
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/lot_creation.py --rows 100000)

In a throwaway database, with real Celery workers (2 processes, like `make run`):
- generates N valid rows (consentement.services.lots.exemple: 10 % minors linked to two earlier
  rows, one person in ten without email, so a letter);
- import: `lot_creer` (checks and stores the file encrypted) → workers cut it into
  chunks, validate every row, write profiles (NIR encrypted, keyed hashes, activation
  code hashed), links, notices → finalisation. Timed until the batch is `termine`;
- baseline (the floor PostgreSQL itself sets for this work): the *finished* rows the
  import wrote — profiles already encrypted and hashed, links, notices, chunks, report —
  read back with `COPY … TO` and loaded with one `COPY … FROM` per table, in one
  transaction, into the real tables (every index, constraint, foreign key and trigger)
  of a database cloned from the empty schema before the import;
- also, for comparison with earlier runs, a `COPY` of the CSV into a bare text table.
Last lines: `profiles_per_s=… copy_finished_rows_per_s=… ratio=…` and the extrapolated
time of 68 million rows on this machine (`national_68M_min=…`).
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


# What a batch writes, parents first (the foreign keys are checked as rows arrive).
TABLES_FINIES = (
    "consentement.Lot",
    "consentement.LotMorceau",
    "comptes.Profil",
    "comptes.Representation",
    "consentement.EnvoiAvis",
    "consentement.LotRejet",
)
NATIONAL = 68_000_000


def _tables_finies() -> list[str]:
    from django.apps import apps

    return [apps.get_model(nom)._meta.db_table for nom in TABLES_FINIES]


def _lignes_finies(connection, lot_id: int) -> dict[str, bytes]:
    """The rows the import wrote, in COPY's binary format, table by table (the profiles of
    this batch only: not those seeded before it)."""
    lignes = {}
    with connection.cursor() as cur:
        for table in _tables_finies():
            source = table
            if table == "comptes_profil":
                source = f"(SELECT * FROM comptes_profil WHERE lot_numero = {int(lot_id)})"
            tampon = bytearray()
            with cur.copy(f"COPY {source} TO STDOUT (FORMAT binary)") as copie:
                for morceau in copie:
                    tampon += morceau
            lignes[table] = bytes(tampon)
    return lignes


def _copy_finies(connection, nom: str, lignes: dict[str, bytes]) -> float:
    """Seconds to COPY the finished rows into the real, empty tables of database ``nom``."""
    import psycopg

    parametres = {**connection.get_connection_params(), "dbname": nom}
    parametres.pop("cursor_factory", None)
    parametres.pop("context", None)
    with psycopg.connect(**parametres) as conn, conn.cursor() as cur:
        debut = time.perf_counter()
        for table, donnees in lignes.items():
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copie:
                copie.write(donnees)
        conn.commit()
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
    parser.add_argument(
        "--profils", type=int, default=0, help="autres personnes déjà en base (croissance)"
    )
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
        if args.profils:  # before the floor's clone: both meet the same tables
            from bench.pages import semer_autres
            from tests.comptes.factories import ProfilFactory

            t = time.perf_counter()
            semer_autres(ProfilFactory(), args.profils - 1)
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE comptes_profil")
            print(f"profiles_seeded={args.profils} seeded_in_s={time.perf_counter() - t:.0f}")
        # The floor's database: the same empty schema, cloned before any batch row exists.
        plancher = f"{base}_plancher"
        with connection.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {plancher}")
        connection.close()  # a template must have no other session
        with connection.cursor() as cur:
            cur.execute(f"CREATE DATABASE {plancher} TEMPLATE {base}")
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
        lignes = _lignes_finies(connection, lot.pk)
        duree_finies = _copy_finies(connection, plancher, lignes)
        profils_par_s, copy_par_s = crees / duree, n / duree_copy
        finies_par_s = n / duree_finies
        print(
            f"csv_copy_s={duree_copy:.2f} finished_rows_copy_s={duree_finies:.2f} "
            f"import_s={duree:.2f} rejected={lot.rejetes} finished_mb={sum(map(len, lignes.values())) / 1e6:.1f}"
        )
        print(
            f"csv_copy_rows_per_s={copy_par_s:.0f} ratio_vs_csv_copy={profils_par_s / copy_par_s:.3f}"
        )
        print(
            f"national_68M_min={NATIONAL / profils_par_s / 60:.0f} "
            f"floor_68M_min={NATIONAL / finies_par_s / 60:.0f} (this machine, {os.cpu_count()} cores, "
            f"{args.workers} worker processes)"
        )
        print(
            f"profiles_per_s={profils_par_s:.0f} copy_finished_rows_per_s={finies_par_s:.0f} "
            f"ratio={profils_par_s / finies_par_s:.3f}"
        )
    finally:
        if travailleur is not None:
            embedded.arreter_travailleur(travailleur, brutal=True)
        with connection.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {base}_plancher")
        connection.creation.destroy_test_db(base, verbosity=0)


if __name__ == "__main__":
    main()
