"""The office's hand-off to the national member database (CSDL đảng viên): who is not yet entered, who changed
since, the list in the national form's field order (documents.national_db), and the tick "entered on …".

Reading needs the organisation's people (overseers and outsiders: 404, as everywhere); ticking is office work
(the office or admin of the organisation or a committee above it), audited per member by the registry service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ketnap.documents import national_db
from ketnap.documents.national_db import Filter
from ketnap.registry.services.dates import today
from ketnap.registry.services.people import record_national_db_entry
from ketnap.rules.dates import ddmmyyyy
from ketnap.scope import scope_for
from ketnap.web.exporting import export_rows_response
from ketnap.web.forms.registry import NationalDbEntryForm
from ketnap.web.paging import keyset_page
from ketnap.web.views.common import apply_errors, querystring

TODO = {Filter.NOT_ENTERED, Filter.CHANGED}


def _mark(request, scope, org, form):
    """The members ticked marked as entered on the form's day (or unmarked: "clear"): the redirect back to the list,
    or None with the errors on the form."""
    ids = [i for i in request.POST.getlist("dang_vien") if i.isdigit()]  # a tampered value is not a 500
    chosen = list(national_db.members(scope, org, Filter.ALL).filter(pk__in=ids))
    if not chosen:
        form.add_error(None, _("Chưa chọn đảng viên nào."))
        return None
    if not form.is_valid():
        return None
    on = None if "clear" in request.POST else form.cleaned_data["national_db_entered_on"]
    try:
        changed = record_national_db_entry(chosen, actor=request.user, on=on)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    if on:
        text = _("Đã ghi nhận %(n)s đảng viên nhập vào CSDL đảng viên ngày %(d)s.") % {
            "n": changed,
            "d": ddmmyyyy(on),
        }
    else:
        text = _("Đã bỏ đánh dấu cho %(n)s đảng viên.") % {"n": changed}
    messages.success(request, text)
    query = querystring(request)
    return redirect(f"{request.path}?{query}" if query else request.path)


def national_db_list(request, code):
    scope = scope_for(request)
    org = get_object_or_404(scope.organizations(), code=code)
    if not scope.can_read_people_of(org):
        raise Http404
    can_mark = scope.can_manage_within(org)
    state = request.GET.get("tinh-trang", Filter.NOT_ENTERED)
    if state not in Filter.LABELS:
        state = Filter.NOT_ENTERED
    form = NationalDbEntryForm(request.POST or None, initial={"national_db_entered_on": today()})
    if request.method == "POST":
        if not can_mark:
            raise PermissionDenied
        if (marked := _mark(request, scope, org, form)) is not None:
            return marked
    members = national_db.members(scope, org, state)
    response = export_rows_response(
        request,
        columns=national_db.COLUMNS,
        rows=national_db.all_rows(members),
        basename=f"csdl-dang-vien-{org.code}-{state}",
        title=_("Danh sách đảng viên để nhập CSDL đảng viên"),
        subtitle=f"{org.name} · {Filter.LABELS[state]} · {ddmmyyyy(today())}",
    )
    if response is not None:
        return response
    page = keyset_page(request, members, anchors=national_db.members(scope, org, Filter.ALL))  # in the list's order
    rows = list(national_db.entries(page.object_list, page.start_index))
    # the two to-do counts beside their choice (the office's work left)
    states = [
        (key, label, national_db.members(scope, org, key).count() if key in TODO else None)
        for key, label in Filter.LABELS.items()
    ]
    return render(
        request,
        "web/national_db.html",
        {
            "org": org,
            "state": state,
            "states": states,
            "page": page,
            "rows": rows,
            "columns": national_db.COLUMNS,
            "form": form,
            "can_mark": can_mark,
            "form_source": national_db.FORM,
            "chosen": set(request.POST.getlist("dang_vien")),
            "querystring": querystring(request),
        },
    )
