"""The roster handed back with its errors: the sheet as the office sent it, plus a column saying what is wrong.

Used for "download the errors" (every row, the problem beside it, so the office corrects its own file and sends
it again) and for a partial import (only the rejected rows, to fix and import on their own). Written with
openpyxl's write-only mode: one row in memory at a time, whatever the roster's size.
"""

from pathlib import Path

from ketnap.imports.reader import Roster

ERROR_HEADING = "Lỗi (ketnap)"


def write_error_file(source: Path | str, report, target: Path | str, *, only_rows: bool, stamp=None) -> int:
    """Write `target` (.xlsx); returns the number of rows with errors written. `only_rows`: the header and the
    rows with errors only (what a partial import left out); else every row of the sheet. `stamp`: who downloads it
    (ketnap.privacy.stamps.Stamp), written in the properties and the printed footer, never in a cell: the office
    corrects this very file and imports it again."""
    import openpyxl

    roster = Roster(Path(source), report.file_name)
    messages = report.row_messages
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(report.sheet or "Danh sách")[:31])
    written = 0
    width = 0
    last = 0
    for number, values in roster.rows(report.sheet or None):
        width = max(width, len(values))
        if not only_rows:
            for _gap in range(number - last - 1):  # empty rows too, so that "Dòng 12" is row 12 here as well
                sheet.append([])
        last = number
        found = messages.get(str(number))
        if number == report.header_row:
            sheet.append([*values, *([""] * (width - len(values))), ERROR_HEADING])
            continue
        if number < report.header_row:
            if not only_rows:
                sheet.append(list(values))
            continue
        if found:
            written += 1
            sheet.append([*values, *([""] * (width - len(values))), "; ".join(found)])
        elif not only_rows:
            sheet.append(list(values))
    if stamp is not None:
        from ketnap.privacy.stamps import stamp_workbook

        stamp_workbook(workbook, stamp)
    workbook.save(target)
    return written
