"""Counts per organisation node: staff, members (official / probationary), members as % of staff, and the
source pool (non-members), for today or for any past date on the tree as it stood then.

One grouped query per source table, then a roll-up over the tree in Python: the tree has hundreds of
nodes, the tables tens of thousands of rows, so the database does the counting and Python the summing.

These from-scratch counts are the truth; pages read the same counts kept per organisation and day
(ketnap.stats.figures passes them in as `own`), and the tests check the kept against these.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import (
    Assignment,
    MembershipEvent,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.tree import tree_on


@dataclass
class Counts:
    staff: int = 0
    staff_members: int = 0  # staff who are members (for the ratio and the source pool)
    official: int = 0
    probationary: int = 0
    children: list = field(default_factory=list)

    @property
    def members(self) -> int:
        return self.official + self.probationary

    @property
    def non_members(self) -> int:
        return self.staff - self.staff_members

    @property
    def member_percent(self) -> float | None:
        return round(100 * self.staff_members / self.staff, 1) if self.staff else None

    def add(self, other: "Counts") -> None:
        self.staff += other.staff
        self.staff_members += other.staff_members
        self.official += other.official
        self.probationary += other.probationary


@dataclass
class Node:
    """One organisation in a tree view, with its own counts plus its subtree's."""

    org_id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int = 0
    totals: Counts = field(default_factory=Counts)
    children: list["Node"] = field(default_factory=list)

    def kind_label(self) -> str:
        from ketnap.registry.enums import OrgKind

        return OrgKind(self.kind).label


# Own counts (people attached directly to each organisation) of the given organisation ids.
OwnCounts = Callable[[list[int]], dict[int, Counts]]


def _roll_up(nodes: dict[int, Node], own: dict[int, Counts], roots: list[Node]) -> None:
    def visit(node: Node, depth: int) -> Counts:
        node.depth = depth
        total = Counts()
        if node.org_id in own:
            total.add(own[node.org_id])
        for child in node.children:
            total.add(visit(child, depth + 1))
        node.totals = total
        return total

    for root in roots:
        visit(root, 0)


def _current_own_counts() -> dict[int, Counts]:
    own: dict[int, Counts] = {}
    # distinct: a re-admitted person has an ended and an active membership, i.e. two joined rows
    staff_rows = (
        Person.objects.current()
        .values("organization_id")
        .annotate(
            staff=Count("id", distinct=True),
            staff_members=Count("id", filter=Q(memberships__status__in=MembershipStatus.active()), distinct=True),
        )
    )
    for row in staff_rows:
        counts = own.setdefault(row["organization_id"], Counts())
        counts.staff, counts.staff_members = row["staff"], row["staff_members"]
    member_rows = (
        PartyMembership.objects.filter(status__in=MembershipStatus.active())
        .values("organization_id", "status")
        .annotate(n=Count("id"))
    )
    for row in member_rows:
        counts = own.setdefault(row["organization_id"], Counts())
        if row["status"] == MembershipStatus.OFFICIAL:
            counts.official = row["n"]
        else:
            counts.probationary = row["n"]
    return own


def current_tree(roots: list[Organization], own: OwnCounts | None = None) -> list[Node]:
    """Today's tree under `roots` (active organisations), with counts (`own`: kept ones; default: from scratch)."""
    query = Q(pk__in=[])
    for root in roots:
        query |= Q(path__startswith=root.path)
    orgs = Organization.objects.filter(query, dissolved_on__isnull=True).order_by("depth", "position", "name")
    nodes = {row[0]: Node(*row) for row in orgs.values_list("pk", "code", "name", "kind", "parent_id")}
    for node in nodes.values():
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    top = [nodes[r.pk] for r in roots if r.pk in nodes]
    _roll_up(nodes, own(list(nodes)) if own else _current_own_counts(), top)
    return top


