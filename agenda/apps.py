from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = "Agenda"

    def ready(self):
        from agenda import demo, presentation
        from agenda.journal import Action
        from espace_sante.comptes.signals import demo_preparee
        from espace_sante.journal import actions

        actions.enregistrer(self.label, Action)
        actions.enregistrer_nommeur("agenda.rendezvous", presentation.noms_rdv)
        actions.enregistrer_nommeur("agenda.abonnement", presentation.noms_abonnements)
        demo_preparee.connect(demo.peupler, dispatch_uid="agenda.demo")
