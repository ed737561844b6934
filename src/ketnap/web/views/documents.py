"""Downloads of the forms: one candidate (.docx / .pdf), or one zip for a decision or a ceremony day.

Candidates come only through Scope.candidates(): out of scope is 404, and an overseer (no personal data) has
no candidates at all. A form that does not apply yet (its step not recorded) is 404 too.
"""

import datetime as dt
from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ketnap.documents import render as docs
from ketnap.documents.forms import DRAFT_PARAM, FORMS, INTRODUCTION_PARAM, SIGNER_PARAM, Form
from ketnap.documents.lists import LIST_CONTEXTS, LISTS
from ketnap.documents.wording import SECRETARY, SIGNERS
from ketnap.pipeline.enums import StepKind
from ketnap.pipeline.models import Step
from ketnap.privacy import readlog, stamps
from ketnap.privacy.models import ReadKind
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.scope import scope_for
from ketnap.stats.pdf import PdfUnavailable
from ketnap.vietnamese import fold
from ketnap.web.exporting import DOCX
from ketnap.web.views.common import parse_day

BATCH_STEPS = {
    StepKind.DECISION: "9-knd",
    StepKind.RECOGNITION_DECISION: "16-knd",
    StepKind.CEREMONY: "chuong-trinh-le-ket-nap",
}
RECENT_STEPS = 400  # the batch page looks at the latest steps only


def _download(
    request, data: bytes, filename: str, content_type: str, *, person_id=None, count=None, stamp=None
) -> HttpResponse:
    """The file, stamped with who downloads it and when (ketnap.privacy.stamps; a zip's files are stamped by the
    caller), its download in the read log: every form and list here carries names."""
    if stamp is None:
        try:
            data = _stamped(data, filename, stamps.stamp_for(request.user))
        except PdfUnavailable:
            return _unstampable(request)
    query = request.GET.urlencode()
    readlog.record(request.user, ReadKind.DOWNLOAD, person_id=person_id, what=filename, query=query, count=count)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _stamped(data: bytes, filename: str, stamp, overlays: dict | None = None) -> bytes:
    """A copy of the (maybe cached) file with the stamp; `overlays`: the PDF stamp lines already rendered for this
    download (one zip's PDFs share them)."""
    if filename.endswith(".docx"):
        return stamps.stamp_docx(data, stamp)
    if filename.endswith(".pdf"):
        return stamps.stamp_pdf(data, stamp, overlays)
    return data


def _slug(text: str) -> str:
    return fold(text).replace(" ", "-")


def _filename(form: Form, candidate, ext: str, with_pk: bool = False, introduction=None, draft=None) -> str:
    if draft is not None:  # DU-THAO_6-KND_…_2026-12-15: a draft for that meeting, never mistaken for the record
        return f"DU-THAO_{_filename(form, candidate, ext, with_pk).removesuffix('.' + ext)}_{draft:%Y-%m-%d}.{ext}"
    name = _slug(candidate.person.full_name)
    if introduction is not None and introduction.introducer is not None:  # 3-KNĐ: one letter per introducer
        name += f"_{_slug(introduction.introducer.full_name)}"
    elif introduction is not None:  # 4-KNĐ / 4A-KNĐ: the union's resolution of that day
        name += f"_{introduction.introduced_on:%Y-%m-%d}"
    return f"{form.slug.upper()}_{name}{f'_{candidate.pk}' if with_pk else ''}.{ext}"


def _signer(request) -> str:
    """?nguoi-ky=pho-bi-thu: the deputy signs (K/T BÍ THƯ / PHÓ BÍ THƯ); default the secretary; anything else 404."""
    signer = request.GET.get(SIGNER_PARAM, SECRETARY)
    if signer not in SIGNERS:
        raise Http404
    return signer


def _introduction(request, candidate, form: Form):
    """The introduction a per-introduction form (3-KNĐ, 4-KNĐ, 4A-KNĐ) is written for: ?gioi-thieu=<pk>, one of
    the candidate's introductions of the form's kind (so it is as scoped as the candidate); without it, the only one
    if there is one."""
    if not form.per_introduction:
        return None
    introductions = form.introductions(candidate)
    raw = request.GET.get(INTRODUCTION_PARAM, "")
    if raw:
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(introductions, pk=int(raw))
    found = list(introductions[:2])
    if len(found) != 1:
        raise Http404  # two introducers: the URL must say whose letter
    return found[0]


