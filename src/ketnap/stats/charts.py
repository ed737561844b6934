"""Charts as server-rendered SVG, drawn from a Table (so every figure in a chart is also in that table).

Hand-written SVG rather than a charting library: the three shapes needed here (horizontal bars with an optional
second series, a funnel, yearly columns) are ~250 lines; matplotlib would add ~60 MB and ~0.5 s of import to every
report on an old hospital PC, and a JavaScript library would need a browser (no PDF) or a CDN (no internet on the
LAN). SVG keeps text as text: searchable, copyable, read by screen readers, drawn by WeasyPrint into the PDF's text
layer with the document's font, so Vietnamese diacritics come out right.

Black-and-white printing: the first series is a solid dark fill, the second a diagonal hatch on white with a black
outline; every bar carries its value as a label, so no reading depends on colour or on a scale. Each chart is
`role="img"` with a <title> and a <desc> listing the figures. All text is XML-escaped: organisation names such as
"Khoa Tai & Mũi <Họng>" are safe to embed with `{{ svg }}` (the result is a SafeString) or in a PDF.
"""

import dataclasses
import itertools
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ketnap.stats.tables import Kind, Table, format_value

WIDTH = 640
FONT = "'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif"
FONT_SIZE = 12
CHAR_WIDTH = 0.52 * FONT_SIZE  # rough average advance of a serif font: enough to size the label column
BAR = 16
GAP = 8
SOLID = "#a3161a"  # the product's red: a dark grey in black-and-white print
INK = "#1d2327"

BARS = 30  # a bar chart of a province's 300 hospitals is 4 metres of bars: it draws the largest ones (largest())

_ids = itertools.count(1)  # ids are document-global when several SVGs are inlined in one page: keep them unique


def _x(text) -> str:
    return escape(str(text), quote=True)


def _num(value) -> float:
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 0.0


def _wrap(label: str, chars: int, lines: int = 2) -> list[str]:
    """Word-wraps a label into at most `lines` lines of about `chars` characters (the last one cut with …)."""
    words, out, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > chars:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [s if len(s) <= chars + 2 else s[: chars - 1] + "…" for s in out]


def _columns(table: Table, keys: list[str]):
    index = {c.key: i for i, c in enumerate(table.columns)}
    missing = [k for k in keys if k not in index]
    if missing:
        raise KeyError(f"{table.slug}: no column {', '.join(missing)}")
    return [table.columns[index[k]] for k in keys], [index[k] for k in keys]


def _open(chart_id: str, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d"'
        f' viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}"'
        f' font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{chart_id}-t">{_x(title)}</title>',
        f'<desc id="{chart_id}-d">{_x(desc)}</desc>',
        f'<text x="0" y="16" font-size="{FONT_SIZE + 2}" font-weight="bold">{_x(title)}</text>',
    ]


def _hatch(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-h" patternUnits="userSpaceOnUse" width="6" height="6"'
        f' patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern></defs>'
    )


def _desc(table: Table, label_index: int, columns, indexes) -> str:
    parts = []
    for row in table.rows:
        figures = ", ".join(
            f"{c.label}: {format_value(row.values[i], c.kind)}" for c, i in zip(columns, indexes, strict=False)
        )
        parts.append(f"{row.values[label_index]}: {figures}")
    return "; ".join(parts)


def _largest(table: Table, key: str, n: int) -> tuple[list, str]:
    """The rows to draw and what the title adds: all rows, or when there are more than n besides the first (the whole
    organisation), that row and the n rows with the largest `key`, in the table's order (ties: the earlier)."""
    first, rest = table.rows[:1], table.rows[1:]
    if len(rest) <= n:
        return table.rows, ""
    (column,), (i,) = _columns(table, [key])
    kept = set(sorted(range(len(rest)), key=lambda k: -_num(rest[k].values[i]))[:n])
    said = _(" — %(n)s tổ chức nhiều %(column)s nhất (của %(all)s)") % {
        "n": n,
        "column": column.label.lower(),
        "all": len(rest),
    }
    return [*first, *(row for k, row in enumerate(rest) if k in kept)], said


@dataclasses.dataclass(frozen=True)
class _Bars:
    """A bar chart's geometry. Past 12 rows the bars are thinner and the labels one line, so that 30
    sub-organisations still fit a page."""

    chart_id: str
    columns: list
    indexes: list[int]
    many: bool
    bar: int  # the height of one bar
    labels: list[list[str]]  # each row's label, wrapped
    label_width: float
    top: int  # below the title and the legend
    groups: list[float]  # the height of each row's group of bars
    scale: float  # pixels per unit of value

    @property
    def height(self) -> float:
        return self.top + sum(self.groups) + 6


