from django.contrib import admin

from espace_sante.notifications.models import Notification

# What someone wrote (a patient's reply going back by SMTP: its subject, text, files and
# threading) is never shown to staff, sent or not: only the delivery's metadata.
CACHES = {"sujet", "corps", "entetes", "pieces"}


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["objet", "destinataire", "cree_le", "envoye_le", "tentatives"]
    list_filter = ["envoye_le"]
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
