"""Statistics dashboard, the statistical forms (biểu 2, biểu 3), the drill-down to names and the yearly report.

Every figure comes from ketnap.stats (bieu, funnel, pool) as a Table; this module only picks the organisation, the
day and the period, and presents. Overseers read every number of their subtree but never a name: drill-down links are
added only when the user may read the people of the organisation, and the names page answers 404 otherwise.
"""

import contextlib
import datetime as dt
from urllib.parse import quote_plus, urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketnap.accounts.models import display_name
from ketnap.pipeline import due
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate
from ketnap.registry.models import Organization, Person
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.scope import scope_for
from ketnap.stats import bieu, charts, funnel, pool, report
from ketnap.stats.pdf import PdfUnavailable
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, ReportMeta, Table
from ketnap.web.exporting import PDF, export_response, export_rows_response, file_response
from ketnap.web.views.common import PAGE_SIZE, parse_day, querystring

CHUNK = 5000


def _when(request) -> tuple[dt.date, Period]:
    """The day (?ngay=, default today; the tree of that day) and the period (?tu=&den=, default 01/01 → the day)."""
    now = today()
    day = now
    if raw := request.GET.get("ngay"):
        parsed = parse_day(raw)
        if parsed is None:
            messages.error(request, _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."))
        else:
            day = min(parsed, now)
    start, end = parse_day(request.GET.get("tu")), parse_day(request.GET.get("den"))
    if (request.GET.get("tu") and start is None) or (request.GET.get("den") and end is None):
        messages.error(request, _("Kỳ báo cáo không hợp lệ; nhập ngày theo dạng dd/mm/yyyy."))
    start, end = start or dt.date(day.year, 1, 1), end or day
    if end < start:
        messages.error(request, _("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu."))
        start, end = dt.date(day.year, 1, 1), day
    return day, Period(start, end)


def _org(request, code) -> Organization:
    return get_object_or_404(scope_for(request).organizations().select_related("parent"), code=code)


def _names_link(org: Organization, group: str, **fixed):
    """A builder of drill-down URLs to the names behind a figure (only handed out when names may be read)."""
    # the fixed part encoded once: a province's tables ask for some 600 links
    query = urlencode({"nhom": group, **{k: v for k, v in fixed.items() if v}})
    base = f"{reverse('stats_names', args=[org.code])}?{query}"

    def link(**params) -> str:  # urlencode's output, without its generic checks (some 8 µs a call)
        wanted = "&".join(f"{k.replace('_', '-')}={quote_plus(str(v))}" for k, v in params.items() if v)
        return f"{base}&{wanted}" if wanted else base

    return link


# --- pages ----------------------------------------------------------------------------------------
def stats_home(request):
    roots = scope_for(request).root_organizations()
    if len(roots) == 1:
        return redirect("stats_dashboard", code=roots[0].code)
    return render(request, "web/stats/home.html", {"roots": roots})


def dashboard(request, code):
    scope = scope_for(request)
    org = _org(request, code)
    day, period = _when(request)
    past = day < today()
    names = scope.can_read_people_of(org)
    fixed = {"ngay": ddmmyyyy(day) if past else ""}
    period_params = {"tu": ddmmyyyy(period.start), "den": ddmmyyyy(period.end)}
    staff = pool.staff_on(org, day)  # counted once for the share, unit and pool tables
    share = pool.member_share(
        org, day, period, link=_names_link(org, "admitted", **period_params) if names else None, staff=staff
    )
    profile, by_profession = pool.pool_profile(
        org, day, link=_names_link(org, "pool", **fixed) if names else None, staff=staff
    )
    subtree = bieu.subtree_on(org, day)  # the tree of that day, read once
    road = funnel.Funnel(org, day, subtree)
    stages = road.stages(link=_names_link(org, "stage", **fixed) if names else None)
    tables = [
        share,
        pool.unit_share(org, day, staff),
        profile,
        by_profession,
        stages,
        road.conversion(period),
        road.durations(link=_names_link(org, "stalled", **fixed) if names else None),
        # the tree of the period's end: the page's when the period ends on the day shown
        funnel.probation_on_time(org, period, subtree, road.attribution)
        if period.end == day
        else funnel.probation_on_time(org, period),
    ]
    meta = report.org_meta(org, title=_("Thống kê phát triển đảng viên"), period=period.label, **_footer(request))
    response = export_response(request, tables, basename=f"thong-ke-{org.code}", meta=meta)
    if response is not None:
        return response
    top = share.rows[0].values if share.rows else [org.name, 0, 0, None, 0, 0, 0]
    headline = {
        "members": top[2],
        "percent": top[3],
        "admitted": top[5],
        "admitted_before": top[6],
        "open": stages.rows[-1].values[1],
    }
    if not past:
        # one indexed count over the kept deadlines (pipeline.due), not every open candidate's row
        candidates = Candidate.objects.filter(organization__path__startswith=org.path)
        headline["overdue"] = due.counts_of(candidates, today(), ("overdue",))["overdue"]
    funnel_rows = Table(stages.slug, stages.title, stages.columns, stages.rows[:-1])
    drawn = {  # every chart is drawn from the table shown under it
        share.slug: charts.bar_chart(share, "name", ["percent"], title=_("% đảng viên / nhân sự"), largest_by="staff"),
        profile.slug: charts.bar_chart(
            profile, "name", ["pool", "young"], title=_("Quần chúng và dưới 30 tuổi"), largest_by="pool"
        ),
        stages.slug: charts.funnel_chart(funnel_rows, "stage", "count", title=_("Số người theo giai đoạn")),
    }
    context = {
        "org": org,
        "day": day,
        "past": past,
        "period": period,
        "headline": headline,
        "sections": [(_on_screen(t), drawn.get(t.slug)) for t in tables],
        # the organisations under it on the day shown, with the names of that day
        "children": sorted((n for n in subtree.values() if n.parent_id == org.pk), key=lambda n: n.name),
        "querystring": querystring(request),
        "period_query": urlencode(period_params),
        "absent": _absent_on(org, day),
        "existing": _existing_on(scope, day) if _absent_on(org, day) else [],
    }
    return render(request, "web/stats/dashboard.html", context)


# the largest rows of a long table on screen, by the column that says how large: a file keeps every row
SCREEN_LARGEST_BY = {
    "dang-vien-theo-to-chuc": "staff",
    "dang-vien-theo-don-vi": "staff",
    "nguon-phat-trien": "pool",
    "nguon-theo-nganh": "pool",
}


def _on_screen(table: Table) -> Table:
    if table.slug not in SCREEN_LARGEST_BY:
        return table
    return table.shortened(
        pool.MAX_ROWS,
        SCREEN_LARGEST_BY[table.slug],
        others=_("Các tổ chức, đơn vị khác ({n})"),
        note=_(
            "Trên màn hình chỉ hiện %(limit)s dòng lớn nhất và một dòng cộng các dòng còn lại; tệp Excel, CSV có đủ "
            "%(rows)s dòng."
        )
        % {"limit": pool.MAX_ROWS, "rows": f"{len(table.rows):,}".replace(",", ".")},
    )


def _absent_on(org: Organization, day: dt.date) -> str:
    """Why the organisation has no figures on `day` ("" when it existed): zeros must not pass for facts."""
    if org.established_on > day:
        return _("%(org)s chưa thành lập tại ngày %(d)s (thành lập ngày %(e)s).") % {
            "org": org.name,
            "d": ddmmyyyy(day),
            "e": ddmmyyyy(org.established_on),
        }
    if org.dissolved_on and org.dissolved_on <= day:
        return _("%(org)s đã kết thúc hoạt động từ ngày %(e)s.") % {
            "org": org.name,
            "e": ddmmyyyy(org.dissolved_on),
        }
    return ""


def _existing_on(scope, day: dt.date) -> list[Organization]:
    """The highest organisations of the user's scope that existed on `day`, to look at instead."""
    existing = list(
        scope.organizations()
        .filter(established_on__lte=day)
        .exclude(dissolved_on__lte=day)
        .order_by("depth", "name")[:200]
    )
    ids = {o.pk for o in existing}
    return [o for o in existing if o.parent_id not in ids][:12]


def _form_page(request, org: Organization, table: Table, meta: ReportMeta, basename: str, day_field: bool):
    # the same files as `ketnap report` (stats.report builds the header, footer and file names for both)
    response = export_response(request, [table], basename=basename, meta=meta)
    if response is not None:
        return response
    context = {"org": org, "table": table, "meta": meta, "day_field": day_field, "querystring": querystring(request)}
    return render(request, "web/stats/bieu.html", context | _form_fields(request))


def _footer(request) -> dict:
    """The form's footer from the small form on the page (default compiler: the user)."""
    return {
        "compiler": request.GET.get("nguoi-lap", "").strip() or display_name(request.user),
        "compiler_phone": request.GET.get("dien-thoai", "").strip(),
        "head": request.GET.get("truong-ban", "").strip(),
        "issued_on": today(),
    }


def _form_fields(request) -> dict:
    return {
        "tu": request.GET.get("tu", ""),
        "den": request.GET.get("den", ""),
        "ngay": request.GET.get("ngay", ""),
        "nguoi_lap": request.GET.get("nguoi-lap", ""),
        "truong_ban": request.GET.get("truong-ban", ""),
        "dien_thoai": request.GET.get("dien-thoai", ""),
    }


def _document_language(request):
    """A downloaded form is a Vietnamese party document whatever the interface language (as `ketnap report` makes
    it); the screen follows the user's language."""
    return translation.override("vi") if request.GET.get("xuat") else contextlib.nullcontext()


def bieu2(request, code):
    org = _org(request, code)
    _day, period = _when(request)
    with _document_language(request):
        table = bieu.new_members(org, period)
        meta = report.bieu2_meta(org, period, **_footer(request))
        return _form_page(request, org, table, meta, report.bieu2_stem(org, period), False)


def bieu3(request, code):
    org = _org(request, code)
    day, _period = _when(request)
    with _document_language(request):
        table = bieu.membership(org, day)
        meta = report.bieu3_meta(org, day, **_footer(request))
        return _form_page(request, org, table, meta, report.bieu3_stem(org, day), True)


def _ordered(ids: list[int]) -> list[int]:
    """The ids in the Vietnamese order of names (sort keys read in chunks: the list may be long)."""
    keys: list[tuple[str, int]] = []
    unique = list(set(ids))
    for start in range(0, len(unique), CHUNK):
        keys += [
            (k, pk)
            for pk, k in Person.objects.filter(pk__in=unique[start : start + CHUNK]).values_list("pk", "sort_key")
        ]
    return [pk for _key, pk in sorted(keys)]


NAME_COLUMNS = [
    Column("name", gettext_lazy("Họ và tên")),
    Column("birth", gettext_lazy("Ngày sinh"), Kind.DATE),
    Column("gender", gettext_lazy("Giới tính")),
    Column("unit", gettext_lazy("Khoa / phòng")),
    Column("profession", gettext_lazy("Ngành / chức danh nghề nghiệp")),
    Column("organization", gettext_lazy("Tổ chức đảng phụ trách")),
]


def _name_rows(scope, ordered: list[int]):
    """The names list for a download, read in chunks in the order shown (the list may hold tens of thousands)."""
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        loaded = (
            scope.persons().filter(pk__in=chunk).select_related("work_unit", "organization", "profession").in_bulk()
        )
        for pk in chunk:
            if (p := loaded.get(pk)) is not None:
                yield [
                    p.full_name,
                    p.birth_date,
                    p.get_gender_display(),
                    p.work_unit.name,
                    p.profession.name if p.profession else "",
                    p.organization.name if p.organization else "",
                ]


def names(request, code):
    """The people behind a figure of the dashboard. Only for users who may read the organisation's people: overseers
    and outsiders get 404, like any page outside their scope."""
    scope = scope_for(request)
    org = _org(request, code)
    if not scope.can_read_people_of(org):
        raise Http404
    day, period = _when(request)
    group = request.GET.get("nhom", "")
    sub = org
    if request.GET.get("to-chuc"):
        sub = get_object_or_404(Organization.objects.filter(path__startswith=org.path), code=request.GET["to-chuc"])
    stage = request.GET.get("giai-doan", "")
    if group in {"stage", "stalled"} and stage not in funnel.ROAD:
        raise Http404
    if group == "pool":
        ids, title = pool.pool_people(sub, day), _("Quần chúng (nguồn phát triển đảng viên)")
    elif group == "admitted":
        ids, title = bieu.admitted_people(sub, period), _("Đảng viên mới kết nạp — %(p)s") % {"p": period.label}
    elif group == "stage":
        ids, title = funnel.Funnel(org, day).people_at(stage), Stage(stage).label
    elif group == "stalled":
        title = _("Chậm ở giai đoạn: %(s)s") % {"s": Stage(stage).label}
        ids = funnel.Funnel(org, day).stalled_people(stage)
    else:
        raise Http404
    ordered = _ordered(ids)
    response = export_rows_response(
        request,
        columns=NAME_COLUMNS,
        rows=_name_rows(scope, ordered),
        basename=f"danh-sach-{group}-{sub.code}",
        title=title,
        subtitle=f"{sub.name} · {ddmmyyyy(day)}",
    )
    if response is not None:
        return response
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("trang"))
    loaded = (
        scope.persons()
        .filter(pk__in=list(page.object_list))
        .select_related("work_unit", "work_unit__parent", "organization", "profession")
        .in_bulk()
    )
    people = [loaded[pk] for pk in page.object_list if pk in loaded]
    context = {
        "org": org,
        "sub": sub,
        "title": title,
        "day": day,
        "page": page,
        "people": people,
        "querystring": querystring(request),
    }
    return render(request, "web/stats/names.html", context)


# --- the yearly report (PDF): thong-ke/<code>/bao-cao-nam/?nam=YYYY ------------------------------------
# Overseers may download it: it holds aggregated figures only (stats.report builds it without names).
# Optional ?nguoi_ky= (the signatory's name) and ?dia_danh= (place before the date) fill the footer.
FIRST_YEAR = 1930  # the Party's founding: no earlier report makes sense


def yearly_report(request, code):
    org = get_object_or_404(scope_for(request).organizations(), code=code)
    now = today()
    raw = request.GET.get("nam", "").strip() or str(now.year)
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= now.year:
        raise Http404(_("Năm báo cáo không hợp lệ."))
    year = int(raw)
    footer = {"head": request.GET.get("nguoi_ky", "").strip()[:100]}
    if request.GET.get("dia_danh", "").strip():
        footer["place"] = request.GET["dia_danh"].strip()[:60]
    meta = report.yearly_meta(org, year, issued_on=now, **footer)
    try:
        content = report.yearly_report(org, year, today=now, meta=meta)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("stats_dashboard", code=org.code)
    return file_response(content, report.yearly_filename(org, year), PDF)
