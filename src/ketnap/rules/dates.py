"""How a day is written for people: dd/mm/yyyy (05/03/2024), the order of the party's forms and of every screen;
a moment as the day then the time, 05/03/2024 14:30.

The one writer of that order, in the pure core so that the rules' reasons use it too; templates call it through the
ddmmyyyy and ddmmyyyy_hhmm filters (web/templatetags/ketnap_dates), .xlsx cells have their own number format
(stats.xlsx). A moment is written as given: the caller makes it local first (timezone.localtime), as the filter does.
"""

import datetime as dt

DAY_FORMAT = "%d/%m/%Y"  # the same order read back: a day typed on a command line, the date inputs


def ddmmyyyy(day: dt.date) -> str:
    """05/03/2024. A datetime gives its own day: make it local first (timezone.localtime).

    Spelled out rather than strftime(DAY_FORMAT): glibc writes the year 999 as "999", Django's |date as "0999"; the
    same four digits everywhere (the years ketnap keeps all have four anyway)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def ddmmyyyy_hhmm(moment: dt.datetime, *, seconds: bool = False) -> str:
    """05/03/2024 14:30 (14:30:05 with seconds: the audit chain's break, to the second)."""
    clock = f"{moment.hour:02d}:{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
    return f"{ddmmyyyy(moment)} {clock}"
