"""Cost of the hash-chained journal against a plain INSERT of the same rows.

    make bench-journal N=3000
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/journal_ecriture.py --n 3000)

Runs in a throwaway test database. Measures, in the same run:
- baseline: one INSERT per row, each in its own transaction, into a table of the
  journal's shape (``LIKE journal_entree INCLUDING ALL``: its columns, indexes and unique
  constraints) with the same values, minus the chain (what any audit log of these rows
  costs); also the bare table of earlier runs (primary key only), printed for comparison;
- journal: the real constructor (lock the chain head, hash, insert, move the head),
  spread over 50 profiles' chains, then all on one chain.
Last line: `journal_per_s=… insert_per_s=… ratio=…`.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    n = parser.parse_args().n

    # A throwaway witness too: chains of an earlier run's throwaway database bear the
    # same names, and their witnessed heads would read as forks of this run's chains.
    os.environ["JOURNAL_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="bench-journal-")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    ancien_nom = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from consentement import journal
        from consentement.acces import Acteur
        from espace_sante.comptes.enums import Role
        from tests.comptes.factories import ProfilFactory

        profils = [ProfilFactory(active=True) for _ in range(50)]
        with connection.cursor() as cur:
            # Same shape: the journal table's columns, defaults, indexes and unique
            # constraints (LIKE … INCLUDING ALL), without the chain. And the bare table of
            # the earlier runs (a primary key only), printed for comparison.
            cur.execute("CREATE TABLE bench_forme (LIKE journal_entree INCLUDING ALL)")
            cur.execute(
                "CREATE TABLE bench_brut (id bigserial primary key, horodatage timestamptz,"
                " acteur_id bigint, role varchar(20), profil_id bigint, action varchar(40),"
                " objet_type varchar(60), objet_id varchar(64), details jsonb)"
            )
        colonnes = (
            "public_id, horodatage, acteur_id, acteur_libelle, role, pour_le_compte_de_id,"
            " profil_id, action, objet_type, objet_id, details, chaine, rang, hash_precedent, hash"
        )

        def inserer_forme(i: int) -> None:
            p = profils[i % 50]
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    f"INSERT INTO bench_forme ({colonnes}) VALUES (%s, now(), %s, %s,"
                    " 'titulaire', NULL, %s, 'profil_bascule', 'comptes.profil', %s, '{}',"
                    " %s, %s, %s, %s)",
                    [
                        uuid.uuid4(),
                        p.titulaire_id,
                        str(p.titulaire),
                        p.pk,
                        str(p.public_id),
                        f"profil:{p.pk}",
                        i + 1,
                        "0" * 64,
                        "f" * 64,
                    ],
                )

        def inserer_brut(i: int) -> None:
            p = profils[i % 50]
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO bench_brut (horodatage, acteur_id, role, profil_id, action,"
                    " objet_type, objet_id, details) VALUES (now(), %s, 'titulaire', %s,"
                    " 'profil_bascule', 'comptes.profil', %s, '{}')",
                    [p.titulaire_id, p.pk, str(p.public_id)],
                )

        def cadence(ecrire) -> float:
            debut = time.perf_counter()
            for i in range(n):
                ecrire(i)
            return n / (time.perf_counter() - debut)

        brut = cadence(inserer_brut)
        forme = cadence(inserer_forme)

        debut = time.perf_counter()
        for i in range(n):
            p = profils[i % 50]
            journal.profil_bascule(Acteur(Role.TITULAIRE, user=p.titulaire, profil=p))
        par_journal = n / (time.perf_counter() - debut)

        p = profils[0]
        debut = time.perf_counter()
        for _ in range(n):
            journal.profil_bascule(Acteur(Role.TITULAIRE, user=p.titulaire, profil=p))
        une_chaine = n / (time.perf_counter() - debut)

        from espace_sante.journal.selectors import verifier_chaine

        debut = time.perf_counter()
        assert verifier_chaine(f"profil:{p.pk}") is None
        verification = (n + n // 50) / (time.perf_counter() - debut)
        print(f"rows={n} one_chain_per_s={une_chaine:.0f} verify_rows_per_s={verification:.0f}")
        print(f"bare_table_insert_per_s={brut:.0f} ratio_vs_bare={par_journal / brut:.2f}")
        print(
            f"journal_per_s={par_journal:.0f} insert_per_s={forme:.0f}"
            f" ratio={par_journal / forme:.2f}"
        )
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        shutil.rmtree(os.environ["JOURNAL_CHECKPOINT_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
