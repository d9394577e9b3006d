"""Admin of notices, accompagnements, the profession matrix and the record's access rows."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse

from consentement.models import (
    AccesProfessionnel,
    Accompagnement,
    Blocage,
    EnvoiAvis,
    MatriceProfession,
    ParametresAcces,
)
from consentement.services import avis
from espace_sante.lib.admin import LectureSeuleAdmin


@admin.register(EnvoiAvis)
class EnvoiAvisAdmin(admin.ModelAdmin):
    list_display = [
        "cree_le",
        "motif",
        "lot",
        "nb_emails",
        "emails_envoyes_le",
        "nb_courriers",
        "courriers_imprimes_le",
    ]
    list_filter = ["motif"]
    fields = list_display
    readonly_fields = list_display
    actions = ["imprimer_courriers"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Imprimer les courriers sélectionnés (PDF)")
    def imprimer_courriers(self, request, queryset):
        contenu = avis.courriers_imprimer(list(queryset.filter(lot__isnull=True)))
        reponse = HttpResponse(contenu, content_type="application/pdf")
        reponse["Content-Disposition"] = 'attachment; filename="courriers.pdf"'
        return reponse


@admin.register(Accompagnement)
class AccompagnementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "statut", "preuve", "ouvert_le", "ferme_le"]
    list_filter = ["statut"]
    fields = [
        "mediateur",
        "profil",
        "statut",
        "preuve",
        "cree_le",
        "ouvert_le",
        "expire_le",
        "ferme_le",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatriceProfession)
class MatriceProfessionAdmin(admin.ModelAdmin):
    """The profession matrix: which category of the record each profession sees."""

    list_display = ["profession", "categorie", "autorise"]
    list_editable = ["autorise"]
    list_filter = ["profession", "categorie", "autorise"]
    list_per_page = 200

    def has_delete_permission(self, request, obj=None):
        return False  # a missing row means "no": untick instead, so the choice stays visible


@admin.register(Blocage)
class BlocageAdmin(LectureSeuleAdmin):
    list_display = ["profil", "professionnel", "debut", "revoque_le"]
    list_select_related = ["profil", "professionnel__user"]


@admin.register(AccesProfessionnel)
class AccesProfessionnelAdmin(LectureSeuleAdmin):
    list_display = ["profil", "professionnel", "type", "debut", "fin", "revoque_le"]
    list_filter = ["type"]
    list_select_related = ["profil", "professionnel__user"]
    fields = ["profil", "professionnel", "type", "debut", "fin", "revoque_le"]  # not the reason


@admin.register(ParametresAcces)
class ParametresAccesAdmin(LectureSeuleAdmin):
    list_display = ["profil", "medecin_traitant", "refus_urgence", "masques_visibles_mt"]
    list_select_related = ["profil", "medecin_traitant__user"]
