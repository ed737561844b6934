"""Issue #11 "The road, legally whole": re-admission, seniority, over 60, education exceptions, Youth Union path,
replacement introducers (ketnap.rules.eligibility). Each test names the clause behind its worked example."""

import datetime as dt

import pytest

from ketnap.rules import eligibility as el
from ketnap.rules.eligibility import Introducer
from ketnap.rules.verdict import Confidence, Severity

D = dt.date
MEETING = D(2026, 3, 10)  # under QĐ 294-QĐ/TW and HD 06-HD/TW


def codes(verdict):
    return [(f.code, f.severity) for f in verdict.findings]


LONG_AGO = D(2020, 1, 1)


def member(together_since=LONG_AGO, **kwargs):
    kwargs.setdefault("same_unit", True)
    return Introducer(official=True, official_since=None, together_since=together_since, kind="member", **kwargs)


# ----------------------------------------------------------------------------------------------------------------
# 1. Re-admission: QĐ 24 §3.5.1 b [C] = QĐ 232/294 §3.5 — consent of the province standing committee BEFORE the decision


def test_readmission_consent_names_the_province_standing_committee():
    verdict = el.check_readmission(
        left_on=D(2020, 1, 1), meeting_date=MEETING, cause="removed", previously_readmitted=False
    )
    consent = verdict.needs_consent[0]
    assert consent.code == "readmission.consent"
    assert "ban thường vụ tỉnh ủy, thành ủy" in consent.message
    assert consent.source.clause == "điểm 3.5.1"


def test_readmission_consent_recorded_before_the_decision_clears_it_and_after_blocks():
    kwargs = {"left_on": D(2020, 1, 1), "meeting_date": MEETING, "cause": "removed", "previously_readmitted": False}
    ok = el.check_readmission(consent_on=D(2026, 4, 1), decision_on=D(2026, 5, 1), **kwargs)
    assert ("readmission.consent_recorded", Severity.OK) in codes(ok)
    assert not ok.needs_consent and ok.allowed
    late = el.check_readmission(consent_on=D(2026, 5, 2), decision_on=D(2026, 5, 1), **kwargs)
    assert [f.code for f in late.blocking] == ["readmission.consent_after_decision"]


def test_population_policy_and_earlier_readmission():
    # QĐ 24 §3.5.3 "Chỉ kết nạp lại một lần" [C]: an earlier re-admission bars another, even after 36 months.
    again = el.check_readmission(left_on=D(2015, 1, 1), meeting_date=MEETING, cause="other", previously_readmitted=True)
    assert [f.code for f in again.blocking] == ["readmission.once_only"]


# QĐ 24 §4.5.2 / QĐ 29 §4.5 b [C]: seniority of a re-admitted member counts from the FIRST admission decision,
# minus the time outside party activity.


def test_readmitted_seniority_subtracts_the_time_outside_the_party():
    seniority = el.readmitted_seniority(D(2000, 3, 10), D(2010, 3, 10), D(2014, 3, 10), on=D(2024, 3, 10))
    assert seniority.start == D(2000, 3, 10)
    assert seniority.excluded_days == 1461  # 10/03/2010 → 10/03/2014 (2012 is a leap year)
    assert seniority.equivalent_start == D(2004, 3, 10)
    assert seniority.months_on(D(2024, 3, 10)) == 240  # 20 years, not 24
    assert seniority.months_on(D(2024, 3, 9)) == 239
    assert seniority.months_on(D(2003, 1, 1)) == 0
    assert (seniority.source.document, seniority.source.clause) == ("QĐ 24-QĐ/TW", "điểm 4.5.2")


def test_readmitted_seniority_with_a_transfer_gap_and_validation():
    seniority = el.readmitted_seniority(
        D(2000, 3, 10), D(2010, 3, 10), D(2014, 3, 10), other_gaps=[(D(2005, 1, 1), D(2005, 1, 31))]
    )
    assert seniority.excluded_days == 1461 + 30
    assert seniority.source.document == "QĐ 45-QĐ/TW"  # reckoned on the re-admission decision (2014) by default
    assert seniority.source.confidence == Confidence.UNCONFIRMED  # QĐ 45's clause was not read
    assert el.readmitted_seniority(D(2000, 3, 10), D(2010, 3, 10), D(2017, 3, 10)).source.clause == "điểm 4.5 b"
    with pytest.raises(ValueError):
        el.readmitted_seniority(D(2010, 3, 10), D(2000, 3, 10), D(2014, 3, 10))
    with pytest.raises(ValueError):  # overlapping gaps
        el.readmitted_seniority(
            D(2000, 3, 10), D(2010, 3, 10), D(2014, 3, 10), other_gaps=[(D(2009, 1, 1), D(2011, 1, 1))]
        )


