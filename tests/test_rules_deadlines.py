"""Deadlines of admission and recognition (ketnap.rules.deadlines; shared/domain/rules.md §2.2–2.3, §4).

Every expected date is counted by hand in a comment (working days: rules.md §7; the day of the event is not
counted). Tết 2026 = Mon 16/2 – Fri 20/2; Giỗ Tổ 2026 → Mon 27/4 off; 30/4 and 1/5/2026 off; 2/1/2026 off and
Sat 10/1/2026 worked (VPCP 12729/VPCP-KGVX).
"""

import datetime as dt

import pytest

from ketnap.rules.calendar_overrides import Override
from ketnap.rules.deadlines import (
    Deadline,
    Urgency,
    ceremony_due,
    decision_due,
    official_date,
    probation_end,
    recognition_review_due,
    urgency,
)
from ketnap.rules.verdict import Confidence, Source
from ketnap.rules.workdays import Calendar

D = dt.date


def test_admission_decision_across_tet_2026():
    """QĐ 294 §4.3.1 (rules.md §2.2 item 11): 60 working days from the chi bộ resolution of Tue 20/1/2026.

    Jan 21–23 (3), 26–30 (8); Feb 2–6 (13), 9–13 (18), 16–20 Tết; 23–27 (23); Mar 2–6 (28), 9–13 (33),
    16–20 (38), 23–27 (43); 30/3–3/4 (48); Apr 6–10 (53), 13–17 (58), Mon 20 (59), Tue 21 (60) → 21/4/2026.
    Extension, 30 more: Apr 22–24 (3), 27 nghỉ bù, 28–29 (5), 30/4–1/5 off; May 4–8 (10), 11–15 (15),
    18–22 (20), 25–29 (25); Jun 1–5 (30) → 5/6/2026.
    """
    deadline = decision_due(D(2026, 1, 20), "admission")
    assert deadline == Deadline(
        due=D(2026, 4, 21),
        rule=deadline.rule,
        source=Source("QĐ 294-QĐ/TW", "điểm 4.3.1", Confidence.UNCONFIRMED),
        working_days=60,
        extended_due=D(2026, 6, 5),
    )
    assert deadline.rule.startswith(
        "Cấp ủy có thẩm quyền quyết định kết nạp trong 60 ngày làm việc kể từ ngày chi bộ có nghị quyết"
    )
    extended = decision_due(D(2026, 1, 20), "admission", extended=True)
    assert (extended.due, extended.working_days, extended.extended_due) == (D(2026, 6, 5), 90, D(2026, 6, 5))
    assert "kéo dài" in extended.rule


def test_recognition_decision_across_tet_2026():
    """30 working days for the recognition decision (16-KNĐ), resolution Mon 2/2/2026:
    Feb 3–6 (4), 9–13 (9), 16–20 Tết, 23–27 (14); Mar 2–6 (19), 9–13 (24), 16–20 (29), Mon 23 (30) → 23/3/2026."""
    deadline = decision_due(D(2026, 2, 2), "recognition")
    assert deadline.due == D(2026, 3, 23)
    assert deadline.working_days == 30
    assert "công nhận đảng viên chính thức" in deadline.rule


def test_decision_source_follows_the_date_of_the_resolution():
    """The regulation in force on the resolution date (rules.md §0): QĐ 24 until 19/1/2025, then 232, then 294."""
    assert decision_due(D(2024, 6, 3), "admission").source == Source("QĐ 24-QĐ/TW", "điểm 4.3.1")
    assert decision_due(D(2025, 3, 3), "admission").source == Source("QĐ 232-QĐ/TW", "điểm 4.3.1")
    assert decision_due(D(2025, 7, 1), "admission").source.document == "QĐ 294-QĐ/TW"


def test_unknown_decision_kind():
    with pytest.raises(ValueError):
        decision_due(D(2026, 1, 20), "removal")  # type: ignore[arg-type]


def test_extra_day_off_from_the_app_shifts_the_deadline_by_one_working_day():
    """An extra day off stored by the app on Tue 10/3/2026 (inside the period) moves 23/3 to 24/3."""
    cal = Calendar(extra_overrides=[Override(D(2026, 3, 10), "off", "Nghỉ theo thông báo", "thử nghiệm")])
    assert decision_due(D(2026, 2, 2), "recognition", cal).due == D(2026, 3, 24)


