"""Working days ("ngày làm việc") for the party deadlines, by the state administrative calendar.

The party rules do not define "ngày làm việc" (shared/domain/rules.md §7, [U]); ketnap uses the calendar of
cán bộ, công chức, viên chức: Monday to Friday, minus the public holidays of the Labor Code 2019 Art. 112 and their
compensatory days (nghỉ bù), minus the extra days off the Government announces (hoán đổi), plus the make-up
Saturdays (làm bù). The base is `holidays.country_holidays("VN")` of the pinned holidays 0.109, which knows Tết and
Giỗ Tổ by the lunar calendar, the observed days and the swaps in its static table (with their make-up weekend
days, `weekend_workdays`). On top of it come the shipped overrides (ketnap.rules.calendar_overrides) and the
ones the application stores (`Calendar(extra_overrides=...)`); an override wins over the base, and a later
override wins over an earlier one for the same day.

Counting, by analogy with Civil Code 2015 Art. 147 [U]: a period starts the day after the triggering event, so
`add_working_days(d, n)` is the n-th working day after d, d itself not counted, and `working_days_between(a, b)`
counts the half-open interval (a, b].

Each year is computed once per Calendar (a sorted tuple of its working days), so counting over years is a few
binary searches.
"""

import bisect
import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import holidays

from ketnap.rules.calendar_overrides import OVERRIDES, Override

__all__ = [
    "Calendar",
    "Override",
    "add_working_days",
    "is_working_day",
    "working_days_between",
]

COUNTRY = "VN"
LANGUAGE = "vi"  # names of the days as the package gives them in Vietnamese, e.g. "Giao thừa Tết Nguyên Đán"


def _as_date(d: dt.date) -> dt.date:
    if type(d) is not dt.date:  # a datetime is a date too, but compares with neither dates nor naive/aware peers
        raise TypeError(f"expected a datetime.date, not {type(d).__name__}")
    return d


@dataclass(frozen=True)
class _Year:
    working: tuple[dt.date, ...]  # sorted
    working_set: frozenset[dt.date]
    names: dict[dt.date, str]  # why a day is not worked (holidays' Vietnamese name or the override reason)


class Calendar:
    """The working-day calendar: the `holidays` base for Vietnam plus overrides.

    `Calendar()` and `Calendar.default()` use the overrides shipped in ketnap.rules.calendar_overrides;
    `Calendar(extra_overrides=rows_from_the_database)` adds the application's own (they win over the shipped ones);
    `Calendar(overrides=())` is the bare package calendar.
    """

    def __init__(self, extra_overrides: Iterable[Override] = (), *, overrides: Iterable[Override] | None = None):
        shipped = OVERRIDES if overrides is None else tuple(overrides)
        self.overrides: tuple[Override, ...] = shipped + tuple(extra_overrides)
        for override in self.overrides:
            if not isinstance(override, Override):
                raise TypeError(f"expected an Override, not {type(override).__name__}")
        self._by_day: dict[dt.date, Override] = {o.day: o for o in self.overrides}  # the later one wins
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> "Calendar":
        """The shared calendar with the shipped overrides (built once per process)."""
        return _default_calendar()

    def __repr__(self) -> str:
        return f"Calendar(overrides={len(self.overrides)})"

    # --- per-year tables -------------------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            with self._lock:
                table = self._years.get(year)
                if table is None:
                    table = self._years[year] = self._build(year)
        return table

    def _build(self, year: int) -> _Year:
        base = holidays.country_holidays(COUNTRY, years=year, language=LANGUAGE)
        names = {day: name for day, name in base.items() if day.year == year}
        working: list[dt.date] = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            override = self._by_day.get(day)
            if override is not None:
                works = override.kind == "work"
                if works:
                    names.pop(day, None)
                else:
                    names[day] = override.reason
            else:
                # the package's own rule: a weekend day works only if it is a make-up day, another day if no holiday
                works = base.is_working_day(day)
            if works:
                working.append(day)
            day += dt.timedelta(days=1)
        return _Year(tuple(working), frozenset(working), names)

    # --- queries ---------------------------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        d = _as_date(d)
        return d in self._year(d.year).working_set

    def holiday_name(self, d: dt.date) -> str | None:
        """Why `d` is not a working day, in Vietnamese (None for a working day or a plain weekend day)."""
        d = _as_date(d)
        table = self._year(d.year)
        return None if d in table.working_set else table.names.get(d)

    def days_off(self, year: int) -> tuple[dt.date, ...]:
        """The Monday–Friday days of `year` that are not worked (holidays, nghỉ bù, swaps), sorted."""
        table = self._year(year)
        return tuple(sorted(d for d in table.names if d.isoweekday() <= 5 and d not in table.working_set))

    def make_up_days(self, year: int) -> tuple[dt.date, ...]:
        """The Saturdays and Sundays of `year` that are working days (làm bù), sorted."""
        return tuple(d for d in self._year(year).working if d.isoweekday() >= 6)

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        d = _as_date(d)
        if n < 0:
            raise ValueError(f"n must be >= 0, not {n}")
        if n == 0:
            return d
        year = d.year
        working = self._year(year).working
        index = bisect.bisect_right(working, d)
        while True:
            available = len(working) - index
            if n <= available:
                return working[index + n - 1]
            n -= available
            year += 1
            working = self._year(year).working
            index = 0

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        a, b = _as_date(a), _as_date(b)
        if b <= a:
            return 0
        count = 0
        for year in range(a.year, b.year + 1):
            working = self._year(year).working
            low = bisect.bisect_right(working, a) if year == a.year else 0
            high = bisect.bisect_right(working, b) if year == b.year else len(working)
            count += high - low
        return count


@cache
def _default_calendar() -> Calendar:
    return Calendar()


def _calendar(calendar: Calendar | None) -> Calendar:
    return Calendar.default() if calendar is None else calendar


def is_working_day(d: dt.date, calendar: Calendar | None = None) -> bool:
    """Whether civil servants work on `d` (make-up Saturdays included, holidays and swapped days excluded)."""
    return _calendar(calendar).is_working_day(d)


def add_working_days(d: dt.date, n: int, calendar: Calendar | None = None) -> dt.date:
    """The n-th working day after `d`, `d` itself not counted (n == 0 gives `d`; n < 0 is a ValueError)."""
    return _calendar(calendar).add_working_days(d, n)


def working_days_between(a: dt.date, b: dt.date, calendar: Calendar | None = None) -> int:
    """The number of working days in the half-open interval (a, b]; 0 if b <= a."""
    return _calendar(calendar).working_days_between(a, b)
