"""A long list of names (the CSDL hand-off, the due list, the board, the people behind a figure, the audit trail) as
one .xlsx sheet, written by XlsxWriter in constant-memory mode into a temporary file.

Why not stats.xlsx (openpyxl write-only), which writes every other table: for a list of tens of thousands of rows the
writer was most of the download's time. Measured on the same 31,620 × 31 rows of the CSDL hand-off in one run
(benchmarks/export.py), XlsxWriter writes them in about a third of openpyxl's CPU time; constant-memory mode keeps
one row in memory, whatever the length of the list.

Why a temporary file and not a stream: an .xlsx is a zip whose sheet is complete only when the last row is written,
and neither writer emits the zip as it goes. The rows are written to disk (memory stays flat), then the file is sent
in blocks (FileResponse) and deleted when closed.

The layout is stats.xlsx.rows_xlsx's: title, subtitle, an empty line, the header (bold, boxed, grey, frozen and
repeated on every printed page), typed cells (INT '#,##0', DATE 'dd/mm/yyyy'), A4 fitted to the page's width, and
the `note` (who downloaded the list, ketnap.privacy.stamps) as its last line and in the file's properties.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence

from django.utils import timezone

from ketnap.stats import layout
from ketnap.stats.tables import Column, Kind, Row
from ketnap.stats.xlsx import FONT, NUMBER_FORMATS, sheet_name


def _widths(columns: list[Column]) -> list[float]:
    """From the labels only (the rows are not at hand): as stats.xlsx for a list without its rows."""
    label = layout.label_index(columns)
    out = []
    for i, column in enumerate(columns):
        if column.kind == Kind.TEXT:
            out.append(min(max(len(str(column.label)), 24 if i == label else 6) + 2, 60))
        elif column.kind == Kind.DATE:
            out.append(min(max(len(str(column.label)), 12) + 2, 16))
        else:  # number columns: the header wraps; digits need about 10
            out.append(min(max([11, *(len(w) for w in str(column.label).split())]) + 2, 18))
    return out


def rows_xlsx_file(
    title: str,
    columns: list[Column],
    rows: Iterable[Sequence | Row],
    *,
    subtitle: str = "",
    note: str = "",
    author: str = "",
    description: str = "",
):
    """The workbook in an open temporary file (at its start; deleted when closed), the rows written as they come."""
    out = tempfile.TemporaryFile()
    try:
        _write(out, title, columns, rows, subtitle=subtitle, note=note, author=author, description=description)
    except BaseException:
        out.close()  # and so deleted
        raise
    out.seek(0)
    return out


def _write(out, title, columns, rows, *, subtitle, note, author, description) -> None:
    import xlsxwriter

    # strings_to_*: a value is what it says; "=cmd|…" typed as a name stays text, "http://…" is no link
    book = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties({"author": author or "ketnap", **({"comments": description} if description else {})})
    sheet = book.add_worksheet(sheet_name(title, set()))
    header_row = 1 + bool(subtitle) + 1  # 0-based: title, subtitle, an empty line

    def style(**more):
        return book.add_format({"font_name": FONT, "font_size": 12, **more})

    plain = [style(**_number(c.kind)) for c in columns]
    for i, width in enumerate(_widths(columns)):
        sheet.set_column(i, i, width, plain[i])  # also the format of a cell left empty and typed into later
    sheet.freeze_panes(header_row + 1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_paper(9)  # A4
    if len(columns) > 6:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    row = 0
    sheet.write_string(row, 0, str(title), style(bold=True, font_size=14))
    if subtitle:
        row += 1
        sheet.write_string(row, 0, str(subtitle), style(italic=True))
    row = header_row
    head = style(bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#EEEEEE")
    for i, column in enumerate(columns):
        sheet.write_string(row, i, str(column.label), head)
    row = _data(sheet, row + 1, columns, rows, plain, style)
    if note:
        sheet.write_string(row + 1, 0, str(note), style(italic=True, font_size=11))
    book.close()


def _data(sheet, row: int, columns: list[Column], rows: Iterable[Sequence | Row], plain: list, style) -> int:
    """Writes the rows from `row` on; returns the next free row."""
    cells = _Cells(sheet, columns, plain, style)
    for item in rows:
        if isinstance(item, Row):
            cells.write_row(row, item.values, cells.formats(item))
        else:
            cells.write_row(row, item, plain)
        row += 1
    return row


class _Cells:
    """Writes each value as the cell type its Python type and its column's kind call for. One format per (column,
    boldness, indent), made once."""

    def __init__(self, sheet, columns: list[Column], plain: list, style):
        self.sheet, self.plain, self.style = sheet, plain, style
        self.kinds = [c.kind for c in columns]
        self.label = layout.label_index(columns)
        self.decimal = style(num_format=NUMBER_FORMATS[Kind.DECIMAL])
        self.moment = style(num_format="dd/mm/yyyy hh:mm")
        self.styled: dict[tuple, list] = {}

    def formats(self, item: Row) -> list:
        """A total or a breakdown: bold, or the label indented."""
        if not (item.strong or item.level):
            return self.plain
        key = (item.strong, item.level)
        if key not in self.styled:
            self.styled[key] = [
                self.style(bold=item.strong, indent=item.level if i == self.label else 0, **_number(k))
                for i, k in enumerate(self.kinds)
            ]
        return self.styled[key]

    def write_row(self, row: int, values: Sequence, formats: list) -> None:
        sheet = self.sheet
        for i, value in enumerate(values):
            if value is None or value == "":
                continue  # no cell: the column's format (set_column) is what a value typed in later gets
            if isinstance(value, str):
                sheet.write_string(row, i, value, formats[i])
            elif isinstance(value, bool):
                sheet.write_boolean(row, i, value, formats[i])
            elif isinstance(value, int | float):
                self._number(row, i, value, formats[i])
            elif isinstance(value, dt.date):
                self._date(row, i, value, formats[i])
            else:  # a lazy translation, a label
                sheet.write_string(row, i, str(value), formats[i])

    def _number(self, row: int, i: int, value: int | float, fmt) -> None:
        kind = self.kinds[i]
        if kind == Kind.PERCENT:
            value = round(value / 100, 6)  # Excel's percent: a fraction shown as 39,5%
        elif kind == Kind.INT and isinstance(value, float) and not value.is_integer():
            fmt = self.decimal
        self.sheet.write_number(row, i, value, fmt)

    def _date(self, row: int, i: int, value: dt.date, fmt) -> None:
        if not isinstance(value, dt.datetime):
            self.sheet.write_datetime(row, i, value, fmt)
            return
        local = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        if self.kinds[i] == Kind.DATE:
            self.sheet.write_datetime(row, i, local.date(), fmt)
        else:
            self.sheet.write_datetime(row, i, local, self.moment)


def _number(kind: Kind) -> dict:
    return {"num_format": NUMBER_FORMATS[kind]} if kind in NUMBER_FORMATS else {}
