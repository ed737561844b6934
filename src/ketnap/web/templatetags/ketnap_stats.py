from django import template

from ketnap.stats.tables import format_value

register = template.Library()


@register.filter
def cell(value, kind):
    """A table cell the Vietnamese way (1.234 ; 39,5 % ; dd/mm/yyyy ; — for nothing)."""
    return format_value(value, kind)
