"""{% page links.x %} on the help page: a link to a page the reader may open, else the page's name in bold."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def page(link) -> str:
    if link.url:
        return format_html('<a href="{}">{}</a>', link.url, link.label)
    return format_html("<strong>{}</strong>", link.label)
