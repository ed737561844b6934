"""The forecast to the end of the year: each open candidate scored by the past stays of its stage, in one SQL
statement."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy

from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization
from ketnap.stats import figures, kept_counts
from ketnap.stats.sqldates import DayNumber
from ketnap.stats.targets.facts import Facts

MIN_CASES = 10  # past cases a pool needs before its rate is used (else the next, wider pool)


POOL_LABELS = {
    "org": gettext_lazy("cùng chi bộ"),
    "base": gettext_lazy("cùng đảng bộ cơ sở"),
    "all": gettext_lazy("toàn bộ dữ liệu"),
    "none": gettext_lazy("chưa có số liệu"),
}


@dataclass
class Chance:
    candidate_id: int
    person_id: int
    org_id: int
    node_id: int
    stage: str
    days: int  # in the current stage, to today
    probability: float
    pool: str  # key of POOL_LABELS
    cases: int  # past cases the probability rests on


NEVER = 10**9  # a stay that has not ended, a decision that did not come


def _road_facts(stages=None) -> dict:
    """Per candidate, from its steps (a grouped query): the first day it entered and left each stage before the
    decision (or each of `stages`; a step that changed the stage), the first passed decision, and how many steps it
    has."""
    from ketnap.pipeline.enums import StepKind
    from ketnap.pipeline.transitions import PRE_DECISION

    changed = ~Q(steps__stage_before=F("steps__stage_after"))
    out: dict = {"n_steps": Count("steps")}
    for stage in sorted(PRE_DECISION if stages is None else stages):
        out[f"in_{stage}"] = Min("steps__on", filter=Q(steps__stage_after=stage) & changed)
        out[f"out_{stage}"] = Min("steps__on", filter=Q(steps__stage_before=stage) & changed)
    out["decided"] = Min("steps__on", filter=Q(steps__kind=StepKind.DECISION, steps__passed=True))
    return out


STEP_IDS = 10**10  # above any step id: day number * STEP_IDS + id orders steps by day, then id (fits 64 bits)


def _road(stages: list[str]):
    """The candidates of the register whose road can hold a stay in one of `stages`, with the facts of their road
    (_road_facts) for those stages: when they entered and left each, their decision, their first step. A queryset,
    run inside the forecast's statement."""
    from ketnap.pipeline.enums import Stage
    from ketnap.pipeline.models import Candidate, Step

    road = Candidate.objects.order_by()
    if Stage.SOURCE not in stages:  # a stay elsewhere begins with a step into the stage
        entering = Step.objects.filter(stage_after__in=stages).exclude(stage_before=F("stage_after"))
        road = road.filter(pk__in=entering.values("candidate_id"))
    facts = _road_facts(stages)
    if Stage.SOURCE in stages:
        # the first step, by day then as recorded: its day number and id in one integer, so that MIN finds it
        facts["first_step"] = Min(DayNumber(F("steps__on")) * Value(STEP_IDS) + F("steps__id"))
    return road.values("pk", "organization_id", "stage", "started_on").annotate(**facts)


def _day(column: str) -> str:
    """SQL for a date column's day number (stats.sqldates.DayNumber, as this database writes it)."""
    from ketnap.pipeline.models import Candidate

    compiler = Candidate.objects.none().query.get_compiler(connection=connection)
    sql, params = compiler.compile(DayNumber(RawSQL(column, ())))
    assert not params
    return sql


