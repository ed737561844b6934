"""Personal data on screen (issue #13): the CCCD revealed on request, and Nhật ký truy cập — who read whose data
(ketnap.privacy). Who sees the read log is Scope.read_entries' decision: the audit readers (offices, admins)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ketnap.scope import scope_for
from ketnap.web.forms.privacy import ReadLogFilterForm
from ketnap.web.paging import keyset_page
from ketnap.web.views import registry
from ketnap.web.views.common import querystring


def citizen_id_reveal(request, pk):
    """The person page with the CCCD in full, for whoever may read the person; the read log records it (a POST, so
    a link preview or a prefetch does not reveal, nor log, anything)."""
    get_object_or_404(scope_for(request).persons(), pk=pk)  # outsiders: 404 whatever the method, nothing written
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return registry.person_detail(request, pk, citizen_id_shown=True)


def read_log(request):
    scope = scope_for(request)
    if not scope.can_see_audit():
        raise Http404  # secretaries, overseers: like the Nhật ký page (Scope.audit_paths)
    visible = scope.read_entries()
    form = ReadLogFilterForm(
        request.GET,
        users=get_user_model().objects.filter(pk__in=visible.values("user_id")).select_related("person"),
        people=scope.persons(),
    )
    entries = visible.none()
    if form.is_valid():
        entries = _filtered(visible, form.cleaned_data)
    page = keyset_page(request, entries.select_related("user", "user__person", "person"), ("-pk",))
    context = {
        "form": form,
        "page": page,
        "person": form.cleaned_data.get("nhan-su") if form.is_valid() else None,
        "querystring": querystring(request),
        "filtered": any(request.GET.get(name) for name in form.fields),
        "months": settings.KETNAP_READ_LOG_MONTHS,
    }
    return render(request, "web/read_log.html", context)


def _filtered(entries, data):
    if data.get("nhan-su"):
        entries = entries.filter(person_id=data["nhan-su"].pk)
    if data.get("nguoi-dung"):
        entries = entries.filter(user_id=data["nguoi-dung"].pk)
    if data.get("loai"):
        entries = entries.filter(kind=data["loai"])
    zone = timezone.get_current_timezone()
    if data.get("tu-ngay"):
        entries = entries.filter(at__gte=dt.datetime.combine(data["tu-ngay"], dt.time.min, zone))
    if data.get("den-ngay"):
        entries = entries.filter(at__lt=dt.datetime.combine(data["den-ngay"] + dt.timedelta(days=1), dt.time.min, zone))
    return entries
