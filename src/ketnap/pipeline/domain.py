"""The one entry point for every change of a candidate's stage (web, batch actions, CLI and imports call it).

transition() locks the candidate, checks permission and stage, asks the rules (ketnap.pipeline.checks), refuses
what they block or what needs a consent nobody recorded, then writes the step, moves the stage, applies the
consequences to the register (membership created at the ceremony, recognised, removed) — all in one transaction,
with the audit trail written by the audit signals.

Back entry (ketnap import candidates): a step that happened before the office used ketnap is recorded through the
same checks, as of its own date. What the rules now find wrong with it (a 2023 vote short of two thirds, a ceremony
held late without a recorded consent) cannot be undone; the caller passes back_entry=True and a reason in
data["accepted_reason"], and the step is recorded as it happened, the findings it was accepted despite and the
reason kept on the step (findings, note) and in the audit trail (the note of its entries). Without back_entry the
reason is ignored: no form or API can bypass a rule by sending it.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user, current_actor
from ketnap.pipeline import checks, due
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, DossierItem, Introduction, Step
from ketnap.pipeline.transitions import ENDINGS, NotOnTheRoad, plan
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.services.dates import not_in_future
from ketnap.rules import votes
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.verdict import Severity, Verdict

# A resolution that was voted but did not reach 2/3: recorded (it happened), the stage stays.
VOTE_FAILED = {"vote.chi_bo_failed", "vote.committee_failed"}


class TransitionRefused(ValidationError):
    """The rules block the step (or it needs a consent that was not recorded); carries the verdict."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        problems = verdict.blocking or verdict.needs_consent
        super().__init__([f"{f.message} ({f.source})" for f in problems])


def _findings_json(verdict: Verdict) -> list[dict]:
    return [
        {"code": f.code, "severity": str(f.severity), "message": f.message, "source": str(f.source)}
        for f in verdict.findings
        if f.severity != Severity.OK
    ]


def _guard(candidate: Candidate, actor) -> None:
    authorize(actor, Permission.EDIT_PEOPLE, candidate.organization)


FACTS = (
    "is_readmission",
    "left_party_on",
    "left_cause",
    "readmitted_before",
    "conviction_cleared_on",
    "first_decision_on",
    "health_and_prestige",
    "place_condition",
)


@db_transaction.atomic
def record_facts(candidate: Candidate, *, actor, **facts) -> Candidate:
    """The facts the special cases turn on (re-admission, over 60), audited like every write."""
    _guard(candidate, actor)
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise ValueError(f"unknown facts: {sorted(unknown)}")
    for name, value in facts.items():
        setattr(candidate, name, value)
    with acting(actor):
        candidate.save(update_fields=list(facts))
    return candidate


@db_transaction.atomic
def create_candidate(person, *, actor, on: dt.date, is_readmission: bool = False, **facts) -> Candidate:
    """Put a non-member on the chi bộ's list of outstanding non-members (quần chúng ưu tú)."""
    not_in_future(on)
    if person.memberships.filter(status__in=MembershipStatus.active()).exists():
        raise ValidationError(f"{person.full_name} đã là đảng viên.")
    if person.candidacies.exclude(stage__in=Stage.terminal()).exists():
        raise ValidationError(f"{person.full_name} đang được theo dõi phát triển đảng viên.")
    if person.organization is None or not person.organization.is_cell:
        raise ValidationError(f"Khoa/phòng của {person.full_name} chưa có chi bộ phụ trách.")
    candidate = Candidate(
        person=person,
        organization=person.organization,
        stage=Stage.SOURCE,
        stage_since=on,
        started_on=on,
        is_readmission=is_readmission,
        **{name: value for name, value in facts.items() if name in FACTS},
    )
    _guard(candidate, actor)
    with acting(actor):
        candidate.save()
    due.store(Candidate.objects.filter(pk=candidate.pk))
    return candidate


