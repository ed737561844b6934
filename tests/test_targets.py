"""Admission targets (chỉ tiêu kết nạp): progress rolled up the tree, split checks, forecast, dormant chi bộ, the pages.

The hand-counted data (on the conftest `world`; admissions counted on the decision date):
- 2024: chi bộ Nội (A1) admits 3 (10/02, 20/05, 05/09); chi bộ Ngoại (A2) admits 1 (15/03) and has one candidate
  decided on 15/10 whose ceremony is still to come; chi bộ Sản (B1) admits 2 (01/04, 01/06). 2023: A1 admits 1.
- Targets for 2024: hospital A 5, split A1 2 + A2 2 (4 of 5: the split does not add up); hospital B 3, all to B1.
"""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketnap.accounts.models import RoleKind
from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate, Step
from ketnap.registry.enums import OrgKind
from ketnap.registry.services import organizations as org_services
from ketnap.registry.services.dates import today
from ketnap.stats import figures, kept_counts, targets
from ketnap.stats.models import PeriodKind, Target
from ketnap.stats.targets import TargetPeriod
from tests import factories as f
from tests.conftest import DEMO_TODAY
from tests.replay import replayed

Y2024 = TargetPeriod.year(2024)
TERM = TargetPeriod(PeriodKind.TERM, dt.date(2020, 1, 1), dt.date(2025, 6, 30))
D = dt.date


def _admit(world, cell_dept, name: str, decided: dt.date):
    person = f.person(cell_dept, name)
    cell = person.organization
    return f.member(person, cell, decision=decided)


def _target(org, kind, start, end, n):
    return targets.set_target(org, kind=kind, starts_on=start, ends_on=end, admissions=n, actor=SYSTEM)


def _decided_candidate(world, dept, name, on):
    """A candidate whose admission decision is recorded and whose ceremony is still to come (stage DECIDED)."""
    person = f.person(dept, name)
    candidate = Candidate.objects.create(
        person=person, organization=person.organization, stage=Stage.DECIDED, stage_since=on, started_on=D(2023, 1, 5)
    )
    Step.objects.create(
        candidate=candidate, kind="decision", on=on, stage_before=Stage.COMMITTEE_RESOLVED, stage_after=Stage.DECIDED
    )
    return candidate


@pytest.fixture
@replayed
def counted(world):
    """The hand-counted admissions and targets of the module docstring."""
    for name, day in [("Hà Văn Một", D(2024, 2, 10)), ("Hà Văn Hai", D(2024, 5, 20)), ("Hà Văn Ba", D(2024, 9, 5))]:
        _admit(world, world.dept_a1, name, day)
    _admit(world, world.dept_a1, "Hà Văn Cũ", D(2023, 6, 1))
    _admit(world, world.dept_a2, "Lý Thị Bốn", D(2024, 3, 15))
    _decided_candidate(world, world.dept_a2, "Lý Thị Năm", D(2024, 10, 15))
    _admit(world, world.dept_b1, "Mai Thị Sáu", D(2024, 4, 1))
    _admit(world, world.dept_b1, "Mai Thị Bảy", D(2024, 6, 1))
    parent = _target(world.hospital_a, PeriodKind.YEAR, Y2024.start, Y2024.end, 5)
    targets.split_target(parent, {world.cell_a1: 2, world.cell_a2: 2}, actor=SYSTEM)
    parent_b = _target(world.hospital_b, PeriodKind.YEAR, Y2024.start, Y2024.end, 3)
    targets.split_target(parent_b, {world.cell_b1: 3}, actor=SYSTEM)
    return world


def _values(table, row) -> dict:
    """A row's values by column key, and its flag."""
    return dict(zip([c.key for c in table.columns], row.values, strict=True)) | {"flag": row.flag}


def _rows(table, key: str = "org") -> dict[str, dict]:
    """The rows by their value in column `key` (the organisation; the chi bộ in the dormant table)."""
    return {_values(table, r)[key]: _values(table, r) for r in table.rows}