def _draft_day(request) -> dt.date | None:
    """?du-thao=dd/mm/yyyy: the meeting day the form is drafted for (its papers before the vote); a day that does not
    read as one: 404."""
    raw = request.GET.get(DRAFT_PARAM)
    if raw is None:
        return None
    day = parse_day(raw)
    if day is None:
        raise Http404
    return day


def _candidate_and_form(request, candidate_pk, slug):
    candidate = get_object_or_404(
        scope_for(request).candidates().select_related("person", "organization", "organization__parent"),
        pk=candidate_pk,
    )
    form = FORMS.get(slug)
    draft = _draft_day(request)
    if form is None or not (form.drafted(candidate) if draft else form.available(candidate)):
        raise Http404
    introduction = _introduction(request, candidate, form)
    _signer(request)
    if request.method not in ("GET", "HEAD"):  # after the scope check: outsiders get 404 whatever the method
        return candidate, form, introduction, draft, HttpResponseNotAllowed(["GET"])
    return candidate, form, introduction, draft, None


def _unavailable(request, error: docs.DocumentError) -> HttpResponse:
    return render(request, "documents/unavailable.html", {"message": str(error)}, status=503)


def _unstampable(request) -> HttpResponse:
    """A PDF with names leaves only with its stamp: without WeasyPrint the line cannot be written on its pages."""
    message = _(
        "Máy chủ thiếu thư viện WeasyPrint/Pango nên không ghi được người tải và thời điểm tải vào bản PDF. Hãy tải "
        "bản .docx, hoặc nhờ quản trị cài gói libpango-1.0-0 và libpangoft2-1.0-0."
    )
    return render(request, "documents/unavailable.html", {"message": message}, status=503)


def _job(spec: Form, candidate, introduction=None, signer: str = SECRETARY, draft: dt.date | None = None) -> docs.Job:
    """The candidate's form as a rendering job; its cached copies live in the candidate's own folder, one slot per
    form, signer, introduction and draft (documents/cache.py)."""
    slot = f"{spec.slug}.{signer}" + (f".gt{introduction.pk}" if introduction is not None else "")
    slot += f".draft{draft:%Y%m%d}" if draft else ""
    context = spec.context(candidate, introduction, signer, draft)
    return docs.Job(spec.template, context, f"ung-vien-{candidate.pk}", slot)


def candidate_docx(request, candidate_pk, form):
    candidate, spec, introduction, draft, refused = _candidate_and_form(request, candidate_pk, form)
    if refused:
        return refused
    data = docs.document(_job(spec, candidate, introduction, _signer(request), draft), "docx")
    name = _filename(spec, candidate, "docx", introduction=introduction, draft=draft)
    return _download(request, data, name, DOCX, person_id=candidate.person_id)


def candidate_pdf(request, candidate_pk, form):
    """The form as PDF: LibreOffice takes seconds, so an unchanged document is served from the document cache (the
    page's link shows it is being prepared meanwhile: static/ketnap/downloads.js)."""
    candidate, spec, introduction, draft, refused = _candidate_and_form(request, candidate_pk, form)
    if refused:
        return refused
    try:
        data = docs.document(_job(spec, candidate, introduction, _signer(request), draft), "pdf")
    except docs.DocumentError as error:
        return _unavailable(request, error)
    name = _filename(spec, candidate, "pdf", introduction=introduction, draft=draft)
    return _download(request, data, name, "application/pdf", person_id=candidate.person_id)


def batch_zip(request, form):
    """One file per person (?ids=…), in one zip; ?dinh-dang=pdf converts them all in one LibreOffice run;
    ?nguoi-ky=pho-bi-thu: the deputy signs them all.

    A ceremony day's zip holds every form prepared for the day (programme and invitation) for each person."""
    spec, signer = FORMS.get(form), _signer(request)
    if spec is None or spec.handwritten or spec.per_introduction:
        raise Http404
    candidates = _batch_candidates(request, spec)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    try:  # each person's file comes from the cache when made before (also on their own page)
        files = docs.documents(_batch_jobs(spec, candidates, signer), _batch_format(request))
    except docs.DocumentError as error:
        return _unavailable(request, error)
    stamp, overlays = stamps.stamp_for(request.user), {}
    try:
        files = {name: _stamped(data, name, stamp, overlays) for name, data in files.items()}
    except PdfUnavailable:
        return _unstampable(request)
    name = f"{spec.slug.upper()}_{len(files)}-nguoi.zip"
    return _download(request, docs.zip_files(files), name, "application/zip", count=len(candidates), stamp=stamp)


