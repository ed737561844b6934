import logging

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from ketnap.accounts import throttle
from ketnap.accounts.models import AddressBlock, Role
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


@admin.register(AddressBlock)
class AddressBlockAdmin(admin.ModelAdmin):
    """Addresses refused at login for trying many usernames (accounts/throttle.py): read, and lifted early."""

    list_display = ["address", "started", "until", "state", "usernames", "refused", "lifted_by"]
    list_filter = ["started"]
    search_fields = ["address"]
    readonly_fields = ["address", "started", "until", "usernames", "refused", "lifted_at", "lifted_by"]
    actions = ["unlock_address"]

    def has_add_permission(self, request):
        return False  # written by the login limit only

    def has_delete_permission(self, request, obj=None):
        return False  # the list is also the record of what happened

    @admin.display(description=gettext_lazy("tình trạng"))
    def state(self, block):
        if block.lifted_at:
            return gettext("đã mở khóa")
        return gettext("đang khóa") if block.is_active(timezone.now()) else gettext("đã hết hạn")

    @admin.action(description=gettext_lazy("Mở khóa đăng nhập cho các địa chỉ đã chọn"), permissions=["change"])
    def unlock_address(self, request, queryset):
        addresses = throttle.lift(queryset.values_list("address", flat=True), request.user)
        message = ngettext(
            "Đã mở khóa đăng nhập cho %(n)d địa chỉ.", "Đã mở khóa đăng nhập cho %(n)d địa chỉ.", len(addresses)
        ) % {"n": len(addresses)}
        self.message_user(request, message, messages.SUCCESS)