def _stays_sql(today: dt.date, horizon: int, stages: list[str]) -> tuple[str, str]:
    """The CTE bodies `entered` (per candidate: day numbers of its decision, and of entering and leaving each stage)
    and `stays` (per candidate and stage it entered before the decision: its organisation, the stage, r and k): a stay
    is comparable to a wait of d days when d <= r (it began at least d + horizon days ago and lasted at least d days),
    and its decision came within d + horizon days when d >= k."""
    from ketnap.pipeline.enums import Stage
    from ketnap.pipeline.models import Step
    from ketnap.pipeline.transitions import PRE_DECISION

    numbers = {stage: number for number, stage in enumerate(sorted(PRE_DECISION))}
    assert all(stage.isidentifier() for stage in stages)  # written into the statement as names and literals
    latest = today.toordinal() - horizon
    steps = connection.ops.quote_name(Step._meta.db_table)
    before = connection.ops.quote_name(Step._meta.get_field("stage_before").column)
    # the road began at the source when its first step left the source (no step: when it is still there)
    source_first = f"CASE WHEN n_steps > 0 THEN fs.{before} = '{Stage.SOURCE}' ELSE road.stage = '{Stage.SOURCE}' END"
    columns = ["organization_id AS org", f"{_day('decided')} AS d_decided"]
    for stage in stages:
        entered = _day(f"in_{stage}")
        if stage == Stage.SOURCE:  # entered on the day put on the list, unless the first step says otherwise
            entered = f"CASE WHEN {source_first} THEN {_day('started_on')} ELSE {entered} END"
        columns += [f"{entered} AS e_{stage}", f"{_day(f'out_{stage}')} AS o_{stage}"]
    entered_sql = f"SELECT {', '.join(columns)} FROM road"
    if Stage.SOURCE in stages:
        entered_sql += f" LEFT JOIN {steps} fs ON fs.id = road.first_step %% {STEP_IDS}"
    parts = []
    for stage in stages:  # stages by number: the pools are partitioned by integers only
        waited, stayed = f"({latest} - e_{stage})", f"COALESCE(o_{stage} - e_{stage}, {NEVER})"
        parts.append(
            f"SELECT org, {numbers[stage]} AS stage, "
            f"CASE WHEN {waited} < {stayed} THEN {waited} ELSE {stayed} END AS reach, "
            f"COALESCE(d_decided - e_{stage}, {NEVER}) - {horizon} AS decided FROM entered WHERE e_{stage} IS NOT NULL"
        )
    return entered_sql, "\n  UNION ALL ".join(parts)


def _base_of(org_id: int, paths: dict, kinds: dict) -> int | None:
    """The base organisation (đảng bộ cơ sở / chi bộ cơ sở) an organisation belongs to."""
    ids = [int(p) for p in paths.get(org_id, "").strip("/").split("/") if p]
    return next((i for i in reversed(ids) if kinds.get(i) in OrgKind.base_kinds()), None)


def _base_of_sql(org: Organization) -> tuple[str, list]:
    """(pk, base_id) for every organisation that can share a pool with the subtree's: those of the base organisations
    the subtree lies in or holds (they do not nest). The base is found up the parents (a join per level of the tree,
    on the primary key), so that the database can index the result for the joins that use it."""
    above = org.ancestor_ids()
    kinds = dict(Organization.objects.filter(pk__in=above).values_list("pk", "kind"))
    paths = {org.pk: org.path}
    kinds[org.pk] = org.kind
    base = _base_of(org.pk, paths, kinds)
    prefix = org.path if base is None else org.path[: org.path.index(f"/{base}/") + len(f"/{base}/")]
    under = Organization.objects.filter(path__startswith=prefix)
    levels = (under.aggregate(deepest=Max("depth"))["deepest"] or 0) - (prefix.count("/") - 2)
    bases = OrgKind.base_kinds()
    whens, up = [When(kind__in=bases, then=F("pk"))], ""
    for _level in range(max(levels, 0)):
        up += "parent__"
        whens.append(When(**{f"{up}kind__in": bases}, then=F(f"{up}id")))
    rows = under.order_by().annotate(base_id=Case(*whens, default=None)).values("pk", "base_id")
    return rows.query.sql_with_params()


def _open(facts: Facts):
    """The candidates the forecast is for: in the pipeline before the decision, in the subtree's active
    organisations."""
    from ketnap.pipeline.models import Candidate
    from ketnap.pipeline.transitions import PRE_DECISION

    active = Organization.objects.filter(path__startswith=facts.org.path, dissolved_on__isnull=True).values("pk")
    return Candidate.objects.filter(organization__in=active, stage__in=PRE_DECISION).order_by()


MARKER = -1  # ForecastBase.stage of the row that says a (day, version) is complete


def _events_sql(stays: str, pools: str = "") -> str:
    """The events of the stays of CTE `stays` on the axis of days waited, per (`pools` columns,) stage and day x: how
    many stop being comparable (gone) and how many start or stop counting as decided (hit) — see `_forecast_sql`."""
    return (
        f"SELECT {pools}stage, x, SUM(gone) AS gone, SUM(hit) AS hit FROM (\n"
        f"  SELECT {pools}stage, reach + 1 AS x, 1 AS gone, CASE WHEN decided <= reach THEN -1 ELSE 0 END AS hit\n"
        f"  FROM {stays}\n"
        f"  UNION ALL SELECT {pools}stage, decided, 0, 1 FROM {stays} WHERE decided <= reach\n"
        f") e GROUP BY {pools}stage, x"
    )


