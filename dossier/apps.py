from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = "Dossier médical"

    def ready(self):
        from dossier.journal import Action
        from espace_sante.journal import actions

        actions.enregistrer(self.label, Action)
