from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to superusers, changed only by the product's services (or, for the audit trail, never)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
