"""PDF from HTML with WeasyPrint: the statistical forms (biểu) and the yearly report, A4, Vietnamese fonts.

- Fonts: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif — Liberation Serif from Debian's
  fonts-liberation2 has the Vietnamese glyphs; the page-number margin boxes get the same font (they do not
  inherit the body's).
- HTML to PDF (WeasyPrint, local resources only, PdfUnavailable without Pango) is ketnap.printing's, shared with the
  apps below this one.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from ketnap.printing import PdfUnavailable as PdfUnavailable  # what the screens catch around form_pdf, report_pdf
from ketnap.printing import html_to_pdf
from ketnap.stats import layout
from ketnap.stats.tables import Kind, ReportMeta, Table, format_value

WIDE = 6  # columns beyond which a form is printed on a landscape page
REPORT_WIDE = 8  # in a report, a table with more columns gets a landscape page of its own (named page "wide")


@dataclass
class Chart:
    svg: str  # from ketnap.stats.charts (escaped SVG markup)
    caption: str = ""


@dataclass
class Section:
    """A numbered part of a report: its blocks in order, each a paragraph (str), a Table or a Chart."""

    heading: str
    blocks: list = field(default_factory=list)

    def items(self):
        """(kind, block) pairs for the template, which cannot test types."""
        for block in self.blocks:
            if isinstance(block, Table):
                yield "table", (block, printable(block), len(block.columns) > REPORT_WIDE)
            elif isinstance(block, Chart):
                yield "chart", block
            else:
                yield "text", str(block)


@dataclass
class PrintCell:
    text: str
    css: str  # "num", "lvl-N" (the label), or ""
    is_label: bool


def printable(table: Table) -> list[tuple[bool, list[PrintCell]]]:
    """(strong, cells) per row, formatted the Vietnamese way, the label column indented by the row's level."""
    label = layout.label_index(table.columns)
    out = []
    for row in table.rows:
        cells = []
        for i, (column, value) in enumerate(zip(table.columns, row.values, strict=False)):
            kind = column.kind
            if kind == Kind.INT and isinstance(value, float) and not value.is_integer():
                kind = Kind.DECIMAL  # e.g. a form's average age in a column of counts
            text = format_value(value, kind)
            if i == label:
                text += f" ({row.flag})" if row.flag else ""
                cells.append(PrintCell(text, f"lvl-{min(row.level, 4)}", True))
            else:
                cells.append(PrintCell(text, "num" if kind != Kind.TEXT else "", False))
        out.append((row.strong, cells))
    return out


def _landscape(tables: list[Table]) -> bool:
    return any(len(t.columns) + any(r.flag for r in t.rows) > WIDE for t in tables)


def form_html(table: Table, meta: ReportMeta) -> str:
    return render_to_string(
        "print/form.html",
        {
            "table": table,
            "rows": printable(table),
            "meta": meta,
            "party": layout.PARTY,
            "date_line": layout.date_line(meta),
            "compiler_label": layout.COMPILER,
            "compiler_hint": layout.COMPILER_HINT,
            "head_hint": layout.HEAD_HINT,
            "phone_line": layout.phone_line(meta),
            "landscape": _landscape([table]),
        },
    )


def form_pdf(table: Table, meta: ReportMeta) -> bytes:
    """A statistical form as on paper: party header, form code, title and period, the table, signatures."""
    return html_to_pdf(form_html(table, meta))


def report_html(meta: ReportMeta, sections: list[Section]) -> str:
    return render_to_string(
        "print/report.html",
        {
            "meta": meta,
            "sections": sections,
            "party": layout.PARTY,
            "date_line": layout.date_line(meta),
            "report": True,
        },
    )


def report_pdf(meta: ReportMeta, sections: list[Section]) -> bytes:
    """A report: the party header, its title, numbered sections of text, tables and charts, the signature."""
    return html_to_pdf(report_html(meta, sections))


def tables_pdf(tables: list[Table], meta: ReportMeta) -> bytes:
    """Any page's tables printed one after the other (the PDF twin of tables_xlsx)."""
    return report_pdf(meta, [Section(t.title, [t]) for t in tables])
