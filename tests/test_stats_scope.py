"""Cost follows the scope (issue 14): a chi bộ's statistics, forms and targets read what lies in the chi bộ (and the
counts its figures need), not the register. Adding unrelated organisations with many people, members, admissions and
candidates changes neither the number of queries of its pages nor the number of rows they fetch.

Rows are counted at the database cursor (connection.execute_wrapper wraps the cursor's fetches), so a query that
pulled a table only to count it in Python shows up as rows, whatever its number of queries.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import connection

from ketnap.audit.context import SYSTEM
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, Step
from ketnap.registry.enums import Gender, OrgKind
from ketnap.registry.services.dates import today
from ketnap.stats import targets
from ketnap.stats.models import PeriodKind
from tests import factories as f

D = dt.date


class _Rows:
    """A DB-API cursor that counts the rows fetched through it."""

    def __init__(self, cursor, entry: list):
        self._cursor, self.entry = cursor, entry

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        for row in self._cursor:
            self.entry[1] += 1
            yield row

    def fetchone(self):
        row = self._cursor.fetchone()
        self.entry[1] += row is not None
        return row

    def fetchmany(self, *args):
        rows = self._cursor.fetchmany(*args)
        self.entry[1] += len(rows)
        return rows

    def fetchall(self):
        rows = self._cursor.fetchall()
        self.entry[1] += len(rows)
        return rows


@contextmanager
def counting():
    """[sql, rows fetched] of every statement run inside."""
    log: list[list] = []

    def wrapper(execute, sql, params, many, context):
        entry = [sql, 0]
        log.append(entry)
        wrapped = context["cursor"]
        if isinstance(wrapped.cursor, _Rows):
            wrapped.cursor.entry = entry
        else:
            wrapped.cursor = _Rows(wrapped.cursor, entry)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield log


def road(person, cell, started: dt.date, stages: list[tuple[str, str, int]]) -> Candidate:
    """A candidate put on the list on `started`, then each (step kind, stage after, days later) as recorded rows."""
    candidate = Candidate.objects.create(
        person=person, organization=cell, stage=Stage.SOURCE, stage_since=started, started_on=started
    )
    before, on = Stage.SOURCE, started
    for kind, after, days in stages:
        on = on + dt.timedelta(days=days)
        Step.objects.create(candidate=candidate, kind=kind, on=on, stage_before=before, stage_after=after)
        before = after
    candidate.stage, candidate.stage_since = before, on
    candidate.save()
    return candidate


ROAD = [
    (StepKind.SYMPATHISE, Stage.SYMPATHISER, 40),
    (StepKind.CERTIFICATE, Stage.DOSSIER, 90),
    (StepKind.CELL_RESOLUTION, Stage.CELL_RESOLVED, 60),
    (StepKind.COMMITTEE_RESOLUTION, Stage.COMMITTEE_RESOLVED, 30),
    (StepKind.DECISION, Stage.DECIDED, 20),
]


def people_of(unit, prefix: str, n: int, *, members: int, cell, candidates: int):
    """n staff of a unit: the first `members` admitted, the next `candidates` on the road."""
    staff = [
        f.person(unit, f"{prefix} Văn Số{'i' * k}", gender=Gender.MALE, born=D(1990 + k % 9, 1, 2)) for k in range(n)
    ]
    for k, person in enumerate(staff[:members]):
        f.admitted(person, cell, D(2019 + k % 7, 3, 1 + k % 20))
    for k, person in enumerate(staff[members : members + candidates]):
        road(person, cell, today() - dt.timedelta(days=700 - 37 * k), ROAD[: 1 + k % len(ROAD)])
    return staff


@pytest.fixture
def cell(world, personas):
    """Cell A1 with members, admissions this year and last, candidates at several stages and a target; a candidate in
    hospital B too (so that the register is wider than hospital A from the start)."""
    people_of(world.dept_a1, "Đỗ", 14, members=5, cell=world.cell_a1, candidates=6)
    people_of(world.dept_b1, "Lý", 3, members=1, cell=world.cell_b1, candidates=1)
    f.admitted(f.person(world.dept_a1, "Mạc Thị Nay"), world.cell_a1, today() - dt.timedelta(days=30))
    targets.set_target(
        world.cell_a1,
        kind=PeriodKind.YEAR,
        starts_on=D(today().year, 1, 1),
        ends_on=D(today().year, 12, 31),
        admissions=2,
        actor=SYSTEM,
    )
    return world.cell_a1


def unrelated(world, n: int):
    """A hospital committee elsewhere with two chi bộ, a merge, many people, members, admissions and candidates."""
    hospital = f.org(f"BVX{n}", f"Đảng bộ Bệnh viện X{n}", OrgKind.BASE_COMMITTEE, world.upper)
    unit = f.unit(f"UX{n}", f"Bệnh viện X{n}")
    for k in range(2):
        cell = f.org(f"BVX{n}-{k}", f"Chi bộ X{n} số {k}", OrgKind.CELL, hospital)
        dept = f.unit(f"UX{n}-{k}", f"Khoa X{n} số {k}", unit, covered_by=cell)
        people_of(dept, f"Hà{n}{k}", 25, members=10, cell=cell, candidates=8)
    targets.set_target(
        hospital,
        kind=PeriodKind.YEAR,
        starts_on=D(today().year, 1, 1),
        ends_on=D(today().year, 12, 31),
        admissions=9,
        actor=SYSTEM,
    )


PAGES = [
    "/thong-ke/{code}/",
    "/thong-ke/{code}/?ngay=30/06/2024",
    "/thong-ke/{code}/bieu-2/",
    "/thong-ke/{code}/bieu-3/",
    "/thong-ke/{code}/bao-cao-nam/?nam={year}",
    "/chi-tieu/{code}/",
]


def cost(client, code: str) -> dict[str, tuple[int, int]]:
    """Per page: (queries, rows fetched), each page read once before (kept counts catch up, caches fill)."""
    out = {}
    for page in PAGES:
        url = page.format(code=code, year=today().year)
        assert client.get(url).status_code == 200, url
        with counting() as log:
            response = client.get(url)
        assert response.status_code == 200, url
        out[url] = (len(log), sum(rows for _sql, rows in log))
    return out


@pytest.mark.slow
@pytest.mark.django_db
def test_a_chi_bo_pages_cost_the_same_whatever_else_the_register_holds(world, cell, personas, login):
    client = login(personas.secretary_a1)
    before = cost(client, cell.code)
    for n in range(3):
        unrelated(world, n)
    after = cost(client, cell.code)
    assert after == before
    # what the secretary's pages read is the chi bộ's: a few hundred rows at most, code lists included
    assert max(rows for _queries, rows in before.values()) < 400


# --- a split: where its members are now decides which part counts them ------------------------------------------
@pytest.mark.django_db
def test_a_split_chi_bo_counts_for_the_part_that_holds_the_member_now(world):
    """Chi bộ Nhi covered two departments and was split 100 days ago into Nhi 1 and Nhi 2. Its two members were admitted
    there 500 days ago: a year back they were in Nhi, today one is in each part. Biểu 3's "same day a year earlier" and
    biểu 2 of a period that began before the split count each member for the part that holds them now (the rows of a
    split predecessor are counted one by one; everything else in SQL)."""
    from ketnap.registry.services import organizations
    from ketnap.stats import bieu
    from ketnap.stats.periods import Period

    now = today()
    split_on, decided = now - dt.timedelta(days=100), now - dt.timedelta(days=500)
    nhi = f.org("BVA-NHI", "Chi bộ Nhi", OrgKind.CELL, world.hospital_a)
    u1 = f.unit("UA-NHI1", "Khoa Nhi 1", world.unit_a, covered_by=nhi)
    u2 = f.unit("UA-NHI2", "Khoa Nhi 2", world.unit_a, covered_by=nhi)
    kept = {}
    for unit, name in ((u1, "Châu Thị Một"), (u2, "Châu Thị Hai")):
        kept[unit.pk] = f.person(unit, name, born=D(1995, 6, 1))
        f.admitted(kept[unit.pk], nhi, decided)
    parts = [f.org(f"BVA-NHI{k}", f"Chi bộ Nhi {k}", OrgKind.CELL, world.hospital_a, on=split_on) for k in (1, 2)]
    organizations.split(nhi, [(parts[0], [u1]), (parts[1], [u2])], on=split_on, actor=SYSTEM)

    def total(table, column):
        """Row 01 (Tổng số) of a form, in column "current" (kỳ này) or "previous" (cùng kỳ năm trước)."""
        rows = [dict(zip([c.key for c in table.columns], r.values, strict=True)) for r in table.rows]
        return next(row for row in rows if row["code"] == "01")[column]

    for part, person in zip(parts, kept.values(), strict=True):
        form3 = bieu.membership(part, now)
        assert (total(form3, "current"), total(form3, "previous")) == (1, 1)
        period = Period(decided - dt.timedelta(days=10), now)
        assert total(bieu.new_members(part, period), "current") == 1
        assert bieu.admitted_people(part, period) == [person.pk]
    whole = bieu.membership(world.hospital_a, now)  # An, Dũng, and both of them: a year back in Nhi, now in its parts
    assert (total(whole, "current"), total(whole, "previous")) == (4, 4)
