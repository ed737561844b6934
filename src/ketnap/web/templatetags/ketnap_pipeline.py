"""{{ candidate.stage|stage_label }}: the stage's name, as get_stage_display() gives it. Django's get_FOO_display
rebuilds the field's whole choice list (a gettext per stage) on every call: 50 rows of the board cost 4 ms (#14)."""

from django import template

from ketnap.pipeline.enums import Stage

register = template.Library()


@register.filter
def stage_label(value):
    try:
        return Stage(value).label
    except ValueError:
        return value  # as get_stage_display() shows a value outside the choices
