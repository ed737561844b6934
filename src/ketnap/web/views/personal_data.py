"""Personal data screens (issue #13): the privacy notice everyone may read, and the export of everything held about
one person for a data subject's request (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15)."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ketnap.privacy import stamps, subject
from ketnap.registry.models import Person, Preferences
from ketnap.registry.privacy_notice import notice_text
from ketnap.registry.services.dates import today
from ketnap.scope import Scope, scope_for
from ketnap.stats.tables import ReportMeta
from ketnap.web.auditlog import present as present_audit
from ketnap.web.exporting import PDF, XLSX, file_response

FORMATS = {"xlsx": ".xlsx", "pdf": "PDF"}


def may_export(scope: Scope, person: Person) -> bool:
    """The office or admin responsible for the person: whoever reads their audit trail (Scope.audit_paths) or manages
    their organisation. A secretary reads no trail and exports nothing; an overseer and an outsider get 404."""
    if scope.is_superuser:
        return True
    org = person.organization
    if org is None:
        return False
    return any(org.path.startswith(path) for path in scope.audit_paths) or scope.can_manage_within(org)


def subject_export(request, pk, fmt):
    scope = scope_for(request)
    person = get_object_or_404(scope.persons().select_related("organization"), pk=pk)
    if fmt not in FORMATS or not may_export(scope, person):
        raise Http404
    if request.method not in {"GET", "HEAD"}:  # after the scope check: outsiders learn nothing, not even a 405
        return HttpResponseNotAllowed(["GET", "HEAD"])
    subject.record_export(person, FORMATS[fmt])
    tables = [
        subject.about_table(person, reader=request.user, fmt_name=FORMATS[fmt]),
        *subject.subject_tables(person, present_audit=present_audit, readable_people=scope.persons()),
    ]
    name = f"du-lieu-ca-nhan-{person.pk}-{today():%Y%m%d}"
    stamp = stamps.stamp_for(request.user)  # whose copy it is, in the file (ketnap.privacy.stamps)
    if fmt == "xlsx":
        from ketnap.stats import xlsx

        content = xlsx.tables_xlsx(tables, author=stamp.author, description=stamp.line)
        return file_response(content, f"{name}.xlsx", XLSX)
    from ketnap.stats import pdf

    meta = ReportMeta(
        organization=(person.organization.name if person.organization else "").upper(),
        title=f"DỮ LIỆU CÁ NHÂN CỦA {person.full_name.upper()}",
        period="Trích xuất theo yêu cầu của chủ thể dữ liệu",
        issued_on=today(),
        head_title="NGƯỜI TRÍCH XUẤT",
    )
    try:
        content = stamps.stamp_pdf(pdf.report_pdf(meta, [pdf.Section(t.title, [t]) for t in tables]), stamp)
    except pdf.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("person_detail", args=[person.pk]))
    return file_response(content, f"{name}.pdf", PDF)


def notice_blocks(text: str) -> list[tuple[str, str]]:
    """("h", heading) / ("li", item) / ("p", paragraph) blocks of the admin's plain text: "# " starts a heading,
    "- " a list item, anything else is a paragraph line."""
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("# "):
            blocks.append(("h", line[2:].strip()))
        elif line.startswith("- "):
            blocks.append(("li", line[2:].strip()))
        else:
            blocks.append(("p", line))
    return blocks


@login_not_required
@require_safe
def privacy_notice(request):
    """Thông báo xử lý dữ liệu cá nhân: readable before logging in; it holds no personal data."""
    prefs = Preferences.current()
    months = prefs.retention_months
    return render(
        request,
        "web/privacy_notice.html",
        {
            "blocks": notice_blocks(notice_text(prefs.privacy_notice)),
            "retention_months": months,
            "retention_years": months // 12 if months % 12 == 0 else None,
            "contact": prefs.privacy_contact.strip(),
            "read_log_months": settings.KETNAP_READ_LOG_MONTHS if apps.is_installed("ketnap.privacy") else None,
        },
    )
