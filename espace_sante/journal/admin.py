from django.contrib import admin

from espace_sante.journal.models import Entree


@admin.register(Entree)
class EntreeAdmin(admin.ModelAdmin):
    """Read-only review of the audit journal."""

    list_display = ["horodatage", "action", "role", "acteur_libelle", "profil", "objet_type"]
    list_filter = ["action", "role"]
    search_fields = ["acteur_libelle", "objet_id", "chaine"]
    date_hierarchy = "horodatage"
    list_select_related = ["profil"]
    readonly_fields = [f.name for f in Entree._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
