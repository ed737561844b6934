"""Admission targets (chỉ tiêu kết nạp): progress rolled up the tree, the split, the forecast, dormant chi bộ.

Organisations are fetched through the request's Scope (outsiders get 404). Every reader of an organisation's
indicators sees the numbers; names (who was admitted, who is in the pipeline) only those who may read its people, on
pages of their own (the overview of a province would otherwise list thousands);
setting and splitting targets is for the office or admin of the organisation or a committee above it.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.registry import indicators
from ketnap.registry.models import Organization
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.stats import figures, report, targets
from ketnap.stats.models import PeriodKind, Target
from ketnap.stats.tables import ReportMeta
from ketnap.web.exporting import export_response
from ketnap.web.forms import targets as target_forms
from ketnap.web.views.common import apply_errors, querystring

DORMANT_CHOICES = range(1, 11)


def _meta(org: Organization, period_label: str, day) -> ReportMeta:
    return report.org_meta(org, title=_("CHỈ TIÊU VÀ KẾT QUẢ KẾT NẠP ĐẢNG VIÊN"), period=period_label, issued_on=day)


def _overview_facts(request, code):
    """The organisation (through the request's scope), its facts, the chosen period and today."""
    scope = scope_for(request)
    org = get_object_or_404(scope.organizations().select_related("parent"), code=code)
    day = today()
    facts = targets.load(org, day)
    period = facts.period_from(request.GET.get("ky")) or targets.TargetPeriod.year(day.year)
    return scope, org, day, facts, period


def overview(request, code):
    """Figures only: progress, the term's years, the forecast and the dormant chi bộ, each counted in SQL. The names
    behind them are on their own paged pages (`names`); a download of the page still holds them, for those who may
    read them."""
    scope, org, day, facts, period = _overview_facts(request, code)
    periods = facts.periods()
    years = _dormant_years(request)
    can_read_people = scope.can_read_people_of(org)
    _prefetch(facts, period, day)
    tables = _overview_tables(facts, period, years)
    names = _names_tables(facts, period) if can_read_people and request.GET.get("xuat") else {}  # download only
    tables.update(names)
    response = export_response(
        request,
        list(tables.values()),
        basename=f"chi-tieu-{org.code}-{period.slug}",
        meta=_meta(org, period.label, day),
        names=[t.slug for t in names.values()],
    )
    if response is not None:
        return response

    ancestors = list(
        scope.organizations().filter(pk__in=org.ancestor_ids()).order_by("depth").only("code", "name", "depth")
    )
    context = {
        "org": org,
        "ancestors": ancestors,
        "period": period,
        "periods": periods if period in periods else [period, *periods],
        "tables": tables,
        "export_base": querystring(request, "xuat", "bang"),
        "own_targets": [(t, targets.TargetPeriod.of(t).slug) for t in facts.own_targets()],
        **_root_figures(facts, period),
        "years": years,
        "year_choices": DORMANT_CHOICES,
        "can_manage": scope.can_manage_within(org) and org.active,
        "can_read_people": can_read_people,
        "querystring": querystring(request),
    }
    return render(request, "web/targets/overview.html", context)


def _dormant_years(request) -> int:
    """?so-nam=: how many years without an admission make a chi bộ dormant, within DORMANT_CHOICES."""
    try:
        years = int(request.GET.get("so-nam", targets.DORMANT_YEARS))
    except ValueError:
        years = targets.DORMANT_YEARS
    return min(max(years, DORMANT_CHOICES[0]), DORMANT_CHOICES[-1])


def _prefetch(facts, period, day: dt.date) -> None:
    """Every admission count and target the page shows, each kind in one grouped query."""
    ranges = [(period.start, period.end), (targets.TargetPeriod.year(day.year).start, day)]
    if period.kind == PeriodKind.TERM:
        ranges += [
            (max(period.start, dt.date(y, 1, 1)), min(period.end, dt.date(y, 12, 31)))
            for y in range(period.start.year, period.end.year + 1)
        ]
    facts.prefetch(ranges, last=True)
    facts.prefetch_targets([*targets.target_keys(period), targets.TargetPeriod.year(day.year).key])


def _overview_tables(facts, period, years: int) -> dict:
    def org_link(node):
        return reverse("target_overview", kwargs={"code": node.code}) + (f"?ky={period.slug}")

    tables = {"progress": targets.progress_table(facts, period, link=org_link)}
    if period.kind == PeriodKind.TERM:
        tables["term_years"] = targets.term_years_table(facts, period)
    tables["forecast"] = targets.forecast_table(facts, link=org_link)
    tables["stages"] = targets.forecast_stage_table(facts)
    tables["dormant"] = targets.dormant_table(facts, years)
    return tables


def _names_tables(facts, period) -> dict:
    return {
        "admitted_names": targets.admitted_names_table(
            facts, period, link=lambda pk: reverse("person_detail", kwargs={"pk": pk})
        ),
        "pipeline_names": targets.pipeline_names_table(
            facts, link=lambda pk: reverse("candidate_detail", kwargs={"candidate_pk": pk})
        ),
    }


def _root_figures(facts, period) -> dict:
    """What the page says of the organisation itself; nothing when it has no figures (not founded yet that day)."""
    root = facts.root
    if not root:
        return {"summary": None, "hint": "", "admitted_count": 0, "has_children": False}
    return {
        "summary": targets.forecast_summary(facts),
        "hint": _period_hint(root.totals.members, period),
        "admitted_count": facts.admitted_total(period.start, period.end),
        "has_children": bool(root.children),
    }


def _period_hint(members: int, period) -> str:
    """NQ 21's yardstick for the members counted, over the term's years (a year's target: one); none for a plan."""
    if period.kind == PeriodKind.PLAN:
        return ""
    term_years = max(1, round((period.end - period.start).days / 365.25)) if period.kind == PeriodKind.TERM else 1
    return targets.nq21_hint(members, term_years)


NAMES_PAGE = 100


class _Counted(Paginator):
    """A paginator over a list whose size is counted apart and whose page is read alone (the rows stay in the
    database until asked for)."""

    def __init__(self, count: int, per_page: int):
        super().__init__([], per_page)
        self._total = count

    @property
    def count(self) -> int:
        return self._total


def admitted_names(request, code):
    return _names(request, code, "admitted")


def pipeline_names(request, code):
    return _names(request, code, "pipeline")


def _names(request, code, kind):
    """The people behind the overview's figures, a page at a time: who was admitted in the period, or who is in the
    pipeline with their chance of a decision by 31/12 (most likely first). Only for those who may read the
    organisation's people (others: 404); the download holds the whole list, stamped and in the read log."""
    scope, org, day, facts, period = _overview_facts(request, code)
    if not scope.can_read_people_of(org):
        raise Http404

    def build(offset: int = 0, limit: int | None = None):
        if kind == "admitted":
            return targets.admitted_names_table(
                facts,
                period,
                link=lambda pk: reverse("person_detail", kwargs={"pk": pk}),
                offset=offset,
                limit=limit,
            )
        return targets.pipeline_names_table(
            facts,
            link=lambda pk: reverse("candidate_detail", kwargs={"candidate_pk": pk}),
            offset=offset,
            limit=limit,
        )

    if request.GET.get("xuat"):
        table = build()
        response = export_response(
            request,
            [table],
            basename=f"chi-tieu-{org.code}-"
            + (f"da-ket-nap-{period.slug}" if kind == "admitted" else "trong-quy-trinh"),
            meta=_meta(org, period.label, day),
            names=[table.slug],
        )
        if response is not None:
            return response
    if kind == "admitted":
        total = facts.admitted_total(period.start, period.end)
    else:
        total = targets.pipeline_count(facts)
    paginator = _Counted(total, NAMES_PAGE)
    number = paginator.get_page(request.GET.get("trang")).number  # a page that exists
    table = build((number - 1) * NAMES_PAGE, NAMES_PAGE)
    page = Page(table.rows, number, paginator)
    ancestors = list(
        scope.organizations().filter(pk__in=org.ancestor_ids()).order_by("depth").only("code", "name", "depth")
    )
    context = {
        "org": org,
        "ancestors": ancestors,
        "period": period,
        "kind": kind,
        "table": table,
        "page": page,
        "querystring": querystring(request),
        "export_base": querystring(request, "xuat", "bang"),
    }
    return render(request, "web/targets/names.html", context)


def _manageable(request, org_qs, **lookup):
    scope = scope_for(request)
    org = get_object_or_404(org_qs(scope), **lookup)
    if not scope.can_manage_within(org):
        raise PermissionDenied
    return scope, org


def _form_page(request, org, form, *, title, target=None, hint=""):
    return render(
        request,
        "web/targets/form.html",
        {"org": org, "form": form, "title": title, "target": target, "hint": hint},
    )


def _members(org: Organization) -> int:
    tree = figures.current_tree([org]) if org.active else []  # the counts kept per organisation
    return tree[0].totals.members if tree else 0


@require_http_methods(["GET", "POST"])
def create(request, code):
    _scope, org = _manageable(request, lambda s: s.organizations(), code=code)
    if not org.active:
        raise PermissionDenied
    initial = {"kind": PeriodKind.YEAR, "year": today().year}
    if request.GET.get("loai") in PeriodKind.values:
        initial["kind"] = request.GET["loai"]
    form = target_forms.TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, org, form)):
        return saved
    return _form_page(
        request, org, form, title=_("Thêm chỉ tiêu kết nạp — %(org)s") % {"org": org.name}, hint=_hint(org)
    )


