"""The working-day calendar the app uses: holidays + the shipped overrides + the ones admins stored.

Built once per process and kept until an override is saved or deleted (building a year costs a few milliseconds).
`ketnap serve` runs several worker processes, so the saving process also replaces a stamp file in the data
directory after the commit; every process compares the stamp's identity (one stat(), no query) before using its
kept calendar, and builds it again when another process changed the overrides.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from ketnap.rules.workdays import Calendar, Override

STAMP = "calendar-changed"

_cached: Calendar | None = None
_cached_stamp: tuple[int, int] | None = None


def _stamp_path() -> Path:
    return Path(settings.DATA_DIR) / STAMP


def _stamp() -> tuple[int, int]:
    try:
        found = os.stat(_stamp_path())
    except FileNotFoundError:
        return (0, 0)
    return (found.st_ino, found.st_mtime_ns)


def app_calendar() -> Calendar:
    global _cached, _cached_stamp
    stamp = _stamp()
    if _cached is None or stamp != _cached_stamp:
        from ketnap.pipeline.models import CalendarOverride

        extra = tuple(Override(o.day, o.kind, o.reason, o.source) for o in CalendarOverride.objects.all())
        _cached, _cached_stamp = Calendar(extra_overrides=extra), stamp
    return _cached


def forget() -> None:
    """Drop this process's cached calendar: the next app_calendar() reads the overrides again."""
    global _cached
    _cached = None


def _tell_other_processes() -> None:
    """Replace the stamp (a new inode each time, so even two changes within the clock's resolution differ)."""
    path = _stamp_path()
    temp = path.with_name(f".{STAMP}.{os.getpid()}.{secrets.token_hex(4)}")
    temp.write_text("")
    os.replace(temp, path)


def _forget(**kwargs) -> None:
    forget()
    # and again once the change is committed: a calendar another thread built meanwhile, or one built inside the
    # saving transaction (pipeline.due recounts the deadlines there), is not kept past it
    transaction.on_commit(forget)
    transaction.on_commit(_tell_other_processes)


def connect() -> None:
    from ketnap.pipeline.models import CalendarOverride

    post_save.connect(_forget, sender=CalendarOverride, dispatch_uid="ketnap-calendar-save")
    post_delete.connect(_forget, sender=CalendarOverride, dispatch_uid="ketnap-calendar-delete")
