"""Members as a share of staff, per party organisation and per work unit, and the source pool (quần chúng: staff who
are not members) with its profile — today, or on any past day on the tree and the staff of that day.

Today: the staff are the current people, each counted for their responsible organisation (Person.organization, as
ketnap.registry.indicators counts them). A past day: the assignments in force that day, each counted for the
organisation covering the unit that day, and membership from the dated events.

Today's counts are kept per organisation and work unit by stats.figures (CurrentUnitFigures: staff, members, the pool
by profession, level and birth year), so that a province's page reads some thousand rows, not 80,000 people; "under
30" compares the kept birth dates with the day's cut. A past
day is counted by the database over the subtree only: the assignments in the units its organisations covered that
day; it returns counts per work unit (a unit has one organisation that day), and Python sums them up the tree.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from functools import cached_property

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ketnap.pipeline import review
from ketnap.pipeline.models import Assessment, SourceReview
from ketnap.registry import indicators
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import (
    Assignment,
    CodeItem,
    MembershipEvent,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
    WorkUnitVersion,
)
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats import admissions as admissions_
from ketnap.stats import figures, kept_counts
from ketnap.stats.bieu import UNIVERSITY_AND_ABOVE, subtree_on
from ketnap.stats.idlist import id_list
from ketnap.stats.models import CurrentUnitFigures
from ketnap.stats.periods import Period
from ketnap.stats.sqldates import born_by
from ketnap.stats.tables import Column, Kind, Table, percent

DEPTH = 2  # levels under the organisation shown as rows; deeper ones are reached from their own dashboard
MAX_ROWS = 200  # … longer tables leave out the chi bộ inside base organisations (indicators.rows_within)
YOUNG = 30  # "dưới 30 tuổi": the Youth Union age and the target group of source building
Link = Callable[..., str | None] | None
PROFILE = ("pool", "young", "university", "youth", "planning")


def _is_today(day: dt.date) -> bool:
    return day >= today()


def tree(org: Organization, day: dt.date) -> list[indicators.Node]:
    """The organisation's subtree with the staff and member counts of `day` (ketnap.registry.indicators' counts, as
    kept per organisation and day by ketnap.stats.figures)."""
    return figures.tree(org, day)


def member_on(day: dt.date, person: str = "person_id") -> Exists:
    """Whether the person (`person`: the outer query's lookup of their id) had an active membership on `day`: the state
    after a membership's last event on or before the day."""
    later = MembershipEvent.objects.filter(membership_id=OuterRef("membership_id"), on__lte=day).filter(
        Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), id__gt=OuterRef("id"))
    )
    return Exists(
        MembershipEvent.objects.filter(
            ~Exists(later),
            membership__person_id=OuterRef(person),
            on__lte=day,
            status_after__in=MembershipStatus.active(),
        )
    )


def units_covered(org: Organization, day: dt.date) -> dict[int, int]:
    """The work units the organisations of the subtree (as it stood on `day`) covered that day -> which of them: a
    unit's own coverage in force (the latest begun), else its parent unit's. Read from those organisations down."""
    node_ids = list(subtree_on(org, day))
    in_force = UnitCoverage.objects.on(day)
    ours = in_force.filter(organization_id__in=node_ids).values("unit_id")
    own: dict[int, int] = {}
    for unit_id, org_id in (
        in_force.filter(unit_id__in=ours)
        .order_by("unit_id", "valid_from", "pk")
        .values_list("unit_id", "organization_id")
    ):
        own[unit_id] = org_id  # the latest begun wins
    nodes = set(node_ids)
    covered = {unit_id: org_id for unit_id, org_id in own.items() if org_id in nodes}
    frontier = dict(covered)
    while frontier:  # departments without a coverage of their own follow their unit
        children = (
            WorkUnit.objects.filter(parent_id__in=id_list(frontier))
            .exclude(Exists(in_force.filter(unit_id=OuterRef("pk"))))
            .values_list("pk", "parent_id")
        )
        frontier = {unit_id: covered[parent] for unit_id, parent in children if unit_id not in covered}
        covered.update(frontier)
    return covered


