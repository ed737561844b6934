"""Kept counts for the organisation tree: each organisation's own staff, staff who are members, official and
probationary members, today and on any day, so that the home page and the statistics tree read one row per
organisation instead of counting the whole register on every request (issue 14).

What: exactly registry.indicators' own counts, which stay the truth (the tests and `ketnap rebuild-figures --check`
compare against them): today's (CurrentOrgFigures: the current people by their responsible organisation, the active
memberships by chi bộ) and the dated ones (OrgFigures: the assignments in force through the unit coverage in force,
each membership's state after its last event), a row per organisation and day on which a value changes.

When: every registry write that changes what is counted announces {organisation: from day}
(registry.counted → registry.signals.counts_changed → follow). A transaction's announcements are gathered and
recomputed once, after it commits: an import of 5,000 rows recomputes each organisation once, from its earliest day.
A read inside the transaction that wrote recomputes first (it reads its own writes). Recomputing an organisation
reads only what can count there: the units it covered and their departments, the assignments in them, the
memberships that were ever in it or belong to people who worked there.

Reads: current_tree / tree_on_day / tree return registry.indicators' Node trees with these counts: the tree's
queries plus one for the counts, whatever the number of people.
"""

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import NamedTuple

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery

from ketnap.registry import counted, indicators
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import (
    Assignment,
    MembershipEvent,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services.dates import fmt, today
from ketnap.stats.models import CurrentOrgFigures, OrgFigures

BEGINNING, END = dt.date.min, dt.date.max  # END stands for an open end (valid_to empty)
ACTIVE = sorted(MembershipStatus.active())
FIELDS = ("staff", "staff_members", "official", "probationary")
STAFF, STAFF_MEMBERS, OFFICIAL, PROBATIONARY = range(4)
BATCH = 1000


class Figures(NamedTuple):
    staff: int = 0
    staff_members: int = 0
    official: int = 0
    probationary: int = 0

    def __str__(self) -> str:  # `ketnap rebuild-figures --check` prints it
        staff = f"nhân sự {self.staff}, là đảng viên {self.staff_members}"
        return f"{staff}, chính thức {self.official}, dự bị {self.probationary}"


ZERO = Figures()
_day = itemgetter(0)  # the day of a (day, value) pair: what bisect compares
Timeline = list[tuple[dt.date, Figures]]  # (day, counts from that day on), days ascending


class _Models(NamedTuple):
    """The models the computation reads and writes: the live ones, or a migration's historical ones."""

    Organization: type
    UnitCoverage: type
    WorkUnit: type
    Assignment: type
    Person: type
    PartyMembership: type
    MembershipEvent: type
    OrgFigures: type
    CurrentOrgFigures: type


LIVE = _Models(
    Organization,
    UnitCoverage,
    WorkUnit,
    Assignment,
    Person,
    PartyMembership,
    MembershipEvent,
    OrgFigures,
    CurrentOrgFigures,
)


def _models(apps) -> _Models:
    if apps is global_apps:
        return LIVE
    labels = [f"registry.{name}" for name in _Models._fields[:7]] + [f"stats.{name}" for name in _Models._fields[7:]]
    return _Models(*(apps.get_model(label) for label in labels))


# --- reading ----------------------------------------------------------------------------------------------------
def current_counts(org_ids: list[int]) -> dict[int, indicators.Counts]:
    """Today's own counts of these organisations (registry.indicators.OwnCounts)."""
    return _current_rows(CurrentOrgFigures.objects.filter(organization_id__in=org_ids))


def _current_rows(rows) -> dict[int, indicators.Counts]:
    catch_up()
    return {org_id: indicators.Counts(*values) for org_id, *values in rows.values_list("organization_id", *FIELDS)}


def _stored_on(m: _Models, org_ids: Iterable[int], day: dt.date) -> dict[int, Figures]:
    """Each organisation's row in force on `day` (the greatest day <= it): one index seek per organisation."""
    latest = m.OrgFigures.objects.filter(organization_id=OuterRef("pk"), day__lte=day).order_by("-day").values("pk")
    chosen = m.Organization.objects.filter(pk__in=list(org_ids)).values(row=Subquery(latest[:1]))
    rows = m.OrgFigures.objects.filter(pk__in=chosen).values_list("organization_id", *FIELDS)
    return {org_id: Figures(*values) for org_id, *values in rows}


def counts_on(org_ids: list[int], day: dt.date) -> dict[int, indicators.Counts]:
    """The own counts of these organisations on `day` (registry.indicators.OwnCounts)."""
    catch_up()
    return {org_id: indicators.Counts(*figures) for org_id, figures in _stored_on(LIVE, org_ids, day).items()}


def current_tree(roots: list[Organization]) -> list[indicators.Node]:
    """registry.indicators.current_tree with the kept counts: those of the subtrees, chosen by path (a list of the
    1,400 ids of a province costs Django more to build than SQLite to run)."""
    under = Q(pk__in=[])
    for root in roots:
        under |= Q(organization__path__startswith=root.path)
    return indicators.current_tree(roots, own=lambda _org_ids: _current_rows(CurrentOrgFigures.objects.filter(under)))


def tree_on_day(roots: list[Organization], day: dt.date) -> list[indicators.Node]:
    """registry.indicators.tree_on_day with the kept counts of that day."""
    return indicators.tree_on_day(roots, day, own=lambda org_ids: counts_on(org_ids, day))


def tree(org: Organization, day: dt.date) -> list[indicators.Node]:
    """The organisation's subtree with the counts of `day`: today's tree from today on, else the tree of that day."""
    if day >= today():
        return current_tree([org]) if org.active else []
    return tree_on_day([org], day)


# --- following the writes ---------------------------------------------------------------------------------------
class _Batch:
    """What one transaction announced, recomputed once."""

    def __init__(self) -> None:
        self.changes: counted.Changes = {}
        self.done = False


class _Recompute:
    """The on-commit callback of one announcement. All callbacks of a transaction share its batch and the first to run
    does the work; a savepoint rolled back drops its callbacks (Django) but its changes stay in the batch (broader)."""

    def __init__(self, batch: _Batch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        _run(self.batch)


def _waiting() -> Iterator[_Recompute]:
    """This transaction's callbacks still waiting for the commit (Django keeps them in connection.run_on_commit, as
    TestCase.captureOnCommitCallbacks reads them), newest first."""
    for _savepoints, callback, _robust in reversed(transaction.get_connection().run_on_commit):
        if isinstance(callback, _Recompute) and not callback.batch.done:
            yield callback


def follow(sender, *, changes: counted.Changes, **kwargs) -> None:
    """registry.signals.counts_changed: recompute these organisations once this transaction commits."""
    batch = next((callback.batch for callback in _waiting()), None) or _Batch()
    counted.merge(batch.changes, changes)
    transaction.on_commit(_Recompute(batch), robust=True)  # a failure is logged; `rebuild-figures --check` finds it


def _run(batch: _Batch) -> None:
    if not batch.done:
        batch.done = True
        recompute(batch.changes)


def catch_up() -> None:
    """Recompute now what this transaction announced: the readers call it, so that the transaction that wrote reads
    its own writes (outside a transaction nothing waits: a cheap no-op)."""
    for callback in list(_waiting()):
        _run(callback.batch)


def _lock() -> None:
    """One recompute at a time: the last to commit reads what every earlier one wrote. SQLite's writers queue already
    (transaction_mode IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock that nothing else uses."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ketnap.stats.figures'))")


def recompute(changes: counted.Changes) -> None:
    """Today's counts of every organisation in `changes`, and the dated counts of each from its day on."""
    m = LIVE
    with transaction.atomic():
        _lock()
        _write_current(m, set(changes))
        dated = {org_id: day for org_id, day in changes.items() if day is not None}
        if dated:
            timelines = _timelines(m, set(dated), min(dated.values()))
            _write_dated(m, timelines, dated)


def rebuild(apps=global_apps) -> int:
    """Every organisation's counts from scratch (after an upgrade, or to repair); the number of dated rows."""
    m = _models(apps)
    for callback in list(_waiting()) if apps is global_apps else []:
        callback.batch.done = True  # what this transaction announced is part of the rebuild
    with transaction.atomic():
        _lock()
        m.CurrentOrgFigures.objects.all().delete()
        m.CurrentOrgFigures.objects.bulk_create(
            [m.CurrentOrgFigures(organization_id=o, **f._asdict()) for o, f in _current(m, None).items() if f != ZERO],
            batch_size=BATCH,
        )
        m.OrgFigures.objects.all().delete()
        rows = [
            (org_id, day, figures)
            for org_id, timeline in _timelines(m, None, BEGINNING).items()
            for day, figures in _rows(timeline, BEGINNING, ZERO)
        ]
        _insert_dated(m, rows)
    return len(rows)


def differences(apps=global_apps) -> list[str]:
    """Where the kept counts differ from the counts computed from scratch (nothing else is written): one line each."""
    if apps is global_apps:
        catch_up()
    m = _models(apps)
    codes = dict(m.Organization.objects.values_list("pk", "code"))
    found = []
    kept_now = {
        org_id: Figures(*values)
        for org_id, *values in m.CurrentOrgFigures.objects.values_list("organization_id", *FIELDS)
    }
    truth_now = _current(m, None)
    for org_id in sorted(set(kept_now) | set(truth_now), key=lambda o: codes.get(o, "")):
        kept, truth = kept_now.get(org_id, ZERO), truth_now.get(org_id, ZERO)
        if kept != truth:
            found.append(f"{codes.get(org_id, org_id)}, hôm nay: đang giữ {kept}; tính lại {truth}.")
    kept_rows: dict[int, Timeline] = defaultdict(list)
    for org_id, day, *values in m.OrgFigures.objects.order_by("organization_id", "day").values_list(
        "organization_id", "day", *FIELDS
    ):
        kept_rows[org_id].append((day, Figures(*values)))
    truth_rows = {
        org_id: _rows(timeline, BEGINNING, ZERO) for org_id, timeline in _timelines(m, None, BEGINNING).items()
    }
    for org_id in sorted(set(kept_rows) | set(truth_rows), key=lambda o: codes.get(o, "")):
        if kept_rows.get(org_id, []) == truth_rows.get(org_id, []):
            continue
        day = _first_difference(kept_rows.get(org_id, []), truth_rows.get(org_id, []))
        if day is not None:
            kept, truth = _value_on(kept_rows.get(org_id, []), day), _value_on(truth_rows.get(org_id, []), day)
            found.append(f"{codes.get(org_id, org_id)}, từ ngày {fmt(day)}: đang giữ {kept}; tính lại {truth}.")
    return found


def _value_on(rows: Timeline, day: dt.date) -> Figures:
    index = bisect.bisect_right(rows, day, key=_day) - 1
    return rows[index][1] if index >= 0 else ZERO


def _first_difference(one: Timeline, other: Timeline) -> dt.date | None:
    for day in sorted({d for d, _f in one} | {d for d, _f in other}):
        if _value_on(one, day) != _value_on(other, day):
            return day
    return None


# --- computing --------------------------------------------------------------------------------------------------
def _current(m: _Models, org_ids: set[int] | None) -> dict[int, Figures]:
    """Today's own counts, as registry.indicators._current_own_counts computes them (of these organisations)."""
    people = m.Person.objects.filter(archived_at__isnull=True, left_on__isnull=True)
    members = m.PartyMembership.objects.filter(status__in=ACTIVE)
    if org_ids is not None:
        people, members = people.filter(organization_id__in=org_ids), members.filter(organization_id__in=org_ids)
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    staff_rows = people.values("organization_id").annotate(
        staff=Count("id", distinct=True),
        staff_members=Count("id", filter=Q(memberships__status__in=ACTIVE), distinct=True),
    )
    for row in staff_rows:
        if row["organization_id"] is not None:
            found[row["organization_id"]][STAFF : STAFF_MEMBERS + 1] = [row["staff"], row["staff_members"]]
    for row in members.values("organization_id", "status").annotate(n=Count("id")):
        which = OFFICIAL if row["status"] == MembershipStatus.OFFICIAL else PROBATIONARY
        found[row["organization_id"]][which] = row["n"]
    return {org_id: Figures(*values) for org_id, values in found.items()}


def _write_current(m: _Models, org_ids: set[int]) -> None:
    figures = _current(m, org_ids)
    m.CurrentOrgFigures.objects.filter(organization_id__in=org_ids).delete()
    m.CurrentOrgFigures.objects.bulk_create(
        [m.CurrentOrgFigures(organization_id=o, **f._asdict()) for o, f in figures.items() if f != ZERO]
    )


def _rows(timeline: Timeline, since: dt.date, previous: Figures) -> Timeline:
    """The rows to keep from `since` on, given the counts in force just before it: only where a value changes."""
    rows = []
    at = bisect.bisect_right(timeline, since, key=_day) - 1
    start = [(since, timeline[at][1] if at >= 0 else ZERO)]
    for day, figures in start + timeline[at + 1 :]:
        if figures != previous:
            rows.append((day, figures))
            previous = figures
    return rows


def _write_dated(m: _Models, timelines: dict[int, Timeline], dated: dict[int, dt.date]) -> None:
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for org_id, day in dated.items():
        by_day[day].append(org_id)
    for since, org_ids in by_day.items():
        before = _stored_on(m, org_ids, since - dt.timedelta(days=1)) if since > BEGINNING else {}
        m.OrgFigures.objects.filter(organization_id__in=org_ids, day__gte=since).delete()
        _insert_dated(
            m,
            [
                (org_id, day, figures)
                for org_id in org_ids
                for day, figures in _rows(timelines.get(org_id, []), since, before.get(org_id, ZERO))
            ],
        )


def _insert_dated(m: _Models, rows: list[tuple[int, dt.date, Figures]]) -> None:
    """INSERT … VALUES through the cursor: bulk_create builds a model and prepares each value through its field, which
    is most of a rebuild's time (115,000 rows at scale 10); six plain columns need none of that."""
    if not rows:
        return
    connection = transaction.get_connection()
    meta, quote = m.OrgFigures._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ("organization", "day", *FIELDS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * (2 + len(FIELDS)))})"
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [(org_id, adapt(day), *figures) for org_id, day, figures in rows[start : start + BATCH]]
            )