# ----------------------------------------------------------------------------------------------------------------
# 2. Youth Union path: Điều lệ Điều 4 khoản 1 [S]; độ tuổi thanh niên 16–30 (Luật Thanh niên 2020 Điều 1 [C])


def test_youth_age_is_16_to_30():
    born = D(2000, 5, 20)
    assert el.youth_age(born, D(2016, 5, 20))
    assert not el.youth_age(born, D(2016, 5, 19))
    assert el.youth_age(born, D(2031, 5, 19))  # still 30
    assert not el.youth_age(born, D(2031, 5, 20))  # 31


def test_a_youth_age_non_member_cannot_pass_with_two_members_where_the_youth_union_exists():
    verdict = el.check_introducers(
        [member(), member()],
        MEETING,
        applicant_born=D(2000, 1, 1),
        youth_union_member=False,
        unit_has_youth_union=True,
    )
    assert [f.code for f in verdict.blocking] == ["introducers.youth_not_member", "introducers.youth_union_required"]
    assert verdict.blocking[0].source.document == "Điều lệ Đảng (2011)"
    assert verdict.blocking[0].source.confidence == Confidence.SECONDARY  # exact Charter wording not read


def test_where_the_unit_has_no_youth_union_a_youth_age_non_member_uses_two_members():
    verdict = el.check_introducers(
        [member(), member()],
        MEETING,
        applicant_born=D(2000, 1, 1),
        youth_union_member=False,
        unit_has_youth_union=False,
    )
    assert verdict.allowed


def test_trade_union_route_depends_on_the_units_trade_union():
    pair = [Introducer.trade_union(), member()]
    older = D(1980, 1, 1)  # not youth age
    assert el.check_introducers(pair, MEETING, applicant_born=older, unit_has_trade_union=True).allowed
    refused = el.check_introducers(pair, MEETING, applicant_born=older, unit_has_trade_union=False)
    assert [f.code for f in refused.blocking] == ["introducers.no_trade_union"]


def test_a_thirty_year_old_is_youth_age_with_a_notice():
    verdict = el.check_introducers(
        [Introducer.youth_union(), member()], MEETING, applicant_born=D(1995, 6, 1), youth_union_member=True
    )
    assert verdict.allowed
    assert ("introducers.youth_age_30", Severity.NOTICE) in codes(verdict)


def test_applicant_age_is_required():
    with pytest.raises(ValueError):
        el.check_introducers([member(), member()], MEETING)


def test_same_base_organisation_is_checked_explicitly():
    # QĐ 24 §3.2.1 [C]: "… ít nhất 12 tháng trong cùng một đơn vị thuộc sự lãnh đạo của đảng bộ, chi bộ cơ sở".
    other = el.check_introducers([member(same_unit=False), member()], MEETING, applicant_youth_age=False)
    assert [f.code for f in other.blocking] == ["introducer.other_unit"]
    unknown = el.check_introducers([member(same_unit=None), member()], MEETING, applicant_youth_age=False)
    assert unknown.allowed
    assert ("introducer.same_unit_unknown", Severity.NOTICE) in codes(unknown)


# ----------------------------------------------------------------------------------------------------------------
# 5. Replacement introducer: QĐ 24 §3.2.2 [C] (lawnet.vn …-1008777)


def test_replacement_introducer_needs_no_twelve_months_but_must_be_official():
    recent = member(D(2026, 1, 1), replacement=True, replacement_reason="moved")
    verdict = el.check_introducers([recent, member()], MEETING, applicant_youth_age=False)
    assert verdict.allowed
    assert ("introducer.replacement", Severity.OK) in codes(verdict)
    assert verdict.findings[1].source.clause == "điểm 3.2.2"
    # without the replacement flag the same member is refused (1 month together)
    plain = el.check_introducers([member(D(2026, 1, 1)), member()], MEETING, applicant_youth_age=False)
    assert [f.code for f in plain.blocking] == ["introducer.together_short"]
    probationary = Introducer(
        official=False,
        official_since=None,
        together_since=None,
        kind="member",
        replacement=True,
        replacement_reason="disciplined",
    )
    refused = el.check_introducers([probationary, member()], MEETING, applicant_youth_age=False)
    assert [f.code for f in refused.blocking] == ["introducer.probationary"]


def test_replacement_introducer_needs_a_reason():
    nameless = member(D(2026, 1, 1), replacement=True)
    verdict = el.check_introducers([nameless, member()], MEETING, applicant_youth_age=False)
    assert [f.code for f in verdict.blocking] == ["introducer.replacement_reason_missing"]
    with pytest.raises(ValueError):
        member(replacement=True, replacement_reason="bored")
    with pytest.raises(ValueError):
        Introducer(official=False, official_since=None, together_since=None, kind="youth_union", replacement=True)


