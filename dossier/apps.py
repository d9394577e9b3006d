from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = "Dossier médical"

    def ready(self):
        from dossier import demo
        from dossier.journal import Action
        from espace_sante.comptes.enums import Role
        from espace_sante.comptes.roles import accueil_enregistrer
        from espace_sante.comptes.signals import demo_preparee
        from espace_sante.journal import actions

        actions.enregistrer(self.label, Action)
        accueil_enregistrer(Role.PROFESSIONNEL, "dossier:pro_accueil")
        accueil_enregistrer(Role.TITULAIRE, "dossier:accueil")
        accueil_enregistrer(Role.REPRESENTANT, "dossier:accueil")
        demo_preparee.connect(demo.peupler, dispatch_uid="dossier.demo")