def _units(m: _Models, org_ids: set[int]) -> dict[int, int | None]:
    """The units these organisations covered at some time and every department under them: unit -> parent unit."""
    parents = dict(
        m.WorkUnit.objects.filter(
            pk__in=m.UnitCoverage.objects.filter(organization_id__in=org_ids).values("unit_id")
        ).values_list("pk", "parent_id")
    )
    frontier = set(parents)
    while frontier:
        children = dict(m.WorkUnit.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id"))
        frontier = set(children) - set(parents)
        parents.update(children)
    return parents


def _coverage_timelines(m: _Models, parents: dict[int, int | None], everything: bool):
    """unit -> who covers it over time, [(from day, organisation or None)], as registry.indicators reads a day: the
    unit's own coverage in force (the latest begun), else its parent unit's. Parents outside `parents` count as
    uncovered: an organisation of the batch covering one of them would have put its units in `parents`."""
    rows = m.UnitCoverage.objects.all() if everything else m.UnitCoverage.objects.filter(unit_id__in=list(parents))
    own_rows: dict[int, list[tuple[dt.date, dt.date, int, int]]] = defaultdict(list)
    for unit_id, start, end, pk, org_id in rows.values_list(
        "unit_id", "valid_from", "valid_to", "pk", "organization_id"
    ):
        own_rows[unit_id].append((start, end or END, pk, org_id))
    made: dict[int, list[tuple[dt.date, int | None]]] = {}

    def own(unit_id: int) -> list[tuple[dt.date, int | None]]:
        spans = own_rows.get(unit_id, [])
        days = sorted({BEGINNING, *(s for s, _e, _p, _o in spans), *(e for _s, e, _p, _o in spans if e != END)})
        out = []
        for day in days:
            in_force = [(s, p, o) for s, e, p, o in spans if s <= day < e]
            out.append((day, max(in_force)[2] if in_force else None))
        return out

    def effective(unit_id: int) -> list[tuple[dt.date, int | None]]:
        if unit_id not in made:
            mine, parent = own(unit_id), parents.get(unit_id)
            if parent is None or parent not in parents:
                made[unit_id] = _compressed(mine)
            else:
                theirs = effective(parent)
                days = sorted({d for d, _o in mine} | {d for d, _o in theirs})
                made[unit_id] = _compressed(
                    [(d, _at(mine, d) if _at(mine, d) is not None else _at(theirs, d)) for d in days]
                )
        return made[unit_id]

    return effective


def _at(timeline: list[tuple[dt.date, int | None]], day: dt.date) -> int | None:
    index = _index(timeline, day)
    return timeline[index][1] if index >= 0 else None


def _index(timeline: list, day: dt.date) -> int:
    return bisect.bisect_right(timeline, day, key=_day) - 1


def _compressed(timeline: list[tuple[dt.date, int | None]]) -> list[tuple[dt.date, int | None]]:
    out: list[tuple[dt.date, int | None]] = []
    for day, value in timeline:
        if not out or out[-1][1] != value:
            out.append((day, value))
    return out


def _pieces(timeline: list[tuple[dt.date, int | None]], lo: dt.date, hi: dt.date) -> Iterator[tuple]:
    """The parts of [lo, hi) and who covers each: (from, to, organisation)."""
    index = max(_index(timeline, lo), 0)
    while index < len(timeline) and timeline[index][0] < hi:
        start = timeline[index][0]
        end = timeline[index + 1][0] if index + 1 < len(timeline) else END
        if max(start, lo) < min(end, hi) and timeline[index][1] is not None:
            yield max(start, lo), min(end, hi), timeline[index][1]
        index += 1


def _membership_spans(events) -> Iterator[tuple[int, dt.date, dt.date, str, int]]:
    """(person, from, to, status, organisation) of each membership between its event days: the state after the last
    event of a day holds until the next event day (registry.indicators._own_counts_on)."""
    by_membership: dict[int, list] = defaultdict(list)
    for membership_id, person_id, on, status, org_id in events:
        states = by_membership[membership_id]
        if states and states[-1][1] == on:
            states.pop()
        states.append((person_id, on, status, org_id))
    for states in by_membership.values():
        for index, (person_id, on, status, org_id) in enumerate(states):
            end = states[index + 1][1] if index + 1 < len(states) else END
            yield person_id, on, end, status, org_id


def _union(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    out: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _timelines(m: _Models, org_ids: set[int] | None, since: dt.date) -> dict[int, Timeline]:
    """Each organisation's own counts from `since` on (all organisations when org_ids is None): the counts on `since`
    first, then each later day they change. What ended by `since` is not read: it counts on no day from then on."""
    everything = org_ids is None
    if everything:
        parents = dict(m.WorkUnit.objects.values_list("pk", "parent_id"))
    else:
        parents = _units(m, org_ids)
    coverage = _coverage_timelines(m, parents, everything)

    def wanted(org_id: int | None) -> bool:
        return org_id is not None and (everything or org_id in org_ids)

    deltas: dict[int, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))

    def count(org_id: int, start: dt.date, end: dt.date, which: int) -> None:
        deltas[org_id][start][which] += 1
        if end != END:
            deltas[org_id][end][which] -= 1

    assignments = m.Assignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
    events = m.MembershipEvent.objects.all()
    if not everything:
        assignments = assignments.filter(unit_id__in=list(parents))
        events = events.filter(
            Q(
                membership_id__in=m.MembershipEvent.objects.filter(organization_after_id__in=org_ids).values(
                    "membership"
                )
            )
            | Q(membership__person_id__in=assignments.values("person_id"))
        )
    events = events.order_by("membership_id", "on", "id").values_list(
        "membership_id", "membership__person_id", "on", "status_after", "organization_after_id"
    )
    member_spans: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for person_id, start, end, status, org_id in _membership_spans(events):
        if status in ACTIVE:
            member_spans[person_id].append((start, end))
            if wanted(org_id):
                count(org_id, start, end, OFFICIAL if status == MembershipStatus.OFFICIAL else PROBATIONARY)
    member_spans = {person_id: _union(spans) for person_id, spans in member_spans.items()}
    for person_id, unit_id, start, end in assignments.values_list("person_id", "unit_id", "valid_from", "valid_to"):
        for lo, hi, org_id in _pieces(coverage(unit_id), start, end or END):
            if wanted(org_id):
                count(org_id, lo, hi, STAFF)
                for member_from, member_to in member_spans.get(person_id, ()):
                    if max(lo, member_from) < min(hi, member_to):
                        count(org_id, max(lo, member_from), min(hi, member_to), STAFF_MEMBERS)
    return {org_id: _sweep(days, since) for org_id, days in deltas.items()}


def _sweep(days: dict[dt.date, list[int]], since: dt.date) -> Timeline:
    """The running sums of the changes: the counts on `since`, then on each later day they change."""
    value = [0, 0, 0, 0]
    ordered = sorted(days)
    for day in ordered:
        if day <= since:
            value = [a + b for a, b in zip(value, days[day], strict=True)]
    timeline: Timeline = [(since, Figures(*value))]
    for day in ordered:
        if day > since:
            value = [a + b for a, b in zip(value, days[day], strict=True)]
            if Figures(*value) != timeline[-1][1]:
                timeline.append((day, Figures(*value)))
    return timeline