class Staff:
    """The staff of an organisation's subtree on a day, counted by the database: per work unit (staff, members) and
    per organisation the source pool's size and profile (PROFILE, and "profession:<id>" / "profession:" for none)."""

    def __init__(self, org: Organization, day: dt.date):
        self.org, self.day, self.today = org, day, _is_today(day)
        self.unit_rows: dict[int, tuple[int | None, str]] = {}  # unit -> (parent, name), when read with per_unit
        self._per_unit: dict[bool, dict[int, tuple[int, int]]] = {}

    @cached_property
    def tree(self) -> list[indicators.Node]:
        """The subtree with the staff and member counts of the day (tree())."""
        return tree(self.org, self.day)

    @cached_property
    def shown(self) -> tuple[list[indicators.Node], dict[int, indicators.Node]]:
        """The tree's rows and the row each organisation counts in (_shown), for every table of the page."""
        return _shown(self.tree)

    @cached_property
    def rows_note(self) -> str:
        """_rows_note of the tree, said under each per-organisation table of the page."""
        return _rows_note(self.tree, self.shown[0])

    @cached_property
    def units(self) -> dict[int, int]:
        """A past day: unit -> the organisation covering it."""
        return units_covered(self.org, self.day)

    def rows(self) -> tuple[QuerySet, str, str]:
        """The staff rows (people today, assignments on a past day) with `member`, the lookup of the person and of
        the work unit."""
        if self.today:
            member = Exists(
                PartyMembership.objects.filter(person_id=OuterRef("pk"), status__in=MembershipStatus.active())
            )
            under = Organization.objects.filter(path__startswith=self.org.path).values("pk")
            people = Person.objects.current().filter(organization_id__in=under)
            return people.annotate(member=member), "", "work_unit_id"
        assignments = Assignment.objects.on(self.day).filter(unit_id__in=id_list(self.units))
        return assignments.annotate(member=member_on(self.day)), "person__", "unit_id"

    def _profile(self, person: str) -> dict:
        """The pool's counts over rows of non-members: their number, under 30 on the day, university and above, youth
        union, cadre planning, and by profession."""
        groups = [pk for pk, group in CodeItem.objects.values_list("pk", "stat_group") if group in UNIVERSITY_AND_ABOVE]
        out = {
            "pool": Count("pk"),
            "young": Count("pk", filter=Q(**{f"{person}birth_date__gt": born_by(self.day, YOUNG)})),
            "university": Count("pk", filter=Q(**{f"{person}professional_level_id__in": groups})),
            "youth": Count("pk", filter=Q(**{f"{person}youth_union_member": True})),
            "planning": Count("pk", filter=Q(**{f"{person}in_cadre_planning": True})),
            "prof_": Count("pk", filter=Q(**{f"{person}profession_id__isnull": True})),
        }
        for pk, _name in self.professions:
            out[f"prof_{pk}"] = Count("pk", filter=Q(**{f"{person}profession_id": pk}))
        return out

    @cached_property
    def professions(self) -> list[tuple[int, str]]:
        """The profession code list (id, name), in its order."""
        return list(CodeItem.objects.filter(kind="profession").order_by("position").values_list("pk", "name"))

    @staticmethod
    def _counter(row: dict) -> Counter:
        out = Counter({key: row[key] for key in PROFILE})
        out.update({f"profession:{key[5:]}": n for key, n in row.items() if key.startswith("prof_")})
        return out

    def kept(self) -> QuerySet:
        """Today: the figures kept per organisation of the subtree and work unit (stats.figures.CurrentUnitFigures)."""
        figures.catch_up()
        # IN (the subtree's ids by path): the path index first, then this table's index on the organisation
        under = Organization.objects.filter(path__startswith=self.org.path).values("pk")
        return CurrentUnitFigures.objects.filter(organization_id__in=under).order_by()

    def per_unit(self, by_parent: bool = False) -> dict[int, tuple[int, int]]:
        """Work unit -> (staff, members). `by_parent`: each unit's counts summed into its parent unit (a unit with
        none keeps its own): a province's 5,000 departments come as the few hundred units they belong to."""
        if by_parent not in self._per_unit:
            self._per_unit[by_parent] = self._count_per_unit(by_parent)
        return self._per_unit[by_parent]

    def _count_per_unit(self, by_parent: bool) -> dict[int, tuple[int, int]]:
        if self.today:
            rows, unit = self.kept(), "unit_id"
            staff, members = Sum("staff"), Sum("members")
        else:
            rows, _person, unit = self.rows()
            staff, members = Count("pk"), Count("pk", filter=Q(member=True))
        grouped = Coalesce(f"{unit.removesuffix('_id')}__parent_id", unit) if by_parent else F(unit)
        counted = rows.order_by().values(group=grouped).annotate(staff=staff, members=members)
        if self.today and not by_parent:
            # the units' parents and names come along (_unit_tree reads only those above); tuples, not dicts
            counted = counted.values_list("group", "staff", "members", "unit__parent_id", "unit__name")
            found = {}
            for unit_id, n, members_n, parent_id, name in counted:
                found[unit_id] = (n, members_n)
                self.unit_rows[unit_id] = (parent_id, name)
            return found
        return {unit_id: (n, members_n) for unit_id, n, members_n in counted.values_list("group", "staff", "members")}

    @cached_property
    def per_org(self) -> dict[int, Counter]:
        """Organisation -> the pool's profile (PROFILE and professions)."""
        if self.today:
            return self._kept_per_org()
        rows, person, unit = self.rows()
        out: dict[int, Counter] = {}
        key = "organization_id" if self.today else unit  # a past day: per unit, whose organisation is known
        for row in rows.filter(member=False).order_by().values(key).annotate(**self._profile(person)):
            org_id = row[key] if self.today else self.units[row[key]]
            out.setdefault(org_id, Counter()).update(self._counter(row))
        for unit_id, reviewed, outstanding in self._reviews(rows, person, unit):
            out.setdefault(self.units[unit_id], Counter()).update(reviewed=reviewed, outstanding=outstanding)
        return out

    def _reviews(self, rows: QuerySet, person: str, key: str) -> list[tuple]:
        """(`key`, reviewed, outstanding) of the non-members among `rows`: reviewed within REVIEW_MONTHS before the
        day (rà soát nguồn, pipeline.review: the same test as the review page's), and of them those whose last review
        found them outstanding."""
        last = SourceReview.objects.filter(
            person_id=OuterRef(f"{person}id" if person else "pk"), reviewed_on__lte=self.day
        ).order_by("-reviewed_on", "-pk")
        recent = Q(last_on__gt=review.counted_since(self.day))
        return list(
            rows.filter(member=False)
            .annotate(last_on=Subquery(last.values("reviewed_on")[:1]), last_is=Subquery(last.values("assessment")[:1]))
            .order_by()
            .values(key)
            .annotate(
                reviewed=Count("pk", filter=recent),
                outstanding=Count("pk", filter=recent & Q(last_is=Assessment.OUTSTANDING)),
            )
            .values_list(key, "reviewed", "outstanding")
        )

    def per_row(self, shown: list[indicators.Node], row_of: dict[int, indicators.Node]) -> dict[int, Counter]:
        """per_org summed into the rows shown (_per_row). Today the sums are kept for the subtree while none of its
        organisations' versions moved (stats.kept_counts.derived_for): a province's second look reads the versions of
        its 7,000 organisations and one row, not 7,000 rows of counts."""
        if not self.today:
            return _per_row(shown, row_of, self.per_org)

        def derive(per_org: dict) -> list:
            sums = _per_row(shown, row_of, {org_id: Counter(values) for org_id, values in per_org.items() if values})
            return [[org_id, dict(counter)] for org_id, counter in sums.items()]  # JSON: its keys are text

        kind, orgs, count = self._kept()
        rows = {org_id: row.org_id for org_id, row in row_of.items()}
        sums = kept_counts.derived_for(kind, self.org.pk, self.day, orgs, count, derive, rows)
        return {org_id: Counter(values) for org_id, values in sums}

    def _kept_per_org(self) -> dict[int, Counter]:
        kind, orgs, count = self._kept()
        kept = kept_counts.per_organization(kind, self.day, orgs, count)
        return {org_id: Counter(values) for org_id, values in kept.items() if values}

    def _kept(self) -> tuple[str, QuerySet, kept_counts.Compute]:
        """per_org from the kept figures, summed per organisation by the database: the counts, and the entries of the
        JSON columns — "young": born after the day's cut (ISO dates compare as text), "university": the levels of
        UNIVERSITY_AND_ABOVE, and per profession. Each organisation's sums are kept for the day (stats.kept_counts)
        until its unit figures are rewritten: the kind they are kept under, the organisations, the count."""
        figures.catch_up()  # before the versions are read: a transaction reads what it wrote
        professions = {str(pk) for pk, _name in self.professions} | {""}
        university = [
            str(pk) for pk, group in CodeItem.objects.values_list("pk", "stat_group") if group in UNIVERSITY_AND_ABOVE
        ]
        cut = born_by(self.day, YOUNG).isoformat()

        def count(org_ids: list[int] | None) -> dict[int, Counter]:
            people, _person, _unit = self.rows()
            if org_ids is None:
                out = self._sums(self.kept(), cut, university, professions)
            else:
                rows = CurrentUnitFigures.objects.filter(organization_id__in=id_list(org_ids)).order_by()
                out = self._sums(rows, cut, university, professions)
                people = people.filter(organization_id__in=id_list(org_ids))
            for org_id, reviewed, outstanding in self._reviews(people, "", "organization_id"):
                out.setdefault(org_id, Counter()).update(reviewed=reviewed, outstanding=outstanding)
            return out

        orgs = Organization.objects.filter(path__startswith=self.org.path)
        kind = kept_counts.kind("pool", (cut, university, sorted(professions), review.REVIEW_MONTHS))
        return kind, orgs, count

    @staticmethod
    def _sums(rows: QuerySet, cut: str, university: list[str], professions: set[str]) -> dict[int, Counter]:
        out: dict[int, Counter] = {}
        for org_id, size, youth, planning in (
            rows.values("organization_id")
            .annotate(p=Sum("pool"), y=Sum("youth"), c=Sum("planning"))
            .values_list("organization_id", "p", "y", "c")
        ):
            counter = out[org_id] = Counter({key: 0 for key in PROFILE})
            counter.update(pool=size, youth=youth, planning=planning)
        for org_id, what, key, n in _json_sums(rows, cut, university):
            if what == "profession":
                if key in professions:
                    out[org_id][f"profession:{key}"] += n
            else:
                out[org_id][what] += n
        return out

    def pool_people(self) -> list[int]:
        rows, _person, _unit = self.rows()
        return list(rows.filter(member=False).values_list("pk" if self.today else "person_id", flat=True))


