"""A table of figures, the one shape every statistic takes on its way to the screen, .xlsx, .csv and PDF.

Values are plain Python (int, float, str, date, None); the presenters format them (dd/mm/yyyy, "39,5 %") and the
.xlsx writer stores real number and date cells. `Row.link` (a drill-down URL) is shown on screen only, and only
when the view has checked that the user may read the names behind it.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from ketnap.rules.dates import ddmmyyyy


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # e.g. an average age: one decimal place
    PERCENT = "percent"  # stored as a number of percent (39.5 means 39,5 %)
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT


@dataclass
class Row:
    values: list
    level: int = 0  # indentation of the label (a breakdown under its total)
    strong: bool = False  # a total line
    link: str | None = None  # drill-down to names (screen only)
    flag: str = ""  # a short warning shown beside the row (e.g. "không khớp", "3 năm chưa kết nạp")


@dataclass
class Table:
    slug: str  # file name and anchor: ascii, no spaces
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # how the figures are counted, and the legal source of the form
    subtitle: str = ""  # organisation and period/date, printed under the title

    def add(self, *values, **kwargs) -> Row:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.slug}: {len(values)} values for {len(self.columns)} columns")
        row = Row(list(values), **kwargs)
        self.rows.append(row)
        return row

    def display(self) -> list[tuple[Row, list[tuple[str, bool]]]]:
        """Each row with its cells formatted once, as (text, is_number): a screen table of a province has thousands
        of cells, and formatting them here is several times faster than per-cell template filters."""
        kinds = [c.kind for c in self.columns]
        return [
            (row, [(format_value(v, k), k != Kind.TEXT) for v, k in zip(row.values, kinds, strict=True)])
            for row in self.rows
        ]

    def column(self, key: str) -> list:
        index = next(i for i, c in enumerate(self.columns) if c.key == key)
        return [r.values[index] for r in self.rows]

    def shortened(self, limit: int, largest_by: str, others: str, note: str) -> "Table":
        """The table within about `limit` rows, for the screen (a file keeps every row): the rows of the deepest level
        that are largest by `largest_by`, in their order, every shallower row (their totals hold the rest), and one
        row, labelled `others` (with "{n}" for how many), summing the counts of the deepest rows left out. `note` is
        added to the table's note. A province of 1,500 hospitals would otherwise draw 4 × 1,500 rows on a phone."""
        if len(self.rows) <= limit:
            return self
        deepest = max(row.level for row in self.rows)
        kept = self._largest_leaves(deepest, limit, largest_by)
        left_out = [row for i, row in enumerate(self.rows) if row.level == deepest and i not in kept]
        shown = [row for i, row in enumerate(self.rows) if row.level != deepest or i in kept]
        shown.append(self._others(left_out, deepest, others))
        return Table(self.slug, self.title, self.columns, shown, f"{self.note} {note}".strip(), self.subtitle)

    def _largest_leaves(self, deepest: int, limit: int, largest_by: str) -> set[int]:
        """The indexes of the deepest rows that fit within `limit` beside every shallower row: the largest by
        `largest_by` (ties: the earlier)."""
        leaves = [i for i, row in enumerate(self.rows) if row.level == deepest]
        index = next(i for i, c in enumerate(self.columns) if c.key == largest_by)
        room = max(limit - (len(self.rows) - len(leaves)), 0)
        return set(sorted(leaves, key=lambda i: (-(self.rows[i].values[index] or 0), i))[:room])

    def _others(self, left_out: list[Row], level: int, others: str) -> Row:
        """One row for the rows left out: how many in its label, the sums of their counts."""
        label = others.format(n=format_value(len(left_out), Kind.INT))
        by_column = list(zip(*(row.values for row in left_out), strict=True)) or [()] * len(self.columns)
        sums = [
            sum(v or 0 for v in by_column[i]) if column.kind == Kind.INT else None
            for i, column in enumerate(self.columns[1:], start=1)
        ]
        return Row([label, *sums], level=level)


def percent(part: int | float | None, whole: int | float | None) -> float | None:
    """part as a percentage of whole, one decimal place; None when whole is 0 or unknown."""
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def _is_fraction(value) -> bool:
    return isinstance(value, float) and not value.is_integer()


def _one_decimal(value) -> str:
    """1.234,5: a dot between thousands, a comma before the decimal."""
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def format_value(value, kind: Kind) -> str:
    """The Vietnamese display of a cell: 1.234 ; 39,5 % ; 01/02/2025 ; — for nothing."""
    if value is None or value == "":
        return "—"
    if kind == Kind.INT and not _is_fraction(value):
        return f"{int(value):,}".replace(",", ".")
    if kind in (Kind.INT, Kind.DECIMAL):  # INT here: an average in a column of counts (the forms' "tuổi bình quân")
        return _one_decimal(value)
    if kind == Kind.PERCENT:
        return _one_decimal(value) + " %"
    if kind == Kind.DATE and isinstance(value, dt.date):
        return ddmmyyyy(value)
    return str(value)


@dataclass
class ReportMeta:
    """The standard header and footer of a statistical form or report (thể thức văn bản của Đảng; the footer of the
    forms of Hướng dẫn 11-HD/BTCTW: NGƯỜI LẬP BIỂU, TRƯỞNG BAN)."""

    organization: str  # e.g. "ĐẢNG BỘ BỆNH VIỆN ĐA KHOA TỈNH"
    parent: str = ""  # the committee above, printed over it (e.g. "ĐẢNG BỘ SỞ Y TẾ")
    form_code: str = ""  # e.g. "Biểu 2-BTCTW"
    title: str = ""
    period: str = ""  # "Năm 2026", "Từ 01/01/2026 đến 30/06/2026", "Đến ngày 30/06/2026"
    place: str = ""  # "Quảng Ninh"
    issued_on: dt.date | None = None
    compiler: str = ""  # người lập biểu (name), with a phone number if given
    compiler_phone: str = ""
    head: str = ""  # trưởng ban / bí thư who signs
    head_title: str = "TRƯỞNG BAN"
