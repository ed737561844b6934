"""Turning one roster cell into a value, or a Vietnamese message saying why it cannot be one.

Every parser takes the raw cell (str, int, float, datetime from openpyxl; str from csv) and returns the value
or raises CellError. Empty cells never reach them.
"""

import datetime as dt
import difflib
import functools

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl.utils.datetime import from_excel

from ketnap.formats.vi.formats import DATE_INPUT_FORMATS
from ketnap.registry.enums import Gender
from ketnap.registry.models import citizen_id_validator
from ketnap.vietnamese import fold, normalize_name, split_full_name

TRUE = {"x", "co", "1", "true", "yes", "dung", "v", "phai", "la doan vien", "doan vien", "cong doan vien"}
FALSE = {"khong", "0", "false", "no", "-", "chua", "k"}
GENDERS = {"nam": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "nu": Gender.FEMALE, "f": Gender.FEMALE}


class CellError(Exception):
    pass


def shown(value) -> str:
    """A cell as the user typed it, for messages."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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


def date(value, *, not_after: dt.date | None = None) -> dt.date:
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # a date typed into a cell formatted as a number arrives as Excel's serial day number
        if not 1 <= value < 80_000:
            raise CellError(f"'{shown(value)}' không phải ngày hợp lệ (dd/mm/yyyy).")
        result = from_excel(value).date()
    else:
        raw = text(value)
        for fmt in DATE_INPUT_FORMATS:
            try:
                result = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise CellError(f"'{raw}' không phải ngày hợp lệ (dd/mm/yyyy).")
    if result.year < 1900:
        raise CellError(f"'{shown(value)}': năm {result.year} không hợp lý.")
    if not_after and result > not_after:
        raise CellError(f"'{result:%d/%m/%Y}' là ngày trong tương lai.")
    return result


@functools.lru_cache(maxsize=256)
def _folded(value) -> str:
    return fold(shown(value))


def gender(value) -> str:
    result = GENDERS.get(_folded(value))
    if result is None:
        raise CellError(f"'{shown(value)}' không phải giới tính (ghi Nam hoặc Nữ).")
    return result


def citizen_id(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # stored as a number, the CCCD lost its leading zeros (every province code starts with 0)
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"'{shown(value)}' không phải số CCCD (cần đúng 12 chữ số).")
        raw = str(int(value))
        raw = raw.zfill(12) if len(raw) <= 12 else raw
    else:
        raw = "".join(text(value).replace(".", "").replace("-", "").split())
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


class Lookup:
    """Names and codes of a list (a code list, the units of an organisation) matched without diacritics/case."""

    def __init__(self, title: str, entries: list[tuple[str, str, object]]):
        # entries: (code, name, value)
        self.title = title
        self.by_code: dict[str, object] = {}
        self.by_name: dict[str, list[tuple[str, object]]] = {}
        self.names: dict[str, str] = {}
        self.cache: dict = {}
        for code, name, value in entries:
            self.by_code.setdefault(fold(code), value)
            self.by_name.setdefault(fold(name), []).append((code, value))
            self.names.setdefault(fold(name), name)

    def __call__(self, value):
        # the same few names repeat down a roster: remember each answer (errors are cheap to redo)
        try:
            return self.cache[value]
        except KeyError:
            result = self.cache[value] = self._find(value)
            return result
        except TypeError:  # unhashable: never from openpyxl or csv, but stay safe
            return self._find(value)

    def _find(self, value):
        raw = text(value)
        key = fold(raw)
        if key in self.by_code:
            return self.by_code[key]
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0][1]
        if matches:
            codes = ", ".join(code for code, _v in matches)
            raise CellError(f"'{raw}' trùng tên nhiều mục trong {self.title}; hãy ghi mã ({codes}).")
        close = difflib.get_close_matches(key, list(self.names), n=3, cutoff=0.6)
        hint = f" Gần giống: {', '.join(self.names[c] for c in close)}." if close else ""
        raise CellError(f"'{raw}' không có trong {self.title}.{hint}")
