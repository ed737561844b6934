"""Nhật ký: the audit trail of the reader's part of the tree, as a clerk reads it (ketnap.web.auditlog), filtered by
person, user, dates and kind, newest first, downloadable. Who reads what is Scope.audit_entries' decision: offices and
admins their subtrees (and their own actions), nobody else (404)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ketnap.audit import reading
from ketnap.audit.recorder import AUDITED
from ketnap.rules.dates import ddmmyyyy_hhmm
from ketnap.scope import scope_for
from ketnap.stats.tables import Column, Kind
from ketnap.web import auditlog as present
from ketnap.web.exporting import export_rows_response
from ketnap.web.forms.audit import AuditFilterForm
from ketnap.web.paging import keyset_page
from ketnap.web.views.common import querystring

EXPORT_BATCH = 500
AUDIT_COLUMNS = [
    Column("id", gettext_lazy("Số thứ tự trong nhật ký"), Kind.INT),
    Column("at", gettext_lazy("Lúc")),
    Column("who", gettext_lazy("Người thực hiện")),
    Column("action", gettext_lazy("Thao tác")),
    Column("kind", gettext_lazy("Đối tượng")),
    Column("subject", gettext_lazy("Mô tả")),
    Column("person", gettext_lazy("Nhân sự")),
    Column("changes", gettext_lazy("Nội dung")),
    Column("note", gettext_lazy("Ghi chú")),
]


def audit_list(request):
    scope = scope_for(request)
    if not scope.can_see_audit():
        raise Http404  # secretaries, overseers and users without a role: see Scope.audit_paths
    visible = scope.audit_entries()
    people = scope.persons()
    form = AuditFilterForm(
        request.GET,
        users=get_user_model().objects.filter(pk__in=visible.values("actor_id")).select_related("person"),
        people=people,
        kinds=present.kind_choices(AUDITED),
    )
    data = form.cleaned_data if form.is_valid() else {}
    if form.is_valid():
        entries = reading.filtered(
            visible,
            people=people,
            text=data.get("q") or "",
            person=data.get("nhan-su"),
            actor=data.get("nguoi-dung"),
            since=data.get("tu-ngay"),
            until=data.get("den-ngay"),
            kind=data.get("doi-tuong") or "",
            action=data.get("thao-tac") or "",
        )
    else:  # a filter that cannot be read (a date, someone out of scope) lists nothing, and the form says why
        entries = visible.none()
    now = timezone.localtime()
    download = export_rows_response(
        request,
        columns=AUDIT_COLUMNS,
        rows=_export_rows(entries, people),
        basename=f"nhat-ky-{now:%Y-%m-%d}",
        title=_("Nhật ký thay đổi"),
        subtitle=_("Tải lúc %(when)s") % {"when": f"{ddmmyyyy_hhmm(now)}"},
    )
    if download is not None:
        return download
    page = keyset_page(request, entries, ("-pk",))  # newest first; the id is the whole key
    page.object_list = present.present(page.object_list, people=people)
    context = {
        "form": form,
        "page": page,
        "person": data.get("nhan-su"),
        "querystring": querystring(request),
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "web/audit_list.html", context)


def _export_rows(entries, people):
    """The filtered entries, newest first, presented a batch at a time (names resolved once per batch)."""
    last = None
    while True:
        batch = list((entries if last is None else entries.filter(pk__lt=last)).order_by("-pk")[:EXPORT_BATCH])
        if not batch:
            return
        for row in present.present(batch, people=people):
            yield [row.id, row.when, row.who, row.action, row.kind, row.subject, row.person_name, row.summary, row.note]
        last = batch[-1].pk
