from django.contrib import admin
from django.utils import timezone

from espace_sante.notifications import services
from espace_sante.notifications.models import Notification

# What someone wrote (a patient's reply going back by SMTP: its subject, text, files and
# threading) is never shown to staff, sent or not: only the delivery's metadata.
CACHES = {"sujet", "corps", "entetes", "pieces"}


class NonConfirmees(admin.SimpleListFilter):
    """Handed to a provider past the lease, never recorded sent: what may go out twice."""

    title = "confiées sans confirmation"
    parameter_name = "non_confirmees"

    def lookups(self, request, model_admin):
        n = services.confiees_non_confirmees()
        return [("1", f"Confiées au fournisseur, envoi non confirmé ({n})")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            limite = timezone.now() - services.bail()
            return queryset.filter(envoye_le__isnull=True, confie_le__lt=limite)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["objet", "destinataire", "cree_le", "confie_le", "envoye_le", "tentatives"]
    list_filter = [NonConfirmees, "envoye_le"]
    exclude = sorted(CACHES)
    readonly_fields = [f.name for f in Notification._meta.fields if f.name not in CACHES] + [
        "objet"
    ]

    @admin.display(description="objet")
    def objet(self, obj) -> str:
        return "(message écrit : non affiché)" if obj.secret else obj.sujet

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
