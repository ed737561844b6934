"""Tables to .xlsx: real number and date cells, Vietnamese headers, the header row frozen; statistical forms (biểu)
laid out like the paper form.

Choices:
- Every workbook is written in openpyxl's write_only mode (~30 MiB instead of ~800 MiB for tens of thousands of rows,
  engineering notes). Long name lists are written by XlsxWriter instead (web.listxlsx: 3× faster).
- Cells are typed: INT '#,##0', DECIMAL '#,##0.0', DATE 'dd/mm/yyyy'. PERCENT is stored the Excel way, as a
  fraction with the '0.0%' format (39,5 % is the number 0.395): Excel then shows it as a percentage in the
  reader's regional format, sums and charts behave, and `=B5*C5` needs no /100. (The CSV keeps 39.5, the figure as
  printed, under a header that says %.) Number formats are locale-neutral codes: a Vietnamese Excel shows
  1.234 and 39,5%, an English one 1,234 and 39.5%.
- Nothing (None) is an empty cell, not "—": a text in a number column would break sums.
- The row's level is the label cell's indent; total rows are bold; a row's flag goes to a last "Ghi chú" column.
- A form that numbers its columns (stats.bieu.FormTable.column_numbers) gets that row under the header, frozen and
  repeated on every printed page with it.
"""

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ketnap.stats import layout
from ketnap.stats.tables import Column, Kind, ReportMeta, Row, Table

NUMBER_FORMATS = {Kind.INT: "#,##0", Kind.DECIMAL: "#,##0.0", Kind.PERCENT: "0.0%", Kind.DATE: "dd/mm/yyyy"}
FLAG_LABEL = gettext_lazy("Ghi chú")
FONT = "Times New Roman"  # the party documents' font; Excel substitutes Liberation Serif on Linux

_thin = Side(style="thin", color="000000")
BOX = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _font(**kwargs) -> Font:
    return Font(name=FONT, size=kwargs.pop("size", 12), **kwargs)


def cell_value(value, kind: Kind):
    """The value to store for a table cell of `kind` (see the module docstring for percent)."""
    if value is None or value == "":
        return None
    if kind == Kind.PERCENT and isinstance(value, int | float):
        return round(value / 100, 6)
    if kind == Kind.DATE and isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int | float | dt.date):
        return value
    return str(value)


def sheet_name(title: str, used: set[str]) -> str:
    """≤ 31 characters, none of []:*?/\\, unique in the workbook (case-insensitively, as Excel compares). The title
    may be a lazy translation (a stage's label): it is made text first."""
    base = SHEET_FORBIDDEN.sub(" ", str(title)).strip().strip("'") or "Bảng"
    name, n = base[:31], 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _width(texts: Iterable[str], floor: int, ceiling: int) -> float:
    return min(max([floor, *(len(t) for t in texts)]) + 2, ceiling)


def _text_width(rows: list[Row] | None, i: int, column: Column, is_label: bool) -> float:
    """A text column fits its values (the label column indented by level; the flag column past the values)."""
    texts = [
        ("   " * r.level if is_label else "") + str((r.values[i] if i < len(r.values) else r.flag) or "")
        for r in rows or []
    ]
    return _width(texts, max(len(column.label), 24 if is_label else 6), 60)


def _widths(columns: list[Column], rows: list[Row] | None) -> list[float]:
    """Column widths from the labels and, when the rows are at hand, the displayed values."""
    out = []
    label = layout.label_index(columns)
    for i, column in enumerate(columns):
        if column.kind == Kind.TEXT:
            out.append(_text_width(rows, i, column, i == label))
        elif column.kind == Kind.DATE:
            out.append(_width([column.label], 12, 16))
        else:
            # number columns: the header wraps; digits need about 10
            out.append(_width([w for w in column.label.split() if len(w) > 0], 11, 18))
    return out


class _Prototypes:
    """A styled prototype cell per (column, number format, bold, indent), reused for every row: write-only rows are
    serialised as they are appended, and styling each new cell would cost most of the time of a 50,000-row list."""

    def __init__(self, writer: "_Writer", ncols: int, boxed: bool):
        self.writer, self.ncols = writer, ncols
        self.border = BOX if boxed else None
        self.plain, self.bold, self.flag = _font(), _font(bold=True), _font(italic=True, size=11)
        self.cells: dict[tuple, WriteOnlyCell] = {}

    def cell(self, i: int, value, fmt, strong: bool, level: int) -> WriteOnlyCell:
        """Column i's prototype holding `value` (column ncols: the flag)."""
        key = (i, fmt, strong, level)
        proto = self.cells.get(key)
        if proto is None:
            proto = self.cells[key] = self._styled(i, fmt, strong, level)
        proto.value = value
        if proto.data_type == "f":  # "=…" is text here, never a formula
            proto.data_type = "s"
        return proto

    def _styled(self, i: int, fmt, strong: bool, level: int) -> WriteOnlyCell:
        font = self.flag if i == self.ncols else self.bold if strong else self.plain
        proto = self.writer.cell(None, font=font, fmt=fmt, border=self.border)
        if level:
            proto.alignment = Alignment(indent=level)
        return proto


