"""Corrections to the `holidays` package's Vietnamese calendar, shipped with ketnap (shared/domain/rules.md §7).

The base calendar is `holidays.country_holidays("VN")` of the pinned holidays 0.109. It already knows Tết, Giỗ Tổ
(lunar calendar), the observed (nghỉ bù) days and some public-sector swaps with their make-up Saturdays
(`weekend_workdays`), e.g. for 2025 Fri 2/5 off and Sat 26/4 worked, and for 2026 Mon 31/8 off and Sat 22/8
worked: those are *not* repeated here (tests/test_rules_workdays.py checks that the package still has them).
This table only carries what the package lacks; the application adds the overrides an administrator keeps in the
database on top of it (`Calendar(extra_overrides=...)` in ketnap.rules.workdays). An override wins over the base.

Ngày Văn hóa Việt Nam (24/11, from 2026): holidays 0.109 lists it as a day off from 2026 (Politburo Resolution
80-NQ/TW of 7/1/2026 chose the date; Government Resolution 30/NQ-CP ordered the Labor Code amendment). Whether
the amendment was in force for 24/11/2026 is unconfirmed (rules.md §7, [U]). ketnap keeps the package's behaviour
(a day off). If the office learns that it was not a day off, an administrator adds an override like
`CULTURE_DAY_2026_CANCEL` below (kind "work") in the application. It is deliberately NOT in OVERRIDES.

Bump VERSION whenever OVERRIDES changes, so a stored deadline can say which calendar computed it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

VERSION = "2026.1"

OverrideKind = Literal["off", "work"]
KINDS: tuple[OverrideKind, ...] = ("off", "work")


@dataclass(frozen=True)
class Override:
    """One day whose status differs from the base calendar: an extra day off, or an extra working day."""

    day: dt.date
    kind: OverrideKind  # "off": no work that day (even a weekday); "work": a working day (even a Saturday)
    reason: str  # Vietnamese, shown to the user as the name of the day (e.g. "Nghỉ hoán đổi dịp Tết Dương lịch")
    source: str  # the announcement it comes from (document number and date, or where it was read)

    def __post_init__(self) -> None:
        if type(self.day) is not dt.date:  # a datetime is a date too, but would not compare with dates
            raise TypeError(f"Override.day must be a datetime.date, not {type(self.day).__name__}")
        if self.kind not in KINDS:
            raise ValueError(f"Override.kind must be one of {KINDS}, not {self.kind!r}")


_NEW_YEAR_2026_SOURCE = (
    "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp Tết Dương "
    "lịch 2026 đối với cán bộ, công chức, viên chức); rules.md §7 [S]"
)

OVERRIDES: tuple[Override, ...] = (
    Override(
        dt.date(2026, 1, 2),
        "off",
        "Nghỉ hoán đổi dịp Tết Dương lịch 2026 (làm bù thứ Bảy 10/01/2026)",
        _NEW_YEAR_2026_SOURCE,
    ),
    Override(
        dt.date(2026, 1, 10),
        "work",
        "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026",
        _NEW_YEAR_2026_SOURCE,
    ),
)

# Not shipped: what an administrator adds (through the application) if 24/11/2026 turns out not to have been a
# legal day off. Kept here so the override is written once, with its reason; see the module docstring.
CULTURE_DAY_2026_CANCEL = Override(
    dt.date(2026, 11, 24),
    "work",
    "Ngày Văn hóa Việt Nam 24/11/2026 vẫn làm việc (quy định nghỉ chưa có hiệu lực)",
    "Nghị quyết 80-NQ/TW ngày 7/1/2026 chọn ngày 24/11; hiệu lực của ngày nghỉ năm 2026 chưa xác nhận "
    "(rules.md §7 [U]); chỉ thêm khi văn phòng cấp ủy xác nhận",
)
