"""Where a roster's header and people are, on a sheet laid out for printing rather than for a machine.

Personnel offices keep rosters as documents: a motto and title block above the header, an STT column, a
column-number row "(1) (2) (3)…" under it, two-row headings with merged cells ("Ngày sinh" over "Nam" | "Nữ"),
group rows naming the department above its people ("KHOA NỘI", "1. Khoa Hồi sức tích cực – Chống độc"), totals
("Tổng cộng: 120 người") and a signature footer ("NGƯỜI LẬP BIỂU", "GIÁM ĐỐC", "(Ký, ghi rõ họ tên)", the
signers' names). This module finds the header and tells each later row for what it is; nothing here knows the
database. Pure Python.
"""

import re
from dataclasses import dataclass, field

from ketnap.imports.columns import IGNORED, Column, alias_table, combined, heading_key, match_headers
from ketnap.vietnamese import fold

HEADER_SEARCH_ROWS = 25
# the columns that say who or what a row is: a person (CCCD, staff code) or an organisation (its code)
ID_FIELDS = {"citizen_id", "staff_code", "code"}
NAME_FIELDS = {"full_name", "given_name", "family_name", "name"}
# a header must have one of these to be a header (with at least three columns recognised)
KEY_FIELDS = {"full_name", "given_name", "citizen_id", "staff_code", "code"}
# the kinds of column whose value makes a row a person's (a footer or group row never has them)
IDENTITY_KINDS = {"citizen_id", "date", "birth_male", "birth_female", "gender", "female_mark", "male_mark"}
_NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,2})\s*\)?$")
_WORDS = re.compile(r"[^a-z0-9/]+")
# folded starts of the lines under a roster: who drew it up, who signs, the place-and-date line
FOOTER_STARTS = (
    "nguoi lap",
    "nguoi ke khai",
    "truong phong",
    "pho truong phong",
    "giam doc",
    "pho giam doc",
    "kt giam doc",
    "kt/giam doc",
    "t/m",
    "tm ",
    "tm/",
    "thu truong",
    "ke toan truong",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ten",
    "xac nhan",
    "noi nhan",
    "bi thu",
    "chu tich",
    "duyet",
    "phong tccb",
    "phong to chuc",
)
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
# "Tổng cộng: 120 người", "Cộng", "Tổng số 36" — but not the family name Tống ("Tống Văn A" folds to "tong van a")
_TOTAL = re.compile(r"^(?:tong cong|tong so|cong so)\b|^(?:tong|cong)(?:\s*$|\s+\d|\s+(?:nguoi|ds|danh sach|co)\b)")
_ID_LIKE = re.compile(r"\d{6,}")
_NUMBERING = re.compile(r"^\s*(?:[ivxlc]+|[a-z]|\d{1,3})\s*[.)\-/:]\s*|^\s*[-–•+*]\s*", re.IGNORECASE)
_UNITISH = ("khoa ", "k ", "phong ", "p ", "khoi ", "to ", "trung tam ", "ban ", "bo phan ", "don vi ", "nha thuoc")


def words(text) -> str:
    """Folded, punctuation as spaces: "(Ký, ghi rõ họ tên)" → "ky ghi ro ho ten"."""
    return " ".join(_WORDS.sub(" ", fold(str(text or ""))).split())


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def is_number_row(values: tuple) -> bool:
    """ "(1) (2) (3) …" or "1 2 3 …" under a heading: most filled cells are small increasing numbers."""
    filled = [v for v in values if _present(v)]
    if len(filled) < 3:
        return False
    numbers = []
    for value in filled:
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            numbers.append(int(value))
            continue
        match = _NUMBER_CELL.match(str(value).strip())
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return numbers == sorted(numbers) and numbers[-1] - numbers[0] <= len(values) + 2


def _looks_like_heading_row(values: tuple) -> bool:
    """A second header row holds short labels only (no dates, no long text, no ids)."""
    filled = [v for v in values if _present(v)]
    return bool(filled) and all(isinstance(v, str) and len(v) <= 60 and not v.strip().isdigit() for v in filled)


