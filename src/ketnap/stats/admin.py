from django.contrib import admin

from ketnap.stats.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Corrections only: the web pages (chỉ tiêu) are where offices set and split targets."""

    list_display = ["organization", "kind", "starts_on", "ends_on", "admissions", "basis"]
    list_filter = ["kind"]
    search_fields = ["organization__name", "organization__code", "basis"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["organization"]
    readonly_fields = ["created_by", "created_at"]
