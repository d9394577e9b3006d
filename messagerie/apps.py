from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "messagerie"
    verbose_name = "Messagerie sécurisée"

    def ready(self):
        from espace_sante.comptes.signals import demo_preparee, donnees_effacees
        from espace_sante.journal import actions
        from messagerie import conservation, demo
        from messagerie.journal import POUR_LA_PERSONNE, Action

        actions.enregistrer(self.label, Action, pour_la_personne=POUR_LA_PERSONNE)
        demo_preparee.connect(demo.peupler, dispatch_uid="messagerie.demo")
        donnees_effacees.connect(conservation.profil_efface, dispatch_uid="messagerie.effacement")
