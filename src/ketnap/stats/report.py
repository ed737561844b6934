"""The documents built from the statistics: the statistical forms (biểu 2, biểu 3) as .xlsx, PDF and CSV, and the
yearly report on party-member development (PDF). The web (stats and report views) and `ketnap report` call these
same functions, so a file from the command line is the file the web gives.

The yearly report holds figures only: counts per organisation, ratios, no person's name. It is therefore safe for
overseers by construction (its tables come from the statistics modules, which aggregate, and from the overdue counts
of pipeline.due).
"""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db.models import Count, Q
from django.utils import translation

from ketnap.registry.models import document_place
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats import csvfile, xlsx
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, ReportMeta, Row, Table, format_value, percent

FORMATS = {"xlsx", "pdf", "csv"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}
BIEU2 = ("Biểu 2-BTCTW", "ĐẢNG VIÊN MỚI KẾT NẠP")
BIEU3 = ("Biểu 3-BTCTW", "ĐỘI NGŨ ĐẢNG VIÊN")
YEARS_SHOWN = 5  # admissions per year in the report's column chart


# --- headers and footers ----------------------------------------------------------------------------------------
def org_meta(org, **fields) -> ReportMeta:
    """The header of a document of `org`: its name and its parent committee's, upper-case as the party header
    prints them; the place the administrator set (registry.models.Preferences)."""
    parent = org.parent.name.upper() if org.parent_id else ""
    fields.setdefault("place", document_place())
    return ReportMeta(organization=org.name.upper(), parent=parent, **fields)


def bieu2_meta(org, period: Period, **footer) -> ReportMeta:
    """footer: compiler, compiler_phone, head, head_title, issued_on, place."""
    code, title = BIEU2
    return org_meta(org, form_code=code, title=title, period=period.label, **footer)


def bieu3_meta(org, day: dt.date, **footer) -> ReportMeta:
    code, title = BIEU3
    return org_meta(org, form_code=code, title=title, period=f"Đến ngày {ddmmyyyy(day)}", **footer)


def form_file(table: Table, meta: ReportMeta, fmt: str) -> bytes:
    """A statistical form in `fmt` (xlsx, pdf, csv); PdfUnavailable (stats.pdf) when PDF cannot be made here."""
    if fmt == "xlsx":
        return xlsx.form_xlsx(table, meta)
    if fmt == "csv":
        return csvfile.table_csv(table)
    if fmt == "pdf":
        from ketnap.stats import pdf

        return pdf.form_pdf(table, meta)
    raise ValueError(f"unknown format {fmt!r}")


def bieu2_file(org, period: Period, fmt: str, **footer) -> bytes:
    from ketnap.stats import bieu

    return form_file(bieu.new_members(org, period), bieu2_meta(org, period, **footer), fmt)


def bieu3_file(org, day: dt.date, fmt: str, **footer) -> bytes:
    from ketnap.stats import bieu

    return form_file(bieu.membership(org, day), bieu3_meta(org, day, **footer), fmt)


