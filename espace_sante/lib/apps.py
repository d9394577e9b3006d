from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "espace_sante.lib"
    label = "lib"
    verbose_name = "Outils partagés"