def register_events(today: dt.date) -> tuple:
    """(day, version) of the whole register's events for a forecast on `today` (stats.models.ForecastBase), computed
    first if this version of the candidates' roads has none for the day: every stage before the decision in one
    statement, under the lock of the kept rows so that no change of a road falls between the version and the rows.
    Rows of versions before the previous one are dropped (a forecast still reading the previous one finds it)."""
    from ketnap.pipeline.transitions import PRE_DECISION
    from ketnap.stats.models import ForecastBase

    day = connection.ops.adapt_datefield_value(today)
    version = figures.stays_version()
    ready = ForecastBase.objects.filter(day=today, version=version, stage=MARKER)
    if ready.exists():
        return day, version
    with figures.exclusive():
        version = figures.stays_version()
        ready = ForecastBase.objects.filter(day=today, version=version, stage=MARKER)
        if not ready.exists():
            ForecastBase.objects.filter(version__lt=version - 1).delete()
            ForecastBase.objects.filter(day=today, version=version).delete()
            stages = sorted(PRE_DECISION)
            horizon = (dt.date(today.year, 12, 31) - today).days
            road_sql, road_params = _road(stages).query.sql_with_params()
            entered_sql, stays_sql = _stays_sql(today, horizon, stages)
            table = connection.ops.quote_name(ForecastBase._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH road AS ({road_sql}),\nentered AS ({entered_sql}),\nstays AS ({stays_sql})\n"
                    f"INSERT INTO {table} (day, version, stage, x, gone, hit)\n"
                    f"SELECT %s, %s, stage, x, gone, hit FROM ({_events_sql('stays')}) events",
                    [*road_params, day, version],
                )
            ForecastBase.objects.create(day=today, version=version, stage=MARKER, x=0, gone=0, hit=0)
    return day, version


