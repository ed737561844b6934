"""Writing and pruning the read log (ketnap.privacy.models.ReadEntry).

`record` is on the hot path of every person, candidate and scan page: one INSERT, no SELECT (the person is passed by
id, the user is the request's)."""

import calendar
import datetime as dt

from django.conf import settings
from django.utils import timezone

from ketnap.privacy.models import ReadEntry, ReadKind

WHAT_MAX = ReadEntry._meta.get_field("what").max_length
QUERY_MAX = ReadEntry._meta.get_field("query").max_length


def record(user, kind: ReadKind, *, person_id: int | None = None, what: str = "", query: str = "", count=None):
    return ReadEntry.objects.create(
        user_id=user.pk,
        kind=kind,
        person_id=person_id,
        what=str(what)[:WHAT_MAX],
        query=query[:QUERY_MAX],
        count=count,
    )


def retention_start(now: dt.datetime | None = None) -> dt.datetime:
    """The oldest moment still kept: KETNAP_READ_LOG_MONTHS calendar months before now (31/3 minus one month is the
    last day of February)."""
    now = timezone.localtime(now or timezone.now())
    year, month = divmod(now.year * 12 + now.month - 1 - settings.KETNAP_READ_LOG_MONTHS, 12)
    month += 1
    return now.replace(year=year, month=month, day=min(now.day, calendar.monthrange(year, month)[1]))


def prune(now: dt.datetime | None = None) -> int:
    """Delete the rows older than the retention period; the number deleted."""
    return ReadEntry.objects.prune(retention_start(now))
