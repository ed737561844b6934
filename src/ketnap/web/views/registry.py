"""Registry screens: the home tree, organisations, people, memberships, work units. Every object is fetched through
the request's Scope (ketnap.scope): outsiders get 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.pipeline import due
from ketnap.pipeline import notes as pipeline_notes
from ketnap.pipeline.domain import adopt_probationary
from ketnap.pipeline.models import Candidate
from ketnap.privacy import readlog
from ketnap.privacy.models import ReadKind
from ketnap.registry import indicators
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import (
    MembershipEvent,
    Organization,
    OrganizationSuccession,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services import organizations as org_services
from ketnap.registry.services import people as people_services
from ketnap.registry.services import units as unit_services
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.stats import figures
from ketnap.web.auditlog import present as present_audit
from ketnap.web.forms import registry as forms
from ketnap.web.views.common import apply_errors, parse_day, people_page
from ketnap.web.views.personal_data import may_export

HOME_DEPTH = 2  # levels under each root shown on the home page; deeper nodes by drilling down
HOME_ROWS = 200  # … without the chi bộ inside base organisations when the tree would be longer (indicators)
PERSON_AUDIT_ROWS = 50  # change-log entries on a person page; the rest on the Nhật ký page
PERSON_READ_ROWS = 20  # read-log rows ("Ai đã xem") on a person page; the rest on Nhật ký truy cập


# --- home and organisations -----------------------------------------------------------------------
def home(request):
    scope = scope_for(request)
    if not scope.roles and not scope.is_superuser and scope.person is not None:
        return redirect("mine")  # a mentor or a candidate without a role: their own page is all they have
    roots = scope.root_organizations()
    day = parse_day(request.GET.get("ngay"))
    if request.GET.get("ngay") and day is None:
        messages.error(request, _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."))
    if day and day < today():
        tree = figures.tree_on_day(roots, day)  # the counts kept per organisation and day (stats.figures)
        rows = indicators.rows_within(tree, HOME_DEPTH + 1, HOME_ROWS)
    else:
        day = None
        tree = figures.current_tree(roots)
        # overdue steps are flagged on every level above them (counts only: overseers see them too); one GROUP BY
        # over the kept deadlines of the scope
        overdue, recognitions = due.overdue_counts(
            Candidate.objects.filter(organization__in=scope.organizations()), today()
        )
        indicators.attach(tree, "overdue", overdue)
        indicators.attach(tree, "overdue_recognitions", recognitions)
        rows = indicators.rows_within(tree, HOME_DEPTH, HOME_ROWS)
    context = {"rows": rows, "tree": tree, "day": day, "roots": roots}
    if scope.sees_personal_data and not day:
        context["due_counts"] = due.counts_of(scope.candidates(), today())
    return render(request, "web/home.html", context)


def org_detail(request, code):
    scope = scope_for(request)
    org = get_object_or_404(scope.organizations().select_related("parent", "competent_org"), code=code)
    tree = figures.current_tree([org]) if org.active else []
    node = tree[0] if tree else None
    ancestors = [
        o
        for o in Organization.objects.filter(pk__in=org.ancestor_ids()).order_by("depth")
        if scope.organizations().filter(pk=o.pk).exists()
    ]
    context = {
        "org": org,
        "node": node,
        "ancestors": ancestors,
        "versions": org.versions.select_related("parent").order_by("-valid_from", "-id"),
        "successions": OrganizationSuccession.objects.filter(Q(predecessor=org) | Q(successor=org)).select_related(
            "predecessor", "successor"
        ),
        "coverages": UnitCoverage.objects.filter(organization=org)
        .select_related("unit", "unit__parent")
        .order_by("valid_to", "unit__name"),
        "deciding": org.deciding_organization(),
        "can_read_people": scope.can_read_people_of(org),
        "can_restructure": scope.can_restructure(org),
        "can_manage_within": scope.can_manage_within(org),
        "can_edit": scope.can_edit_people_of(org),
    }
    if org.is_cell and context["can_read_people"]:  # how often its helpers report (pipeline.notes)
        context["note_every"] = pipeline_notes.plan_of(org.pk)
    if context["can_read_people"]:
        context.update(people_page(request, Person.objects.filter(organization__path__startswith=org.path)))
    return render(request, "web/org_detail.html", context)


def _restructurable(request, code, *, within: bool) -> tuple:
    """The organisation, if this user may change it (within=True: change what lies inside it)."""
    scope = scope_for(request)
    org = get_object_or_404(scope.organizations(), code=code)
    allowed = scope.can_manage_within(org) if within else scope.can_restructure(org)
    if not allowed or not org.active:
        raise PermissionDenied
    return scope, org


def _org_form_view(request, code, *, title, form_class, form_kwargs, perform, help_text="", within=False):
    """`perform(org, cleaned_data, actor)` makes the change through a service, which authorises the actor."""
    scope, org = _restructurable(request, code, within=within)
    kwargs = form_kwargs(scope, org)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(org, form.cleaned_data, request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận thay đổi."))
            return redirect("org_detail", code=(result or org).code)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "org": org, "help_text": help_text, "back": org},
    )


@require_http_methods(["GET", "POST"])
def org_rename(request, code):
    return _org_form_view(
        request,
        code,
        title=_("Đổi tên tổ chức đảng"),
        form_class=forms.RenameForm,
        form_kwargs=lambda scope, org: {"initial": {"name": org.name}},
        perform=lambda org, d, actor: org_services.rename(org, d["name"], actor=actor, on=d["on"], reason=d["reason"]),
    )


@require_http_methods(["GET", "POST"])
def org_move(request, code):
    return _org_form_view(
        request,
        code,
        title=_("Chuyển tổ chức sang trực thuộc cấp ủy khác"),
        form_class=forms.MoveForm,
        form_kwargs=lambda scope, org: {
            "organizations": scope.managed_organizations().exclude(path__startswith=org.path)
        },
        perform=lambda org, d, actor: org_services.move(org, d["parent"], actor=actor, on=d["on"], reason=d["reason"]),
    )


@require_http_methods(["GET", "POST"])
def org_powers(request, code):
    return _org_form_view(
        request,
        code,
        title=_("Thẩm quyền kết nạp"),
        form_class=forms.PowersForm,
        form_kwargs=lambda scope, org: {
            "organizations": scope.organizations(),
            "initial": {
                "authorised_to_admit": org.authorised_to_admit,
                "above_base_powers": org.above_base_powers,
                "competent_org": org.competent_org,
            },
        },
        perform=lambda org, d, actor: org_services.set_powers(
            org,
            actor=actor,
            on=d["on"],
            authorised_to_admit=d["authorised_to_admit"],
            above_base_powers=d["above_base_powers"],
            competent_org=d["competent_org"],
            reason=d["reason"],
        ),
        help_text=_(
            "QĐ 29-QĐ/TW §4.3.2 (giữ trong các quy định sau): đảng ủy cơ sở được ủy quyền tự quyết định "
            "kết nạp; nếu không, ban thường vụ cấp ủy cấp trên trực tiếp quyết định."
        ),
    )


@require_http_methods(["GET", "POST"])
def org_add_child(request, code):
    return _org_form_view(
        request,
        code,
        title=_("Thành lập tổ chức đảng trực thuộc"),
        form_class=forms.ChildForm,
        form_kwargs=lambda scope, org: {},
        perform=lambda org, d, actor: org_services.create_organization(
            actor=actor, code=d["code"], name=d["name"], kind=d["kind"], parent=org, on=d["on"], reason=d["reason"]
        ),
        within=True,
    )


@require_http_methods(["GET", "POST"])
def org_merge(request, code):
    def candidates(scope, org):
        return {
            "candidates": scope.managed_organizations()
            .filter(parent_id=org.parent_id, kind=org.kind, dissolved_on__isnull=True)
            .exclude(pk=org.pk)
        }

    return _org_form_view(
        request,
        code,
        title=_("Hợp nhất vào tổ chức khác"),
        form_class=forms.MergeForm,
        form_kwargs=candidates,
        perform=lambda org, d, actor: org_services.merge(
            [org], actor=actor, into=d["into"], on=d["on"], reason=d["reason"]
        ),
        help_text=_(
            "Đảng viên, tổ chức trực thuộc và khoa/phòng được giao chuyển sang tổ chức tiếp nhận; "
            "tổ chức này kết thúc hoạt động từ ngày hiệu lực."
        ),
    )


@require_http_methods(["GET", "POST"])
def org_split(request, code):
    def kwargs(scope, org):
        units = [
            c.unit for c in UnitCoverage.objects.filter(organization=org, valid_to__isnull=True).select_related("unit")
        ]
        targets = (
            scope.managed_organizations()
            .filter(parent_id=org.parent_id, kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True)
            .exclude(pk=org.pk)
        )
        return {"units": units, "targets": targets}

    def perform(org, data, actor):
        parts: dict[int, tuple] = {}
        for name, value in data.items():
            if name.startswith("unit_"):
                parts.setdefault(value.pk, (value, []))[1].append(WorkUnit.objects.get(pk=int(name[5:])))
        org_services.split(org, list(parts.values()), actor=actor, on=data["on"], reason=data["reason"])
        return org.parent

    return _org_form_view(
        request,
        code,
        title=_("Chia tách chi bộ"),
        form_class=forms.SplitForm,
        form_kwargs=kwargs,
        perform=perform,
        help_text=_(
            "Giao từng khoa/phòng cho một chi bộ mới (thành lập chi bộ mới ở cấp trên trước). "
            "Đảng viên làm việc ở khoa/phòng nào chuyển sinh hoạt về chi bộ nhận khoa/phòng đó."
        ),
    )


@require_http_methods(["GET", "POST"])
def org_dissolve(request, code):
    def perform(org, data, actor):
        org_services.dissolve(org, actor=actor, on=data["on"], reason=data["reason"])
        return org.parent or org  # back to the committee above (a root: its own page)

    return _org_form_view(
        request,
        code,
        title=_("Giải thể / kết thúc hoạt động"),
        form_class=forms.DatedForm,
        form_kwargs=lambda scope, org: {},
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
def org_assign_unit(request, code):
    return _org_form_view(
        request,
        code,
        title=_("Giao khoa / phòng cho tổ chức đảng phụ trách"),
        form_class=forms.AssignUnitForm,
        form_kwargs=lambda scope, org: {
            "units": scope.work_units() if not scope.is_superuser else WorkUnit.objects.all()
        },
        perform=lambda org, d, actor: org_services.assign_unit(d["unit"], org, actor=actor, on=d["on"]).organization,
        within=True,
    )


# --- people -----------------------------------------------------------------------------------------
def person_list(request):
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied  # an overseer reads indicators only
    return render(request, "web/person_list.html", people_page(request, scope.persons()))


def person_detail(request, pk, *, citizen_id_shown: bool = False):
    """The person's record. Opening it is in the read log (ketnap.privacy, one INSERT); the CCCD shows masked unless
    the page comes from the "Hiện" button (privacy.citizen_id_reveal), which is logged as such instead."""
    scope = scope_for(request)
    events = MembershipEvent.objects.select_related("organization_after", "from_organization").order_by("-on", "-id")
    memberships = PartyMembership.objects.select_related("organization").prefetch_related(Prefetch("events", events))
    person = get_object_or_404(
        scope.persons()
        .select_related(
            "work_unit",
            "work_unit__parent",
            "organization",
            "ethnicity",
            "religion",
            "general_education",
            "professional_level",
            "profession",
            "academic_title",
            "political_theory",
            "employment_type",
        )
        .prefetch_related(Prefetch("memberships", memberships)),  # read once: the list and person.membership
        pk=pk,
    )
    readlog.record(request.user, ReadKind.CITIZEN_ID if citizen_id_shown else ReadKind.PERSON, person_id=person.pk)
    context = {
        "person": person,
        "memberships": person.memberships.all(),
        "assignments": person.assignments.select_related("unit", "unit__parent").order_by("-valid_from"),
        "can_edit": scope.can_edit_people_of(person.organization) and not person.archived_at,
        "age": person.age_on(today()),
        "candidacies": person.candidacies.order_by("-started_on"),
        "can_export_subject": may_export(scope, person),  # issue #13: a data subject's request
    }
    if scope.can_see_audit():  # of this person: none unless in an audit subtree (Scope.audit_entries_about)
        # the newest entries, readable (ketnap.web.auditlog); the whole trail, filtered and downloadable, on Nhật ký
        entries = list(scope.audit_entries_about(person)[: PERSON_AUDIT_ROWS + 1])
        context["audit"] = present_audit(entries[:PERSON_AUDIT_ROWS], people=scope.persons())
        context["audit_more"] = len(entries) > PERSON_AUDIT_ROWS
        # "Ai đã xem": the newest reads of this person, the rest on Nhật ký truy cập
        reads = scope.read_entries_about(person).select_related("user", "user__person")
        context["readers"] = list(reads[: PERSON_READ_ROWS + 1])
    context["citizen_id_shown"] = citizen_id_shown
    return render(request, "web/person_detail.html", context)


def _editable_person(request, pk) -> tuple:
    scope = scope_for(request)
    person = get_object_or_404(scope.persons(), pk=pk)
    if not scope.can_edit_people_of(person.organization) or person.archived_at:
        raise PermissionDenied
    return scope, person


def _units_in_scope(scope):
    return WorkUnit.objects.all() if scope.is_superuser else scope.work_units()


@require_http_methods(["GET", "POST"])
def person_create(request):
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    form = forms.PersonForm(request.POST or None, units=_units_in_scope(scope))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("work_unit")
        try:
            person = people_services.create_person(actor=request.user, unit=unit, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": person.full_name})
            return redirect("person_detail", pk=person.pk)
    return render(request, "web/form.html", {"form": form, "title": _("Thêm nhân sự")})


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    scope, person = _editable_person(request, pk)
    form = forms.PersonForm(request.POST or None, instance=person, units=_units_in_scope(scope))
    if request.method == "POST" and form.is_valid():
        try:
            people_services.update_person(Person.objects.get(pk=person.pk), actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("person_detail", pk=person.pk)
    return render(request, "web/form.html", {"form": form, "title": _("Sửa thông tin"), "back_person": person})


@require_http_methods(["GET", "POST"])
def person_archive(request, pk):
    _scope, person = _editable_person(request, pk)
    form = forms.ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        people_services.archive_person(person, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã lưu trữ hồ sơ; dữ liệu và lịch sử vẫn được giữ."))
        return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Lưu trữ hồ sơ %(name)s") % {"name": person.full_name},
            "back_person": person,
            "help_text": _("Hồ sơ không bị xóa: chỉ chuyển vào lưu trữ, vẫn xem được cùng toàn bộ lịch sử."),
        },
    )


@require_http_methods(["GET", "POST"])
def person_move_unit(request, pk):
    scope, person = _editable_person(request, pk)
    form = forms.MoveUnitForm(request.POST or None, units=_units_in_scope(scope).exclude(pk=person.work_unit_id))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            people_services.change_work_unit(
                person, d["unit"], actor=request.user, on=d["on"], job_title=d["job_title"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển khoa / phòng."))
            return redirect("person_detail", pk=person.pk)
    return render(request, "web/form.html", {"form": form, "title": _("Chuyển khoa / phòng"), "back_person": person})


@require_http_methods(["GET", "POST"])
def membership_register(request, pk):
    scope, person = _editable_person(request, pk)
    form = forms.MembershipForm(request.POST or None, organizations=scope.personal_organizations())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # the member and their tracked probation, or neither
                membership = people_services.register_membership(
                    person,
                    actor=request.user,
                    organization=d["organization"],
                    status=d["status"],
                    decision_date=d["decision_date"],
                    decision_number=d["decision_number"],
                    ceremony_date=d["ceremony_date"],
                    official_date=d["official_date"],
                    card_number=d["card_number"],
                    is_readmission=d["is_readmission"],
                    kind=d["arrival"],
                    on=d["arrived_on"],
                    external_party=d["external_party"],
                )
                if membership.status == MembershipStatus.PROBATIONARY:
                    adopt_probationary(membership, actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận đảng viên."))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Ghi nhận đảng viên: %(name)s") % {"name": person.full_name},
            "back_person": person,
            "help_text": _(
                "Dùng cho đảng viên đã sinh hoạt tại đây trước khi dùng ketnap, hoặc chuyển sinh hoạt đến. "
                "Tuổi đảng tính từ ngày quyết định kết nạp "
                "(Điều lệ Đảng Điều 5 khoản 4); thời gian dự bị 12 tháng tính từ ngày lễ kết nạp "
                "(Điều 5 khoản 1)."
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def membership_change(request, membership_pk):
    scope = scope_for(request)
    membership = get_object_or_404(scope.memberships().select_related("person", "organization"), pk=membership_pk)
    if not scope.can_edit_people_of(membership.organization):
        raise PermissionDenied
    form = forms.MembershipChangeForm(request.POST or None, organizations=scope.personal_organizations())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["kind"] == MembershipEventKind.RECOGNISED:
                people_services.recognise_official(
                    membership, actor=request.user, official_date=d["official_date"], on=d["on"]
                )
            elif d["kind"] == MembershipEventKind.MOVED:
                people_services.move_membership(
                    membership, d["to_organization"], actor=request.user, on=d["on"], note=d["note"]
                )
            else:
                people_services.end_membership(
                    membership,
                    d["kind"],
                    actor=request.user,
                    on=d["on"],
                    note=d["note"],
                    external_party=d["external_party"],
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận biến động đảng viên."))
            return redirect("person_detail", pk=membership.person_id)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Biến động đảng viên: %(name)s") % {"name": membership.person.full_name},
            "back_person": membership.person,
        },
    )


# --- work units -------------------------------------------------------------------------------------
def unit_list(request):
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    units = list(_units_in_scope(scope).filter(parent__isnull=True, dissolved_on__isnull=True).order_by("name"))
    if not scope.is_superuser:
        covered_parents = WorkUnit.objects.filter(pk__in=scope.work_units().values("parent_id"), parent__isnull=True)
        units = sorted({*units, *covered_parents}, key=lambda u: u.name)
    counts = indicators.unit_counts([u.pk for u in units])
    rows = [(unit, counts.get(unit.pk, indicators.Counts())) for unit in units]
    return render(request, "web/unit_list.html", {"rows": rows})


def _visible_units(scope):
    """Units covered in the user's scope, and the parent units of those."""
    units = _units_in_scope(scope)
    return WorkUnit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=units.values("parent_id")))


