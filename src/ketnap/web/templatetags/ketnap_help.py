"""The help page's tags: {% page links.x %}, a link to a page the reader may open, else the page's name in bold;
{% code "ketnap restore " file ".tar.gz" %}, a command or file name in <code>. Both take `as name`, so that a
translated sentence holds them as placeholders ({% blocktranslate %}Mở {{ due }}: …), without markup of its own."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def page(link) -> str:
    if link.url:
        return format_html('<a href="{}">{}</a>', link.url, link.label)
    return format_html("<strong>{}</strong>", link.label)


@register.simple_tag
def code(*parts) -> str:
    return format_html("<code>{}</code>", "".join(str(part) for part in parts))
