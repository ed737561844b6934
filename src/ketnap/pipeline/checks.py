"""Gathers what the rules core needs from the records and asks it: one Verdict per proposed step.

The rules themselves live in ketnap.rules (pure, cited); this module only translates records into its inputs.
"""

import datetime as dt

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import (
    ADMISSION_DOCUMENTS,
    RECOGNITION_DOCUMENTS,
    DocumentKind,
    IntroducerKind,
    Stage,
    StepKind,
)
from ketnap.registry.enums import MembershipStatus, OrgKind
from ketnap.registry.services.dates import today
from ketnap.rules import admission, deadlines, eligibility, procedure, votes
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.sources import charter
from ketnap.rules.verdict import Finding, Severity, Source, Verdict
from ketnap.vietnamese import fold

DOSSIER_SOURCE = Source("HD 12-HD/BTCTW (2022)", "Phần II, mục 1 (hồ sơ kết nạp, biểu mẫu 1-KNĐ … 5-KNĐ)")
RECOGNITION_SOURCE = Source("HD 12-HD/BTCTW (2022)", "hồ sơ xét công nhận đảng viên chính thức (10-KNĐ … 12-KNĐ)")


def block(code: str, message: str, source: Source) -> Verdict:
    return Verdict.of(Finding(code, Severity.BLOCK, message, source))


def notice(code: str, message: str, source: Source) -> Verdict:
    return Verdict.of(Finding(code, Severity.NOTICE, message, source))


def first_step(candidate, kind: str):
    return candidate.steps.filter(kind=kind, passed=True).order_by("on", "id").first()


def not_before_last_step(candidate, on: dt.date) -> Verdict:
    last = candidate.steps.order_by("-on").first()
    if last and on < last.on:
        return block(
            "date.before_previous",
            f"Ngày {ddmmyyyy(on)} sớm hơn bước trước ({ddmmyyyy(last.on)}).",
            Source("ketnap", "thứ tự các bước"),
        )
    if on < candidate.started_on:
        return block("date.before_start", f"Ngày {ddmmyyyy(on)} sớm hơn ngày đưa vào nguồn.", Source("ketnap"))
    return Verdict()


def official_member(person, on: dt.date) -> bool:
    membership = person.memberships.filter(status=MembershipStatus.OFFICIAL).first()
    return bool(membership and (membership.official_date or on) <= on)


def documents(candidate, required, on: dt.date, source: Source) -> Verdict:
    received: dict[str, dt.date] = {}
    for kind, day in candidate.documents.values_list("kind", "received_on"):
        received[kind] = min(day, received.get(kind, day))
    missing = []
    for kind in required:
        if kind not in received:
            missing.append(str(DocumentKind(kind).label))
        elif received[kind] > on:  # recorded, but after the day of this step: the dates disagree, say so
            missing.append(
                f"{DocumentKind(kind).label} (đã ghi nhận ngày {ddmmyyyy(received[kind])}, sau ngày {ddmmyyyy(on)} của "
                "bước này: sửa ngày nhận nếu ghi nhầm)"
            )
    if not missing:
        return Verdict.of(Finding("dossier.complete", Severity.OK, "Hồ sơ đã đủ giấy tờ.", source))
    if required == list(RECOGNITION_DOCUMENTS) and missing == [DocumentKind.NEW_MEMBER_COURSE.label]:
        # rules.md §4: listed as required, but whether recognition is blocked without it is [U]
        return notice("dossier.new_member_course", "Chưa có giấy chứng nhận lớp bồi dưỡng đảng viên mới.", source)
    return block("dossier.missing", "Hồ sơ còn thiếu: " + "; ".join(missing) + ".", source)


def helpers_are_official(people, on: dt.date) -> Verdict:
    """The sympathiser's helpers: official members, assigned by the chi bộ's resolution (rules.procedure cites the
    operational guide in force on that day)."""
    return procedure.check_sympathiser_helpers([(p.full_name, official_member(p, on)) for p in people], on)


