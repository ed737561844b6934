"""Turning one roster cell into a value, or a Vietnamese message saying why it cannot be one.

Every parser takes the raw cell (str, int, float, datetime from openpyxl; str from csv) and returns the value
or raises CellError. Empty cells never reach them.
"""

import datetime as dt
import functools
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.utils.datetime import from_excel

from ketnap.formats.vi.formats import DATE_INPUT_FORMATS
from ketnap.imports.reader import quoted
from ketnap.registry.enums import Gender
from ketnap.registry.models import citizen_id_validator
from ketnap.rules.dates import ddmmyyyy
from ketnap.vietnamese import fold, normalize_name, split_full_name

TRUE = {"x", "co", "1", "true", "yes", "dung", "v", "phai", "la doan vien", "doan vien", "cong doan vien"}
FALSE = {"khong", "0", "false", "no", "-", "chua", "k"}
GENDERS = {
    "nam": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "trai": Gender.MALE,
    "nu": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "gai": Gender.FEMALE,
}


class CellError(Exception):
    pass


def shown(value) -> str:
    """A cell as the user typed it, for messages (a huge cell is cut: messages and reports stay small)."""
    if isinstance(value, dt.datetime):
        return ddmmyyyy(value)
    if isinstance(value, dt.date):
        return ddmmyyyy(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return quoted(value)


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, max_length: int = 0) -> str:
    result = shown(value).strip() if not isinstance(value, str) else " ".join(value.split())
    if max_length and len(result) > max_length:
        raise CellError(f"'{result[:40]}…' dài quá {max_length} ký tự.")
    return result


def full_name(value) -> tuple[str, str, str]:
    family, middle, given = split_full_name(text(value))
    if not family:
        raise CellError(f"'{shown(value)}' chưa đủ họ và tên (cần ít nhất họ và tên).")
    if len(family) > 50 or len(middle) > 80 or len(given) > 50:
        raise CellError(f"'{shown(value)[:40]}…' dài quá mức cho phép.")
    return family, middle, given


def name_part(value, max_length: int) -> str:
    return normalize_name(text(value, max_length))


# Partial dates, and what ketnap records for them (said in every report, README "Nhập danh sách"):
YEAR_ONLY = "year"  # "1978" or 1978 → 01/01/1978
MONTH_YEAR = "month"  # "03/1978" → 01/03/1978
_SHORT_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
_MONTH_YEAR = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_TIME_TAIL = re.compile(r"\s+0{1,2}:00(?::00)?$")


def two_digit_year(yy: int, today: dt.date) -> int:
    """ "d/m/yy": 20yy when that year is not after this one, else 19yy ("5/3/98" → 1998, "5/3/21" → 2021)."""
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def date(value, *, not_after: dt.date | None = None, today: dt.date | None = None) -> tuple[dt.date, str]:
    """(the date, "" or YEAR_ONLY or MONTH_YEAR). A whole number 1900–2100 is a year, never an Excel serial
    (a birth year typed as 1975 would otherwise be 28/05/1905)."""
    today = today or not_after or dt.date.today()
    partial = ""
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result, partial = _date_number(value)
    else:
        result, partial = _date_text(text(value), today)
    if result.year < 1900:
        raise CellError(f"'{shown(value)}': năm {result.year} không hợp lý.")
    if not_after and result > not_after:
        as_read = "" if shown(value) == ddmmyyyy(result) else f" ({ddmmyyyy(result)})"
        raise CellError(f"'{shown(value)}' là ngày trong tương lai{as_read}.")
    return result, partial


def _date_number(value: int | float) -> tuple[dt.date, str]:
    if float(value).is_integer() and 1900 <= value <= 2100:
        return dt.date(int(value), 1, 1), YEAR_ONLY
    if 2100 < value < 80_000:
        # a date typed into a cell formatted as a number arrives as Excel's serial day number
        return from_excel(value).date(), ""
    raise CellError(f"'{shown(value)}' không phải ngày hợp lệ (dd/mm/yyyy).")


def _date_text(raw: str, today: dt.date) -> tuple[dt.date, str]:
    cleaned = _TIME_TAIL.sub("", raw.strip())
    folded = fold(cleaned)
    for fmt in DATE_INPUT_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date(), ""
        except ValueError:
            continue
    try:
        if match := _SHORT_YEAR.match(cleaned):
            day, month, yy = (int(g) for g in match.groups())
            return dt.date(two_digit_year(yy, today), month, day), ""
        if match := _MONTH_YEAR.match(folded):
            return dt.date(int(match.group(2)), int(match.group(1)), 1), MONTH_YEAR
        if match := _YEAR.match(folded):
            return dt.date(int(match.group(1)), 1, 1), YEAR_ONLY
    except ValueError:
        pass
    raise CellError(f"'{quoted(raw)}' không phải ngày hợp lệ (dd/mm/yyyy).")


@functools.lru_cache(maxsize=256)
def _folded(value) -> str:
    return fold(shown(value))


def mark(value) -> bool:
    """An x-column: "x", "X", "✓", "1", "có" is marked; anything else written there is a mistake."""
    if isinstance(value, bool):
        return value
    key = _folded(value)
    if key in TRUE or key in {"✓", "✔", "+", "*"}:
        return True
    if key in FALSE:
        return False
    raise CellError(f"'{shown(value)}' không rõ; cột này đánh dấu x hoặc để trống.")


def gender(value) -> str:
    result = GENDERS.get(_folded(value))
    if result is None:
        raise CellError(f"'{shown(value)}' không phải giới tính (ghi Nam hoặc Nữ).")
    return result


def citizen_id(value) -> str:
    """12 digits. A number cell (or a CSV made from one) lost the leading zeros every province code starts with:
    10 or 11 digits are padded back. 9 digits are an old CMND number, not a CCCD: said so, not padded."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"'{shown(value)}' không phải số CCCD (cần đúng 12 chữ số).")
        raw = str(int(value))
    else:
        raw = "".join(text(value).replace(".", "").replace("-", "").split())
    if raw.isdigit() and len(raw) == 9:
        raise CellError(
            f"'{shown(value)}' là số CMND 9 chữ số, không phải số CCCD (12 chữ số); ghi số CCCD hoặc để trống "
            "và dùng Mã nhân viên."
        )
    if raw.isdigit() and 10 <= len(raw) <= 11:
        raw = raw.zfill(12)
    try:
        citizen_id_validator(raw)
    except ValidationError as exc:
        raise CellError(f"'{shown(value)}' không hợp lệ: {exc.messages[0]}") from exc
    return raw


def phone(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = str(int(value))
        raw = "0" + raw if len(raw) == 9 else raw  # a number cell drops the leading 0
    else:
        raw = "".join(ch for ch in text(value) if ch.isdigit() or ch == "+")
        raw = "0" + raw if len(raw) == 9 and raw[0] not in "0+" else raw  # lost in a spreadsheet on the way
    if not 8 <= len(raw.lstrip("+")) <= 15:
        raise CellError(f"'{shown(value)}' không phải số điện thoại.")
    return raw


def email(value) -> str:
    raw = text(value)
    try:
        validate_email(raw)
    except ValidationError as exc:
        raise CellError(f"'{raw}' không phải địa chỉ email hợp lệ.") from exc
    if len(raw) > 254:
        raise CellError("Địa chỉ email quá dài.")
    return raw


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    key = _folded(value)
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise CellError(f"'{shown(value)}' không rõ là có hay không (ghi x, Có hoặc Không).")