def _json_sums(rows: QuerySet, cut: str, university: list[str]) -> list[tuple[int, str, str | None, int]]:
    """Over the kept unit rows `rows` (CurrentUnitFigures), the entries of their JSON counts summed per organisation
    by the database: ("young", births after `cut`), ("university", levels in `university`), ("profession", each
    key). SQLite's json_each and PostgreSQL's jsonb_each_text read the same objects."""
    table_sql, params = rows.values("pk").query.sql_with_params()
    each = "jsonb_each_text(u.{0}) AS j(key, value)" if connection.vendor == "postgresql" else "json_each(u.{0}) AS j"
    table = connection.ops.quote_name(CurrentUnitFigures._meta.db_table)

    def part(what: str, column: str, where: str, key: str) -> str:
        by = "u.organization_id" if key == "NULL" else f"u.organization_id, {key}"
        return (
            f"SELECT u.organization_id, '{what}', {key}, SUM(CAST(j.value AS INTEGER)) FROM {table} u "
            f"CROSS JOIN {each.format(column)} WHERE u.id IN ({table_sql}) {where} GROUP BY {by}"
        )

    levels = ", ".join(["%s"] * len(university))
    sql = " UNION ALL ".join(
        [
            part("young", "births", "AND j.key > %s", "NULL"),
            *([part("university", "levels", f"AND j.key IN ({levels})", "NULL")] if university else []),
            part("profession", "professions", "", "j.key"),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cut, *([*params, *university] if university else []), *params])
        return [(org_id, what, key, int(n)) for org_id, what, key, n in cursor.fetchall()]


