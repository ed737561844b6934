"""ketnap.rules.procedure: helpers of sympathisers, the ceremony after the decision, validity of dossier papers."""

import datetime as dt

import pytest

from ketnap.rules import procedure as pr
from ketnap.rules.verdict import Confidence, Severity

D = dt.date
MEETING = D(2026, 3, 10)


def codes(verdict):
    return [(f.code, f.severity) for f in verdict.findings]


# 10. Helpers: the chi bộ's resolution assigns official members to help each sympathiser (09-HD/BTCTW §I.1.1 [S];
# 12-HD/BTCTW 2022 numbering [U]).


def test_helpers_must_be_official_members_and_cite_the_operational_guide_in_force():
    assert codes(pr.check_sympathiser_helpers([], MEETING)) == [("helpers.none", Severity.BLOCK)]
    refused = pr.check_sympathiser_helpers([("An", True), ("Bình", False)], MEETING)
    assert codes(refused) == [("helpers.not_official", Severity.BLOCK)]
    assert "Bình" in refused.findings[0].message and "An" not in refused.findings[0].message
    ok = pr.check_sympathiser_helpers([("An", True)], MEETING)
    assert codes(ok) == [("helpers.ok", Severity.OK)]
    assert (ok.findings[0].source.document, ok.findings[0].source.confidence) == (
        "HD 12-HD/BTCTW (2022)",
        Confidence.UNCONFIRMED,
    )
    assert pr.helpers_source(D(2022, 1, 17)).document == "HD 09-HD/BTCTW (2017)"
    assert pr.helpers_source(D(2022, 1, 18)).document == "HD 12-HD/BTCTW (2022)"
    assert pr.helpers_source(D(2017, 6, 4)).document == "HD 12-HD/BTCTW (2012)"


# 10. Ceremony after the decision: QĐ §4.1 "kể từ ngày nhận được quyết định kết nạp … chi bộ phải tổ chức lễ kết nạp"
# ([C] for QĐ 24/232, [S] for 294) — not Điều lệ Điều 4.


def test_ceremony_before_the_decision_is_blocked_citing_the_regulation():
    verdict = pr.check_ceremony_after_decision(decision_on=D(2026, 3, 10), ceremony_on=D(2026, 3, 9))
    assert codes(verdict) == [("ceremony.before_decision", Severity.BLOCK)]
    source = verdict.findings[0].source
    assert (source.document, source.clause, source.confidence) == ("QĐ 294-QĐ/TW", "điểm 4.1", Confidence.SECONDARY)
    before_2025 = pr.ceremony_source(D(2023, 1, 1))
    assert (before_2025.document, before_2025.confidence) == ("QĐ 24-QĐ/TW", Confidence.CONFIRMED)


def test_ceremony_after_receiving_the_decision():
    kwargs = {"decision_on": D(2026, 3, 10), "received_on": D(2026, 3, 12)}
    assert codes(pr.check_ceremony_after_decision(ceremony_on=D(2026, 3, 11), **kwargs)) == [
        ("ceremony.before_received", Severity.BLOCK)
    ]
    assert pr.check_ceremony_after_decision(ceremony_on=D(2026, 3, 12), **kwargs).allowed
    assert pr.check_ceremony_after_decision(decision_on=D(2026, 3, 10), ceremony_on=D(2026, 3, 10)).allowed
    with pytest.raises(ValueError):
        pr.check_ceremony_after_decision(
            decision_on=D(2026, 3, 10), ceremony_on=D(2026, 4, 1), received_on=D(2026, 3, 1)
        )


# 9. Validity of the other papers: 06-HD/TW §5.4 — figure [U]; default 12 months from a local guide, configurable.


def test_paper_within_the_default_twelve_months_is_valid():
    verdict = pr.check_paper_validity("application", D(2025, 3, 11), MEETING)
    assert codes(verdict) == [("paper.valid", Severity.OK)]
    assert "10/03/2026" in verdict.findings[0].message
    assert verdict.findings[0].source.confidence == Confidence.UNCONFIRMED
    assert verdict.findings[0].source.document == "HD 06-HD/TW"


def test_paper_past_the_unconfirmed_default_is_only_a_notice():
    verdict = pr.check_paper_validity("biography", D(2025, 3, 10), MEETING)
    assert codes(verdict) == [("paper.expired", Severity.NOTICE)]
    assert "chưa được đối chiếu" in verdict.findings[0].message


def test_configured_validity_is_enforced():
    verdict = pr.check_paper_validity("introduction", D(2025, 9, 10), MEETING, valid_months=6)
    assert codes(verdict) == [("paper.expired", Severity.BLOCK)]
    assert verdict.findings[0].source.confidence == Confidence.SECONDARY
    assert pr.check_paper_validity("introduction", D(2025, 9, 11), MEETING, valid_months=6).allowed


def test_paper_inputs_are_validated():
    assert codes(pr.check_paper_validity("comments", D(2026, 3, 11), MEETING)) == [
        ("paper.after_meeting", Severity.BLOCK)
    ]
    with pytest.raises(ValueError):
        pr.check_paper_validity("passport", D(2025, 1, 1), MEETING)
    with pytest.raises(ValueError):
        pr.check_paper_validity("comments", D(2025, 1, 1), MEETING, valid_months=0)
    assert set(pr.PAPER_VALIDITY_MONTHS_UNCONFIRMED) == set(pr.PAPER_KINDS)
