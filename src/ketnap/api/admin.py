from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ketnap.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by `ketnap api-token create` (the only place the secret is ever shown); here they are
    listed and revoked."""

    list_display = ["name", "user", "created", "last_used", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "created", "last_used", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked__isnull=True):
            token.revoke()
