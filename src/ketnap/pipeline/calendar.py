"""The working-day calendar the app uses: holidays + the shipped overrides + the ones admins stored.

Built once and kept until an override is saved or deleted (building a year costs a few milliseconds).
"""

from django.db.models.signals import post_delete, post_save

from ketnap.rules.workdays import Calendar, Override

_cached: Calendar | None = None


def app_calendar() -> Calendar:
    global _cached
    if _cached is None:
        from ketnap.pipeline.models import CalendarOverride

        extra = tuple(Override(o.day, o.kind, o.reason, o.source) for o in CalendarOverride.objects.all())
        _cached = Calendar(extra_overrides=extra)
    return _cached


def _forget(**kwargs) -> None:
    global _cached
    _cached = None


def connect() -> None:
    from ketnap.pipeline.models import CalendarOverride

    post_save.connect(_forget, sender=CalendarOverride, dispatch_uid="ketnap-calendar-save")
    post_delete.connect(_forget, sender=CalendarOverride, dispatch_uid="ketnap-calendar-delete")
