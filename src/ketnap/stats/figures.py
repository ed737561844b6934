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

Rows kept per membership, for the statistical forms: KeptAdmission (the first source of stats.admissions: a
membership whose first event is an entry with a decision date, for the chi bộ of that event) and KeptMemberSpan (a
membership while active, between its event days, with the member's first decision). The same announcements carry
them: every event announces, from its day, every chi bộ the membership was ever in, so recomputing the memberships
that have an event in the announced (dated) organisations catches every membership whose events changed.
(Decisions still waiting for their ceremony are few and read from the pipeline's steps, as before.)

Today's people per responsible organisation and work unit (CurrentUnitFigures, for stats.pool): staff, members and
the source pool's profile. Recomputed with today's counts for the announced organisations and for every unit they
cover (a member who changes unit keeps their chi bộ, which is not announced; the units' coverers are), and after every
save of a person (an edited profession, birth date, youth union or planning changes the profile, not the counts).

The candidates' roads (KeptStay, for stats.funnel): the stays of each candidate, from its steps. The pipeline writes
a step or a candidate through save() (domain.transition and the other writers); stats listens to those saves (and to
a step's deletion) and recomputes the candidate's stays once its transaction commits, with the announced counts.

Reads: current_tree / tree_on_day / tree return registry.indicators' Node trees with these counts: the tree's
queries plus one for the counts, whatever the number of people.
"""

import bisect
import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import NamedTuple

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery

from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate, Step
from ketnap.registry import counted, indicators
from ketnap.registry.enums import MembershipEventKind, MembershipStatus
from ketnap.registry.models import (
    Assignment,
    MembershipEvent,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats import kept_counts
from ketnap.stats.idlist import id_list
from ketnap.stats.models import (
    CurrentOrgFigures,
    CurrentUnitFigures,
    KeptAdmission,
    KeptMemberSpan,
    KeptStay,
    KeptVersion,
    OrgFigures,
)

BEGINNING, END = dt.date.min, dt.date.max  # END stands for an open end (valid_to empty)
ACTIVE = sorted(MembershipStatus.active())
FIELDS = ("staff", "staff_members", "official", "probationary")
STAFF, STAFF_MEMBERS, OFFICIAL, PROBATIONARY = range(4)
BATCH = 1000
# what KeptAdmission keeps (stats.admissions counts with it): the first event of a membership, when it is an entry
COUNTED_ENTRIES = (MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED)
ROAD = [s for s in Stage.board() if s != Stage.OFFICIAL]  # the open stages, in the order of the road
RANK = {stage: i for i, stage in enumerate([*ROAD, Stage.OFFICIAL])}  # KeptStay.rank (stats.funnel reads it)


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
    KeptAdmission: type | None  # None in the migrations before they existed
    KeptMemberSpan: type | None
    KeptStay: type | None
    CurrentUnitFigures: type | None
    Candidate: type | None
    Step: type | None


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
    KeptAdmission,
    KeptMemberSpan,
    KeptStay,
    CurrentUnitFigures,
    Candidate,
    Step,
)
APPS = {"Candidate": "pipeline", "Step": "pipeline", **{name: "stats" for name in _Models._fields[7:13]}}


def _models(apps) -> _Models:
    if apps is global_apps:
        return LIVE
    labels = [f"{APPS.get(name, 'registry')}.{name}" for name in _Models._fields]
    found = []
    for label in labels:
        try:
            found.append(apps.get_model(label))
        except LookupError:  # a migration older than the model: it is filled by its own migration
            found.append(None)
    return _Models(*found)


# --- reading ----------------------------------------------------------------------------------------------------
def current_counts(org_ids: list[int]) -> dict[int, indicators.Counts]:
    """Today's own counts of these organisations (registry.indicators.OwnCounts)."""
    return _current_rows(CurrentOrgFigures.objects.filter(organization_id__in=org_ids))


def current_staff(org_ids) -> dict[int, tuple[int, int]]:
    """Today's own (staff, staff members) of these organisations (ids, or a query of them), as plain pairs."""
    catch_up()
    rows = CurrentOrgFigures.objects.filter(organization_id__in=org_ids)
    pairs = rows.values_list("organization_id", "staff", "staff_members")
    return {org_id: (staff, members) for org_id, staff, members in pairs}


def _current_rows(rows) -> dict[int, indicators.Counts]:
    catch_up()
    return {org_id: indicators.Counts(*values) for org_id, *values in rows.values_list("organization_id", *FIELDS)}


def _stored_on(m: _Models, org_ids: Iterable[int], day: dt.date) -> dict[int, Figures]:
    """Each organisation's row in force on `day` (the greatest day <= it): one index seek per organisation, then the
    rows by primary key (PostgreSQL plans `pk IN (that subquery)` as a scan of every kept row)."""
    latest = m.OrgFigures.objects.filter(organization_id=OuterRef("pk"), day__lte=day).order_by("-day").values("pk")
    chosen = m.Organization.objects.filter(pk__in=id_list(org_ids)).values_list(Subquery(latest[:1]), flat=True)
    rows = m.OrgFigures.objects.filter(pk__in=id_list(pk for pk in chosen if pk is not None))
    rows = rows.values_list("organization_id", *FIELDS)
    return {org_id: Figures(*values) for org_id, *values in rows}


def counts_on(org_ids: list[int], day: dt.date, root_id: int | None = None) -> dict[int, indicators.Counts]:
    """The own counts of these organisations on `day` (registry.indicators.OwnCounts). `root_id`: the organisation
    whose subtree they are; its counts are then kept for it (stats.kept_counts.for_versions: every recompute moves the
    versions of the organisations it was announced, _write_units), and a second look at a province's past day reads
    its 7,000 organisations' versions and one row instead of seeking each one's row in force."""
    catch_up()
    if root_id is None:
        stored = _stored_on(LIVE, org_ids, day)
    else:
        kept = kept_counts.for_versions(
            kept_counts.kind("figures", FIELDS),
            root_id,
            day,
            kept_counts.read_versions(Organization.objects.filter(pk__in=id_list(org_ids))),
            lambda: [[org_id, *figures] for org_id, figures in _stored_on(LIVE, org_ids, day).items()],
        )
        stored = {org_id: values for org_id, *values in kept}
    return {org_id: indicators.Counts(*figures) for org_id, figures in stored.items()}


def current_tree(roots: list[Organization]) -> list[indicators.Node]:
    """registry.indicators.current_tree with the kept counts: those of the subtrees, chosen by path (a list of the
    1,400 ids of a province costs Django more to build than SQLite to run)."""
    under = Q(pk__in=[])
    for root in roots:
        under |= Q(path__startswith=root.path)
    # IN (the subtrees' ids by path): the path index first, then this table's primary key (a join on the path
    # scans every kept row)
    rows = CurrentOrgFigures.objects.filter(organization_id__in=Organization.objects.filter(under).values("pk"))
    return indicators.current_tree(roots, own=lambda _org_ids: _current_rows(rows))


def tree_on_day(roots: list[Organization], day: dt.date) -> list[indicators.Node]:
    """registry.indicators.tree_on_day with the kept counts of that day."""
    root_id = roots[0].pk if len(roots) == 1 else None
    return indicators.tree_on_day(roots, day, own=lambda org_ids: counts_on(org_ids, day, root_id))


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
        self.candidates: set[int] = set()  # whose stays to recompute
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


def follow_person(sender, instance, **kwargs) -> None:
    """post_save of a Person: today's figures of their organisation (the pool's profile reads what was edited), and
    the versions of the counts kept where they were ever a member, were admitted or are a candidate (a form counts
    today's attributes on any day)."""
    counted.announce(counted.today_only([instance.organization_id]))
    kept_counts.people_moved([instance.pk])


def follow_membership(sender, instance, **kwargs) -> None:
    """post_save of a membership: what is counted from its own fields (the exemption) moves the kept counts."""
    kept_counts.people_moved([instance.person_id])


def follow_people(sender, *, person_ids, **kwargs) -> None:
    """registry.signals.people_edited (a bulk edit, which sends no post_save)."""
    kept_counts.people_moved(person_ids)


def follow_candidate(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a Candidate or a Step: recompute the candidate's stays once this transaction
    commits (with what it announced), and move the versions of the counts kept for its organisation (biểu 2 counts
    the decided waiting for their ceremony) in this one."""
    candidate_id = instance.pk if isinstance(instance, Candidate) else instance.candidate_id
    batch = next((callback.batch for callback in _waiting()), None) or _Batch()
    batch.candidates.add(candidate_id)
    transaction.on_commit(_Recompute(batch), robust=True)
    if isinstance(instance, Candidate):
        kept_counts.moved([instance.organization_id])  # also when deleted: its row (and its stays) are gone
    kept_counts.candidates_moved([candidate_id])


def _run(batch: _Batch) -> None:
    if not batch.done:
        batch.done = True
        if batch.changes:
            recompute(batch.changes)
        if batch.candidates:
            with transaction.atomic():
                _lock()
                _write_stays(LIVE, batch.candidates)


def catch_up() -> None:
    """Recompute now what this transaction announced: the readers call it, so that the transaction that wrote reads
    its own writes (outside a transaction nothing waits: a cheap no-op)."""
    for callback in list(_waiting()):
        _run(callback.batch)


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """A transaction that no recompute of the kept rows runs beside (what is computed from them, consistently)."""
    with transaction.atomic():
        _lock()
        yield


STAYS = "stays"


def stays_version() -> int:
    """The version of the kept stays (KeptVersion "stays"), after this transaction's own writes are kept."""
    catch_up()
    return KeptVersion.objects.filter(name=STAYS).values_list("value", flat=True).first() or 0


def _stays_moved(m: _Models) -> None:
    """KeptVersion "stays" + 1, in one statement whether the row is there or not (SQLite and PostgreSQL upsert)."""
    if m is LIVE:  # a migration's rebuild runs before the counter exists: nothing is computed from it yet
        connection = transaction.get_connection()
        table = connection.ops.quote_name(KeptVersion._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1",
                [STAYS],
            )


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
        kept_counts.moved(_write_units(m, set(changes)))
        dated = {org_id: day for org_id, day in changes.items() if day is not None}
        if dated:  # only a dated change can touch a membership's events (today's: people archived, leaving …)
            kept_counts.moved(_write_kept_rows(m, set(dated)))
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
        _rebuild_kept_rows(m)
        if m is LIVE:
            kept_counts.forget_all()
    return len(rows)


def rebuild_kept_rows(apps=global_apps) -> None:
    """Every kept admission, member span, candidate's stay and today's unit figures from scratch (the migration that
    made the tables fills them so)."""
    m = _models(apps)
    with transaction.atomic():
        _lock()
        _rebuild_kept_rows(m)
        if m is LIVE:
            kept_counts.forget_all()


def _rebuild_kept_rows(m: _Models) -> None:
    if m.KeptAdmission is None:
        return
    m.KeptAdmission.objects.all().delete()
    _insert_admissions(m, _admissions(m, None))
    m.KeptMemberSpan.objects.all().delete()
    _insert_spans(m, _spans(m, None))
    m.KeptStay.objects.all().delete()
    _insert_stays(m, _stays(m, None))
    _stays_moved(m)
    m.CurrentUnitFigures.objects.all().delete()
    _insert_units(m, _unit_figures(m, None, None))


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
            found.append(f"{codes.get(org_id, org_id)}, từ ngày {ddmmyyyy(day)}: đang giữ {kept}; tính lại {truth}.")
    if m.KeptAdmission is not None:
        found += _admission_differences(m, codes)
        found += _span_differences(m, codes)
        found += _stay_differences(m, codes)
        found += _unit_differences(m, codes)
    return found


def _unit_differences(m: _Models, codes: dict[int, str]) -> list[str]:
    kept = {
        (org_id, unit_id): tuple(values)
        for org_id, unit_id, *values in m.CurrentUnitFigures.objects.values_list(
            "organization_id", "unit_id", *UNIT_FIELDS
        )
    }
    truth = _unit_figures(m, None, None)
    wrong: dict[int, int] = defaultdict(int)  # organisation -> units whose kept figures differ
    for key in set(kept) | set(truth):
        if kept.get(key) != truth.get(key):
            wrong[key[0]] += 1
    return [
        f"{codes.get(org_id, org_id)}, hôm nay theo khoa/phòng: {n} khoa/phòng không khớp."
        for org_id, n in sorted(wrong.items(), key=lambda item: codes.get(item[0], ""))
    ]


def _stay_differences(m: _Models, codes: dict[int, str]) -> list[str]:
    kept: dict[int, list[tuple]] = defaultdict(list)
    for candidate_id, *values in m.KeptStay.objects.order_by("candidate_id", "position").values_list(
        "candidate_id", *STAY_FIELDS
    ):
        kept[candidate_id].append(tuple(values))
    truth = _stays(m, None)
    wrong: dict[int, int] = defaultdict(int)  # organisation -> candidates whose kept road differs
    for candidate_id in set(kept) | set(truth):
        if kept.get(candidate_id, []) != truth.get(candidate_id, []):
            rows = truth.get(candidate_id) or kept[candidate_id]
            wrong[rows[0][1]] += 1
    return [
        f"{codes.get(org_id, org_id)}, quá trình phát triển đảng viên: {n} người không khớp."
        for org_id, n in sorted(wrong.items(), key=lambda item: codes.get(item[0], ""))
    ]


def _span_differences(m: _Models, codes: dict[int, str]) -> list[str]:
    kept: dict[int, set[tuple]] = defaultdict(set)
    for membership_id, *values in m.KeptMemberSpan.objects.values_list("membership_id", *SPAN_FIELDS):
        kept[membership_id].add(tuple(values))
    truth = {membership_id: set(spans) for membership_id, spans in _spans(m, None).items()}
    wrong: dict[int, int] = defaultdict(int)  # organisation -> memberships whose kept spans differ
    for membership_id in set(kept) | set(truth):
        mine, right = kept.get(membership_id, set()), truth.get(membership_id, set())
        if mine != right:
            for org_id in {span[1] for span in mine ^ right}:
                wrong[org_id] += 1
    return [
        f"{codes.get(org_id, org_id)}, đảng viên theo ngày: {n} đảng viên không khớp."
        for org_id, n in sorted(wrong.items(), key=lambda item: codes.get(item[0], ""))
    ]


def _admission_differences(m: _Models, codes: dict[int, str]) -> list[str]:
    kept = {
        membership_id: tuple(values)
        for membership_id, *values in m.KeptAdmission.objects.values_list(
            "membership_id", "person_id", "organization_id", "decided_on", "is_readmission"
        )
    }
    truth = _admissions(m, None)
    wrong: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # organisation -> [kept, computed] rows that differ
    for membership_id in set(kept) | set(truth):
        if kept.get(membership_id) != truth.get(membership_id):
            for side, rows in enumerate((kept, truth)):
                if membership_id in rows:
                    wrong[rows[membership_id][1]][side] += 1
    return [
        f"{codes.get(org_id, org_id)}, kết nạp: {k} dòng đang giữ, {t} dòng tính lại không khớp nhau."
        for org_id, (k, t) in sorted(wrong.items(), key=lambda item: codes.get(item[0], ""))
    ]


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


AdmissionRows = dict[int, tuple[int, int, dt.date, bool]]  # membership -> (person, chi bộ, decided on, readmission)


def _admissions(m: _Models, org_ids: set[int] | None) -> AdmissionRows:
    """The admissions of the register (of the memberships with an event in the chi bộ of org_ids, wherever they were
    admitted: _write_kept_rows rewrites every row of those memberships), as stats.admissions defines them: the first
    event of each membership (by day, then id) when it is an entry and the membership has a decision date."""
    earlier = m.MembershipEvent.objects.filter(membership_id=OuterRef("membership_id")).filter(
        Q(on__lt=OuterRef("on")) | Q(on=OuterRef("on"), id__lt=OuterRef("id"))
    )
    events = m.MembershipEvent.objects.filter(
        ~Exists(earlier), kind__in=COUNTED_ENTRIES, membership__decision_date__isnull=False
    )
    if org_ids is not None:
        ours = m.MembershipEvent.objects.filter(organization_after_id__in=sorted(org_ids)).values("membership_id")
        events = events.filter(membership_id__in=ours)
    rows = events.values_list(
        "membership_id",
        "membership__person_id",
        "organization_after_id",
        "membership__decision_date",
        "membership__is_readmission",
    )
    return {membership_id: tuple(values) for membership_id, *values in rows}


def _write_kept_rows(m: _Models, org_ids: set[int]) -> set[int]:
    """The kept admissions and member spans of the memberships with an event in these chi bộ, recomputed: a
    membership's events announce all its chi bộ, so its former rows (elsewhere) are among them. Returns the
    organisations whose rows were rewritten (theirs and any other where those memberships had rows, before or now)."""
    admissions = _admissions(m, org_ids)
    spans = _spans(m, org_ids)
    m.KeptAdmission.objects.filter(organization_id__in=sorted(org_ids)).delete()
    memberships = sorted(set(admissions) | set(spans))
    touched = set(org_ids) | {span[1] for rows in spans.values() for span in rows}
    touched |= {row[1] for row in admissions.values()}  # admitted elsewhere (a chi bộ merged into one of these)
    for start in range(0, len(memberships), BATCH):
        chunk = memberships[start : start + BATCH]
        for model in (m.KeptAdmission, m.KeptMemberSpan):
            former = model.objects.filter(membership_id__in=chunk)
            touched.update(former.values_list("organization_id", flat=True).distinct())
            former.delete()
    _insert_admissions(m, admissions)
    _insert_spans(m, spans)
    return touched


SPAN_FIELDS = ("person_id", "organization_id", "status", "starts_on", "ends_on", "first_decided_on")
SpanRows = dict[int, list[tuple]]  # membership -> its active spans: SPAN_FIELDS


def _spans(m: _Models, org_ids: set[int] | None) -> SpanRows:
    """The active spans of the memberships (with an event in org_ids), as registry.indicators reads a day: the state
    after the last event of a day holds until the next event day; with each member's first admission decision."""
    events = m.MembershipEvent.objects.all()
    if org_ids is not None:
        ours = m.MembershipEvent.objects.filter(organization_after_id__in=sorted(org_ids)).values("membership_id")
        events = events.filter(membership_id__in=ours)
    rows = events.order_by("membership_id", "on", "id").values_list(
        "membership_id", "membership__person_id", "on", "status_after", "organization_after_id"
    )
    found: SpanRows = defaultdict(list)
    for membership_id, person_id, start, end, status, org_id in _spans_of(rows):
        if status in ACTIVE:
            found[membership_id].append([person_id, org_id, status, start, None if end == END else end])
    people = sorted({span[0] for spans in found.values() for span in spans})
    decisions = m.PartyMembership.objects.filter(decision_date__isnull=False)
    first: dict[int, dt.date] = {}
    for start in range(0, len(people), BATCH) if org_ids is not None else [None]:
        chosen = decisions if start is None else decisions.filter(person_id__in=people[start : start + BATCH])
        first.update(chosen.values("person_id").annotate(first=Min("decision_date")).values_list("person_id", "first"))
    return {membership_id: [(*span, first.get(span[0])) for span in spans] for membership_id, spans in found.items()}


UNIT_FIELDS = ("staff", "members", "pool", "youth", "planning", "levels", "professions", "births")
UnitRows = dict[tuple[int, int], tuple]  # (organisation, unit) -> UNIT_FIELDS


def _unit_figures(m: _Models, org_ids: set[int] | None, unit_ids: set[int] | None) -> UnitRows:
    """Today's current people by responsible organisation and work unit (of these organisations, or in these
    units): staff, members, and the pool's counts that stats.pool's profile is made of."""
    people = m.Person.objects.filter(archived_at__isnull=True, left_on__isnull=True, organization_id__isnull=False)
    if org_ids is not None:
        people = people.filter(Q(organization_id__in=sorted(org_ids)) | Q(work_unit_id__in=sorted(unit_ids or ())))
    member = Exists(m.PartyMembership.objects.filter(person_id=OuterRef("pk"), status__in=ACTIVE))
    found: dict[tuple[int, int], list] = {}
    for org_id, unit_id, is_member, birth, youth, planning, level, profession in (
        people.annotate(member=member)
        .order_by()
        .values_list(
            "organization_id",
            "work_unit_id",
            "member",
            "birth_date",
            "youth_union_member",
            "in_cadre_planning",
            "professional_level_id",
            "profession_id",
        )
    ):
        row = found.setdefault((org_id, unit_id), [0, 0, 0, 0, 0, {}, {}, {}])
        row[0] += 1
        if is_member:
            row[1] += 1
            continue
        row[2] += 1
        row[3] += bool(youth)
        row[4] += bool(planning)
        for counts, key in ((row[5], level), (row[6], profession), (row[7], birth.isoformat() if birth else None)):
            key = "" if key is None else str(key)
            counts[key] = counts.get(key, 0) + 1
    return {key: tuple(row) for key, row in found.items()}


def _write_units(m: _Models, org_ids: set[int]) -> set[int]:
    """The figures of these organisations' people and of the people in the units they cover (or covered); returns
    the organisations whose rows were rewritten."""
    if m.CurrentUnitFigures is None:
        return set()
    unit_ids = set(_units(m, org_ids))
    rows = _unit_figures(m, org_ids, unit_ids)
    former = m.CurrentUnitFigures.objects.filter(
        Q(organization_id__in=sorted(org_ids)) | Q(unit_id__in=sorted(unit_ids))
    )
    touched = set(org_ids) | {org_id for org_id, _unit in rows}
    touched.update(former.values_list("organization_id", flat=True).distinct())
    former.delete()
    _insert_units(m, rows)
    return touched


def _insert_units(m: _Models, rows: UnitRows) -> None:
    _insert(
        m.CurrentUnitFigures, ("organization_id", "unit_id", *UNIT_FIELDS), [(*key, *row) for key, row in rows.items()]
    )


STAY_FIELDS = (
    "person_id",
    "organization_id",
    "started_on",
    "position",
    "stage",
    "rank",
    "entered_on",
    "left_on",
    "without_steps",
    "days",
    "reached_after",
    "final_stage",
    "last_entered_on",
)
StayRows = dict[int, list[tuple]]  # candidate -> its stays, in order: STAY_FIELDS


def _stays(m: _Models, candidate_ids: set[int] | None) -> StayRows:
    """The road of each candidate (of candidate_ids) from all its steps, as stats.funnel reads it: the start in the
    source when the first step leaves it; then a stay for each step that changes the stage (a failed vote leaves it
    as it was; a member adopted from the register enters at the decision). No step: the recorded stage."""
    candidates = m.Candidate.objects.order_by("pk")
    steps = m.Step.objects.order_by("candidate_id", "on", "id")
    chunks: list = [None]
    if candidate_ids is not None:
        ids = sorted(candidate_ids)
        chunks = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    out: StayRows = {}
    for chunk in chunks:
        mine = candidates if chunk is None else candidates.filter(pk__in=chunk)
        own_steps: dict[int, list[tuple]] = defaultdict(list)
        step_rows = steps if chunk is None else steps.filter(candidate_id__in=chunk)
        for candidate_id, *rest in step_rows.values_list("candidate_id", "on", "stage_before", "stage_after"):
            own_steps[candidate_id].append(rest)
        for pk, person_id, org_id, started_on, stage in mine.values_list(
            "pk", "person_id", "organization_id", "started_on", "stage"
        ):
            own = own_steps.get(pk, [])
            entries: list[tuple[str, dt.date]] = []
            if not own:
                entries.append((stage, started_on))
            elif own[0][1] == Stage.SOURCE:
                entries.append((Stage.SOURCE, started_on))
            for on, _before, after in own:
                if not entries or after != entries[-1][0]:
                    entries.append((after, on))
            ranks = [RANK.get(entered, -1) for entered, _on in entries]
            rows = []
            for position, (entered, on) in enumerate(entries):
                left_on = entries[position + 1][1] if position + 1 < len(entries) else None
                rows.append(
                    (
                        person_id,
                        org_id,
                        started_on,
                        position,
                        entered,
                        ranks[position],
                        on,
                        left_on,
                        not own,
                        None if left_on is None else (left_on - on).days,
                        max(ranks[position + 1 :], default=-1),
                        entries[-1][0],
                        entries[-1][1],
                    )
                )
            out[pk] = rows
    return out


def _write_stays(m: _Models, candidate_ids: set[int]) -> None:
    rows = _stays(m, candidate_ids)
    ids = sorted(candidate_ids)
    for start in range(0, len(ids), BATCH):
        m.KeptStay.objects.filter(candidate_id__in=ids[start : start + BATCH]).delete()
    _insert_stays(m, rows)
    _stays_moved(m)


def _insert_stays(m: _Models, rows: StayRows) -> None:
    _insert(m.KeptStay, ("candidate_id", *STAY_FIELDS), [(pk, *stay) for pk, stays in rows.items() for stay in stays])


def _insert_spans(m: _Models, rows: SpanRows) -> None:
    _insert(
        m.KeptMemberSpan, ("membership_id", *SPAN_FIELDS), [(pk, *span) for pk, spans in rows.items() for span in spans]
    )


def _insert_admissions(m: _Models, rows: AdmissionRows) -> None:
    columns = ("membership_id", "person_id", "organization_id", "decided_on", "is_readmission")
    _insert(m.KeptAdmission, columns, [(pk, *row) for pk, row in rows.items()])


def _insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT … VALUES through the cursor, BATCH rows a statement batch (as _insert_dated): bulk_create prepares each
    value through its field and splits a batch by the database's parameter limit, so that a recompute's statements
    would grow with the rows it writes. Dates and JSON are adapted as their fields would."""
    if not rows:
        return
    connection = transaction.get_connection()
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name) for name in fields]
    adapters = []
    for field in columns:
        if field.get_internal_type() == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        elif field.get_internal_type() == "JSONField":
            adapters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    names = ", ".join(quote(field.column) for field in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    [value if adapt is None else adapt(value) for value, adapt in zip(row, adapters, strict=True)]
                    for row in rows[start : start + BATCH]
                ],
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
    for _membership_id, *span in _spans_of(events):
        yield tuple(span)


def _spans_of(events) -> Iterator[tuple[int, int, dt.date, dt.date, str, int]]:
    """_membership_spans with the membership first: (membership, person, from, to, status, organisation)."""
    by_membership: dict[int, list] = defaultdict(list)
    for membership_id, person_id, on, status, org_id in events:
        states = by_membership[membership_id]
        if states and states[-1][1] == on:
            states.pop()
        states.append((person_id, on, status, org_id))
    for membership_id, states in by_membership.items():
        for index, (person_id, on, status, org_id) in enumerate(states):
            end = states[index + 1][1] if index + 1 < len(states) else END
            yield membership_id, person_id, on, end, status, org_id


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
