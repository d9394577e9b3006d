from django.apps import AppConfig


class ConsentementConfig(AppConfig):
    name = "consentement"
    verbose_name = "Consentement et accès"

    def ready(self):
        from django.contrib import admin

        from consentement import acces, demo
        from consentement.journal import Action
        from espace_sante.comptes.enums import Role
        from espace_sante.comptes.roles import accueil_enregistrer
        from espace_sante.comptes.signals import demo_preparee
        from espace_sante.journal import actions

        actions.enregistrer(self.label, Action)
        accueil_enregistrer(Role.MEDIATEUR, "consentement:france_services")
        demo_preparee.connect(demo.peupler, dispatch_uid="consentement.demo")
        # The admin asks the policy too (the kernel's urls.py never imports an app).
        admin.site.has_permission = lambda request: acces.peut_utiliser_admin(request.user)
