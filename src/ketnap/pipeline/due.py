"""What is due: the next action of each candidate with its deadline.

The deadline is derived from the recorded step dates and the working-day calendar when either changes, and kept on
the candidate (healthchecks keeps `alert_after` on the check): `due_on`, and `due_soon_on`, the first day on which it
counts as "soon" (rules.deadlines.soon_from). store() is the one function that writes them: domain.transition() and
the other writers of the pipeline call it, a change of the working-day calendar recomputes the deadlines it can
move (_calendar_changed), and `ketnap rebuild-deadlines [--check]` recomputes or compares all of them. timing() is
the from-scratch computation, the truth the kept fields are tested against.

Reading is SQL over the kept dates: urgency is a comparison with today (overdue: due_on < today; soon:
due_soon_on <= today <= due_on; ok: due_soon_on > today; none: no deadline), so counting, filtering, ordering and
paging (ordered(), counts_of(), overdue_counts()) cost what the page shows, not what the scope holds. The rule's
text, its source and the next action are recomputed only for the rows shown (rows_of()).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_delete, post_save, pre_save

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.calendar import forget as forget_calendar
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import CalendarOverride, Candidate, Step
from ketnap.pipeline.transitions import ENDINGS, ON_PROBATION, available, clocks
from ketnap.rules import deadlines
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.verdict import Source
from ketnap.rules.workdays import Calendar
from ketnap.vietnamese import sort_key

# The steps whose dates the deadlines are counted from (those that start a clock in the transition table).
TIMED_STEPS = tuple(t.name for t in clocks())
URGENCY_ORDER = {"overdue": 0, "soon": 1, "ok": 2, "none": 3}
StepDates = dict[str, tuple[dt.date, dt.date | None]]  # kind -> (on, received_on) of its first passed step
Kept = tuple[dt.date | None, dt.date | None]  # (due_on, due_soon_on) as kept on the candidate
CHUNK = 2000  # candidates whose step dates are read at once when many are recomputed


@dataclass
class Timing:
    due: dt.date | None
    rule: str
    source: Source | None
    urgency: str  # overdue / soon / ok / none


@dataclass
class Scheduled:
    """One open candidate's deadline, without loading the candidate (for counting and ordering). From the kept
    fields: `timing` has the date and the urgency, not the rule (rows() gives it for the rows shown)."""

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


# --- the deadline from the step dates (the truth) ---------------------------------------------------------
def dates_from(rows) -> dict[int, StepDates]:
    """(candidate_id, kind, on, received_on) rows of passed timed steps, in date order: the first of each kind."""
    result: dict[int, StepDates] = {}
    for candidate_id, kind, on, received_on in rows:
        result.setdefault(candidate_id, {}).setdefault(kind, (on, received_on))
    return result


def step_dates(candidates) -> dict[int, StepDates]:
    """For each candidate in the queryset: the date (and receipt date) of the first passed step of each timed kind."""
    rows = (
        Step.objects.filter(candidate__in=candidates.values("pk"), passed=True, kind__in=TIMED_STEPS)
        .order_by("on", "id")
        .values_list("candidate_id", "kind", "on", "received_on")
    )
    return dates_from(rows)


def _deadline(stage: str, dates: StepDates, calendar: Calendar):
    """(due, rule, source) of the clock running at `stage` (the transition table says which step starts which
    clock, rules.md §2.2–§2.3), or None."""
    for transition in clocks():
        if stage in transition.clock.stages and transition.name in dates:
            on, received_on = dates[transition.name]
            return transition.clock.deadline(on, received_on, calendar)
    return None


def timing(stage: str, dates: StepDates, today: dt.date) -> Timing:
    """The deadline of the next action at `stage`, computed from scratch (the truth the kept fields follow)."""
    calendar = app_calendar()
    found = _deadline(stage, dates, calendar)
    if found is None:
        return Timing(None, "", None, "none")
    due, rule, source = found
    return Timing(due, rule, source, deadlines.urgency(due, today, calendar=calendar))


def kept(stage: str, dates: StepDates, calendar: Calendar) -> Kept:
    """What a candidate at `stage` with these step dates keeps: (due_on, due_soon_on); empty without a clock."""
    found = _deadline(stage, dates, calendar)
    if found is None:
        return None, None
    return found[0], deadlines.soon_from(found[0], calendar)


def urgency_of(due_on: dt.date | None, due_soon_on: dt.date | None, today: dt.date) -> str:
    """The urgency of kept dates on `today` (the same answer as rules.deadlines.urgency, without counting)."""
    if due_on is None:
        return "none"
    if today > due_on:
        return "overdue"
    return "soon" if due_soon_on <= today else "ok"


# --- the one writer -------------------------------------------------------------------------------------------
def differences(candidates) -> list[tuple[int, Kept, Kept]]:
    """(pk, kept, computed) for each candidate of the queryset whose kept deadline differs from what its step dates
    and today's calendar give (closed candidates keep none). Reads only: `rebuild-deadlines --check`."""
    calendar = app_calendar()
    rows = list(candidates.order_by("pk").values_list("pk", "stage", "due_on", "due_soon_on"))
    terminal = Stage.terminal()
    found = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        open_pks = [pk for pk, stage, _due, _soon in chunk if stage not in terminal]
        dates = step_dates(Candidate.objects.filter(pk__in=open_pks)) if open_pks else {}
        for pk, stage, due_on, due_soon_on in chunk:
            computed = (None, None) if stage in terminal else kept(stage, dates.get(pk, {}), calendar)
            if computed != (due_on, due_soon_on):
                found.append((pk, (due_on, due_soon_on), computed))
    return found