# --- progress -------------------------------------------------------------------------------------------
def test_progress_rolls_up_and_says_exceeded_short_or_reached(counted):
    facts = targets.load(counted.upper, D(2026, 1, 15))
    rows = _rows(targets.progress_table(facts, Y2024, max_depth=2))
    upper, a, a1, a2 = (
        rows[n] for n in ("Đảng bộ Sở Y tế", "Đảng bộ Bệnh viện A", "Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại")
    )
    b, b1 = rows["Đảng bộ Bệnh viện B"], rows["Chi bộ Khoa Sản"]
    assert (upper["target"], upper["admitted"], upper["result"]) == (None, 7, "")
    assert upper["allocated"] == 8  # 5 + 3 given to the hospitals; the Sở has no target of its own
    assert (a["target"], a["admitted"], a["percent"], a["result"]) == (5, 5, 100.0, "Đạt")  # the decided one counts
    assert (a1["target"], a1["admitted"], a1["result"]) == (2, 3, "Vượt 1")
    assert (a2["target"], a2["admitted"], a2["result"]) == (2, 2, "Đạt")
    assert (b["target"], b["admitted"], b["result"], b1["result"]) == (3, 2, "Không đạt, thiếu 1", "Không đạt, thiếu 1")
    # the split check: flagged where it does not add up, silent where it does
    assert a["allocated"] == 4
    assert a["flag"] == "Phân bổ cho các tổ chức trực thuộc: 4 / 5 — không khớp"
    assert (b["flag"], a1["flag"], upper["flag"]) == ("", "", "")


def test_a_running_period_is_short_not_failed():
    assert targets.verdict(3, 5, ended=False) == "Còn thiếu 2"
    assert targets.verdict(3, 5, ended=True) == "Không đạt, thiếu 2"
    assert targets.verdict(7, 5, ended=False) == "Vượt 2"
    assert targets.verdict(0, None, ended=True) == ""


def test_term_year_by_year_and_the_sum_of_year_targets(counted):
    _target(counted.hospital_a, PeriodKind.TERM, TERM.start, TERM.end, 10)
    facts = targets.load(counted.hospital_a, D(2026, 1, 15))
    years = targets.term_years_table(facts, TERM)
    assert years.column("year") == [
        "2020",
        "2021",
        "2022",
        "2023",
        "2024",
        "2025 (từ 01/01 đến 30/06)",
        "Cả nhiệm kỳ",
    ]
    assert years.column("admitted") == [0, 0, 0, 1, 5, 0, 6]
    assert years.column("target") == [None, None, None, None, 5, None, 10]
    assert years.rows[-1].flag == "đã giao chỉ tiêu 1/6 năm: 5 người"
    assert years.column("result")[-1] == "Không đạt, thiếu 4"
    # year targets that together exceed the term's are flagged, on the term table and the progress table
    _target(counted.hospital_a, PeriodKind.YEAR, D(2023, 1, 1), D(2023, 12, 31), 6)
    facts = targets.load(counted.hospital_a, D(2026, 1, 15))
    assert targets.term_years_table(facts, TERM).rows[-1].flag == "Chỉ tiêu các năm: 11 / 10 — không khớp"
    progress = _rows(targets.progress_table(facts, TERM))
    assert "Chỉ tiêu các năm: 11 / 10 — không khớp" in progress["Đảng bộ Bệnh viện A"]["flag"]


def test_a_year_target_counts_for_the_term_holding_its_first_of_january():
    new_term = TargetPeriod(PeriodKind.TERM, D(2025, 7, 1), D(2030, 6, 30))
    assert TERM.years_counted() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert new_term.years_counted() == [2026, 2027, 2028, 2029, 2030]


def test_a_merged_cell_hands_its_admissions_and_target_to_its_successor(counted):
    org_services.merge([counted.cell_a2], into=counted.cell_a1, on=D(2025, 1, 10), reason="Hợp nhất", actor=SYSTEM)
    facts = targets.load(counted.hospital_a, D(2026, 1, 15))
    rows = _rows(targets.progress_table(facts, Y2024))
    assert list(rows) == ["Đảng bộ Bệnh viện A", "Chi bộ Khoa Nội"]
    assert (rows["Chi bộ Khoa Nội"]["target"], rows["Chi bộ Khoa Nội"]["admitted"]) == (4, 5)
    assert rows["Đảng bộ Bệnh viện A"]["admitted"] == 5
    assert rows["Đảng bộ Bệnh viện A"]["flag"] == "Phân bổ cho các tổ chức trực thuộc: 4 / 5 — không khớp"