@db_transaction.atomic
def adopt_probationary(membership, *, actor) -> Candidate:
    """A probationary member entered through the register (admitted before ketnap) joins the road at probation,
    so the recognition review is due and tracked like everyone else's (no probation passes unnoticed)."""
    if membership.status != MembershipStatus.PROBATIONARY or not membership.ceremony_date:
        raise ValidationError("Cần đảng viên dự bị có ngày lễ kết nạp.")
    decided_on = membership.decision_date or membership.ceremony_date
    candidate = Candidate(
        person=membership.person,
        organization=membership.organization,
        stage=Stage.PROBATION,
        stage_since=membership.ceremony_date,
        started_on=decided_on,
        membership=membership,
        is_readmission=membership.is_readmission,
    )
    _guard(candidate, actor)
    note = "Ghi nhận từ sổ đảng viên"
    with acting(actor):
        candidate.save()
        Step.objects.create(
            candidate=candidate,
            kind=StepKind.DECISION,
            on=decided_on,
            note=note,
            document_number=membership.decision_number,
            stage_before=Stage.COMMITTEE_RESOLVED,
            stage_after=Stage.DECIDED,
            recorded_by=as_user(actor),
        )
        Step.objects.create(
            candidate=candidate,
            kind=StepKind.CEREMONY,
            on=membership.ceremony_date,
            note=note,
            stage_before=Stage.DECIDED,
            stage_after=Stage.PROBATION,
            recorded_by=as_user(actor),
        )
    due.store(Candidate.objects.filter(pk=candidate.pk))
    candidate.refresh_from_db(fields=["due_on", "due_soon_on"])
    return candidate


def preview(candidate: Candidate, name: str, data: dict, *, by_the_register: bool = False) -> Verdict:
    """What the rules say, without writing anything (forms show it before the user confirms). A step the table
    does not offer from the candidate's stage, for its organisation's shape, is refused: the one entry point
    never skips a level (a base committee's 8-KNĐ, a sub-committee's appraisal)."""
    return _judge(candidate, name, data, by_the_register=by_the_register)[1]


def _judge(candidate: Candidate, name: str, data: dict, *, by_the_register: bool = False):
    """(the plan, what the rules say): a step the table does not offer here is a ValidationError."""
    try:
        planned = plan(candidate, name, by_the_register=by_the_register)
    except NotOnTheRoad as exc:
        raise ValidationError(str(exc)) from exc
    return planned, checks.check(candidate, planned.transition, data)


def transition(
    candidate: Candidate, name: str, *, actor, data: dict, back_entry: bool = False, by_the_register: bool = False
) -> Step:
    """Record step `name` with `data` (on, votes, document number, helpers, mentor, consent, reason …).

    back_entry=True (imports of steps taken before ketnap only): with a non-empty data["accepted_reason"], what the
    rules block or what needs a consent nobody recorded is accepted, because it already happened; the step passes
    (a vote short of two thirds included: the file says the resolution was adopted) and keeps those findings and
    the reason. See the module docstring.
    """
    step = _transition(
        candidate.pk, name, actor=actor, data=data, back_entry=back_entry, by_the_register=by_the_register
    )
    candidate.refresh_from_db()  # the caller's copy follows the locked one that was changed
    return step


# One decision or one ceremony day covers several candidates: the office records it once for all of them.
BATCHABLE = frozenset({StepKind.DECISION, StepKind.CEREMONY, StepKind.RECOGNITION_DECISION})
# One chi bộ meeting votes on several cases, each its own resolution with its own vote (pipeline.meeting).
MEETING = frozenset({StepKind.CELL_RESOLUTION, StepKind.RECOGNITION_CELL_RESOLUTION})


@dataclass(frozen=True)
class BatchOutcome:
    candidate: Candidate
    done: bool  # recorded
    reasons: list[str]  # why not
    passed: bool = True  # a vote short of two thirds is recorded, and the stage stays


def transition_batch(
    candidates: list[Candidate], name: str, *, actor, data: dict, own: dict[int, dict] | None = None
) -> list[BatchOutcome]:
    """Record step `name` for each candidate with the shared `data` (plus `own[candidate.pk]`, e.g. the mentor).

    Each candidate is recorded in its own transaction: one refused (its conditions not met) leaves the others
    recorded, and its reasons come back with their sources.
    """
    if name not in BATCHABLE | MEETING:
        raise ValueError(f"{name} is not recorded for several candidates at once")
    outcomes = []
    for candidate in candidates:
        try:
            step = transition(candidate, name, actor=actor, data={**data, **(own or {}).get(candidate.pk, {})})
        except TransitionRefused as exc:
            reasons = [f"{f.message} ({f.source})" for f in exc.verdict.findings]
            outcomes.append(BatchOutcome(candidate, False, reasons))
        except ValidationError as exc:
            outcomes.append(BatchOutcome(candidate, False, exc.messages))
        else:
            outcomes.append(BatchOutcome(candidate, True, [], step.passed))
    return outcomes


BACK_ENTRY_NOTE = "Ghi nhận bước đã diễn ra trước khi dùng ketnap"


