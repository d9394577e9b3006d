"""Cost of the hash-chained journal against a plain INSERT of the same rows.

    make bench-journal N=3000
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/journal_ecriture.py --n 3000)

Runs in a throwaway test database. Measures, in the same run:
- baseline: one INSERT per row, each in its own transaction, into a bare table with
  the journal's columns (what any audit log costs);
- journal: the real constructor (lock the chain head, hash, insert, move the head),
  spread over 50 profiles' chains, then all on one chain.
Last line: `journal_per_s=… insert_per_s=… ratio=…`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    n = parser.parse_args().n

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
            cur.execute(
                "CREATE TABLE bench_brut (id bigserial primary key, horodatage timestamptz,"
                " acteur_id bigint, role varchar(20), profil_id bigint, action varchar(40),"
                " objet_type varchar(60), objet_id varchar(64), details jsonb)"
            )
        debut = time.perf_counter()
        for i in range(n):
            p = profils[i % 50]
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO bench_brut (horodatage, acteur_id, role, profil_id, action,"
                    " objet_type, objet_id, details) VALUES (now(), %s, 'titulaire', %s,"
                    " 'profil_bascule', 'comptes.profil', %s, '{}')",
                    [p.titulaire_id, p.pk, str(p.public_id)],
                )
        brut = n / (time.perf_counter() - debut)

        debut = time.perf_counter()
        for i in range(n):
            p = profils[i % 50]
            journal.profil_bascule(Acteur(Role.TITULAIRE, user=p.titulaire, profil=p))
        journal = n / (time.perf_counter() - debut)

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
        print(f"journal_per_s={journal:.0f} insert_per_s={brut:.0f} ratio={journal / brut:.2f}")
    finally:
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)


if __name__ == "__main__":
    main()