def staff_on(org: Organization, day: dt.date) -> Staff:
    """The staff of the organisation's subtree on `day`, counted when first asked (read once for the unit and the
    pool tables of a page)."""
    return Staff(org, day)


def _shown(nodes: list[indicators.Node]) -> tuple[list[indicators.Node], dict[int, indicators.Node]]:
    """The rows (the organisation and DEPTH levels under it, within MAX_ROWS: indicators.rows_within) and, for each
    node of the subtree, the row it counts in."""
    shown = indicators.rows_within(nodes, DEPTH, MAX_ROWS)
    ids = {node.org_id for node in shown}
    row_of: dict[int, indicators.Node] = {}

    def walk(node: indicators.Node, row: indicators.Node) -> None:
        here = node if node.org_id in ids else row
        row_of[node.org_id] = here
        for child in node.children:
            walk(child, here)

    for node in nodes:
        walk(node, node)
    return shown, row_of


def _rows_note(nodes: list[indicators.Node], shown: list[indicators.Node]) -> str:
    """Said under a table whose rows (`shown`: _shown) leave out the chi bộ inside base organisations
    (indicators.rows_within)."""
    if len(shown) == len(indicators.flatten(nodes, DEPTH)):
        return ""
    return " " + _(
        "Bảng không liệt kê các chi bộ trực thuộc đảng ủy cơ sở (kể cả chúng, bảng sẽ dài hơn %(n)s dòng): bấm tên "
        "một tổ chức để xem các chi bộ của tổ chức đó."
    ) % {"n": MAX_ROWS}


