from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "espace_sante.journal"
    label = "journal"
    verbose_name = "Journal d'audit"
