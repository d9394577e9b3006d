from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "espace_sante.comptes"
    label = "comptes"
    verbose_name = "Comptes et identités"

    def ready(self):
        from espace_sante.comptes import signals  # noqa: F401