def _save(request, org: Organization, form, target: Target | None = None):
    """Create (or, given `target`, edit) a target from a valid form: the redirect to its period, or None with the
    service's errors put on the form."""
    d = form.cleaned_data
    try:
        saved = targets.set_target(
            org,
            kind=d["kind"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            admissions=d["admissions"],
            basis=d["basis"],
            note=d["note"],
            actor=request.user,
            target=target,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, _("Đã lưu chỉ tiêu %(label)s.") % {"label": saved.label})
    period = targets.TargetPeriod.of(saved)
    return redirect(reverse("target_overview", kwargs={"code": org.code}) + f"?ky={period.slug}")


def _hint(org: Organization) -> str:
    return targets.nq21_hint(_members(org))


@require_http_methods(["GET", "POST"])
def edit(request, target_pk):
    scope = scope_for(request)
    target = get_object_or_404(
        Target.objects.select_related("organization").filter(organization__in=scope.organizations()), pk=target_pk
    )
    org = target.organization
    if not scope.can_manage_within(org):
        raise PermissionDenied
    initial = {
        "kind": target.kind,
        "year": target.starts_on.year if target.kind == PeriodKind.YEAR else None,
        "starts_on": target.starts_on,
        "ends_on": target.ends_on,
        "admissions": target.admissions,
        "basis": target.basis,
        "note": target.note,
    }
    form = target_forms.TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, org, form, target)):
        return saved
    return _form_page(
        request,
        org,
        form,
        title=_("Sửa chỉ tiêu %(label)s — %(org)s") % {"label": target.label, "org": org.name},
        target=target,
        hint=_hint(org),
    )


