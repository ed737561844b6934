"""Who was admitted, when, and by which organisation: the one definition that targets, the statistical forms and the
reports all count with.

- An admission is counted on the date of the admission decision (quyết định kết nạp, 9-KNĐ): party seniority runs
  from it (Điều lệ Đảng Điều 5 khoản 4) and the statistical forms count new members by it.
- It belongs to the chi bộ the member was admitted into: the organisation of the membership's first event.
  ADMITTED events come from the pipeline (at the ceremony). A member entered into the register as already belonging
  to the cell (REGISTERED: e.g. taken over from paper books) counts as admitted there on their decision date; a
  member transferred in (TRANSFERRED_IN) was admitted elsewhere and does not count.
- A candidate whose decision is recorded but whose ceremony is still to come (stage DECIDED: no membership yet)
  counts on the decision step's date, with the candidate's chi bộ.
- Ended memberships still count: the admission happened (a later removal is a decrease, not an un-admission).

Reading costs what the tree asked about holds: `Attribution.org_q` narrows every query to the organisations that can
count in the tree (its nodes, what lies under them by path, and the predecessors whose successions lead into it).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value

from ketnap.registry.models import Organization, OrganizationSuccession
from ketnap.stats import figures
from ketnap.stats.idlist import id_list
from ketnap.stats.models import KeptAdmission
from ketnap.stats.periods import Period


@dataclass(frozen=True)
class Admission:
    person_id: int
    organization_id: int  # the chi bộ that admitted
    decided_on: dt.date
    membership_id: int | None  # None: decided, ceremony still to come
    is_readmission: bool


@dataclass(frozen=True)
class Source:
    """One of the two kinds of admission as a queryset, with the lookups of what the counting reads from it."""

    rows: QuerySet
    person: str  # the admitted Person ("person")
    decided: str  # the decision date
    organization: str  # the admitting chi bộ's id
    readmission: str
    membership: str | None  # the membership's id (None: no membership yet)


def sources(period: Period | None = None, within: "Attribution | None" = None) -> list[Source]:
    """Every admission (in `period`; of the organisations that may count in `within`'s tree) as two querysets: the
    first event of each membership with a decision date when it is an entry (ADMITTED, REGISTERED), as kept by
    stats.figures (KeptAdmission: an index range over the decision dates), and the passed decision steps of
    candidates still waiting for their ceremony."""
    from ketnap.pipeline.enums import Stage, StepKind
    from ketnap.pipeline.models import Step

    figures.catch_up()  # a transaction reads the admissions it wrote
    events = KeptAdmission.objects.order_by("membership_id")
    steps = Step.objects.filter(
        kind=StepKind.DECISION, passed=True, candidate__stage=Stage.DECIDED, candidate__membership__isnull=True
    )
    if period is not None:
        events = events.filter(decided_on__range=(period.start, period.end))
        steps = steps.filter(on__range=(period.start, period.end))
    if within is not None:
        events = events.filter(within.org_q("organization"))
        steps = steps.filter(within.org_q("candidate__organization"))
    return [
        Source(events, "person", "decided_on", "organization_id", "is_readmission", "membership_id"),
        Source(steps, "candidate__person", "on", "candidate__organization_id", "candidate__is_readmission", None),
    ]


def admissions(period: Period | None = None, within: "Attribution | None" = None) -> list[Admission]:
    """Every admission (in `period` if given; only of the organisations that may count in `within`'s tree)."""
    events, steps = sources(period, within)
    fields = ["a_person", "a_organization", "a_decided", "a_membership", "a_readmission"]
    out = [Admission(*row) for row in _columns(events).values_list(*fields)]
    return out + [Admission(*row) for row in _columns(steps).values_list(*fields)]


def _columns(source: Source) -> QuerySet:
    """The source's rows with an Admission's fields (prefixed a_: the models have fields of those names)."""
    return source.rows.annotate(
        a_person=F(f"{source.person}_id"),
        a_organization=F(source.organization),
        a_decided=F(source.decided),
        a_membership=F(source.membership) if source.membership else Value(None, IntegerField()),
        a_readmission=F(source.readmission),
    )


def counts(
    period: Period | None = None,
    within: "Attribution | None" = None,
    by_year: bool = False,
    organizations: list[int] | None = None,
) -> Counter:
    """The number of admissions per admitting organisation (per (organisation, year) with `by_year`), counted in
    SQL; only of these `organizations` when given."""
    from ketnap.stats.sqldates import Year

    out: Counter = Counter()
    for source in sources(period, within):
        keys = [source.organization] + (["year"] if by_year else [])
        rows = source.rows.order_by()
        if organizations is not None:
            rows = rows.filter(**{f"{source.organization}__in": id_list(organizations)})
        if by_year:
            rows = rows.annotate(year=Year(source.decided))
        for *key, n in rows.values(*keys).annotate(n=Count("pk")).values_list(*keys, "n"):
            out[tuple(key) if by_year else key[0]] += n
    return out


class Attribution:
    """Maps the organisation an admission was made in to a node of the tree being shown.

    An organisation that no longer exists (merged, split) hands its admissions to its successor: the single one of a
    merge; for a split, the successor that holds the member now, else the first. An organisation outside the shown
    tree and without a successor in it counts for its nearest ancestor in the tree, if any (paths are kept when an
    organisation ends).

    Only what can lead into the tree is read: the predecessors of its nodes (and theirs) with all their successions,
    and the paths of the organisations asked about (`prepare` reads many at once).
    """

    def __init__(self, node_ids: set[int], root: Organization | None = None, by_path: bool = False):
        """`root`: the tree's root when known; then only the nodes moved in from elsewhere are read for their paths
        (none when `by_path`: the nodes are what lies under the root's path today)."""
        self.node_ids = set(node_ids)
        self.root = root if root is not None and root.pk in self.node_ids else None
        self._paths: dict[int, str] = {}
        self._cache: dict[int, int | None] = {}
        self.predecessors: set[int] = set()  # outside the tree, with a chain of successions into it
        self.successors: dict[int, list[int]] = {}  # of each of them, all (a split's other parts too), in order
        frontier = self.node_ids
        while frontier:  # a query per link of the longest chain, and one that finds nothing more
            into = OrganizationSuccession.objects.filter(successor_id__in=id_list(frontier)).values("predecessor_id")
            edges = (
                OrganizationSuccession.objects.filter(predecessor_id__in=into)
                .order_by("on", "id")
                .values_list("predecessor_id", "successor_id")
            )
            frontier = set()
            for pred, succ in edges:
                if pred not in self.node_ids and pred not in self.predecessors:
                    self.successors.setdefault(pred, []).append(succ)
                    frontier.add(pred)
            self.predecessors |= frontier
        self._prefixes: list[str] | None = [self.root.path] if by_path and self.root is not None else None

    def prefixes(self) -> list[str]:
        """The paths under which every node of the tree lies (a node moved in since keeps its own)."""
        if self._prefixes is None:
            if self.root is None:
                self.prepare(self.node_ids)
                found = [self._paths[n] for n in self.node_ids if n in self._paths]
            else:  # the root's path, and the paths of the nodes that lie elsewhere now (moved in since)
                elsewhere = Organization.objects.filter(pk__in=id_list(self.node_ids)).exclude(
                    path__startswith=self.root.path
                )
                found = [self.root.path, *elsewhere.values_list("path", flat=True)]
            out: list[str] = []
            for path in sorted(found):
                if not out or not path.startswith(out[-1]):
                    out.append(path)
            self._prefixes = out
        return self._prefixes

    def organizations(self) -> QuerySet:
        """The organisations whose rows can count in the tree: under a node by path (the ancestor fallback), or a
        predecessor of one."""
        query = Q(pk__in=id_list(self.predecessors))
        for prefix in self.prefixes():
            query |= Q(path__startswith=prefix)
        return Organization.objects.filter(query).values("pk")

    def org_q(self, field: str) -> Q:
        """A filter on the organisation `field` (e.g. "organization_after") keeping what can count in the tree: an
        IN (subquery), so that the database starts from the few organisations and their index."""
        return Q(**{f"{field}__in": self.organizations()})

    def prepare(self, org_ids) -> None:
        """Read the paths of these organisations at once (node_for reads a missing one alone)."""
        missing = [o for o in set(org_ids) if o is not None and o not in self._paths]
        if missing:
            self._paths.update(Organization.objects.filter(pk__in=id_list(missing)).values_list("pk", "path"))
            self._paths.update((o, "") for o in missing if o not in self._paths)

    def path(self, org_id: int | None, default: str = "") -> str:
        """An organisation's path (read once; `default` for none)."""
        if org_id is None:
            return default
        self.prepare([org_id])
        return self._paths[org_id] or default

    def node_for(self, org_id: int, current_org_id: int | None = None) -> int | None:
        if org_id in self._cache:  # only answers that did not depend on the member (no split on the way)
            return self._cache[org_id]
        start = org_id
        seen: set[int] = set()
        found = None
        split = False
        while org_id is not None and org_id not in seen:
            if org_id in self.node_ids:
                found = org_id
                break
            seen.add(org_id)
            nexts = self.successors.get(org_id) or []
            if len(nexts) > 1:
                split = True
                if current_org_id is not None:
                    holder = self.path(current_org_id)
                    nexts = [n for n in nexts if holder.startswith(self.path(n, "\0"))] or nexts
            org_id = nexts[0] if nexts else None
        if found is None:
            # dissolved without successor: its nearest ancestor in the tree (by the path it keeps) counts it
            ancestors = [int(part) for part in self.path(start).strip("/").split("/")[:-1] if part]
            found = next((a for a in reversed(ancestors) if a in self.node_ids), None)
        if not split:
            self._cache[start] = found
        return found

    def holder_dependent(self) -> list[int]:
        """The predecessors whose rows count in the tree or not depending on who holds the member now (a split)."""
        self.prepare(self.predecessors)
        return sorted(p for p in self.predecessors if self.depends_on_holder(p))

    def counted_q(self, field: str) -> Q:
        """org_q less the organisations whose rows never count here or count only depending on who holds the member
        now (holder_dependent): every row it keeps counts in the tree, whoever holds the member."""
        self.prepare(self.predecessors)
        skip = [p for p in sorted(self.predecessors) if self.depends_on_holder(p) or self.node_for(p) is None]
        return self.org_q(field) & ~Q(**{f"{field}__in": skip}) if skip else self.org_q(field)

    def depends_on_holder(self, org_id: int) -> bool:
        """Whether node_for(org_id, …) can depend on who holds the member now (a split on the way)."""
        self.node_for(org_id)
        return org_id not in self._cache