def _bar_labels(table: Table, label_i: int, max_label_chars: int, many: bool) -> list[list[str]]:
    """Each row's label wrapped to two lines, or to one longer line when there are many rows."""
    chars = max_label_chars if not many else int(max_label_chars * 1.5)
    return [
        _wrap(str(r.values[label_i] if r.values[label_i] is not None else ""), chars, 1 if many else 2)
        for r in table.rows
    ]


def _bars_layout(table: Table, label_i: int, columns, indexes, max_label_chars: int) -> _Bars:
    many = len(table.rows) > 12
    bar = 10 if many else BAR
    labels = _bar_labels(table, label_i, max_label_chars, many)
    label_width = min(max((len(s) for lines in labels for s in lines), default=4) * CHAR_WIDTH + 8, WIDTH * 0.5)
    top = 28 + (22 if len(columns) > 1 else 0)  # the legend, for two series
    gap = 4 if many else GAP
    groups = [max(bar * len(columns) + gap, 15 * len(lines) + gap) for lines in labels]
    peak = max((_num(r.values[i]) for r in table.rows for i in indexes), default=0) or 1
    value_room = 64  # the value label after the longest bar
    scale = (WIDTH - label_width - value_room) / peak
    return _Bars(f"c{next(_ids)}-{table.slug}", columns, indexes, many, bar, labels, label_width, top, groups, scale)


def _fill(chart_id: str, n: int) -> str:
    """The first series solid, the second hatched."""
    return SOLID if n == 0 else f"url(#{chart_id}-h)"


def _legend(bars: _Bars) -> list[str]:
    out = [_hatch(bars.chart_id)]
    for n, column in enumerate(bars.columns):
        x = bars.label_width + n * 190
        fill = _fill(bars.chart_id, n)
        out.append(f'<rect x="{x:.1f}" y="{bars.top - 19}" width="14" height="10" fill="{fill}" stroke="{INK}"/>')
        out.append(f'<text x="{x + 19:.1f}" y="{bars.top - 10}">{_x(column.label)}</text>')
    return out


def _row_label(bars: _Bars, row, lines: list[str], y: float) -> list[str]:
    """The row's label, right-aligned before its bars and centred on them (bold for a total)."""
    block = bars.bar * len(bars.columns)
    first = y + (block - 15 * (len(lines) - 1)) / 2 + 4
    weight = ' font-weight="bold"' if row.strong else ""
    return [
        f'<text x="{bars.label_width - 6:.1f}" y="{first + 15 * k:.1f}" text-anchor="end"{weight}>{_x(line)}</text>'
        for k, line in enumerate(lines)
    ]


def _row_bars(bars: _Bars, row, y: float) -> list[str]:
    """One bar per series, each followed by its value in the column's format."""
    out = []
    small = ' font-size="9"' if bars.many else ""
    for n, (column, i) in enumerate(zip(bars.columns, bars.indexes, strict=False)):
        value = row.values[i]
        length = _num(value) * bars.scale
        bar_y = y + n * bars.bar
        stroke = "" if n == 0 else f' stroke="{INK}" stroke-width="0.8"'
        out.append(
            f'<rect class="bar" x="{bars.label_width:.1f}" y="{bar_y + 1:.1f}" width="{length:.1f}"'
            f' height="{bars.bar - 3}" fill="{_fill(bars.chart_id, n)}"{stroke}/>'
        )
        baseline = bar_y + bars.bar - (2 if bars.many else 4)
        out.append(
            f'<text x="{bars.label_width + length + 4:.1f}" y="{baseline:.1f}"{small}>'
            f"{_x(format_value(value, column.kind))}</text>"
        )
    return out


def bar_chart(
    table: Table,
    label_key: str,
    value_keys: list[str],
    *,
    title: str | None = None,
    max_label_chars: int = 34,
    largest_by: str | None = None,
) -> SafeString:
    """Horizontal bars, one group per row of `table`: the first value column solid, a second one hatched (e.g.
    admitted vs target). Values are printed at the end of each bar in the Vietnamese format of their column.
    `largest_by`: a long table (a province's hospitals) draws its first row and the BARS rows largest in that column;
    the title says so and the table under the chart keeps every row."""
    if not 1 <= len(value_keys) <= 2:
        raise ValueError("bar_chart draws one or two series")
    title = title or table.title
    if largest_by:
        rows, said = _largest(table, largest_by, BARS)
        table, title = dataclasses.replace(table, rows=rows), title + said
    _label, (label_i,) = _columns(table, [label_key])
    columns, indexes = _columns(table, value_keys)
    bars = _bars_layout(table, label_i, columns, indexes, max_label_chars)
    out = _open(bars.chart_id, bars.height, title, _desc(table, label_i, columns, indexes))
    if len(columns) > 1:
        out += _legend(bars)
    y = bars.top
    for row, lines, size in zip(table.rows, bars.labels, bars.groups, strict=False):
        out += _row_label(bars, row, lines, y) + _row_bars(bars, row, y)
        y += size
    x = bars.label_width
    out.append(f'<line x1="{x:.1f}" y1="{bars.top - 2}" x2="{x:.1f}" y2="{y - 2}" stroke="{INK}"/>')
    out.append("</svg>")
    return mark_safe("\n".join(out))  # every text above went through _x()


