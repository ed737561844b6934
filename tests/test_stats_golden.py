"""The statistics, the forms, the yearly report and the targets give the figures they gave before their queries were
rewritten (issue 14: scoped, aggregated in SQL): every table of the dashboard, biểu 2, biểu 3, the yearly report's
figures and the targets page, for several organisations and days of the demo, against tests/data/stats_golden.json.

The demo is the test demo (seed 2026, scale 1, today 24/11/2026) and the application's "today" is pinned to that day:
nothing here depends on the day the test runs. The organisations: the province, the Sở Y tế, a hospital committee
(moved from a city committee to the Sở Y tế on 01/07/2025), one of its chi bộ, a chi bộ made by a merge in 2025, a
chi bộ made by a split in 2022, the provincial people's committee's party committee (created 2025) and a city committee
dissolved in 2025; the days: today, 30/06/2025 (before the merge) and 30/06/2023 (before the move, and before some of
them existed).

It reads the demo (conftest builds it once per session) and takes about twenty seconds of its own, so it runs when
asked: KETNAP_TEST_GOLDEN=1 (scripts/test.sh sets it).
After a deliberate change of a figure (or of the demo), write the file again and review its diff:
    KETNAP_TEST_GOLDEN=write pytest tests/test_stats_golden.py
"""

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest

from ketnap.stats.periods import Period
from ketnap.stats.tables import Table
from tests.conftest import DEMO_TODAY as TODAY

pytestmark = pytest.mark.slow  # the demo: half a minute to build, once per session

PAST = dt.date(2023, 6, 30)
BEFORE_MERGE = dt.date(2025, 6, 30)
GOLDEN = Path(__file__).parent / "data" / "stats_golden.json"
CASES = [
    ("TU", TODAY),
    ("TU", PAST),
    ("SYT", TODAY),
    ("SYT", PAST),
    ("BVDK-T", TODAY),
    ("BVDK-T", BEFORE_MERGE),
    ("BVDK-T", PAST),
    ("BVDK-T.NOI1", TODAY),
    ("BVDK-T.NOI1", PAST),
    ("BVDK-T.TN-BND", TODAY),
    ("BVDK-T.TN-BND", PAST),
    ("BVDK-T.NGOAI1", TODAY),
    ("UBND", TODAY),
    ("UBND", PAST),
    ("THU-HL", PAST),
    ("THU-HL", TODAY),
]
TARGET_ORGS = ["TU", "SYT", "BVDK-T", "BVDK-T.NOI1", "BVDK-T.TN-BND", "UBND", "THU-HL"]
REPORT_ORGS = ["TU", "BVDK-T", "BVDK-T.NOI1"]
LONG = 60  # a longer list of people, or a table of more rows, is kept as its length and a digest


# --- plain values for the file ----------------------------------------------------------------------------------
def _value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return str(value)


def _digest(items: list) -> dict:
    text = json.dumps(items, ensure_ascii=False, sort_keys=True)
    return {"n": len(items), "sha256": hashlib.sha256(text.encode()).hexdigest()}


def _table(table: Table) -> dict:
    rows = [[[_value(v) for v in r.values], r.level, r.strong, r.link, str(r.flag)] for r in table.rows]
    return {
        "slug": table.slug,
        "title": str(table.title),
        "subtitle": str(table.subtitle),
        "note": hashlib.sha256(str(table.note).encode()).hexdigest()[:16],  # words, not figures: their digest
        "columns": [[c.key, str(c.label), str(c.kind)] for c in table.columns],
        "rows": rows if len(rows) <= LONG else _digest(rows),
    }


def _people(ids) -> object:
    """People by name and birth date (ids differ between databases), sorted; a long list as its size and digest."""
    from ketnap.registry.models import Person

    ids = list(ids)
    keys = sorted(
        f"{p.full_name}|{p.birth_date.isoformat()}|{n}"
        for p in Person.objects.filter(pk__in=set(ids))
        for n in [ids.count(p.pk)]
    )
    return keys if len(keys) <= LONG else _digest(keys)


def _link(**params) -> str:
    return json.dumps({k: str(v) for k, v in params.items()}, sort_keys=True)


