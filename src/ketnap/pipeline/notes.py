"""Helpers' notes: what each helper owes the chi bộ next (ketnap.rules.notes), from their assignments, their notes and
the chi bộ's plan (NotePlan). Read for a mentor's own page, for the candidate page (every helper of one person) and for
reminders; a fixed number of queries whatever the number of helpers."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from ketnap.accounts.grants import Grants, Permission, authorize
from ketnap.audit.context import SYSTEM, acting, as_user
from ketnap.pipeline.enums import DocumentKind, HelperRole, Stage, StepKind
from ketnap.pipeline.models import DossierItem, Helper, MentorNote, NotePlan, Step
from ketnap.rules import deadlines, notes
from ketnap.rules.deadlines import Deadline
from ketnap.rules.workdays import Calendar


@dataclass
class NoteDue:
    helper: Helper  # with its candidate, the candidate's person and chi bộ, and the member
    last_note: dt.date | None
    deadline: Deadline | None  # None: nothing due (the road paused, the 11-KNĐ received)
    urgency: str  # overdue / soon / ok / none, as the due list says it

    @property
    def candidate(self):
        return self.helper.candidate


def plan_of(organization_id: int) -> int:
    """The chi bộ's interval in months (no plan: rules.notes.EVERY_MONTHS)."""
    found = NotePlan.objects.filter(organization_id=organization_id).values_list("every_months", flat=True).first()
    return found or notes.EVERY_MONTHS


def set_plan(organization, every_months: int, *, actor) -> NotePlan:
    """The one way a chi bộ's plan changes: validated, saved and audited together."""
    authorize(actor, Permission.EDIT_PEOPLE, organization)
    plan = NotePlan.objects.filter(organization=organization).first() or NotePlan(organization=organization)
    plan.every_months = every_months
    plan.full_clean()
    with acting(actor), transaction.atomic():
        plan.save()
    return plan


def write_note(candidate, *, actor, on: dt.date, text: str, helper: Helper | None) -> MentorNote:
    """A note on the person, from `helper` (one of the candidate's assignments; None: the chi bộ's own), written by
    `actor` (the helper, or the secretary or office recording it from paper): saved with its audit entry or not at
    all."""
    if helper is not None and helper.candidate_id != candidate.pk:
        raise ValueError("the helper does not help this candidate")
    if not _writes_own(helper, actor):
        authorize(actor, Permission.EDIT_PEOPLE, candidate.organization)
    with acting(actor), transaction.atomic():
        return MentorNote.objects.create(candidate=candidate, helper=helper, author=as_user(actor), on=on, text=text)


def _writes_own(helper: Helper | None, actor) -> bool:
    """A helper writes their own notes, whatever role they hold (or none): the assignment in force is the actor's
    (its member is the staff record linked to the login)."""
    if helper is None or helper.until is not None or actor is SYSTEM:
        return False
    person = Grants(actor).person
    return person is not None and helper.member_id == person.pk


def current_helpers(helpers):
    """The assignments in force of roads still open (the queryset narrowed; the candidate and people joined)."""
    return (
        helpers.filter(until__isnull=True)
        .exclude(candidate__stage__in=Stage.terminal())
        .select_related("candidate", "candidate__person", "candidate__organization", "member")
        .order_by("candidate__person__sort_key", "candidate_id", "pk")
    )


def schedule(helpers, today: dt.date, calendar: Calendar | None = None) -> list[NoteDue]:
    """Each assignment in force (current_helpers of `helpers`) with its last note and the next one due."""
    rows = list(current_helpers(helpers))
    ids = {h.candidate_id for h in rows}
    last = dict(
        MentorNote.objects.filter(helper__in=[h.pk for h in rows])
        .values("helper_id")
        .annotate(on=Max("on"))
        .values_list("helper_id", "on")
    )
    ceremonies = dict(
        Step.objects.filter(candidate_id__in=ids, kind=StepKind.CEREMONY, passed=True)
        .values("candidate_id")
        .annotate(on=Max("on"))
        .values_list("candidate_id", "on")
    )
    reviewed = set(
        DossierItem.objects.filter(candidate_id__in=ids, kind=DocumentKind.MENTOR_REVIEW).values_list(
            "candidate_id", flat=True
        )
    )
    plans = dict(
        NotePlan.objects.filter(organization_id__in={h.candidate.organization_id for h in rows}).values_list(
            "organization_id", "every_months"
        )
    )
    return [
        _due(
            helper,
            last.get(helper.pk),
            plans.get(helper.candidate.organization_id, notes.EVERY_MONTHS),
            ceremonies.get(helper.candidate_id),
            helper.candidate_id in reviewed,
            today,
            calendar,
        )
        for helper in rows
    ]


def for_candidate(candidate, helpers: list[Helper], written: list[MentorNote], steps: list[Step], documents, today):
    """The candidate page's helpers' notes, from what the page has read already (its helpers, notes, steps and papers):
    helper id -> NoteDue for the assignments in force; the chi bộ's plan is the one query more."""
    current = [h for h in helpers if h.until is None]
    if not current or not candidate.open:
        return {}
    last = _last_written(written)
    ceremony = max((s.on for s in steps if s.kind == StepKind.CEREMONY and s.passed), default=None)
    every = plan_of(candidate.organization_id)
    reviewed = DocumentKind.MENTOR_REVIEW in documents
    return {h.pk: _due(h, last.get(h.pk), every, ceremony, reviewed, today, None, candidate) for h in current}


def _last_written(written: list[MentorNote]) -> dict[int, dt.date]:
    """Each helper's latest note."""
    last: dict[int, dt.date] = {}
    for note in written:
        if note.helper_id is not None:
            last[note.helper_id] = max(note.on, last.get(note.helper_id, note.on))
    return last


def _due(helper, written, every, ceremony, reviewed, today, calendar, candidate=None) -> NoteDue:
    """One assignment's next note (rules.notes): a mentor's runs to the end of the probation, then the 11-KNĐ."""
    candidate = candidate or helper.candidate
    deadline = None
    if candidate.paused_since is None:
        deadline = notes.next_note(
            helper.since,
            written,
            every,
            ceremony=ceremony if helper.role == HelperRole.MENTOR else None,
            review_received=reviewed,
        )
    urgency = deadlines.urgency(deadline.due, today, calendar).value if deadline else "none"
    return NoteDue(helper, written, deadline, urgency)


def counts(items: list[NoteDue]) -> dict[str, int]:
    out = {"overdue": 0, "soon": 0, "ok": 0, "none": 0}
    for item in items:
        out[item.urgency] += 1
    return out
