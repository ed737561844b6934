"""What the .xlsx and PDF versions of a form or report print identically: the party document header and the
footer lines (thể thức văn bản của Đảng; the footer of the forms of Hướng dẫn 11-HD/BTCTW)."""

import datetime as dt

from django.utils import timezone

from ketnap.stats.tables import ReportMeta

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
COMPILER = "NGƯỜI LẬP BIỂU"
COMPILER_HINT = "(Ký, ghi rõ họ tên, số điện thoại)"
HEAD_HINT = "(Ký tên, đóng dấu)"


def date_line(meta: ReportMeta) -> str:
    """ "Quảng Ninh, ngày 05 tháng 03 năm 2026" (day and month on two digits)."""
    day = issued_on(meta)
    where = f"{meta.place}, " if meta.place else ""
    return f"{where}ngày {day:%d} tháng {day:%m} năm {day.year}"


def phone_line(meta: ReportMeta) -> str:
    return f"Điện thoại: {meta.compiler_phone}" if meta.compiler_phone else ""


def issued_on(meta: ReportMeta) -> dt.date:
    return meta.issued_on or timezone.localdate()


def label_index(columns) -> int:
    """The column a row's level indents: the one keyed "label" (the forms put a Mã số column before it), else the
    first."""
    return next((i for i, c in enumerate(columns) if c.key == "label"), 0)
