"""Tables to CSV for other programs: UTF-8 with a BOM (Excel then reads the diacritics), comma-separated, CRLF.

Choices (machine-readable first; people get the .xlsx):
- the header row is the Vietnamese column labels; a row's flag goes to a last "Ghi chú" column when any row has one;
- numbers are unformatted with "." for decimals (1234, 39.5); a percent is the figure as printed (39.5 for
  39,5 %) under a header that says %;
- dates are ISO 8601 (2026-03-05): unambiguous for scripts, and every Excel locale reads them as dates, where
  05/03/2026 is 3 May for an English Excel;
- nothing (None) is an empty field;
- a text starting with = + - @ gets a leading apostrophe, so a spreadsheet never runs it as a formula.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from django.utils.translation import gettext_lazy

from ketnap.stats.tables import Column, Kind, Row, Table

BOM = "\ufeff"
FLAG_LABEL = gettext_lazy("Ghi chú")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value, kind: Kind = Kind.TEXT):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if kind == Kind.DATE else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows_csv(columns: list[Column], rows: Iterable[Sequence | Row], *, flags: bool = False) -> Iterator[bytes]:
    """The CSV in chunks (one per row, BOM first), for a StreamingHttpResponse over tens of thousands of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    kinds = [c.kind for c in columns]

    def take() -> bytes:
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data.encode("utf-8")

    writer.writerow([c.label for c in columns] + ([str(FLAG_LABEL)] if flags else []))
    yield BOM.encode("utf-8") + take()
    for row in rows:
        values = row.values if isinstance(row, Row) else row
        fields = [csv_value(v, k) for v, k in zip(values, kinds, strict=False)]
        if flags:
            fields.append(csv_value(row.flag if isinstance(row, Row) else ""))
        writer.writerow(fields)
        yield take()


def table_csv(table: Table) -> bytes:
    return b"".join(rows_csv(table.columns, table.rows, flags=any(r.flag for r in table.rows)))
