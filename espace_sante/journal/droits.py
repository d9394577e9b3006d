"""The application's database role: it may add to the journal and read it, nothing more.

A trigger refusing UPDATE and DELETE on the journal is worth nothing against its table's
owner, who may disable or drop it. So the web and worker processes connect as a role
that owns nothing: after each ``migrate``, run as the owner (DATABASE_OWNER_URL), that
role gets the ordinary rights on every table except the journal's: INSERT and SELECT on
``journal_entree``; INSERT, SELECT and UPDATE on the heads (writers move them forward;
a trigger of the owner's, ``journal_tetechaine_sans_recul``, refuses any update that moves
one back). No TRUNCATE, TRIGGER or REFERENCES anywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

TABLES_DU_JOURNAL = {
    "journal_entree": "SELECT, INSERT",
    "journal_tetechaine": "SELECT, INSERT, UPDATE",
}
TABLES_ORDINAIRES = "SELECT, INSERT, UPDATE, DELETE"


def _ordres(role: str, schema: str) -> list[sql.Composed]:
    r, s = sql.Identifier(role), sql.Identifier(schema)
    ordres = [
        # Start from nothing each time, so a right removed here is removed there too.
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.SQL(TABLES_ORDINAIRES), s, r
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        # Tables created later by the owner outside ``migrate`` get the ordinary rights
        # too; the journal's are narrowed again below at every migrate.
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            s, sql.SQL(TABLES_ORDINAIRES), r
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(s, r),
    ]
    for table, droits in TABLES_DU_JOURNAL.items():
        t = sql.Identifier(schema, table)
        ordres.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(t, r))
        ordres.append(sql.SQL("GRANT {} ON {} TO {}").format(sql.SQL(droits), t, r))
    return ordres


def accorder_droits(*, role: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give ``role`` the application's rights; refuse if it owns a journal table."""
    with connections[using].cursor() as cur:
        cur.execute("SELECT current_schema(), current_user")
        schema, proprietaire = cur.fetchone()
        if role == proprietaire:
            raise ImproperlyConfigured(
                f"Le rôle de l'application « {role} » ne peut pas être celui qui exécute les "
                "migrations : renseignez DATABASE_OWNER_URL avec le rôle propriétaire."
            )
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)"
            " AND tableowner = %s",
            [schema, list(TABLES_DU_JOURNAL), role],
        )
        if possedees := [t for (t,) in cur.fetchall()]:
            raise ImproperlyConfigured(
                f"Le rôle de l'application « {role} » possède {', '.join(possedees)} : il "
                f"pourrait désactiver le déclencheur du journal. En superutilisateur : "
                f'REASSIGN OWNED BY "{role}" TO "{proprietaire}"; puis relancez migrate.'
            )
        for ordre in _ordres(role, schema):
            cur.execute(ordre)


def apres_migration(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: re-grant after every migrate, when an application role is configured."""
    if settings.DATABASE_APP_ROLE and using == DEFAULT_DB_ALIAS:
        accorder_droits(role=settings.DATABASE_APP_ROLE, using=using)
