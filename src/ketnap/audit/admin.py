from django.contrib import admin

from ketnap.audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to superusers, changed only by the product's services (or, for the audit trail, never)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "model", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name"]
