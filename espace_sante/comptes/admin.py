from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from espace_sante.comptes.models import (
    Mediateur,
    Professionnel,
    Profil,
    Representation,
    Tentative,
    User,
)
from espace_sante.lib import nir as nir_lib


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "prenom", "nom", "is_staff", "is_active"]
    search_fields = ["email", "nom", "prenom"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Identité", {"fields": ["prenom", "nom"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class ProfilAdminForm(forms.ModelForm):
    nir_saisi = forms.CharField(
        label="NIR", required=False, help_text="Laisser vide pour conserver le NIR enregistré."
    )

    class Meta:
        model = Profil
        # No status: it changes only through the lifecycle (consentement), which records
        # each decision; the admin's actions call it.
        fields = [
            "nom_naissance",
            "nom_usage",
            "prenoms",
            "date_naissance",
            "sexe",
            "code_lieu_naissance",
        ]

    def clean_nir_saisi(self):
        valeur = self.cleaned_data["nir_saisi"]
        if not valeur:
            if self.instance._state.adding:
                raise ValidationError("Le NIR est obligatoire pour créer un profil.")
            return ""
        nir = nir_lib.valider(valeur)
        existe = Profil.objects.par_nir(nir).exclude(pk=self.instance.pk).exists()
        if existe:
            raise ValidationError("Un profil existe déjà pour ce NIR.")
        return nir

    def save(self, commit=True):
        if self.cleaned_data.get("nir_saisi"):
            self.instance.definir_nir(self.cleaned_data["nir_saisi"])
        return super().save(commit)


@admin.register(Profil)
class ProfilAdmin(admin.ModelAdmin):
    """Identity only: no health content is ever shown here, and the NIR stays hidden."""

    form = ProfilAdminForm
    list_display = ["__str__", "date_naissance", "statut", "titulaire"]
    list_filter = ["statut"]
    search_fields = ["nom_naissance", "nom_usage", "prenoms"]
    readonly_fields = ["public_id", "statut", "titulaire", "cree_le"]
    search_help_text = "Nom ou prénoms ; un NIR complet est recherché par son empreinte."

    def get_search_results(self, request, queryset, search_term):
        try:
            nir = nir_lib.valider(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.par_nir(nir), False


@admin.register(Professionnel)
class ProfessionnelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "rpps", "profession", "structure", "actif"]
    list_filter = ["profession", "actif"]
    search_fields = ["rpps", "user__email", "user__nom"]
    autocomplete_fields = ["user"]


@admin.register(Mediateur)
class MediateurAdmin(admin.ModelAdmin):
    list_display = ["__str__", "habilite_depuis", "habilite_jusquau"]
    search_fields = ["user__email", "user__nom", "site_france_services"]
    autocomplete_fields = ["user"]


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date_debut", "date_fin"]
    raw_id_fields = ["representant", "mineur"]


@admin.register(Tentative)
class TentativeAdmin(admin.ModelAdmin):
    list_display = ["portee", "horodatage"]
    list_filter = ["portee"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _franciser_applications_tierces() -> None:
    """The libraries' admin entries in French, and those an admin has no use for removed:
    the sites framework (one site, set by SITE_URL) and django-otp's clear-text backup codes
    (replaced by comptes.CarnetSecours; kept installed for the migration that moved them)."""
    from allauth.account.models import EmailAddress
    from django.apps import apps
    from django.contrib.sites.models import Site
    from django_otp.plugins.otp_email.models import EmailDevice
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for modele in (Site, StaticDevice):
        if admin.site.is_registered(modele):
            admin.site.unregister(modele)
    noms = {
        "otp_totp": "Second facteur : applications d'authentification",
        "otp_email": "Second facteur : codes par courriel",
        "otp_static": "Second facteur : anciens codes de secours",
        "account": "Connexion : adresses électroniques",
    }
    for etiquette, nom in noms.items():
        apps.get_app_config(etiquette).verbose_name = nom
    for modele, singulier, pluriel in (
        (TOTPDevice, "application d'authentification", "applications d'authentification"),
        (EmailDevice, "code par courriel", "codes par courriel"),
        (EmailAddress, "adresse électronique", "adresses électroniques"),
    ):
        modele._meta.verbose_name, modele._meta.verbose_name_plural = singulier, pluriel


_franciser_applications_tierces()
