"""Signed-in pages under load, against the anonymous home page in the same run.

    make bench-pages
    (or: .venv/bin/python -m espace_sante.embedded exec .venv/bin/python bench/pages.py)

In a throwaway database: a patient with 50 documents, a year of measures (a weight and
a blood pressure a day), 1,000 history entries and 1,000 conversations in their inbox;
a professional with an open access; a connected service with every read scope, whose
token reads ``Patient/$everything``.
gunicorn serves it (2 gthread workers of one thread each, as in production: with more
threads per process, pages that are CPU-bound wait for the GIL, and a thread holding a
journal chain's head lock waits behind them; ``BENCH_THREADS=4`` to compare; DEBUG off,
persistent database connections) on 127.0.0.1; a load generator keeps 20 connections busy on each page for a few seconds
(wrk when installed, with a Lua script for p95; otherwise an asyncio client).

Each line: page, req/s, p50, p95, p99 (ms), errors; the anonymous home first and again
last. Last line: `pages_min_ratio=…` — the slowest page's req/s ÷ the anonymous home's
(mean of its two runs), same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")
os.environ.setdefault("TESTING", "true")

SCRIPT_WRK = Path(__file__).with_name("pages.lua")


# --- Data -----------------------------------------------------------------------------


def peupler() -> dict[str, object]:
    """The record to serve; returns the sessions and ids the pages need."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from consentement import acces
    from consentement.acces import ouverture
    from dossier import services
    from dossier.models import Document, Mesure
    from espace_sante.comptes.enums import Role
    from tests.comptes.factories import ProfessionnelFactory, ProfilFactory

    profil = ProfilFactory(active=True, titulaire__prenom="Camille", titulaire__nom="Martin")
    patient = profil.titulaire
    pro = ProfessionnelFactory()
    base = acces.acteur_de_connexion(pro.user)
    ouverture.acces_ouvrir(acteur=base, nir=profil.nir, date_naissance=profil.date_naissance)
    acteur_pro = acces.sur_dossier(base, profil)
    contenu = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    maintenant = timezone.now()
    for i in range(50):
        doc = Document(
            profil=profil,
            categorie="compte_rendu",
            titre=f"Compte rendu n° {i}",
            auteur=pro.user,
            auteur_role=Role.PROFESSIONNEL,
            auteur_professionnel=pro,
            auteur_libelle=str(pro),
            type_mime="application/pdf",
            extension="pdf",
            taille=len(contenu),
            empreinte="0" * 64,
            date_acte=(maintenant - timedelta(days=7 * i)).date(),
        )
        doc.fichier.save("document", ContentFile(contenu), save=True)
    mesures = []
    for jour in range(365):
        quand = maintenant - timedelta(days=jour)
        for type_mesure, valeur in (("poids", f"{70 + jour % 7 / 2:g}"), ("tension", "125/80")):
            mesures.append(
                Mesure(
                    profil=profil,
                    type=type_mesure,
                    categorie="mesures",  # bulk_create skips save(), which sets it
                    valeur=valeur,
                    date=quand,
                    auteur=patient,
                    auteur_role=Role.TITULAIRE,
                    auteur_libelle="Camille Martin",
                )
            )
    Mesure.objects.bulk_create(mesures)
    for _ in range(1000):
        services.dossier_consulter(acteur=acteur_pro, page="dossier (professionnel)")
    from tests.messagerie.outils import conversations_en_masse

    conversations_en_masse(profil, pro, 1000)
    return {"profil": profil, "patient": patient, "pro": pro.user}


