"""How a day is written for people: dd/mm/yyyy (05/03/2024), the order of the party's forms and of every screen.

The one writer of that order, in the pure core so that the rules' reasons use it too; templates call it through the
ddmmyyyy filter (web/templatetags/ketnap_dates), .xlsx cells have their own number format (stats.xlsx).
"""

import datetime as dt

DAY_FORMAT = "%d/%m/%Y"  # the same order read back: a day typed on a command line, the date inputs


def ddmmyyyy(day: dt.date) -> str:
    """05/03/2024. A datetime gives its own day: make it local first (timezone.localtime).

    Spelled out rather than strftime(DAY_FORMAT): glibc writes the year 999 as "999", Django's |date as "0999"; the
    same four digits everywhere (the years ketnap keeps all have four anyway)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