def _forecast_sql(facts: Facts, select: str, stages: list[str]) -> tuple[str, list]:
    """One statement that scores every open candidate of the subtree (CTE `scored`: id, person_id, org, stage, days,
    position, pool, cases, p) and ends with `select` over it.

    For each pool the past stays of a stage are events on the axis of days waited: a stay stops being comparable
    after r (at r + 1), and, when its decision can count at all (k <= r), counts as decided from k to r. A running
    sum over each pool's events, ordered by day, answers every wait asked of it in one pass: how many stays are
    comparable (all less those gone) and how many of them decided. The pools: the candidate's chi bộ (1), its base
    organisation (2) — each only where it holds MIN_CASES stays of the stage at all, else it can never be used — and
    the whole register (3, used with any comparable stay). Only the roads of the base organisations the subtree lies
    in or holds are read, and only for the stages the candidates are at (`stages`); the whole register's events are
    computed once a day and version of the roads (`register_events`).
    """
    from ketnap.pipeline.models import Candidate
    from ketnap.pipeline.transitions import PRE_DECISION
    from ketnap.stats.models import ForecastBase

    today = facts.today
    horizon = (dt.date(today.year, 12, 31) - today).days
    open_ = _open(facts).annotate(days=Greatest(Value(0), Value(today.toordinal()) - DayNumber(F("stage_since"))))
    open_sql, open_params = open_.values("pk", "organization_id", "stage", "days").query.sql_with_params()
    base_sql, base_params = _base_of_sql(facts.org)
    day, version = register_events(today)
    # pools 1 and 2 are the roads of the organisations in base_of (the CTE): no other road is read
    nearby = _road(stages).filter(organization_id__in=RawSQL("SELECT org_id FROM base_of", ()))
    road_sql, road_params = nearby.query.sql_with_params()
    entered_sql, stays_sql = _stays_sql(today, horizon, stages)
    quote, fields = connection.ops.quote_name, {f.name: f.column for f in Candidate._meta.concrete_fields}
    candidates = quote(Candidate._meta.db_table)
    c_id, c_person, c_org, c_stage, c_since = (
        quote(fields[name]) for name in ("id", "person", "organization", "stage", "stage_since")
    )
    waited = f"({today.toordinal()} - {_day(f'c.{c_since}')})"
    register = quote(ForecastBase._meta.db_table)
    stage_numbers = " ".join(f"WHEN '{stage}' THEN {number}" for number, stage in enumerate(sorted(PRE_DECISION)))
    sql = f"""WITH base_of AS MATERIALIZED (SELECT pk AS org_id, base_id FROM ({base_sql}) b),
road AS ({road_sql}),
entered AS ({entered_sql}),
open_ AS MATERIALIZED (
  SELECT o.pk AS id, o.organization_id AS org, b.base_id AS base, CASE o.stage {stage_numbers} END AS stage, o.days
  FROM ({open_sql}) o LEFT JOIN base_of b ON b.org_id = o.organization_id
),
stays AS MATERIALIZED (
  {stays_sql}
),
by_base AS MATERIALIZED (
  SELECT b.base_id AS pkey, s.stage, s.reach, s.decided FROM stays s JOIN base_of b ON b.org_id = s.org
  WHERE b.base_id IN (SELECT base FROM open_)
),
parts AS MATERIALIZED (
  SELECT 1 AS pool, org AS pkey, stage FROM stays WHERE org IN (SELECT org FROM open_)
  GROUP BY org, stage HAVING COUNT(*) >= %s
  UNION ALL
  SELECT 2, pkey, stage FROM by_base GROUP BY pkey, stage HAVING COUNT(*) >= %s
),
pooled AS MATERIALIZED (
  SELECT 1 AS pool, org AS pkey, stage, reach, decided FROM stays
  WHERE (org, stage) IN (SELECT pkey, stage FROM parts WHERE pool = 1)
  UNION ALL
  SELECT 2, pkey, stage, reach, decided FROM by_base
  WHERE (pkey, stage) IN (SELECT pkey, stage FROM parts WHERE pool = 2)
),
asked AS (
  SELECT id, 1 AS pool, org AS pkey, stage, days FROM open_
  UNION ALL SELECT id, 2, base, stage, days FROM open_ WHERE base IS NOT NULL
  UNION ALL SELECT id, 3, 0, stage, days FROM open_
),
events AS (
  SELECT pool, pkey, stage, x, 0 AS asked, gone, hit, CAST(NULL AS BIGINT) AS id
  FROM ({_events_sql("pooled", "pool, pkey, ")}) e
  UNION ALL SELECT 3, 0, stage, x, 0, gone, hit, CAST(NULL AS BIGINT) FROM {register}
  WHERE day = %s AND version = %s AND stage IN (SELECT stage FROM open_)
  UNION ALL SELECT pool, pkey, stage, days, 1, 0, 0, id FROM asked
),
running AS (
  SELECT id, pool, asked, SUM(gone) OVER (PARTITION BY pool, pkey, stage) AS total,
    SUM(gone) OVER w AS gone, SUM(hit) OVER w AS h
  FROM events
  WINDOW w AS (PARTITION BY pool, pkey, stage ORDER BY x, asked ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
pools AS (
  SELECT id,
    MAX(CASE WHEN pool = 1 THEN total - gone END) AS n1, MAX(CASE WHEN pool = 1 THEN h END) AS h1,
    MAX(CASE WHEN pool = 2 THEN total - gone END) AS n2, MAX(CASE WHEN pool = 2 THEN h END) AS h2,
    MAX(CASE WHEN pool = 3 THEN total - gone END) AS n3, MAX(CASE WHEN pool = 3 THEN h END) AS h3
  FROM running WHERE asked = 1 GROUP BY id
),
chances AS (
  SELECT c.{c_id} AS id, c.{c_person} AS person_id, c.{c_org} AS org, c.{c_stage} AS stage,
    CASE WHEN {waited} > 0 THEN {waited} ELSE 0 END AS days,
    -- the list's order when chances tie: the model's (latest in their stage first)
    ROW_NUMBER() OVER (ORDER BY c.{c_since} DESC, c.{c_id}) AS position,
    CASE WHEN n1 >= %s THEN 'org' WHEN n2 >= %s THEN 'base' WHEN n3 > 0 THEN 'all' ELSE 'none' END AS pool,
    CASE WHEN n1 >= %s THEN n1 WHEN n2 >= %s THEN n2 WHEN n3 > 0 THEN n3 ELSE 0 END AS cases,
    CASE WHEN n1 >= %s THEN h1 WHEN n2 >= %s THEN h2 WHEN n3 > 0 THEN h3 ELSE 0 END AS hits
  FROM pools JOIN {candidates} c ON c.{c_id} = pools.id
),
scored AS (
  SELECT id, person_id, org, stage, days, position, pool, cases,
    CASE WHEN cases > 0 THEN CAST(hits AS DOUBLE PRECISION) / cases ELSE 0.0 END AS p
  FROM chances
)
{select}"""
    params = [*base_params, *road_params, *open_params, MIN_CASES, MIN_CASES, day, version, *[MIN_CASES] * 6]
    return sql, params


