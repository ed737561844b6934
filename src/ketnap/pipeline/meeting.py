"""The chi bộ's monthly meeting (issue #15): what it has to decide on a given day, who votes, and recording the votes
of several cases on one page.

- The agenda for a meeting day: the outstanding non-members the chi bộ may put on the sympathiser list; the
  sympathisers whose dossier it may consider for admission, with the papers still missing; the probationary members
  whose 12 months have ended (recognition, or a removal proposal), and those whose probation ends before the next
  meeting; the helpers whose note is due by that day (pipeline.notes).
- Who votes: the official members of the chi bộ (probationary members attend but do not vote: Điều lệ Điều 3 khoản 4),
  those exempted from activities apart — absent, they leave the count (rules.votes): the least number of agreeing votes
  both ways, with the rule's source.
- After the meeting: each case's vote recorded alone through domain.transition (its own checks, its own transaction),
  the meeting's shared figures typed once.
"""

import datetime as dt
from dataclasses import dataclass, field

from ketnap.accounts.grants import Permission, authorize
from ketnap.pipeline import domain, notes
from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.checks import papers_for
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, Helper, Inquiry, Step
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import PartyMembership
from ketnap.rules import deadlines, votes
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.verdict import Source

NEXT_MEETING_DAYS = 35  # a probation ending within this many days is for the next meeting: its papers start now
VOTED = (StepKind.CELL_RESOLUTION, StepKind.RECOGNITION_CELL_RESOLUTION)


@dataclass
class Case:
    candidate: Candidate
    step: str  # the StepKind the chi bộ would record
    missing: list = field(default_factory=list)  # DocumentKind of the dossier not received yet
    note: str = ""  # what else the secretary should know (the probation's end, a certificate that expires)


@dataclass
class Voters:
    official: list[PartyMembership]
    probationary: list[PartyMembership]
    exempt: int  # official members exempted from activities
    needed_all_present: int | None  # None: no official member to count
    needed_exempt_absent: int | None
    sources: tuple[Source, Source]


@dataclass
class Agenda:
    day: dt.date
    voters: Voters
    sympathise: list[Case]
    admission: list[Case]
    recognition: list[Case]
    coming: list[Case]  # probations ending before the next meeting
    notes_due: list[notes.NoteDue]

    @property
    def voted(self) -> list[Case]:
        return [*self.admission, *self.recognition]


def voters(org, day: dt.date) -> Voters:
    members = list(
        PartyMembership.objects.filter(organization=org, status__in=MembershipStatus.active())
        .filter(person__archived_at__isnull=True, person__left_on__isnull=True)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )
    official = [m for m in members if m.status == MembershipStatus.OFFICIAL]
    exempt = sum(1 for m in official if m.exempt_from_activities)

    def needed(absent: int) -> int | None:
        return votes.chi_bo_threshold(len(official), absent) if len(official) > absent else None

    return Voters(
        official,
        [m for m in members if m.status == MembershipStatus.PROBATIONARY],
        exempt,
        needed(0),
        needed(exempt),
        votes.chi_bo_sources(day),
    )


def agenda(org, day: dt.date) -> Agenda:
    """What the chi bộ `org` has to decide at its meeting on `day`."""
    cases = _open_cases(org)
    waiting = _unanswered(cases[Stage.DOSSIER])
    recognition, coming = _probation_cases(cases[Stage.PROBATION], day)
    return Agenda(
        day,
        voters(org, day),
        [Case(c, StepKind.SYMPATHISE) for c in cases[Stage.SOURCE]],
        [_admission_case(c, day, waiting.get(c.pk, [])) for c in cases[Stage.DOSSIER]],
        recognition,
        coming,
        [
            item
            for item in notes.schedule(Helper.objects.filter(candidate__organization=org), day)
            if item.deadline is not None and item.deadline.due <= day
        ],
    )


def _open_cases(org) -> dict[str, list[Candidate]]:
    """The chi bộ's candidates on the road and not paused, at the three stages a meeting decides on, by name."""
    road = (
        Candidate.objects.filter(organization=org, paused_since__isnull=True)
        .exclude(stage__in=Stage.terminal())
        .select_related("person", "person__work_unit", "organization")
        .prefetch_related("documents", "introductions")
        .order_by("person__sort_key", "pk")
    )
    cases = {Stage.SOURCE: [], Stage.DOSSIER: [], Stage.PROBATION: []}
    for candidate in road:
        if candidate.stage in cases:
            cases[candidate.stage].append(candidate)
    return cases


