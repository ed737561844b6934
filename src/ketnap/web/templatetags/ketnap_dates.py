"""{{ day|ddmmyyyy }}: a day as the screens and papers write it, by ketnap.rules.dates (the one writer of dd/mm/yyyy);
{{ moment|ddmmyyyy_hhmm }}: a moment, local, as 05/03/2024 14:30.

As |date:"d/m/Y" did: nothing for no day (or for what is not a day), and a moment by its local day.
"""

import datetime as dt

from django import template

from ketnap.rules import dates

register = template.Library()


@register.filter(expects_localtime=True)
def ddmmyyyy(value) -> str:
    return dates.ddmmyyyy(value) if isinstance(value, dt.date) else ""


@register.filter(expects_localtime=True)
def ddmmyyyy_hhmm(value) -> str:
    return dates.ddmmyyyy_hhmm(value) if isinstance(value, dt.datetime) else ""