def _per_row(shown, row_of, values: dict[int, Counter]) -> dict[int, Counter]:
    """Sum per-organisation counters over each shown row's subtree (a row counts its own and deeper nodes)."""
    own: dict[int, Counter] = {}
    for org_id, counter in values.items():
        row = row_of.get(org_id)
        if row is not None:
            own.setdefault(row.org_id, Counter()).update(counter)
    totals: dict[int, Counter] = {}

    def visit(node) -> Counter:
        total = Counter(own.get(node.org_id, Counter()))
        for child in node.children:
            if row_of.get(child.org_id) is child:  # a row of its own
                total.update(visit(child))
        totals[node.org_id] = total
        return total

    for node in shown:
        if node.depth == 0:
            visit(node)
    return totals


def member_share(
    org: Organization, day: dt.date, period: Period | None = None, link: Link = None, staff: Staff | None = None
) -> Table:
    """Members as % of staff per organisation (the organisation, then DEPTH levels under it), on `day`; with the
    admissions of `period` and of the same period a year earlier when a period is given. `staff`: staff_on(org, day)
    when the caller has it (its tree is read once for this and the pool tables)."""
    staff = staff_on(org, day) if staff is None else staff
    shown, row_of = staff.shown
    columns = [
        Column("name", _("Tổ chức đảng")),
        Column("staff", _("Nhân sự"), Kind.INT),
        Column("members", _("Đảng viên"), Kind.INT),
        Column("percent", _("% đảng viên / nhân sự"), Kind.PERCENT),
        Column("pool", _("Quần chúng"), Kind.INT),
    ]
    admitted: dict[int, Counter] = {}
    if period is not None:
        columns += [
            Column("admitted", _("Kết nạp trong kỳ"), Kind.INT),
            Column("admitted_before", _("Cùng kỳ năm trước"), Kind.INT),
        ]
        admitted = _admitted_per_row(org, day, row_of, period)
    per_row = _per_row(shown, row_of, admitted)
    table = Table(
        "dang-vien-theo-to-chuc",
        _("Đảng viên so với nhân sự, theo tổ chức đảng"),
        columns,
        subtitle=f"{org.name} · " + _("ngày %(d)s") % {"d": ddmmyyyy(day)},
        note=_(
            "Nhân sự: viên chức, người lao động đang làm việc tại khoa/phòng do tổ chức phụ trách; % = nhân sự là đảng "
            "viên / nhân sự. Kết nạp: theo ngày quyết định kết nạp, vào tổ chức đã kết nạp. Cây tổ chức tại ngày xem."
        )
        + staff.rows_note,
    )
    for node in shown:
        c = node.totals
        values = [node.name, c.staff, c.members, c.member_percent, c.non_members]
        if period is not None:
            values += [per_row.get(node.org_id, Counter())["now"], per_row.get(node.org_id, Counter())["before"]]
        table.add(*values, level=node.depth, strong=node.depth == 0, link=link(to_chuc=node.code) if link else None)
    return table