PROVINCE_WORDS = ("tinh uy", "thanh uy", "dang uy khoi", "truc thuoc trung uong")


def deciding_level(candidate, issuer: str = "") -> str:
    """The level of the committee that decides this admission (rules.eligibility.DECIDING_LEVELS): the decision's
    issuer when it names a province committee, else the committee the organisation tree says is competent."""
    if any(word in fold(issuer) for word in PROVINCE_WORDS):
        return eligibility.PROVINCE
    decider = candidate.organization.deciding_organization()
    if decider is None or decider.kind == OrgKind.PROVINCE:
        return eligibility.PROVINCE
    if decider.kind in OrgKind.base_kinds():
        return eligibility.BASE if not decider.above_base_powers else eligibility.UPPER
    return eligibility.UPPER


def _introducers(candidate, on: dt.date) -> list:
    base = candidate.organization.base_organization()
    found = []
    for intro in candidate.introductions.select_related("introducer"):
        if intro.kind == IntroducerKind.MEMBER and intro.introducer:
            membership = (
                intro.introducer.memberships.filter(status__in=MembershipStatus.active())
                .select_related("organization")
                .first()
            )
            # "cùng công tác, sinh hoạt ở đảng bộ, chi bộ cơ sở" (QĐ 24 điểm 3.2.1): the base organisations match
            cell = membership.organization if membership else None
            found.append(
                eligibility.Introducer(
                    official=bool(membership and official_member(intro.introducer, on)),
                    official_since=membership.official_date if membership else None,
                    together_since=intro.together_since,
                    kind="member",
                    name=intro.introducer.full_name,
                    same_unit=(cell.base_organization() == base) if cell and base else None,
                    replacement=intro.replacement,
                    replacement_reason=intro.replacement_reason or None,
                )
            )
        else:
            found.append(
                eligibility.Introducer(
                    official=False,
                    official_since=None,
                    together_since=None,
                    kind=intro.kind,
                    name=intro.get_kind_display(),
                )
            )
    return found


def admission_facts(candidate, on: dt.date, *, decision: dict | None = None) -> admission.Facts:
    """What the conditions on the person turn on, gathered from the register as of the chi bộ's meeting (and, with
    `decision`, the decision step's data: its date, issuer and recorded consent)."""
    person = candidate.person
    unit = person.work_unit
    youth_union, trade_union, area = unit.union_facts() if unit else (True, True, "")
    return admission.Facts(
        name=person.full_name,
        born=person.birth_date,
        meeting=on,
        education=(
            eligibility.GENERAL_EDUCATION_CODES[person.general_education.code] if person.general_education else None
        ),
        certificate_issued=_certificate_issued(candidate),
        introducers=_introducers(candidate, on),
        youth_union_member=admission.youth_member_then(person.youth_union_member, person.birth_date, today()),
        unit_has_youth_union=youth_union,
        unit_has_trade_union=trade_union,
        area_kind=area or None,
        elder_role=person.elder_role or None,
        readmission=_readmission(candidate),
        health_and_prestige=candidate.health_and_prestige,
        place_condition=candidate.place_condition or None,
        **_decision_facts(candidate, decision),
    )


def _certificate_issued(candidate) -> dt.date | None:
    """The certificate's date: the step that recorded it, else the paper received."""
    cert_step = first_step(candidate, StepKind.CERTIFICATE)
    if cert_step:
        return cert_step.on
    certificate = candidate.documents.filter(kind=DocumentKind.CERTIFICATE).order_by("-received_on").first()
    return certificate.received_on if certificate else None


def _readmission(candidate) -> admission.Readmission | None:
    if not candidate.is_readmission:
        return None
    return admission.Readmission(
        candidate.left_party_on,
        candidate.left_cause,
        candidate.readmitted_before,
        candidate.conviction_cleared_on,
    )


def _decision_facts(candidate, decision: dict | None) -> dict:
    """The decision step's date, the level of its issuer and whether a consent is recorded on it."""
    if not decision:
        return {"deciding_level": deciding_level(candidate, ""), "decision_on": None, "consented": False}
    return {
        "deciding_level": deciding_level(candidate, decision.get("issuer", "")),
        "decision_on": decision["on"],
        "consented": bool((decision.get("consent_document") or "").strip()),
    }


