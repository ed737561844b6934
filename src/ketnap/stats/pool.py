"""Members as a share of staff, per party organisation and per work unit, and the source pool (quần chúng: staff who
are not members) with its profile — today, or on any past day on the tree and the staff of that day.

Today: the staff are the current people, each counted for their responsible organisation (Person.organization, as
ketnap.registry.indicators counts them). A past day: the assignments in force that day, each counted for the
organisation covering the unit that day, and membership from the dated events.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from django.utils.translation import gettext as _

from ketnap.registry import indicators
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import (
    Assignment,
    CodeItem,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
    WorkUnitVersion,
)
from ketnap.registry.services.dates import today
from ketnap.stats import admissions as admissions_
from ketnap.stats.bieu import UNIVERSITY_AND_ABOVE, age_on, members_on, subtree_on
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, Table, percent

DEPTH = 2  # levels under the organisation shown as rows; deeper ones are reached from their own dashboard
YOUNG = 30  # "dưới 30 tuổi": the Youth Union age and the target group of source building
Link = Callable[..., str | None] | None


class Staff(NamedTuple):  # a tuple: tens of thousands are built per page
    person_id: int
    unit_id: int
    org_id: int | None
    member: bool
    birth: dt.date
    level_id: int | None
    youth: bool
    planning: bool
    profession_id: int | None


PROFILE = ("birth_date", "professional_level_id", "youth_union_member", "in_cadre_planning", "profession_id")


def _is_today(day: dt.date) -> bool:
    return day >= today()


def tree(org: Organization, day: dt.date) -> list[indicators.Node]:
    """The organisation's subtree with the staff and member counts of `day` (ketnap.registry.indicators)."""
    if _is_today(day):
        return indicators.current_tree([org]) if org.active else []
    return indicators.tree_on_day([org], day)


def staff_on(org: Organization, day: dt.date) -> list[Staff]:
    """The staff of the organisation's subtree on `day`, with what the pool profile needs."""
    if _is_today(day):
        members = set(
            PartyMembership.objects.filter(
                status__in=MembershipStatus.active(), person__organization__path__startswith=org.path
            ).values_list("person_id", flat=True)
        )
        rows = (
            Person.objects.current()
            .filter(organization__path__startswith=org.path)
            .values_list("pk", "work_unit_id", "organization_id", *PROFILE)
        )
        return [Staff(pk, unit, org_id, pk in members, *rest) for pk, unit, org_id, *rest in rows]
    node_ids = set(subtree_on(org, day))
    covering = unit_coverage_on(day)
    units = [unit for unit, org_id in covering.items() if org_id in node_ids]
    members = {person for _status, _org, person in members_on([day])[0].values()}
    rows = (
        Assignment.objects.on(day)
        .filter(unit_id__in=units)
        .values_list("person_id", "unit_id", *[f"person__{field}" for field in PROFILE])
    )
    return [Staff(pk, unit, covering[unit], pk in members, *rest) for pk, unit, *rest in rows]


def unit_coverage_on(day: dt.date) -> dict[int, int]:
    """Every unit -> the organisation covering it on `day` (its own coverage, else its parent unit's)."""
    own = dict(UnitCoverage.objects.on(day).values_list("unit_id", "organization_id"))
    parents = dict(WorkUnit.objects.values_list("pk", "parent_id"))
    out: dict[int, int] = {}
    for unit in parents:
        current = unit
        while current is not None and current not in own:
            current = parents.get(current)
        if current is not None:
            out[unit] = own[current]
    return out


def _shown(nodes: list[indicators.Node]) -> tuple[list[indicators.Node], dict[int, indicators.Node]]:
    """The rows (the organisation and DEPTH levels under it) and, for each node of the subtree, the row it counts in."""
    shown = indicators.flatten(nodes, DEPTH)
    row_of: dict[int, indicators.Node] = {}

    def walk(node: indicators.Node, row: indicators.Node) -> None:
        here = node if node.depth <= DEPTH else row
        row_of[node.org_id] = here
        for child in node.children:
            walk(child, here)

    for node in nodes:
        walk(node, node)
    return shown, row_of


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
            if child.depth <= DEPTH:
                total.update(visit(child))
        totals[node.org_id] = total
        return total

    for node in shown:
        if node.depth == 0:
            visit(node)
    return totals


def member_share(org: Organization, day: dt.date, period: Period | None = None, link: Link = None) -> Table:
    """Members as % of staff per organisation (the organisation, then DEPTH levels under it), on `day`; with the
    admissions of `period` and of the same period a year earlier when a period is given."""
    nodes = tree(org, day)
    shown, row_of = _shown(nodes)
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
        attribution = admissions_.Attribution(set(row_of))
        for key, found in (
            ("now", admissions_.admissions(period)),
            ("before", admissions_.admissions(period.same_period_last_year())),
        ):
            for admission in found:
                node = attribution.node_for(admission.organization_id)
                if node is not None:
                    admitted.setdefault(node, Counter())[key] += 1
    per_row = _per_row(shown, row_of, admitted)
    table = Table(
        "dang-vien-theo-to-chuc",
        _("Đảng viên so với nhân sự, theo tổ chức đảng"),
        columns,
        subtitle=f"{org.name} · " + _("ngày %(d)s") % {"d": f"{day:%d/%m/%Y}"},
        note=_(
            "Nhân sự: viên chức, người lao động đang làm việc tại khoa/phòng do tổ chức phụ trách; % = nhân sự là đảng "
            "viên / nhân sự. Kết nạp: theo ngày quyết định kết nạp, vào tổ chức đã kết nạp. Cây tổ chức tại ngày xem."
        ),
    )
    for node in shown:
        c = node.totals
        values = [node.name, c.staff, c.members, c.member_percent, c.non_members]
        if period is not None:
            values += [per_row.get(node.org_id, Counter())["now"], per_row.get(node.org_id, Counter())["before"]]
        table.add(*values, level=node.depth, strong=node.depth == 0, link=link(to_chuc=node.code) if link else None)
    return table


