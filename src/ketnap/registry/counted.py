"""Which organisations' counts a write changes, and from which day: announced through
registry.signals.counts_changed, so that the figures kept above the registry (ketnap.stats.figures) follow every
write without the registry knowing them.

What is counted is registry.indicators' own counts: today, the current people by their responsible organisation
(Person.organization) and the active memberships by chi bộ; on any other day, the assignments in force through the
unit coverage in force (a unit's own, else its parent unit's) and each membership's state after its last event on
or before the day. A change is `{organization id: day}`: that organisation's counts today, and on every day from
`day` on, may differ (None: today's counts only, e.g. a person archived). Announcing broader costs a recompute that
writes nothing; announcing narrower leaves a figure wrong — so where a path cannot say exactly, it says more.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from ketnap.registry.models import Assignment, MembershipEvent, Organization, Person, UnitCoverage, WorkUnit
from ketnap.registry.signals import counts_changed, people_edited

Changes = dict[int, dt.date | None]


def merge(into: Changes, more: Changes) -> Changes:
    """`more` added to `into` (in place): each organisation keeps the earliest day; None (today only) is the latest."""
    for org_id, day in more.items():
        if org_id is None:
            continue
        if org_id not in into or into[org_id] is None:
            into[org_id] = day
        elif day is not None:
            into[org_id] = min(into[org_id], day)
    return into


def edited(person_ids: Iterable[int]) -> None:
    """A bulk write changed these people's or their memberships' recorded fields (no post_save was sent)."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    if ids:
        people_edited.send(sender=Person, person_ids=ids)


def today_only(org_ids: Iterable[int | None]) -> Changes:
    return {org_id: None for org_id in org_ids if org_id is not None}


def announce(*changes: Changes) -> None:
    merged: Changes = {}
    for change in changes:
        merge(merged, change)
    if merged:
        counts_changed.send(sender=Organization, changes=merged)


def coverers(unit_days: dict[int, dt.date]) -> Changes:
    """The organisations covering these units — a unit's own coverage, else a parent unit's — on some day from the one
    given: {organisation: the earliest such day}. Parents' coverers count even where the unit has its own (broader)."""
    parents = _unit_parents(set(unit_days))
    rows_of: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {}
    coverage = UnitCoverage.objects.filter(unit_id__in=list(parents)).values_list(
        "unit_id", "organization_id", "valid_from", "valid_to"
    )
    for unit_id, org_id, start, end in coverage:
        rows_of.setdefault(unit_id, []).append((org_id, start, end))
    found: Changes = {}
    for unit_id, day in unit_days.items():
        current: int | None = unit_id
        while current is not None:
            for org_id, start, end in rows_of.get(current, ()):
                if end is None or end > day:
                    merge(found, {org_id: max(day, start)})
            current = parents.get(current)
    return found


def _unit_parents(units: set[int]) -> dict[int, int | None]:
    """{unit: its parent} for these units and every unit above them, one query per level."""
    parents: dict[int, int | None] = {}
    frontier = units
    while frontier:
        rows = list(WorkUnit.objects.filter(pk__in=frontier).values_list("pk", "parent_id"))
        parents.update(rows)
        frontier = {parent for _unit, parent in rows if parent is not None and parent not in parents}
    return parents


def people_changes(person_ids: Iterable[int], since: dt.date) -> Changes:
    """What a change to these people's work history or memberships from `since` on may change: the organisations
    covering the units they work(ed) in from that day, every chi bộ their memberships were ever in (a back-dated
    event reorders a membership's history), and their responsible organisations today."""
    person_ids = list(person_ids)
    if not person_ids:
        return {}
    unit_days: dict[int, dt.date] = {}
    assignments = Assignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since), person_id__in=person_ids)
    for unit_id, start in assignments.values_list("unit_id", "valid_from"):
        day = max(since, start)
        unit_days[unit_id] = min(unit_days.get(unit_id, day), day)
    changes = coverers(unit_days)
    events = MembershipEvent.objects.filter(membership__person_id__in=person_ids)
    for org_id, on in events.values_list("organization_after_id", "on").distinct():
        merge(changes, {org_id: max(since, on)})
    responsible = Person.objects.filter(pk__in=person_ids).values_list("organization_id", flat=True).distinct()
    return merge(changes, today_only(responsible))
