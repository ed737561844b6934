"""The demo's admission targets (chỉ tiêu kết nạp), as the seed articles tell them (README of /work/shared/seeds).

- The provincial general hospital: its congress set 50 admissions for the 2020–2025 term (01/01/2020–30/06/2025); it
  admitted 64, "vượt 14 đảng viên so với chỉ tiêu cả nhiệm kỳ" (article 000). The committee split the 50 to the
  chi bộ it had in 2020, by their members then; chi bộ split or merged since hand their part to their successors.
- Đông Triều's committee planned 17 admissions for Q1 2021 and made 17 decisions: "17/17 … so với Nghị quyết"
  (article 002).
- Every base organisation has a 2025–2030 term target (from 01/07/2025, after the base congresses) and targets for
  the current and the previous year, about 3.5 % of its members a year (NQ 21-NQ/TW: 3–4 %), split to its chi bộ by
  members; the Health Department's committee holds the sum of its base organisations'. Every split adds up.

Bulk-created (hundreds of rows, one audit entry for the batch, as the generator does for people).
"""

import datetime as dt

from ketnap.audit.recorder import write_entry
from ketnap.demo import data
from ketnap.registry import indicators
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization
from ketnap.stats.models import PeriodKind, Target

GENERAL_TERM = (dt.date(2020, 1, 1), dt.date(2025, 6, 30))
GENERAL_TERM_TARGET = 50  # article 000: 64 admitted, 14 more than the term target
STORY_CODE = "BVTT-DT"
STORY_Q1 = (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
STORY_Q1_PLAN = 17  # article 002: 17/17 in Q1 2021
NEW_TERM = (dt.date(2025, 7, 1), dt.date(2030, 6, 30))
YEARLY_SHARE = 0.035  # NQ 21-NQ/TW: 3–4 % of members a year
NOTE = "Nạp dữ liệu mẫu: chỉ tiêu kết nạp"


def _largest_remainder(total: int, weights: dict[int, int]) -> dict[int, int]:
    whole = sum(weights.values())
    if not whole:
        return {k: 0 for k in weights}
    shares = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in shares.items()}
    for k in sorted(shares, key=lambda k: (-(shares[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def _split(rows: list[Target], parent: Target, children: list, members: dict[int, int], basis: str) -> None:
    parts = _largest_remainder(parent.admissions, {c.pk: members.get(c.pk, 0) for c in children})
    for child in children:
        rows.append(
            Target(
                organization=child,
                kind=parent.kind,
                starts_on=parent.starts_on,
                ends_on=parent.ends_on,
                admissions=parts[child.pk],
                basis=basis,
            )
        )


def create_targets(today: dt.date) -> int:
    """Write the demo's targets for the data as it stands on `today`; returns how many."""
    rows: list[Target] = []
    _general_hospital_term(rows, today)
    _story_plan(rows, today)
    periods = _periods(today)
    by_parent = _base_targets(rows, periods)
    _upper_targets(rows, by_parent, periods)
    made = Target.objects.bulk_create(rows)
    if made:
        write_entry("create", made[0], {"demo": [None, f"{len(made)} chỉ tiêu kết nạp"]}, note=NOTE)
    return len(made)


def _general_hospital_term(rows: list[Target], today: dt.date) -> None:
    """The general hospital's 2020–2025 term target, shared among the chi bộ it had when the term began."""
    general_code = next(u["code"] for u in data.PROVINCIAL_UNITS if u["kind"] == "general_hospital")
    general = Organization.objects.filter(code=general_code).first()
    if general is None or today < GENERAL_TERM[0]:
        return
    term = Target(
        organization=general,
        kind=PeriodKind.TERM,
        starts_on=GENERAL_TERM[0],
        ends_on=GENERAL_TERM[1],
        admissions=GENERAL_TERM_TARGET,
        basis=f"Nghị quyết Đại hội {general.name} lần thứ XI, nhiệm kỳ 2020–2025",
    )
    rows.append(term)
    [then] = indicators.tree_on_day([general], GENERAL_TERM[0]) or [None]
    if then is not None:
        _split_as_on(rows, term, then, "Nghị quyết Đảng ủy về phân bổ chỉ tiêu nhiệm kỳ 2020–2025")


def _split_as_on(rows: list[Target], target: Target, node: indicators.Node, basis: str) -> None:
    """`target` shared among the chi bộ under `node` (a tree of a past day), by their members that day."""
    cells = {c.pk: c for c in Organization.objects.filter(pk__in=[n.org_id for n in node.children])}
    members = {n.org_id: n.totals.members for n in node.children}
    _split(rows, target, [cells[n.org_id] for n in node.children], members, basis)


def _story_plan(rows: list[Target], today: dt.date) -> None:
    """The seed story's quarterly plan (Q1/2021)."""
    story = Organization.objects.filter(code=STORY_CODE).first()
    if story is not None and today >= STORY_Q1[1]:
        rows.append(
            Target(
                organization=story,
                kind=PeriodKind.PLAN,
                starts_on=STORY_Q1[0],
                ends_on=STORY_Q1[1],
                admissions=STORY_Q1_PLAN,
                basis="Kế hoạch phát triển đảng viên quý I/2021 của Đảng ủy",
            )
        )


Period = tuple[str, dt.date, dt.date, int]  # kind, start, end, years


def _periods(today: dt.date) -> list[Period]:
    """The new term once begun, this year and last year (so that last year's report has its targets too)."""
    periods = [(PeriodKind.YEAR, dt.date(y, 1, 1), dt.date(y, 12, 31), 1) for y in (today.year - 1, today.year)]
    if today >= NEW_TERM[0]:
        periods.insert(0, (PeriodKind.TERM, *NEW_TERM, 5))
    return periods


def _label(kind: str, start: dt.date) -> str:
    return "nhiệm kỳ 2025–2030" if kind == PeriodKind.TERM else f"năm {start.year}"


def _base_targets(rows: list[Target], periods: list[Period]) -> dict[tuple[int, str, dt.date], int]:
    """Each base organisation's target per period, shared among its chi bộ; returns their sums per upper committee
    and period."""
    bases = list(Organization.objects.filter(kind__in=OrgKind.base_kinds(), dissolved_on__isnull=True).order_by("path"))
    # the whole tree from its top (its totals are the bases' and their chi bộ's): one root, not an OR of every base's
    # path, which at scale 50 (1,500 bases) passes SQLite's limit on the depth of an expression
    tree = indicators.current_tree(list(Organization.objects.filter(parent__isnull=True, dissolved_on__isnull=True)))
    members = {n.org_id: n.totals.members for n in indicators.flatten(tree)}
    children: dict[int, list] = {}
    for cell in Organization.objects.filter(parent__in=bases, dissolved_on__isnull=True).order_by("position", "name"):
        children.setdefault(cell.parent_id, []).append(cell)
    by_parent: dict[tuple[int, str, dt.date], int] = {}
    for base in bases:
        for kind, start, end, years in periods:
            target = Target(
                organization=base,
                kind=kind,
                starts_on=start,
                ends_on=end,
                admissions=max(1, round(members.get(base.pk, 0) * YEARLY_SHARE * years)),
                basis=(
                    f"Nghị quyết Đại hội {base.name} nhiệm kỳ 2025–2030"
                    if kind == PeriodKind.TERM
                    else f"Kế hoạch phát triển đảng viên {_label(kind, start)} của cấp ủy"
                ),
            )
            rows.append(target)
            key = (base.parent_id, kind, start)
            by_parent[key] = by_parent.get(key, 0) + target.admissions
            if base.pk in children:
                label = _label(kind, start)
                _split(rows, target, children[base.pk], members, f"Phân bổ chỉ tiêu {label} của {base.name}")
    return by_parent


def _upper_targets(rows: list[Target], by_parent: dict[tuple[int, str, dt.date], int], periods: list[Period]) -> None:
    """The upper committees' targets: the sums of their base organisations'."""
    uppers = {o.pk: o for o in Organization.objects.filter(pk__in={k[0] for k in by_parent}, kind=OrgKind.UPPER)}
    for (parent_id, kind, start), total in by_parent.items():
        if parent_id in uppers:
            _kind, start, end, _years = next(p for p in periods if p[0] == kind and p[1] == start)
            rows.append(
                Target(
                    organization=uppers[parent_id],
                    kind=kind,
                    starts_on=start,
                    ends_on=end,
                    admissions=total,
                    basis=f"Tổng hợp chỉ tiêu {_label(kind, start)} của các tổ chức cơ sở đảng trực thuộc",
                )
            )
