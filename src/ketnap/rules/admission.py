"""The conditions on the person at the chi bộ's admission meeting, judged together from plain facts.

One function for everyone who asks: pipeline.checks gathers the facts from the register (the one entry point,
domain.transition()), the demo from the people it is generating; both get the same findings from the same rules,
so the demo cannot drift from what the domain would say. Pure Python: facts in, a Verdict out.
"""

import datetime as dt
from dataclasses import dataclass, field

from ketnap.rules import eligibility
from ketnap.rules.sources import regulation
from ketnap.rules.verdict import Finding, Severity, Verdict

# The written consents of the province standing committee come BEFORE the competent committee decides (QĐ 294
# điểm 3.5 re-admission; HD 01-HD/TW 2021 điểm 1.1 over 60, điểm 1.2 elders): judged at the decision, not at the
# chi bộ's meeting, whose resolution comes first; so is who may decide someone over 60.
AT_DECISION = {
    "readmission.consent",
    "over_60.consent",
    "age.over_60",
    "education.elder_consent",
    "over_60.wrong_level",
}


def youth_member_then(member_now: bool, born: dt.date, today: dt.date) -> bool | None:
    """Whether the person was a đoàn viên at a past meeting, from what the register keeps (today's membership):
    a member now was one; someone past youth age and not a member now may have been one then (None: not known,
    not judged); someone still of youth age who is not a member was not."""
    if member_now:
        return True
    return None if eligibility.age_in_months(born, today) >= (eligibility.YOUTH_MAX_YEARS + 1) * 12 else False


@dataclass(frozen=True)
class Readmission:
    left_on: dt.date | None
    cause: str
    previously_readmitted: bool = False
    conviction_cleared_on: dt.date | None = None


@dataclass(frozen=True)
class Facts:
    """What the conditions of Điều lệ Điều 1, 4 and QĐ 294 điểm 1–3 turn on, as of the meeting."""

    name: str
    born: dt.date
    meeting: dt.date
    education: str | None  # eligibility.EDUCATION_LEVELS, None: not recorded
    certificate_issued: dt.date | None
    introducers: list = field(default_factory=list)  # eligibility.Introducer
    youth_union_member: bool | None = None  # at the meeting; None: not known
    unit_has_youth_union: bool = True
    unit_has_trade_union: bool = True
    area_kind: str | None = None
    elder_role: str | None = None
    readmission: Readmission | None = None
    # over 60: the level of the committee that decides, and the facts the province committee decides on
    deciding_level: str = eligibility.UPPER
    health_and_prestige: bool | None = None
    place_condition: str | None = None
    # at the decision: its date and whether the province's written consent was recorded on it
    decision_on: dt.date | None = None
    consented: bool = False


def judge(facts: Facts) -> Verdict:
    """Every condition on the person; without a decision date, what belongs to the decision is left for it."""
    on = facts.meeting
    verdict = eligibility.check_age(facts.born, on)
    if facts.education is None:
        verdict += Verdict.of(
            Finding(
                "education.unknown",
                Severity.BLOCK,
                f"Chưa ghi trình độ giáo dục phổ thông của {facts.name}.",
                regulation(on, "điểm 1.2.1"),
            )
        )
    else:
        verdict += eligibility.check_education(
            facts.education, on=on, area_kind=facts.area_kind, elder_role=facts.elder_role
        )
    verdict += eligibility.check_certificate(facts.certificate_issued, on)
    verdict += eligibility.check_introducers(
        facts.introducers,
        on,
        applicant_born=facts.born,
        youth_union_member=facts.youth_union_member,
        unit_has_youth_union=facts.unit_has_youth_union,
        unit_has_trade_union=facts.unit_has_trade_union,
    )
    consent_on = facts.decision_on if facts.consented else None
    if eligibility.age_in_months(facts.born, on) > eligibility.MAX_AGE_MONTHS:
        # check_over_60_admission says all check_age says of someone over 60, with the facts and the level
        verdict = Verdict(tuple(f for f in verdict.findings if not f.code.startswith("age.over_60")))
        verdict += eligibility.check_over_60_admission(
            born=facts.born,
            meeting_date=on,
            deciding_level=facts.deciding_level,
            health_and_prestige=facts.health_and_prestige,
            place_condition=facts.place_condition,
            consent_on=consent_on,
            decision_on=facts.decision_on,
        )
    if facts.readmission is not None:
        verdict += _readmission(facts.readmission, on, consent_on, facts.decision_on)
    if facts.decision_on is None:
        return Verdict(tuple(f for f in verdict.findings if f.code not in AT_DECISION))
    return verdict


def _readmission(facts: Readmission, on: dt.date, consent_on, decision_on) -> Verdict:
    source = regulation(on, "điểm 3.5")
    if facts.left_on is None or not facts.cause:
        return Verdict.of(
            Finding(
                "readmission.facts_missing",
                Severity.BLOCK,
                "Kết nạp lại: cần ghi ngày ra khỏi Đảng và lý do (để kiểm tra 36 tháng và các trường hợp không được "
                "kết nạp lại).",
                source,
            )
        )
    if on < facts.left_on:
        return Verdict.of(
            Finding("readmission.left_after", Severity.BLOCK, "Ngày chi bộ xét trước ngày ra khỏi Đảng.", source)
        )
    return eligibility.check_readmission(
        left_on=facts.left_on,
        meeting_date=on,
        cause=facts.cause,
        previously_readmitted=facts.previously_readmitted,
        conviction_cleared_on=facts.conviction_cleared_on,
        consent_on=consent_on,
        decision_on=decision_on,
    )
