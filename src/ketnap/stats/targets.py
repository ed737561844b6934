"""Admission targets (chỉ tiêu kết nạp): setting and splitting them, and the figures committees steer by.

Writing: `set_target` and `split_target` are the only entry points (validated, atomic, audited through the
recorder's signals, attributed to the actor).

Reading: `load(org, today)` reads the current tree under `org` with its kept counts; the tables then ask the Facts for
counts, which the database groups (#14: a province's page reads counts per organisation, never a row per admission or
per candidate): admissions per organisation for a batch of periods (ketnap.stats.admissions, the one definition,
attributed to a node of the tree through merges and splits), the subtree's targets of a period per organisation, and
the forecast, scored candidate by candidate in one SQL statement and summed per organisation and per stage
(`_forecast_sql`). Only the lists of names read rows, a page at a time. The table functions return
`stats.tables.Table` objects, so the screen, the .xlsx/.csv downloads and the yearly report show the same numbers.

Which targets are compared: targets of different organisations are "for the same period" when their dates are the
same (a split copies the parent's dates). A year target belongs to the term that contains its 1 January, so each year
counts for exactly one term (a term that starts on 01/07/2025 counts its years from 2026). A target of an
organisation that has since merged or split counts for its successor, as its admissions do (Attribution).
"""

import contextlib
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Min, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ketnap.audit.context import acting, current_note
from ketnap.registry import indicators
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization, PartyMembership
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats import figures, kept_counts
from ketnap.stats.admissions import Attribution, admissions, id_list, sources
from ketnap.stats.models import PeriodKind, Target, period_label
from ketnap.stats.periods import Period
from ketnap.stats.sqldates import DayNumber
from ketnap.stats.tables import Column, Kind, Table, percent

NQ21_SOURCE = gettext_lazy("NQ 21-NQ/TW (16/6/2022): kết nạp 3–4 % tổng số đảng viên mỗi năm")
NQ21_RANGE = (0.03, 0.04)
ADMISSION_NOTE = gettext_lazy(
    "Kết nạp tính theo ngày quyết định kết nạp (9-KNĐ; tuổi đảng tính từ ngày này, Điều lệ Đảng Điều 5 khoản 4), "
    "cho chi bộ đã kết nạp; số kết nạp và chỉ tiêu của chi bộ đã hợp nhất, chia tách tính cho tổ chức kế tục."
)
MIN_CASES = 10  # past cases a pool needs before its rate is used (else the next, wider pool)
DORMANT_YEARS = 3


