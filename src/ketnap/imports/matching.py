"""Matching a roster's value to an entry of a catalogue (the hospital's departments, a code list), as hospitals
write them: "K. Nội tổng hợp", "Nội tổng hợp", "P. TCCB", "Khoa HSTC-CĐ", "khoa  ngoại   chấn thương",
"-" for "–"; "Bác sĩ hạng III", "Bác sĩ chính", "Kĩ thuật viên", "Thạc sỹ".

Each entry is known by several keys: its name folded (no diacritics or case, punctuation and dashes as spaces,
"y" after a consonant read as "i" so "kỹ"/"kĩ" and "sỹ"/"sĩ" meet), the name without its "Khoa"/"Phòng"/…
prefix, the initials of that ("tccb", "hstccd"), its code, and for code lists the aliases and grade suffixes of
registry/data/codelists.json. A value matches when exactly one entry has its key; a key shared by several entries
matches none of them (the user chooses). What does not match is not an error of the row: it is gathered once
per distinct value with its rows and a best guess, and mapped by the user once (saved per organisation).
Pure Python.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ketnap.vietnamese import fold

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_Y_AS_I = re.compile(r"(?<=[bcdghklmnpqrstvx])y\b")
_REMARK = re.compile(r"\([^)]*\)")
# words that only say what kind of department it is; "K." and "P." are how rosters shorten them
UNIT_PREFIXES = (
    "chi bo",
    "dang bo",
    "khoa",
    "k",
    "kh",
    "phong",
    "p",
    "ph",
    "trung tam",
    "tt",
    "ban",
    "to",
    "bo phan",
    "don vi",
    "khoi",
)


def key(text) -> str:
    """The comparable form of a catalogue name or a roster value."""
    folded = _NOT_WORD.sub(" ", fold(_REMARK.sub(" ", str(text or ""))))
    return _Y_AS_I.sub("i", " ".join(folded.split()))


def without_prefix(words: str) -> str:
    """One kind-word off the front: "chi bo khoi noi" → "khoi noi" (see prefixes() for all of them)."""
    for prefix in sorted(UNIT_PREFIXES, key=len, reverse=True):
        if words.startswith(prefix + " ") and len(words) > len(prefix) + 1:
            return words[len(prefix) + 1 :]
    return words


def prefixes(words: str) -> list[str]:
    """The name with none, one, two … kind-words off: "chi bo khoi noi", "khoi noi", "noi"."""
    found = [words]
    while (shorter := without_prefix(found[-1])) != found[-1]:
        found.append(shorter)
    return found


def initials(words: str) -> str:
    parts = words.split()
    return "".join(p[0] for p in parts) if len(parts) >= 2 else ""


@dataclass
class Entry:
    value: object  # what the field stores (a pk)
    label: str  # what the user reads
    code: str  # what a saved mapping and the command line name it by


@dataclass
class Catalogue:
    """The entries one column's values are matched against."""

    title: str  # "các khoa/phòng thuộc Đảng bộ Bệnh viện A", "danh mục Trình độ chuyên môn"
    entries: list[Entry]
    aliases: dict[str, list[str]] = field(default_factory=dict)  # entry code → other ways to write it
    # professional titles: "Bác sĩ hạng III" is a Bác sĩ (registry.codelists.strip_grade; roster values only)
    strip_grade: Callable[[str], str] | None = None
    units: bool = False  # departments: prefixes and initials

    def __post_init__(self):
        self.keys: dict[str, set[int]] = {}
        self.by_code = {fold(e.code): i for i, e in enumerate(self.entries)}
        for index, entry in enumerate(self.entries):
            for text in (entry.label, *self.aliases.get(entry.code, ())):
                for k in self._entry_keys(text):
                    self.keys.setdefault(k, set()).add(index)
        self.cache: dict[str, int | None] = {}

    def _entry_keys(self, text: str) -> set[str]:
        words = key(text)
        found = {words}
        if self.units:
            for bare in prefixes(words)[1:] or [words]:
                found |= {bare, bare.replace(" ", "")}
                if initials(bare):
                    found.add(initials(bare))
        return {k for k in found if k}

    def _value_keys(self, raw: str) -> list[str]:
        words = key(raw)
        found = [words]
        if self.strip_grade:
            found.append(key(self.strip_grade(raw)))
        if self.units:
            for bare in prefixes(words)[1:]:
                found += [bare, bare.replace(" ", "")]
        return found

    def find(self, raw) -> int | None:
        """The index of the one entry this value means, or None (no entry, or several)."""
        text = str(raw).strip()
        if text not in self.cache:
            hits = self.matches(text)
            self.cache[text] = hits[0] if len(hits) == 1 else None
        return self.cache[text]

    def matches(self, raw) -> list[int]:
        """The entries this value may mean: its code's, else those of its most precise key that has any (several:
        the user decides, nothing is guessed)."""
        text = str(raw).strip()
        code = fold(text)
        if code in self.by_code:
            return [self.by_code[code]]
        for k in self._value_keys(text):
            if hits := self.keys.get(k):
                return sorted(hits)
        return []

    def guess(self, raw) -> int | None:
        """The closest entry, to pre-select for the user (never applied without them)."""
        values = self._value_keys(str(raw))
        best, best_ratio = None, 0.0
        for k, indexes in self.keys.items():
            for v in values:
                ratio = difflib.SequenceMatcher(None, v, k).ratio()
                if ratio > best_ratio:
                    best, best_ratio = indexes, ratio
        if best and best_ratio >= 0.6:
            return min(best)
        return None

    def by_reference(self, text: str) -> int | None:
        """An entry named by the user (a saved mapping, --map-value): by code, else by name."""
        found = self.by_code.get(fold(text))
        if found is not None:
            return found
        names = [i for i, e in enumerate(self.entries) if key(e.label) == key(text)]
        if len(names) == 1:
            return names[0]
        return self.find(text)