@require_http_methods(["GET", "POST"])
def split(request, code):
    _scope, org = _manageable(request, lambda s: s.organizations(), code=code)
    own = list(Target.objects.filter(organization=org).order_by("-starts_on", "kind"))
    if not own or not org.active:
        messages.error(request, _("Tổ chức này chưa có chỉ tiêu để phân bổ; hãy nhập chỉ tiêu trước."))
        return redirect("target_overview", code=org.code)
    parent_target = _chosen_target(request, own)
    tree = figures.current_tree([org])
    members = {n.org_id: n.totals.members for n in indicators.flatten(tree, 1)}
    children = list(Organization.objects.filter(parent=org, dissolved_on__isnull=True).order_by("position", "name"))
    if not children:
        messages.error(request, _("Tổ chức này không có tổ chức trực thuộc để phân bổ chỉ tiêu."))
        return redirect("target_overview", code=org.code)
    current = dict(
        Target.objects.filter(
            organization__in=children, kind=parent_target.kind, starts_on=parent_target.starts_on
        ).values_list("organization_id", "admissions")
    )
    form = target_forms.SplitForm(request.POST or None, children=children, current=current, members=members)
    if request.method == "POST" and form.is_valid() and (saved := _save_split(request, org, parent_target, form)):
        return saved
    return render(
        request,
        "web/targets/split.html",
        {
            "org": org,
            "form": form,
            "own": own,
            "parent_target": parent_target,
            "running": _running_total(form, children, current),
            "total_members": sum(members.get(c.pk, 0) for c in children),
            "rows": _split_rows(form, children, members, parent_target),
        },
    )


def _chosen_target(request, own: list[Target]) -> Target:
    """?chi-tieu=<pk>: the organisation's target to split; else its latest."""
    chosen = request.GET.get("chi-tieu") or request.POST.get("chi-tieu")
    return next((t for t in own if str(t.pk) == chosen), own[0])


def _split_rows(form, children: list[Organization], members: dict[int, int], parent_target: Target) -> list[tuple]:
    """(the share's field, the share suggested by members) for each organisation below."""
    suggested = targets.suggest_split(parent_target.admissions, {c.pk: members.get(c.pk, 0) for c in children})
    return [(form[f"org_{c.pk}"], suggested.get(c.pk)) for c in children]


def _save_split(request, org: Organization, parent_target: Target, form):
    """Save the split from a valid form: the redirect to the target's period (a warning when the shares do not add
    up to the target: saved all the same), or None with the service's errors put on the form."""
    try:
        targets.split_target(parent_target, form.shares(), actor=request.user)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    given = sum(v for v in form.shares().values() if v is not None)
    if given != parent_target.admissions:
        messages.warning(
            request,
            _(
                "Đã lưu. Tổng phân bổ %(given)s khác chỉ tiêu %(target)s của %(org)s: "
                "trang chỉ tiêu sẽ ghi “không khớp”."
            )
            % {"given": given, "target": parent_target.admissions, "org": org.name},
        )
    else:
        messages.success(request, _("Đã lưu phân bổ chỉ tiêu %(label)s.") % {"label": parent_target.label})
    period = targets.TargetPeriod.of(parent_target)
    return redirect(reverse("target_overview", kwargs={"code": org.code}) + f"?ky={period.slug}")


def _running_total(form, children: list[Organization], current: dict[int, int]) -> int:
    """The shares' sum as the page opens: the numbers typed (a form sent back with errors), else those saved."""
    if not form.is_bound:
        return sum(current.values())
    entered = [form.data.get(f"org_{c.pk}") for c in children]
    return sum(int(v) for v in entered if v and str(v).isdigit())
