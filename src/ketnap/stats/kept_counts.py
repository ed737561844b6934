"""Counts per organisation and day, kept once computed and used while nothing they count has changed (issue 14).

A province's biểu 3 counts each of its some 30,000 members on two days, by some 60 tests; between two looks at it a
handful of its 1,400 organisations have changed. So each organisation's own counts are kept (KeptCounts: per report,
organisation and day) with the organisation's version at the time (KeptOrgVersion), and a report reads the kept rows
of the organisations whose version has not moved, and counts only the others, in one grouped query.

Kept this way: biểu 3's members and biểu 2's admissions (stats.bieu) and today's source pool with its reviews
(stats.pool). What moves an organisation's version (all in stats.figures, which follows every write the registry
makes):
- a recompute of the organisations it was announced (their figures of every day, member spans, admissions and
  today's unit figures: the rows are written and the versions moved in one transaction) — a sitting of the source
  review announces its organisations too;
- a save of a person, or a bulk edit of people (registry.signals.people_edited): every organisation the person was
  ever a member in, was admitted in or is a candidate in, in the writer's transaction — a report on a past day
  counts today's recorded attributes;
- a save of a membership (the exemption from activities is its own flag);
- a save of a candidate or of one of its steps (biểu 2 counts the candidates decided and waiting for their ceremony):
  the candidate's organisation, and the one its kept road had (a transfer).
A report's `kind` carries a digest of what it counts (the code lists' ids behind each test), so an edited code list
makes other kinds, not stale rows; `migrate` (an upgrade) forgets everything kept.

Reports whose inputs have one version for the whole register (the funnel's and the forecast's roads: KeptVersion
"stays") keep one row for the subtree asked (`for_subtree`). A report that only sums its organisations' counts (the
biểu) also keeps the sum for the organisation asked (`total_for`), and a table of rows (the pool per organisation
shown) its sums per row (`derived_for`), valid while every one of those organisations has the version it had then: a
province's 7,000 organisations are read as their versions, not as 7,000 rows of counts.

Why a reader can trust what it keeps: it reads the versions before the rows it counts. A change committed in
between has moved the version past the one the counts are kept with, so they are never used — they can be one
version too old, never newer than their version.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

from django.db import connections, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ketnap.pipeline.models import Candidate
from ketnap.registry.models import Organization
from ketnap.registry.services.dates import today
from ketnap.stats.idlist import id_list
from ketnap.stats.models import KeptAdmission, KeptCounts, KeptMemberSpan, KeptOrgVersion, KeptStay

KEPT_DAYS = 60  # counts not remade for this long are removed (their day is rarely asked again)
Values = list | dict  # JSON: one organisation's numbers, in the report's order or by name ([]: nothing counted there)
Compute = Callable[[list[int] | None], dict[int, Values]]


def kind(report: str, what: object) -> str:
    """The kind of kept counts for `report` (a short name) counting `what` (its tests, by their repr): at most 39
    characters (KeptCounts.kind holds 40: the sums of total_for add one)."""
    if len(report) > 18:
        raise ValueError(f"kept_counts.kind: report name too long: {report!r}")
    return f"{report}:{hashlib.sha1(repr(what).encode()).hexdigest()[:20]}"


def read_versions(orgs: QuerySet) -> dict[int, int]:
    """Each organisation's version (0: never moved); read before anything counted from their rows."""
    version = KeptOrgVersion.objects.filter(organization_id=OuterRef("pk")).values("value")
    # unordered: an organisation's default order (its path) would sort a province's 7,000 rows for nothing
    return dict(orgs.order_by().annotate(version=Coalesce(Subquery(version), 0)).values_list("pk", "version"))


def per_organization(
    report_kind: str, day: dt.date, orgs: QuerySet, compute: Compute, versions: dict[int, int] | None = None
) -> dict[int, Values]:
    """The counts of each organisation of `orgs` (a query of their ids) on `day`: the kept ones still valid, the
    others from `compute(ids)` (None: all of `orgs`, when none is kept), then kept. `versions`: the organisations'
    versions when the caller has read them (before anything it counts)."""
    # the versions before the rows counted (the module's docstring)
    versions = read_versions(orgs) if versions is None else versions
    found: dict[int, Values] = {}
    kept = KeptCounts.objects.filter(kind=report_kind, day=day, organization_id__in=id_list(versions))
    for org_id, kept_version, values in kept.values_list("organization_id", "version", "values"):
        if kept_version == versions[org_id]:
            found[org_id] = values
    missing = [org_id for org_id in versions if org_id not in found]
    if not missing:
        return found
    computed = compute(None if len(missing) == len(versions) else missing)
    made = {org_id: computed.get(org_id, []) for org_id in missing}
    _keep(report_kind, day, {org_id: (versions[org_id], values) for org_id, values in made.items()})
    return found | made


_pruned_on: dt.date | None = None  # this process removed the rows not remade for KEPT_DAYS on that day


