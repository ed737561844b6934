"""Deadlines kept on the candidate (issue #14): written by pipeline.due.store() on every change, read by SQL.

The truth is due.timing(), the from-scratch computation from the step dates and today's calendar: random sequences
of domain operations (steps with random dates, pauses and resumes, transfers, days added to, moved in and removed
from the working-day calendar) must leave every kept field equal to it, and every page that reads the kept fields
must cost a number of queries that does not grow with the number of candidates.
"""

import datetime as dt
import importlib
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketnap.audit.context import SYSTEM
from ketnap.pipeline import domain, due
from ketnap.pipeline.calendar import forget
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import CalendarOverride, Candidate
from ketnap.pipeline.transitions import available
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.services import organizations, people
from ketnap.registry.services.dates import today
from ketnap.rules import deadlines
from ketnap.rules.workdays import Calendar
from tests import factories as f

D = dt.date
ACCEPTED = "Ghi nhận thử: bước đã diễn ra"  # back entry: what the rules would block is accepted, so any date goes


def truth(candidate_ids=None) -> dict[int, tuple[str, due.StepDates]]:
    """Each candidate's stage and step dates, read afresh (the input of the from-scratch computation)."""
    candidates = Candidate.objects.all() if candidate_ids is None else Candidate.objects.filter(pk__in=candidate_ids)
    dates = due.step_dates(candidates)
    return {pk: (stage, dates.get(pk, {})) for pk, stage in candidates.values_list("pk", "stage")}


def assert_kept_is_the_truth(probe: dt.date) -> None:
    """Every candidate's kept fields give the deadline and, on the days around it, the urgency that due.timing()
    computes from scratch; the SQL counts, overdue counts and order agree with it too."""
    facts = truth()
    expected_counts: Counter = Counter()
    expected_overdue: Counter = Counter()
    order = []
    for candidate in Candidate.objects.select_related("person"):
        stage, dates = facts[candidate.pk]
        found = due.timing(stage, dates, probe)
        assert candidate.due_on == found.due, (candidate.pk, stage, dates)
        days = [probe]
        if found.due:
            days += [found.due + dt.timedelta(days=n) for n in range(-16, 2)]
        for day in days:
            expected = due.timing(stage, dates, day).urgency
            assert due.urgency_of(candidate.due_on, candidate.due_soon_on, day) == expected, (candidate.pk, day)
        if candidate.open:
            expected_counts[found.urgency] += 1
            if found.urgency == "overdue":
                expected_overdue[candidate.organization_id] += 1
            key = (due.URGENCY_ORDER[found.urgency], found.due or dt.date.max, candidate.person.sort_key, candidate.pk)
            order.append((key, candidate.pk))
        else:
            assert (candidate.due_on, candidate.due_soon_on) == (None, None)
    assert due.counts_of(Candidate.objects.all(), probe) == {u: expected_counts[u] for u in due.URGENCY_ORDER}
    for urgency in due.URGENCY_ORDER:  # one urgency asked alone: counted through its own filter
        assert due.counts_of(Candidate.objects.all(), probe, (urgency,)) == {urgency: expected_counts[urgency]}
    assert due.overdue_counts(Candidate.objects.all(), probe)[0] == dict(expected_overdue)
    assert list(due.ordered(Candidate.objects.all()).values_list("pk", flat=True)) == [pk for _, pk in sorted(order)]
    assert due.differences(Candidate.objects.all()) == []


# --- the rule the kept "soon" date stands for ----------------------------------------------------------------
DUE_DAYS = st.dates(D(2019, 1, 1), D(2028, 12, 31))


@given(due_day=DUE_DAYS, late=st.integers(1, 3))
def test_after_the_due_day_a_deadline_is_overdue(due_day, late):
    assert deadlines.urgency(due_day, due_day + dt.timedelta(days=late), Calendar()) == "overdue"


