import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ketnap.stats.tables import format_value

register = template.Library()


@register.filter
def cell(value, kind):
    """A table cell the Vietnamese way (1.234 ; 39,5 % ; dd/mm/yyyy ; — for nothing)."""
    return format_value(value, kind)


@register.simple_tag
def table_rows(table):
    """The <tbody> rows of a stats.tables.Table, built in Python: a province's dashboard has four tables of 300 rows
    (12,000 cells), which the template language renders at tens of microseconds a cell; this is the markup
    web/stats/_table.html had, escaped the same way."""
    out = []
    for row, cells in table.display():
        (label, _number), *rest = cells
        head = f'<a href="{esc(row.link)}">{esc(label)}</a>' if row.link else esc(label)
        if row.flag:
            head += f' <span class="flag">{esc(row.flag)}</span>'
        tds = "".join(
            f'<td class="num">{esc(text)}</td>' if number else f"<td>{esc(text)}</td>" for text, number in rest
        )
        strong = ' class="total"' if row.strong else ""
        out.append(f'<tr{strong}>\n<th scope="row" class="lvl-{row.level}">{head}</th>{tds}\n</tr>')
    if not out:
        empty = esc(gettext("Không có số liệu."))
        out.append(f'<tr><td colspan="{len(table.columns)}">{empty}</td></tr>')
    return mark_safe("".join(out))  # every value above is escaped


def esc(text) -> str:
    """django.utils.html.conditional_escape without its lazy-string wrapper, which cost more than the escaping over a
    province's 12,000 cells: safe markup stays as it is, anything else is escaped as Django escapes (html.escape)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))