def _keep(report_kind: str, day: dt.date, rows: dict[int, tuple[int, Values]]) -> None:
    """Upserted row by row (one statement a batch): a row is valid alone, so a concurrent reader keeping the same
    counts writes the same values or others of their own version."""
    global _pruned_on
    now = today()
    if _pruned_on != now:
        KeptCounts.objects.filter(made_on__lt=now - dt.timedelta(days=KEPT_DAYS)).delete()
        _pruned_on = now
    KeptCounts.objects.bulk_create(
        [
            KeptCounts(kind=report_kind, organization_id=o, day=day, version=v, values=values, made_on=now)
            for o, (v, values) in rows.items()
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["kind", "organization", "day"],
        update_fields=["version", "values", "made_on"],
    )


def for_subtree(report_kind: str, org_id: int, day: dt.date, version: int, compute: Callable[[], Values]) -> Values:
    """What was kept for a whole subtree (`org_id` its root) on `day` at `version` of what it is counted from (a
    report whose inputs have one version, e.g. the roads' for the funnel and the forecast); else `compute()`, kept."""
    kept = KeptCounts.objects.filter(kind=report_kind, organization_id=org_id, day=day, version=version)
    found = kept.values_list("values", flat=True).first()
    if found is None:
        found = compute()
        _keep(report_kind, day, {org_id: (version, found)})
    return found


def total_for(report_kind: str, root_id: int, day: dt.date, orgs: QuerySet, compute: Compute, width: int) -> list:
    """The sum over `orgs` of their counts on `day` (per_organization, then total), kept for the organisation asked
    (`root_id`): derived_for."""
    return derived_for(report_kind, root_id, day, orgs, compute, lambda per_org: total(per_org, width))


def derived_for(
    report_kind: str,
    root_id: int,
    day: dt.date,
    orgs: QuerySet,
    compute: Compute,
    derive: Callable[[dict[int, Values]], Values],
    rows: dict[int, int] | None = None,
    versions: dict[int, int] | None = None,
) -> Values:
    """`derive` of the counts of `orgs` on `day` (per_organization), kept for the organisation asked (`root_id`):
    for_versions. `rows`: the row each organisation is summed into, when `derive` sums them into rows. `versions`:
    read_versions(orgs), when the caller has read them (before anything it counts)."""
    versions = read_versions(orgs) if versions is None else versions
    return for_versions(
        report_kind,
        root_id,
        day,
        versions,
        lambda: derive(per_organization(report_kind, day, orgs, compute, versions)),
        rows,
    )


def for_versions(
    report_kind: str,
    root_id: int,
    day: dt.date,
    versions: dict[int, int],
    compute: Callable[[], Values],
    rows: dict[int, int] | None = None,
) -> Values:
    """`compute()`, kept for the organisation asked (`root_id`) with a digest of every organisation's id and version
    (read_versions) as its version: used again only while the same organisations have the same versions (one
    changed, added or gone: another digest). `rows`: the row each organisation is summed into, when it is (another
    grouping: another digest)."""
    # the reprs of sorted pairs: a province's 7,000 organisations without a Python string each
    pairs = f"{sorted(versions.items())!r}/{sorted((rows or {}).items())!r}"
    digest = int.from_bytes(hashlib.sha1(pairs.encode()).digest()[:8], "big", signed=True)  # KeptCounts.version
    return for_subtree(f"{report_kind}+", root_id, day, digest, compute)


def total(per_org: dict[int, Values], width: int) -> list:
    """The sum of the organisations' counts, column by column."""
    rows = [values for values in per_org.values() if values]
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * width


# --- moving the versions ------------------------------------------------------------------------------------------
def moved(org_ids: Iterable[int]) -> None:
    """These organisations' versions + 1 (in the caller's transaction)."""
    ids = sorted({o for o in org_ids if o is not None})
    if ids:
        _upsert(f"SELECT id FROM {_table(Organization._meta.db_table)} WHERE id IN ({','.join(map(str, ids))})")


def people_moved(person_ids: Iterable[int]) -> None:
    """The versions of every organisation these people were ever members in (their kept spans), were admitted in
    (their kept admissions: a member registered and moved on the same day has no span there) or are candidates in
    + 1."""
    ids = ",".join(map(str, sorted({int(p) for p in person_ids if p is not None})))
    if ids:
        spans, admissions = _table(KeptMemberSpan._meta.db_table), _table(KeptAdmission._meta.db_table)
        candidates = _table(Candidate._meta.db_table)
        _upsert(
            f"SELECT organization_id AS id FROM {spans} WHERE person_id IN ({ids}) "
            f"UNION SELECT organization_id FROM {admissions} WHERE person_id IN ({ids}) "
            f"UNION SELECT organization_id FROM {candidates} WHERE person_id IN ({ids})"
        )


def candidates_moved(candidate_ids: Iterable[int]) -> None:
    """The versions of these candidates' organisations + 1: the one recorded now and the one their kept road last
    had (a transfer to another chi bộ moves both)."""
    ids = ",".join(map(str, sorted({int(c) for c in candidate_ids if c is not None})))
    if ids:
        candidates, stays = _table(Candidate._meta.db_table), _table(KeptStay._meta.db_table)
        _upsert(
            f"SELECT organization_id AS id FROM {candidates} WHERE id IN ({ids}) "
            f"UNION SELECT organization_id FROM {stays} WHERE candidate_id IN ({ids})"
        )


def forget_all() -> None:
    """Nothing kept is used again (a rebuild of the rows they were counted from)."""
    KeptCounts.objects.all().delete()


def _table(name: str) -> str:
    return connections["default"].ops.quote_name(name)


def _upsert(select_ids: str) -> None:
    """version + 1 for the organisations `select_ids` selects, whether their row exists or not (one statement on
    SQLite and PostgreSQL; "WHERE true" lets SQLite tell the ON CONFLICT from a join)."""
    table = _table(KeptOrgVersion._meta.db_table)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organization_id, value) SELECT ids.id, 1 FROM ({select_ids}) ids WHERE true "
            f"ON CONFLICT (organization_id) DO UPDATE SET value = {table}.value + 1"
        )
