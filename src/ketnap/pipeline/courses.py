"""The courses (issue #15): the committee sends people to a class of the political centre and brings the results back.

- The awareness course (lớp bồi dưỡng nhận thức về Đảng) is for the sympathisers (rules.md §2.2 step 1–2); passing it
  is the candidate's step "certificate" (domain.transition: the paper CN-NTVĐ filed, the dossier stage begun, the 60
  months of validity running — HD 06-HD/TW điểm 5.4 — as every deadline of the road).
- The new members' course (lý luận chính trị cho đảng viên mới) is for the probationary members; its certificate goes
  into the recognition dossier (domain.receive_document).

Results are typed for the whole class on one page; each person's is recorded alone (their own checks and transaction),
so one refused does not hold back the others.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user
from ketnap.pipeline import domain
from ketnap.pipeline.enums import DocumentKind, Stage, StepKind
from ketnap.pipeline.models import Candidate, CourseClass, CourseKind, CourseResult, CourseSeat, DossierItem
from ketnap.registry.services.dates import not_in_future
from ketnap.rules.eligibility import certificate_expires_on


def eligible(candidates, kind: str):
    """The candidates (of the caller's scope) a class of `kind` is for, who have no seat still awaiting a result:
    sympathisers for the awareness course; probationary members without the new members' certificate."""
    waiting = CourseSeat.objects.filter(candidate=OuterRef("pk"), course__kind=kind, result=CourseResult.PENDING)
    open_ = candidates.filter(paused_since__isnull=True).exclude(Exists(waiting))
    if kind == CourseKind.AWARENESS:
        return open_.filter(stage=Stage.SYMPATHISER)
    has_paper = DossierItem.objects.filter(candidate=OuterRef("pk"), kind=DocumentKind.NEW_MEMBER_COURSE)
    return open_.filter(stage=Stage.PROBATION).exclude(Exists(has_paper))


def open_class(*, organization, kind: str, name: str, organizer: str, starts_on: dt.date, ends_on: dt.date, actor):
    authorize(actor, Permission.MANAGE_WITHIN, organization)
    course = CourseClass(
        organization=organization,
        kind=kind,
        name=name.strip(),
        organizer=organizer.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=as_user(actor),
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc phải từ ngày bắt đầu trở đi."})
    course.full_clean()
    with acting(actor), transaction.atomic():
        course.save()
    return course


def nominate(course: CourseClass, candidates: list[Candidate], *, on: dt.date, actor) -> list[CourseSeat]:
    """Seats for the chosen candidates (already eligible: the caller narrows to eligible() of its scope), by who may
    edit the people of the class's organisation and of each candidate's."""
    authorize(actor, Permission.EDIT_PEOPLE, course.organization, *{c.organization for c in candidates})
    not_in_future(on)
    with acting(actor), transaction.atomic():
        return [CourseSeat.objects.create(course=course, candidate=c, nominated_on=on) for c in candidates]


@dataclass(frozen=True)
class Result:
    seat: CourseSeat
    result: str  # CourseResult
    number: str = ""
    issued_on: dt.date | None = None


@dataclass(frozen=True)
class Outcome:
    seat: CourseSeat
    done: bool
    reasons: list[str]


def record_results(results: list[Result], *, actor) -> list[Outcome]:
    """Each person's result recorded alone: a passed awareness course is the candidate's "certificate" step, a passed
    new members' course their paper; a refusal (a date before their last step, a certificate already filed) comes
    back with its reasons and leaves the others recorded. Refused as a whole, before anything is written, unless the
    actor may edit the people of each class's organisation and of each candidate's."""
    _authorize(results, actor)
    outcomes = []
    for r in results:
        seat, course = r.seat, r.seat.course
        try:
            if r.result == CourseResult.PASSED and (not r.number.strip() or r.issued_on is None):
                raise ValidationError("Hoàn thành lớp: cần số và ngày cấp giấy chứng nhận.")
            with acting(actor), transaction.atomic():
                if r.result == CourseResult.PASSED:
                    _file(seat.candidate, course, r, actor)
                seat.result, seat.certificate_number, seat.certificate_on = r.result, r.number.strip(), r.issued_on
                seat.save(update_fields=["result", "certificate_number", "certificate_on"])
        except domain.TransitionRefused as exc:
            outcomes.append(Outcome(seat, False, [f"{f.message} ({f.source})" for f in exc.verdict.findings]))
        except ValidationError as exc:
            outcomes.append(Outcome(seat, False, exc.messages))
        else:
            outcomes.append(Outcome(seat, True, []))
    return outcomes


def _authorize(results: list[Result], actor) -> None:
    """Who records a result edits the people of the class's organisation and of the candidate's (a class of the đảng
    ủy, a candidate of one of its chi bộ)."""
    seats = [r.seat for r in results]
    authorize(
        actor,
        Permission.EDIT_PEOPLE,
        *{s.course.organization for s in seats},
        *{s.candidate.organization for s in seats},
    )


def _file(candidate: Candidate, course: CourseClass, r: Result, actor) -> None:
    data = {"on": r.issued_on, "document_number": r.number.strip(), "issuer": course.organizer}
    if course.kind == CourseKind.AWARENESS:
        domain.transition(candidate, StepKind.CERTIFICATE, actor=actor, data=data)
    else:
        note = f"Số {r.number.strip()}, {course.organizer}"
        domain.receive_document(candidate, DocumentKind.NEW_MEMBER_COURSE, actor=actor, on=r.issued_on, note=note)


def expires_on(seat: CourseSeat) -> dt.date | None:
    """The first day an awareness certificate is no longer valid (rules.eligibility: its 60 months, the day itself
    already expired); None for other seats."""
    if seat.course.kind != CourseKind.AWARENESS or seat.certificate_on is None:
        return None
    return certificate_expires_on(seat.certificate_on)
