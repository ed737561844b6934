"""The facts every target table is computed from: the tree, its targets, and its admissions, read as counts."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from ketnap.registry import indicators
from ketnap.registry.models import Organization, PartyMembership
from ketnap.stats import figures, kept_counts
from ketnap.stats.admissions import Attribution, admissions, sources
from ketnap.stats.idlist import id_list
from ketnap.stats.models import PeriodKind, Target
from ketnap.stats.periods import Period
from ketnap.stats.targets.periods import TargetPeriod


@dataclass(frozen=True)
class Admitted:
    node_id: int  # the node of the shown tree it counts for
    org_id: int  # the chi bộ that admitted
    person_id: int
    decided_on: dt.date


@dataclass
class Facts:
    """The tree, its targets, and the admissions made in it, read as counts: `admitted_counts` and `last_admitted`
    are grouped by organisation in SQL (a batch of ranges per query, see `prefetch`); only `admitted_in`, for a list of
    names, reads one row per admission."""

    org: Organization
    today: dt.date
    tree: list  # [root Node] (empty when the organisation has ended)
    nodes: dict  # node id -> Node
    attribution: Attribution | None  # admitting organisation -> node of the tree (merges, splits)
    targets: list[Target]  # the organisation's own and its ancestors'
    target_by_node: dict = field(default_factory=dict)  # period key -> {node id: summed targets}, as asked
    kind_by_key: dict = field(default_factory=dict)  # period key -> kind (of the organisation's own target first)
    _counts: dict = field(default_factory=dict)  # (start, end) -> Counter(node id -> admissions)
    _last: dict | None = None  # node id -> last decision on or before today
    _forecast: object = None  # forecast.forecast_figures' Forecast, kept here (forecast imports Facts, not back)

    @property
    def root(self):
        return self.tree[0] if self.tree else None

    def own_targets(self) -> list[Target]:
        return sorted(
            (t for t in self.targets if t.organization_id == self.org.pk), key=lambda t: (t.starts_on, t.kind)
        )

    def target_of(self, node_id: int, period: TargetPeriod) -> int | None:
        self.prefetch_targets([period.key])
        return self.target_by_node[period.key].get(node_id)

    def prefetch_targets(self, keys) -> None:
        """Sum the subtree's targets of these periods ((start, end) keys) per node, in one query: a target of an
        organisation that has since merged or split counts for its successor (Attribution)."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self.target_by_node]
        if not wanted:
            return
        for key in wanted:
            self.target_by_node[key] = {}
        if not self.nodes:
            return
        periods = Q()
        for start, end in wanted:
            periods |= Q(starts_on=start, ends_on=end)
        rows = list(
            Target.objects.filter(periods, organization__path__startswith=self.org.path)
            .order_by()
            .values_list("organization_id", "starts_on", "ends_on", "admissions")
        )
        self.attribution.prepare({org_id for org_id, *_rest in rows})
        for org_id, starts_on, ends_on, admissions_ in rows:
            node = self.attribution.node_for(org_id)
            if node in self.nodes:
                per = self.target_by_node[starts_on, ends_on]
                per[node] = per.get(node, 0) + admissions_

    def prefetch(self, ranges, last: bool = False) -> None:
        """Count the admissions of these (start, end) ranges (and, with `last`, each node's latest one) together:
        one grouped query per kind of admission, whatever the number of ranges."""
        wanted = [r for r in dict.fromkeys(ranges) if r not in self._counts]
        if last and self._last is not None:
            last = False
        if not wanted and not last:
            return
        counts, latest = _admission_counts(self, wanted, last)
        self._counts.update(zip(wanted, counts, strict=True))
        if last:
            self._last = latest

    def admitted_counts(self, start: dt.date, end: dt.date) -> Counter:
        """Admissions decided from `start` to `end` per node of the tree (each counted where it was made)."""
        self.prefetch([(start, end)])
        return self._counts[start, end]

    def admitted_total(self, start: dt.date, end: dt.date) -> int:
        return sum(self.admitted_counts(start, end).values())

    def last_admitted(self) -> dict[int, dt.date]:
        """The latest admission decided on or before today, per node (where it was made)."""
        self.prefetch([], last=True)
        return self._last

    def admitted_in(self, start: dt.date, end: dt.date) -> list[Admitted]:
        """Each admission decided from `start` to `end`, a row each: for the list of names only."""
        if not self.nodes:
            return []
        found = admissions(Period(start, end), within=self.attribution)
        self.attribution.prepare({a.organization_id for a in found})
        holders = _holders(self.attribution, [a.membership_id for a in found], [a.organization_id for a in found])
        out = []
        for a in found:
            node = self.attribution.node_for(a.organization_id, holders.get(a.membership_id))
            if node in self.nodes:
                out.append(Admitted(node, a.organization_id, a.person_id, a.decided_on))
        return out

    def periods(self) -> list[TargetPeriod]:
        """Periods to choose from: those of this organisation's and its ancestors' targets, and this year and last."""
        mine = set(self.org.ancestor_ids()) | {self.org.pk}
        found = {TargetPeriod.of(t) for t in self.targets if t.organization_id in mine}
        found |= {TargetPeriod.year(self.today.year), TargetPeriod.year(self.today.year - 1)}
        by_key: dict = {}
        for period in sorted(found, key=lambda p: (p.start, p.end, p.kind != PeriodKind.TERM)):
            by_key.setdefault(period.key, period)
        return sorted(by_key.values(), key=lambda p: (-p.start.toordinal(), p.end))

    def period_from(self, slug: str | None) -> TargetPeriod | None:
        """The period a ?ky= value names (a year, or two ISO dates), with the kind of a matching target."""
        slug = (slug or "").strip()
        try:
            if slug.isdigit() and len(slug) == 4:
                period = TargetPeriod.year(int(slug))
            else:
                start, end = (dt.date.fromisoformat(part) for part in slug.split("_"))
                if end < start:
                    return None
                kind = self.kind_by_key.get((start, end), PeriodKind.PLAN)
                period = TargetPeriod(kind, start, end)
        except ValueError:
            return None
        return period


