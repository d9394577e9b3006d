from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class ChangeListSure(ChangeList):
    """Django's list, with a date-hierarchy year too large for a date (``?…__year=99…9``,
    an OverflowError Django does not catch: a 500) refused like any other bad filter."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as e:
            raise IncorrectLookupParameters(e) from e


class LectureSeuleAdmin(admin.ModelAdmin):
    """Registers and journals: admins review them, never add, edit or delete a row."""

    def get_changelist(self, request, **kwargs):
        return ChangeListSure

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