# --- dormant chi bộ -------------------------------------------------------------------------------------------
def test_dormant_cells_with_their_last_admission(counted):
    new_cell = f.org("BVA-MAT", "Chi bộ Khoa Mắt", OrgKind.CELL, counted.hospital_a, on=D(2024, 1, 2))
    facts = targets.load(counted.upper, D(2026, 1, 15))
    one_year = _rows(targets.dormant_table(facts, 1), "cell")
    assert {name: row["last"] for name, row in one_year.items()} == {
        "Chi bộ Khoa Nội": D(2024, 9, 5),
        "Chi bộ Khoa Ngoại": D(2024, 10, 15),
        "Chi bộ Khoa Mắt": None,
        "Chi bộ Khoa Sản": D(2024, 6, 1),
    }
    assert one_year["Chi bộ Khoa Mắt"]["flag"] == "chưa kết nạp lần nào"
    assert one_year["Chi bộ Khoa Sản"]["flag"] == "1 năm chưa kết nạp"
    two_years = _rows(targets.dormant_table(facts, 2), "cell")
    assert list(two_years) == [new_cell.name]


# --- forecast ----------------------------------------------------------------------------------------------
def _history_case(world, n: int, entered: dt.date, *, decided_after=None, left_after=None, end=Stage.PROBATION):
    """A past candidate of chi bộ Sản who entered CELL_RESOLVED on `entered`; decided (or left) N days later."""
    person = f.person(world.dept_b1, f"Quách Văn Cũ{'i' * n}")
    candidate = Candidate.objects.create(
        person=person, organization=world.cell_b1, stage=end, stage_since=entered, started_on=D(2022, 1, 3)
    )
    step = dict(candidate=candidate)
    Step.objects.create(
        **step, kind="cell_resolution", on=entered, stage_before=Stage.DOSSIER, stage_after=Stage.CELL_RESOLVED
    )
    if decided_after is not None:
        committee = entered + dt.timedelta(days=decided_after - 10)
        Step.objects.create(
            **step,
            kind="committee_resolution",
            on=committee,
            stage_before=Stage.CELL_RESOLVED,
            stage_after=Stage.COMMITTEE_RESOLVED,
        )
        Step.objects.create(
            **step,
            kind="decision",
            on=entered + dt.timedelta(days=decided_after),
            stage_before=Stage.COMMITTEE_RESOLVED,
            stage_after=Stage.DECIDED,
        )
    if left_after is not None:
        Step.objects.create(
            **step,
            kind="withdraw",
            on=entered + dt.timedelta(days=left_after),
            stage_before=Stage.CELL_RESOLVED,
            stage_after=Stage.WITHDRAWN,
        )


def _open_candidate(dept, name, stage, since):
    person = f.person(dept, name)
    started = since if stage == Stage.SOURCE else D(2024, 1, 8)
    candidate = Candidate.objects.create(
        person=person, organization=person.organization, stage=stage, stage_since=since, started_on=started
    )
    if stage != Stage.SOURCE:
        Step.objects.create(
            candidate=candidate, kind="cell_resolution", on=since, stage_before=Stage.DOSSIER, stage_after=stage
        )
    return candidate


@pytest.fixture
@replayed
def history(counted):
    """On 01/11/2024 (61 days to 31/12, horizon 60): chi bộ Sản has 13 past stays in CELL_RESOLVED.

    Comparable to a candidate there for 10 days (entered by 23/08/2024, still there on day 10): 11 of them, of which
    8 decided within 70 days: p = 8/11. Left out: one withdrawn on day 5, one entered on 15/09/2024 (too recent).
    """
    w = counted
    n = 0
    for k in range(8):
        n += 1
        _history_case(w, n, D(2023, 1, 10) + dt.timedelta(days=20 * k), decided_after=30 if k < 2 else 40)
    for k in range(2):
        n += 1
        _history_case(w, n, D(2023, 6, 1) + dt.timedelta(days=7 * k), decided_after=100)
    n += 1
    _history_case(w, n, D(2023, 8, 1), left_after=200, end=Stage.WITHDRAWN)
    n += 1
    _history_case(w, n, D(2023, 8, 1), left_after=5, end=Stage.WITHDRAWN)
    n += 1
    _history_case(w, n, D(2024, 9, 15), decided_after=20)
    return {
        "x": _open_candidate(w.dept_b1, "Tôn Thị Xuân", Stage.CELL_RESOLVED, D(2024, 10, 22)),
        "y": _open_candidate(w.dept_a1, "Tôn Văn Yên", Stage.CELL_RESOLVED, D(2024, 10, 22)),
        "z": _open_candidate(w.dept_a1, "Tôn Văn Giáp", Stage.SOURCE, D(2024, 10, 1)),
    }


