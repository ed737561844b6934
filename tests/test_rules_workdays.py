"""Working days of the state administrative calendar (ketnap.rules.workdays; shared/domain/rules.md §7 and Addendum).

The dates below are the public-sector calendar for 2025–2026 as rules.md §7 records it, with its sources; the
tests on the bare `holidays` package pin what holidays 0.109 lists, so that a new version that changes a date we
rely on fails here rather than moving a deadline silently.
"""

import datetime as dt

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketnap.rules import calendar_overrides
from ketnap.rules.calendar_overrides import CULTURE_DAY_2026_CANCEL, OVERRIDES, Override
from ketnap.rules.workdays import Calendar, add_working_days, is_working_day, working_days_between

D = dt.date
BARE = Calendar(overrides=())  # the holidays package alone


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


# --- what holidays 0.109 itself lists (rules.md Addendum) ---------------------------------------------------------


def test_the_pinned_holidays_version():
    assert holidays.__version__ == "0.109"


def test_package_2025_swap_is_already_there():
    """Fri 2/5/2025 off, Sat 26/4/2025 worked (tracuuquyhoach.com citing VietnamPlus, rules.md §7 [C]):
    holidays 0.109 has it, so calendar_overrides does not repeat it."""
    base = holidays.country_holidays("VN", years=2025, language="vi")
    assert base[D(2025, 5, 2)] == "Ngày nghỉ (thay cho ngày 26/04/2025)"
    assert D(2025, 4, 26) in base.weekend_workdays
    assert not any(o.day in (D(2025, 5, 2), D(2025, 4, 26)) for o in OVERRIDES)


def test_package_lacks_the_2026_new_year_swap():
    """VPCP letter 12729/VPCP-KGVX of 25/12/2025 (rules.md §7 [S]) is missing from 0.109: hence the override."""
    base = holidays.country_holidays("VN", years=2026)
    assert D(2026, 1, 2) not in base
    assert D(2026, 1, 10) not in base.weekend_workdays
    assert BARE.is_working_day(D(2026, 1, 2))
    assert not BARE.is_working_day(D(2026, 1, 10))


def test_package_days_off_2026():
    """All weekday days off of 2026 in the package plus the shipped override (rules.md §7 and Addendum)."""
    assert Calendar.default().days_off(2026) == (
        D(2026, 1, 1),  # Tết Dương lịch
        D(2026, 1, 2),  # override: VPCP 12729/VPCP-KGVX
        *days(D(2026, 2, 16), D(2026, 2, 20)),  # Tết Nguyên Đán, Mon–Fri
        D(2026, 4, 27),  # Giỗ Tổ 26/4 is a Sunday: nghỉ bù
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),  # the package: swapped with Sat 22/8/2026
        D(2026, 9, 1),  # the package's choice of 1/9 for the second National Day (rules.md §7 [U])
        D(2026, 9, 2),
        D(2026, 11, 24),  # Ngày Văn hóa Việt Nam, listed by the package; legal force [U]
    )
    assert Calendar.default().make_up_days(2026) == (D(2026, 1, 10), D(2026, 8, 22))


# --- worked examples -------------------------------------------------------------------------------------------


