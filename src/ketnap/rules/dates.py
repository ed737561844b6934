"""How a day is written for people: dd/mm/yyyy (05/03/2024), the order of the party's forms and of every screen.

The one writer of that order, in the pure core so that the rules' reasons use it too; templates get the same text
from Django's DATE_FORMAT in ketnap/formats/vi, and .xlsx cells from their number format (stats.xlsx).
"""

import datetime as dt

DAY_FORMAT = "%d/%m/%Y"  # for strptime too: a day typed on a command line


def ddmmyyyy(day: dt.date) -> str:
    """05/03/2024. A datetime gives its own day: make it local first (timezone.localtime)."""
    return day.strftime(DAY_FORMAT)
