"""Admin of the catalogue: services (logo checked like an upload, data asked and why,
criteria, redirect URIs), their status changed only by actions that say why, the
registration token for publishers; connections, consents and deletion requests read-only.

The library's own token and client pages are removed: clients are managed through their
service, and tokens are never shown.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.shortcuts import render
from oauth2_provider import models as oauth_models

from catalogue import portees, services
from catalogue.enums import StatutService
from catalogue.forms import LogoField, MotifForm
from catalogue.models import (
    Autorisation,
    Client,
    Connexion,
    Critere,
    DemandeSuppression,
    PorteeDemandee,
    Service,
)
from catalogue.oauth import clients
from consentement import acces
from consentement.enums import Canal
from espace_sante.comptes.enums import Role
from espace_sante.lib.admin import LectureSeuleAdmin

for _modele in (
    oauth_models.get_application_model(),
    oauth_models.get_access_token_model(),
    oauth_models.get_refresh_token_model(),
    oauth_models.get_grant_model(),
    oauth_models.get_id_token_model(),
    oauth_models.DeviceGrant,
):
    if admin.site.is_registered(_modele):
        admin.site.unregister(_modele)


class PorteeForm(forms.ModelForm):
    portee = forms.ChoiceField(
        label="donnée", choices=[(p, f"{p} — {portees.libelle(p)}") for p in portees.DONNEES]
    )

    class Meta:
        model = PorteeDemandee
        fields = ["portee", "pourquoi"]


class PorteeInline(admin.TabularInline):
    model = PorteeDemandee
    form = PorteeForm
    extra = 1


class ServiceForm(forms.ModelForm):
    logo_fichier = LogoField(label="logo (PNG ou JPEG, 512 Ko au plus)", required=False)

    class Meta:
        model = Service
        fields = [
            "nom",
            "slug",
            "editeur",
            "description",
            "categorie",
            "site_web",
            "url_lancement",
            "criteres",
            "redirect_uris",
            "url_suppression",
        ]

    def clean_redirect_uris(self):
        lignes = [ligne.strip() for ligne in self.cleaned_data["redirect_uris"].splitlines()]
        lignes = [ligne for ligne in lignes if ligne]
        valider = URLValidator(schemes=["http", "https"])
        for ligne in lignes:
            try:
                valider(ligne)
            except ValidationError:
                raise ValidationError(f"Adresse de retour invalide : {ligne}") from None
            if "#" in ligne:
                raise ValidationError(f"Pas de fragment (#) dans une adresse de retour : {ligne}")
        if not lignes:
            raise ValidationError("Au moins une adresse de retour.")
        return "\n".join(lignes)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    inlines = [PorteeInline]
    list_display = ["nom", "editeur", "categorie", "statut", "statut_depuis"]
    list_filter = ["statut", "categorie"]
    search_fields = ["nom", "editeur"]
    prepopulated_fields = {"slug": ["nom"]}
    filter_horizontal = ["criteres"]
    readonly_fields = ["statut", "statut_depuis", "statut_motif", "identifiants_clients"]
    actions = ["suspendre", "retirer", "referencer", "jeton_enregistrement"]

    @admin.display(description="clients OAuth (client_id)")
    def identifiants_clients(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return (
            ", ".join(c.application.client_id for c in obj.clients.select_related("application"))
            or "—"
        )

    def save_model(self, request, obj, form, change):
        logo = form.cleaned_data.get("logo_fichier")
        if logo:
            obj.logo, obj.logo_type = logo.contenu, logo.type_mime
        super().save_model(request, obj, form, change)
        if not change:
            clients.client_creer(service=obj, nom=obj.nom, redirections=obj.redirections)

    def has_delete_permission(self, request, obj=None):
        return False  # a service is withdrawn, never deleted (connections refer to it)

    def _changer(self, request, queryset, statut, titre):
        form = MotifForm(
            request.POST if "motif" in request.POST else None, initial={"statut": statut}
        )
        if form.is_valid():
            acteur = acces.Acteur(
                Role.ADMIN, Canal.WEB, request.user, f"{request.user} (administration du catalogue)"
            )
            prevenus = sum(
                services.service_statut_changer(
                    acteur=acteur, service=s, statut=statut, motif=form.cleaned_data["motif"]
                )
                for s in queryset
            )
            messages.success(request, f"Statut changé ; personnes prévenues : {prevenus}.")
            return None
        contexte = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": titre,
            "services": queryset,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
            "subtitle": None,
        }
        return render(request, "admin/catalogue/service/motif.html", contexte)

    @admin.action(description="Suspendre (plus aucun accès, les personnes sont prévenues)")
    def suspendre(self, request, queryset):
        return self._changer(request, queryset, StatutService.SUSPENDU, "Suspendre des services")

    @admin.action(description="Retirer du catalogue (connexions terminées, suppression demandée)")
    def retirer(self, request, queryset):
        return self._changer(request, queryset, StatutService.RETIRE, "Retirer des services")

    @admin.action(description="Référencer de nouveau")
    def referencer(self, request, queryset):
        return self._changer(request, queryset, StatutService.REFERENCE, "Référencer des services")

    @admin.action(description="Nouveau jeton d'enregistrement des clients (affiché une fois)")
    def jeton_enregistrement(self, request, queryset):
        for service in queryset:
            jeton = clients.jeton_enregistrement_renouveler(service=service)
            messages.warning(
                request,
                f"{service.nom} : jeton d'enregistrement {jeton} "
                "(à transmettre à l'éditeur ; il ne sera plus affiché).",
            )


@admin.register(Critere)
class CritereAdmin(admin.ModelAdmin):
    list_display = ["code", "intitule"]


@admin.register(Client)
class ClientAdmin(LectureSeuleAdmin):
    """Read-only, but for the web origins (CORS) of a public client."""

    list_display = ["service", "client_id", "cree_le"]
    fields = ["service", "client_id", "cree_le", "origines"]
    readonly_fields = ["service", "client_id", "cree_le"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="client_id")
    def client_id(self, obj):
        return obj.application.client_id


class AutorisationInline(admin.TabularInline):
    model = Autorisation
    fields = ["portee", "cree_le", "expire_le", "revoque_le", "texte_version", "decision"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Connexion)
class ConnexionAdmin(LectureSeuleAdmin):
    list_display = ["service", "cree_le", "revoquee_le", "dernier_acces"]
    list_filter = ["service"]
    inlines = [AutorisationInline]
    readonly_fields = ["service", "cree_le", "revoquee_le", "dernier_acces"]
    exclude = ["profil", "user"]


@admin.register(DemandeSuppression)
class DemandeSuppressionAdmin(LectureSeuleAdmin):
    list_display = [
        "__str__",
        "etat",
        "cree_le",
        "essais",
        "prochain_essai",
        "derniere_erreur",
        "livree_le",
    ]
    list_filter = ["etat"]
    exclude = ["profil", "connexion"]
