"""What a recorded step changes in the register and around the candidate; the transition table names one per
step, and domain.transition() runs it inside the step's transaction (audited by the signals)."""

import datetime as dt

from ketnap.audit.context import as_user
from ketnap.pipeline.checks import first_step
from ketnap.pipeline.enums import DocumentKind, HelperRole, StepKind
from ketnap.pipeline.models import DossierItem, Helper
from ketnap.registry.enums import MembershipEventKind, MembershipStatus
from ketnap.registry.services import people
from ketnap.rules import deadlines


def end_helpers(candidate, role: str, on: dt.date) -> None:
    for helper in candidate.helpers.filter(role=role, until__isnull=True):  # one save each: audited
        helper.until = on
        helper.save(update_fields=["until"])


def nothing(candidate, step, data: dict, actor) -> None:
    return None


def assign_helpers(candidate, step, data: dict, actor) -> None:
    """The chi bộ assigns official members to help the sympathiser (HD 12-HD/BTCTW 2022, Phần II mục 1.1)."""
    for member in data.get("helpers") or []:
        Helper.objects.create(candidate=candidate, member=member, role=HelperRole.HELPER, since=step.on)


def file_certificate(candidate, step, data: dict, actor) -> None:
    DossierItem.objects.create(
        candidate=candidate,
        kind=DocumentKind.CERTIFICATE,
        received_on=step.on,
        note=f"Số {step.document_number}, {step.issuer}".strip(", "),
        recorded_by=as_user(actor),
    )


def admit(candidate, step, data: dict, actor) -> None:
    """The ceremony: a probationary membership from this day (Điều lệ Điều 5 khoản 1), seniority from the decision
    (Điều 5 khoản 4); the sympathiser's helpers hand over to the probationary member's mentor."""
    decision = first_step(candidate, StepKind.DECISION)
    candidate.membership = people.register_membership(
        candidate.person,
        actor=actor,
        organization=candidate.organization,
        status=MembershipStatus.PROBATIONARY,
        decision_date=decision.on,
        decision_number=decision.document_number,
        ceremony_date=step.on,
        is_readmission=candidate.is_readmission,
        kind=MembershipEventKind.ADMITTED,
        on=step.on,
    )
    end_helpers(candidate, HelperRole.HELPER, step.on)
    if data.get("mentor") is not None:  # None only in a back entry accepted without a recorded mentor
        Helper.objects.create(candidate=candidate, member=data["mentor"], role=HelperRole.MENTOR, since=step.on)


def recognise(candidate, step, data: dict, actor) -> None:
    ceremony = first_step(candidate, StepKind.CEREMONY)
    # QĐ 24 §4.2.2: the official date is the end of the 12 months, even if the decision came late
    official_date = deadlines.official_date(ceremony.on)
    people.recognise_official(candidate.membership, actor=actor, official_date=official_date, on=step.on)
    end_helpers(candidate, HelperRole.MENTOR, step.on)


def end_help(candidate, step, data: dict, actor) -> None:
    """The road ends: so does the help."""
    for role in (HelperRole.HELPER, HelperRole.MENTOR):
        end_helpers(candidate, role, step.on)


def remove(candidate, step, data: dict, actor) -> None:
    note = data.get("reason", "")
    people.end_membership(candidate.membership, MembershipEventKind.REMOVED, actor=actor, on=step.on, note=note)
    end_help(candidate, step, data, actor)


def pause(candidate, step, data: dict, actor) -> None:
    candidate.paused_since, candidate.pause_reason = step.on, data.get("reason", "")


def resume(candidate, step, data: dict, actor) -> None:
    candidate.paused_since, candidate.pause_reason = None, ""


def transfer(candidate, step, data: dict, actor) -> None:
    """The candidacy goes to the new chi bộ with its dossier, introducers, helpers and clock: only the chi bộ
    changes (its secretary now follows it; the old one no longer sees it)."""
    candidate.organization = data["to"]