@given(due_day=DUE_DAYS, data=st.data())
def test_from_soon_from_to_the_due_day_a_deadline_is_soon(due_day, data):
    calendar = Calendar()
    first = deadlines.soon_from(due_day, calendar)
    day = first + dt.timedelta(days=data.draw(st.integers(0, (due_day - first).days), label="after soon_from"))
    assert deadlines.urgency(due_day, day, calendar) == "soon"


@given(due_day=DUE_DAYS, early=st.integers(1, 40))
def test_before_soon_from_a_deadline_is_ok(due_day, early):
    calendar = Calendar()
    day = deadlines.soon_from(due_day, calendar) - dt.timedelta(days=early)
    assert deadlines.urgency(due_day, day, calendar) == "ok"


# --- random histories ------------------------------------------------------------------------------------------
def _step_data(candidate, name: str, draw, cell_members) -> dict:
    last = candidate.steps.order_by("-on").values_list("on", flat=True).first() or candidate.started_on
    latest = today()
    on = min(last + dt.timedelta(days=draw(st.integers(0, 500))), latest)
    data = {"on": on, "accepted_reason": ACCEPTED, "document_number": "1", "issuer": "Đảng ủy", "reason": "Thử"}
    if name in {StepKind.DECISION, StepKind.RECOGNITION_DECISION} and draw(st.booleans()):
        data["received_on"] = min(on + dt.timedelta(days=draw(st.integers(0, 20))), latest)
    if name in {StepKind.CELL_RESOLUTION, StepKind.RECOGNITION_CELL_RESOLUTION, StepKind.REMOVE}:
        data |= {"members_total": 4, "votes_for": 4}
    if name in {StepKind.COMMITTEE_RESOLUTION, StepKind.RECOGNITION_COMMITTEE_RESOLUTION}:
        data |= {"members_total": 7, "votes_for": 6}
    if name == StepKind.SYMPATHISE:
        data["helpers"] = cell_members[:1]
    if name == StepKind.CEREMONY:
        data["mentor"] = cell_members[1]
    return data


def _a_step(draw, actor, cell_members) -> None:
    open_ = list(Candidate.objects.exclude(stage__in=Stage.terminal()).select_related("organization__parent"))
    if not open_:
        return
    candidate = draw(st.sampled_from(open_))
    offered = [t.name for t in available(candidate)]
    name = draw(st.sampled_from(offered))
    try:
        domain.transition(
            candidate, name, actor=actor, data=_step_data(candidate, name, draw, cell_members), back_entry=True
        )
    except ValidationError:
        pass  # refused (a date before the person's record, a membership clash): nothing was written


def _a_calendar_change(draw) -> None:
    existing = list(CalendarOverride.objects.all())
    dues = list(Candidate.objects.exclude(due_on=None).values_list("due_on", flat=True))
    near = [d - dt.timedelta(days=n) for d in dues for n in (0, 3, 20)] or [D(2024, 6, 3)]
    what = draw(st.sampled_from(["add", "add", "remove", "move", "remove_many"] if existing else ["add"]))
    if what == "add":
        day = draw(st.sampled_from(near)) - dt.timedelta(days=draw(st.integers(0, 40)))
        found = CalendarOverride.objects.filter(day=day).first() or CalendarOverride(day=day, reason="Thử")
        found.kind = draw(st.sampled_from(["off", "work"]))
        found.source = "CV thử"
        found.save()  # what the admin's form does
    elif what == "remove":
        draw(st.sampled_from(existing)).delete()
    elif what == "remove_many":  # the admin's "delete selected"
        CalendarOverride.objects.filter(pk__in=[o.pk for o in existing[:2]]).delete()
    else:
        moved = draw(st.sampled_from(existing))
        day = draw(st.sampled_from(near)) + dt.timedelta(days=draw(st.integers(-10, 10)))
        if not CalendarOverride.objects.filter(day=day).exists():
            moved.day = day
            moved.save()


