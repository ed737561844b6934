"""Django admin for superusers: code lists are edited here; the tree and people are changed through the
product's own pages (which call the services that keep history), so they are read-only here."""

from django.contrib import admin

from ketnap.audit.admin import ReadOnlyAdmin
from ketnap.registry.models import CodeItem, Organization, Preferences, WorkUnit


@admin.register(CodeItem)
class CodeItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "code", "name", "position", "stat_group", "list_version", "active"]
    list_filter = ["kind", "active", "list_version"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False  # records keep their codes: deactivate an entry instead


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "parent",
        "authorised_to_admit",
        "above_base_powers",
        "dissolved_on",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(WorkUnit)
class WorkUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "parent", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    """One row: the installation's settings an administrator sets in the app."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Preferences.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