# --- periods -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetPeriod:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "TargetPeriod":
        return cls(PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def of(cls, target: Target) -> "TargetPeriod":
        return cls(target.kind, target.starts_on, target.ends_on)

    @property
    def key(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start, self.end)

    @property
    def slug(self) -> str:
        """The ?ky= value: "2026" for a calendar year, else "2020-01-01_2025-06-30"."""
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def years_counted(self) -> list[int]:
        """Calendar years whose year target counts for this term: those whose 1 January lies in it."""
        return [y for y in range(self.start.year, self.end.year + 1) if self.start <= dt.date(y, 1, 1) <= self.end]


def nq21_hint(members: int, years: int = 1) -> str:
    """NQ 21's yearly 3–4 % of all members, as a number of people for `members` members over `years` years."""
    low, high = (round(members * share * years) for share in NQ21_RANGE)
    span = f"{low}" if low == high else f"{low}–{high}"
    values = {"source": NQ21_SOURCE, "members": members, "span": span, "years": years}
    if years == 1:
        return _("%(source)s → với %(members)s đảng viên: khoảng %(span)s người mỗi năm.") % values
    return (
        ngettext(
            "%(source)s → với %(members)s đảng viên: khoảng %(span)s người trong %(years)s năm.",
            "%(source)s → với %(members)s đảng viên: khoảng %(span)s người trong %(years)s năm.",
            years,
        )
        % values
    )


# --- writing -------------------------------------------------------------------------------------------
def _acting(actor):
    """Attribute the writes to `actor`; without one, keep whoever the caller set (web middleware, CLI, demo)."""
    return acting(actor, current_note()) if actor is not None else contextlib.nullcontext()


def _validate(organization, kind, starts_on, ends_on, admissions_, target: Target | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind not in PeriodKind.values:
        errors["kind"] = _("Chọn loại kỳ: nhiệm kỳ, năm hoặc kế hoạch khác.")
    if starts_on is None:
        errors["starts_on"] = _("Nhập ngày bắt đầu của kỳ (dd/mm/yyyy).")
    if ends_on is None:
        errors["ends_on"] = _("Nhập ngày kết thúc của kỳ (dd/mm/yyyy).")
    if not isinstance(admissions_, int) or isinstance(admissions_, bool) or admissions_ < 0:
        errors["admissions"] = _("Số đảng viên kết nạp (chỉ tiêu) phải là số nguyên từ 0 trở lên.")
    if errors or starts_on is None or ends_on is None:
        return errors
    if ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc phải từ ngày bắt đầu (%(start)s) trở đi.") % {"start": ddmmyyyy(starts_on)}
    elif kind == PeriodKind.YEAR and (
        starts_on != dt.date(starts_on.year, 1, 1) or ends_on != dt.date(starts_on.year, 12, 31)
    ):
        errors["starts_on"] = _("Chỉ tiêu năm tính từ 01/01 đến 31/12 của cùng một năm.")
    elif kind == PeriodKind.TERM and ends_on.year == starts_on.year:
        errors["ends_on"] = _(
            "Nhiệm kỳ đại hội kéo dài nhiều năm (từ đại hội này đến đại hội sau): kiểm tra ngày kết thúc."
        )
    if organization.dissolved_on and organization.dissolved_on <= starts_on:
        errors["organization"] = _("%(org)s đã kết thúc hoạt động từ %(day)s, trước khi kỳ bắt đầu.") % {
            "org": organization.name,
            "day": ddmmyyyy(organization.dissolved_on),
        }
    if not errors:
        same = Target.objects.filter(organization=organization, kind=kind, starts_on=starts_on)
        if target is not None:
            same = same.exclude(pk=target.pk)
        if same.exists():
            label = period_label(kind, starts_on, ends_on)
            errors["starts_on"] = _("%(org)s đã có chỉ tiêu %(period)s; hãy sửa chỉ tiêu đó thay vì nhập mới.") % {
                "org": organization.name,
                "period": label,
            }
    return errors


@transaction.atomic
def set_target(
    organization: Organization,
    *,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    admissions: int,
    basis: str = "",
    note: str = "",
    actor=None,
    target: Target | None = None,
) -> Target:
    """Create the organisation's target for a period, or change `target` (its organisation stays).

    Raises ValidationError keyed by field (kind, starts_on, ends_on, admissions, organization), in Vietnamese.
    """
    if target is not None and target.organization_id != organization.pk:
        raise ValidationError({"organization": _("Không thể chuyển chỉ tiêu sang tổ chức khác.")})
    errors = _validate(organization, kind, starts_on, ends_on, admissions, target)
    if errors:
        raise ValidationError(errors)
    if target is None:
        target = Target(organization=organization, created_by=actor)
    target.kind, target.starts_on, target.ends_on = kind, starts_on, ends_on
    target.admissions, target.basis, target.note = admissions, basis.strip(), note.strip()
    with _acting(actor):
        target.save()
    return target


@transaction.atomic
def split_target(parent_target: Target, shares: dict[Organization, int | None], actor=None) -> list[Target]:
    """Give each direct child organisation its part of `parent_target` (same kind and dates).

    A share of None leaves that child's target as it is. The parts need not add up to the parent's target (a committee
    may keep a reserve or ask more of its cells); the pages show the difference. Everything is validated before
    anything is written, so an error leaves no part saved.
    """
    parent = parent_target.organization
    errors: list[str] = []
    for child, share in shares.items():
        if child.parent_id != parent.pk:
            errors.append(_("%(child)s không trực thuộc %(parent)s.") % {"child": child.name, "parent": parent.name})
        elif child.dissolved_on and child.dissolved_on <= parent_target.starts_on:
            errors.append(
                _("%(child)s đã kết thúc hoạt động từ %(day)s.")
                % {"child": child.name, "day": ddmmyyyy(child.dissolved_on)}
            )
        if share is not None and (not isinstance(share, int) or isinstance(share, bool) or share < 0):
            errors.append(_("%(child)s: số chỉ tiêu phải là số nguyên từ 0 trở lên.") % {"child": child.name})
    if errors:
        raise ValidationError({"shares": errors})
    existing = {
        t.organization_id: t
        for t in Target.objects.select_for_update().filter(
            organization__in=list(shares), kind=parent_target.kind, starts_on=parent_target.starts_on
        )
    }
    with translation.override(settings.LANGUAGE_CODE):  # stored with the target: in the office's language
        basis = f"Phân bổ từ chỉ tiêu {parent_target.label} của {parent.name}"
    out = []
    with _acting(actor):
        for child, share in shares.items():
            if share is None:
                continue
            target = existing.get(child.pk)
            if target is None:
                target = Target(
                    organization=child,
                    kind=parent_target.kind,
                    starts_on=parent_target.starts_on,
                    created_by=actor,
                    basis=basis,
                )
            elif target.admissions == share and target.ends_on == parent_target.ends_on:
                out.append(target)
                continue
            target.ends_on, target.admissions = parent_target.ends_on, share
            target.save()
            out.append(target)
    return out


# --- the facts every table is computed from ----------------------------------------------------------------
def suggest_split(total: int, weights: dict[int, int]) -> dict[int, int]:
    """A split of `total` proportional to `weights` (members per organisation), by largest remainder: whole
    admissions that add up to the total. A suggestion shown beside each field, never applied."""
    whole = sum(weights.values())
    if not whole:
        return {}
    shares = {pk: total * w / whole for pk, w in weights.items()}
    out = {pk: int(v) for pk, v in shares.items()}
    for pk in sorted(shares, key=lambda k: -(shares[k] - out[k]))[: total - sum(out.values())]:
        out[pk] += 1
    return out


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
    _forecast: "Forecast | None" = None

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


def _admission_counts(facts: Facts, ranges: list[tuple], last: bool) -> tuple[list[Counter], dict]:
    """Per range, the admissions per node; and (with `last`) each node's latest admission up to today. Grouped by the
    admitting organisation in SQL and kept per organisation (stats.kept_counts); the admissions of a split chi bộ
    (counted where the member is now) are grouped by where the member is now, afresh."""
    counts = [Counter() for _range in ranges]
    latest: dict[int, dt.date] = {}
    if not facts.nodes:
        return counts, latest
    attribution = facts.attribution
    depends = attribution.holder_dependent()

    def add(node, values) -> None:
        if node not in facts.nodes:
            return
        for i, n in enumerate(values[: len(ranges)]):
            counts[i][node] += n
        if last and values[-1] is not None and (node not in latest or values[-1] > latest[node]):
            latest[node] = values[-1]

    def aggregates_of(source) -> dict:
        out = {
            f"c{i}": Count("pk", filter=Q(**{f"{source.decided}__range": (start, end)}))
            for i, (start, end) in enumerate(ranges)
        }
        out["last"] = Max(source.decided, filter=Q(**{f"{source.decided}__lte": facts.today}))
        return out

    def count(org_ids: list[int] | None) -> dict[int, list]:
        """Per admitting organisation (those whose admissions count in the tree whoever holds the member now): the
        admissions of each range, and the latest up to today (ISO)."""
        found: dict[int, list] = {}
        for source in sources(within=attribution):
            if org_ids is None:
                rows = source.rows.filter(attribution.counted_q(source.organization.removesuffix("_id")))
            else:
                rows = source.rows.filter(**{f"{source.organization}__in": id_list(org_ids)})
            aggregates = aggregates_of(source)
            grouped = rows.order_by().values(source.organization).annotate(**aggregates)
            for org_id, *values in grouped.values_list(source.organization, *aggregates):
                *numbers, latest_on = values
                if (before := found.get(org_id)) is not None:  # both kinds of admission in one organisation
                    numbers = [a + b for a, b in zip(before[:-1], numbers, strict=True)]
                    days = [d for d in (latest_on, before[-1] and dt.date.fromisoformat(before[-1])) if d]
                    latest_on = max(days, default=None)
                found[org_id] = [*numbers, latest_on.isoformat() if latest_on else None]
        return found

    # kept per organisation for today and these ranges (stats.kept_counts: a kept admission's rewrite, a step, a
    # person's edit move the organisation's version): a province's next look reads them instead of counting
    kept = kept_counts.per_organization(
        kept_counts.kind("targets", ranges),
        facts.today,
        Organization.objects.filter(attribution.counted_q("pk")),
        count,
    )
    attribution.prepare({org_id for org_id, values in kept.items() if values})  # the paths, read at once
    for org_id, values in kept.items():
        if values:
            *numbers, latest_on = values
            add(attribution.node_for(org_id), [*numbers, dt.date.fromisoformat(latest_on) if latest_on else None])
    for source in sources(within=attribution) if depends else []:
        # a split chi bộ: the part that holds the member now counts the admission; grouped by the admitting
        # organisation and where the member is now (a province: thousands of admissions in its split chi bộ, a few
        # dozen groups); the holder decides only for a chi bộ split itself
        aggregates = aggregates_of(source)
        holder = [f"{source.membership.removesuffix('_id')}__organization_id"] if source.membership else []
        keys = [source.organization, *holder]
        split = source.rows.filter(**{f"{source.organization}__in": depends}).order_by().values(*keys)
        found = list(split.annotate(**aggregates).values_list(*keys, *aggregates))
        attribution.prepare({org_id for org_id, *_rest in found})
        for org_id, *rest in found:
            now = rest.pop(0) if holder else None
            now = now if len(attribution.successors.get(org_id, [])) > 1 else None
            add(attribution.node_for(org_id, now), rest)
    return counts, latest


def _base_of(org_id: int, paths: dict, kinds: dict) -> int | None:
    """The base organisation (đảng bộ cơ sở / chi bộ cơ sở) an organisation belongs to."""
    ids = [int(p) for p in paths.get(org_id, "").strip("/").split("/") if p]
    return next((i for i in reversed(ids) if kinds.get(i) in OrgKind.base_kinds()), None)


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


# --- progress against a target ----------------------------------------------------------------------------
def verdict(admitted: int, target: int | None, ended: bool) -> str:
    """ "Vượt N", "Đạt", "Còn thiếu N" (period running) or "Không đạt, thiếu N" (period over)."""
    if target is None:
        return ""
    if admitted > target:
        return _("Vượt %(n)s") % {"n": admitted - target}
    if admitted == target:
        return _("Đạt")
    if ended:
        return _("Không đạt, thiếu %(n)s") % {"n": target - admitted}
    return _("Còn thiếu %(n)s") % {"n": target - admitted}


def _roll_up(tree, own: dict[int, int | float]) -> dict[int, int | float]:
    total: dict[int, int | float] = {}

    def visit(node) -> int | float:
        total[node.org_id] = own.get(node.org_id, 0) + sum(visit(child) for child in node.children)
        return total[node.org_id]

    for root in tree:
        visit(root)
    return total


def split_flags(facts: Facts, node, period: TargetPeriod) -> tuple[int | None, list[str]]:
    """(sum of the direct children's targets or None, warnings): where the split does not add up."""
    target = facts.target_of(node.org_id, period)
    parts = [facts.target_of(c.org_id, period) for c in node.children]
    given = [p for p in parts if p is not None]
    allocated = sum(given) if given else None
    flags = []
    if target is not None and allocated is not None and allocated != target:
        flags.append(
            _("Phân bổ cho các tổ chức trực thuộc: %(given)s / %(target)s — không khớp")
            % {"given": allocated, "target": target}
        )
    years_flag = _year_targets_flag(facts, node, period)
    if years_flag:
        flags.append(years_flag)
    return allocated, flags


def _year_targets_flag(facts: Facts, node, period: TargetPeriod) -> str:
    """For a term: a warning when the year targets of its years do not add up to the term's target, else ""."""
    target = facts.target_of(node.org_id, period)
    if period.kind != PeriodKind.TERM or target is None:
        return ""
    years = period.years_counted()
    year_targets = [facts.target_of(node.org_id, TargetPeriod.year(y)) for y in years]
    set_ = [y for y in year_targets if y is not None]
    if set_ and (sum(set_) > target or (len(set_) == len(years) and sum(set_) != target)):
        return _("Chỉ tiêu các năm: %(given)s / %(target)s — không khớp") % {"given": sum(set_), "target": target}
    return ""


def target_keys(period: TargetPeriod) -> list[tuple[dt.date, dt.date]]:
    """The periods whose targets a table of `period` compares: itself and, for a term, the years it counts."""
    years = period.years_counted() if period.kind == PeriodKind.TERM else []
    return [period.key, *(TargetPeriod.year(y).key for y in years)]


def _subtitle(facts: Facts, start: dt.date, end: dt.date) -> str:
    return _("%(org)s; từ %(start)s đến %(end)s") % {
        "org": facts.org.name,
        "start": ddmmyyyy(start),
        "end": ddmmyyyy(end),
    }


def _as_of(facts: Facts) -> str:
    return _("%(org)s; tính đến ngày %(day)s") % {"org": facts.org.name, "day": ddmmyyyy(facts.today)}


def progress_table(facts: Facts, period: TargetPeriod, *, max_depth: int = 1, link=None) -> Table:
    """Admitted against target for the organisation and its sub-organisations (rolled up), with the split checks.

    `link(node)` gives a drill-down address for a sub-organisation's row (screen only).
    """
    table = Table(
        slug="tien-do" if period.kind != PeriodKind.TERM else "tien-do-nhiem-ky",
        title=_("Kết quả kết nạp so với chỉ tiêu — %(period)s") % {"period": period.label},
        subtitle=_subtitle(facts, period.start, period.end),
        columns=[
            Column("org", _("Tổ chức đảng")),
            Column("members", _("Đảng viên hiện nay"), Kind.INT),
            Column("target", _("Chỉ tiêu"), Kind.INT),
            Column("admitted", _("Đã kết nạp"), Kind.INT),
            Column("percent", _("Tỷ lệ so với chỉ tiêu"), Kind.PERCENT),
            Column("result", _("Kết quả"), Kind.TEXT),
            Column("allocated", _("Đã phân bổ cho trực thuộc"), Kind.INT),
        ],
        note=_("%(admissions)s Chỉ tiêu: nghị quyết đại hội, kế hoạch của cấp ủy; %(source)s.")
        % {"admissions": ADMISSION_NOTE, "source": NQ21_SOURCE},
    )
    facts.prefetch_targets(target_keys(period))
    done = _roll_up(facts.tree, facts.admitted_counts(period.start, period.end))
    ended = facts.today > period.end
    for node in indicators.flatten(facts.tree, max_depth):
        target = facts.target_of(node.org_id, period)
        admitted = done.get(node.org_id, 0)
        allocated, flags = split_flags(facts, node, period)
        table.add(
            node.name,
            node.totals.members,
            target,
            admitted,
            percent(admitted, target),
            verdict(admitted, target, ended),
            allocated,
            level=node.depth,
            strong=node.depth == 0,
            link=link(node) if link and node.depth > 0 else None,
            flag="; ".join(flags),
        )
    return table


def term_years_table(facts: Facts, term: TargetPeriod) -> Table:
    """A term year by year for the organisation itself: its year targets and what was admitted in each year."""
    table = Table(
        slug="nhiem-ky-theo-nam",
        title=_("%(period)s theo từng năm") % {"period": term.label},
        subtitle=_subtitle(facts, term.start, term.end),
        columns=[
            Column("year", _("Năm")),
            Column("target", _("Chỉ tiêu năm"), Kind.INT),
            Column("admitted", _("Đã kết nạp"), Kind.INT),
            Column("result", _("Kết quả"), Kind.TEXT),
        ],
        note=_(
            "Chỉ tiêu năm tính cho nhiệm kỳ chứa ngày 01/01 của năm đó; số kết nạp tính trong phần năm thuộc nhiệm kỳ."
        ),
    )
    if facts.root is None:
        return table
    counted = term.years_counted()
    facts.prefetch_targets(
        [*target_keys(term), *(TargetPeriod.year(y).key for y in range(term.start.year, term.end.year + 1))]
    )
    segments = [
        (max(term.start, dt.date(year, 1, 1)), min(term.end, dt.date(year, 12, 31)))
        for year in range(term.start.year, term.end.year + 1)
    ]
    facts.prefetch([*segments, (term.start, term.end)])
    for year in range(term.start.year, term.end.year + 1):
        start, end = max(term.start, dt.date(year, 1, 1)), min(term.end, dt.date(year, 12, 31))
        label = str(year)
        if (start, end) != (dt.date(year, 1, 1), dt.date(year, 12, 31)):
            label = _("%(year)s (từ %(start)s đến %(end)s)") % {
                "year": year,
                "start": f"{start:%d/%m}",
                "end": f"{end:%d/%m}",
            }
        target = facts.target_of(facts.org.pk, TargetPeriod.year(year))
        flag = ""
        if year not in counted and target is not None:
            flag, target = _("chỉ tiêu năm %(year)s tính cho nhiệm kỳ trước") % {"year": year}, None
        admitted = facts.admitted_total(start, end)
        table.add(label, target, admitted, verdict(admitted, target, facts.today > end), level=1, flag=flag)
    term_target = facts.target_of(facts.org.pk, term)
    admitted = facts.admitted_total(term.start, term.end)
    years_flag = _year_targets_flag(facts, facts.root, term)
    year_flags = [years_flag] if years_flag else []
    set_years = [y for y in counted if facts.target_of(facts.org.pk, TargetPeriod.year(y)) is not None]
    if not year_flags and set_years and len(set_years) < len(counted):
        given = sum(facts.target_of(facts.org.pk, TargetPeriod.year(y)) for y in set_years)
        year_flags = [
            ngettext(
                "đã giao chỉ tiêu %(set)s/%(all)s năm: %(n)s người",
                "đã giao chỉ tiêu %(set)s/%(all)s năm: %(n)s người",
                given,
            )
            % {"set": len(set_years), "all": len(counted), "n": given}
        ]
    table.add(
        _("Cả nhiệm kỳ"),
        term_target,
        admitted,
        verdict(admitted, term_target, facts.today > term.end),
        strong=True,
        flag="; ".join(year_flags),
    )
    return table


# --- forecast to the end of the year ----------------------------------------------------------------------
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


@dataclass
class ForecastSummary:
    year_end: dt.date
    admitted: int
    expected: float
    forecast: float
    candidates: int
    target: int | None
    pools: dict  # pool key -> number of candidates

    @property
    def explanation(self) -> str:
        pools = ", ".join(
            ngettext("%(pool)s cho %(n)s người", "%(pool)s cho %(n)s người", v) % {"pool": POOL_LABELS[k], "n": v}
            for k, v in self.pools.items()
            if v
        )
        return _(
            "Đã kết nạp %(admitted)s (tính cả người đã có quyết định, chưa tổ chức lễ kết nạp) + dự kiến "
            "%(expected)s từ %(candidates)s quần chúng đang trong quy trình, chưa có quyết định kết nạp. "
            "Mỗi người được tính theo tỉ lệ những người trước đây ở cùng giai đoạn, đã chờ cùng số ngày, "
            "có quyết định kết nạp trong số ngày còn lại của năm (số liệu lịch sử: %(pools)s). "
            "Đây là ước tính theo số liệu, không phải cam kết."
        ) % {
            "admitted": self.admitted,
            "expected": _dec(self.expected),
            "candidates": self.candidates,
            "pools": pools or _("chưa có"),
        }


def _dec(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def forecast_summary(facts: Facts) -> ForecastSummary:
    year = facts.today.year
    period = TargetPeriod.year(year)
    found = forecast_figures(facts)
    admitted = facts.admitted_total(period.start, facts.today)
    expected = round(found.expected, 1)
    return ForecastSummary(
        year_end=period.end,
        admitted=admitted,
        expected=expected,
        forecast=round(admitted + expected, 1),
        candidates=found.candidates,
        target=facts.target_of(facts.org.pk, period),
        pools=found.pools(),
    )


def forecast_table(facts: Facts, *, max_depth: int = 1, link=None) -> Table:
    """This year's admissions by 31/12 forecast from the candidates now in the pipeline, per organisation."""
    period = TargetPeriod.year(facts.today.year)
    summary = forecast_summary(facts)
    table = Table(
        slug="du-bao",
        title=_("Dự báo kết nạp đến %(day)s") % {"day": ddmmyyyy(period.end)},
        subtitle=_as_of(facts),
        columns=[
            Column("org", _("Tổ chức đảng")),
            Column("target", _("Chỉ tiêu năm %(year)s") % {"year": period.start.year}, Kind.INT),
            Column("admitted", _("Đã kết nạp"), Kind.INT),
            Column("candidates", _("Đang trong quy trình (chưa có quyết định)"), Kind.INT),
            Column("expected", _("Dự kiến thêm"), Kind.DECIMAL),
            Column("forecast", _("Dự báo cả năm"), Kind.DECIMAL),
            Column("result", _("So với chỉ tiêu"), Kind.TEXT),
        ],
        note=summary.explanation,
    )
    admitted = _roll_up(facts.tree, facts.admitted_counts(period.start, facts.today))
    found = forecast_figures(facts).by_org
    expected = _roll_up(facts.tree, {org_id: e for org_id, (_n, e) in found.items()})
    waiting = _roll_up(facts.tree, {org_id: n for org_id, (n, _e) in found.items()})
    for node in indicators.flatten(facts.tree, max_depth):
        target = facts.target_of(node.org_id, period)
        total = round(admitted.get(node.org_id, 0) + expected.get(node.org_id, 0), 1)
        result = ""
        if target is not None:
            gap = round(total - target, 1)
            if gap == 0:
                result = _("Có thể đạt")
            elif gap > 0:
                result = _("Có thể vượt %(n)s") % {"n": _dec(gap)}
            else:
                result = _("Có thể thiếu %(n)s") % {"n": _dec(-gap)}
        table.add(
            node.name,
            target,
            admitted.get(node.org_id, 0),
            waiting.get(node.org_id, 0),
            round(expected.get(node.org_id, 0), 1),
            total,
            result,
            level=node.depth,
            strong=node.depth == 0,
            link=link(node) if link and node.depth > 0 else None,
        )
    return table


def forecast_stage_table(facts: Facts) -> Table:
    """The forecast by stage: how many, how long they have waited, their average chance, which history was used."""
    from ketnap.pipeline.enums import Stage

    found = forecast_figures(facts)
    table = Table(
        slug="du-bao-theo-giai-doan",
        title=_("Dự báo theo giai đoạn"),
        subtitle=_as_of(facts),
        columns=[
            Column("stage", _("Giai đoạn")),
            Column("n", _("Số người"), Kind.INT),
            Column("days", _("Số ngày trung bình ở giai đoạn này"), Kind.DECIMAL),
            Column("p", _("Khả năng có quyết định trước 31/12"), Kind.PERCENT),
            Column("expected", _("Dự kiến"), Kind.DECIMAL),
            Column("pool", _("Số liệu lịch sử dùng"), Kind.TEXT),
        ],
        note=_("Số liệu lịch sử đủ khi có từ %(n)s trường hợp trở lên; nếu chưa đủ thì dùng phạm vi rộng hơn.")
        % {"n": MIN_CASES},
    )
    for stage in Stage:
        here = [row for row in found.by_stage if row[0] == stage]
        if not here:
            continue
        n = sum(row[2] for row in here)
        expected = sum(row[3] for row in here)
        pools = sorted(found.pools(stage).items(), key=lambda item: -item[1])  # stable: ties in the list's order
        table.add(
            str(stage.label),
            n,
            round(sum(row[4] for row in here) / n, 1),
            round(100 * expected / n, 1),
            round(expected, 1),
            ", ".join(f"{POOL_LABELS[k]} ({v})" for k, v in pools),
        )
    if found.by_stage:
        table.add(
            _("Cộng"),
            found.candidates,
            None,
            None,
            round(found.expected, 1),
            "",
            strong=True,
        )
    return table


# --- cells without admissions -----------------------------------------------------------------------------
def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02
        return day.replace(year=day.year - years, day=28)


def dormant_table(facts: Facts, years: int = DORMANT_YEARS, *, link=None) -> Table:
    """Active chi bộ of the subtree with no admission in the last `years` years, with their last admission."""
    since = _years_before(facts.today, years)
    last = facts.last_admitted()
    table = Table(
        slug="chi-bo-chua-ket-nap",
        title=ngettext(
            "Chi bộ chưa kết nạp đảng viên trong %(n)s năm qua",
            "Chi bộ chưa kết nạp đảng viên trong %(n)s năm qua",
            years,
        )
        % {"n": years},
        subtitle=_subtitle(facts, since + dt.timedelta(days=1), facts.today),
        columns=[
            Column("cell", _("Chi bộ")),
            Column("parent", _("Trực thuộc")),
            Column("members", _("Đảng viên"), Kind.INT),
            Column("non_members", _("Quần chúng (nguồn)"), Kind.INT),
            Column("last", _("Lần kết nạp gần nhất"), Kind.DATE),
        ],
        note=_("%(admissions)s Chi bộ mới từ hợp nhất, chia tách mang theo lần kết nạp của chi bộ cũ.")
        % {"admissions": ADMISSION_NOTE},
    )
    for node in indicators.flatten(facts.tree):
        if node.kind not in OrgKind.cell_kinds():
            continue
        when = last.get(node.org_id)
        if when is not None and when > since:
            continue
        parent = facts.nodes.get(node.parent_id)
        table.add(
            node.name,
            parent.name if parent else "",
            node.totals.members,
            node.totals.non_members,
            when,
            link=link(node) if link else None,
            flag=ngettext("%(n)s năm chưa kết nạp", "%(n)s năm chưa kết nạp", years) % {"n": years}
            if when
            else _("chưa kết nạp lần nào"),
        )
    return table


# --- the yearly report ------------------------------------------------------------------------------------
def term_for_year(facts: Facts, year: int) -> TargetPeriod | None:
    """The organisation's term that contains 1 January of `year` (else the latest one overlapping the year)."""
    terms = [TargetPeriod.of(t) for t in facts.own_targets() if t.kind == PeriodKind.TERM]
    jan1 = dt.date(year, 1, 1)
    holding = [t for t in terms if t.start <= jan1 <= t.end]
    if holding:
        return holding[0]
    overlapping = [t for t in terms if t.start <= dt.date(year, 12, 31) and t.end >= jan1]
    return max(overlapping, key=lambda t: t.start, default=None)


def report_tables(org: Organization, year: int, today: dt.date) -> list[Table]:
    """The target tables of the yearly report: the year's progress, the term containing it (if the organisation has a
    term target) with its years, the forecast (the current year only) and the chi bộ without admissions."""
    facts = load(org, today)
    tables = [progress_table(facts, TargetPeriod.year(year))]
    term = term_for_year(facts, year)
    if term is not None:
        tables += [progress_table(facts, term), term_years_table(facts, term)]
    if year == today.year:
        tables.append(forecast_table(facts))
    tables.append(dormant_table(facts))
    return tables


# --- names (only for users who may read the people of the organisation: the views check) ---------------------
def _full_names(person_ids) -> dict[int, str]:
    """Person.full_name of each, read as three columns (a province's list holds thousands)."""
    from ketnap.registry.models import Person

    rows = Person.objects.filter(pk__in=set(person_ids)).values_list("pk", "family_name", "middle_name", "given_name")
    return {pk: " ".join(part for part in parts if part) for pk, *parts in rows}


def admitted_names_table(
    facts: Facts, period: TargetPeriod, *, link=None, offset: int = 0, limit: int | None = None
) -> Table:
    """Who was admitted in the period in the subtree, with the chi bộ and the decision date (`offset` and `limit`:
    one page of the list; the names are read for that page only)."""
    rows = sorted(facts.admitted_in(period.start, period.end), key=lambda a: (a.decided_on, a.person_id))
    rows = rows[offset:] if limit is None else rows[offset : offset + limit]
    names = _full_names(a.person_id for a in rows)
    table = Table(
        slug="danh-sach-ket-nap",
        title=_("Danh sách đã kết nạp — %(period)s") % {"period": period.label},
        subtitle=facts.org.name,
        columns=[
            Column("name", _("Họ và tên")),
            Column("cell", _("Chi bộ")),
            Column("decided", _("Ngày quyết định"), Kind.DATE),
        ],
        note=str(ADMISSION_NOTE),
    )
    for a in rows:
        node = facts.nodes.get(a.node_id)
        table.add(
            names.get(a.person_id, ""),
            node.name if node else "",
            a.decided_on,
            link=link(a.person_id) if link else None,
        )
    return table


def pipeline_names_table(facts: Facts, *, link=None, offset: int = 0, limit: int | None = None) -> Table:
    """Who is in the pipeline before the decision, with the chance of a decision by 31/12 (the forecast's basis), most
    likely first; `offset` and `limit`: one page of the list, chosen by the database."""
    from ketnap.pipeline.enums import Stage

    chances = forecast(facts, offset=offset, limit=limit)
    names = _full_names(c.person_id for c in chances)
    stages = {stage.value: str(stage.label) for stage in Stage}
    sources: dict[tuple[str, int], str] = {}  # the history used, said once per (pool, cases)
    table = Table(
        slug="danh-sach-trong-quy-trinh",
        title=_("Quần chúng đang trong quy trình, chưa có quyết định kết nạp"),
        subtitle=_as_of(facts),
        columns=[
            Column("name", _("Họ và tên")),
            Column("cell", _("Chi bộ")),
            Column("stage", _("Giai đoạn")),
            Column("days", _("Số ngày ở giai đoạn"), Kind.INT),
            Column(
                "p",
                _("Khả năng có quyết định trước %(day)s") % {"day": ddmmyyyy(dt.date(facts.today.year, 12, 31))},
                Kind.PERCENT,
            ),
            Column("pool", _("Số liệu lịch sử dùng"), Kind.TEXT),
        ],
    )
    for c in chances:
        node = facts.nodes.get(c.node_id)
        if (c.pool, c.cases) not in sources:
            sources[c.pool, c.cases] = ngettext(
                "%(pool)s (%(n)s trường hợp)", "%(pool)s (%(n)s trường hợp)", c.cases
            ) % {"pool": POOL_LABELS[c.pool], "n": c.cases}
        table.add(
            names.get(c.person_id, ""),
            node.name if node else "",
            stages[c.stage],
            c.days,
            round(100 * c.probability, 1),
            sources[c.pool, c.cases],
            link=link(c.candidate_id) if link else None,
        )
    return table
