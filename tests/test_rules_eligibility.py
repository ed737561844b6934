"""ketnap.rules.eligibility: age, education, certificate, introducers, re-admission (shared/domain/rules.md §1, §3).

Pure functions, no database. Each test names the clause (or the quiz question) behind its worked example.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnap.rules import eligibility as el
from ketnap.rules.eligibility import Introducer
from ketnap.rules.verdict import Confidence, Severity

D = dt.date


def codes(verdict):
    return [(f.code, f.severity) for f in verdict.findings]


def member(together_since, *, official=True, official_since=None, same_unit=True, name="Nguyễn Văn An"):
    return Introducer(
        official=official,
        official_since=official_since,
        together_since=together_since,
        kind="member",
        same_unit=same_unit,
        name=name,
    )


# ----------------------------------------------------------------------------------------------------------------
# Months


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert el.add_months(D(2020, 1, 15), 60) == D(2025, 1, 15)
    assert el.add_months(D(2008, 2, 29), 216) == D(2026, 2, 28)
    assert el.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert el.add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert el.add_months(D(2025, 12, 10), 1) == D(2026, 1, 10)


def test_age_in_months_counts_completed_months():
    # rules.md §1.2 [U]: born 20/05/2008 is NOT "đủ 18 tuổi" on 10/05/2026 (calendar months would say 216).
    assert el.age_in_months(D(2008, 5, 20), D(2026, 5, 10)) == 215
    assert el.age_in_months(D(2008, 5, 20), D(2026, 5, 19)) == 215
    assert el.age_in_months(D(2008, 5, 20), D(2026, 5, 20)) == 216
    assert el.age_in_months(D(2008, 2, 29), D(2026, 2, 28)) == 216  # no 29/02 in 2026: its last day completes it
    assert el.age_in_months(D(2008, 2, 29), D(2026, 2, 27)) == 215
    assert el.age_in_months(D(2000, 1, 31), D(2000, 2, 29)) == 1
    assert el.age_in_months(D(2000, 1, 31), D(2000, 1, 31)) == 0
    with pytest.raises(ValueError):
        el.age_in_months(D(2000, 1, 2), D(2000, 1, 1))


@given(
    st.dates(min_value=D(1940, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=40_000),
)
def test_age_in_months_is_the_largest_m_with_add_months_not_after_the_day(born, days):
    on = born + dt.timedelta(days=days)
    months = el.age_in_months(born, on)
    assert el.add_months(born, months) <= on < el.add_months(born, months + 1)


# ----------------------------------------------------------------------------------------------------------------
# Age: QĐ 24/232/294 §1.1.1 "đủ 18 tuổi đến đủ 60 tuổi (tính theo tháng)" at the chi bộ review date


def test_exactly_18_on_the_meeting_day_is_allowed_with_a_notice():
    verdict = el.check_age(D(2008, 5, 20), D(2026, 5, 20))
    assert codes(verdict) == [("age.near_bound", Severity.NOTICE)]
    assert verdict.allowed


def test_one_day_short_of_18_is_blocked_and_flagged():
    verdict = el.check_age(D(2008, 5, 20), D(2026, 5, 19))
    assert codes(verdict) == [("age.under_18", Severity.BLOCK), ("age.near_bound", Severity.NOTICE)]
    assert not verdict.allowed
    assert "20/05/2026" in verdict.findings[0].message  # says when the person turns 18


def test_well_under_18_is_blocked_without_notice():
    assert codes(el.check_age(D(2010, 1, 1), D(2026, 5, 19))) == [("age.under_18", Severity.BLOCK)]


def test_ordinary_age_is_ok_and_cites_the_regulation_in_force():
    born = D(1995, 6, 1)
    now = el.check_age(born, D(2026, 3, 10))
    assert codes(now) == [("age.ok", Severity.OK)]
    assert now.findings[0].source.document == "QĐ 294-QĐ/TW"
    assert now.findings[0].source.clause == "điểm 1.1.1"
    assert now.findings[0].source.confidence == Confidence.SECONDARY  # 294 read through the quiz bank
    before = el.check_age(born, D(2025, 3, 1)).findings[0].source
    assert (before.document, before.confidence) == ("QĐ 232-QĐ/TW", Confidence.CONFIRMED)
    assert el.check_age(born, D(2023, 3, 1)).findings[0].source.document == "QĐ 24-QĐ/TW"


def test_sixty_years_exactly_is_still_within_the_rule():
    assert codes(el.check_age(D(1966, 3, 15), D(2026, 3, 15))) == [("age.near_bound", Severity.NOTICE)]
    # 60 years, 0 completed months plus some days: still "đủ 60 tuổi (tính theo tháng)".
    assert codes(el.check_age(D(1966, 3, 15), D(2026, 4, 14))) == [("age.near_bound", Severity.NOTICE)]


def test_sixty_years_and_one_month_needs_consent():
    # QĐ §1.1.2: over 60 → the province-level committee decides after its standing committee's written consent.
    verdict = el.check_age(D(1966, 3, 15), D(2026, 4, 15))
    assert codes(verdict) == [
        ("age.over_60", Severity.CONSENT),
        ("age.over_60_conditions", Severity.NOTICE),
        ("age.near_bound", Severity.NOTICE),
    ]
    assert verdict.allowed
    assert verdict.needs_consent[0].source.clause == "điểm 1.1.2"
    assert verdict.findings[1].source.document == "HD 06-HD/TW"


def test_well_over_60_needs_consent_without_the_near_bound_notice():
    verdict = el.check_age(D(1960, 1, 1), D(2026, 4, 15))
    assert codes(verdict) == [("age.over_60", Severity.CONSENT), ("age.over_60_conditions", Severity.NOTICE)]


# ----------------------------------------------------------------------------------------------------------------
# Education: QĐ §1.2.1 (THCS or higher, no "tương đương" since QĐ 24); HD 01-HD/TW 2021 §1.2 exceptions

ON = D(2026, 3, 10)


@pytest.mark.parametrize("level", ["lower_secondary", "upper_secondary"])
def test_thcs_or_higher_is_ok(level):
    verdict = el.check_education(level, on=ON)
    assert codes(verdict) == [("education.ok", Severity.OK)]
    assert "tương đương" in verdict.findings[0].message
    assert verdict.findings[0].source.clause == "điểm 1.2.1"


def test_before_qd24_the_equivalent_note_is_not_claimed():
    verdict = el.check_education("lower_secondary", on=D(2020, 5, 1))
    assert "tương đương" not in verdict.findings[0].message
    assert verdict.findings[0].source.document == "QĐ 29-QĐ/TW"


def test_primary_in_a_special_area_is_allowed_with_a_notice_citing_the_guidance():
    verdict = el.check_education("primary", special_area=True, on=ON)
    assert codes(verdict) == [("education.special_area", Severity.NOTICE)]
    assert verdict.findings[0].source.document == "HD 06-HD/TW"


def test_primary_elsewhere_is_blocked():
    assert codes(el.check_education("primary", on=ON)) == [("education.insufficient", Severity.BLOCK)]


def test_literate_prestigious_elder_needs_consent_only_in_a_special_area():
    # HD 01-HD/TW 2016/2021 §1.2 [C]: the literacy exception is for già làng, trưởng bản, người có uy tín "đang sinh
    # sống ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số …" with the province standing committee's
    # written consent; outside those areas there is no exception.
    verdict = el.check_education("none_literate", prestigious_elder=True, special_area=True, on=ON)
    assert codes(verdict) == [("education.elder_consent", Severity.CONSENT)]
    outside = el.check_education("none_literate", prestigious_elder=True, on=ON)
    assert codes(outside) == [("education.elder_outside_area", Severity.BLOCK)]
    assert codes(el.check_education("none_literate", special_area=True, on=ON)) == [
        ("education.insufficient", Severity.BLOCK)
    ]


def test_illiterate_is_blocked_even_for_an_elder():
    assert codes(el.check_education("illiterate", prestigious_elder=True, special_area=True, on=ON)) == [
        ("education.insufficient", Severity.BLOCK)
    ]


def test_unknown_level_raises_and_the_app_codes_map():
    with pytest.raises(ValueError):
        el.check_education("thcs", on=ON)
    assert el.check_education(el.GENERAL_EDUCATION_CODES["thcs"], on=ON).allowed
    assert set(el.GENERAL_EDUCATION_CODES.values()) == set(el.EDUCATION_LEVELS)


# ----------------------------------------------------------------------------------------------------------------
# Certificate CN-NTVĐ: 60 months (06-HD/TW §5.4 via quiz Q7 [S])


def test_quiz_q7_certificate_of_15_01_2020_has_expired_on_03_02_2025():
    verdict = el.check_certificate(D(2020, 1, 15), D(2025, 2, 3))
    assert codes(verdict) == [("certificate.expired", Severity.BLOCK)]
    assert "15/01/2025" in verdict.findings[0].message
    assert "học lại" in verdict.findings[0].message
    assert verdict.findings[0].source.document == "HD 01-HD/TW (2021)"  # 06-HD/TW only from 9/6/2025


def test_certificate_expires_on_the_same_date_60_months_later():
    assert el.certificate_expires_on(D(2020, 1, 15)) == D(2025, 1, 15)
    assert not el.check_certificate(D(2020, 1, 15), D(2025, 1, 15)).allowed
    last_day = el.check_certificate(D(2020, 1, 15), D(2025, 1, 14))
    assert codes(last_day) == [("certificate.expiring", Severity.NOTICE)]
    assert "14/01/2025" in last_day.findings[0].message
    assert el.certificate_expires_on(D(2020, 2, 29)) == D(2025, 2, 28)


def test_certificate_expiring_within_three_months_is_a_notice():
    assert codes(el.check_certificate(D(2021, 9, 1), D(2026, 6, 1))) == [("certificate.expiring", Severity.NOTICE)]
    assert codes(el.check_certificate(D(2021, 9, 1), D(2026, 5, 31))) == [("certificate.ok", Severity.OK)]


def test_certificate_missing_or_issued_after_the_meeting_is_blocked():
    assert codes(el.check_certificate(None, ON)) == [("certificate.missing", Severity.BLOCK)]
    assert codes(el.check_certificate(D(2026, 3, 11), ON)) == [("certificate.after_meeting", Severity.BLOCK)]
    source = el.check_certificate(None, ON).findings[0].source
    assert (source.document, source.clause, source.confidence) == ("HD 06-HD/TW", "điểm 5.4", Confidence.SECONDARY)


# ----------------------------------------------------------------------------------------------------------------
# Introducers: Điều lệ Điều 4 khoản 1; QĐ 24/294 §3.2.1

MEETING = D(2026, 3, 10)


def test_quiz_q2_official_for_six_months_but_two_years_together_qualifies():
    recent = member(D(2024, 3, 1), official_since=D(2025, 9, 10))
    verdict = el.check_introducers(
        [recent, member(D(2020, 1, 1), name="Trần Thị Bình")], MEETING, applicant_youth_age=False
    )
    assert codes(verdict) == [
        ("introducers.route", Severity.OK),
        ("introducer.ok", Severity.OK),
        ("introducer.ok", Severity.OK),
    ]
    assert verdict.findings[1].source.clause == "điểm 3.2.1"


def test_probationary_introducer_is_refused():
    verdict = el.check_introducers(
        [member(D(2020, 1, 1), official=False), member(D(2020, 1, 1))], MEETING, applicant_youth_age=False
    )
    assert ("introducer.probationary", Severity.BLOCK) in codes(verdict)
    assert "dự bị không được giới thiệu" in verdict.blocking[0].message
    assert not verdict.allowed


def test_introducer_official_only_after_the_meeting_is_refused():
    verdict = el.check_introducers(
        [member(D(2020, 1, 1), official_since=D(2026, 4, 1)), member(D(2020, 1, 1))],
        MEETING,
        applicant_youth_age=False,
    )
    assert [f.code for f in verdict.blocking] == ["introducer.probationary"]


def test_twelve_months_together_are_counted_to_the_meeting_date():
    exactly = el.check_introducers([member(D(2025, 3, 10)), member(D(2020, 1, 1))], MEETING, applicant_youth_age=False)
    assert exactly.allowed
    short = el.check_introducers([member(D(2025, 3, 11)), member(D(2020, 1, 1))], MEETING, applicant_youth_age=False)
    assert [f.code for f in short.blocking] == ["introducer.together_short"]
    assert "11 tháng" in short.blocking[0].message


def test_introducer_from_another_unit_or_with_unknown_start_is_refused():
    verdict = el.check_introducers(
        [member(D(2020, 1, 1), same_unit=False), member(None)], MEETING, applicant_youth_age=False
    )
    assert [f.code for f in verdict.blocking] == ["introducer.other_unit", "introducer.together_unknown"]


def test_youth_age_applicant_with_two_plain_members_is_refused_where_the_youth_union_exists():
    verdict = el.check_introducers([member(D(2020, 1, 1)), member(D(2020, 1, 1))], MEETING, applicant_youth_age=True)
    assert [f.code for f in verdict.blocking] == ["introducers.youth_union_required"]
    assert verdict.blocking[0].source.document == "Điều lệ Đảng (2011)"


def test_youth_age_applicant_with_two_members_is_fine_where_there_is_no_youth_union():
    verdict = el.check_introducers(
        [member(D(2020, 1, 1)), member(D(2020, 1, 1))], MEETING, applicant_youth_age=True, youth_union_exists=False
    )
    assert verdict.allowed


def test_youth_union_route():
    verdict = el.check_introducers([Introducer.youth_union(), member(D(2020, 1, 1))], MEETING, applicant_youth_age=True)
    assert codes(verdict) == [("introducers.route", Severity.OK), ("introducer.ok", Severity.OK)]
    assert "BCH Đoàn" in verdict.findings[0].message
    # the Youth Union executive introduces only applicants of youth age, and only where it exists
    assert not el.check_introducers(
        [Introducer.youth_union(), member(D(2020, 1, 1))], MEETING, applicant_youth_age=False
    ).allowed
    assert not el.check_introducers(
        [Introducer.youth_union(), member(D(2020, 1, 1))], MEETING, applicant_youth_age=True, youth_union_exists=False
    ).allowed


def test_trade_union_route():
    pair = [Introducer.trade_union(), member(D(2020, 1, 1))]
    assert el.check_introducers(pair, MEETING, applicant_youth_age=False).allowed
    assert not el.check_introducers(pair, MEETING, applicant_youth_age=False, trade_union_exists=False).allowed
    # youth age where the Youth Union exists: the Youth Union route is required
    assert [f.code for f in el.check_introducers(pair, MEETING, applicant_youth_age=True).blocking] == [
        "introducers.youth_union_required"
    ]


@pytest.mark.parametrize(
    "introducers",
    [
        [],
        [member(D(2020, 1, 1))],
        [member(D(2020, 1, 1)), member(D(2020, 1, 1)), member(D(2020, 1, 1))],
        [Introducer.youth_union(), Introducer.trade_union()],
    ],
)
def test_anything_but_a_valid_pair_is_refused(introducers):
    verdict = el.check_introducers(introducers, MEETING, applicant_youth_age=False, youth_union_exists=False)
    assert "introducers.count" in [f.code for f in verdict.blocking]


def test_introducer_kind_is_validated():
    with pytest.raises(ValueError):
        Introducer(official=True, official_since=None, together_since=None, kind="friend")


# ----------------------------------------------------------------------------------------------------------------
# Re-admission: QĐ 294 Điều 4 §3.5 [S] = QĐ 232 §3.5 [C]

LEFT = D(2023, 1, 1)


def test_readmission_after_35_months_is_refused():
    verdict = el.check_readmission(
        left_on=LEFT, meeting_date=D(2025, 12, 31), cause="expelled", previously_readmitted=False
    )
    assert [f.code for f in verdict.blocking] == ["readmission.too_soon"]
    assert "01/01/2026" in verdict.blocking[0].message
    assert not verdict.needs_consent


def test_readmission_after_36_months_needs_the_standing_committee_consent():
    verdict = el.check_readmission(
        left_on=LEFT, meeting_date=D(2026, 1, 1), cause="expelled", previously_readmitted=False
    )
    assert codes(verdict) == [
        ("readmission.consent", Severity.CONSENT),
        ("readmission.first_time", Severity.OK),
        ("readmission.waiting_period", Severity.OK),
    ]
    assert verdict.allowed
    source = verdict.findings[0].source
    assert (source.document, source.clause, source.confidence) == ("QĐ 294-QĐ/TW", "điểm 3.5.1", Confidence.SECONDARY)


def test_second_readmission_is_refused():
    verdict = el.check_readmission(
        left_on=LEFT, meeting_date=D(2026, 6, 1), cause="removed", previously_readmitted=True
    )
    assert [f.code for f in verdict.blocking] == ["readmission.once_only"]


@pytest.mark.parametrize(
    "cause",
    ["self_abandoned", "asked_to_leave", "disunity", "corruption_conviction", "serious_crime_conviction"],
)
def test_each_barred_cause_is_refused_forever(cause):
    verdict = el.check_readmission(left_on=D(2000, 1, 1), meeting_date=ON, cause=cause, previously_readmitted=False)
    assert [f.code for f in verdict.blocking] == ["readmission.barred"]
    assert verdict.blocking[0].source.clause == "điểm 3.5.2"


def test_asking_to_leave_for_family_hardship_is_not_barred():
    verdict = el.check_readmission(
        left_on=LEFT, meeting_date=D(2026, 1, 1), cause="asked_to_leave_family_hardship", previously_readmitted=False
    )
    assert verdict.allowed
    assert [f.code for f in verdict.needs_consent] == ["readmission.consent"]


def test_minor_conviction_waits_60_months_after_the_record_is_cleared():
    kwargs = {"left_on": D(2015, 1, 1), "cause": "minor_conviction", "previously_readmitted": False}
    cleared = D(2020, 3, 10)
    assert [
        f.code
        for f in el.check_readmission(meeting_date=D(2025, 3, 9), conviction_cleared_on=cleared, **kwargs).blocking
    ] == ["readmission.too_soon"]
    assert el.check_readmission(meeting_date=D(2025, 3, 10), conviction_cleared_on=cleared, **kwargs).allowed
    assert [f.code for f in el.check_readmission(meeting_date=ON, **kwargs).blocking] == [
        "readmission.record_not_cleared"
    ]


def test_readmission_validates_its_inputs():
    with pytest.raises(ValueError):
        el.check_readmission(left_on=LEFT, meeting_date=ON, cause="bored", previously_readmitted=False)
    with pytest.raises(ValueError):
        el.check_readmission(left_on=ON, meeting_date=LEFT, cause="other", previously_readmitted=False)
