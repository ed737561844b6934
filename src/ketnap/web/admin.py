"""The audit trail in the Django admin, read as the clerks read it (ketnap.web.auditlog): here rather than in
ketnap.audit, because naming every app's objects and fields needs the apps the log sits below."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketnap.audit.admin import ReadOnlyAdmin
from ketnap.audit.models import AuditEntry
from ketnap.rules.dates import ddmmyyyy_hhmm
from ketnap.web import auditlog as present


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The raw trail, hashes included, for an administrator; clerks read it on the app's Nhật ký page."""

    list_display = ["when", "who", "action_words", "kind", "subject"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name"]

    @admin.display(description=_("Lúc"), ordering="at")
    def when(self, entry: AuditEntry) -> str:
        return ddmmyyyy_hhmm(timezone.localtime(entry.at))

    @admin.display(description=_("Người thực hiện (tên đăng nhập)"), ordering="actor_name")
    def who(self, entry: AuditEntry) -> str:
        return entry.actor_name

    @admin.display(description=_("Thao tác"), ordering="action")
    def action_words(self, entry: AuditEntry) -> str:
        return present.action_words(entry)

    @admin.display(description=_("Đối tượng"), ordering="model")
    def kind(self, entry: AuditEntry) -> str:
        return present.kind_name(entry.model)

    @admin.display(description=_("Mô tả"))
    def subject(self, entry: AuditEntry) -> str:
        return present.subject(entry)
