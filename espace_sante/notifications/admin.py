from django.contrib import admin

from espace_sante.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["sujet", "destinataire", "cree_le", "envoye_le", "tentatives"]
    list_filter = ["envoye_le"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