def unit_share(org: Organization, day: dt.date, staff: list[Staff] | None = None) -> Table:
    """Members as % of staff per work unit (đơn vị sự nghiệp), and per department when the subtree covers one unit.
    `staff`: staff_on(org, day) when the caller already has it (the dashboard reads it once for two tables)."""
    staff = staff_on(org, day) if staff is None else staff
    parents = dict(WorkUnit.objects.values_list("pk", "parent_id"))
    names = dict(WorkUnit.objects.values_list("pk", "name"))
    if not _is_today(day):  # the names of that day (hospitals were renamed in 2025)
        names.update(WorkUnitVersion.objects.on(day).values_list("unit_id", "name"))

    tops: dict[int, int] = {}

    def top(unit: int) -> int:
        if unit not in tops:
            current = unit
            while parents.get(current) is not None:
                current = parents[current]
            tops[unit] = current
        return tops[unit]

    # plain dict increments: Counter.update per person is the slowest part at 80,000 staff
    n_staff: dict[int, int] = {}
    n_members: dict[int, int] = {}
    for s in staff:
        for unit in (top(s.unit_id), s.unit_id) if top(s.unit_id) != s.unit_id else (s.unit_id,):
            n_staff[unit] = n_staff.get(unit, 0) + 1
            n_members[unit] = n_members.get(unit, 0) + s.member
    counts = {unit: {"staff": n, "members": n_members[unit]} for unit, n in n_staff.items()}
    top_units = sorted({top(s.unit_id) for s in staff}, key=lambda u: names.get(u, ""))
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
        subtitle=f"{org.name} · " + _("ngày %(d)s") % {"d": f"{day:%d/%m/%Y}"},
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
    return [s.person_id for s in staff_on(org, day) if not s.member]


def _pool_counts(org: Organization, day: dt.date, staff: list[Staff] | None):
    nodes = tree(org, day)
    shown, row_of = _shown(nodes)
    groups = {pk for pk, group in CodeItem.objects.values_list("pk", "stat_group") if group in UNIVERSITY_AND_ABOVE}
    per_org: dict[int, list[int]] = {}  # pool, young, university, youth, planning
    professions: dict[tuple[int, int | None], int] = {}
    for s in staff_on(org, day) if staff is None else staff:
        if s.member or s.org_id is None:
            continue
        counts = per_org.get(s.org_id)
        if counts is None:
            counts = per_org[s.org_id] = [0, 0, 0, 0, 0]
        counts[0] += 1
        counts[1] += age_on(s.birth, day) < YOUNG
        counts[2] += s.level_id in groups
        counts[3] += s.youth
        counts[4] += s.planning
        key = (s.org_id, s.profession_id)
        professions[key] = professions.get(key, 0) + 1
    counters = {
        org_id: Counter(dict(zip(("pool", "young", "university", "youth", "planning"), c, strict=True)))
        for org_id, c in per_org.items()
    }
    for (org_id, profession), n in professions.items():
        counters[org_id][f"profession:{profession or ''}"] += n
    per_org = counters
    return shown, _per_row(shown, row_of, per_org)


def pool_profile(
    org: Organization, day: dt.date, link: Link = None, staff: list[Staff] | None = None
) -> tuple[Table, Table]:
    """The source pool per organisation (first row: the whole subtree): its size and profile, and by profession."""
    shown, per_row = _pool_counts(org, day, staff)
    subtitle = f"{org.name} · " + _("ngày %(d)s") % {"d": f"{day:%d/%m/%Y}"}
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
        ],
        subtitle=subtitle,
        note=_(
            "Quần chúng: nhân sự chưa là đảng viên. Tuổi tính tại ngày xem; đại học trở lên gồm đại học, thạc sĩ, "
            "tiến sĩ (BS chuyên khoa I, II, nội trú tính theo nhóm tương ứng). Đoàn viên, quy hoạch: thông tin "
            "hiện tại."
        ),
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
            level=node.depth,
            strong=node.depth == 0,
            link=link(to_chuc=node.code) if link else None,
        )
    used = Counter()
    for c in per_row.values():
        used.update({k: v for k, v in c.items() if k.startswith("profession:")})
    professions = [
        (pk, name)
        for pk, name in CodeItem.objects.filter(kind="profession").order_by("position").values_list("pk", "name")
    ]
    keys = [(f"profession:{pk}", name) for pk, name in professions if used[f"profession:{pk}"]]
    if used["profession:"]:
        keys.append(("profession:", _("Chưa ghi")))
    by_profession = Table(
        "nguon-theo-nganh",
        _("Nguồn phát triển đảng viên theo ngành, chức danh nghề nghiệp"),
        [Column("name", _("Tổ chức đảng")), Column("pool", _("Quần chúng"), Kind.INT)]
        + [Column(f"p{i}", name, Kind.INT) for i, (_key, name) in enumerate(keys)],
        subtitle=subtitle,
        note=_("Theo ngành / chức danh nghề nghiệp ghi ở hồ sơ nhân sự (thông tin hiện tại)."),
    )
    for node in shown:
        c = per_row.get(node.org_id, Counter())
        by_profession.add(
            node.name, c["pool"], *[c[key] for key, _name in keys], level=node.depth, strong=node.depth == 0
        )
    return profile, by_profession