def test_forecast_from_the_history_of_the_stage(counted, history):
    facts = targets.load(counted.upper, D(2024, 11, 1))
    chances = {c.candidate_id: c for c in targets.forecast(facts)}
    x, y, z = (chances[history[k].pk] for k in "xyz")
    assert (x.days, x.pool, x.cases, x.probability) == (10, "org", 11, pytest.approx(8 / 11))
    # nothing in chi bộ Nội nor in hospital A: the whole history answers, and says so
    assert (y.pool, y.cases, y.probability) == ("all", 11, pytest.approx(8 / 11))
    assert (z.pool, z.cases, z.probability) == ("none", 0, 0.0)

    summary = targets.forecast_summary(facts)
    # admitted by 01/11/2024: 3 (Nội) + 2 (Ngoại, one decided) + 2 (Sản); 16/11 expected from the pipeline
    assert (summary.admitted, summary.expected, summary.forecast, summary.candidates) == (7, 1.5, 8.5, 3)
    assert summary.pools == {"org": 1, "all": 1, "none": 1}
    rows = _rows(targets.forecast_table(facts))
    assert rows["Đảng bộ Bệnh viện A"]["forecast"] == 5.7  # 5 + 0.7
    assert (rows["Đảng bộ Bệnh viện B"]["target"], rows["Đảng bộ Bệnh viện B"]["forecast"]) == (3, 2.7)
    assert rows["Đảng bộ Sở Y tế"]["candidates"] == 3


def test_the_register_wide_history_is_kept_per_day_and_follows_every_road(counted, history):
    """Issue 14: the "toàn bộ dữ liệu" pool is read from events kept per day and version of the roads
    (stats.ForecastBase), so that a chi bộ's forecast reads only its own organisations' roads; a road changed anywhere
    in the register (here a new past stay in chi bộ Sản, outside the asking chi bộ's hospital) is in the next forecast.
    """
    from ketnap.stats.models import ForecastBase

    cell = targets.load(counted.cell_a1, D(2024, 11, 1))  # chi bộ Nội: y waits there, with no history of its own
    y = next(c for c in targets.forecast(cell) if c.candidate_id == history["y"].pk)
    assert (y.pool, y.cases, y.probability) == ("all", 11, pytest.approx(8 / 11))
    kept = ForecastBase.objects.filter(day=D(2024, 11, 1))
    assert kept.filter(stage=-1).count() == 1
    assert targets.forecast(cell)[0].cases == 11 and kept.filter(stage=-1).count() == 1  # read again, not recomputed

    _history_case(counted, 20, D(2023, 3, 1), decided_after=200)  # comparable, not decided within 10 + 60 days
    y = next(c for c in targets.forecast(cell) if c.candidate_id == history["y"].pk)
    assert (y.pool, y.cases, y.probability) == ("all", 12, pytest.approx(8 / 12))


def test_the_forecast_is_kept_for_the_version_of_the_roads_and_counted_again_after_any_step(counted, history):
    """Issue 14: the subtree's forecast figures are kept for the day and the roads' version (stats.kept_counts); a
    road changed anywhere (here a past stay in chi bộ Sản, outside hospital A) makes the next look count again."""
    from ketnap.stats.models import KeptCounts

    def figures_of(org):
        found = targets.forecast_figures(targets.load(org, D(2024, 11, 1)))
        return found.by_org, found.by_stage

    first = figures_of(counted.hospital_a)
    kept = KeptCounts.objects.filter(kind__startswith="forecast:", organization=counted.hospital_a)
    assert kept.count() == 1
    assert figures_of(counted.hospital_a) == first and kept.count() == 1  # read, not counted again
    version = kept.get().version

    _history_case(counted, 21, D(2023, 3, 1), decided_after=200)
    again = figures_of(counted.hospital_a)
    assert kept.get().version > version
    KeptCounts.objects.all().delete()
    assert figures_of(counted.hospital_a) == again != first  # the kept figures are the figures counted afresh


