"""{{ day|ddmmyyyy }}: a day as the screens and papers write it, by ketnap.rules.dates (the one writer of dd/mm/yyyy).

As |date:"d/m/Y" did: nothing for no day (or for what is not a day), and a moment by its local day.
"""

import datetime as dt

from django import template

from ketnap.rules import dates

register = template.Library()


@register.filter(expects_localtime=True)
def ddmmyyyy(value) -> str:
    return dates.ddmmyyyy(value) if isinstance(value, dt.date) else ""