def _row_parts(row: Row | Sequence) -> tuple[Sequence, int, bool, str]:
    """(values, level, strong, flag) of a Row, or of plain values."""
    if isinstance(row, Row):
        return row.values, row.level, row.strong, row.flag
    return row, 0, False, ""


def _number_format(fmt, value):
    """A fraction in a column of counts (e.g. a form's average age) gets one decimal place."""
    if fmt == NUMBER_FORMATS[Kind.INT] and isinstance(value, float) and not value.is_integer():
        return NUMBER_FORMATS[Kind.DECIMAL]
    return fmt


class _Writer:
    """One write-only sheet: styled cells made once per (column, style) and reused."""

    def __init__(self, wb: Workbook, title: str, used: set[str]):
        self.ws = wb.create_sheet(sheet_name(title, used))
        self.row = 0
        self.ncols = 1

    def setup(self, widths: list[float], *, landscape: bool, header_row: int, header_rows: int = 1):
        """Before the first row: write-only sheets write their views and columns when the first row comes."""
        self.ncols = max(len(widths), 1)
        last = header_row + header_rows - 1
        self.ws.freeze_panes = f"A{last + 1}"
        self.ws.print_title_rows = f"{header_row}:{last}"
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True

    def cell(self, value, *, font=None, align=None, fmt=None, border=None, fill=None) -> WriteOnlyCell:
        c = WriteOnlyCell(self.ws, value=value)
        if c.data_type == "f":  # openpyxl makes "=…" a formula: a name typed as "=cmd|…" must stay text
            c.data_type = "s"
        c.font = font or _font()
        if align:
            c.alignment = align
        if fmt:
            c.number_format = fmt
        if border:
            c.border = border
        if fill:
            c.fill = fill
        return c

    def append(self, cells: list):
        self.ws.append(cells)
        self.row += 1

    def merged(self, text: str, first: int, last: int, **style) -> list:
        """Cells for one row with `text` merged across columns first..last (1-based)."""
        if last > first:
            self.ws.merged_cells.add(
                f"{get_column_letter(first)}{self.row + 1}:{get_column_letter(last)}{self.row + 1}"
            )
        return [self.cell(text, **style)]

    def text_line(self, text: str, **style):
        self.append([self.cell(str(text), **style)])

    def header(self, columns: list[Column]):
        align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        bold = _font(bold=True)
        self.append([self.cell(str(c.label), font=bold, align=align, border=BOX, fill=HEADER_FILL) for c in columns])

    def column_numbers(self, numbers: list[str], ncols: int):
        """The form's column numbers under the header (1, 2, 3, 4 (=2×100/3)); blank for the extra columns."""
        align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        italic = _font(italic=True, size=11)
        padded = [*numbers, *[""] * (ncols - len(numbers))][:ncols]
        self.append([self.cell(n or None, font=italic, align=align, border=BOX) for n in padded])

    def data(self, columns: list[Column], rows: Iterable[Row | Sequence], *, flags: bool, boxed: bool):
        """Rows of values, in cells styled once per (column, style) (_Prototypes)."""
        formats = [NUMBER_FORMATS.get(c.kind) for c in columns]
        kinds = [c.kind for c in columns]
        label = layout.label_index(columns)
        prototypes = _Prototypes(self, len(kinds), boxed)
        for row in rows:
            values, level, strong, flag = _row_parts(row)
            cells = [
                prototypes.cell(
                    i,
                    cell_value(value, kinds[i]),
                    _number_format(formats[i], value),
                    strong,
                    level if i == label else 0,
                )
                for i, value in enumerate(values)
            ]
            if flags:
                cells.append(prototypes.cell(len(kinds), flag or None, None, False, 0))
            self.append(cells)

    def empty_row(self, columns: list[Column], flags: bool):
        self.append([self.cell(_("Không có số liệu."), font=_font(italic=True))])


def _save(wb: Workbook, *, author: str = "", description: str = "") -> bytes:
    # a list with names says in its properties whose download it is (ketnap.privacy.stamps)
    wb.properties.creator = author or "ketnap"
    if author:
        wb.properties.lastModifiedBy = author
    if description:
        wb.properties.description = description
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _columns(table: Table) -> tuple[list[Column], bool]:
    flags = any(r.flag for r in table.rows)
    return [*table.columns, Column("_flag", str(FLAG_LABEL))] if flags else list(table.columns), flags


