"""rules.admission.judge: the conditions on the person from plain facts, the same for the domain and the demo."""

import datetime as dt

from ketnap.rules import admission, eligibility

D = dt.date


def member(name):
    return eligibility.Introducer(
        official=True,
        official_since=D(2010, 1, 1),
        together_since=D(2015, 1, 1),
        kind="member",
        name=name,
        same_unit=True,
    )


def facts(**changes):
    base = {
        "name": "Trần Thị Bình",
        "born": D(1990, 5, 17),
        "meeting": D(2023, 6, 1),
        "education": eligibility.UPPER_SECONDARY,
        "certificate_issued": D(2023, 4, 1),
        "introducers": [member("An"), member("Cường")],
        "youth_union_member": None,
    }
    return admission.Facts(**{**base, **changes})


def test_an_ordinary_applicant_passes():
    assert admission.judge(facts()).allowed


def test_what_belongs_to_the_decision_waits_for_it():
    # QĐ 294 điểm 1.1.2 and HD 01-HD/TW 2021 điểm 1.1: over 60, the province decides, with its written consent first
    over = facts(born=D(1960, 1, 1), health_and_prestige=True, place_condition="special_requirement")
    at_meeting = admission.judge(over)
    assert at_meeting.allowed and not {f.code for f in at_meeting.findings} & admission.AT_DECISION
    at_decision = admission.judge(facts(**{**over.__dict__, "decision_on": D(2023, 7, 1)}))
    assert {"over_60.wrong_level", "over_60.consent"} <= {f.code for f in at_decision.findings}
    province = facts(**{**over.__dict__, "decision_on": D(2023, 7, 1), "deciding_level": eligibility.PROVINCE})
    assert admission.judge(province).needs_consent  # still needs the province's written consent
    consented = admission.judge(facts(**{**province.__dict__, "consented": True}))
    assert consented.allowed and not consented.needs_consent


def test_readmission_facts_are_required():
    # QĐ 294 điểm 3.5: 36 months since leaving, the cause decides whether ever
    missing = admission.judge(facts(readmission=admission.Readmission(None, "")))
    assert "readmission.facts_missing" in {f.code for f in missing.blocking}
    soon = admission.judge(facts(readmission=admission.Readmission(D(2021, 1, 1), eligibility.REMOVED)))
    assert not soon.allowed
    late = admission.judge(facts(readmission=admission.Readmission(D(2019, 1, 1), eligibility.REMOVED)))
    assert late.allowed
