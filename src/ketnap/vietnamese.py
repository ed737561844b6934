"""Vietnamese text: diacritic-insensitive search keys, alphabetical sort keys, name splitting.

Pure Python, no Django. Code-point order puts "Đ" after "Z" and "Ă" after "Z" too; the party office sorts
the Vietnamese way: by given name, then family and middle names, letters in the order
a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, tones only breaking ties
(ngang < huyền < hỏi < ngã < sắc < nặng, as Vietnamese dictionaries and CLDR's vi collation do).
ICU would do this, but PyICU needs a compiled ICU; this module is small and fully tested instead.
"""

import re
import unicodedata

# The Vietnamese alphabet, with the Latin letters it lacks (f j w z) at their usual places for foreign names.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {letter: f"{index + 10:02d}" for index, letter in enumerate(ALPHABET)}
_DIGIT_CODE = {str(d): f"{d + 1:02d}" for d in range(10)}  # digits sort before letters
_WORD_BREAK = "00"

# Combining marks: those that make a different letter (part of the primary key) and tone marks (secondary).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}  # huyền hỏi ngã sắc nặng
_LETTER_MARKS = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}


def _letters(word: str) -> list[tuple[str, str]]:
    """(Vietnamese letter, tone digit) for each letter of a word; other characters are dropped."""
    result: list[tuple[str, str]] = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(char):
            if not result:
                continue
            base, tone = result[-1]
            if (base, char) in _LETTER_MARKS:
                result[-1] = (_LETTER_MARKS[(base, char)], tone)
            elif char in _TONES:
                result[-1] = (base, _TONES[char])
        elif char in _LETTER_CODE or char in _DIGIT_CODE:
            result.append((char, "0"))
    return result


def sort_key(*parts: str) -> str:
    """A key whose plain string order is Vietnamese alphabetical order of the parts, in the given order.

    Each part is compared whole (letters, then tones) before the next: all "Dung" before all "Dũng",
    whatever their family names. The key holds only ASCII digits, so it sorts the same under SQLite's
    BINARY and any PostgreSQL collation. For a person use sort_key(given, family, middle).
    """
    key: list[str] = []
    for part in parts:
        primary: list[str] = []
        secondary: list[str] = []
        for word in (part or "").split():
            letters = _letters(word)
            primary.extend(_LETTER_CODE.get(ch) or _DIGIT_CODE[ch] for ch, _ in letters)
            secondary.extend(tone for _, tone in letters)
            primary.append(_WORD_BREAK)
        # Equal primaries mean equal letter counts, so the tone strings compared next have equal lengths.
        key.extend([*primary, _WORD_BREAK, *secondary, _WORD_BREAK])
    return "".join(key)


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), single spaces: "Nguyễn Văn Ân" → "nguyen van an"."""
    stripped = "".join(
        ch
        for ch in unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(ch)
    )
    return " ".join(stripped.lower().split())


_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: what SQLite FTS5's unicode61 calls a token


def words(text: str) -> list[str]:
    """The words of a text as search sees them: folded (see fold), split at anything not a letter or a digit.

    "Nguyễn-Văn Ân" → ["nguyen", "van", "an"]; "BVĐK-T-0001" → ["bvdk", "t", "0001"]."""
    return _WORD.findall(fold(text))


def normalize_name(text: str) -> str:
    """NFC, single spaces, each word capitalised ("nguyễn  thị THU" → "Nguyễn Thị Thu")."""
    words = unicodedata.normalize("NFC", text or "").split()
    return " ".join(word[:1].upper() + word[1:].lower() for word in words)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) from a full name written family-first, the Vietnamese order."""
    words = normalize_name(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