def _a_transfer(draw, departments) -> None:
    """The person moves to another department: the register carries the candidacy over (domain.follow_person)."""
    open_ = list(Candidate.objects.exclude(stage__in=Stage.terminal()).select_related("person"))
    if not open_:
        return
    person = draw(st.sampled_from(open_)).person
    unit = draw(st.sampled_from([d for d in departments if d.pk != person.work_unit_id]))
    since = person.assignments.filter(valid_to__isnull=True).values_list("valid_from", flat=True).first()
    on = min(since + dt.timedelta(days=draw(st.integers(1, 2000))), today())
    try:
        people.change_work_unit(person, unit, on=on, actor=SYSTEM)
    except ValidationError:
        pass


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,  # the same histories on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_histories_keep_the_deadline_the_steps_and_calendar_give(world, personas, cell, road_world, data):
    persons, departments = road_world
    actor = personas.superuser
    with transaction.atomic():
        forget()  # the calendar of the previous example was rolled back with it
        for person in persons:
            started = D(2019, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 2400), label="started"))
            domain.create_candidate(person, actor=actor, on=started)
        if data.draw(st.booleans(), label="adopt"):
            domain.adopt_probationary(world.dung.memberships.get(), actor=actor)
        assert_kept_is_the_truth(today())
        for _ in range(data.draw(st.integers(1, 14), label="operations")):
            kind = data.draw(st.sampled_from(["step", "step", "step", "calendar", "transfer"]), label="operation")
            if kind == "step":
                _a_step(data.draw, actor, cell)
            elif kind == "calendar":
                _a_calendar_change(data.draw)
            else:
                _a_transfer(data.draw, departments)
            assert_kept_is_the_truth(today())
        transaction.set_rollback(True)
    forget()


def test_a_merged_chi_bo_passes_its_candidates_on_with_their_deadlines(world, personas, cell):
    """Succession (domain.follow_succession): the candidacy follows the chi bộ and keeps its clock."""
    membership = world.dung.memberships.get()
    candidate = domain.adopt_probationary(membership, actor=personas.superuser)
    kept = (candidate.due_on, candidate.due_soon_on)
    assert kept[0] == deadlines.recognition_review_due(membership.ceremony_date).due
    organizations.merge([world.cell_a2], into=world.cell_a1, on=today(), actor=SYSTEM)
    candidate.refresh_from_db()
    assert candidate.organization == world.cell_a1
    assert (candidate.due_on, candidate.due_soon_on) == kept
    assert_kept_is_the_truth(today())


