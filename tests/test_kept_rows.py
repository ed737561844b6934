"""The rows stats.figures keeps for the statistics of a province (issue 14) against their from-scratch computation:
the candidates' stays (KeptStay, what the funnel counts), the admissions (KeptAdmission) and the members' active spans
(KeptMemberSpan, what biểu 3 counts).

Random histories of the pipeline (steps with random dates, adoptions, transfers) must leave the funnel's tables, on
today and on every day something happened, equal to those the funnel computed from every step before the rows were
kept (`reference_tables`: that code, kept here as the truth). The registry's random histories of tests/test_figures.py
check the admissions and member spans too (assert_kept_equals_from_scratch). Switching a follower off leaves a
difference that the check finds: the rows are written by the followers, not by the readers.
"""

import datetime as dt
import itertools
import statistics

import pytest
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap.audit.context import SYSTEM
from ketnap.pipeline import domain
from ketnap.pipeline.calendar import forget
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate, Step
from ketnap.registry.enums import MembershipEventKind, MembershipStatus
from ketnap.registry.models import CodeItem, MembershipEvent, PartyMembership, WorkUnit
from ketnap.registry.services import people
from ketnap.registry.services.dates import today
from ketnap.stats import admissions, figures, funnel, pool
from ketnap.stats.models import CurrentUnitFigures, KeptAdmission, KeptMemberSpan, KeptStay
from ketnap.stats.periods import Period
from tests import factories as f
from tests.test_due_kept import _a_step, _a_transfer

D = dt.date


# --- the funnel as it was computed from every step (the truth the kept stays are checked against) ---------------
def _reference_roads(org, day) -> list[tuple[int, list[tuple[str, dt.date]]]]:
    """(person, [(stage entered, on)]) of each candidate of the subtree, from its steps up to `day`."""
    attribution = admissions.Attribution(set(funnel.subtree_on(org, day)), org)
    candidates = list(
        Candidate.objects.filter(attribution.org_q("organization"), started_on__lte=day).values_list(
            "pk", "person_id", "organization_id", "started_on", "stage"
        )
    )
    attribution.prepare({c[2] for c in candidates})
    roads = []
    for pk, person_id, org_id, started_on, stage in candidates:
        if attribution.node_for(org_id) is None:
            continue
        own = list(
            Step.objects.filter(candidate_id=pk, on__lte=day).order_by("on", "id").values_list("on", "stage_after")
        )
        first_before = (
            Step.objects.filter(candidate_id=pk, on__lte=day)
            .order_by("on", "id")
            .values_list("stage_before", flat=True)
        )
        entries: list[tuple[str, dt.date]] = []
        if not own:
            entries.append((stage if day >= today() else Stage.SOURCE, started_on))
        elif first_before[0] == Stage.SOURCE:
            entries.append((Stage.SOURCE, started_on))
        for on, after in own:
            if not entries or after != entries[-1][0]:
                entries.append((after, on))
        roads.append((person_id, entries))
    return roads


def reference_tables(org, day, period: Period | None) -> dict:
    roads = _reference_roads(org, day)
    spans: dict[str, list[int]] = {s: [] for s in funnel.ROAD}
    for _person, entries in roads:
        for (stage, start), (_next, end) in itertools.pairwise(entries):
            if stage in spans:
                spans[stage].append((end - start).days)
    opened = [(person, entries[-1]) for person, entries in roads if entries[-1][0] in funnel.ROAD]
    limits = {s: funnel._p75(spans[s]) for s in funnel.ROAD}
    stalled = [
        (person, stage)
        for person, (stage, since) in opened
        if limits[stage] is not None and (day - since).days > limits[stage]
    ]
    conversion = {s: [0, 0, 0, 0] for s in funnel.ROAD}
    for _person, entries in roads:
        seen: set[str] = set()
        for i, (stage, on) in enumerate(entries):
            if stage not in conversion or stage in seen or (period is not None and not period.contains(on)):
                continue
            seen.add(stage)
            furthest = max([0] + [funnel.RANK.get(s, -1) for s, _on in entries[i + 1 :]])
            counts = conversion[stage]
            counts[0] += 1
            if furthest > funnel.RANK[stage]:
                counts[1] += 1
            elif entries[-1][0] == stage:
                counts[2] += 1
            elif entries[-1][0] in funnel.EXITS:
                counts[3] += 1
    return {
        "stages": {s: sum(1 for _p, (stage, _since) in opened if stage == s) for s in funnel.ROAD},
        "spans": {s: (len(v), statistics.median(v) if v else None, limits[s]) for s, v in spans.items()},
        "stalled": sorted(stalled),
        "conversion": conversion,
        "people": sorted((person, stage) for person, (stage, _since) in opened),
    }


def _by_stage(table) -> dict[str, dict]:
    """A funnel table's rows by stage, each its values by column key."""
    return {
        cells["stage"]: cells
        for cells in (dict(zip([c.key for c in table.columns], r.values, strict=True)) for r in table.rows)
    }


