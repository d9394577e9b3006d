"""The reminder sweep's cost follows the number of due reminders, not the table's size.

    make bench-rappels
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/rappels.py)

Runs in a throwaway test database. The same 1,000 due reminders (real appointments of 1,000
people, each handed to ``notifier`` as in production, tasks published to a queue of the
bench's own that is dropped at the end) are swept among 100,000 reminder rows, then among
1,000,000: the rest is what a lived-in table holds, mostly reminders already sent (a year of
history) and reminders still ahead (next year). The sweep reads through the partial index
on due unsent rows (``rappel_a_envoyer``: ``echeance`` where ``statut = 'a_envoyer'``), so
sent rows are not in it and rows ahead stop the range scan. Each size is swept 5 times (the
due rows put back in between); the fastest counts (the least disturbed by other processes on
a shared machine; the median is printed too).
Last line: `sweep_ms_100k=… sweep_ms_1m=… ratio=…` (100k time over 1M time; ≥ 0.8 means
the 1M sweep is at most 25 % slower).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")
FILE = f"bench-rappels-{os.getpid()}"
os.environ["CELERY_QUEUE"] = FILE  # published tasks go to a queue nobody consumes


def _remplir(curseur, *, debut: int, fin: int, rdv_id: int, profil_id: int) -> None:
    """Rows ``debut``..``fin`` of filler: 60 % sent in the past year, 40 % ahead."""
    curseur.execute(
        """
        INSERT INTO agenda_rappel (cle, profil_id, rendez_vous_id, etape, delai, canal, echeance,
                                   statut, version, traite_le)
        SELECT 'rappel:historique-' || n || ':1440:email', %(profil)s, %(rdv)s, '', 1440, 'email',
               CASE WHEN n %% 5 < 3 THEN now() - (n %% 525600) * interval '1 minute'
                    ELSE now() + interval '1 day' + (n %% 525600) * interval '1 minute' END,
               CASE WHEN n %% 5 < 3 THEN 'envoye' ELSE 'a_envoyer' END, 1,
               CASE WHEN n %% 5 < 3 THEN now() - (n %% 525600) * interval '1 minute' END
        FROM generate_series(%(debut)s, %(fin)s - 1) AS n
        """,
        {"profil": profil_id, "rdv": rdv_id, "debut": debut, "fin": fin},
    )
    curseur.execute("VACUUM ANALYZE agenda_rappel")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dus", type=int, default=1000)
    parser.add_argument("--petit", type=int, default=100_000)
    parser.add_argument("--grand", type=int, default=1_000_000)
    parser.add_argument("--essais", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    ancien_nom = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from datetime import timedelta

        from django.utils import timezone

        from agenda import services
        from agenda.enums import StatutRappel
        from agenda.models import Rappel, RendezVous
        from espace_sante.notifications.models import Notification
        from tests.agenda.outils import saisie
        from tests.comptes.factories import ProfilFactory

        def rdv_pour(profil, debut):
            s = saisie(debut, delais=(120,))
            return RendezVous(
                profil=profil,
                titre=s.titre,
                lieu=s.lieu,
                debut=s.debut,
                fin=s.fin,
                delais=[120],
                cree_par=profil.titulaire,
                cree_par_libelle="bench",
                cree_par_role="titulaire",
            )

        debut = timezone.now() + timedelta(days=2)
        profils = [ProfilFactory(active=True) for _ in range(args.dus)]
        rdvs = RendezVous.objects.bulk_create([rdv_pour(p, debut) for p in profils])
        dus = Rappel.objects.bulk_create(
            [
                Rappel(
                    cle=f"rappel:{r.public_id}:120:email",
                    profil_id=r.profil_id,
                    rendez_vous=r,
                    delai=120,
                    canal="email",
                    echeance=timezone.now() - timedelta(minutes=5),
                )
                for r in rdvs
            ]
        )
        ids = [r.pk for r in dus]
        ancre = RendezVous.objects.bulk_create([rdv_pour(profils[0], debut + timedelta(days=400))])[
            0
        ]

        def remettre():
            Notification.objects.filter(motif="rappel").delete()
            Rappel.objects.filter(pk__in=ids).update(
                statut=StatutRappel.A_ENVOYER,
                traite_le=None,
                echeance=timezone.now() - timedelta(minutes=5),
            )
            with connection.cursor() as c:
                c.execute("VACUUM ANALYZE agenda_rappel")

        def balayer() -> tuple[float, float]:
            mesures = []
            for _ in range(args.essais):
                remettre()
                t0 = time.perf_counter()
                bilan = services.rappels_balayer()
                mesures.append((time.perf_counter() - t0) * 1000)
                assert bilan.envoyes == args.dus, bilan
            return min(mesures), statistics.median(mesures)

        def plan() -> str:
            with connection.cursor() as c:
                c.execute(
                    "EXPLAIN SELECT id FROM agenda_rappel WHERE statut = 'a_envoyer' "
                    "AND echeance <= now() ORDER BY echeance LIMIT 200"
                )
                return c.fetchone()[0] + " / " + c.fetchone()[0].strip()

        with connection.cursor() as c:
            _remplir(
                c, debut=0, fin=args.petit - args.dus, rdv_id=ancre.pk, profil_id=profils[0].pk
            )
        balayer()  # warm-up: templates, connections, caches
        petit, mediane = balayer()
        print(
            f"rows={Rappel.objects.count()} due={args.dus} sweep_ms={petit:.0f} "
            f"median_ms={mediane:.0f} plan: {plan()}"
        )
        with connection.cursor() as c:
            _remplir(c, debut=args.petit, fin=args.grand, rdv_id=ancre.pk, profil_id=profils[0].pk)
        grand, mediane = balayer()
        print(
            f"rows={Rappel.objects.count()} due={args.dus} sweep_ms={grand:.0f} "
            f"median_ms={mediane:.0f} plan: {plan()}"
        )
        print(f"sweep_ms_100k={petit:.0f} sweep_ms_1m={grand:.0f} ratio={petit / grand:.2f}")
    finally:
        connection.close()
        connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        try:
            import redis

            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(FILE)
        except Exception:  # noqa: BLE001 — the broker may be down; nothing to drop then
            pass


if __name__ == "__main__":
    main()
