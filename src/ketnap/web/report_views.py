"""The yearly report on party-member development (PDF): thong-ke/<code>/bao-cao-nam/?nam=YYYY.

Overseers may download it: it holds aggregated figures only (stats.report builds it without names).
Optional ?nguoi_ky= (the signatory's name) and ?dia_danh= (place before the date) fill the footer.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ketnap.accounts.scope import scope_for
from ketnap.registry.services.dates import today as today_
from ketnap.stats import report
from ketnap.stats.pdf import PdfUnavailable
from ketnap.web.exporting import PDF, file_response

FIRST_YEAR = 1930  # the Party's founding: no earlier report makes sense


def yearly_report(request, code):
    org = get_object_or_404(scope_for(request).organizations(), code=code)
    today = today_()
    raw = request.GET.get("nam", "").strip() or str(today.year)
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= today.year:
        raise Http404(_("Năm báo cáo không hợp lệ."))
    year = int(raw)
    footer = {"head": request.GET.get("nguoi_ky", "").strip()[:100]}
    if request.GET.get("dia_danh", "").strip():
        footer["place"] = request.GET["dia_danh"].strip()[:60]
    meta = report.yearly_meta(org, year, issued_on=today, **footer)
    try:
        content = report.yearly_report(org, year, today=today, meta=meta)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("stats_dashboard", code=org.code)
    return file_response(content, report.yearly_filename(org, year), PDF)