def kept_tables(org, day, period: Period | None) -> dict:
    road = funnel.Funnel(org, day)
    stages = {stage: cells["count"] for stage, cells in _by_stage(road.stages()).items()}
    durations, conversion = _by_stage(road.durations()), _by_stage(road.conversion(period))
    label = {s: str(Stage(s).label) for s in funnel.ROAD}
    return {
        "stages": {s: stages[label[s]] for s in funnel.ROAD},
        "spans": {s: tuple(durations[label[s]][k] for k in ("finished", "median", "threshold")) for s in funnel.ROAD},
        "stalled": sorted((p, s) for s in funnel.ROAD for p in road.stalled_people(s)),
        "conversion": {
            s: [conversion[label[s]][k] for k in ("entered", "went_on", "still", "left")] for s in funnel.ROAD
        },
        "people": sorted((p, s) for s in funnel.ROAD for p in road.people_at(s)),
    }


def _days_of_the_roads() -> list[dt.date]:
    days = {today()}
    for on in [*Step.objects.values_list("on", flat=True), *Candidate.objects.values_list("started_on", flat=True)]:
        days |= {on, on - dt.timedelta(days=1)}
    return sorted(days)


def assert_the_funnel_is_the_funnel_of_the_steps(orgs) -> None:
    figures.catch_up()
    assert figures._stay_differences(figures.LIVE, {}) == []
    for org in orgs:
        for day in _days_of_the_roads():
            for period in (None, Period(dt.date(day.year, 1, 1), day)):
                assert kept_tables(org, day, period) == reference_tables(org, day, period), (org.code, day, period)


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,  # the same histories on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_roads_keep_the_stays_the_steps_give(world, personas, cell, road_world, data):
    persons, departments = road_world
    actor = personas.superuser
    orgs = [world.hospital_a, world.upper]
    with transaction.atomic():
        forget()
        for person in persons:
            started = D(2019, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 2400), label="started"))
            domain.create_candidate(person, actor=actor, on=started)
        if data.draw(st.booleans(), label="adopt"):
            domain.adopt_probationary(world.dung.memberships.get(), actor=actor)
        for _ in range(data.draw(st.integers(1, 10), label="operations")):
            if data.draw(st.sampled_from(["step", "step", "step", "transfer"]), label="operation") == "step":
                _a_step(data.draw, actor, cell)
            else:
                _a_transfer(data.draw, departments)
            for org in orgs:  # looked at between the writes: what is kept of it (stats.kept_counts) must not stay
                kept_tables(org, today(), None)
                kept_tables(org, D(2023, 6, 30), Period(D(2023, 1, 1), D(2023, 6, 30)))
        assert_the_funnel_is_the_funnel_of_the_steps(orgs)
        transaction.set_rollback(True)
    forget()


# --- the registry's rows: admissions and member spans, computed naively ------------------------------------------
def naive_admissions() -> set[tuple]:
    """(membership, person, chi bộ, decided on, readmission) of each membership whose first event (by day, then id)
    is an entry and which has a decision date."""
    first: dict[int, MembershipEvent] = {}
    for event in MembershipEvent.objects.select_related("membership").order_by("on", "id"):
        first.setdefault(event.membership_id, event)
    entries = {MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED}
    return {
        (
            e.membership_id,
            e.membership.person_id,
            e.organization_after_id,
            e.membership.decision_date,
            e.membership.is_readmission,
        )
        for e in first.values()
        if e.kind in entries and e.membership.decision_date is not None
    }


def naive_members_on(day: dt.date) -> set[tuple]:
    """(membership, person, chi bộ, status, first decision) of each membership active on `day`: its last event on or
    before the day."""
    last: dict[int, MembershipEvent] = {}
    for event in MembershipEvent.objects.select_related("membership").filter(on__lte=day).order_by("on", "id"):
        last[event.membership_id] = event
    firsts: dict[int, dt.date] = {}
    for person_id, decided in PartyMembership.objects.exclude(decision_date=None).values_list(
        "person_id", "decision_date"
    ):
        firsts[person_id] = min(decided, firsts.get(person_id, decided))
    return {
        (
            e.membership_id,
            e.membership.person_id,
            e.organization_after_id,
            e.status_after,
            firsts.get(e.membership.person_id),
        )
        for e in last.values()
        if e.status_after in MembershipStatus.active()
    }


def kept_members_on(day: dt.date) -> set[tuple]:
    spans = KeptMemberSpan.objects.filter(starts_on__lte=day).exclude(ends_on__lte=day)
    return set(spans.values_list("membership_id", "person_id", "organization_id", "status", "first_decided_on"))


def assert_kept_rows_equal_the_naive_ones(days) -> None:
    figures.catch_up()
    kept = set(
        KeptAdmission.objects.values_list(
            "membership_id", "person_id", "organization_id", "decided_on", "is_readmission"
        )
    )
    assert kept == naive_admissions()
    for day in days:
        assert kept_members_on(day) == naive_members_on(day), day


def _nonzero(per_org: dict) -> dict:
    return {org_id: {k: v for k, v in c.items() if v} for org_id, c in per_org.items() if any(c.values())}