def _unanswered(candidates: list[Candidate]) -> dict[int, list[str]]:
    """The requests about each applicant still unanswered (pipeline.inquiries), as the secretary reads them."""
    waiting: dict[int, list[str]] = {}
    for inquiry in Inquiry.objects.filter(candidate__in=candidates, replied_on__isnull=True):
        waiting.setdefault(inquiry.candidate_id, []).append(
            f"{inquiry.get_kind_display()} (hạn trả lời {ddmmyyyy(inquiry.reply_by)})"
        )
    return waiting


def _missing(candidate: Candidate) -> list:
    received = {d.kind for d in candidate.documents.all()}
    return [kind for kind in papers_for(candidate) if kind not in received]


def _admission_case(candidate: Candidate, day: dt.date, waiting: list[str]) -> Case:
    notes_ = []
    # the kept deadline is the certificate's first day out of validity (rules.eligibility.certificate_expires_on)
    if candidate.due_on and candidate.due_on <= day:
        notes_.append(f"Giấy chứng nhận lớp bồi dưỡng hết giá trị từ ngày {ddmmyyyy(candidate.due_on)}: phải học lại")
    if waiting:
        notes_.append("Chưa có trả lời: " + "; ".join(waiting))
    return Case(candidate, StepKind.CELL_RESOLUTION, _missing(candidate), ". ".join(notes_))


def _probation_cases(candidates: list[Candidate], day: dt.date) -> tuple[list[Case], list[Case]]:
    """(the probations ended by `day`, for recognition; those ending before the next meeting, whose papers start
    now)."""
    ceremonies = dict(
        Step.objects.filter(candidate__in=candidates, kind=StepKind.CEREMONY, passed=True).values_list(
            "candidate_id", "on"
        )
    )
    recognition, coming = [], []
    for candidate in candidates:
        ceremony = ceremonies.get(candidate.pk)
        if ceremony is None:
            continue
        end = deadlines.probation_end(ceremony).due
        if end < day:  # the resolution must be dated after the 12 months (rules.md §2.3)
            due = deadlines.recognition_review_due(ceremony, app_calendar()).due
            note = f"Hết dự bị {ddmmyyyy(end)}; chi bộ xét trước hạn {ddmmyyyy(due)}"
            recognition.append(Case(candidate, StepKind.RECOGNITION_CELL_RESOLUTION, _missing(candidate), note))
        elif end < day + dt.timedelta(days=NEXT_MEETING_DAYS):
            note = f"Hết dự bị {ddmmyyyy(end)}"
            coming.append(Case(candidate, StepKind.RECOGNITION_CELL_RESOLUTION, _missing(candidate), note))
    return recognition, coming


@dataclass(frozen=True)
class VoteRow:
    candidate: Candidate
    step: str
    votes_for: int
    document_number: str


def record_votes(
    org, rows: list[VoteRow], *, actor, on: dt.date, members_total: int, members_excused: int
) -> list[domain.BatchOutcome]:
    """The chi bộ `org`'s votes: each case's resolution recorded alone (its checks, its transaction), a refused case
    leaving the others; by who may edit the chi bộ's people (transition_batch asks again for each candidate)."""
    authorize(actor, Permission.EDIT_PEOPLE, org)
    if any(r.candidate.organization_id != org.pk for r in rows):
        raise ValueError("a case of another chi bộ")
    shared = {"on": on, "members_total": members_total, "members_excused": members_excused}
    outcomes = []
    for step in VOTED:
        chosen = [r for r in rows if r.step == step]
        if chosen:
            own = {r.candidate.pk: {"votes_for": r.votes_for, "document_number": r.document_number} for r in chosen}
            outcomes += domain.transition_batch([r.candidate for r in chosen], step, actor=actor, data=shared, own=own)
    order = {r.candidate.pk: i for i, r in enumerate(rows)}
    return sorted(outcomes, key=lambda o: order[o.candidate.pk])
