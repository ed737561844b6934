"""Admission targets (chỉ tiêu kết nạp): setting and splitting them, and the figures committees steer by.

Writing: `set_target` and `split_target` are the only entry points (validated, atomic, audited through the
recorder's signals, attributed to the actor).

Reading: `load(org, today)` gathers, in a fixed number of queries whatever the size of the tree, everything the
tables need: the current tree under `org` with its counts, every admission ever made (ketnap.stats.admissions, the one
definition) attributed to a node of that tree through merges and splits, and the targets of the subtree. The table
functions below are then pure Python over those facts and return `stats.tables.Table` objects, so the screen, the
.xlsx/.csv downloads and the yearly report show the same numbers.

Which targets are compared: targets of different organisations are "for the same period" when their dates are the
same (a split copies the parent's dates). A year target belongs to the term that contains its 1 January, so each year
counts for exactly one term (a term that starts on 01/07/2025 counts its years from 2026). A target of an
organisation that has since merged or split counts for its successor, as its admissions do (Attribution).
"""

import bisect
import contextlib
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Count, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ketnap.audit.context import acting, current_note
from ketnap.registry import indicators
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization, PartyMembership
from ketnap.stats import figures
from ketnap.stats.admissions import Attribution, admissions
from ketnap.stats.models import PeriodKind, Target, period_label
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


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


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
        errors["ends_on"] = _("Ngày kết thúc phải từ ngày bắt đầu (%(start)s) trở đi.") % {"start": _fmt(starts_on)}
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
            "day": _fmt(organization.dissolved_on),
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
                % {"child": child.name, "day": _fmt(child.dissolved_on)}
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
    org: Organization
    today: dt.date
    tree: list  # [root Node] (empty when the organisation has ended)
    nodes: dict  # node id -> Node
    admitted: list[Admitted]  # every admission ever made in the subtree
    targets: list[Target]  # of the subtree's organisations (ended ones too) and of the organisation's ancestors
    target_by_node: dict = field(default_factory=dict)  # period key -> {node id: summed targets}
    kind_by_key: dict = field(default_factory=dict)  # period key -> kind (of the organisation's own target first)
    _chances: list | None = None

    @property
    def root(self):
        return self.tree[0] if self.tree else None

    def own_targets(self) -> list[Target]:
        return sorted(
            (t for t in self.targets if t.organization_id == self.org.pk), key=lambda t: (t.starts_on, t.kind)
        )

    def target_of(self, node_id: int, period: TargetPeriod) -> int | None:
        return self.target_by_node.get(period.key, {}).get(node_id)

    def admitted_in(self, start: dt.date, end: dt.date) -> list[Admitted]:
        return [a for a in self.admitted if start <= a.decided_on <= end]

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


def _base_of(org_id: int, paths: dict, kinds: dict) -> int | None:
    """The base organisation (đảng bộ cơ sở / chi bộ cơ sở) an organisation belongs to."""
    ids = [int(p) for p in paths.get(org_id, "").strip("/").split("/") if p]
    return next((i for i in reversed(ids) if kinds.get(i) in OrgKind.base_kinds()), None)


def load(org: Organization, today: dt.date) -> Facts:
    """Gather the facts for `org`'s subtree (see the module docstring): about ten queries, none per node, reading only
    the organisations that can count in the subtree (stats.admissions.Attribution)."""
    tree = figures.current_tree([org]) if org.active else []  # the counts kept per organisation (stats.figures)
    nodes = {n.org_id: n for n in indicators.flatten(tree)}
    node_ids = set(nodes)
    attribution = Attribution(node_ids, org, by_path=True)  # today's tree: what lies under its path
    root_path = org.path
    found = admissions(within=attribution) if node_ids else []
    attribution.prepare({a.organization_id for a in found})
    # only to follow a split: where each such member is now
    splits = [
        a.membership_id for a in found if a.membership_id and len(attribution.successors.get(a.organization_id, [])) > 1
    ]
    current_org = (
        dict(PartyMembership.objects.filter(pk__in=splits).values_list("pk", "organization_id")) if splits else {}
    )
    admitted: list[Admitted] = []
    for a in found:
        if a.organization_id in node_ids:
            node = a.organization_id
        else:
            holder = current_org.get(a.membership_id) if a.membership_id in current_org else None
            node = attribution.node_for(a.organization_id, holder)
        if node in node_ids:
            admitted.append(Admitted(node, a.organization_id, a.person_id, a.decided_on))

    targets = list(
        Target.objects.filter(organization__path__startswith=root_path).order_by("starts_on", "kind", "pk")
    ) + list(Target.objects.filter(organization_id__in=org.ancestor_ids()))
    attribution.prepare({t.organization_id for t in targets})
    target_by_node: dict = defaultdict(dict)
    kind_by_key: dict = {}
    for t in sorted(targets, key=lambda t: t.organization_id != org.pk):
        kind_by_key.setdefault(t.period_key, t.kind)
        node = t.organization_id if t.organization_id in node_ids else attribution.node_for(t.organization_id)
        if node in node_ids and attribution.path(t.organization_id).startswith(root_path):
            per = target_by_node[t.period_key]
            per[node] = per.get(node, 0) + t.admissions
    return Facts(org, today, tree, nodes, admitted, targets, dict(target_by_node), kind_by_key)


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