def _own_counts_on(day: dt.date) -> dict[int, Counts]:
    own: dict[int, Counts] = {}
    # Members: the state after each membership's last event on or before the day.
    state: dict[int, tuple[str, int, int]] = {}
    events = (
        MembershipEvent.objects.filter(on__lte=day)
        .order_by("membership_id", "on", "id")
        .values_list("membership_id", "status_after", "organization_after_id", "membership__person_id")
    )
    member_people: set[int] = set()
    for membership_id, status, org_id, person_id in events:
        state[membership_id] = (status, org_id, person_id)
    for status, org_id, person_id in state.values():
        if status in MembershipStatus.active():
            counts = own.setdefault(org_id, Counts())
            if status == MembershipStatus.OFFICIAL:
                counts.official += 1
            else:
                counts.probationary += 1
            member_people.add(person_id)
    # Staff: assignments in force that day, through the unit coverage in force that day.
    coverage = dict(UnitCoverage.objects.on(day).values_list("unit_id", "organization_id"))
    parents = dict(WorkUnit.objects.values_list("pk", "parent_id"))

    def covering(unit_id: int | None) -> int | None:
        while unit_id is not None and unit_id not in coverage:
            unit_id = parents.get(unit_id)
        return coverage.get(unit_id) if unit_id is not None else None

    for unit_id, person_id in Assignment.objects.on(day).values_list("unit_id", "person_id"):
        org_id = covering(unit_id)
        if org_id is None:
            continue
        counts = own.setdefault(org_id, Counts())
        counts.staff += 1
        counts.staff_members += person_id in member_people
    return own


def tree_on_day(roots: list[Organization], day: dt.date, own: OwnCounts | None = None) -> list[Node]:
    """The tree under `roots` as it stood on `day` (names, parents), with the counts of that day (`own`: kept ones
    of the organisations in the tree; default: from scratch).

    A root that did not exist then is left out; a node that was under a root then is shown under it
    even if it has moved since.
    """
    versions, _children = tree_on(day, roots)
    nodes = {
        v.organization_id: Node(v.organization_id, v.organization.code, v.name, v.kind, v.parent_id) for v in versions
    }
    for node in nodes.values():
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.name,))
    top = [nodes[r.pk] for r in roots if r.pk in nodes]
    _roll_up(nodes, own([n.org_id for n in flatten(top)]) if own else _own_counts_on(day), top)
    return top


def attach(nodes: list[Node], name: str, per_org: dict[int, int]) -> None:
    """Set node.<name> to the sum of `per_org` over each node's subtree (e.g. overdue items, flagged upwards)."""

    def visit(node: Node) -> int:
        total = per_org.get(node.org_id, 0) + sum(visit(child) for child in node.children)
        setattr(node, name, total)
        return total

    for node in nodes:
        visit(node)


def rows_within(nodes: list[Node], max_depth: int, max_rows: int) -> list[Node]:
    """flatten(nodes, max_depth), or, when that passes `max_rows`, without what lies inside a base organisation (its
    chi bộ trực thuộc and đảng bộ bộ phận): a province's page lists its hospitals' committees, each a link to its
    own page with its chi bộ, rather than some 1,400 rows (530 kB on a phone)."""
    from ketnap.registry.enums import OrgKind

    rows = flatten(nodes, max_depth)
    if len(rows) <= max_rows:
        return rows
    inside = {OrgKind.CELL, OrgKind.SUB_COMMITTEE}
    return [node for node in rows if node.depth == 0 or node.kind not in inside]


def flatten(nodes: list[Node], max_depth: int | None = None) -> list[Node]:
    out: list[Node] = []

    def walk(node: Node) -> None:
        out.append(node)
        if max_depth is None or node.depth < max_depth:
            for child in node.children:
                walk(child)

    for node in nodes:
        walk(node)
    return out


def unit_counts(unit_ids: list[int]) -> dict[int, Counts]:
    """Staff and members per work unit (the unit and its departments summed), today."""
    parents = dict(WorkUnit.objects.values_list("pk", "parent_id"))
    per_unit: dict[int, Counts] = {}
    rows = (
        Person.objects.current()
        .values("work_unit_id")
        .annotate(
            staff=Count("id", distinct=True),
            official=Count("id", filter=Q(memberships__status=MembershipStatus.OFFICIAL), distinct=True),
            probationary=Count("id", filter=Q(memberships__status=MembershipStatus.PROBATIONARY), distinct=True),
        )
    )
    wanted = set(unit_ids)
    for row in rows:
        unit_id = row["work_unit_id"]
        while unit_id is not None:
            if unit_id in wanted:
                counts = per_unit.setdefault(unit_id, Counts())
                counts.staff += row["staff"]
                counts.official += row["official"]
                counts.probationary += row["probationary"]
                counts.staff_members += row["official"] + row["probationary"]
            unit_id = parents.get(unit_id)
    return per_unit