def test_ceremony_due_and_the_new_year_swap():
    """QĐ §4.1 (rules.md §2.2 item 12): 30 working days after receiving the decision on Mon 5/1/2026:
    Jan 6–9 (4), Sat 10 make-up (5), 12–16 (10), 19–23 (15), 26–30 (20); Feb 2–6 (25), 9–13 (30) → 13/2/2026.
    Without the VPCP swap (the bare package) Sat 10/1 is a rest day, day 30 falls after Tết: 23/2/2026."""
    deadline = ceremony_due(D(2026, 1, 5))
    assert deadline.due == D(2026, 2, 13)
    assert deadline.working_days == 30
    assert deadline.source == Source("QĐ 294-QĐ/TW", "điểm 4.1", Confidence.SECONDARY)
    assert "cấp ủy cấp trên trực tiếp đồng ý" in deadline.rule
    assert ceremony_due(D(2026, 1, 5), Calendar(overrides=())).due == D(2026, 2, 23)


@pytest.mark.parametrize(
    ("ceremony", "end"),
    [
        (D(2025, 3, 15), D(2026, 3, 15)),
        (D(2025, 1, 31), D(2026, 1, 31)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # no 29/02/2025: the 12 months end with February (rules.md §2.2 [U])
        (D(2023, 2, 28), D(2024, 2, 28)),  # not 29/02/2024
        (D(2025, 12, 31), D(2026, 12, 31)),
    ],
)
def test_probation_end(ceremony, end):
    """Điều lệ Điều 5 khoản 1: 12 months from the ceremony; same day number 12 months later."""
    deadline = probation_end(ceremony)
    assert deadline.due == end
    assert deadline.working_days is None
    assert deadline.source == Source("Điều lệ Đảng (2011)", "Điều 5, khoản 1")
    assert official_date(ceremony) == end  # QĐ 24 §4.2.2: the official date is the end of the 12 months


def test_probation_end_on_29_february_says_why():
    assert "ngày cuối tháng" in probation_end(D(2024, 2, 29)).rule
    assert "ngày cuối tháng" not in probation_end(D(2024, 2, 28)).rule


def test_recognition_review_due():
    """QĐ 294 §4.2.1 (rules.md §2.3): the chi bộ reviews within 30 working days after the 12 months end.
    Ceremony 15/3/2025 → end Sun 15/3/2026; Mar 16–20 (5), 23–27 (10), 30/3–3/4 (15), Apr 6–10 (20),
    13–17 (25), 20–24 (30) → 24/4/2026."""
    deadline = recognition_review_due(D(2025, 3, 15))
    assert deadline.due == D(2026, 4, 24)
    assert deadline.working_days == 30
    assert deadline.source == Source("QĐ 294-QĐ/TW", "điểm 4.2.1", Confidence.SECONDARY)
    assert "15/03/2026" in deadline.rule


def test_recognition_review_due_across_the_april_holidays():
    """Ceremony 10/4/2025 → end Fri 10/4/2026; Apr 13–17 (5), 20–24 (10), 27 nghỉ bù, 28–29 (12), 30/4–1/5 off,
    May 4–8 (17), 11–15 (22), 18–22 (27), 25–27 (30) → 27/5/2026."""
    assert recognition_review_due(D(2025, 4, 10)).due == D(2026, 5, 27)


def test_urgency():
    """Due Fri 13/2/2026: overdue from 14/2; "soon" with ≤ 5 working days left (9–13/2 seen from 6/2)."""
    due = D(2026, 2, 13)
    assert urgency(due, D(2026, 2, 14)) == "overdue"
    assert urgency(due, D(2026, 2, 13)) == Urgency.SOON
    assert urgency(due, D(2026, 2, 6)) == "soon"
    assert urgency(due, D(2026, 2, 5)) == "ok"


def test_urgency_counts_working_days_not_calendar_days():
    """Due Tue 24/2/2026 seen from Thu 12/2: 12 calendar days but only 13/2, 23/2, 24/2 are worked (Tết)."""
    assert urgency(D(2026, 2, 24), D(2026, 2, 12)) == "soon"
    assert urgency(D(2026, 2, 24), D(2026, 2, 12), Calendar(overrides=())) == "soon"
