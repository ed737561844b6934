from django.contrib import admin

from ketnap.pipeline.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Where an admin adds the days off and make-up Saturdays the Government announces each year."""

    list_display = ["day", "kind", "reason", "source"]
    list_filter = ["kind"]
    date_hierarchy = "day"
