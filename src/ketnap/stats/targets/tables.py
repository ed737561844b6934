"""The target tables: progress against a target, a term year by year, the forecast, the chi bộ without admissions,
the lists of names and the yearly report's selection."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ketnap.registry import indicators
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats.models import PeriodKind
from ketnap.stats.tables import Column, Kind, Table, percent
from ketnap.stats.targets.facts import Facts, load
from ketnap.stats.targets.forecast import MIN_CASES, POOL_LABELS, forecast, forecast_figures
from ketnap.stats.targets.periods import NQ21_SOURCE, TargetPeriod, target_keys

ADMISSION_NOTE = gettext_lazy(
    "Kết nạp tính theo ngày quyết định kết nạp (9-KNĐ; tuổi đảng tính từ ngày này, Điều lệ Đảng Điều 5 khoản 4), "
    "cho chi bộ đã kết nạp; số kết nạp và chỉ tiêu của chi bộ đã hợp nhất, chia tách tính cho tổ chức kế tục."
)
DORMANT_YEARS = 3


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


def _year_segments(term: TargetPeriod) -> list[tuple[int, dt.date, dt.date]]:
    """(year, first day, last day) of each calendar year's part of the term."""
    return [
        (year, max(term.start, dt.date(year, 1, 1)), min(term.end, dt.date(year, 12, 31)))
        for year in range(term.start.year, term.end.year + 1)
    ]


def _segment_label(year: int, start: dt.date, end: dt.date) -> str:
    """The year, with its dates when the term holds only part of it."""
    if (start, end) == (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        return str(year)
    return _("%(year)s (từ %(start)s đến %(end)s)") % {"year": year, "start": f"{start:%d/%m}", "end": f"{end:%d/%m}"}


def _add_year_row(table: Table, facts: Facts, term: TargetPeriod, year: int, start: dt.date, end: dt.date) -> None:
    """A year of the term: its target (unless it counts for the term before) and what was admitted in its part."""
    target = facts.target_of(facts.org.pk, TargetPeriod.year(year))
    flag = ""
    if year not in term.years_counted() and target is not None:
        flag, target = _("chỉ tiêu năm %(year)s tính cho nhiệm kỳ trước") % {"year": year}, None
    admitted = facts.admitted_total(start, end)
    table.add(
        _segment_label(year, start, end),
        target,
        admitted,
        verdict(admitted, target, facts.today > end),
        level=1,
        flag=flag,
    )


def _term_years_flag(facts: Facts, term: TargetPeriod) -> str:
    """The year targets against the term's: a mismatch, else how many of its years have one so far (when not all)."""
    mismatch = _year_targets_flag(facts, facts.root, term)
    if mismatch:
        return mismatch
    counted = term.years_counted()
    given = [t for y in counted if (t := facts.target_of(facts.org.pk, TargetPeriod.year(y))) is not None]
    if not given or len(given) == len(counted):
        return ""
    n = sum(given)
    return ngettext(
        "đã giao chỉ tiêu %(set)s/%(all)s năm: %(n)s người",
        "đã giao chỉ tiêu %(set)s/%(all)s năm: %(n)s người",
        n,
    ) % {"set": len(given), "all": len(counted), "n": n}


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
    segments = _year_segments(term)
    facts.prefetch_targets([*target_keys(term), *(TargetPeriod.year(year).key for year, _s, _e in segments)])
    facts.prefetch([*((start, end) for _y, start, end in segments), (term.start, term.end)])
    for year, start, end in segments:
        _add_year_row(table, facts, term, year, start, end)
    term_target = facts.target_of(facts.org.pk, term)
    admitted = facts.admitted_total(term.start, term.end)
    table.add(
        _("Cả nhiệm kỳ"),
        term_target,
        admitted,
        verdict(admitted, term_target, facts.today > term.end),
        strong=True,
        flag=_term_years_flag(facts, term),
    )
    return table


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
