"""The regulations, by effective date, so each step is judged (and cited) by the text in force on its date.

shared/domain/rules.md §0. The Charter (Điều lệ Đảng, 2011) is unchanged; its implementing regulation
(Quy định thi hành Điều lệ) and guidance (Hướng dẫn) change every few years, mostly keeping the wording.
"""

import datetime as dt
from dataclasses import dataclass

from ketnap.rules.verdict import Confidence, Source

CHARTER = "Điều lệ Đảng (2011)"


@dataclass(frozen=True)
class Edition:
    document: str
    effective_from: dt.date


# Quy định thi hành Điều lệ Đảng (Central Committee)
REGULATIONS = (
    Edition("QĐ 29-QĐ/TW", dt.date(2016, 7, 25)),
    Edition("QĐ 24-QĐ/TW", dt.date(2021, 7, 30)),
    Edition("QĐ 232-QĐ/TW", dt.date(2025, 1, 20)),
    Edition("QĐ 294-QĐ/TW", dt.date(2025, 7, 1)),
)
# Hướng dẫn thi hành Điều lệ Đảng (Secretariat)
GUIDANCE = (
    Edition("HD 01-HD/TW (2016)", dt.date(2016, 9, 20)),
    Edition("HD 01-HD/TW (2021)", dt.date(2021, 9, 28)),
    Edition("HD 06-HD/TW", dt.date(2025, 6, 9)),
)


def _in_force(editions: tuple[Edition, ...], day: dt.date) -> Edition:
    current = editions[0]
    for edition in editions:
        if edition.effective_from <= day:
            current = edition
    return current


def regulation(day: dt.date, clause: str, confidence: Confidence = Confidence.CONFIRMED) -> Source:
    """The Quy định thi hành Điều lệ in force on `day`, at `clause` (same numbering across 24/232/294)."""
    return Source(_in_force(REGULATIONS, day).document, clause, confidence)


def guidance(day: dt.date, clause: str, confidence: Confidence = Confidence.SECONDARY) -> Source:
    """The Hướng dẫn thi hành Điều lệ in force on `day` (06-HD/TW's clauses are known through secondary sources)."""
    return Source(_in_force(GUIDANCE, day).document, clause, confidence)


def charter(clause: str) -> Source:
    return Source(CHARTER, clause, Confidence.CONFIRMED)