def _subtitle(facts: Facts, start: dt.date, end: dt.date) -> str:
    return _("%(org)s; từ %(start)s đến %(end)s") % {"org": facts.org.name, "start": _fmt(start), "end": _fmt(end)}


def _as_of(facts: Facts) -> str:
    return _("%(org)s; tính đến ngày %(day)s") % {"org": facts.org.name, "day": _fmt(facts.today)}


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
    own = Counter(a.node_id for a in facts.admitted_in(period.start, period.end))
    done = _roll_up(facts.tree, own)
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
    node_ids = {n.org_id for n in indicators.flatten(facts.tree)}
    counted = term.years_counted()
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
        admitted = sum(1 for a in facts.admitted_in(start, end) if a.node_id in node_ids)
        table.add(label, target, admitted, verdict(admitted, target, facts.today > end), level=1, flag=flag)
    term_target = facts.target_of(facts.org.pk, term)
    admitted = sum(1 for a in facts.admitted_in(term.start, term.end) if a.node_id in node_ids)
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


def _first_stage_before():
    from ketnap.pipeline.models import Step

    return Subquery(Step.objects.filter(candidate_id=OuterRef("pk")).order_by("on", "id").values("stage_before")[:1])


class _Pool:
    """The past stays of one pool, ready to answer _rate for any number of days: a stay is comparable to a candidate
    that has waited d days when it began at least d + horizon days ago and lasted at least d days, i.e. when
    d <= reach = min(today - horizon - entered, stayed); it ended in a decision within d + horizon days when
    d >= decided - horizon. Counting both is a binary search in sorted lists."""

    def __init__(self, stays: list[tuple[int, int, int]], horizon: int, today: dt.date):
        latest = today.toordinal() - horizon
        reaches = [(min(latest - entered, stayed), decided - horizon) for entered, stayed, decided in stays]
        self.reach = sorted(r for r, _d in reaches)
        hits = [(d, r) for r, d in reaches if d <= r]  # the days d for which the stay counts as decided
        self.starts, self.ends = sorted(d for d, _r in hits), sorted(r for _d, r in hits)

    def rate(self, days: int) -> tuple[float, int]:
        n = len(self.reach) - bisect.bisect_left(self.reach, days)
        decided = bisect.bisect_right(self.starts, days) - bisect.bisect_left(self.ends, days)
        return (decided / n if n else 0.0), n


def _stays(row: dict) -> dict[str, tuple[int, int, int]]:
    """A candidate's stays before the decision, from _road_facts, as (entered, days stayed, days to the decision).
    The SOURCE stage is entered on the day put on the list (unless the first step says the road began further on)."""
    from ketnap.pipeline.enums import Stage
    from ketnap.pipeline.transitions import PRE_DECISION

    entered = {stage: row[f"in_{stage}"] for stage in PRE_DECISION if row[f"in_{stage}"] is not None}
    if (row["first_before"] == Stage.SOURCE) if row["n_steps"] else (row["stage"] == Stage.SOURCE):
        entered[Stage.SOURCE] = row["started_on"]
    out = {}
    for stage, on in entered.items():
        left, decided = row[f"out_{stage}"], row["decided"]
        start = on.toordinal()
        out[stage] = (
            start,
            NEVER if left is None else left.toordinal() - start,
            NEVER if decided is None else decided.toordinal() - start,
        )
    return out