def _visible_unit(scope, unit_pk) -> WorkUnit:
    return get_object_or_404(_visible_units(scope), pk=unit_pk)


def unit_detail(request, unit_pk):
    scope = scope_for(request)
    visible = _visible_units(scope)
    unit = get_object_or_404(visible, pk=unit_pk)
    departments = list(unit.children.filter(pk__in=visible.values("pk"), dissolved_on__isnull=True))
    counts = indicators.unit_counts([unit.pk, *[d.pk for d in departments]])
    context = {
        "unit": unit,
        "total": counts.get(unit.pk, indicators.Counts()),
        "departments": [(d, counts.get(d.pk, indicators.Counts())) for d in departments],
        "versions": unit.versions.order_by("-valid_from"),
        "coverages": unit.coverages.select_related("organization").order_by("-valid_from"),
        "can_manage": scope.can_manage_units(),
    }
    context.update(people_page(request, scope.persons().filter(Q(work_unit=unit) | Q(work_unit__parent=unit))))
    return render(request, "web/unit_detail.html", context)


def _managed_unit(request, unit_pk) -> tuple:
    scope = scope_for(request)
    unit = _visible_unit(scope, unit_pk)
    if not scope.can_manage_units() or unit.dissolved_on:
        raise PermissionDenied
    return scope, unit


