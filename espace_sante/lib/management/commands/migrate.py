"""``migrate``, connected as the owner of the tables when DATABASE_OWNER_URL is set.

The web and worker processes connect (DATABASE_URL) as a role that owns nothing, so it
can neither create tables nor drop or disable the journal's trigger; migrations need
the owner. Only the credentials and address change: the database stays the
connection's own, so the test databases that pytest-django creates and migrates
through the default alias are unaffected. Afterwards the journal's post_migrate
handler grants the DATABASE_URL role its rights (espace_sante/journal/droits.py).
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

IDENTITE = ("USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def en_proprietaire(alias: str):
    proprietaire = settings.DATABASE_OWNER
    if not proprietaire or alias != DEFAULT_DB_ALIAS:
        yield
        return
    connexion = connections[alias]
    avant = {cle: connexion.settings_dict.get(cle) for cle in IDENTITE}
    connexion.close()
    connexion.settings_dict.update({cle: proprietaire.get(cle, "") for cle in IDENTITE})
    try:
        yield
    finally:
        connexion.close()
        connexion.settings_dict.update(avant)


class Command(MigrateCommand):
    help = MigrateCommand.help + " En propriétaire des tables si DATABASE_OWNER_URL est renseignée."

    def handle(self, *args, **options):
        with en_proprietaire(options["database"]):
            return super().handle(*args, **options)