def admission_conditions(candidate, on: dt.date, *, decision: dict | None = None) -> Verdict:
    """Age, education, certificate, introducers, re-admission, over 60: judged on the date of the chi bộ meeting
    (rules.admission.judge); with `decision`, the consents and the deciding level those conditions call for too."""
    return admission.judge(admission_facts(candidate, on, decision=decision))


def vote(transition, data: dict) -> Verdict:
    on = data["on"]
    if transition.vote == "cell":
        return votes.check_chi_bo_vote(
            official_members=data["members_total"],
            absent_transferred_or_exempted=data.get("members_excused") or 0,
            agree=data["votes_for"],
            on=on,
        )
    return votes.check_committee_vote(committee_members=data["members_total"], agree=data["votes_for"], on=on)


def check(candidate, transition, data: dict) -> Verdict:
    """Everything the rules say about recording `transition` for `candidate` with `data` (not yet saved): the
    order of dates, the step's own rules (its `check` in the transition table), and its vote."""
    on: dt.date = data["on"]
    verdict = not_before_last_step(candidate, on) + transition.check(candidate, data)
    if transition.vote and data.get("votes_for") is not None:
        verdict += vote(transition, data)
    elif transition.vote:
        verdict += block("vote.missing", "Cần nhập kết quả biểu quyết.", charter("Điều 4 khoản 3"))
    return verdict


# --- the rules of each step (the transition table names them) -------------------------------------------------
def nothing(candidate, data: dict) -> Verdict:
    return Verdict()


def sympathise(candidate, data: dict) -> Verdict:
    return helpers_are_official(data.get("helpers") or [], data["on"])


PAPERS = {
    DocumentKind.APPLICATION: "application",
    DocumentKind.BIOGRAPHY: "biography",
    DocumentKind.INTRODUCTION: "introduction",
    DocumentKind.YOUTH_UNION: "youth_union_resolution",
    DocumentKind.TRADE_UNION: "trade_union_resolution",
    DocumentKind.OPINIONS: "comments",
}


def papers_still_valid(candidate, on: dt.date) -> Verdict:
    """06-HD/TW điểm 5.4 (the figure unconfirmed: a notice only): each paper, by the day it was received."""
    verdict = Verdict()
    latest: dict[str, dt.date] = {}
    for kind, received in candidate.documents.filter(kind__in=PAPERS, received_on__lte=on).values_list(
        "kind", "received_on"
    ):
        latest[kind] = max(received, latest.get(kind, received))
    for kind, received in latest.items():
        verdict += procedure.check_paper_validity(PAPERS[kind], received, on)
    return verdict


def admission_papers(candidate) -> list[str]:
    """The papers the chi bộ needs before it meets: the dossier, plus the union's resolution when a union introduces.
    The candidate page's checklist shows the same list, so what the step will ask for is seen before."""
    required = list(ADMISSION_DOCUMENTS)
    routes = {i.kind for i in candidate.introductions.all()}  # prefetched by a page of many (pipeline.meeting)
    if IntroducerKind.YOUTH_UNION in routes:  # the Youth Union introduces by resolution (4-KNĐ)
        required.append(DocumentKind.YOUTH_UNION)
    if IntroducerKind.TRADE_UNION in routes:  # the Trade Union by resolution (4A-KNĐ)
        required.append(DocumentKind.TRADE_UNION)
    return required


def papers_for(candidate) -> list[str]:
    """The papers of the candidate's present phase, in order: the admission dossier until the ceremony, then the
    recognition dossier (the candidate page's checklist; the candidate's own page)."""
    if candidate.stage in {Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE, Stage.OFFICIAL}:
        return list(RECOGNITION_DOCUMENTS)
    return [DocumentKind.CERTIFICATE, *admission_papers(candidate)]


