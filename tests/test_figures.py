"""The kept counts of the organisation tree (stats.figures) against registry.indicators' from-scratch counts: over
random histories written through the services and an import, on today and every day something changed; the home
page's queries not growing with the people; `ketnap rebuild-figures` and its --check."""

import datetime as dt
import io
import itertools

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ketnap.audit.context import SYSTEM
from ketnap.registry import indicators
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import (
    Assignment,
    CodeItem,
    MembershipEvent,
    Organization,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services import organizations, people
from ketnap.registry.services.dates import today
from ketnap.stats import figures
from ketnap.stats.models import CurrentOrgFigures, OrgFigures
from tests import factories as f
from tests.test_kept_rows import assert_kept_rows_equal_the_naive_ones, assert_the_pool_is_the_pool_of_the_people

TODAY = today()
# few distinct days, so that changes fall on the same day, before and after one another (back-dated changes)
DAYS = [dt.date(2016, 1, 1), dt.date(2018, 3, 1), dt.date(2018, 3, 11), dt.date(2020, 7, 1), dt.date(2023, 5, 2)]
DAYS += [TODAY - dt.timedelta(days=1), TODAY]
LATER = TODAY + dt.timedelta(days=30)  # a leaving date announced ahead

day = st.sampled_from(DAYS)
index = st.integers(0, 50)
operations = st.one_of(
    st.tuples(st.just("hire"), index, day),
    st.tuples(st.just("leave"), index, st.sampled_from([*DAYS, LATER, None])),
    st.tuples(st.just("change_unit"), index, index, day),
    st.tuples(st.just("admit"), index, index, st.sampled_from(sorted(MembershipStatus.active())), day),
    st.tuples(st.just("recognise"), index, day),
    st.tuples(st.just("move_member"), index, index, day),
    st.tuples(st.just("end"), index, st.sampled_from(sorted(people.ENDINGS)), day),
    st.tuples(st.just("cover"), index, index, day),
    st.tuples(st.just("archive"), index),
    st.tuples(st.just("merge"), index, index, day),
    st.tuples(st.just("split"), index, day),
    st.tuples(st.just("import"), index, index),
    st.tuples(st.just("edit"), index, index, st.sampled_from(DAYS), st.booleans()),
)
serial = itertools.count(1)


class _Rollback(Exception):
    """Ends one example: its writes are undone before the next."""


def _cells():
    return list(Organization.objects.filter(kind__in=OrgKind.cell_kinds()).order_by("pk"))


def _pick(items, i):
    return items[i % len(items)] if items else None


def _membership(person):
    return person.memberships.filter(status__in=MembershipStatus.active()).first()


def _hire(staff, units, n, unit, on):
    f.person(_pick(units, unit), f"Hà Văn Mới{n}", joined_unit_on=on)


def _leave(staff, units, n, person, on):
    people.update_person(_pick(staff, person), left_on=on, actor=SYSTEM)


def _change_unit(staff, units, n, person, unit, on):
    people.change_work_unit(_pick(staff, person), _pick(units, unit), on=on, actor=SYSTEM)


def _admit(staff, units, n, person, cell, status, on):
    official = on if status == MembershipStatus.OFFICIAL else None
    people.register_membership(
        _pick(staff, person),
        organization=_pick(_cells(), cell),
        status=status,
        decision_date=on,
        ceremony_date=on,
        official_date=official,
        kind=MembershipEventKind.ADMITTED,
        on=on,
        actor=SYSTEM,
    )


def _recognise(staff, units, n, person, on):
    if membership := _membership(_pick(staff, person)):
        people.recognise_official(membership, official_date=on, on=on, actor=SYSTEM)


def _move_member(staff, units, n, person, cell, on):
    if membership := _membership(_pick(staff, person)):
        people.move_membership(membership, _pick(_cells(), cell), on=on, actor=SYSTEM)


def _end(staff, units, n, person, kind, on):
    if membership := _membership(_pick(staff, person)):
        people.end_membership(membership, kind, on=on, actor=SYSTEM)


def _cover(staff, units, n, unit, cell, on):
    organizations.assign_unit(_pick(units, unit), _pick(_cells(), cell), on=on, actor=SYSTEM)


def _archive(staff, units, n, person):
    people.archive_person(_pick(staff, person), reason="Thử", actor=SYSTEM)


def _merge(staff, units, n, source, into, on):
    organizations.merge([_pick(_cells(), source)], into=_pick(_cells(), into), on=on, actor=SYSTEM)


def _edit(staff, units, n, person, code, born, flag):
    """What the pool's profile is counted from: profession, professional level, birth date, youth union, planning."""
    professions = list(CodeItem.objects.filter(kind="profession").order_by("pk"))
    levels = list(CodeItem.objects.filter(kind="professional_level").order_by("pk"))
    people.update_person(
        _pick(staff, person),
        profession=_pick(professions, code),
        professional_level=_pick(levels, code),
        birth_date=born.replace(year=born.year - 20 - code % 25),
        youth_union_member=flag,
        in_cadre_planning=not flag,
        actor=SYSTEM,
    )


WRITES = {
    "edit": _edit,
    "hire": _hire,
    "leave": _leave,
    "change_unit": _change_unit,
    "admit": _admit,
    "recognise": _recognise,
    "move_member": _move_member,
    "end": _end,
    "cover": _cover,
    "archive": _archive,
    "merge": _merge,
}


def _apply(op, tmp_path) -> None:
    kind, *args = op
    staff, units, n = list(Person.objects.order_by("pk")), list(WorkUnit.objects.order_by("pk")), next(serial)
    if kind == "split":
        _split(_pick(_cells(), args[0]), args[1], n)
    elif kind == "import":
        _import(staff, units, args, tmp_path, n)
    else:
        WRITES[kind](staff, units, n, *args)


def _split(source, on, n) -> None:
    covered = [c.unit for c in UnitCoverage.objects.filter(organization=source, valid_to__isnull=True)]
    if not covered or source.parent is None or source.parent.kind not in {OrgKind.BASE_COMMITTEE}:
        return
    parts = []
    for part in range(2):
        new = f.org(f"T{n}-{part}", f"Chi bộ Tách {n}-{part}", OrgKind.CELL, source.parent, on=on)
        parts.append((new, covered[part::2]))
    organizations.split(source, parts, on=on, actor=SYSTEM)


def _import(staff, units, args, tmp_path, n) -> None:
    """A staff file into hospital A (one newcomer, one move by CCCD), then a members file (one registration):
    the bulk writes of ketnap.imports."""
    depts = [u for u in units if u.parent is not None and u.parent.code == "UA"]
    mover = _pick([p for p in staff if p.work_unit in depts and p.citizen_id and not p.left_on], args[0])
    head = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Khoa/phòng"]
    rows = [[f"Đinh Thị Nhập{n}", "01/02/1990", "Nữ", f"0991{n:08d}", _pick(depts, args[1]).name]]
    if mover is not None:
        gender = "Nam" if mover.gender == "M" else "Nữ"
        rows.append([mover.full_name, f"{mover.birth_date:%d/%m/%Y}", gender, mover.citizen_id, _pick(depts, n).name])
    _run_import("staff", _xlsx(tmp_path / f"nv-{n}.xlsx", head, rows))
    member_head = ["Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "Khoa/phòng", "Chi bộ", "Ngày vào Đảng"]
    dept = _pick(depts, args[1])
    cell = UnitCoverage.objects.filter(unit=dept, valid_to__isnull=True).values_list("organization__code", flat=True)
    if cell.exists() and Organization.objects.get(code=cell.first()).active:
        member = [f"Đinh Văn Đảng{n}", "03/04/1985", "Nam", f"0992{n:08d}", dept.name, cell.first(), "05/06/2019"]
        _run_import("members", _xlsx(tmp_path / f"dv-{n}.xlsx", member_head, [member]))


def _xlsx(path, head, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(head)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _run_import(kind, path) -> None:
    try:
        call_command("import", kind, str(path), "--org", "BVA", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError:
        pass  # a file the import refuses (e.g. a duplicate name): nothing written


def _plain(counts: dict) -> dict:
    return {
        org_id: (c.staff, c.staff_members, c.official, c.probationary)
        for org_id, c in counts.items()
        if org_id is not None and (c.staff, c.staff_members, c.official, c.probationary) != (0, 0, 0, 0)
    }


def _days_that_matter() -> set[dt.date]:
    days = {TODAY, LATER}
    for model, fields in ((Assignment, ("valid_from", "valid_to")), (UnitCoverage, ("valid_from", "valid_to"))):
        for values in model.objects.values_list(*fields):
            days |= {d for d in values if d is not None}
    days |= set(MembershipEvent.objects.values_list("on", flat=True))
    return days | {d - dt.timedelta(days=1) for d in days}


def assert_kept_equals_from_scratch() -> None:
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    assert _plain(figures.current_counts(org_ids)) == _plain(indicators._current_own_counts())
    for when in sorted(_days_that_matter()):
        assert _plain(figures.counts_on(org_ids, when)) == _plain(indicators._own_counts_on(when)), when
    assert figures.differences() == []
    # the admissions and the members' spans, against their naive computation from the events, and today's pool
    # against the people (tests/test_kept_rows)
    assert_kept_rows_equal_the_naive_ones(sorted(_days_that_matter()))
    assert_the_pool_is_the_pool_of_the_people(Organization.objects.filter(parent__isnull=True))


# hypothesis's settings for the random histories (here and tests/test_kept_counts.py): the examples share the
# function-scoped world, rolled back after each
HISTORIES = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}


def replay(history, tmp_path, capture, check, after_each=lambda: None) -> None:
    """The operations of a random history in one transaction, rolled back at the end: each in a savepoint (one the
    services refuse writes nothing), the recompute run as after a commit; `after_each()` before the first and after
    every operation, `check()` at the end."""
    figures.catch_up()  # what the fixture wrote, once, outside the examples' rollback
    try:
        with transaction.atomic():
            with capture(execute=True):  # the recompute runs as after a commit
                after_each()
                for op in history:
                    try:
                        with transaction.atomic():
                            _apply(op, tmp_path)
                        event(op[0])
                    except ValidationError:
                        event(f"{op[0]} refused")  # by the services: a date before the last change, a dissolved cell …
                    after_each()
            check()
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.slow
@pytest.mark.django_db
@settings(max_examples=40, **HISTORIES)
@given(history=st.lists(operations, min_size=1, max_size=12))
def test_kept_counts_equal_the_counts_from_scratch_over_random_histories(
    history, world, tmp_path, django_capture_on_commit_callbacks
):
    replay(history, tmp_path, django_capture_on_commit_callbacks, assert_kept_equals_from_scratch)


def test_the_world_is_kept_from_the_start(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people.move_membership(world.an.memberships.get(), world.cell_a2, on=dt.date(2020, 1, 1), actor=SYSTEM)
    assert_kept_equals_from_scratch()
    kept = figures.counts_on([world.cell_a1.pk, world.cell_a2.pk], dt.date(2020, 1, 1))
    assert (kept[world.cell_a2.pk].official, kept[world.cell_a2.pk].probationary) == (1, 1)
    assert kept[world.cell_a1.pk].staff_members == 1  # An still works in Khoa Nội, covered by A1


def test_one_transaction_recomputes_each_organisation_once(world, django_capture_on_commit_callbacks):
    """Twenty hires announce twenty times; the recompute after the commit is one batch (the first callback)."""
    figures.catch_up()  # what the fixture wrote
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(20):
            f.person(world.dept_a1, f"Lò Văn Một{i}", joined_unit_on=dt.date(2021, 1, 1) + dt.timedelta(days=i))
    recomputes = [callback for callback in callbacks if isinstance(callback, figures._Recompute)]
    assert len(recomputes) >= 20
    [batch] = {callback.batch for callback in recomputes}  # one batch, run by the first callback
    assert batch.changes[world.cell_a1.pk] == dt.date(2021, 1, 1)  # from the earliest day touched
    assert_kept_equals_from_scratch()


# --- the home page: queries that do not grow with the people ----------------------------------------------------
def _grow(world, how_many: int) -> None:
    """Half in Khoa Nội (A1), half in Khoa Ngoại (A2), from 2024; every third a member of the cell of the unit."""
    for i in range(how_many):
        unit = world.dept_a1 if i % 2 else world.dept_a2
        person = f.person(unit, f"Mai Thị Thêm{'x' * i}", joined_unit_on=dt.date(2024, 1, 1))
        if i % 3 == 0:
            f.member(person, world.cell_a1 if i % 2 else world.cell_a2)


@pytest.mark.parametrize("who", ["secretary_a1", "office_a", "overseer"])
@pytest.mark.parametrize(
    ("when", "added"),
    [({}, 10), ({"ngay": "01/06/2019"}, 0)],  # today ten newcomers in each; in 2019 they were not there yet
    ids=["today", "2019"],
)
def test_the_home_tree_costs_the_same_queries_for_few_or_many_people(
    who, when, added, world, personas, login, django_assert_max_num_queries
):
    client = login(getattr(personas, who))
    client.get(reverse("home"), when)  # the first read catches up what the fixtures wrote
    with django_assert_max_num_queries(30) as few:
        first = client.get(reverse("home"), when)
    queries = len(few.captured_queries)  # read now: each request empties the connection's log
    _grow(world, 20)
    client.get(reverse("home"), when)
    with django_assert_max_num_queries(queries):
        second = client.get(reverse("home"), when)
    staff_before = {row.org_id: row.totals.staff for row in first.context["rows"]}
    staff_after = {row.org_id: row.totals.staff for row in second.context["rows"]}
    cells = [org_id for org_id in (world.cell_a1.pk, world.cell_a2.pk) if org_id in staff_before]
    assert cells  # every persona here sees one chi bộ of hospital A at least
    assert {c: staff_after[c] - staff_before[c] for c in cells} == {c: added for c in cells}


def test_the_home_tree_shows_the_kept_counts_today_and_on_a_past_day(world, personas, login):
    client = login(personas.office_a)
    people.update_person(world.binh, left_on=dt.date(2022, 1, 1), actor=SYSTEM)
    today_rows = {row.org_id: row.totals for row in client.get(reverse("home")).context["rows"]}
    assert (today_rows[world.cell_a1.pk].staff, today_rows[world.cell_a1.pk].official) == (1, 1)  # An; Bình left
    past = {row.org_id: row.totals for row in client.get(reverse("home"), {"ngay": "01/06/2021"}).context["rows"]}
    assert (past[world.cell_a1.pk].staff, past[world.cell_a1.pk].staff_members) == (2, 1)  # An and Bình
    assert (past[world.hospital_a.pk].staff, past[world.hospital_a.pk].members) == (3, 2)  # and Dũng


# --- ketnap rebuild-figures -------------------------------------------------------------------------------------
def _command(*args):
    out = io.StringIO()
    call_command("rebuild-figures", *args, stdout=out)
    return out.getvalue()


def test_rebuild_and_check_find_and_repair_a_planted_difference(world):
    assert "khớp" in _command("--check")  # what the services kept equals the register
    OrgFigures.objects.filter(organization=world.cell_a1, day=dt.date(2018, 3, 11)).update(official=F("official") + 5)
    CurrentOrgFigures.objects.filter(organization=world.cell_b1).delete()
    with pytest.raises(CommandError) as failed:
        _command("--check")
    assert "2 chỗ khác" in str(failed.value)
    problems = figures.differences()
    assert any(line.startswith("BVA-NOI, từ ngày 11/03/2018:") and "chính thức 6" in line for line in problems)
    assert any(line.startswith("BVB-SAN, hôm nay:") for line in problems)
    assert OrgFigures.objects.filter(organization=world.cell_a1, official=6).exists()  # --check wrote nothing
    assert "Đã tính lại" in _command()
    assert "khớp" in _command("--check")
    assert_kept_equals_from_scratch()


def test_rebuild_fills_what_bulk_writes_left_out(world):
    """A write outside the services (a shell, SQL) announces nothing: drift that --check reports and a rebuild
    repairs."""
    figures.catch_up()
    Assignment.objects.filter(person=world.binh).update(valid_to=dt.date(2020, 1, 1))
    assert any(line.startswith("BVA-NOI, từ ngày 01/01/2020:") for line in figures.differences())
    _command()
    assert figures.differences() == []
    assert figures.counts_on([world.cell_a1.pk], dt.date(2021, 1, 1))[world.cell_a1.pk].staff == 1  # An