# --- writing ------------------------------------------------------------------------------------------
def test_set_target_validates_in_vietnamese_naming_the_field(world):
    with pytest.raises(ValidationError) as caught:
        _target(world.hospital_a, PeriodKind.YEAR, D(2026, 1, 1), D(2026, 6, 30), 4)
    assert caught.value.message_dict == {"starts_on": ["Chỉ tiêu năm tính từ 01/01 đến 31/12 của cùng một năm."]}
    with pytest.raises(ValidationError) as caught:
        _target(world.hospital_a, PeriodKind.PLAN, D(2026, 3, 31), D(2026, 1, 1), -1)
    assert set(caught.value.message_dict) == {"admissions"}
    _target(world.hospital_a, PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31), 4)
    with pytest.raises(ValidationError) as caught:
        _target(world.hospital_a, PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31), 5)
    assert "đã có chỉ tiêu Năm 2026" in caught.value.message_dict["starts_on"][0]
    assert Target.objects.count() == 1


def test_split_writes_all_parts_or_none(world):
    parent = _target(world.hospital_a, PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31), 4)
    with pytest.raises(ValidationError) as caught:
        targets.split_target(parent, {world.cell_a1: 2, world.cell_b1: 2}, actor=SYSTEM)
    assert caught.value.message_dict == {"shares": ["Chi bộ Khoa Sản không trực thuộc Đảng bộ Bệnh viện A."]}
    assert Target.objects.count() == 1
    parts = targets.split_target(parent, {world.cell_a1: 3, world.cell_a2: None}, actor=SYSTEM)
    assert [(t.organization, t.admissions, t.kind, t.ends_on) for t in parts] == [
        (world.cell_a1, 3, PeriodKind.YEAR, D(2026, 12, 31))
    ]


def test_labels():
    def label(kind, start, end):
        return Target(kind=kind, starts_on=start, ends_on=end).label

    assert label(PeriodKind.TERM, D(2020, 1, 1), D(2025, 6, 30)) == "Nhiệm kỳ 2020–2025"
    assert label(PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31)) == "Năm 2026"
    assert label(PeriodKind.PLAN, D(2021, 1, 1), D(2021, 3, 31)) == "Quý I/2021 (01/01/2021–31/03/2021)"
    assert label(PeriodKind.PLAN, D(2021, 1, 1), D(2021, 5, 15)) == "Từ 01/01/2021 đến 15/05/2021"


# --- the pages ---------------------------------------------------------------------------------------------
def _overview(client, org, **query):
    return client.get(reverse("target_overview", kwargs={"code": org.code}), query)


def _names_url(org, which: str) -> str:
    name = {"da-ket-nap": "target_admitted_names", "trong-quy-trinh": "target_pipeline_names"}[which]
    return reverse(name, kwargs={"code": org.code})


def test_office_sets_a_target_through_the_page_and_it_is_audited(world, personas, login):
    client = login(personas.office_a)
    url = reverse("target_create", kwargs={"code": world.hospital_a.code})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "term",
            "starts_on": "01/07/2025",
            "ends_on": "30/06/2030",
            "admissions": "12",
            "basis": "Nghị quyết Đại hội Đảng bộ Bệnh viện A nhiệm kỳ 2025–2030",
        },
    )
    target = Target.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("target_overview", kwargs={"code": "BVA"}) + "?ky=2025-07-01_2030-06-30"
    assert (target.organization, target.label, target.admissions, target.created_by) == (
        world.hospital_a,
        "Nhiệm kỳ 2025–2030",
        12,
        personas.office_a,
    )
    entry = AuditEntry.objects.filter(model="stats.Target").get()
    assert (entry.action, entry.actor, entry.object_id) == ("create", personas.office_a, str(target.pk))
    assert entry.changes["admissions"] == [None, 12]

    # a year target needs only the year; editing is audited too
    client.post(url, {"kind": "year", "year": "2026", "admissions": "5"})
    year = Target.objects.get(kind="year")
    assert (year.starts_on, year.ends_on) == (D(2026, 1, 1), D(2026, 12, 31))
    edit = reverse("target_edit", kwargs={"target_pk": year.pk})
    assert client.post(edit, {"kind": "year", "year": "2026", "admissions": "6"}).status_code == 302
    year.refresh_from_db()
    assert year.admissions == 6
    assert AuditEntry.objects.filter(model="stats.Target", action="update", object_id=str(year.pk)).count() == 1


