"""The order of a membership's dates (ketnap.rules.membership_dates; shared/domain/rules.md §1.2, §2.2, §2.3)."""

import datetime as dt

from ketnap.rules.membership_dates import MembershipDates, calendar_months, check_dates
from ketnap.rules.verdict import Confidence, Severity, Source

D = dt.date


def problems(**dates) -> list[tuple[str, str]]:
    dates.setdefault("is_official", False)
    dates.setdefault("decision", D(2015, 2, 3))
    return [(f.code, f.field) for f in check_dates(MembershipDates(**dates)).findings]


def test_dates_in_the_charters_order_hold():
    verdict = check_dates(MembershipDates(True, D(2015, 2, 3), D(2015, 2, 10), D(2016, 2, 10), D(1985, 2, 2)))
    assert verdict.findings == () and verdict.allowed


def test_unknown_dates_contradict_nothing():
    assert problems(decision=None) == []
    assert problems(decision=None, ceremony=D(2015, 2, 10), official=D(2015, 2, 11), born=D(2000, 1, 1)) == []


def test_an_official_member_needs_the_official_date():
    assert problems(is_official=True) == [("membership.official_missing", "official_date")]


def test_the_official_date_comes_after_the_decision_and_the_ceremony():
    assert problems(official=D(2015, 2, 3)) == [("membership.official_not_after_decision", "official_date")]
    assert problems(ceremony=D(2015, 2, 10), official=D(2015, 2, 10)) == [
        ("membership.official_not_after_ceremony", "official_date")
    ]


def test_the_ceremony_follows_the_decision_the_same_day_at_the_earliest():
    assert problems(ceremony=D(2015, 2, 3)) == []
    [finding] = check_dates(MembershipDates(False, D(2022, 2, 3), D(2022, 2, 1))).findings
    assert (finding.code, finding.field, finding.severity) == (
        "membership.ceremony_before_decision",
        "ceremony_date",
        Severity.BLOCK,
    )
    assert finding.message == "Ngày lễ kết nạp không thể trước ngày quyết định kết nạp."
    assert finding.source == Source("QĐ 24-QĐ/TW", "điểm 4.1", Confidence.CONFIRMED)


def test_the_ceremony_rule_is_cited_from_the_text_in_force_at_the_decision():
    [finding] = check_dates(MembershipDates(False, D(2025, 8, 1), D(2025, 7, 30))).findings
    assert finding.source == Source("QĐ 294-QĐ/TW", "điểm 4.1", Confidence.SECONDARY)  # quiz Q13


def test_every_problem_is_listed_in_the_order_an_office_reads_them():
    assert problems(is_official=True, ceremony=D(2015, 1, 1), born=D(2000, 1, 1)) == [
        ("membership.official_missing", "official_date"),
        ("membership.ceremony_before_decision", "ceremony_date"),
        ("membership.too_young", "decision_date"),
    ]


def test_the_age_is_counted_in_calendar_months_the_reading_most_favourable_to_a_record():
    # born 20/05/1997: 216 calendar months on 01/05/2015 although not yet 18 by completed months (rules.md §1.2)
    assert calendar_months(D(1997, 5, 20), D(2015, 5, 1)) == 216
    assert problems(decision=D(2015, 5, 1), born=D(1997, 5, 20)) == []
    assert problems(decision=D(2015, 4, 30), born=D(1997, 5, 20)) == [("membership.too_young", "decision_date")]


def test_a_decision_before_the_birth_is_refused_as_too_young():
    [finding] = check_dates(MembershipDates(False, D(1980, 1, 1), born=D(1985, 2, 2))).findings
    assert finding.field == "decision_date" and "đủ 18 tuổi" in finding.message
    assert finding.source == Source("Điều lệ Đảng (2011)", "Điều 1, khoản 2")
