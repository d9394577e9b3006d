from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue de services"

    def ready(self):
        from catalogue import demo
        from catalogue.api.erreurs import operation_outcome
        from catalogue.journal import Action
        from espace_sante.comptes.signals import demo_preparee
        from espace_sante.journal import actions
        from espace_sante.lib import requetes

        actions.enregistrer(self.label, Action)
        demo_preparee.connect(demo.peupler, dispatch_uid="catalogue.demo")
        # A NUL byte under the FHIR base is refused as the API refuses: an OperationOutcome.
        requetes.refus_enregistrer(
            "/fhir/", lambda request: operation_outcome(400, "Caractère nul refusé.")
        )