def _admitted_per_row(org: Organization, day: dt.date, row_of: dict[int, indicators.Node], period: Period) -> dict:
    """The admissions of `period` ("now") and of the same period a year earlier ("before") per row of the tree shown
    (each admitting organisation counts in the row of its node: admissions_.Attribution), before the rows are summed
    up the tree. Counted per admitting organisation and kept (stats.kept_counts: a kept admission's rewrite, a step, a
    person's edit move its version), with their sums per row kept for the tree: a province's next look reads the
    versions of its 7,000 organisations once and one row per period."""
    attribution = admissions_.Attribution(set(row_of), org, by_path=_is_today(day))
    orgs = Organization.objects.filter(attribution.org_q("pk"))
    versions = kept_counts.read_versions(orgs)  # before anything counted (stats.kept_counts)
    attribution.prepare(org_id for org_id in versions if org_id not in row_of)  # what lies outside the tree's nodes
    rows: dict[int, int] = {}
    for org_id in versions:
        node = org_id if org_id in row_of else attribution.node_for(org_id)
        if node is not None:
            rows[org_id] = row_of[node].org_id
    out: dict[int, Counter] = {}
    for key, span in (("now", period), ("before", period.same_period_last_year())):

        def count(org_ids: list[int] | None, span: Period = span) -> dict[int, list]:
            found = admissions_.counts(span, attribution, organizations=org_ids)
            return {org_id: [n] for org_id, n in found.items()}

        def per_row(per_org: dict) -> list:
            sums: Counter = Counter()
            for org_id, values in per_org.items():
                if values and org_id in rows:
                    sums[rows[org_id]] += values[0]
            return sorted(sums.items())

        kind = kept_counts.kind("admitted", span.start)
        kept = kept_counts.derived_for(kind, org.pk, span.end, orgs, count, per_row, rows, versions)
        for row_id, n in kept:
            if row_id not in out:
                out[row_id] = Counter()
            out[row_id][key] += n
    return out


def _unit_tree(unit_ids, day: dt.date, known=None) -> tuple[dict[int, int | None], dict[int, str]]:
    """These units and the units above them: parent and name (the name of that day on a past day). `known`: unit ->
    (parent, name) already read."""
    known = known or {}
    parents: dict[int, int | None] = {pk: parent for pk, (parent, _name) in known.items()}
    names: dict[int, str] = {pk: name for pk, (_parent, name) in known.items()}
    missing = {pk for pk in unit_ids if pk not in known}
    missing |= {parent for parent in parents.values() if parent is not None and parent not in parents}
    while missing:
        rows = list(WorkUnit.objects.filter(pk__in=id_list(missing)).values_list("pk", "parent_id", "name"))
        parents.update((pk, parent) for pk, parent, _name in rows)
        names.update((pk, name) for pk, _parent, name in rows)
        missing = {parent for _pk, parent, _name in rows if parent is not None and parent not in parents}
    if not _is_today(day):  # the names of that day (hospitals were renamed in 2025)
        names.update(
            WorkUnitVersion.objects.on(day).filter(unit_id__in=id_list(parents)).values_list("unit_id", "name")
        )
    return parents, names


def unit_share(org: Organization, day: dt.date, staff: Staff | None = None) -> Table:
    """Members as % of staff per work unit (đơn vị sự nghiệp), and per department when the subtree covers one unit.
    `staff`: staff_on(org, day) when the caller already has it (the dashboard reads it once for two tables)."""
    staff = staff_on(org, day) if staff is None else staff
    tops: dict[int, int] = {}

    def top(unit: int) -> int:
        if unit not in tops:
            current = unit
            while parents.get(current) is not None:
                current = parents[current]
            tops[unit] = current
        return tops[unit]

    # the units summed into their parents first: many units list only themselves, one lists its departments
    per_unit = staff.per_unit(by_parent=True)
    parents, names = _unit_tree(per_unit, day)
    if len({top(unit) for unit in per_unit}) == 1:
        per_unit = staff.per_unit()
        parents, names = _unit_tree(per_unit, day, staff.unit_rows)
        tops.clear()

    n_staff: dict[int, int] = {}
    n_members: dict[int, int] = {}
    for unit_id, (n, members) in per_unit.items():
        for unit in (top(unit_id), unit_id) if top(unit_id) != unit_id else (unit_id,):
            n_staff[unit] = n_staff.get(unit, 0) + n
            n_members[unit] = n_members.get(unit, 0) + members
    counts = {unit: {"staff": n, "members": n_members[unit]} for unit, n in n_staff.items()}
    top_units = sorted({top(unit) for unit in per_unit}, key=lambda u: names.get(u, ""))
    table = Table(
        "dang-vien-theo-don-vi",
        _("Đảng viên so với nhân sự, theo đơn vị"),
        [
            Column("name", _("Đơn vị / khoa, phòng")),
            Column("staff", _("Nhân sự"), Kind.INT),
            Column("members", _("Đảng viên"), Kind.INT),
            Column("percent", _("% đảng viên / nhân sự"), Kind.PERCENT),
            Column("pool", _("Quần chúng"), Kind.INT),
        ],
        subtitle=f"{org.name} · " + _("ngày %(d)s") % {"d": ddmmyyyy(day)},
        note=_("Nhân sự do các tổ chức trong cây này phụ trách, xếp theo đơn vị sự nghiệp và khoa/phòng."),
    )

    def add(unit: int, level: int) -> None:
        c = counts[unit]
        table.add(
            names.get(unit, ""),
            c["staff"],
            c["members"],
            percent(c["members"], c["staff"]),
            c["staff"] - c["members"],
            level=level,
            strong=level == 0,
        )

    for unit in top_units:
        add(unit, 0)
        if len(top_units) == 1:
            departments = sorted((u for u in counts if u != unit and top(u) == unit), key=lambda u: names.get(u, ""))
            for department in departments:
                add(department, 1)
    return table