def test_a_day_off_added_in_the_admin_moves_the_kept_deadline(client, world, personas, cell):
    """The admin's form (where the calendar is edited) recounts the deadlines across the day, in bulk."""
    membership = world.dung.memberships.get()
    membership.ceremony_date = D(2023, 8, 10)
    membership.save()
    candidate = domain.adopt_probationary(membership, actor=personas.superuser)
    # probation ends Sat 10/08/2024; 30 working days: Aug 12–16 (5), 19–23 (10), 26–30 (15); 2 and 3/9/2024 off;
    # Sep 4–6 (18), 9–13 (23), 16–20 (28), 23 (29), Tue 24/09/2024 (30)
    assert candidate.due_on == D(2024, 9, 24)
    client.force_login(personas.superuser)
    response = client.post(
        reverse("admin:pipeline_calendaroverride_add"),
        {"day": "2024-09-06", "kind": "off", "reason": "Nghỉ thử", "source": "CV 1/VPCP"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.due_on == D(2024, 9, 25)  # one more day off before the end: one day later
    override = CalendarOverride.objects.get()
    response = client.post(reverse("admin:pipeline_calendaroverride_delete", args=[override.pk]), {"post": "yes"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.due_on == D(2024, 9, 24)
    assert_kept_is_the_truth(today())


def test_the_migration_fills_the_deadlines_of_existing_candidates(world, personas, cell):
    """pipeline 0006 fills the new fields from the step dates (here on the current models, which have them)."""
    from django.apps import apps

    fill = importlib.import_module("ketnap.pipeline.migrations.0006_kept_deadlines").fill
    domain.adopt_probationary(world.dung.memberships.get(), actor=personas.superuser)
    domain.create_candidate(world.binh, actor=personas.superuser, on=D(2024, 1, 8))
    Candidate.objects.update(due_on=None, due_soon_on=None)  # as before the migration
    fill(apps, SimpleNamespace(connection=connection))
    assert Candidate.objects.exclude(due_on=None).count() == 1  # the source stage has no clock
    assert_kept_is_the_truth(today())


def test_rebuild_deadlines_reports_drift_and_repairs_it(world, personas, cell, capsys):
    candidate = domain.adopt_probationary(world.dung.memberships.get(), actor=personas.superuser)
    call_command("rebuild-deadlines", "--check")
    assert "Mọi hạn đã lưu đều đúng" in capsys.readouterr().out
    right = candidate.due_on
    Candidate.objects.filter(pk=candidate.pk).update(due_on=D(2030, 1, 1))  # written beside the application
    with pytest.raises(Exception, match="1 hồ sơ có hạn đã lưu khác"):
        call_command("rebuild-deadlines", "--check")
    assert f"tính lại {right:%d/%m/%Y}" in capsys.readouterr().out
    candidate.refresh_from_db()
    assert candidate.due_on == D(2030, 1, 1)  # --check wrote nothing
    call_command("rebuild-deadlines")
    assert "1 hồ sơ thay đổi" in capsys.readouterr().out
    candidate.refresh_from_db()
    assert candidate.due_on == right


# --- query counts that do not grow with the candidates -------------------------------------------------------
def _probationers(world, how_many: int, start: int) -> None:
    """`how_many` probationary members in A1 and A2 on the road to recognition (some overdue, some not)."""
    actor = f.user(f"nhap-{start}", superuser=True)
    for n in range(start, start + how_many):
        cell_, unit = (world.cell_a1, world.dept_a1) if n % 2 else (world.cell_a2, world.dept_a2)
        person = f.person(unit, f"Phan Văn Người{chr(0x61 + n % 26)}{n}", born=D(1990, 1, 1))
        ceremony = today() - dt.timedelta(days=(600 if n % 2 else 200) + n)  # recognition overdue, or not yet due
        membership = f.member(person, cell_, status=MembershipStatus.PROBATIONARY, decision=ceremony)
        domain.adopt_probationary(membership, actor=actor)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # the step dates of the rows shown, once; never everyone's (the download is built only when asked for)
    assert sum('"pipeline_step"' in q["sql"] for q in captured) <= 1
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/viec-can-lam/",
        "/viec-can-lam/?han=qua-han",
        "/viec-can-lam/?han=con-han&trang=2",
        "/ung-vien/?giai-doan=probation",
        "/",
    ],
)
def test_due_pages_cost_the_same_queries_whatever_the_number_of_candidates(client, world, personas, url):
    client.force_login(personas.office_a)
    _probationers(world, 4, 0)
    few = _queries(client, url)
    _probationers(world, 40, 4)
    assert Candidate.objects.count() == 44
    assert _queries(client, url) == few


def test_the_home_page_rolls_up_the_overdue_counts_of_the_kept_deadlines(client, world, personas):
    _probationers(world, 12, 0)
    facts = truth()
    overdue = Counter(
        c.organization_id
        for c in Candidate.objects.all()
        if due.timing(c.stage, facts[c.pk][1], today()).urgency == "overdue"
    )
    assert overdue  # the history above has some
    client.force_login(personas.office_a)
    page = client.get("/")
    rows = {n.org_id: n for n in page.context["rows"]}
    assert rows[world.cell_a1.pk].overdue == overdue[world.cell_a1.pk]
    assert rows[world.hospital_a.pk].overdue == overdue[world.cell_a1.pk] + overdue[world.cell_a2.pk]
    counts = page.context["due_counts"]
    assert counts["overdue"] == sum(overdue.values()) and sum(counts.values()) == 12
