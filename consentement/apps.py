from django.apps import AppConfig


class ConsentementConfig(AppConfig):
    name = "consentement"
    verbose_name = "Consentement et accès"
