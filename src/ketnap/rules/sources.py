"""The regulations, by effective date, so each step is judged (and cited) by the text in force on its date.

shared/domain/rules.md §0. The Charter (Điều lệ Đảng, 2011) is unchanged; its implementing regulation
(Quy định thi hành Điều lệ) and guidance (Hướng dẫn) change every few years, mostly keeping the wording.

Editions and the day each takes effect (rules.md §0 table, [C] unless noted in `basis`):
- Quy định: 45-QĐ/TW (01/11/2011) → 29-QĐ/TW (25/07/2016) → 24-QĐ/TW (30/07/2021) → 232-QĐ/TW (20/01/2025, in
  force on signing) → 294-QĐ/TW (signed 26/05/2025, in force 01/07/2025).
- Hướng dẫn: 01-HD/TW (05/01/2012) → 01-HD/TW (20/09/2016) → 01-HD/TW (28/09/2021) → 06-HD/TW (09/06/2025).
  The guidance of the Secretariat takes effect on signing: HD 01-HD/TW 2021 is listed "Ngày ban hành 28/09/2021,
  Ngày hiệu lực 28/09/2021" (boxhoidap.com/huong-dan-01-hdtw-nam-2022-ve-thi-hanh-dieu-le-dang/amp [S]). For
  06-HD/TW no text stating its date of effect was found (searched 2026-12; rules.md §0 only gives the signing date
  09/06/2025): ketnap applies it from its signing date, an assumption marked [U] in `Edition.basis`.
- A date before the first edition gets the first edition (QĐ 45 and HD 01 of 2012 implement the 2011 Charter,
  adopted 19/01/2011; nothing older is modelled).

Boundary rule: the edition whose effective_from is ON OR BEFORE the day governs, so the first day of a new text is
judged by the new text (e.g. 30/06/2025 → QĐ 232, 01/07/2025 → QĐ 294).
"""

import datetime as dt
from dataclasses import dataclass

from ketnap.rules.verdict import Confidence, Source

CHARTER = "Điều lệ Đảng (2011)"


@dataclass(frozen=True)
class Edition:
    document: str
    effective_from: dt.date
    basis: str = ""  # why this date (and how sure we are of it)


# Quy định thi hành Điều lệ Đảng (Central Committee)
REGULATIONS = (
    Edition("QĐ 45-QĐ/TW", dt.date(2011, 11, 1), "rules.md §0 [C]"),
    Edition("QĐ 29-QĐ/TW", dt.date(2016, 7, 25), "rules.md §0 [C]"),
    Edition("QĐ 24-QĐ/TW", dt.date(2021, 7, 30), "rules.md §0 [C]"),
    Edition("QĐ 232-QĐ/TW", dt.date(2025, 1, 20), "có hiệu lực từ ngày ký; rules.md §0 [C]"),
    Edition("QĐ 294-QĐ/TW", dt.date(2025, 7, 1), "ký 26/05/2025, có hiệu lực từ 01/07/2025; rules.md §0 [C]"),
)
# Hướng dẫn thi hành Điều lệ Đảng (Secretariat)
GUIDANCE = (
    Edition("HD 01-HD/TW (2012)", dt.date(2012, 1, 5), "rules.md §0 [C]"),
    Edition("HD 01-HD/TW (2016)", dt.date(2016, 9, 20), "rules.md §0 [C]"),
    Edition("HD 01-HD/TW (2021)", dt.date(2021, 9, 28), "hiệu lực từ ngày ký (boxhoidap.com) [S]"),
    Edition(
        "HD 06-HD/TW",
        dt.date(2025, 6, 9),
        "ngày ký 09/06/2025; chưa tìm thấy văn bản nêu ngày có hiệu lực, ketnap giả định có hiệu lực từ ngày ký [U]",
    ),
)


def _in_force(editions: tuple[Edition, ...], day: dt.date) -> Edition:
    current = editions[0]
    for edition in editions:
        if edition.effective_from <= day:
            current = edition
    return current


def regulation_in_force(day: dt.date) -> Edition:
    """The Quy định thi hành Điều lệ Đảng in force on `day`."""
    return _in_force(REGULATIONS, day)


def guidance_in_force(day: dt.date) -> Edition:
    """The Hướng dẫn thi hành Điều lệ Đảng in force on `day` (06-HD/TW from its signing date, [U])."""
    return _in_force(GUIDANCE, day)


def regulation(day: dt.date, clause: str, confidence: Confidence = Confidence.CONFIRMED) -> Source:
    """The Quy định thi hành Điều lệ in force on `day`, at `clause` (same numbering across 24/232/294)."""
    return Source(regulation_in_force(day).document, clause, confidence)


def guidance(day: dt.date, clause: str, confidence: Confidence = Confidence.SECONDARY) -> Source:
    """The Hướng dẫn thi hành Điều lệ in force on `day` (06-HD/TW's clauses are known through secondary sources)."""
    return Source(guidance_in_force(day).document, clause, confidence)


def charter(clause: str, confidence: Confidence = Confidence.CONFIRMED) -> Source:
    return Source(CHARTER, clause, confidence)
