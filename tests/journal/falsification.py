"""The attacker's tools: what someone holding the database (and maybe a key) would do."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from espace_sante.journal.models import HASH_ORIGINE, Entree

ROLE_APPLICATION = "espace_sante_app_test"


def sql_superutilisateur(sql, params=()):
    """Tamper as a database superuser would: triggers switched off for the session."""
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        try:
            cur.execute(sql, params)
        finally:
            cur.execute("SET session_replication_role = DEFAULT")


def reecrire_chaine(chaine: str, *, supprimer: list[int], hacher) -> None:
    """Delete rows, renumber and re-hash what is left with ``hacher``, move the head.

    The attack of the issue: done with plain SHA-256 it passed every check.
    """
    if supprimer:
        sql_superutilisateur("DELETE FROM journal_entree WHERE id = ANY(%s)", [supprimer])
    entrees = list(Entree.objects.filter(chaine=chaine).order_by("rang"))
    precedent = HASH_ORIGINE
    # Out of the way first: (chaine, rang) is unique.
    sql_superutilisateur(
        "UPDATE journal_entree SET rang = rang + 1000000 WHERE chaine = %s", [chaine]
    )
    for rang, entree in enumerate(entrees, start=1):
        entree.rang, entree.hash_precedent = rang, precedent
        entree.hash = precedent = hacher(entree)
        sql_superutilisateur(
            "UPDATE journal_entree SET rang = %s, hash_precedent = %s, hash = %s WHERE id = %s",
            [rang, entree.hash_precedent, entree.hash, entree.pk],
        )
    sql_superutilisateur(
        "UPDATE journal_tetechaine SET rang = %s, hash = %s WHERE chaine = %s",
        [len(entrees), precedent, chaine],
    )


def reculer_tete(chaine: str, *, de: int) -> None:
    """Delete the last ``de`` rows and move the head back onto the row before them."""
    entrees = list(Entree.objects.filter(chaine=chaine).order_by("-rang")[: de + 1])
    sql_superutilisateur(
        "DELETE FROM journal_entree WHERE id = ANY(%s)", [[e.pk for e in entrees[:de]]]
    )
    sql_superutilisateur(
        "UPDATE journal_tetechaine SET rang = %s, hash = %s WHERE chaine = %s",
        [entrees[de].rang, entrees[de].hash, chaine],
    )


def lignes_de_points() -> tuple[Path, list[bytes]]:
    from espace_sante.journal import points

    (fichier,) = sorted(points.dossier().glob("points-*.jsonl"))
    return fichier, fichier.read_bytes().splitlines(keepends=True)


def modifier_ligne(numero: int, changer) -> None:
    """Rewrite one checkpoint line in place (``changer`` edits its JSON)."""
    fichier, lignes = lignes_de_points()
    donnees = json.loads(lignes[numero - 1])
    changer(donnees)
    lignes[numero - 1] = json.dumps(donnees).encode() + b"\n"
    fichier.write_bytes(b"".join(lignes))


def creer_role_application() -> str:
    """The application role, cluster-wide: created once, whichever test worker gets there
    first; its rights are granted in this test's database."""
    from espace_sante.journal.droits import accorder_droits

    with connection.cursor() as cur:
        cur.execute(
            f"""DO $$ BEGIN
                  CREATE ROLE {ROLE_APPLICATION} LOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$"""
        )
    accorder_droits(role=ROLE_APPLICATION)
    return ROLE_APPLICATION


@contextmanager
def en_role_application():
    """Run the block with the application role's rights (SET ROLE on this connection)."""
    creer_role_application()
    with connection.cursor() as cur:
        cur.execute(f"SET ROLE {ROLE_APPLICATION}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")


def restaurer_avant(moment) -> None:
    """What restoring a backup taken at ``moment`` does to the journal: every entry written
    after it is gone and every head is back on its chain's last remaining row."""
    sql_superutilisateur("DELETE FROM journal_entree WHERE horodatage > %s", [moment])
    sql_superutilisateur(
        """UPDATE journal_tetechaine t SET rang = e.rang, hash = e.hash
           FROM (SELECT DISTINCT ON (chaine) chaine, rang, hash FROM journal_entree
                 ORDER BY chaine, rang DESC) e
           WHERE e.chaine = t.chaine AND e.rang < t.rang"""
    )
    sql_superutilisateur(
        "DELETE FROM journal_tetechaine t WHERE NOT EXISTS "
        "(SELECT 1 FROM journal_entree e WHERE e.chaine = t.chaine)"
    )
