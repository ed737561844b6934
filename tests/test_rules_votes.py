"""ketnap.rules.votes: the ≥ 2/3 thresholds of shared/domain/rules.md §2.1, in exact integers. No database."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketnap.rules.verdict import Severity
from ketnap.rules.votes import (
    check_chi_bo_vote,
    check_committee_vote,
    check_removal_proposal,
    chi_bo_threshold,
    committee_threshold,
    escalation,
)

DAY = dt.date(2026, 3, 10)  # under QĐ 294-QĐ/TW


def codes(verdict):
    return [(f.code, f.severity) for f in verdict.findings]


# Worked examples (Điều lệ Điều 4 khoản 3: ≥ 2/3 of official members; QĐ 294 §9.3.2 via quiz Q3 for the denominator)


@pytest.mark.parametrize(
    ("official", "absent", "needed"),
    [
        (9, 0, 6),  # 2/3 of 9 is exactly 6
        (10, 0, 7),  # 2/3 of 10 is 6.67 → 7
        (10, 1, 6),  # one exempted member absent → 9 counted → 6
        (3, 0, 2),  # the smallest chi bộ (3 official members)
        (1, 0, 1),
        (12, 3, 6),
    ],
)
def test_chi_bo_threshold_worked_examples(official, absent, needed):
    assert chi_bo_threshold(official, absent) == needed


def test_committee_of_seven_needs_five():
    assert committee_threshold(7) == 5
    assert committee_threshold(9) == 6
    assert committee_threshold(3) == 2


@given(st.integers(min_value=1, max_value=200))
def test_threshold_is_the_least_k_with_3k_at_least_2n(n):
    k = chi_bo_threshold(n)
    assert 3 * k >= 2 * n
    assert 3 * (k - 1) < 2 * n
    assert Fraction(k, n) >= Fraction(2, 3) > Fraction(k - 1, n)
    assert committee_threshold(n) == k


@given(st.integers(min_value=1, max_value=200), st.data())
def test_absent_exempted_members_leave_the_denominator(n, data):
    absent = data.draw(st.integers(min_value=0, max_value=n - 1))
    assert chi_bo_threshold(n, absent) == chi_bo_threshold(n - absent)


def test_chi_bo_vote_passes_at_threshold_and_fails_one_below():
    passed = check_chi_bo_vote(official_members=9, agree=6, on=DAY)
    assert codes(passed) == [("vote.chi_bo_passed", Severity.OK)]
    assert passed.allowed
    assert str(passed.findings[0].source) == "Điều lệ Đảng (2011), Điều 4 khoản 3"

    failed = check_chi_bo_vote(official_members=9, agree=5, on=DAY)
    assert codes(failed) == [("vote.chi_bo_failed", Severity.BLOCK)]
    assert not failed.allowed
    assert "cần 6" in failed.findings[0].message


def test_chi_bo_vote_with_absent_exempted_member_cites_the_denominator_rule():
    verdict = check_chi_bo_vote(official_members=10, absent_transferred_or_exempted=1, agree=6, on=DAY)
    assert codes(verdict) == [("vote.chi_bo_passed", Severity.OK), ("vote.chi_bo_denominator", Severity.OK)]
    assert verdict.findings[1].source.document == "QĐ 294-QĐ/TW"
    assert verdict.findings[1].source.clause == "điểm 9.3.2"
    # Without the absence the same 6 votes fail: the denominator is all official members, not those present.
    assert not check_chi_bo_vote(official_members=10, agree=6, on=DAY).allowed


def test_committee_vote():
    assert codes(check_committee_vote(committee_members=7, agree=5, on=DAY)) == [("vote.committee_passed", Severity.OK)]
    assert codes(check_committee_vote(committee_members=7, agree=4, on=DAY)) == [
        ("vote.committee_failed", Severity.BLOCK)
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"official_members": 9, "agree": 10},  # more "agree" than official members (probationary members don't vote)
        {"official_members": 10, "absent_transferred_or_exempted": 1, "agree": 10},
        {"official_members": 9, "agree": -1},
        {"official_members": -1, "agree": 0},
        {"official_members": 3, "absent_transferred_or_exempted": 4, "agree": 0},
        {"official_members": 2, "absent_transferred_or_exempted": 2, "agree": 0},
    ],
)
def test_chi_bo_vote_rejects_impossible_counts(kwargs):
    with pytest.raises(ValueError):
        check_chi_bo_vote(on=DAY, **kwargs)


def test_invalid_inputs_raise_in_vietnamese():
    with pytest.raises(ValueError, match="lớn hơn số cấp ủy viên"):
        check_committee_vote(committee_members=7, agree=8, on=DAY)
    with pytest.raises(ValueError, match="không được âm"):
        committee_threshold(-3)
    with pytest.raises(ValueError):
        committee_threshold(0)
    with pytest.raises(ValueError, match="không được âm"):
        escalation(-1, DAY)
    with pytest.raises(TypeError):
        chi_bo_threshold(9.0)


def test_three_failed_votes_go_up_a_level():
    # QĐ 24 §4.2.3 [C]: after three votes without 2/3 the committee above and the competent committee decide.
    assert codes(escalation(2, DAY)) == [("vote.retry", Severity.OK)]
    up = escalation(3, DAY)
    assert codes(up) == [("vote.escalate", Severity.CONSENT)]
    assert up.needs_consent == up.findings
    assert codes(escalation(4, DAY)) == [("vote.escalate", Severity.CONSENT)]


def test_escalation_cites_the_regulation_in_force():
    assert escalation(3, dt.date(2022, 5, 1)).findings[0].source.document == "QĐ 24-QĐ/TW"
    assert escalation(3, dt.date(2025, 3, 1)).findings[0].source.document == "QĐ 232-QĐ/TW"
    assert escalation(3, DAY).findings[0].source.document == "QĐ 294-QĐ/TW"


@pytest.mark.parametrize("purpose", ["recognition", "removal"])
def test_three_failed_recognition_or_removal_votes_go_up(purpose):
    # QĐ 24 §4.2.3 [C] (QĐ 29 §4.2): "3 lần biểu quyết nhưng không đủ hai phần ba … công nhận một đảng viên dự bị là
    # đảng viên chính thức hoặc đề nghị xóa tên … thì báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có thẩm quyền".
    assert codes(escalation(2, DAY, purpose=purpose)) == [("vote.retry", Severity.OK)]
    assert codes(escalation(3, DAY, purpose=purpose)) == [("vote.escalate", Severity.CONSENT)]


@pytest.mark.parametrize("failed", [1, 3, 5])
def test_failed_admission_votes_never_go_up(failed):
    # Điều lệ Điều 4 khoản 3: the chi bộ proposes admission only with ≥ 2/3; a failed vote means no proposal. The
    # three-votes rule of QĐ §4.2.3 is written for recognition and removal only.
    verdict = escalation(failed, DAY, purpose="admission")
    assert codes(verdict) == [("vote.not_proposed", Severity.NOTICE)]
    assert not verdict.needs_consent
    assert str(verdict.findings[0].source) == "Điều lệ Đảng (2011), Điều 4 khoản 3"


def test_escalation_purpose_is_validated_and_qd29_cites_its_own_clause():
    with pytest.raises(ValueError):
        escalation(3, DAY, purpose="election")
    source = escalation(3, dt.date(2018, 1, 1)).findings[0].source
    assert (source.document, source.clause) == ("QĐ 29-QĐ/TW", "điểm 4.2")


def test_removal_proposal_needs_two_thirds_and_the_committees_decision():
    # Điều lệ Điều 5 khoản 2 [C]: "biểu quyết như khi xét kết nạp; … đề nghị lên cấp ủy có thẩm quyền quyết định
    # xoá tên".
    passed = check_removal_proposal(official_members=9, agree=6, on=DAY)
    assert codes(passed) == [("vote.chi_bo_passed", Severity.OK), ("removal.committee_decides", Severity.NOTICE)]
    assert passed.findings[1].source.clause == "điểm 4.2.1"
    failed = check_removal_proposal(official_members=9, agree=5, on=DAY)
    assert codes(failed) == [("vote.chi_bo_failed", Severity.BLOCK), ("vote.retry", Severity.OK)]
    third = check_removal_proposal(official_members=9, agree=5, on=DAY, earlier_failed_votes=2)
    assert codes(third) == [("vote.chi_bo_failed", Severity.BLOCK), ("vote.escalate", Severity.CONSENT)]
    assert "xóa tên" in third.findings[1].message
    with pytest.raises(ValueError):
        check_removal_proposal(official_members=9, agree=5, on=DAY, earlier_failed_votes=-1)
