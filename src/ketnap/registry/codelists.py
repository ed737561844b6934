"""Official code lists (ethnicity, religion, levels …) shipped as data in registry/data/codelists.json.

A new version of the file is loaded by a new data migration calling load(); entries that vanished are
deactivated, never deleted, so old records keep their codes.

Besides what the database keeps (code, name, stat_group), an item of the file may carry "aliases" (the ways
hospitals write it: "BS", "ĐD", "CKI", "12/12" …), "official_codes" (the title codes of the circulars, e.g.
{"hạng III": "V.08.01.03"}) and a "source". The file also has a top-level "grade_suffixes" list: the grades
("hạng III", "chính", "cao cấp" …) a roster writes after a job title. CodeItem has no column for these; they
are read from the file at run time by lookup_table(), resolve() and strip_grade().

Matching text against a list (match_key): ketnap.vietnamese.fold (lower case, no diacritics, đ → d, single
spaces), punctuation . , ; : ( ) / - – _ + turned into spaces, and the i/y spelling variants made one: a word
made of a consonant cluster and a final "y" ("sỹ", "kỹ", "lý", "mỹ", "quy") ends in "i" ("sĩ", "kĩ", "lí" …),
so "Thạc sỹ" = "Thạc sĩ" and "Kĩ thuật viên" = "Kỹ thuật viên". A word that is a vowel ("y" of "y sĩ", "uy",
"ay" …) is left alone.

Pure Python: no Django import, usable before Django is set up.
"""

import functools
import json
import re
from pathlib import Path

from ketnap.vietnamese import fold

DATA_FILE = Path(__file__).parent / "data" / "codelists.json"

_PUNCTUATION = re.compile(r"[.,;:()\[\]/\\\-–—_+]")
# A consonant onset (the Vietnamese ones) followed by the single vowel "y": the i/y spelling variants.
_I_Y_WORD = re.compile(r"^(ngh|ch|gh|kh|ng|nh|ph|th|tr|qu|[bcdghklmnprstvx])y$")


def read() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@functools.cache
def _data() -> dict:
    """The shipped file, read once per process (it only changes with a release)."""
    return read()


def load(code_item_model, data: dict | None = None) -> int:
    """Upsert the lists of `data` (default: the shipped file) into CodeItem; returns the entries seen.

    Only code, name and stat_group reach the database; "aliases", "official_codes", "source" of an item and the
    top-level "grade_suffixes" are ignored here (read from the file at run time)."""
    data = data or read()
    seen = 0
    for kind, block in data["lists"].items():
        codes = []
        for position, item in enumerate(block["items"]):
            code_item_model.objects.update_or_create(
                kind=kind,
                code=item["code"],
                defaults={
                    "name": item["name"],
                    "position": position,
                    "stat_group": item.get("stat_group", ""),
                    "list_version": data["version"],
                    "active": True,
                },
            )
            codes.append(item["code"])
            seen += 1
        code_item_model.objects.filter(kind=kind).exclude(code__in=codes).update(active=False)
    return seen


def match_key(text: str) -> str:
    """The key under which lookup_table() files a text: fold, punctuation → spaces, i/y variants unified.

    "Thạc sỹ" → "thac si", "ThS.BS" → "ths bs", "Điều dưỡng (hạng IV)" → "dieu duong hang iv", "12/12" → "12 12".
    """
    words = _PUNCTUATION.sub(" ", fold(str(text or ""))).split()
    return " ".join(_I_Y_WORD.sub(r"\1i", word) for word in words)


def _items(kind: str) -> list[dict]:
    return _data()["lists"][kind]["items"]


def aliases(kind: str) -> dict[str, list[str]]:
    """code → the aliases the file gives for it (an empty list when none), in the list's order."""
    return {item["code"]: list(item.get("aliases", [])) for item in _items(kind)}


def official_codes(kind: str) -> dict[str, dict[str, str]]:
    """code → {grade: official title code} where the file gives them ("bac_si" → {"hạng III": "V.08.01.03", …})."""
    return {item["code"]: dict(item["official_codes"]) for item in _items(kind) if item.get("official_codes")}


def grade_suffixes() -> list[str]:
    """The grades a roster may write after a job title ("hạng III", "chính", "cao cấp" …)."""
    return list(_data().get("grade_suffixes", []))


def lookup_keys(item: dict) -> list[str]:
    """Every text an item is known by: its code, name, aliases and official codes (raw, not yet folded)."""
    return [item["code"], item["name"], *item.get("aliases", []), *item.get("official_codes", {}).values()]


@functools.cache
def lookup_table(kind: str) -> dict[str, str]:
    """Key → code for a list, from each item's code, name, aliases and official codes.

    Each text is filed under both fold(text) and match_key(text), so a caller may look up either; match_key is
    the one that also absorbs punctuation and sỹ/sĩ-style spellings — use resolve(). A key two items would share
    raises ValueError (the data must stay unambiguous; tests check every list)."""
    table: dict[str, str] = {}
    for item in _items(kind):
        for text in lookup_keys(item):
            for key in {fold(text), match_key(text)}:
                if not key:
                    continue
                if table.setdefault(key, item["code"]) != item["code"]:
                    raise ValueError(f"{kind}: '{text}' ({key}) means both {table[key]} and {item['code']}")
    return table


def _strip_once(words: list[str], folded: list[str], suffixes: list[list[str]]) -> tuple[list[str], list[str]]:
    for suffix in suffixes:  # longest first
        n = len(suffix)
        if len(folded) > n and folded[-n:] == suffix:
            return words[:-n], folded[:-n]
    return words, folded


def strip_grade(text: str) -> str:
    """The job title without a trailing grade: "Bác sĩ hạng III" → "Bác sĩ", "Chuyên viên chính" → "Chuyên viên".

    Grades are the file's grade_suffixes, compared on match_key (so "(Hạng IV)", "hang 4" count); several may
    follow each other ("Bác sĩ chính hạng II"). The text comes back unchanged when it is itself a known
    profession ("Hành chính"; "Dược hạng IV" is an alias of its own), when no grade ends it, or when what would be
    left is no known profession either ("Tài chính" stays "Tài chính", not "Tài") — so an error message quotes
    what the roster says. The words kept are returned as written, punctuation between them dropped.
    """
    text = str(text or "").strip()
    table = lookup_table("profession")
    if not text or match_key(text) in table:
        return text
    words = _PUNCTUATION.sub(" ", text).split()
    folded = [match_key(word) for word in words]
    suffixes = sorted((match_key(s).split() for s in grade_suffixes()), key=len, reverse=True)
    while True:
        words, folded_after = _strip_once(words, folded, suffixes)
        if folded_after is folded:
            return text
        folded = folded_after
        if " ".join(folded) in table:
            return " ".join(words)


def resolve(kind: str, text: str) -> str | None:
    """The code a roster's text means in a list, or None: the whole text first, then (job titles) without grade."""
    table = lookup_table(kind)
    if (code := table.get(match_key(text))) is not None:
        return code
    if kind == "profession":
        return table.get(match_key(strip_grade(text)))
    return None
