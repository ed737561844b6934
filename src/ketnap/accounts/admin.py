import logging

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from ketnap.accounts.models import Role
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["organization"]


admin.site.unregister(User)


@admin.register(User)
class KetnapUserAdmin(UserAdmin):
    inlines = [RoleInline]
    actions = ["unlock_login"]

    @admin.action(description="Mở khóa đăng nhập (xóa các lần đăng nhập sai)", permissions=["change"])
    def unlock_login(self, request, queryset):
        """Lifts a django-axes lockout now instead of after 30 minutes (settings: lockout keyed by username)."""
        names = list(queryset.values_list("username", flat=True))
        for user in queryset:
            axes_reset(username=user.username)
            write_entry(AuditEntry.Action.EVENT, user, {}, note="Mở khóa đăng nhập")
        logging.getLogger("ketnap.security").info(
            "%s mở khóa đăng nhập cho %s", request.user.username, ", ".join(names)
        )
        self.message_user(request, f"Đã mở khóa đăng nhập cho {len(names)} người dùng.", messages.SUCCESS)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organization", "title"]
    list_filter = ["kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["organization", "user"]