def _whole_register(needed: set[tuple[str, int]], horizon: int, today: dt.date) -> dict[tuple[str, int], tuple]:
    """The rates of the "all" pool for these (stage, days), counted by the database over every candidate (one
    query per 200 of them): no candidate's row leaves it."""
    from ketnap.pipeline.enums import Stage
    from ketnap.pipeline.models import Candidate, Step

    latest = today.toordinal() - horizon
    stages = {stage for stage, _days in needed}
    per_candidate = Candidate.objects.order_by().values("pk")
    if Stage.SOURCE in stages:  # entered on the day put on the list, unless the first step says otherwise
        per_candidate = per_candidate.annotate(first_before=_first_stage_before())
    else:  # only who ever entered one of these stages
        entered = Step.objects.filter(stage_after__in=stages).exclude(stage_before=F("stage_after"))
        per_candidate = per_candidate.filter(pk__in=entered.values("candidate_id"))
    per_candidate = per_candidate.annotate(**_road_facts(stages))
    columns: dict = {}
    for stage in sorted(stages):
        entered = DayNumber(F(f"in_{stage}"))
        if stage == Stage.SOURCE:
            source_first = Case(
                When(n_steps__gt=0, then=Q(first_before=Stage.SOURCE)),
                default=Q(stage=Stage.SOURCE),
                output_field=BooleanField(),
            )
            entered = Case(When(source_first, then=DayNumber(F("started_on"))), default=entered)
        stayed = Coalesce(DayNumber(F(f"out_{stage}")) - entered, Value(NEVER))
        decided = Coalesce(DayNumber(F("decided")) - entered, Value(NEVER))
        columns[f"e_{stage}"] = entered
        columns[f"r_{stage}"] = Least(Value(latest) - entered, stayed)
        columns[f"d_{stage}"] = decided - Value(horizon)
    per_candidate = per_candidate.annotate(**columns)
    out: dict[tuple[str, int], tuple] = {}
    ordered = sorted(needed)
    for start in range(0, len(ordered), 200):
        counts = {}
        for i, (stage, days) in enumerate(ordered[start : start + 200]):
            comparable = Q(**{f"e_{stage}__isnull": False, f"r_{stage}__gte": days})
            counts[f"n{i}"] = Count("pk", filter=comparable)
            counts[f"h{i}"] = Count("pk", filter=comparable & Q(**{f"d_{stage}__lte": days}))
        found = per_candidate.aggregate(**counts)
        for i, key in enumerate(ordered[start : start + 200]):
            n, decided = found[f"n{i}"], found[f"h{i}"]
            out[key] = ((decided / n if n else 0.0), n)
    return out


def _pool_rows(facts: Facts) -> tuple[list[dict], dict[int, int | None]]:
    """The candidates whose stays can answer for the open ones of the subtree (the candidates of its base
    organisations), one row each with its road's facts; and the base organisation of each of their organisations."""
    from ketnap.pipeline.models import Candidate

    org = facts.org
    above = org.ancestor_ids()
    kinds = dict(Organization.objects.filter(pk__in=above).values_list("pk", "kind"))
    paths = {org.pk: org.path}
    kinds[org.pk] = org.kind
    base = _base_of(org.pk, paths, kinds)
    # the base organisations of the subtree lie under it, or one is at or above it (they do not nest)
    prefix = org.path if base is None else org.path[: org.path.index(f"/{base}/") + len(f"/{base}/")]
    for pk, path, kind in Organization.objects.filter(path__startswith=prefix).values_list("pk", "path", "kind"):
        paths[pk], kinds[pk] = path, kind
    rows = list(
        Candidate.objects.filter(organization__in=Organization.objects.filter(path__startswith=prefix).values("pk"))
        .order_by()
        .values("pk", "organization_id", "started_on", "stage")
        .annotate(first_before=_first_stage_before(), **_road_facts())
    )
    return rows, {pk: _base_of(pk, paths, kinds) for pk in paths}


