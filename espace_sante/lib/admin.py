from django.contrib import admin


class LectureSeuleAdmin(admin.ModelAdmin):
    """Registers and journals: admins review them, never add, edit or delete a row."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