def store(candidates) -> int:
    """Recompute and keep the deadline of each candidate in the queryset; returns how many changed.

    The one function that writes Candidate.due_on and due_soon_on. Called by everything that changes what they are
    derived from: domain.create_candidate, adopt_probationary, transition (every step: pause, resume and transfer
    included, hence transition_batch and follow_person), follow_succession; a day added to, changed in or removed
    from the working-day calendar (_calendar_changed); `ketnap rebuild-deadlines`; the demo's bulk load. Written
    with an UPDATE, outside the audit trail: the fields are derived from steps and calendar days that are audited.
    """
    with transaction.atomic():
        # the rows locked while their steps are read (PostgreSQL): a step recorded meanwhile by another request
        # waits, then stores its own deadline after this one, never before it
        locked = candidates.select_for_update(of=("self",))
        changed = [(pk, new) for pk, _old, new in differences(locked)]
        write(connection, Candidate._meta.db_table, changed)
    return len(changed)


def write(db, table: str, changed: list[tuple[int, Kept]]) -> None:
    """One UPDATE per changed candidate, sent as a batch (executemany): bulk_update's CASE expressions cost
    seconds of Python for a province's thousands of rows. Only store() and the migration that filled the fields
    call it."""
    if not changed:
        return
    q, adapt = db.ops.quote_name, db.ops.adapt_datefield_value
    sql = f"UPDATE {q(table)} SET {q('due_on')} = %s, {q('due_soon_on')} = %s WHERE {q('id')} = %s"
    with db.cursor() as cursor:
        cursor.executemany(sql, [(adapt(due_on), adapt(soon_on), pk) for pk, (due_on, soon_on) in changed])


def _remember_day(sender, instance, raw=False, **kwargs) -> None:
    instance._day_before = None
    if not raw and instance.pk is not None:
        instance._day_before = CalendarOverride.objects.filter(pk=instance.pk).values_list("day", flat=True).first()


def _calendar_changed(sender, instance, raw=False, **kwargs) -> None:
    """A day off or make-up day added, moved or removed changes the deadlines counted across it, and only those
    due on or after it: a period (and the 5 working days before its end) that ends before the day does not count
    it (rules.workdays). Runs after calendar._forget (connected first), inside the saving transaction."""
    if raw:
        return
    day = min(d for d in (instance.day, getattr(instance, "_day_before", None)) if d is not None)
    store(Candidate.objects.exclude(stage__in=Stage.terminal()).filter(due_on__gte=day))
    forget_calendar()  # built with the uncommitted day: not kept should the transaction roll back


def connect() -> None:
    pre_save.connect(_remember_day, sender=CalendarOverride, dispatch_uid="ketnap-deadlines-calendar-before")
    post_save.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="ketnap-deadlines-calendar-save")
    post_delete.connect(_calendar_changed, sender=CalendarOverride, dispatch_uid="ketnap-deadlines-calendar-delete")


# --- reading: SQL over the kept fields --------------------------------------------------------------------
def open_candidates(candidates):
    return candidates.exclude(stage__in=Stage.terminal())


def urgency_q(urgency: str, today: dt.date) -> Q:
    """The candidates of one urgency on `today`, as a filter over the kept fields."""
    return {
        "overdue": Q(due_on__lt=today),
        "soon": Q(due_soon_on__lte=today, due_on__gte=today),
        "ok": Q(due_soon_on__gt=today),
        "none": Q(due_on__isnull=True),
    }[urgency]


def ordered(candidates):
    """Open candidates overdue first, then by deadline, then by name (Person.sort_key); those without a deadline
    last. Ordering by the date is ordering by urgency: an overdue deadline is earlier than today, a "soon" one
    earlier than any "ok" one (fewer working days to go)."""
    return open_candidates(candidates).order_by(F("due_on").asc(nulls_last=True), "person__sort_key", "pk")


def counts_of(candidates, today: dt.date, urgencies: tuple[str, ...] = tuple(URGENCY_ORDER)) -> dict[str, int]:
    """Open candidates per urgency on `today`: one aggregate query. One urgency asked: its filter, not every open
    candidate of the scope, decides what is read (a province's overdue few through the index on due_on)."""
    if len(urgencies) == 1:
        return {urgencies[0]: open_candidates(candidates).filter(urgency_q(urgencies[0], today)).count()}
    found = open_candidates(candidates).aggregate(
        **{urgency: Count("pk", filter=urgency_q(urgency, today)) for urgency in urgencies}
    )
    return {urgency: found[urgency] or 0 for urgency in urgencies}