def semer_autres(profil, n: int) -> None:
    """``n`` other people already in the database, each with a copy of the patient's
    documents and measures' first rows — server-side (``INSERT … SELECT`` over
    ``generate_series``: the rows never cross the socket, faster than COPY from Python)."""
    from django.db import connection

    if n <= 0:
        return
    regles = {
        "comptes_profil": {
            "public_id": "gen_random_uuid()",
            "nir_hash": "md5(i::text) || md5('nir' || i::text)",
            "titulaire_id": "NULL",  # people not yet signed up: created, not activated
            "statut": "'cree'",
            "lot_ligne": "i",
        },
        "dossier_document": {"public_id": "gen_random_uuid()", "profil_id": "p.id"},
    }
    with connection.cursor() as cur:
        for table, reecrire in regles.items():
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name <> 'id' ORDER BY ordinal_position",
                [table],
            )
            colonnes = [c for (c,) in cur.fetchall()]
            valeurs = ", ".join(reecrire.get(c, f"e.{c}") for c in colonnes)
            if table == "comptes_profil":
                cur.execute(
                    f"INSERT INTO comptes_profil ({', '.join(colonnes)}) SELECT {valeurs}"
                    " FROM comptes_profil e, generate_series(1, %s) i WHERE e.id = %s",
                    [n, profil.pk],
                )
            else:  # one document each: the patient's first
                cur.execute(
                    f"INSERT INTO {table} ({', '.join(colonnes)}) SELECT {valeurs}"
                    f" FROM (SELECT * FROM {table} WHERE profil_id = %s ORDER BY id LIMIT 1) e,"
                    " (SELECT id FROM comptes_profil WHERE id <> %s) p",
                    [profil.pk, profil.pk],
                )


def session_de(user) -> str:
    """The session cookie header of ``user``, past the second factor."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from espace_sante.comptes import otp

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp.appareil_email(user).persistent_id
    session.save()
    return f"Cookie: sessionid={session.session_key}"


def jeton_de(patient, profil) -> str:
    """A connected service's bearer token for the whole record (every read scope)."""
    from tests.catalogue.factories import jeton_complet

    return f"Authorization: Bearer {jeton_complet(patient, profil, valeur='banc-' + '0' * 40)}"