@dataclass
class Forecast:
    """The forecast's figures, summed by the database: per organisation (candidates, expected admissions) and per
    (stage, pool) (candidates, expected, days waited, the position of its first candidate in the list)."""

    by_org: dict[int, tuple[int, float]]
    by_stage: list[tuple[str, str, int, float, int, int]]

    @property
    def candidates(self) -> int:
        return sum(n for n, _e in self.by_org.values())

    @property
    def expected(self) -> float:
        return sum(e for _n, e in self.by_org.values())

    def pools(self, stage: str | None = None) -> dict[str, int]:
        """Candidates per pool (of one stage), in the order the candidates' list first meets them."""
        first: dict[str, int] = {}
        count: Counter = Counter()
        for s, pool, n, _e, _d, position in self.by_stage:
            if stage is None or s == stage:
                count[pool] += n
                first[pool] = min(first.get(pool, position), position)
        return {pool: count[pool] for pool in sorted(count, key=lambda p: first[p])}


def forecast_figures(facts: Facts) -> Forecast:
    """The forecast summed per organisation and per stage and pool, in one statement (see `forecast`), kept for the
    subtree, the day and the version of the roads (stats.kept_counts): a candidate's chance rests on the roads of its
    chi bộ, its base organisation and the whole register, so any road changed anywhere counts it again."""
    if facts._forecast is None:
        version = figures.stays_version()  # before the rows counted: a change after it leaves this version behind
        tree = sorted((n.org_id, n.parent_id, n.kind) for n in facts.nodes.values())
        kind = kept_counts.kind("forecast", (facts.org.path, MIN_CASES, tree))
        by_org, by_stage = kept_counts.for_subtree(kind, facts.org.pk, facts.today, version, lambda: _summed(facts))
        facts._forecast = Forecast({o: (n, e) for o, n, e in by_org}, [tuple(row) for row in by_stage])
    return facts._forecast


def _summed(facts: Facts) -> list:
    """The forecast's sums as JSON: [[organisation, candidates, expected] …], [[stage, pool, candidates, expected,
    days waited, first position] …]."""
    by_org, by_stage = [], []
    if stages := _stages(facts):
        sql, params = _forecast_sql(
            facts,
            "SELECT 'org', org, NULL, NULL, COUNT(*), SUM(p), NULL, NULL FROM scored GROUP BY org\n"
            "UNION ALL\n"
            "SELECT 'stage', NULL, stage, pool, COUNT(*), SUM(p), SUM(days), MIN(position) FROM scored "
            "GROUP BY stage, pool",
            stages,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, org_id, stage, pool, n, expected, days, first in cursor.fetchall():
                if kind == "org":
                    by_org.append([org_id, int(n), float(expected)])
                else:
                    by_stage.append([stage, pool, int(n), float(expected), int(days), int(first)])
    return [by_org, by_stage]


def pipeline_count(facts: Facts) -> int:
    """How many open candidates of the subtree are not yet decided (the forecast's list), counted alone."""
    return _open(facts).count() if facts.nodes else 0


def _stages(facts: Facts) -> list[str]:
    """The stages the subtree's open candidates are at (the forecast reads the history of those only)."""
    return sorted(set(_open(facts).values_list("stage", flat=True).distinct())) if facts.nodes else []


def forecast(facts: Facts, *, offset: int = 0, limit: int | None = None) -> list[Chance]:
    """Each open candidate of the subtree not yet decided, with the probability of a decision by 31/12 this year, most
    likely first (then shortest wait; then the model's order); `offset` and `limit` page it in the database.

    Method: for a candidate who has spent d days in stage S, with h days left in the year, look at every past stay
    in S that lasted at least d days and began at least d + h days ago, and count the share that reached the admission
    decision (the "decision" step) within d + h days of entering S. The pool is the candidate's own chi bộ; when it
    holds fewer than MIN_CASES such stays, its base organisation; then all organisations. Entering S is the date of
    the step that moved the candidate into S (the SOURCE stage: the day put on the list). Candidates already decided
    are not here: their decision is counted as an admission (ketnap.stats.admissions).

    All of it is counted by the database (_forecast_sql): only the candidates asked for leave it.
    """
    stages = _stages(facts)
    if not stages:
        return []
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
    sql, params = _forecast_sql(
        facts,
        f"SELECT id, person_id, org, stage, days, p, pool, cases FROM scored ORDER BY p DESC, days, position{page}",
        stages,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [  # PostgreSQL sums integers as numeric: plain numbers here
        Chance(pk, person_id, org_id, org_id, stage, int(days), float(p), pool, int(cases))
        for pk, person_id, org_id, stage, days, p, pool, cases in rows
    ]