def _batch_candidates(request, spec: Form) -> list:
    """The people of ?ids=…, each in the user's scope and at the form's step; else 404 for the whole batch."""
    scope = scope_for(request)
    ids = {int(i) for i in request.GET.getlist("ids") if i.isdigit()}
    if not ids or not scope.sees_personal_data:
        raise Http404
    candidates = list(
        scope.candidates().filter(pk__in=ids).select_related("person", "organization", "organization__parent")
    )
    if len(candidates) != len(ids) or not all(spec.available(c) for c in candidates):
        raise Http404  # an id outside the scope (or not at this step) refuses the whole batch
    return candidates


def _batch_jobs(spec: Form, candidates: list, signer: str) -> dict[str, docs.Job]:
    """Every form of the batch (the form and its companions of the same day) for every person, by file stem."""
    companions = [f for f in FORMS.values() if spec.batch and f.batch == spec.batch] or [spec]
    return {
        _filename(f, c, "docx", with_pk=True).removesuffix(".docx"): _job(f, c, signer=signer)
        for c in candidates
        for f in companions
    }


def _batch_format(request) -> str:
    return "pdf" if request.GET.get("dinh-dang") == "pdf" else "docx"


def batches(request):
    """Recent decisions and ceremony days covering several people in the user's scope, with one zip each.

    A decision groups by (date, number); a ceremony day by (date, chi bộ): each person is still admitted alone,
    but the office prepares the papers for the day at once.
    """
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    steps = (
        Step.objects.filter(candidate__in=scope.candidates(), kind__in=BATCH_STEPS, passed=True)
        .select_related("candidate__person", "candidate__organization")
        .order_by("-on", "-id")[:RECENT_STEPS]
    )
    groups: OrderedDict = OrderedDict()
    for step in steps:
        if step.kind == StepKind.CEREMONY:
            key = (step.kind, step.on, step.candidate.organization_id)
            label = _("Lễ kết nạp ngày %(d)s — %(o)s") % {
                "d": ddmmyyyy(step.on),
                "o": step.candidate.organization.name,
            }
        else:
            number = step.document_number.strip()
            key = (step.kind, step.on, number.lower())
            title = _("Quyết định kết nạp") if step.kind == StepKind.DECISION else _("Quyết định công nhận chính thức")
            label = _("%(title)s số %(number)s ngày %(on)s") % {
                "title": title,
                "number": number or "…",
                "on": ddmmyyyy(step.on),
            }
        group = groups.setdefault(key, {"label": label, "on": step.on, "candidates": [], "kind": step.kind})
        if step.candidate not in group["candidates"]:
            group["candidates"].append(step.candidate)
    rows = []
    for group in groups.values():
        form = FORMS[BATCH_STEPS[group["kind"]]]
        ids = "&".join(f"ids={c.pk}" for c in group["candidates"])
        rows.append({**group, "form": form, "query": ids})
    return render(request, "documents/batches.html", {"rows": rows, "lists": LISTS.values()})


def _list(request, form):
    """The list's rendering job and its file stem, or a refusal (404 / 405)."""
    scope = scope_for(request)
    spec = LISTS.get(form)
    if spec is None or not scope.sees_personal_data:
        raise Http404  # like batch_zip: an overseer (no names) gets no list
    if request.method not in ("GET", "HEAD"):
        return None, None, HttpResponseNotAllowed(["GET"])
    day = today()
    month = _month(request.GET.get("thang")) or day  # ?thang=MM/YYYY: e.g. next month's list, printed ahead
    # cached by content like the forms; one slot is shared by every scope, so versions age out instead
    job = docs.Job(spec.template, LIST_CONTEXTS[spec.slug](scope, day, month), "danh-sach", spec.slug, False)
    return job, f"{spec.template.removesuffix('.docx')}_{month:%Y-%m}", None


def list_docx(request, form):
    """A list of the candidates in the user's scope (due this month, sympathisers, course nominations), .docx."""
    job, stem, refused = _list(request, form)
    if refused:
        return refused
    return _download(request, docs.document(job, "docx"), f"{stem}.docx", DOCX, count=_rows(job))


def list_pdf(request, form):
    """The same list converted by LibreOffice, as the per-candidate forms."""
    job, stem, refused = _list(request, form)
    if refused:
        return refused
    try:
        pdf = docs.document(job, "pdf")
    except docs.DocumentError as error:
        return _unavailable(request, error)
    return _download(request, pdf, f"{stem}.pdf", "application/pdf", count=_rows(job))


def _rows(job) -> int | None:
    rows = job.context.get("rows")
    return len(rows) if rows is not None else None


def _month(raw: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((raw or "").strip(), "%m/%Y").date()
    except ValueError:
        return None
