"""The home page's tree rows, built in Python: a province office's home shows 300 organisations, each with seven
counts, which the template language (an include, intcomma, floatformat and {% url %} per row) rendered at 57 ms of
CPU, eight times the page's SQL (#14). The markup is the one web/home.html and web/_counts_cells.html wrote, escaped
the same way."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.formats import get_format, number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()

PLACEHOLDER = "0RG-C0DE"  # reversed once; each row's code put in its place, quoted as reverse() quotes it
URL_SAFE = "!$&'()*+,;=/~:@"  # django.urls.resolvers: RFC3986_SUBDELIMS + "/~:@"


def _grouped():
    """intcomma for the active language, the separator looked up once (number_format per cell is the slow part)."""
    separator, grouping = get_format("THOUSAND_SEPARATOR"), get_format("NUMBER_GROUPING")
    if grouping == 3:
        return lambda n: f"{int(n):,}".replace(",", separator)
    return lambda n: number_format(int(n), use_l10n=True, force_grouping=True)


def _one_decimal():
    """floatformat(x, 1) for the percentages (already rounded to one decimal): the separator looked up once."""
    separator = get_format("DECIMAL_SEPARATOR")
    return lambda x: f"{x:.1f}".replace(".", separator)


def _overdue(n, recognitions: str, converted: str) -> str:
    """The node's overdue steps, those of recognition said apart (and in the title)."""
    if not n.overdue:
        return "0"
    why = ""
    if n.overdue_recognitions:
        why = f' <span class="why">({n.overdue_recognitions} {conditional_escape(converted)})</span>'
    return (
        f'<span class="badge overdue" title="{conditional_escape(recognitions)}: {n.overdue_recognitions}">'
        f"{n.overdue}{why}</span>"
    )


@register.simple_tag
def tree_rows(rows, day=None):
    """<tr>s of the home page's tree: name (a link today), kind, and for nodes whose children are not shown their
    number; the counts of web/_counts_cells.html; today, the overdue steps."""
    esc = conditional_escape
    grouped = _grouped()
    one_decimal = _one_decimal()
    prefix, _sep, suffix = reverse("org_detail", args=[PLACEHOLDER]).partition(PLACEHOLDER)
    under, recognitions = gettext("tổ chức trực thuộc"), gettext("trong đó quá hạn xét công nhận chính thức")
    converted = gettext("chuyển chính thức")
    out = []
    shown = {n.org_id for n in rows}
    for n in rows:
        name = esc(n.name)
        if not day:
            name = f'<a href="{esc(quote(prefix + str(n.code) + suffix, safe=URL_SAFE))}">{name}</a>'
        kind = esc(n.kind_label())
        if n.children and n.children[0].org_id not in shown and not day:
            kind += f" · {len(n.children)} {esc(under)}"
        c = n.totals
        percent = f"{one_decimal(c.member_percent)}%" if c.member_percent is not None else "—"
        cells = (
            f'<td class="num">{grouped(c.staff)}</td><td class="num">{grouped(c.official)}</td>'
            f'<td class="num">{grouped(c.probationary)}</td><td class="num"><strong>{grouped(c.members)}</strong></td>'
            f'<td class="num">{percent}</td><td class="num">{grouped(c.non_members)}</td>'
        )
        if not day:
            cells += f'<td class="num">{_overdue(n, recognitions, converted)}</td>'
        out.append(
            f'<tr class="depth-{n.depth}">\n  <td class="name">\n    {name}\n    <span class="kind">{kind}</span>\n'
            f"  </td>\n  {cells}\n</tr>\n"
        )
    return mark_safe("".join(out))  # every value above is escaped