@dataclass
class Header:
    first_row: int
    last_row: int
    headings: list[str]  # per column, "Parent / Child" for two-row headings
    found: dict[int, Column]
    sheet: str = ""
    skipped_number_row: int = 0

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.found.values()}

    def key_columns(self) -> set[int]:
        return {i for i, c in self.found.items() if c.kind in IDENTITY_KINDS or c.field == "staff_code"}

    def id_columns(self) -> set[int]:
        return {i for i, c in self.found.items() if c.field in ID_FIELDS}

    def name_columns(self) -> set[int]:
        return {i for i, c in self.found.items() if c.field in NAME_FIELDS}

    def recognised(self) -> list[tuple[str, str]]:
        """(heading in the file, ketnap's label) of each column read, in the file's order, for the report."""
        return [(self.headings[i], c.label) for i, c in sorted(self.found.items())]

    def read_as(self) -> list[tuple[str, str, str]]:
        """(folded heading, heading, the field it is read as or "") of every heading: what a mapping can change."""
        return [
            (heading_key(h), h, self.found[i].field if i in self.found else "")
            for i, h in enumerate(self.headings)
            if h
        ]

    def ignored(self) -> list[str]:
        return [
            h
            for i, h in enumerate(self.headings)
            if i not in self.found and h and heading_key(h) not in IGNORED and heading_key(h)
        ]


def _parents(values: tuple, children: tuple, number: int, merged: list[tuple[int, int, int, int]]) -> list:
    """The upper heading over each column: a merged cell's text spreads over its columns; without merge
    information (CSV), a blank over a child continues the heading on its left while children continue."""
    width = max(len(values), len(children))
    parents = [values[i] if i < len(values) and _present(values[i]) else None for i in range(width)]
    for first_row, first_col, last_row, last_col in merged:
        if first_row <= number <= last_row and first_col < len(values) and _present(values[first_col]):
            for col in range(first_col, min(last_col + 1, width)):
                parents[col] = values[first_col]
    if not merged:
        _continue_parents(parents, children)
    return parents


def _continue_parents(parents: list, children: tuple) -> None:
    """Without merge information: a blank upper heading over a child continues the one on its left, while the
    children go on."""
    present = [_present(children[col]) if col < len(children) else False for col in range(len(parents))]
    for col in range(1, len(parents)):
        if parents[col] is None and present[col] and present[col - 1] and parents[col - 1] is not None:
            parents[col] = parents[col - 1]


def _two_row_headings(first: tuple, second: tuple, number: int, merged) -> list[str]:
    parents = _parents(first, second, number, merged)
    width = len(parents)
    result = []
    for col in range(width):
        child = second[col] if col < len(second) and _present(second[col]) else ""
        parent = parents[col] or ""
        # a heading merged down over both rows has no child; the same text in both rows is one heading
        result.append(combined(parent, child))
    return result


def _score(found: dict[int, Column], headings: list[str] | None = None, table=None) -> tuple[int, float]:
    """(has a name column, columns recognised): a column recognised only by the lower half of a two-row heading
    counts half, so a title row above a one-row header never passes for the header's upper row."""
    fields = {c.field for c in found.values()}
    named = bool(KEY_FIELDS & fields)
    count = 0.0
    for index in found:
        heading = headings[index] if headings else ""
        weak = table is not None and " / " in heading and heading_key(heading) not in table
        count += 0.5 if weak else 1.0
    return (int(named), count)