def overdue_counts(candidates, today: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Per organisation: (overdue items, overdue recognitions), one GROUP BY over the kept dates (index
    organisation + due_on). Counts only: safe to show to overseers."""
    rows = (
        open_candidates(candidates)
        .filter(due_on__lt=today)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"), recognitions=Count("pk", filter=Q(stage__in=ON_PROBATION)))
    )
    overdue: dict[int, int] = {}
    recognitions: dict[int, int] = {}
    for row in rows:
        overdue[row["organization_id"]] = row["n"]
        if row["recognitions"]:
            recognitions[row["organization_id"]] = row["recognitions"]
    return overdue, recognitions


def action(candidate: Candidate, dates: StepDates) -> str:
    """The next step on the candidate's road, as the due list says it (the table's `todo`, else its label)."""
    if candidate.paused_since:
        return (
            f"Tạm dừng từ {ddmmyyyy(candidate.paused_since)}: {candidate.pause_reason} "
            "(thời hạn theo quy định vẫn tính)"
        )
    following = [t for t in available(candidate) if t.name not in ENDINGS]
    if not following:
        return ""
    step = following[0]
    text = step.todo or str(step.label)
    if step.name == StepKind.RECOGNITION_CELL_RESOLUTION and StepKind.CEREMONY in dates:
        end = deadlines.probation_end(dates[StepKind.CEREMONY][0])
        text = f"{text} (hết dự bị ngày {ddmmyyyy(end.due)})"
    return text


def next_action(candidate: Candidate, today: dt.date, dates: StepDates | None = None) -> DueItem:
    """One candidate's next action and deadline, computed from scratch (the candidate page, the API)."""
    if dates is None:
        dates = step_dates(Candidate.objects.filter(pk=candidate.pk)).get(candidate.pk, {})
    found = timing(candidate.stage, dates, today)
    return DueItem(candidate, action(candidate, dates), found.due, found.rule, found.source, found.urgency)


def rows_of(candidates: list[Candidate], today: dt.date) -> list[DueItem]:
    """Full rows for loaded candidates, in their order: the kept deadline and its urgency, with the action, the
    rule and its source recomputed for these rows only (one query for their step dates)."""
    if not candidates:
        return []
    dates = step_dates(Candidate.objects.filter(pk__in=[c.pk for c in candidates]))
    items = []
    for candidate in candidates:
        mine = dates.get(candidate.pk, {})
        found = timing(candidate.stage, mine, today)
        urgency = urgency_of(candidate.due_on, candidate.due_soon_on, today)
        items.append(DueItem(candidate, action(candidate, mine), candidate.due_on, found.rule, found.source, urgency))
    return items


ROW_RELATED = ("person", "person__work_unit", "organization", "organization__parent")


def schedule(candidates, today: dt.date) -> list[Scheduled]:
    """Every open candidate's kept deadline, overdue first, then by due date and name (one query; for counting
    and choosing: pages page ordered() in SQL instead)."""
    rows = ordered(candidates).values_list(
        "pk", "organization_id", "stage", "person__sort_key", "due_on", "due_soon_on"
    )
    return [
        Scheduled(pk, org_id, stage, sort_name, Timing(due_on, "", None, urgency_of(due_on, due_soon_on, today)))
        for pk, org_id, stage, sort_name, due_on, due_soon_on in rows
    ]


def rows(chosen: list[Scheduled], today: dt.date) -> list[DueItem]:
    """Full rows (person, chi bộ, action, deadline) for scheduled entries, in their order."""
    ids = [s.candidate_id for s in chosen]
    found = Candidate.objects.select_related(*ROW_RELATED).in_bulk(ids)
    return rows_of([found[i] for i in ids], today)


def loaded(candidates, today: dt.date, batch: int = 500) -> list[DueItem]:
    """Full rows for every open candidate of the queryset in the due list's order, loaded in batches (downloads,
    the calendar feed, reminders): a province's list is never one query of everything."""
    pks = list(ordered(candidates).values_list("pk", flat=True))
    items: list[DueItem] = []
    for start in range(0, len(pks), batch):
        ids = pks[start : start + batch]
        found = Candidate.objects.select_related(*ROW_RELATED).in_bulk(ids)
        items += rows_of([found[i] for i in ids], today)
    return items


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
    """Per organisation: (overdue items, overdue recognitions), from scheduled entries (overdue_counts() asks the
    database instead). Counts only: safe to show to overseers."""
    overdue: dict[int, int] = {}
    recognitions: dict[int, int] = {}
    for entry in scheduled:
        if entry.urgency != "overdue":
            continue
        overdue[entry.organization_id] = overdue.get(entry.organization_id, 0) + 1
        if entry.stage in ON_PROBATION:
            recognitions[entry.organization_id] = recognitions.get(entry.organization_id, 0) + 1
    return overdue, recognitions


def due_items(candidates, today: dt.date) -> list[DueItem]:
    """Full rows for every open candidate of the queryset, overdue first (reminders and feeds narrow the queryset
    by the kept due date first)."""
    return loaded(candidates, today)