def _table_sheet(wb: Workbook, table: Table, meta: ReportMeta | None, used: set[str]):
    columns, flags = _columns(table)
    w = _Writer(wb, table.title, used)
    org_line = bool(meta and meta.organization)
    header_row = org_line + 1 + bool(table.subtitle) + 2
    w.setup(_widths(columns, table.rows), landscape=len(columns) > 6, header_row=header_row)
    if org_line:
        w.text_line(meta.organization, font=_font(bold=True, size=11))
    w.text_line(table.title, font=_font(bold=True, size=14))
    if table.subtitle:
        w.text_line(table.subtitle, font=_font(italic=True))
    w.append([])
    w.header(columns)
    if table.rows:
        w.data(columns, table.rows, flags=flags, boxed=True)
    else:
        w.empty_row(columns, flags)
    if table.note:
        w.append([])
        w.text_line(table.note, font=_font(italic=True, size=11))


def tables_xlsx(
    tables: list[Table], meta: ReportMeta | None = None, *, author: str = "", description: str = ""
) -> bytes:
    """One sheet per table: (organisation,) title, subtitle, the frozen header row, the rows, the note. `author`,
    `description`: who downloaded tables with names (as rows_xlsx)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        _table_sheet(wb, table, meta, used)
    if not tables:
        _Writer(wb, _("Bảng"), used).text_line(_("Không có số liệu."))
    return _save(wb, author=author, description=description)


class _FormBlocks:
    """A form's two blocks side by side: the left one (organisation, compiler) over the first columns, the right one
    (the party, the date, the head) over the rest."""

    def __init__(self, writer: "_Writer", ncols: int):
        split = 1 if ncols <= 4 else ncols // 2
        self.w = writer
        self.left, self.right = (1, split), (split + 1, max(ncols, split + 1))
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=False)

    def pair(self, left_text, right_text, left_style=None, right_style=None):
        cells = self.w.merged(left_text, *self.left, **(left_style or {"font": _font(), "align": self.center}))
        cells += [None] * (self.left[1] - self.left[0])
        cells += self.w.merged(
            right_text, *self.right, **(right_style or {"font": _font(bold=True), "align": self.center})
        )
        self.w.append(cells)

    def across(self, text: str, font: Font):
        """One line centred across the whole form."""
        self.w.append(self.w.merged(text, 1, self.right[1], font=font, align=self.center))


def _form_heading(blocks: _FormBlocks, table: Table, meta: ReportMeta):
    center, bold = blocks.center, _font(bold=True)
    blocks.pair(meta.parent, layout.PARTY, right_style={"font": _font(bold=True, underline="single"), "align": center})
    blocks.pair(meta.organization, meta.form_code, left_style={"font": bold, "align": center})
    blocks.pair("*", "", left_style={"font": _font(), "align": center})
    blocks.w.append([])
    blocks.across(meta.title or table.title, _font(bold=True, size=14))
    if meta.period:
        blocks.across(meta.period, _font(italic=True))
    blocks.w.append([])


def _form_table(w: "_Writer", table: Table, columns: list[Column], numbers: list[str], flags: bool):
    w.header(columns)
    if numbers:
        w.column_numbers(numbers, len(columns))
    if table.rows:
        w.data(columns, table.rows, flags=flags, boxed=True)
    else:
        w.empty_row(columns, flags)
    if table.note:
        w.text_line(table.note, font=_font(italic=True, size=11))


def _form_signatures(blocks: _FormBlocks, meta: ReportMeta):
    center, bold = blocks.center, _font(bold=True)
    blocks.w.append([])
    blocks.pair("", layout.date_line(meta), right_style={"font": _font(italic=True), "align": center})
    blocks.pair(layout.COMPILER, meta.head_title, left_style={"font": bold, "align": center})
    small_italic = {"font": _font(italic=True, size=11), "align": center}
    blocks.pair(layout.COMPILER_HINT, layout.HEAD_HINT, left_style=small_italic, right_style=small_italic)
    for _blank in range(3):  # room for the signatures and the stamp
        blocks.w.append([])
    blocks.pair(meta.compiler, meta.head, left_style={"font": bold, "align": center})
    if meta.compiler_phone:
        blocks.pair(layout.phone_line(meta), "", left_style={"font": _font(), "align": center})


def form_xlsx(table: Table, meta: ReportMeta) -> bytes:
    """A statistical form as on paper (the PDF twin is stats.pdf.form_pdf):

    parent committee / organisation / *      ĐẢNG CỘNG SẢN VIỆT NAM / form code
                         TITLE
                         period
    the table (header and the form's column numbers frozen), its note
                                             place, ngày dd tháng mm năm yyyy
    NGƯỜI LẬP BIỂU (name, phone)             TRƯỞNG BAN (name)
    """
    columns, flags = _columns(table)
    numbers = list(getattr(table, "column_numbers", None) or [])
    n = len(columns)
    wb = Workbook(write_only=True)
    w = _Writer(wb, meta.form_code or table.title, set())
    widths = _widths(columns, table.rows)
    header_row = 5 + bool(meta.period) + 2
    w.setup(widths + ([14] if n == 1 else []), landscape=n > 6, header_row=header_row, header_rows=1 + bool(numbers))
    blocks = _FormBlocks(w, n)
    _form_heading(blocks, table, meta)
    _form_table(w, table, columns, numbers, flags)
    _form_signatures(blocks, meta)
    return _save(wb)
