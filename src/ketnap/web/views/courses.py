"""Lớp bồi dưỡng (issue #15): the classes the user's committees send people to, opening one, sending people, and
bringing the results back for the whole class on one page (pipeline.courses). The classes and the people are those of
the user's personal-data scope; anything else answers 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.accounts.models import RoleKind
from ketnap.pipeline import courses
from ketnap.pipeline.models import CourseClass, CourseKind, CourseResult
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.web.forms import pipeline as pipeline_forms
from ketnap.web.views.common import apply_errors, parse_day


def _classes(scope):
    """The classes sent by an organisation of the scope or by a committee above it (a chi bộ secretary sees the
    đảng ủy's classes, and in them only the chi bộ's own people: course_detail narrows the seats to the scope)."""
    if not scope.sees_personal_data:
        return CourseClass.objects.none()
    personal = RoleKind.personal_data()
    above = {pk for role in scope.roles if role.kind in personal for pk in role.organization.ancestor_ids()}
    return CourseClass.objects.filter(Q(organization__in=scope.personal_organizations()) | Q(organization__in=above))


@require_http_methods(["GET", "POST"])
def course_list(request):
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    managed = _class_openers(scope)
    form = pipeline_forms.CourseForm(request.POST or None, organizations=managed) if managed else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid() and (opened := _open_class(request, form)) is not None:
            return opened
    classes = _classes(scope).select_related("organization").order_by("-starts_on", "-pk")[:100]
    return render(request, "web/courses.html", {"classes": classes, "form": form})


def _class_openers(scope) -> list:
    """The scope's top organisations still active that it manages: those it may open a class for."""
    return [o for o in scope.root_organizations() if scope.can_manage_within(o) and o.active]


def _open_class(request, form):
    """The new class's page, or None with the service's errors on the form."""
    try:
        course = courses.open_class(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, _("Đã mở lớp; chọn người cử đi học."))
    return redirect("course_detail", course_pk=course.pk)


@require_http_methods(["GET", "POST"])
def course_detail(request, course_pk):
    scope = scope_for(request)
    course = get_object_or_404(_classes(scope).select_related("organization"), pk=course_pk)
    can_edit = scope.can_edit_people_of(course.organization)
    seats = list(course.seats.select_related("candidate__person", "candidate__organization").order_by("pk"))
    in_scope = set(scope.candidates().filter(pk__in=[s.candidate_id for s in seats]).values_list("pk", flat=True))
    seats = [s for s in seats if s.candidate_id in in_scope]  # a class shared wider than the reader's scope
    eligible = list(
        courses.eligible(
            scope.candidates().filter(organization__path__startswith=course.organization.path), course.kind
        )
        .select_related("person", "organization")
        .order_by("person__sort_key", "pk")
    )
    outcomes, errors = [], []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("action") == "nominate":
            nominated, errors = _nominate(request, course, eligible)
            if nominated is not None:
                return nominated
        else:
            outcomes, errors = _record_results(request, seats)
            if not errors:
                seats = list(
                    course.seats.select_related("candidate__person", "candidate__organization")
                    .filter(candidate_id__in=in_scope)
                    .order_by("pk")
                )
    context = {
        "course": course,
        "seats": [(s, courses.expires_on(s)) for s in seats],
        "eligible": eligible,
        "can_edit": can_edit,
        "outcomes": outcomes,
        "errors": errors,
        "results": CourseResult.choices,
        "awareness": course.kind == CourseKind.AWARENESS,
    }
    return render(request, "web/course_detail.html", context)


def _nominate(request, course, eligible: list) -> tuple:
    """(the class's page once the people ticked are sent, None) or (None, why not)."""
    chosen = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
    picked = [c for c in eligible if c.pk in chosen]
    if not picked:
        return None, [_("Chưa chọn ai để cử đi học.")]
    courses.nominate(course, picked, on=today(), actor=request.user)
    messages.success(request, _("Đã cử %(n)s người đi học.") % {"n": len(picked)})
    return redirect("course_detail", course_pk=course.pk), []


def _record_results(request, seats: list) -> tuple[list, list[str]]:
    """(each result's outcome, []) once the results typed are recorded; ([], the errors) when none is."""
    results, errors = _typed_results(request.POST, seats)
    if not errors and not results:
        errors.append(_("Chưa nhập kết quả của ai."))
    if errors:
        return [], errors
    return courses.record_results(results, actor=request.user), []


def _typed_results(data, seats) -> tuple[list, list[str]]:
    """The results typed for the class: a seat left "no result" is skipped; dates are checked, naming the person."""
    results, errors = [], []
    for seat in seats:
        if seat.result:  # recorded already: the certificate is on the candidate's record
            continue
        value = data.get(f"kq_{seat.pk}", "")
        if not value:
            continue
        name = seat.candidate.person.full_name
        raw = (data.get(f"ngay_{seat.pk}") or "").strip()
        issued_on = parse_day(raw) if raw else None
        if raw and issued_on is None:
            errors.append(_("%(name)s: ngày cấp không hợp lệ; nhập theo dạng dd/mm/yyyy.") % {"name": name})
            continue
        if value not in CourseResult.values:
            errors.append(_("%(name)s: kết quả không hợp lệ.") % {"name": name})
            continue
        results.append(courses.Result(seat, value, (data.get(f"so_{seat.pk}") or "").strip(), issued_on))
    return results, errors
