from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JournalConfig(AppConfig):
    name = "espace_sante.journal"
    label = "journal"
    verbose_name = "Journal d'audit"

    def ready(self):
        from espace_sante.journal import actions, checks, droits  # noqa: F401  (checks register)
        from espace_sante.journal.enums import Action

        actions.enregistrer("journal", Action)

        post_migrate.connect(droits.apres_migration, sender=self)