def find_header(
    rows: list[tuple[int, tuple]], columns: list[Column], saved: dict[str, str] | None, merged
) -> Header | None:
    """The header among the first rows: one row, or two rows read together when that recognises more columns."""
    best: Header | None = None
    best_score = (0, 0.0)
    table = {**alias_table(columns), **(saved or {})}
    for position, (number, _values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for candidate in _header_candidates(rows, position, columns, saved, merged):
            score = _score(candidate.found, candidate.headings, table)
            if best is None or score > best_score:
                best, best_score = candidate, score
        if _is_header(best) and best.first_row < number:
            break  # found on an earlier row and this row did not do better
    return best if _is_header(best) else None


def _header_candidates(rows: list[tuple[int, tuple]], position: int, columns, saved, merged) -> list[Header]:
    """The header the row at `position` would be alone, and read together with the row under it."""
    number, values = rows[position]
    headings = [" ".join(str(v).split()) if _present(v) else "" for v in values]
    candidates = [Header(number, number, headings, match_headers(headings, columns, saved))]
    if position + 1 < len(rows) and sum(1 for v in values if _present(v)) >= 2:  # a title is one cell
        next_number, next_values = rows[position + 1]
        if next_number == number + 1 and _looks_like_heading_row(next_values) and not is_number_row(next_values):
            two = _two_row_headings(values, next_values, number, merged)
            candidates.append(Header(number, next_number, two, match_headers(two, columns, saved)))
    return candidates


def _is_header(found: Header | None) -> bool:
    """A name column and at least three columns recognised."""
    return found is not None and bool(_score(found.found)[0]) and len(found.found) >= 3


@dataclass
class RowKinds:
    """What the layout set aside, for the report ("Dòng 129–131: chân trang, bỏ qua")."""

    number_rows: list[int] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    footer: list[int] = field(default_factory=list)
    groups: list[tuple[int, str]] = field(default_factory=list)


class Classifier:
    """Tells each row under the header for what it is: data, a group row (its text), a total, the footer…"""

    def __init__(self, header: Header):
        self.header = header
        self.keys = header.key_columns()
        self.ids = header.id_columns()
        self.names = header.name_columns()
        self.header_texts = [h for h in header.headings]
        self.in_footer = False
        self.kinds = RowKinds()

    def classify(self, number: int, values: tuple) -> tuple[str, str]:
        """("data" | "group" | "skip", group text)."""
        kinds = self.kinds
        if self.in_footer:
            kinds.footer.append(number)
            return "skip", ""
        if is_number_row(values):
            kinds.number_rows.append(number)
            return "skip", ""
        if self._repeats_header(values):
            kinds.repeated_headers.append(number)
            return "skip", ""
        if not self._has_id(values) and self._total_or_footer(number, values):
            return "skip", ""
        if any(i < len(values) and _present(values[i]) for i in self.keys):
            return "data", ""
        group = self._group_text([(i, v) for i, v in enumerate(values) if _present(v)])
        if group:
            kinds.groups.append((number, group))
            return "group", group
        return "data", ""

    def _total_or_footer(self, number: int, values: tuple) -> bool:
        """A totals row, or the first line of the footer (all below it is footer too): set aside."""
        folded = [words(v) for v in values if _present(v)]
        # totals and signatures are told by their words before the columns they spill into: a narrow table
        # puts "T/M BAN GIÁM ĐỐC" under CCCD and the counts of "Cộng" under the Nam/Nữ date columns
        if any(_TOTAL.match(f) for f in folded):
            self.kinds.totals.append(number)
            return True
        if self._is_footer(values, folded):
            self.in_footer = True
            self.kinds.footer.append(number)
            return True
        return False

    def _has_id(self, values: tuple) -> bool:
        """A CCCD, staff code or organisation code that looks like one (a number, or one word with digits or
        dashes): only a person's or an organisation's row has it; "T/M BAN GIÁM ĐỐC" spilled there does not."""
        for i in self.ids:
            value = values[i] if i < len(values) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                return True
            if not _present(value):
                continue
            text = str(value).strip()
            if _ID_LIKE.search("".join(text.split())) or (" " not in text and re.search(r"[\d.\-]", text)):
                return True
        return False

    def _is_footer(self, values: tuple, folded: list[str]) -> bool:
        """A signature or place-and-date line, whose name column holds no person's name."""
        if not any(f.startswith(FOOTER_STARTS) or _DATE_LINE.search(f) for f in folded if f):
            return False
        for i in self.names:
            name = words(values[i]) if i < len(values) and _present(values[i]) else ""
            if name and not (name.startswith(FOOTER_STARTS) or _DATE_LINE.search(name)):
                return False
        return True

    def _repeats_header(self, values: tuple) -> bool:
        """The header printed again at the top of a page (compared as written: a copy is a copy)."""
        same = 0
        for text, value in zip(self.header_texts, values, strict=False):
            if text and isinstance(value, str) and " ".join(value.split()) == text:
                same += 1
        return same >= 3

    @staticmethod
    def _group_text(texts: list[tuple[int, object]]) -> str:
        """A group row: one text (besides an STT numbering) that reads like a department or a section."""
        strings = [str(v).strip() for _i, v in texts if not _NUMBER_CELL.match(str(v).strip())]
        strings = [s for s in strings if not re.fullmatch(r"[IVXLCivxlc]+\.?|[A-Za-z]\.?", s)]
        if len(strings) != 1:
            return ""
        text = strings[0]
        stripped = _NUMBERING.sub("", text, count=1).strip() or text
        letters = [ch for ch in stripped if ch.isalpha()]
        upper = bool(letters) and all(ch.isupper() for ch in letters)
        key = words(stripped) + " "
        if upper or key.startswith(_UNITISH) or stripped != text:
            return " ".join(stripped.split())
        return ""


def ranges(numbers: list[int], limit: int = 12) -> str:
    """ "12, 15, 18–20, …": row numbers as a reader wants them."""
    numbers = sorted(set(numbers))
    parts: list[str] = []
    start = prev = None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}–{prev}" if prev > start else str(start))
            start = prev = n
    if start is not None:
        parts.append(f"{start}–{prev}" if prev > start else str(start))
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + ", …"
    return ", ".join(parts)
