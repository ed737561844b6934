"""What is due: the next action of each candidate with its deadline, derived from the recorded step dates at
read time (healthchecks' way: nothing is kept in sync by cron; cron only sends reminders).

Two speeds: schedule() works on plain rows (stage and the few step dates deadlines need) so the home page can
count overdue items for a whole province quickly; due_items() builds full rows, with names and actions, only for
the candidates a page shows.
"""

import datetime as dt
from dataclasses import dataclass

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, Step
from ketnap.pipeline.transitions import ENDINGS, available, clocks
from ketnap.rules import deadlines
from ketnap.rules.verdict import Source
from ketnap.vietnamese import sort_key

# The steps whose dates the deadlines are counted from (those that start a clock in the transition table).
TIMED_STEPS = tuple(t.name for t in clocks())
URGENCY_ORDER = {"overdue": 0, "soon": 1, "ok": 2, "none": 3}
StepDates = dict[str, tuple[dt.date, dt.date | None]]  # kind -> (on, received_on) of its first passed step


@dataclass
class Timing:
    due: dt.date | None
    rule: str
    source: Source | None
    urgency: str  # overdue / soon / ok / none


@dataclass
class Scheduled:
    """One open candidate's deadline, without loading the candidate (for counting and ordering)."""

    candidate_id: int
    organization_id: int
    stage: str
    sort_name: str
    timing: Timing

    @property
    def urgency(self) -> str:
        return self.timing.urgency

    @property
    def sort_key(self):
        return (URGENCY_ORDER[self.urgency], self.timing.due or dt.date.max, self.sort_name, self.candidate_id)


@dataclass
class DueItem:
    candidate: Candidate
    action: str
    due: dt.date | None
    rule: str
    source: Source | None
    urgency: str  # overdue / soon / ok / none

    @property
    def sort_key(self):
        return (URGENCY_ORDER[self.urgency], self.due or dt.date.max, self.candidate.person.sort_key, self.candidate.pk)


def step_dates(candidates) -> dict[int, StepDates]:
    """For each candidate in the queryset: the date (and receipt date) of the first passed step of each timed kind."""
    rows = (
        Step.objects.filter(candidate__in=candidates.values("pk"), passed=True, kind__in=TIMED_STEPS)
        .order_by("on", "id")
        .values_list("candidate_id", "kind", "on", "received_on")
    )
    result: dict[int, StepDates] = {}
    for candidate_id, kind, on, received_on in rows:
        result.setdefault(candidate_id, {}).setdefault(kind, (on, received_on))
    return result


def timing(stage: str, dates: StepDates, today: dt.date) -> Timing:
    """The deadline of the next action at `stage`: the clock of the step that started it (the transition table
    says which step starts which clock, rules.md §2.2–§2.3)."""
    calendar = app_calendar()
    for transition in clocks():
        if stage in transition.clock.stages and transition.name in dates:
            on, received_on = dates[transition.name]
            due, rule, source = transition.clock.deadline(on, received_on, calendar)
            return Timing(due, rule, source, deadlines.urgency(due, today, calendar=calendar))
    return Timing(None, "", None, "none")


def action(candidate: Candidate, dates: StepDates) -> str:
    """The next step on the candidate's road, as the due list says it (the table's `todo`, else its label)."""
    if candidate.paused_since:
        return (
            f"Tạm dừng từ {candidate.paused_since:%d/%m/%Y}: {candidate.pause_reason} (thời hạn theo quy định vẫn tính)"
        )
    following = [t for t in available(candidate) if t.name not in ENDINGS]
    if not following:
        return ""
    step = following[0]
    text = step.todo or str(step.label)
    if step.name == StepKind.RECOGNITION_CELL_RESOLUTION and StepKind.CEREMONY in dates:
        end = deadlines.probation_end(dates[StepKind.CEREMONY][0])
        text = f"{text} (hết dự bị ngày {end.due:%d/%m/%Y})"
    return text


def next_action(candidate: Candidate, today: dt.date, dates: StepDates | None = None) -> DueItem:
    if dates is None:
        dates = step_dates(Candidate.objects.filter(pk=candidate.pk)).get(candidate.pk, {})
    found = timing(candidate.stage, dates, today)
    return DueItem(candidate, action(candidate, dates), found.due, found.rule, found.source, found.urgency)


def schedule(candidates, today: dt.date) -> list[Scheduled]:
    """Every open candidate's deadline, overdue first, then by due date and name; no model objects built."""
    open_ = candidates.exclude(stage__in=Stage.terminal())
    dates = step_dates(open_)
    rows = open_.values_list("pk", "organization_id", "stage", "person__sort_key")
    found = [
        Scheduled(pk, org_id, stage, sort_name, timing(stage, dates.get(pk, {}), today))
        for pk, org_id, stage, sort_name in rows
    ]
    return sorted(found, key=lambda s: s.sort_key)


def rows(chosen: list[Scheduled], today: dt.date) -> list[DueItem]:
    """Full rows (person, chi bộ, action, deadline) for scheduled entries, in their order."""
    ids = [s.candidate_id for s in chosen]
    loaded = Candidate.objects.select_related(
        "person", "person__work_unit", "organization", "organization__parent"
    ).in_bulk(ids)
    dates = step_dates(Candidate.objects.filter(pk__in=ids))
    return [next_action(loaded[i], today, dates.get(i, {})) for i in ids]


ROAD_ORDER = {stage: index for index, stage in enumerate(Stage.values)}


def office_order(item: DueItem) -> tuple:
    """The order of the office's spreadsheets: khoa/phòng → chi bộ → name → step (along the road) → due date
    (the column order party offices ask for: unit, branch, name, step, deadline). Units and chi bộ of the same
    name in two hospitals stay apart (their ids break the tie)."""
    candidate = item.candidate
    unit = candidate.person.work_unit
    return (
        sort_key(unit.name) if unit else "",
        unit.pk if unit else 0,
        sort_key(candidate.organization.name),
        candidate.organization_id,
        candidate.person.sort_key,
        ROAD_ORDER.get(candidate.stage, len(ROAD_ORDER)),
        item.due or dt.date.max,
        candidate.pk,
    )


def counts(items) -> dict[str, int]:
    result = {"overdue": 0, "soon": 0, "ok": 0, "none": 0}
    for entry in items:
        result[entry.urgency] += 1
    return result


def overdue_by_organization(scheduled: list[Scheduled]) -> tuple[dict[int, int], dict[int, int]]:
    """Per organisation: (overdue items, overdue recognitions). Counts only: safe to show to overseers."""
    overdue: dict[int, int] = {}
    recognitions: dict[int, int] = {}
    for entry in scheduled:
        if entry.urgency != "overdue":
            continue
        overdue[entry.organization_id] = overdue.get(entry.organization_id, 0) + 1
        if entry.stage in {Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE}:
            recognitions[entry.organization_id] = recognitions.get(entry.organization_id, 0) + 1
    return overdue, recognitions


def due_items(candidates, today: dt.date) -> list[DueItem]:
    """Full rows for every open candidate, overdue first (reminders and feeds; pages use schedule() + rows())."""
    return rows(schedule(candidates, today), today)