@require_http_methods(["GET", "POST"])
def unit_facts(request, unit_pk):
    """Whether the unit has a base Youth Union / Trade Union and lies in an area the education exceptions name:
    who introduces its applicants and what schooling they need (Điều lệ Điều 4 khoản 1; HD 01-HD/TW điểm 1.2)."""
    _scope, unit = _managed_unit(request, unit_pk)
    form = forms.UnitFactsForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit_services.set_facts(unit, actor=request.user, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Đã lưu."))
        return redirect("unit_detail", unit_pk=unit.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Đoàn thể và địa bàn: %(name)s") % {"name": unit.name}, "back_unit": unit},
    )


@require_http_methods(["GET", "POST"])
def unit_rename(request, unit_pk):
    _scope, unit = _managed_unit(request, unit_pk)
    form = forms.UnitRenameForm(request.POST or None, initial={"name": unit.name})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit_services.rename_unit(unit, d["name"], actor=request.user, on=d["on"], reason=d["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đổi tên; tên cũ vẫn được giữ trong lịch sử."))
            return redirect("unit_detail", unit_pk=unit.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Đổi tên %(name)s") % {"name": unit.name}, "back_unit": unit},
    )


@require_http_methods(["GET", "POST"])
def unit_add_department(request, unit_pk):
    scope, unit = _managed_unit(request, unit_pk)
    cells = scope.personal_organizations().filter(kind__in=OrgKind.cell_kinds())
    form = forms.DepartmentForm(request.POST or None, organizations=cells)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                department = unit_services.create_unit(
                    actor=request.user, code=d["code"], name=d["name"], kind=d["kind"], parent=unit, on=d["on"]
                )
                if d["covered_by"]:
                    org_services.assign_unit(department, d["covered_by"], actor=request.user, on=d["on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": department.name})
            return redirect("unit_detail", unit_pk=unit.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Thêm khoa / phòng vào %(name)s") % {"name": unit.name}, "back_unit": unit},
    )