# --- tables of the yearly report that no other module makes -------------------------------------------------------
def _subtree_ids(org) -> set[int]:
    from ketnap.registry.models import Organization

    return set(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


def admissions_by_year(org, year: int, years: int = YEARS_SHOWN) -> Table:
    """Members admitted per year, the `years` years up to `year`, by the one definition (stats.admissions)."""
    from ketnap.stats import admissions

    attribution = admissions.Attribution(_subtree_ids(org), org, by_path=True)
    span = Period(dt.date(year - years + 1, 1, 1), dt.date(year, 12, 31))
    found = admissions.counts(span, attribution, by_year=True)  # (admitting organisation, year) -> admissions
    attribution.prepare({org_id for org_id, _year in found})
    counts: Counter = Counter()
    for (org_id, decided_year), n in found.items():
        if attribution.node_for(org_id) is not None:
            counts[decided_year] += n
    table = Table(
        "ket-nap-theo-nam",
        "Kết nạp đảng viên qua các năm",
        [Column("year", "Năm"), Column("admitted", "Số đảng viên kết nạp", Kind.INT)],
        subtitle=f"{org.name} · {year - years + 1}–{year}",
        note="Tính theo ngày quyết định kết nạp, vào tổ chức đảng đã kết nạp (tổ chức đã hợp nhất, chia tách chuyển "
        "cho tổ chức kế tục).",
    )
    for y in range(year - years + 1, year + 1):
        table.add(str(y), counts.get(y, 0), strong=y == year)
    return table


def _open_counts(candidates):
    """(organisation, open candidates, of them on probation), counted in SQL over the kept deadlines (pipeline.due): a
    province has thousands of open candidates."""
    from ketnap.pipeline import due
    from ketnap.pipeline.enums import Stage

    on_probation = [Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE]
    return (
        due.open_candidates(candidates)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"), probation=Count("pk", filter=Q(stage__in=on_probation)))
        .values_list("organization_id", "n", "probation")
    )


def _counts_by_child(org, children: list, counted: list[tuple[int, dict[int, int]]]) -> dict[int | None, list[int]]:
    """The counts of each organisation under `org`, summed for the direct child it lies under (None: `org` itself or
    an organisation no longer under an active child). `counted`: (column, {organisation: count}) pairs."""
    from ketnap.registry.models import Organization

    paths = dict(Organization.objects.filter(path__startswith=org.path).values_list("pk", "path"))

    def holder(org_id: int) -> int | None:
        path = paths.get(org_id, "")
        return next((c.pk for c in children if path.startswith(c.path)), None)

    rows: dict[int | None, list[int]] = {c.pk: [0, 0, 0, 0] for c in children}
    for column, counts in counted:
        for org_id, n in counts.items():
            rows.setdefault(holder(org_id), [0, 0, 0, 0])[column] += n
    return rows


def overdue_by_suborganization(org, today: dt.date) -> Table:
    """Open candidates and overdue steps per organisation directly under `org` (counts only, no names)."""
    from ketnap.pipeline import due
    from ketnap.pipeline.models import Candidate
    from ketnap.registry.models import Organization

    candidates = Candidate.objects.filter(organization__path__startswith=org.path)
    open_counts = list(_open_counts(candidates))
    overdue, recognitions = due.overdue_counts(candidates, today)
    children = list(Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("position", "name"))
    rows = _counts_by_child(
        org,
        children,
        [
            (0, {org_id: n for org_id, n, _probation in open_counts}),
            (1, {org_id: probation for org_id, _n, probation in open_counts}),
            (2, overdue),
            (3, recognitions),
        ],
    )
    table = Table(
        "qua-han",
        "Việc quá hạn theo tổ chức trực thuộc",
        [
            Column("org", "Tổ chức đảng"),
            Column("open", "Đang theo dõi phát triển", Kind.INT),
            Column("probation", "Trong đó: đảng viên dự bị", Kind.INT),
            Column("overdue", "Việc quá hạn", Kind.INT),
            Column("recognition", "Trong đó: công nhận chính thức quá hạn", Kind.INT),
        ],
        subtitle=f"{org.name} · đến ngày {ddmmyyyy(today)}",
        note="Số người đang trên đường phát triển đảng viên (từ quần chúng ưu tú đến đảng viên dự bị) và số việc đã "
        "quá hạn theo các mốc thời hạn của quy trình, tính tại ngày lập báo cáo.",
    )
    for child in children:
        values = rows[child.pk]
        table.add(child.name, *values, level=1, flag="có việc quá hạn" if values[2] else "")
    if rows.get(None):
        table.add(f"Trực tiếp tại {org.name}", *rows[None], level=1)
    totals = [sum(column) for column in zip(*(row.values[1:] for row in table.rows), strict=True)] or [0, 0, 0, 0]
    table.rows.insert(0, Row(["Tổng số", *totals], strong=True))
    return table


# --- the yearly report --------------------------------------------------------------------------------------------
def yearly_meta(org, year: int, *, issued_on: dt.date | None = None, head: str = "", **fields) -> ReportMeta:
    return org_meta(
        org,
        title=f"BÁO CÁO KẾT QUẢ CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN NĂM {year}",
        period="",  # the title says the year already
        issued_on=issued_on,
        head=head,
        head_title=fields.pop("head_title", "T/M BAN THƯỜNG VỤ"),
        **fields,
    )


def _number(value, kind: Kind = Kind.INT) -> str:
    return format_value(value, kind)


def summary_sentence(year: int, admitted: int, target: int | None, previous: int | None = None) -> str:
    """ "Năm 2026 kết nạp 31 đảng viên, đạt 103,3 % chỉ tiêu năm (30); năm 2025 kết nạp 28." """
    text = f"Năm {year} kết nạp {_number(admitted)} đảng viên"
    if target:
        text += f", đạt {_number(percent(admitted, target), Kind.PERCENT)} chỉ tiêu năm ({_number(target)})"
    elif target == 0:
        text += " (chỉ tiêu năm là 0)"
    else:
        text += " (chưa giao chỉ tiêu năm)"
    if previous is not None:
        text += f"; năm {year - 1} kết nạp {_number(previous)}"
    return text + "."


# --- file names (the web's downloads and the command's default output) ---------------------------------------------
def bieu2_stem(org, period: Period) -> str:
    return f"bieu-2_{org.code}_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}"


def bieu3_stem(org, day: dt.date) -> str:
    return f"bieu-3_{org.code}_{day:%Y-%m-%d}"


def bieu2_filename(org, period: Period, fmt: str) -> str:
    return f"{bieu2_stem(org, period)}.{fmt}"


def bieu3_filename(org, day: dt.date, fmt: str) -> str:
    return f"{bieu3_stem(org, day)}.{fmt}"


def yearly_filename(org, year: int) -> str:
    return f"bao-cao-phat-trien-dang-vien_{org.code}_{year}.pdf"


def _by_slug(tables: list[Table]) -> dict[str, Table]:
    return {t.slug: t for t in tables}


def _value(table: Table, row: int, key: str):
    index = next(i for i, c in enumerate(table.columns) if c.key == key)
    return table.rows[row].values[index] if len(table.rows) > row else None


def _children_only(table: Table) -> Table:
    """The rows under the first (the organisation's own total) for a chart: the total would dwarf its parts."""
    rows = [r for r in table.rows if r.level == 1] or table.rows
    return Table(table.slug, table.title, table.columns, rows)


def _top_levels(table: Table, max_level: int = 1) -> Table:
    """The organisation and the level under it: a report to attach stays short (the screen and .xlsx go deeper)."""
    rows = [r for r in table.rows if r.level <= max_level]
    if len(rows) == len(table.rows):
        return table
    note = f"{table.note} Báo cáo in đến tổ chức trực thuộc trực tiếp; chi tiết xem trên ketnap hoặc bản Excel."
    return Table(table.slug, table.title, table.columns, rows, note.strip(), table.subtitle)


def _forecast_sentence(target_tables: dict, year: int) -> list[str]:
    """The year's forecast in a sentence, when the report is of the current year."""
    forecast = target_tables.get("du-bao")
    expected = _value(forecast, 0, "forecast") if forecast else None
    if expected is None:
        return []
    # people are whole: the forecast's expectation is rounded for the sentence (the table keeps it)
    return [
        f"Dự báo đến 31/12/{year}: khoảng {round(expected)} đảng viên được kết nạp "
        "(theo số người đang trong quy trình và tốc độ các năm trước)."
    ]


def _targets_section(org, year: int, target_tables: dict):
    """I. The year's admissions against its target, the term, the forecast, the admissions year by year."""
    from ketnap.stats import charts
    from ketnap.stats.pdf import Chart, Section

    progress = target_tables["tien-do"]
    by_year = admissions_by_year(org, year)
    admitted = _value(progress, 0, "admitted") or 0
    previous = by_year.rows[-2].values[1] if len(by_year.rows) > 1 else None
    first: list = [summary_sentence(year, admitted, _value(progress, 0, "target"), previous)]
    first += [*_forecast_sentence(target_tables, year), progress]
    if len(progress.rows) > 1:
        first.append(
            Chart(
                charts.bar_chart(
                    _children_only(progress), "org", ["admitted", "target"], title="Kết nạp so với chỉ tiêu năm"
                ),
                "Hình 1. Số đảng viên kết nạp (nền đặc) và chỉ tiêu năm (nền gạch chéo) theo tổ chức trực thuộc.",
            )
        )
    first += [
        target_tables[slug] for slug in ("tien-do-nhiem-ky", "nhiem-ky-theo-nam", "du-bao") if slug in target_tables
    ]
    first += [
        by_year,
        Chart(
            charts.column_chart(by_year, "year", "admitted"),
            f"Hình 2. Số đảng viên kết nạp các năm {by_year.subtitle}.",
        ),
    ]
    return Section("I. Chỉ tiêu và kết quả kết nạp đảng viên", first)


def _road_section(org, year: int, day: dt.date, period: Period):
    """II. The road: who entered each stage in the year, where the candidates are, how long the stages take."""
    from ketnap.stats import charts, funnel
    from ketnap.stats.pdf import Chart, Section

    road_figures = funnel.Funnel(org, day)
    conversion = road_figures.conversion(period)
    entered = conversion.column("entered")
    road: list = [
        f"Trong năm {year} có {format_value(entered[0] if entered else 0, Kind.INT)} quần chúng ưu tú được đưa vào "
        f"nguồn; {format_value(road_figures.stages().rows[-1].values[1], Kind.INT)} người đang trong quy trình "
        f"tại ngày {ddmmyyyy(day)}.",
        conversion,
    ]
    if any(entered):
        road.append(
            Chart(
                charts.funnel_chart(conversion, "stage", "entered", title="Số người vào từng giai đoạn trong năm"),
                f"Hình 3. Số người vào từng giai đoạn của quy trình trong năm {year} (tỷ lệ so với giai đoạn đầu).",
            )
        )
    road += [road_figures.stages(), road_figures.durations(), funnel.probation_on_time(org, period)]
    return Section("II. Quy trình phát triển đảng viên", road)


def _pool_section(org, day: dt.date, period: Period):
    """III. Members among the staff, and the pool left to develop."""
    from ketnap.stats import pool
    from ketnap.stats.pdf import Section

    staff = pool.staff_on(org, day)
    share = _top_levels(pool.member_share(org, day, period, staff=staff))
    profile = _top_levels(pool.pool_profile(org, day, staff=staff)[0])  # by profession: too wide to print
    root = share.rows[0].values if share.rows else None
    ratio = []
    if root:
        ratio.append(
            f"Ngày {ddmmyyyy(day)}: {format_value(root[2], Kind.INT)} đảng viên trên {format_value(root[1], Kind.INT)} "
            f"nhân sự ({format_value(root[3], Kind.PERCENT)}); nguồn phát triển còn {format_value(root[4], Kind.INT)} "
            "quần chúng."
        )
    return Section("III. Tỷ lệ đảng viên và nguồn phát triển", [*ratio, share, profile])


def _overdue_section(org, today: dt.date, dormant: Table | None):
    """IV. Overdue steps per sub-organisation, and the chi bộ without admissions for years."""
    from ketnap.stats.pdf import Section

    overdue = overdue_by_suborganization(org, today)
    late = overdue.rows[0].values[3] if overdue.rows else 0
    late_text = f"có {format_value(late, Kind.INT)} việc quá hạn" if late else "không có việc quá hạn"
    text = f"Đến ngày {ddmmyyyy(today)} {late_text} trong quy trình phát triển đảng viên."
    return Section("IV. Việc quá hạn, chi bộ lâu chưa kết nạp", [text, overdue, *([dormant] if dormant else [])])


def yearly_sections(org, year: int, *, today: dt.date) -> list:
    """The yearly report's sections (stats.pdf.Section): text, tables and charts, figures only."""
    from ketnap.stats import targets

    day = min(dt.date(year, 12, 31), today)
    period = Period(dt.date(year, 1, 1), day)
    target_tables = _by_slug(targets.report_tables(org, year, today))
    return [
        _targets_section(org, year, target_tables),
        _road_section(org, year, day, period),
        _pool_section(org, day, period),
        _overdue_section(org, today, target_tables.get("chi-bo-chua-ket-nap")),
    ]


def yearly_report(org, year: int, *, today: dt.date, meta: ReportMeta) -> bytes:
    """The yearly report on party-member development of `org` (PDF), ready to attach to the committee's report.

    A Vietnamese document whatever the language of the interface: the tables it borrows from the screen (targets,
    funnel, pool) are built in the site's language."""
    from ketnap.stats import pdf

    with translation.override(settings.LANGUAGE_CODE):
        return pdf.report_pdf(meta, yearly_sections(org, year, today=today))