def pool_people(org: Organization, day: dt.date) -> list[int]:
    """Ids of the non-members among the staff of the subtree on `day` (the drill-down's list)."""
    return staff_on(org, day).pool_people()


def _pool_counts(org: Organization, day: dt.date, staff: Staff | None):
    staff = staff_on(org, day) if staff is None else staff
    shown, row_of = staff.shown
    return shown, staff.per_row(shown, row_of)


def pool_profile(org: Organization, day: dt.date, link: Link = None, staff: Staff | None = None) -> tuple[Table, Table]:
    """The source pool per organisation (first row: the whole subtree): its size and profile, and by profession."""
    staff = staff_on(org, day) if staff is None else staff
    shown, per_row = _pool_counts(org, day, staff)
    subtitle = f"{org.name} · " + _("ngày %(d)s") % {"d": ddmmyyyy(day)}
    profile = Table(
        "nguon-phat-trien",
        _("Nguồn phát triển đảng viên (quần chúng)"),
        [
            Column("name", _("Tổ chức đảng")),
            Column("pool", _("Quần chúng"), Kind.INT),
            Column("young", _("Dưới 30 tuổi"), Kind.INT),
            Column("university", _("Đại học trở lên"), Kind.INT),
            Column("youth", _("Đoàn viên"), Kind.INT),
            Column("planning", _("Trong quy hoạch"), Kind.INT),
            Column("reviewed", _("Đã rà soát trong 12 tháng"), Kind.INT),
            Column("outstanding", _("Được đánh giá ưu tú"), Kind.INT),
        ],
        subtitle=subtitle,
        note=_(
            "Quần chúng: nhân sự chưa là đảng viên. Tuổi tính tại ngày xem; đại học trở lên gồm đại học, thạc sĩ, "
            "tiến sĩ (BS chuyên khoa I, II, nội trú tính theo nhóm tương ứng). Đoàn viên, quy hoạch: thông tin "
            "hiện tại. Rà soát: lần rà soát nguồn gần nhất của chi bộ trong 12 tháng trước ngày xem (trang “Rà soát "
            "nguồn” của chi bộ); ưu tú: đánh giá của lần ấy."
        )
        + staff.rows_note,
    )
    for node in shown:
        c = per_row.get(node.org_id, Counter())
        profile.add(
            node.name,
            c["pool"],
            c["young"],
            c["university"],
            c["youth"],
            c["planning"],
            c["reviewed"],
            c["outstanding"],
            level=node.depth,
            strong=node.depth == 0,
            link=link(to_chuc=node.code) if link else None,
        )
    used = Counter()  # a profession counted anywhere is counted in the top rows' totals
    for node in shown:
        if node.depth == 0:
            used.update(per_row.get(node.org_id, Counter()))
    professions = staff.professions
    keys = [(f"profession:{pk}", name) for pk, name in professions if used[f"profession:{pk}"]]
    if used["profession:"]:
        keys.append(("profession:", _("Chưa ghi")))
    by_profession = Table(
        "nguon-theo-nganh",
        _("Nguồn phát triển đảng viên theo ngành, chức danh nghề nghiệp"),
        [Column("name", _("Tổ chức đảng")), Column("pool", _("Quần chúng"), Kind.INT)]
        + [Column(f"p{i}", name, Kind.INT) for i, (_key, name) in enumerate(keys)],
        subtitle=subtitle,
        note=_("Theo ngành / chức danh nghề nghiệp ghi ở hồ sơ nhân sự (thông tin hiện tại).") + staff.rows_note,
    )
    for node in shown:
        c = per_row.get(node.org_id, Counter())
        by_profession.add(
            node.name, c["pool"], *[c[key] for key, _name in keys], level=node.depth, strong=node.depth == 0
        )
    return profile, by_profession
