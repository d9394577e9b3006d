from django.contrib import admin

from espace_sante.journal.models import Entree
from espace_sante.lib.admin import LectureSeuleAdmin


@admin.register(Entree)
class EntreeAdmin(LectureSeuleAdmin):
    """Read-only review of the audit journal."""

    list_display = ["horodatage", "action", "role", "acteur_libelle", "profil", "objet_type"]
    list_filter = ["action", "role"]
    search_fields = ["acteur_libelle", "objet_id", "chaine"]
    date_hierarchy = "horodatage"
    list_select_related = ["profil"]
    readonly_fields = [f.name for f in Entree._meta.fields]