def _accept(findings: list[dict], accepted: tuple, reason: str) -> tuple[list[dict], str]:
    """Mark the findings a back entry was accepted despite; the reason goes on the step and in the audit note."""
    codes = {f.code for f in accepted}
    for finding in findings:
        if finding["code"] in codes:
            finding["accepted_reason"] = reason
    findings.append(
        {
            "code": "back_entry.accepted",
            "severity": str(Severity.NOTICE),
            "message": f"{BACK_ENTRY_NOTE}, dù quy định không cho phép ({', '.join(sorted(codes))}). Lý do: {reason}",
            "source": "ketnap",
            "accepted_reason": reason,
        }
    )
    return findings, f"{BACK_ENTRY_NOTE}; chấp nhận {', '.join(sorted(codes))}; lý do: {reason}"[:500]


@db_transaction.atomic
def _transition(
    candidate_pk: int, name: str, *, actor, data: dict, back_entry: bool = False, by_the_register: bool = False
) -> Step:
    candidate = (
        # lock the candidate row only: PostgreSQL refuses FOR UPDATE on the nullable side of the parent join
        Candidate.objects.select_for_update(of=("self",))
        .select_related("person", "organization", "organization__parent")
        .get(pk=candidate_pk)
    )
    if not by_the_register:
        _guard(candidate, actor)
    not_in_future(data["on"])
    planned, verdict = _judge(candidate, name, data, by_the_register=by_the_register)  # not offered here: refused
    step, audit_note = _judged_step(candidate, planned, verdict, data, back_entry=back_entry, actor=actor)
    with acting(actor, note=audit_note):
        step.save()
        if not step.passed:
            return step  # recorded (it happened) but the stage stays: the resolution did not pass
        _move(candidate, step, planned.transition, data, actor)
    due.store(Candidate.objects.filter(pk=candidate.pk))  # the next deadline, from the steps now recorded
    return step


def _judged_step(candidate: Candidate, planned, verdict: Verdict, data: dict, *, back_entry: bool, actor):
    """(the step to record, its audit note) once the verdict allows it (else TransitionRefused): a vote short of
    two thirds is recorded as not passed; a back entry keeps what it was accepted despite, and why."""
    reason, accepted = _refuse_blocked(verdict, data, back_entry=back_entry)
    vote_failed = not accepted and any(f.code in VOTE_FAILED for f in verdict.blocking)
    if vote_failed:  # QĐ 24 điểm 4.2.3: after three votes without 2/3, the committee above decides
        failures = candidate.steps.filter(kind=planned.transition.name, passed=False).count() + 1
        verdict += votes.escalation(failures, data["on"], purpose=planned.transition.purpose)
    findings, audit_note = _findings_json(verdict), ""
    if accepted:
        findings, audit_note = _accept(findings, accepted, reason[:300])
    note = data.get("note") or data.get("reason") or (audit_note and f"Lý do ghi nhận: {reason}")
    step = _new_step(candidate, data, planned, passed=not vote_failed, findings=findings, note=note, actor=actor)
    return step, audit_note


def _refuse_blocked(verdict: Verdict, data: dict, *, back_entry: bool) -> tuple[str, tuple]:
    """Raises TransitionRefused for what the rules block (a vote short of two thirds aside: it is recorded) or for a
    consent needed and not recorded. A back entry with a reason is not refused: returns (the reason, the findings it
    is accepted despite); else ("", ())."""
    reason = _text(data, "accepted_reason") if back_entry else ""
    consented = bool(_text(data, "consent_document"))
    if reason:
        return reason, (*verdict.blocking, *(() if consented else verdict.needs_consent))
    other_blocks = [f for f in verdict.blocking if f.code not in VOTE_FAILED]
    if other_blocks:
        raise TransitionRefused(Verdict(tuple(other_blocks)))
    if verdict.needs_consent and not consented:
        raise TransitionRefused(Verdict(verdict.needs_consent))
    return "", ()


def _text(data: dict, key: str) -> str:
    return (data.get(key) or "").strip()


def _new_step(
    candidate: Candidate, data: dict, planned, *, passed: bool, findings: list[dict], note: str, actor
) -> Step:
    """The step as the form (or the import) gave it; a failed vote leaves the stage where it was."""
    name = planned.transition.name
    transfer = name == StepKind.TRANSFER
    return Step(
        candidate=candidate,
        kind=name,
        on=data["on"],
        received_on=data.get("received_on"),
        document_number=data.get("document_number", ""),
        issuer=data.get("issuer", ""),
        members_total=data.get("members_total"),
        members_excused=data.get("members_excused"),
        votes_for=data.get("votes_for"),
        passed=passed,
        consent_document=data.get("consent_document", ""),
        consent_reason=data.get("consent_reason", ""),
        note=note[:500],
        findings=findings,
        stage_before=candidate.stage,
        stage_after=planned.stage_after if passed else candidate.stage,
        from_organization=candidate.organization if transfer else None,
        to_organization=data.get("to") if transfer else None,
        recorded_by=as_user(actor),
    )


