"""Reporting periods: a year, a quarter, a congress term, or any from–to range, and the same period a year earlier
(the "cùng kỳ năm trước" column of the statistical forms, Hướng dẫn 11-HD/BTCTW)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ketnap.rules.dates import ddmmyyyy


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 in a year without it
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(_("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu."))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = dt.date(year, 3 * quarter - 2, 1)
        nxt = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return cls(first, nxt - dt.timedelta(days=1))

    def contains(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def same_period_last_year(self) -> "Period":
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    @property
    def label(self) -> str:
        if self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31):
            return _("Năm %(year)s") % {"year": self.start.year}
        return _("Từ %(start)s đến %(end)s") % {"start": ddmmyyyy(self.start), "end": ddmmyyyy(self.end)}
