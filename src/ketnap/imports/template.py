"""The roster template an office can fill in: ketnap's own headings, the catalogues as drop-down lists (Excel's
data validation, so a typo is stopped in Excel, before ketnap sees it), and an example row.

The lists live on a second sheet, "Danh mục" (a validation list typed inline is limited to 255 characters; the
hospital's departments alone exceed that). The example row says what a filled row looks like and is marked so
that nobody imports "Nguyễn Thị Mẫu" by accident: the import reads it like any row, so the note asks to delete it.
"""

import datetime as dt

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ketnap.imports.columns import MEMBER_COLUMNS, STAFF_COLUMNS
from ketnap.imports.engine import catalogues_for
from ketnap.imports.models import RosterKind
from ketnap.vietnamese import sort_key

# the columns a template offers, in this order (the others are recognised on import but rarely kept)
STAFF_FIELDS = [
    "full_name",
    "birth_date",
    "gender",
    "citizen_id",
    "staff_code",
    "work_unit",
    "job_title",
    "profession",
    "professional_level",
    "political_theory",
    "general_education",
    "employment_type",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "joined_unit_on",
    "youth_union_member",
    "trade_union_member",
    "in_cadre_planning",
]
MEMBER_FIELDS = [
    *STAFF_FIELDS[:6],
    "cell",
    "status",
    "decision_date",
    "ceremony_date",
    "official_date",
    "card_number",
    "decision_number",
    *STAFF_FIELDS[6:],
]
CHOICES = {
    "gender": ["Nam", "Nữ"],
    "status": ["Chính thức", "Dự bị"],
    "youth_union_member": ["x"],
    "trade_union_member": ["x"],
    "in_cadre_planning": ["x"],
}
EXAMPLE = {
    "full_name": "Nguyễn Thị Mẫu",
    "birth_date": dt.date(1995, 3, 12),
    "gender": "Nữ",
    "citizen_id": "001195012345",
    "staff_code": "NV0001",
    "job_title": "Điều dưỡng",
    "phone": "0912345678",
    "joined_unit_on": dt.date(2018, 8, 1),
    "youth_union_member": "x",
    "status": "Dự bị",
    "decision_date": dt.date(2025, 5, 19),
    "ceremony_date": dt.date(2025, 6, 2),
}
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")


def template_workbook(org, kind: str) -> Workbook:
    from ketnap.imports.kinds import ROSTERS

    columns = {c.field: c for c in (MEMBER_COLUMNS if kind == RosterKind.MEMBERS else STAFF_COLUMNS)}
    fields = MEMBER_FIELDS if kind == RosterKind.MEMBERS else STAFF_FIELDS
    catalogues = catalogues_for(org, ROSTERS[kind])
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    lists = book.create_sheet("Danh mục")
    sheet.append([columns[f].label for f in fields])
    for index, name in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), HEADING_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(columns[name].label) + 4)
        values = _choices(name, catalogues)
        if values:
            _validate(sheet, lists, index, columns[name].label, values)
        elif columns[name].kind == "date":
            cell.comment = Comment("Ngày dạng dd/mm/yyyy (hoặc ô ngày của Excel).", "ketnap")
    _append_example(sheet, [_example(name, catalogues) for name in fields])
    sheet.freeze_panes = "B2"
    lists.sheet_state = "hidden"
    return book


def _choices(name: str, catalogues: dict) -> list[str]:
    """The values a column offers in its drop-down list (none: typed freely)."""
    if name in CHOICES:
        return CHOICES[name]
    entries = catalogues[name].entries if name in catalogues else []
    # the code lists keep their official order; departments and cells are listed alphabetically
    if name in {"work_unit", "cell"}:
        entries = sorted(entries, key=lambda e: sort_key(e.label))
    return [e.label for e in entries]


def _example(name: str, catalogues: dict):
    """The example row's value: the organisation's first department and cell, else a made-up person's."""
    if name in {"work_unit", "cell"}:
        entries = catalogues[name].entries if catalogues.get(name) else []
        return entries[0].label if entries else ""
    return EXAMPLE.get(name, "")


def _append_example(sheet, example: list) -> None:
    sheet.append(example)
    for index, value in enumerate(example, start=1):
        if isinstance(value, dt.date):
            sheet.cell(row=2, column=index).number_format = "dd/mm/yyyy"
        sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
    sheet.cell(row=2, column=1).comment = Comment("Dòng ví dụ: xóa dòng này trước khi nhập.", "ketnap")


def _validate(sheet, lists, index: int, title: str, values: list[str]) -> None:
    column = get_column_letter(index)
    lists.cell(row=1, column=index, value=title)
    for row, value in enumerate(values, start=2):
        lists.cell(row=row, column=index, value=value)
    reference = f"{quote_sheetname(lists.title)}!${column}$2:${column}${len(values) + 1}"
    validation = DataValidation(type="list", formula1=reference, allow_blank=True)
    validation.error = f"Chọn một giá trị trong danh sách {title}."
    validation.errorTitle = "ketnap"
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}5000")