def test_invalid_input_shows_a_vietnamese_field_error_and_saves_nothing(world, personas, login):
    client = login(personas.office_a)
    url = reverse("target_create", kwargs={"code": world.hospital_a.code})
    response = client.post(url, {"kind": "term", "starts_on": "01/07/2030", "ends_on": "30/06/2025", "admissions": "9"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["Ngày kết thúc phải từ ngày bắt đầu (01/07/2030) trở đi."]
    assert "Chưa lưu: vui lòng sửa các lỗi dưới đây." in body
    response = client.post(url, {"kind": "year", "year": "2026", "admissions": "-2"})
    assert response.context["form"].errors["admissions"] == ["Số chỉ tiêu phải từ 0 trở lên."]
    assert not Target.objects.exists()
    assert not AuditEntry.objects.filter(model="stats.Target").exists()


def test_secretary_and_overseer_cannot_set_targets(world, personas, login, counted):
    target = Target.objects.get(organization=world.cell_a1)
    for user in (personas.secretary_a1, personas.overseer):
        client = login(user)
        for url in (
            reverse("target_create", kwargs={"code": world.cell_a1.code}),
            reverse("target_split", kwargs={"code": world.cell_a1.code}),
            reverse("target_edit", kwargs={"target_pk": target.pk}),
        ):
            assert client.get(url).status_code == 403
            assert client.post(url, {"kind": "year", "year": "2026", "admissions": "9"}).status_code == 403
        assert _overview(client, world.cell_a1).status_code == 200  # reading is for every role
    assert Target.objects.count() == 5


def test_split_page_saves_a_mismatch_and_says_so(world, personas, login):
    parent = _target(world.hospital_a, PeriodKind.YEAR, D(2026, 1, 1), D(2026, 12, 31), 5)
    client = login(personas.office_a)
    url = reverse("target_split", kwargs={"code": world.hospital_a.code})
    page = client.get(url).content.decode()
    assert "Chi bộ Khoa Nội" in page and "Chi bộ Khoa Ngoại" in page
    field_a1, field_a2 = f"org_{world.cell_a1.pk}", f"org_{world.cell_a2.pk}"
    response = client.post(url, {"chi-tieu": parent.pk, field_a1: "2", field_a2: "2"}, follow=True)
    assert "Tổng phân bổ 4 khác chỉ tiêu 5 của Đảng bộ Bệnh viện A" in response.content.decode()
    assert dict(Target.objects.filter(starts_on=D(2026, 1, 1)).values_list("organization__code", "admissions")) == {
        "BVA": 5,
        "BVA-NOI": 2,
        "BVA-NGOAI": 2,
    }
    # the overview flags it
    body = _overview(client, world.hospital_a, ky="2026").content.decode()
    assert "Phân bổ cho các tổ chức trực thuộc: 4 / 5 — không khớp" in body
    # a negative share is refused on its field, nothing changes
    response = client.post(url, {"chi-tieu": parent.pk, field_a1: "-1", field_a2: "3"})
    assert response.context["form"].errors[field_a1] == ["Số chỉ tiêu phải từ 0 trở lên."]
    assert Target.objects.get(organization=world.cell_a2, starts_on=D(2026, 1, 1)).admissions == 2


def test_overseer_sees_the_numbers_and_no_name(counted, personas, login):
    client = login(personas.overseer)
    response = _overview(client, counted.upper, ky="2024")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Không đạt, thiếu 1" in body and "Phân bổ cho các tổ chức trực thuộc: 4 / 5 — không khớp" in body
    assert reverse("target_overview", kwargs={"code": "BVA"}) + "?ky=2024" in body  # drill-down to the hospital
    for name in ("Hà Văn Một", "Lý Thị Năm", "Mai Thị Sáu", "Nguyễn Văn An"):
        assert name not in body
    assert "danh-sach" not in body  # not even the links to the lists of names
    for which in ("da-ket-nap", "trong-quy-trinh"):
        assert client.get(_names_url(counted.upper, which), {"ky": "2024"}).status_code == 404
    # the office of hospital A reads the names of its own on their own page, with links to the people; the overview
    # holds the figures and says how many names each list has
    office = login(personas.office_a)
    body = _overview(office, counted.hospital_a, ky="2024").content.decode()
    assert "Hà Văn Một" not in body and "Lý Thị Năm" not in body
    assert _names_url(counted.hospital_a, "da-ket-nap") + "?ky=2024" in body and "5 người" in body
    names = office.get(_names_url(counted.hospital_a, "da-ket-nap"), {"ky": "2024"}).content.decode()
    assert "Hà Văn Một" in names and "Lý Thị Năm" in names and "Mai Thị Sáu" not in names


def test_the_page_in_english_says_the_results_in_english(counted, personas, login):
    client = login(personas.office_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = _overview(client, counted.hospital_a, ky="2024").content.decode()
    assert "Exceeded by 1" in body and "Admissions against target — Year 2024" in body
    assert "Allocated to subordinate organisations: 4 / 5 — does not match" in body
    for vietnamese in ("Vượt", "Đạt", "không khớp", "Kết quả kết nạp so với chỉ tiêu", "Năm 2024"):
        assert vietnamese not in body


def test_outsiders_get_404(counted, personas, login):
    target_b = Target.objects.get(organization=counted.hospital_b)
    client = login(personas.secretary_a1)
    assert _overview(client, counted.hospital_b).status_code == 404
    client = login(personas.office_a)
    assert client.get(reverse("target_edit", kwargs={"target_pk": target_b.pk})).status_code == 404
    assert client.post(reverse("target_split", kwargs={"code": "BVB"})).status_code == 404


def test_the_page_downloads_as_xlsx_and_csv(counted, personas, login):
    client = login(personas.office_a)
    response = _overview(client, counted.hospital_a, ky="2024", xuat="csv", bang="tien-do")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert any("Chi bộ Khoa Nội" in line[0] and "Vượt 1" in line for line in lines if line)
    response = _overview(client, counted.hospital_a, ky="2024", xuat="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


def test_overview_queries_do_not_grow_with_the_tree(counted, personas, login):
    client = login(personas.office_a)

    def count() -> int:
        figures.catch_up()  # the kept counts catch up what was written, as its commit would (stats.figures)
        with CaptureQueriesContext(connection) as queries:
            assert _overview(client, counted.hospital_a, ky="2024").status_code == 200
        return len(queries)

    kept_counts._pruned_on = today()  # the looks compared both count and keep; neither prunes (done for the day)
    before = count()
    for i in range(4):
        cell = f.org(f"BVA-X{i}", f"Chi bộ Thêm {i}", OrgKind.CELL, counted.hospital_a)
        dept = f.unit(f"UA-X{i}", f"Khoa Thêm {i}", counted.unit_a, covered_by=cell)
        _admit(counted, dept, f"Đinh Văn Thêm{'i' * i}", D(2024, 7, 1))
    assert count() == before
    assert before <= 30


def test_the_pipeline_list_is_paged_most_likely_first(counted, history, personas, login, monkeypatch):
    """The names behind the forecast, a page at a time, the page chosen by the database; the download holds them all,
    and is in the read log."""
    from ketnap.privacy.models import ReadEntry
    from ketnap.web.views import targets as views

    monkeypatch.setattr(views, "NAMES_PAGE", 2)
    monkeypatch.setattr("ketnap.web.views.targets.today", lambda: D(2024, 11, 1))
    client = login(personas.office_a)
    url = _names_url(counted.hospital_a, "trong-quy-trinh")
    first = client.get(url)
    assert first.status_code == 200
    assert first.context["table"].column("name") == ["Tôn Văn Yên", "Tôn Văn Giáp"]  # 8/11, then 0
    assert first.context["page"].paginator.count == 2 and not first.context["page"].has_other_pages()
    whole = client.get(_names_url(counted.upper, "trong-quy-trinh"))
    assert whole.status_code == 404  # the office of hospital A reads only its own people
    client = login(f.user("vp.syt", (RoleKind.OFFICE, counted.upper)))
    url = _names_url(counted.upper, "trong-quy-trinh")
    pages = [client.get(url, {"trang": n}).context for n in (1, 2, 9)]
    assert [page["table"].column("name") for page in pages] == [
        ["Tôn Thị Xuân", "Tôn Văn Yên"],  # both 8/11: the shorter wait first, then the later in their stage
        ["Tôn Văn Giáp"],
        ["Tôn Văn Giáp"],  # past the end: the last page
    ]
    assert pages[0]["page"].paginator.num_pages == 2 and "Trang 1/2" in client.get(url).content.decode()
    download = client.get(url, {"xuat": "csv"})
    assert download.status_code == 200 and "Tôn Văn Giáp" in download.content.decode("utf-8-sig")
    assert ReadEntry.objects.filter(user__username="vp.syt", kind="download").count() == 1


@pytest.mark.today(D(2026, 11, 24))  # admissions of 2 January this year: not yet made on 1 January
def test_the_overview_reads_counts_not_rows_whatever_the_number_of_candidates(counted, personas, login):
    """The overview's queries and the rows they fetch stay the same when the subtree gains candidates, candidates'
    steps and admissions: everything it shows is counted by the database (the forecast too)."""
    from tests.test_stats_scope import counting

    client = login(personas.office_a)

    def cost() -> tuple[int, int]:
        figures.catch_up()  # the kept counts catch up what was written, as its commit would (stats.figures)
        assert _overview(client, counted.hospital_a).status_code == 200  # warm
        with counting() as log:
            assert _overview(client, counted.hospital_a).status_code == 200
        return len(log), sum(rows for _sql, rows in log)

    def more(n: int, start: int) -> None:
        for k in range(start, start + n):
            candidate = _open_candidate(counted.dept_a1, f"Phan Văn Mới{'i' * k}", Stage.CELL_RESOLVED, D(2024, 3, 4))
            Step.objects.create(
                candidate=candidate,
                kind="sympathise",
                on=D(2023, 1, 9),
                stage_before=Stage.SOURCE,
                stage_after=Stage.SYMPATHISER,
            )
            _admit(counted, counted.dept_a1, f"Phan Thị Vào{'i' * k}", D(today().year, 1, 2))

    more(2, 0)
    before = cost()
    more(12, 2)
    assert cost() == before
    assert before[0] <= 30


# --- the demo tells the seed stories ---------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.django_db
def test_demo_targets_tell_the_seed_stories(demo):
    from ketnap.registry.models import Organization

    general = Organization.objects.get(code="BVDK-T")
    facts = targets.load(general, DEMO_TODAY)
    [term] = [TargetPeriod.of(t) for t in facts.own_targets() if t.starts_on == D(2020, 1, 1)]
    assert term.label == "Nhiệm kỳ 2020–2025"
    table = targets.progress_table(facts, term)
    root = _values(table, table.rows[0])
    # article 000: "kết nạp được 64 đảng viên, vượt 14 đảng viên so với chỉ tiêu cả nhiệm kỳ"
    assert (root["target"], root["admitted"], root["result"]) == (50, 64, "Vượt 14")
    assert (root["allocated"], root["flag"]) == (50, "")  # split among its chi bộ: all 50, no mismatch flagged

    dong_trieu = Organization.objects.get(code="BVTT-DT")
    q1 = TargetPeriod(PeriodKind.PLAN, D(2021, 1, 1), D(2021, 3, 31))
    table = targets.progress_table(targets.load(dong_trieu, DEMO_TODAY), q1)
    root = _values(table, table.rows[0])
    assert (root["target"], root["admitted"], root["result"]) == (17, 17, "Đạt")  # article 002: 17/17

    # every base organisation has this year's and the 2025–2030 targets, and every split adds up
    syt = targets.load(Organization.objects.get(code="SYT"), DEMO_TODAY)
    new_term = TargetPeriod(PeriodKind.TERM, D(2025, 7, 1), D(2030, 6, 30))
    for period in (TargetPeriod.year(2026), new_term):
        table = targets.progress_table(syt, period, max_depth=3)
        bases = [r for r in table.rows if r.level == 1]
        assert len(bases) == 30 and all(_values(table, r)["target"] is not None for r in bases)
        assert [r.flag for r in table.rows if r.flag] == []
    assert demo.summary["targets"] == Target.objects.count()


def test_the_suggested_split_is_whole_admissions_that_add_up_to_the_target():
    """Largest remainder: 7 admissions over 50/30/20 members is 4/2/1 (3.5, 2.1, 1.4 → the .5 gets the spare one)."""
    assert targets.suggest_split(7, {1: 50, 2: 30, 3: 20}) == {1: 4, 2: 2, 3: 1}
    assert sum(targets.suggest_split(10, {1: 1, 2: 1, 3: 1}).values()) == 10
    assert targets.suggest_split(5, {1: 0, 2: 0}) == {}