def _move(candidate: Candidate, step: Step, transition_, data: dict, actor) -> None:
    """The step's consequences in the register, then the candidate's new stage (and, at an ending, its reason)."""
    transition_.consequence(candidate, step, data, actor)
    if transition_.target is not None:
        candidate.stage = transition_.target
        candidate.stage_since = step.on
    if step.kind in ENDINGS:
        candidate.outcome_reason = data.get("reason", "")
    candidate.save()


def follow_person(sender, *, person, on: dt.date, **kwargs) -> None:
    """The person moved (another khoa, another chi bộ): an open candidacy goes with them, dossier, helpers and
    clock included, and a probationary member keeps the probation (its clock runs from the ceremony). Recorded as a
    transfer step, in the history of both chi bộ (registry.signals.person_moved)."""
    person.refresh_from_db(fields=["organization"])
    new = person.organization
    candidacy = person.candidacies.exclude(stage__in=Stage.terminal()).select_related("organization").first()
    if candidacy is None or new is None or not new.is_cell or new.pk == candidacy.organization_id:
        return
    transition(
        candidacy,
        StepKind.TRANSFER,
        actor=current_actor(),
        data={
            "on": max(on, candidacy.steps.order_by("-on").values_list("on", flat=True).first() or on),
            "to": new,
            "note": f"Từ {candidacy.organization.name} sang {new.name}",
        },
        by_the_register=True,
    )


def follow_succession(sender, *, predecessor, successors, on, **kwargs) -> None:
    """Open candidates of a merged or split chi bộ go on in the successor their workplace now belongs to."""
    successor_ids = {s.pk for s in successors}
    moved = []
    for candidate in Candidate.objects.filter(organization=predecessor).exclude(stage__in=Stage.terminal()):
        person_org = candidate.person.organization
        candidate.organization = person_org if person_org and person_org.pk in successor_ids else successors[0]
        candidate.save(update_fields=["organization"])
        moved.append(candidate.pk)
    due.store(Candidate.objects.filter(pk__in=moved))  # the clock goes along unchanged: kept as it was


def correct_document(item: DossierItem, *, actor, on: dt.date, note: str = "") -> DossierItem:
    """A paper's record corrected (a date typed wrong): the audit keeps the old values."""
    _guard(item.candidate, actor)
    not_in_future(on)
    if on < item.candidate.started_on:
        raise ValidationError(
            {"received_on": f"Ngày nhận trước ngày đưa vào nguồn ({ddmmyyyy(item.candidate.started_on)})."}
        )
    item.received_on, item.note = on, note
    with acting(actor):
        item.save(update_fields=["received_on", "note"])
    return item


def withdraw_document(item: DossierItem, *, actor, reason: str) -> None:
    """A paper recorded by mistake is withdrawn with a reason; the audit keeps what it said (and the scan stays
    on disk, referenced by the audit entry)."""
    _guard(item.candidate, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Cần ghi lý do rút bản ghi."})
    with acting(actor, note=f"Rút bản ghi giấy tờ: {reason.strip()}"[:500]):
        item.delete()


def receive_document(candidate: Candidate, kind: str, *, actor, on: dt.date, note: str = "", scan=None) -> DossierItem:
    _guard(candidate, actor)
    not_in_future(on)
    if on < candidate.started_on:
        raise ValidationError(
            {"received_on": f"Ngày nhận trước ngày đưa vào nguồn ({ddmmyyyy(candidate.started_on)})."}
        )
    with acting(actor):
        return DossierItem.objects.create(
            candidate=candidate,
            kind=kind,
            received_on=on,
            note=note,
            scan=scan or "",
            scan_type=getattr(scan, "content_type", "") or "",
            recorded_by=as_user(actor),
        )


def add_introduction(
    candidate: Candidate,
    *,
    actor,
    kind: str,
    introduced_on: dt.date,
    introducer=None,
    together_since: dt.date | None = None,
    replacement: bool = False,
    replacement_reason: str = "",
) -> Introduction:
    """An introducer recorded (a member, the Youth Union or the Trade Union): judged by the rules as of the chi bộ's
    meeting (checks.admission_conditions), not here."""
    _guard(candidate, actor)
    not_in_future(introduced_on, "introduced_on")
    with acting(actor), db_transaction.atomic():  # the row and its audit entry, or neither
        return Introduction.objects.create(
            candidate=candidate,
            kind=kind,
            introducer=introducer,
            together_since=together_since,
            introduced_on=introduced_on,
            replacement=replacement,
            replacement_reason=replacement_reason,
        )