def test_tet_2026():
    """Tết 2026: Mon 16/2 – Fri 20/2 off, 9 days with the weekends (vietnammedia.vnanet.vn; congan.com.vn [C])."""
    assert is_working_day(D(2026, 2, 13))
    assert not any(is_working_day(d) for d in days(D(2026, 2, 14), D(2026, 2, 22)))
    assert is_working_day(D(2026, 2, 23))
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert Calendar.default().holiday_name(D(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert Calendar.default().holiday_name(D(2026, 2, 17)) == "Tết Nguyên Đán"


def test_gio_to_2026_on_a_sunday_gives_monday_off():
    """Giỗ Tổ 10/3 âm lịch = Sun 26/4/2026 → nghỉ bù Mon 27/4 (thanhnien.vn, rules.md §7 [C])."""
    cal = Calendar.default()
    assert cal.holiday_name(D(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert not is_working_day(D(2026, 4, 27))
    assert cal.holiday_name(D(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert is_working_day(D(2026, 4, 28))


def test_30_april_and_1_may_2026():
    """Thu 30/4 and Fri 1/5/2026 off (Labor Code 2019 Art. 112; thanhnien.vn)."""
    assert is_working_day(D(2026, 4, 29))
    assert not is_working_day(D(2026, 4, 30))
    assert not is_working_day(D(2026, 5, 1))
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # 24/4 (Fri) → 28, 29 (27/4 nghỉ bù, 30/4, 1/5 off) → 4/5, 5/5
    assert add_working_days(D(2026, 4, 24), 4) == D(2026, 5, 5)


def test_new_year_2026_swap():
    """Fri 2/1/2026 off and Sat 10/1/2026 worked (VPCP letter 12729/VPCP-KGVX of 25/12/2025, rules.md §7 [S])."""
    cal = Calendar.default()
    assert not is_working_day(D(2026, 1, 1))
    assert not is_working_day(D(2026, 1, 2))
    assert cal.holiday_name(D(2026, 1, 2)).startswith("Nghỉ hoán đổi dịp Tết Dương lịch 2026")
    assert is_working_day(D(2026, 1, 10))
    assert cal.holiday_name(D(2026, 1, 10)) is None
    assert not is_working_day(D(2026, 1, 11))  # the Sunday stays a rest day
    assert add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)


def test_2025_swap():
    """Fri 2/5/2025 off, Sat 26/4/2025 worked (tracuuquyhoach.com citing VietnamPlus, rules.md §7 [C])."""
    assert is_working_day(D(2025, 4, 26))
    assert not is_working_day(D(2025, 4, 27))
    assert not any(is_working_day(d) for d in days(D(2025, 4, 30), D(2025, 5, 4)))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_national_day_2026_as_the_package_has_it():
    """Quốc khánh 2026: 2/9 (Wed) plus 1/9; the package also swaps Mon 31/8 with Sat 22/8 (its source:
    thuvienphapluat 2026; rules.md §7 found no official choice, [U])."""
    assert is_working_day(D(2026, 8, 22))
    assert not any(is_working_day(d) for d in days(D(2026, 8, 29), D(2026, 9, 2)))
    assert is_working_day(D(2026, 9, 3))
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)


def test_culture_day_2026_is_kept_off_and_can_be_cancelled():
    """24/11/2026 (Ngày Văn hóa Việt Nam): off as in holidays 0.109; legal force [U] (rules.md §7). The office
    cancels it with the documented override, which is not shipped."""
    assert CULTURE_DAY_2026_CANCEL not in OVERRIDES
    assert not is_working_day(D(2026, 11, 24))
    assert Calendar.default().holiday_name(D(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    cancelled = Calendar(extra_overrides=[CULTURE_DAY_2026_CANCEL])
    assert cancelled.is_working_day(D(2026, 11, 24))
    assert cancelled.holiday_name(D(2026, 11, 24)) is None
    assert cancelled.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
    assert add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)


def test_year_end_span():
    """31/12/2025 (Wed) + 1: 1/1 holiday, 2/1 off (override), 3–4/1 weekend → Mon 5/1/2026."""
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert BARE.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert working_days_between(D(2025, 12, 30), D(2026, 1, 5)) == 2  # 31/12 and 5/1
    # a whole year: 2025 has 365 − 104 weekend days − 12 weekday days off (1/1; Tết 27–31/1; Giỗ Tổ 7/4; 30/4,
    # 1/5, 2/5; 1/9, 2/9) + 1 make-up Saturday (26/4) = 250
    assert Calendar.default().days_off(2025)[6:] == (
        D(2025, 4, 7),
        D(2025, 4, 30),
        D(2025, 5, 1),
        D(2025, 5, 2),
        D(2025, 9, 1),
        D(2025, 9, 2),
    )
    assert working_days_between(D(2024, 12, 31), D(2025, 12, 31)) == 250
    assert add_working_days(D(2024, 12, 31), 250) == D(2025, 12, 31)


def test_make_up_saturday_counts_even_though_weekday_is_5():
    sat = D(2026, 1, 10)
    assert sat.weekday() == 5
    assert is_working_day(sat)
    assert working_days_between(D(2026, 1, 9), D(2026, 1, 12)) == 2  # Sat 10 and Mon 12


def test_edges_and_errors():
    d = D(2026, 3, 2)
    assert add_working_days(d, 0) == d
    assert add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 14)  # n == 0 returns d even on a day off
    with pytest.raises(ValueError):
        add_working_days(d, -1)
    assert working_days_between(d, d) == 0
    assert working_days_between(D(2026, 3, 9), d) == 0
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 3, 2, 8, 0))
    with pytest.raises(ValueError):
        Override(D(2026, 3, 2), "holiday", "x", "y")  # type: ignore[arg-type]


def test_extra_override_from_the_app_shifts_by_one_day():
    """An extra day off the app stores (e.g. a provincial announcement) delays a count by one working day."""
    extra = Override(D(2026, 3, 4), "off", "Nghỉ theo thông báo của tỉnh", "Thông báo số 1/TB (thử nghiệm)")
    cal = Calendar(extra_overrides=[extra])
    assert cal.overrides[: len(OVERRIDES)] == OVERRIDES  # the shipped overrides stay
    assert not cal.is_working_day(D(2026, 3, 4))
    assert cal.holiday_name(D(2026, 3, 4)) == "Nghỉ theo thông báo của tỉnh"
    assert add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    assert cal.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 10)
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 10)) == 5
    # an app override wins over a shipped one for the same day
    assert Calendar(extra_overrides=[Override(D(2026, 1, 2), "work", "Đi làm", "thử")]).is_working_day(D(2026, 1, 2))


def test_default_calendar_is_shared_and_versioned():
    assert Calendar.default() is Calendar.default()
    assert calendar_overrides.VERSION == "2026.1"
    assert all(o.reason and o.source for o in OVERRIDES)


def test_a_thousand_working_days_is_fast():
    import time

    cal = Calendar()
    start = time.perf_counter()
    end = cal.add_working_days(D(2020, 1, 1), 1000)
    assert cal.working_days_between(D(2020, 1, 1), end) == 1000
    for n in range(0, 1000, 7):
        cal.add_working_days(D(2021, 6, 15), n)
    assert time.perf_counter() - start < 1.0


# --- properties ------------------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))
counts = st.integers(min_value=0, max_value=400)
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(dates, counts)
def test_between_inverts_add(d, n):
    assert working_days_between(d, add_working_days(d, n)) == n


@PROPERTY
@given(dates, st.integers(min_value=1, max_value=400))
def test_add_lands_on_a_working_day(d, n):
    assert is_working_day(add_working_days(d, n))


@PROPERTY
@given(dates, counts)
def test_add_is_strictly_increasing(d, n):
    assert add_working_days(d, n) < add_working_days(d, n + 1)


@PROPERTY
@given(st.lists(dates, min_size=3, max_size=3).map(sorted))
def test_between_is_additive(abc):
    a, b, c = abc
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@PROPERTY
@given(st.lists(dates, min_size=2, max_size=2).map(sorted))
def test_between_matches_a_day_by_day_count(ab):
    a, b = ab
    b = min(b, a + dt.timedelta(days=120))
    assert working_days_between(a, b) == sum(is_working_day(d) for d in days(a + dt.timedelta(1), b))