# --- the figures --------------------------------------------------------------------------------------------------
def dashboard(org, day: dt.date) -> dict:
    """What the statistics page and its drill-downs show (web.views.stats.dashboard, names)."""
    from ketnap.stats import bieu, funnel, pool

    period = Period(dt.date(day.year, 1, 1), day)
    road = funnel.Funnel(org, day)
    profile, by_profession = pool.pool_profile(org, day, link=_link)
    tables = [
        pool.member_share(org, day, period, link=_link),
        pool.member_share(org, day),
        pool.unit_share(org, day),
        profile,
        by_profession,
        road.stages(link=_link),
        road.conversion(period),
        road.conversion(),
        road.durations(link=_link),
        funnel.probation_on_time(org, period),
    ]
    children = sorted((n.code, n.name, n.kind) for n in bieu.subtree_on(org, day).values() if n.parent_id == org.pk)
    return {
        "tables": [_table(t) for t in tables],
        "subtree": len(bieu.subtree_on(org, day)),
        "children": [list(c) for c in children],
        "pool_people": _people(pool.pool_people(org, day)),
        "admitted_people": _people(bieu.admitted_people(org, period)),
        "at_stage": {s: _people(road.people_at(s)) for s in funnel.ROAD},
        "stalled": {s: _people(road.stalled_people(s)) for s in funnel.ROAD},
    }


def forms(org, day: dt.date) -> dict:
    from ketnap.stats import bieu

    year = Period.year(day.year)
    return {
        "bieu2_year": _table(bieu.new_members(org, year)),
        "bieu2_to_day": _table(bieu.new_members(org, Period(dt.date(day.year, 1, 1), day))),
        "bieu2_last_year": _table(bieu.new_members(org, Period.year(day.year - 1))),
        "bieu3": _table(bieu.membership(org, day)),
    }


def yearly(org, year: int) -> list:
    from ketnap.stats import report
    from ketnap.stats.pdf import Chart

    out = []
    for section in report.yearly_sections(org, year, today=TODAY):
        blocks = []
        for block in section.blocks:
            if isinstance(block, Table):
                # the overdue steps come from pipeline.due (kept deadlines), not from the statistics
                blocks.append(_table(block) if block.slug != "qua-han" else "qua-han")
            elif isinstance(block, Chart):
                blocks.append(["chart", block.caption])
            elif not str(block).startswith("Đến ngày"):  # the overdue sentence, pipeline.due's too
                blocks.append(str(block))
        out.append([section.heading, blocks])
    return out


def target_page(org) -> dict:
    """What the targets page shows for each period it offers (web.views.targets.overview)."""
    from ketnap.stats import targets
    from ketnap.stats.models import PeriodKind

    facts = targets.load(org, TODAY)
    periods = facts.periods()
    summary = targets.forecast_summary(facts) if facts.root else None
    out = {
        "periods": [[p.kind, p.slug, str(p.label)] for p in periods],
        "own_targets": [
            [t.kind, t.starts_on.isoformat(), t.ends_on.isoformat(), t.admissions] for t in facts.own_targets()
        ],
        "forecast": _table(targets.forecast_table(facts, link=lambda node: node.code)),
        "forecast_stages": _table(targets.forecast_stage_table(facts)),
        "dormant": [_table(targets.dormant_table(facts, years)) for years in (1, 3, 5)],
        "pipeline_names": _table(targets.pipeline_names_table(facts, link=lambda pk: "link")),
        "summary": None
        if summary is None
        else [
            summary.admitted,
            summary.expected,
            summary.forecast,
            summary.candidates,
            summary.target,
            summary.pools,
            str(summary.explanation),
        ],
    }
    for period in periods[:6]:
        page = [
            _table(targets.progress_table(facts, period, link=lambda node: node.code)),
            _table(targets.progress_table(facts, period, max_depth=3)),
            _table(targets.admitted_names_table(facts, period, link=lambda pk: "link")),
        ]
        if period.kind == PeriodKind.TERM:
            page.append(_table(targets.term_years_table(facts, period)))
        out[period.slug] = page
    return out


def compute() -> dict:
    from ketnap.registry.models import Organization

    org = {o.code: o for o in Organization.objects.select_related("parent")}
    out = {}
    for code, day in CASES:
        out[f"dashboard {code} {day}"] = dashboard(org[code], day)
        out[f"forms {code} {day}"] = forms(org[code], day)
    for code in REPORT_ORGS:
        for year in (TODAY.year, TODAY.year - 1):
            out[f"yearly report {code} {year}"] = yearly(org[code], year)
    for code in TARGET_ORGS:
        out[f"targets {code}"] = target_page(org[code])
    return json.loads(json.dumps(out, ensure_ascii=False))  # the file's plain values (tuples become lists)


@pytest.mark.skipif(
    os.environ.get("KETNAP_TEST_GOLDEN", "0") not in {"1", "write"},
    reason="builds the demo: KETNAP_TEST_GOLDEN=1 runs it",
)
@pytest.mark.django_db
def test_the_figures_are_the_figures_of_before(demo):
    found = compute()
    if os.environ.get("KETNAP_TEST_GOLDEN") == "write":
        GOLDEN.parent.mkdir(exist_ok=True)
        lines = [
            f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}"
            for k, v in found.items()
        ]
        GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # a line per case
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(found) == sorted(expected)
    for case in expected:
        assert found[case] == expected[case], case