def cell_resolution(candidate, data: dict) -> Verdict:
    on = data["on"]
    return (
        documents(candidate, admission_papers(candidate), on, DOSSIER_SOURCE)
        + admission_conditions(candidate, on)
        + papers_still_valid(candidate, on)
    )


def decision(candidate, data: dict) -> Verdict:
    on = data["on"]
    resolution = first_step(candidate, StepKind.CELL_RESOLUTION)
    due = deadlines.decision_due(resolution.on, "admission", calendar=app_calendar())
    # the consents and the deciding level the conditions of the chi bộ's meeting called for (over 60, re-admission,
    # elders): only what is about the decision is kept here, the rest was judged at the meeting
    conditions = admission_conditions(candidate, resolution.on, decision=data)
    verdict = Verdict(tuple(f for f in conditions.findings if ".consent" in f.code or f.code in admission.AT_DECISION))
    if on > due.due:
        verdict += notice(
            "decision.late",
            f"Quyết định muộn so với hạn {ddmmyyyy(due.due)}: cấp ủy phải kiểm điểm trách nhiệm trước cấp ủy cấp trên.",
            due.source,
        )
    if data.get("received_on") and data["received_on"] < on:
        verdict += block(
            "decision.received_before", "Ngày nhận quyết định không thể trước ngày quyết định.", Source("ketnap")
        )
    return verdict


def ceremony(candidate, data: dict) -> Verdict:
    on = data["on"]
    decision_step = first_step(candidate, StepKind.DECISION)
    due = deadlines.ceremony_due(decision_step.received_on or decision_step.on, calendar=app_calendar())
    verdict = Verdict()
    if on > due.due:
        verdict += Verdict.of(
            Finding(
                "ceremony.late",
                Severity.CONSENT,
                f"Quá hạn tổ chức lễ kết nạp ({ddmmyyyy(due.due)}): cần báo cáo và được cấp ủy cấp trên trực tiếp "
                "đồng ý.",
                due.source,
            )
        )
    # the ceremony follows the decision and its receipt by the chi bộ (QĐ điểm 4.1)
    if decision_step.received_on is None or decision_step.received_on >= decision_step.on:
        verdict += procedure.check_ceremony_after_decision(
            decision_on=decision_step.on, ceremony_on=on, received_on=decision_step.received_on
        )
    mentor = data.get("mentor")
    if mentor is None or not official_member(mentor, on):
        verdict += block(
            "mentor.not_official",
            "Cần phân công một đảng viên chính thức giúp đỡ đảng viên dự bị.",
            charter("Điều 5 khoản 1"),
        )
    return verdict


def recognition_cell_resolution(candidate, data: dict) -> Verdict:
    on = data["on"]
    ceremony_step = first_step(candidate, StepKind.CEREMONY)
    end = deadlines.probation_end(ceremony_step.on)
    verdict = Verdict()
    if on < end.due:
        verdict += block(
            "recognition.too_early",
            f"Chưa hết 12 tháng dự bị (đến {ddmmyyyy(end.due)}): nghị quyết chi bộ phải sau ngày hết thời gian dự bị.",
            end.source,
        )
    review = deadlines.recognition_review_due(ceremony_step.on, calendar=app_calendar())
    if on > review.due:
        verdict += notice("recognition.late", f"Quá hạn xét công nhận ({ddmmyyyy(review.due)}).", review.source)
    return verdict + documents(candidate, list(RECOGNITION_DOCUMENTS), on, RECOGNITION_SOURCE)


def recognition_decision(candidate, data: dict) -> Verdict:
    resolution = first_step(candidate, StepKind.RECOGNITION_CELL_RESOLUTION)
    due = deadlines.decision_due(resolution.on, "recognition", calendar=app_calendar())
    if data["on"] > due.due:
        return notice("decision.late", f"Quyết định muộn so với hạn {ddmmyyyy(due.due)}.", due.source)
    return Verdict()


def reason_given(candidate, data: dict) -> Verdict:
    if not (data.get("reason") or "").strip():
        return block("reason.missing", "Cần ghi lý do.", Source("ketnap"))
    return Verdict()