def _holders(attribution: Attribution, memberships, orgs) -> dict[int, int]:
    """Where each member admitted by a split chi bộ is now (which part counts the admission): membership ->
    organisation, read only for the memberships of such chi bộ."""
    splits = [m for m, o in zip(memberships, orgs, strict=True) if m and len(attribution.successors.get(o, [])) > 1]
    if not splits:
        return {}
    return dict(PartyMembership.objects.filter(pk__in=splits).values_list("pk", "organization_id"))


@dataclass
class _Tally:
    """The admissions of each range per node of the tree and, when asked (`last`), each node's latest admission."""

    nodes: dict
    ranges: int
    last: bool
    counts: list[Counter] = field(init=False)
    latest: dict[int, dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts = [Counter() for _range in range(self.ranges)]

    def add(self, node, values: list) -> None:
        """Count an organisation's figures (one per range, then its latest day) for the node it counts for."""
        if node not in self.nodes:
            return
        for i, n in enumerate(values[: self.ranges]):
            self.counts[i][node] += n
        if self.last and values[-1] is not None:
            self.latest[node] = max(values[-1], self.latest.get(node, values[-1]))


def _aggregates(source, ranges: list[tuple], today: dt.date) -> dict:
    """Per range, the admissions decided in it (c0, c1, …), and the latest decision up to today (last)."""
    out = {
        f"c{i}": Count("pk", filter=Q(**{f"{source.decided}__range": (start, end)}))
        for i, (start, end) in enumerate(ranges)
    }
    out["last"] = Max(source.decided, filter=Q(**{f"{source.decided}__lte": today}))
    return out


def _counted_rows(source, attribution: Attribution, org_ids: list[int] | None):
    """The source's admissions made by `org_ids`, or (None) by every organisation that counts in the tree."""
    if org_ids is None:
        return source.rows.filter(attribution.counted_q(source.organization.removesuffix("_id")))
    return source.rows.filter(**{f"{source.organization}__in": id_list(org_ids)})


def _merged(before: list | None, numbers: list, latest_on: dt.date | None) -> tuple[list, dt.date | None]:
    """Both kinds of admission in one organisation: their counts added, the later of their latest days."""
    if before is None:
        return numbers, latest_on
    numbers = [a + b for a, b in zip(before[:-1], numbers, strict=True)]
    days = [d for d in (latest_on, before[-1] and dt.date.fromisoformat(before[-1])) if d]
    return numbers, max(days, default=None)


def _counts_by_organization(attribution: Attribution, ranges: list[tuple], today: dt.date, org_ids) -> dict[int, list]:
    """Per admitting organisation (those whose admissions count in the tree whoever holds the member now): the
    admissions of each range, and the latest up to today (ISO)."""
    found: dict[int, list] = {}
    for source in sources(within=attribution):
        aggregates = _aggregates(source, ranges, today)
        grouped = _counted_rows(source, attribution, org_ids).order_by().values(source.organization)
        for org_id, *values in grouped.annotate(**aggregates).values_list(source.organization, *aggregates):
            *numbers, latest_on = values
            numbers, latest_on = _merged(found.get(org_id), numbers, latest_on)
            found[org_id] = [*numbers, latest_on.isoformat() if latest_on else None]
    return found


def _add_kept(tally: _Tally, attribution: Attribution, ranges: list[tuple], today: dt.date) -> None:
    """Count the admissions kept per organisation for today and these ranges (stats.kept_counts: a kept admission's
    rewrite, a step, a person's edit move the organisation's version): a province's next look reads them instead of
    counting."""
    kept = kept_counts.per_organization(
        kept_counts.kind("targets", ranges),
        today,
        Organization.objects.filter(attribution.counted_q("pk")),
        lambda org_ids: _counts_by_organization(attribution, ranges, today, org_ids),
    )
    attribution.prepare({org_id for org_id, values in kept.items() if values})  # the paths, read at once
    for org_id, values in kept.items():
        if values:
            *numbers, latest_on = values
            tally.add(attribution.node_for(org_id), [*numbers, dt.date.fromisoformat(latest_on) if latest_on else None])


def _add_split_cells(tally: _Tally, attribution: Attribution, depends: list[int], ranges: list[tuple], today) -> None:
    """Count the admissions of split chi bộ afresh: the part that holds the member now counts the admission; grouped
    by the admitting organisation and where the member is now (a province: thousands of admissions in its split chi bộ,
    a few dozen groups); the holder decides only for a chi bộ split itself (`depends`: Attribution.holder_dependent)."""
    for source in sources(within=attribution):
        aggregates = _aggregates(source, ranges, today)
        holder = [f"{source.membership.removesuffix('_id')}__organization_id"] if source.membership else []
        keys = [source.organization, *holder]
        split = source.rows.filter(**{f"{source.organization}__in": depends}).order_by().values(*keys)
        found = list(split.annotate(**aggregates).values_list(*keys, *aggregates))
        attribution.prepare({org_id for org_id, *_rest in found})
        for org_id, *rest in found:
            now = rest.pop(0) if holder else None
            now = now if len(attribution.successors.get(org_id, [])) > 1 else None
            tally.add(attribution.node_for(org_id, now), rest)


def _admission_counts(facts: Facts, ranges: list[tuple], last: bool) -> tuple[list[Counter], dict]:
    """Per range, the admissions per node; and (with `last`) each node's latest admission up to today. Grouped by the
    admitting organisation in SQL and kept per organisation (stats.kept_counts); the admissions of a split chi bộ
    (counted where the member is now) are grouped by where the member is now, afresh."""
    tally = _Tally(facts.nodes, len(ranges), last)
    if facts.nodes:
        depends = facts.attribution.holder_dependent()
        _add_kept(tally, facts.attribution, ranges, facts.today)
        if depends:
            _add_split_cells(tally, facts.attribution, depends, ranges, facts.today)
    return tally.counts, tally.latest


def load(org: Organization, today: dt.date) -> Facts:
    """The tree under `org` with its kept counts (stats.figures), its own and its ancestors' targets, and the periods
    the subtree's targets are set for: a few queries, none per node. The subtree's targets are summed per node when a
    table asks for a period (Facts.prefetch_targets), admissions counted likewise (Facts.prefetch), the forecast too
    (forecast_figures)."""
    tree = figures.current_tree([org]) if org.active else []  # the counts kept per organisation (stats.figures)
    nodes = {n.org_id: n for n in indicators.flatten(tree)}
    attribution = Attribution(set(nodes), org, by_path=True)  # today's tree: what lies under its path
    own = list(Target.objects.filter(organization=org).order_by("starts_on", "kind", "pk"))
    above = list(Target.objects.filter(organization_id__in=org.ancestor_ids()))
    # a period's kind: the organisation's own target's, else the first of the subtree's (by kind), else an ancestor's
    kind_by_key: dict = {}
    for t in own:
        kind_by_key.setdefault(t.period_key, t.kind)
    subtree_kinds = (
        Target.objects.filter(organization__path__startswith=org.path)
        .order_by("starts_on", "ends_on", "kind")
        .values_list("starts_on", "ends_on", "kind")
        .distinct()
    )
    for starts_on, ends_on, kind in subtree_kinds:
        kind_by_key.setdefault((starts_on, ends_on), kind)
    for t in above:
        kind_by_key.setdefault(t.period_key, t.kind)
    return Facts(org, today, tree, nodes, attribution, own + above, {}, kind_by_key)