def reference_pool(org) -> tuple[dict, dict]:
    """Today's staff per unit and pool profile per organisation, counted over the people (as before they were kept)."""
    staff = pool.Staff(org, today())
    rows, person, unit = staff.rows()
    counted = rows.order_by().values(unit).annotate(staff=Count("pk"), members=Count("pk", filter=Q(member=True)))
    per_unit = {row[unit]: (row["staff"], row["members"]) for row in counted}
    per_org = {}
    for row in rows.filter(member=False).order_by().values("organization_id").annotate(**staff._profile(person)):
        per_org[row["organization_id"]] = staff._counter(row)
    return per_unit, _nonzero(per_org)


def _by_parent(per_unit: dict) -> dict:
    """Each unit's (staff, members) summed into its parent unit (a unit without one keeps its own)."""
    parents = dict(WorkUnit.objects.values_list("pk", "parent_id"))
    out: dict = {}
    for unit_id, (n, members) in per_unit.items():
        into = parents[unit_id] or unit_id
        staff, counted = out.get(into, (0, 0))
        out[into] = (staff + n, counted + members)
    return {unit_id: counts for unit_id, counts in out.items() if counts[0]}


def assert_the_pool_is_the_pool_of_the_people(orgs) -> None:
    for org in orgs:
        staff = pool.Staff(org, today())
        per_unit, per_org = reference_pool(org)
        assert (staff.per_unit(), _nonzero(staff.per_org)) == (per_unit, per_org), org.code
        by_parent = {unit_id: counts for unit_id, counts in staff.per_unit(by_parent=True).items() if counts[0]}
        assert by_parent == _by_parent(per_unit), org.code


# --- switched off, the check finds it -------------------------------------------------------------------------
def test_without_the_follower_a_step_leaves_the_stays_behind(world, personas, cell, monkeypatch):
    domain.create_candidate(world.binh, actor=personas.superuser, on=D(2024, 1, 8))
    figures.catch_up()
    assert figures.differences() == []
    monkeypatch.setattr(figures, "_write_stays", lambda m, candidate_ids: None)  # the follower switched off
    domain.adopt_probationary(world.dung.memberships.get(), actor=personas.superuser)
    figures.catch_up()
    assert any("quá trình phát triển đảng viên" in line for line in figures.differences())


def test_without_the_announcement_an_admission_is_not_kept(world, monkeypatch):
    figures.catch_up()
    monkeypatch.setattr(figures, "_write_kept_rows", lambda m, org_ids: set())  # the follower switched off
    person = f.person(world.dept_a1, "Lê Thị Mới", born=D(1992, 2, 2))
    people.register_membership(
        person,
        organization=world.cell_a1,
        status=MembershipStatus.PROBATIONARY,
        decision_date=D(2025, 3, 1),
        ceremony_date=D(2025, 3, 1),
        kind=MembershipEventKind.ADMITTED,
        on=D(2025, 3, 1),
        actor=SYSTEM,
    )
    figures.catch_up()
    found = figures.differences()
    assert any("kết nạp" in line for line in found) and any("đảng viên theo ngày" in line for line in found)
    with pytest.raises(AssertionError):
        assert_kept_rows_equal_the_naive_ones([D(2025, 3, 1)])
    monkeypatch.undo()
    figures.rebuild()
    assert figures.differences() == []
    assert_kept_rows_equal_the_naive_ones([D(2025, 3, 1)])


def test_without_the_follower_an_edited_profession_leaves_the_pool_behind(world, monkeypatch):
    figures.catch_up()
    assert_the_pool_is_the_pool_of_the_people([world.hospital_a])
    nurse = CodeItem.objects.filter(kind="profession").order_by("position").first()
    monkeypatch.setattr(figures, "_write_units", lambda m, org_ids: set())  # the follower switched off
    people.update_person(world.binh, profession=nurse, actor=SYSTEM)
    with pytest.raises(AssertionError):
        assert_the_pool_is_the_pool_of_the_people([world.hospital_a])
    assert any("theo khoa/phòng" in line for line in figures.differences())
    monkeypatch.undo()
    people.update_person(world.binh, youth_union_member=not world.binh.youth_union_member, actor=SYSTEM)
    assert_the_pool_is_the_pool_of_the_people([world.hospital_a, world.upper])
    assert figures.differences() == []


def test_rebuild_fills_the_kept_rows_from_scratch(world, personas, cell):
    domain.create_candidate(world.binh, actor=personas.superuser, on=D(2024, 1, 8))
    domain.adopt_probationary(world.dung.memberships.get(), actor=personas.superuser)
    figures.catch_up()
    before = (KeptStay.objects.count(), KeptAdmission.objects.count(), KeptMemberSpan.objects.count())
    assert all(before)
    CurrentUnitFigures.objects.all().delete()
    KeptStay.objects.all().delete()
    KeptAdmission.objects.all().delete()
    KeptMemberSpan.objects.all().delete()
    assert len(figures.differences()) >= 4
    figures.rebuild()
    assert figures.differences() == []
    assert (KeptStay.objects.count(), KeptAdmission.objects.count(), KeptMemberSpan.objects.count()) == before