def forecast(facts: Facts) -> list[Chance]:
    """Each open candidate of the subtree not yet decided, with the probability of a decision by 31/12 this year.

    Method: for a candidate who has spent d days in stage S, with h days left in the year, look at every past stay
    in S that lasted at least d days and began at least d + h days ago, and count the share that reached the admission
    decision (the "decision" step) within d + h days of entering S. The pool is the candidate's own chi bộ; when it
    holds fewer than MIN_CASES such stays, its base organisation; then all organisations. Entering S is the date of
    the step that moved the candidate into S (the SOURCE stage: the day put on the list). Candidates already decided
    are not here: their decision is counted as an admission (ketnap.stats.admissions).

    Read: the open candidates of the subtree; one row per candidate of the base organisations they belong to (its
    stays worked out by the database from its steps); and, only when those pools are too small, the whole register's
    counts for the stages and waits that need them (_whole_register).
    """
    from ketnap.pipeline.models import Candidate
    from ketnap.pipeline.transitions import PRE_DECISION

    if facts._chances is not None:
        return facts._chances
    if not facts.nodes:
        facts._chances = []
        return facts._chances
    active = Organization.objects.filter(path__startswith=facts.org.path, dissolved_on__isnull=True).values("pk")
    open_ = list(
        Candidate.objects.filter(organization__in=active, stage__in=PRE_DECISION).values_list(
            "pk", "person_id", "organization_id", "stage", "stage_since"
        )
    )
    if not open_:
        facts._chances = []
        return facts._chances
    year_end = dt.date(facts.today.year, 12, 31)
    horizon = (year_end - facts.today).days
    rows, bases = _pool_rows(facts)
    stays: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for row in rows:
        for stage, stay in _stays(row).items():
            stays[("org", stage, row["organization_id"])].append(stay)
            if base := bases.get(row["organization_id"]):
                stays[("base", stage, base)].append(stay)
            stays[("all", stage, None)].append(stay)
    whole = Candidate.objects.count() == len(rows)  # the rows are the whole register: its pool is here too
    pools: dict[tuple, _Pool] = {}
    rates: dict[tuple, tuple[float, int]] = {}

    def rate(key: tuple, days: int) -> tuple[float, int]:
        if (key, days) not in rates:
            if key not in pools:
                pools[key] = _Pool(stays.get(key, []), horizon, facts.today)
            rates[key, days] = pools[key].rate(days)
        return rates[key, days]

    waits = [(c, max(0, (facts.today - c[4]).days)) for c in open_]
    if not whole:  # the stages and waits that no chi bộ or base organisation answers: asked of the whole register
        needed = {
            (stage, days)
            for (_pk, _person, org_id, stage, _since), days in waits
            if rate(("org", stage, org_id), days)[1] < MIN_CASES
            and not (bases[org_id] and rate(("base", stage, bases[org_id]), days)[1] >= MIN_CASES)
        }
        if needed:
            for (stage, days), found in _whole_register(needed, horizon, facts.today).items():
                rates[("all", stage, None), days] = found
    out = []
    for (pk, person_id, org_id, stage, _since), days in waits:
        found = (0.0, 0, "none")
        for name, owner in (("org", org_id), ("base", bases[org_id]), ("all", None)):
            if name == "base" and not owner:
                continue
            probability, n = rate((name, stage, owner), days)
            if n >= MIN_CASES or (name == "all" and n):
                found = (probability, n, name)
                break
        probability, n, pool = found
        out.append(Chance(pk, person_id, org_id, org_id, stage, days, probability, pool, n))
    facts._chances = out
    return out


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
    chances = forecast(facts)
    admitted = len(facts.admitted_in(period.start, facts.today))
    expected = round(sum(c.probability for c in chances), 1)
    return ForecastSummary(
        year_end=period.end,
        admitted=admitted,
        expected=expected,
        forecast=round(admitted + expected, 1),
        candidates=len(chances),
        target=facts.target_of(facts.org.pk, period),
        pools=dict(Counter(c.pool for c in chances)),
    )


def forecast_table(facts: Facts, *, max_depth: int = 1, link=None) -> Table:
    """This year's admissions by 31/12 forecast from the candidates now in the pipeline, per organisation."""
    period = TargetPeriod.year(facts.today.year)
    summary = forecast_summary(facts)
    table = Table(
        slug="du-bao",
        title=_("Dự báo kết nạp đến %(day)s") % {"day": _fmt(period.end)},
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
    admitted = _roll_up(facts.tree, Counter(a.node_id for a in facts.admitted_in(period.start, facts.today)))
    chances = forecast(facts)
    expected = _roll_up(facts.tree, _sum_by(chances, lambda c: c.probability))
    waiting = _roll_up(facts.tree, Counter(c.org_id for c in chances))
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


def _sum_by(items, value) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for item in items:
        out[item.org_id] += value(item)
    return out


def forecast_stage_table(facts: Facts) -> Table:
    """The forecast by stage: how many, how long they have waited, their average chance, which history was used."""
    from ketnap.pipeline.enums import Stage

    chances = forecast(facts)
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
        here = [c for c in chances if c.stage == stage]
        if not here:
            continue
        pools = Counter(c.pool for c in here)
        table.add(
            str(stage.label),
            len(here),
            round(sum(c.days for c in here) / len(here), 1),
            round(100 * sum(c.probability for c in here) / len(here), 1),
            round(sum(c.probability for c in here), 1),
            ", ".join(f"{POOL_LABELS[k]} ({v})" for k, v in pools.most_common()),
        )
    if chances:
        table.add(
            _("Cộng"),
            len(chances),
            None,
            None,
            round(sum(c.probability for c in chances), 1),
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
    last: dict[int, dt.date] = {}
    for a in facts.admitted:
        if a.decided_on <= facts.today and (a.node_id not in last or a.decided_on > last[a.node_id]):
            last[a.node_id] = a.decided_on
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


def admitted_names_table(facts: Facts, period: TargetPeriod, *, link=None) -> Table:
    """Who was admitted in the period in the subtree, with the chi bộ and the decision date."""
    rows = sorted(facts.admitted_in(period.start, period.end), key=lambda a: (a.decided_on, a.person_id))
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


def pipeline_names_table(facts: Facts, *, link=None) -> Table:
    """Who is in the pipeline before the decision, with the chance of a decision by 31/12 (the forecast's basis)."""
    from ketnap.pipeline.enums import Stage

    chances = sorted(forecast(facts), key=lambda c: (-c.probability, c.days))
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
                _("Khả năng có quyết định trước %(day)s") % {"day": _fmt(dt.date(facts.today.year, 12, 31))},
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