# --- Load -------------------------------------------------------------------------------


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def charger_wrk(url: str, en_tete: str, duree: int, connexions: int) -> dict[str, float]:
    entetes = ["-H", en_tete] if en_tete else []
    sortie = subprocess.run(
        ["wrk", "-t2", f"-c{connexions}", f"-d{duree}s", "-s", str(SCRIPT_WRK), *entetes, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ligne = next(ligne for ligne in sortie.splitlines() if ligne.startswith("RESULTAT "))
    return {k: float(v) for k, v in (p.split("=") for p in ligne.split()[1:])}


async def _connexion(hote, port, requete, fin, latences, erreurs):
    lecteur, ecrivain = await asyncio.open_connection(hote, port)
    while time.perf_counter() < fin:
        debut = time.perf_counter()
        ecrivain.write(requete)
        entete = await lecteur.readuntil(b"\r\n\r\n")
        statut = int(entete.split(b" ", 2)[1])
        taille = 0
        for ligne in entete.split(b"\r\n"):
            if ligne.lower().startswith(b"content-length:"):
                taille = int(ligne.split(b":")[1])
        await lecteur.readexactly(taille)
        latences.append(time.perf_counter() - debut)
        if statut >= 400:
            erreurs.append(statut)
    ecrivain.close()


async def _charger_python(url, en_tete, duree, connexions):
    reste = url.split("://", 1)[1]
    hote_port, _, chemin = reste.partition("/")
    hote, port = hote_port.split(":")
    requete = (
        f"GET /{chemin} HTTP/1.1\r\nHost: {hote_port}\r\nConnection: keep-alive\r\n"
        + (f"{en_tete}\r\n" if en_tete else "")
        + "\r\n"
    ).encode()
    latences, erreurs = [], []
    fin = time.perf_counter() + duree
    await asyncio.gather(
        *(_connexion(hote, int(port), requete, fin, latences, erreurs) for _ in range(connexions))
    )
    latences.sort()

    def centile(p):
        return latences[min(len(latences) - 1, int(len(latences) * p))] * 1000

    return {
        "rps": len(latences) / duree,
        "p50": centile(0.5),
        "p95": centile(0.95),
        "p99": centile(0.99),
        "erreurs": len(erreurs),
    }


def charger(url, en_tete, duree, connexions):
    """``en_tete``: the one header that signs the request in (a session cookie, a bearer
    token), or empty."""
    if shutil.which("wrk"):
        return charger_wrk(url, en_tete, duree, connexions)
    return asyncio.run(_charger_python(url, en_tete, duree, connexions))


# --- Run ---------------------------------------------------------------------------------


def demarrer_gunicorn(base_url_db: str, port: int) -> subprocess.Popen:
    # The API's per-client limit (120 a minute) would answer 429 to a load test: the bench
    # measures what a call costs, so the limit is lifted here (and only here).
    env = dict(
        os.environ,
        DATABASE_URL=base_url_db,
        DEBUG="false",
        TESTING="true",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        API_REQUETES_PAR_MINUTE="100000000",
    )
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "espace_sante.wsgi",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            os.environ.get("BENCH_THREADS", "1"),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "-",
            "--access-logformat",
            "",
            "--disable-redirect-access-to-syslog",
        ],
        cwd=RACINE,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return processus
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn n'a pas démarré.")


def pages(donnees, sessions) -> list[tuple[str, str, str]]:
    profil = donnees["profil"]
    return [
        ("accueil anonyme", "/", ""),
        ("dossier (50 documents)", "/dossier/", sessions["patient"]),
        ("profil médical (1 an de mesures)", "/dossier/profil-medical/", sessions["patient"]),
        ("historique (1 000 entrées)", "/dossier/historique/", sessions["patient"]),
        ("messagerie (1 000 conversations)", "/messagerie/", sessions["patient"]),
        ("dossier côté professionnel", f"/pro/patients/{profil.public_id}/", sessions["pro"]),
        (
            "API Patient/$everything (50 documents)",
            f"/fhir/Patient/{profil.public_id}/$everything",
            sessions["api"],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duree", type=int, default=8, help="secondes de charge par page")
    parser.add_argument("--connexions", type=int, default=20)
    parser.add_argument(
        "--profils", type=int, default=0, help="autres personnes déjà en base (croissance)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from consentement.acces import matrice
    from espace_sante.embedded import url_base

    setup_test_environment()
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-pages-")
    connection.settings_dict["TEST"]["NAME"] = "bench_pages"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    base = connection.settings_dict["NAME"]
    gunicorn = None
    try:
        matrice.initialiser()
        donnees = peupler()
        t = time.perf_counter()
        semer_autres(donnees["profil"], args.profils)
        if args.profils:
            print(f"{args.profils} autres profils semés en {time.perf_counter() - t:.0f} s")
        sessions = {
            "patient": session_de(donnees["patient"]),
            "pro": session_de(donnees["pro"]),
            "api": jeton_de(donnees["patient"], donnees["profil"]),
        }
        with connection.cursor() as cur:  # the data on disk and planned for, before any clock
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")
        connection.close()
        port = port_libre()
        gunicorn = demarrer_gunicorn(url_base(os.environ["DATABASE_URL"], base), port)
        outil = "wrk" if shutil.which("wrk") else "client asyncio (wrk absent)"
        print(
            f"gunicorn 2 workers × {os.environ.get('BENCH_THREADS', '1')} thread(s), DEBUG off, {args.connexions} connexions, {args.duree} s "
            f"par page, charge : {outil}"
        )
        resultats = []
        liste = pages(donnees, sessions)
        for _, chemin, en_tete in liste:  # warm-up: workers, connections, caches, every page
            charger(f"http://127.0.0.1:{port}{chemin}", en_tete, 2, args.connexions)
        for nom, chemin, en_tete in [*liste, (f"{liste[0][0]} (de nouveau)", *liste[0][1:])]:
            url = f"http://127.0.0.1:{port}{chemin}"
            r = charger(url, en_tete, args.duree, args.connexions)
            resultats.append((nom, r))
            print(
                f"{nom:<42} req/s={r['rps']:8.1f} p50={r['p50']:6.1f} p95={r['p95']:6.1f} "
                f"p99={r['p99']:6.1f} ms erreurs={int(r['erreurs'])}"
            )
        # The baseline is measured first and last: its mean absorbs a machine that drifts.
        base_rps = (resultats[0][1]["rps"] + resultats[-1][1]["rps"]) / 2
        plus_lente = min(r["rps"] for _, r in resultats[1:-1])
        for nom, r in resultats[1:-1]:
            print(f"ratio {nom:<42} {r['rps'] / base_rps:.3f} p95={r['p95']:.0f} ms")
        print(f"pages_min_ratio={plus_lente / base_rps:.3f} profils_en_base={args.profils + 1}")
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=20)
        connection.creation.destroy_test_db(base, verbosity=0)
        shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