# ----------------------------------------------------------------------------------------------------------------
# 3. Over 60: QĐ §1.1.2 [C for 24/232] — only the committee directly under the Centre decides; HD 01-HD/TW §1.1 [C]


OVER_60 = {"born": D(1960, 1, 1), "meeting_date": MEETING}


def test_over_60_decided_below_the_province_is_blocked():
    verdict = el.check_over_60_admission(
        deciding_level="upper", health_and_prestige=True, place_condition="no_party_member", **OVER_60
    )
    assert [f.code for f in verdict.blocking] == ["over_60.wrong_level"]
    assert verdict.blocking[0].source.clause == "điểm 1.1.2"
    assert [f.code for f in verdict.needs_consent] == ["over_60.consent"]
    assert "ban thường vụ cấp ủy trực thuộc Trung ương" in verdict.needs_consent[0].message


def test_over_60_at_the_province_with_conditions_needs_the_written_consent():
    verdict = el.check_over_60_admission(
        deciding_level="province", health_and_prestige=True, place_condition="special_requirement", **OVER_60
    )
    assert verdict.allowed
    assert [f.code for f in verdict.needs_consent] == ["over_60.consent"]
    assert verdict.needs_consent[0].source.clause == "điểm 1.1"
    consented = el.check_over_60_admission(
        deciding_level="province",
        health_and_prestige=True,
        place_condition="special_requirement",
        consent_on=D(2026, 4, 1),
        decision_on=D(2026, 4, 10),
        **OVER_60,
    )
    assert consented.allowed and not consented.needs_consent


def test_over_60_conditions_must_be_recorded():
    verdict = el.check_over_60_admission(
        deciding_level="province", health_and_prestige=None, place_condition=None, **OVER_60
    )
    assert [f.code for f in verdict.blocking] == ["over_60.health_unknown", "over_60.place_unknown"]
    assert not el.check_over_60_admission(
        deciding_level="province", health_and_prestige=False, place_condition="no_party_member", **OVER_60
    ).allowed


def test_not_over_60_is_not_applicable_and_inputs_are_validated():
    verdict = el.check_over_60_admission(
        born=D(1990, 1, 1), meeting_date=MEETING, deciding_level="base", health_and_prestige=None, place_condition=None
    )
    assert codes(verdict) == [("over_60.not_applicable", Severity.OK)]
    with pytest.raises(ValueError):
        el.check_over_60_admission(deciding_level="district", health_and_prestige=True, place_condition=None, **OVER_60)
    with pytest.raises(ValueError):
        el.check_over_60_admission(deciding_level="province", health_and_prestige=True, place_condition="x", **OVER_60)


# ----------------------------------------------------------------------------------------------------------------
# 4. Education exceptions: HD 01-HD/TW 2016/2021 §1.2 [C]; 06-HD/TW [S]


@pytest.mark.parametrize("area", sorted(el.AREA_KINDS))
def test_primary_school_is_enough_in_each_listed_area(area):
    verdict = el.check_education("primary", area_kind=area, on=MEETING)
    assert codes(verdict) == [("education.special_area", Severity.NOTICE)]
    assert el.AREA_KINDS[area] in verdict.findings[0].message


def test_elder_exception_only_where_the_text_allows_it():
    # "già làng, trưởng bản, người có uy tín, đang sinh sống ở miền núi, biên giới, hải đảo, …" (HD §1.2) → consent
    inside = el.check_education("none_literate", elder_role="village_head", area_kind="border", on=MEETING)
    assert codes(inside) == [("education.elder_consent", Severity.CONSENT)]
    assert "ban thường vụ cấp ủy trực thuộc Trung ương" in inside.findings[0].message
    assert inside.findings[0].source.document == "HD 06-HD/TW"
    outside = el.check_education("none_literate", elder_role="village_elder", on=MEETING)
    assert codes(outside) == [("education.elder_outside_area", Severity.BLOCK)]
    assert el.check_education("primary", elder_role="prestigious_person", on=MEETING).blocking[0].code == (
        "education.elder_outside_area"
    )
    # the 2021 guidance is cited (confirmed) for a 2023 meeting
    source = el.check_education("primary", area_kind="island", on=D(2023, 1, 1)).findings[0].source
    assert (source.document, source.confidence) == ("HD 01-HD/TW (2021)", Confidence.CONFIRMED)


def test_education_inputs_are_validated():
    with pytest.raises(ValueError):
        el.check_education("primary", area_kind="city", on=MEETING)
    with pytest.raises(ValueError):
        el.check_education("primary", elder_role="mayor", on=MEETING)