@dataclasses.dataclass(frozen=True)
class _Funnel:
    """A funnel's geometry: bars centred in `room`, scaled to the largest stage; shares are of the first stage."""

    top: int
    step: int  # from one stage to the next
    label_width: float
    room: float
    peak: float
    first: float

    @property
    def centre(self) -> float:
        return self.label_width + self.room / 2


def _funnel_row(funnel: _Funnel, n: int, row, label: str, value: float, value_col, value_i: int) -> list[str]:
    """A stage: its label, its bar, its count and (after the first) its share of the first stage."""
    y = funnel.top + n * funnel.step
    width = max(value / funnel.peak * funnel.room, 1.0)
    share = f" ({format_value(round(100 * value / funnel.first, 1), Kind.PERCENT)})" if funnel.first and n else ""
    text = format_value(row.values[value_i], value_col.kind) + share
    shown = _wrap(label, 60, 1)[0]
    return [
        f'<text x="{funnel.label_width - 6:.1f}" y="{y + 15:.1f}" text-anchor="end">{_x(shown)}</text>',
        f'<rect class="bar" x="{funnel.centre - width / 2:.1f}" y="{y + 2:.1f}" width="{width:.1f}"'
        f' height="{funnel.step - 5}" fill="{SOLID}"/>',
        f'<text x="{funnel.label_width + funnel.room + 6:.1f}" y="{y + 15:.1f}">{_x(text)}</text>',
    ]


def funnel_chart(table: Table, label_key: str, value_key: str, *, title: str | None = None) -> SafeString:
    """A funnel: one centred bar per stage (row), width proportional to its count, the count and the share of the
    first stage printed beside it. Dark fill with white gaps: reads the same in black and white."""
    title = title or table.title
    (_label, value_col), (label_i, value_i) = _columns(table, [label_key, value_key])
    chart_id = f"c{next(_ids)}-{table.slug}"
    labels = [str(r.values[label_i] or "") for r in table.rows]
    label_width = min(max((len(s) for s in labels), default=4) * CHAR_WIDTH + 8, WIDTH * 0.4)
    values = [_num(r.values[value_i]) for r in table.rows]
    room = WIDTH - label_width - 120  # the count and the share on the right
    funnel = _Funnel(30, 24, label_width, room, max(values, default=0) or 1, values[0] if values else 0)
    height = funnel.top + funnel.step * len(table.rows) + 4
    out = _open(chart_id, height, title, _desc(table, label_i, [value_col], [value_i]))
    for n, (row, label, value) in enumerate(zip(table.rows, labels, values, strict=False)):
        out += _funnel_row(funnel, n, row, label, value, value_col, value_i)
    out.append("</svg>")
    return mark_safe("\n".join(out))  # escaped above


def column_chart(table: Table, label_key: str, value_key: str, *, title: str | None = None) -> SafeString:
    """Vertical columns (e.g. admissions per year), the value above each column, the label under it."""
    title = title or table.title
    (_label, value_col), (label_i, value_i) = _columns(table, [label_key, value_key])
    chart_id = f"c{next(_ids)}-{table.slug}"
    rows = table.rows
    top, plot, bottom = 40, 150, 36
    height = top + plot + bottom
    slot = (WIDTH - 20) / max(len(rows), 1)
    width = min(slot * 0.6, 60)
    peak = max((_num(r.values[value_i]) for r in rows), default=0) or 1
    out = _open(chart_id, height, title, _desc(table, label_i, [value_col], [value_i]))
    base = top + plot
    out.append(f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{INK}"/>')
    for n, row in enumerate(rows):
        value = _num(row.values[value_i])
        h = value / peak * (plot - 6)
        cx = 10 + slot * (n + 0.5)
        out.append(
            f'<rect class="bar" x="{cx - width / 2:.1f}" y="{base - h:.1f}" width="{width:.1f}" height="{h:.1f}"'
            f' fill="{SOLID}"/>'
        )
        out.append(
            f'<text x="{cx:.1f}" y="{base - h - 4:.1f}" text-anchor="middle">'
            f"{_x(format_value(row.values[value_i], value_col.kind))}</text>"
        )
        label = _wrap(str(row.values[label_i] or ""), max(int(slot / CHAR_WIDTH), 4), 1)[0]
        out.append(f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle">{_x(label)}</text>')
    out.append("</svg>")
    return mark_safe("\n".join(out))  # escaped above
