from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue de services"

    def ready(self):
        from catalogue import demo
        from catalogue.journal import Action
        from espace_sante.comptes.signals import demo_preparee
        from espace_sante.journal import actions

        actions.enregistrer(self.label, Action)
        demo_preparee.connect(demo.peupler, dispatch_uid="catalogue.demo")
