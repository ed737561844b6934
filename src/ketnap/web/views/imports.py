"""Roster import in the browser: upload → check (a dry run: counts, samples, every error) → confirm.

Only the office or admin of the organisation (or of a committee above it) may import; anyone else gets 404,
like every object outside a scope. The uploaded file waits in DATA_DIR/imports under a random name kept in
the user's session; confirming imports that same file (checked again in full), so what was previewed is what
is written. The column mapping can be corrected on the preview and is saved for the organisation.

The check and the import run in the background (imports.runner): the request starts a job and redirects to
its page, which shows the progress until the job ends, then the preview (a check) or the organisation with the
success message (an import). A job's page and status answer 404 outside the organisation, like the upload.
"""

import io
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from ketnap.imports import runner
from ketnap.imports.columns import MEMBER_COLUMNS, STAFF_COLUMNS
from ketnap.imports.engine import catalogues_for
from ketnap.imports.errorfile import write_error_file
from ketnap.imports.kinds import ROSTERS, report_from_json
from ketnap.imports.models import ColumnMapping, ImportJob, JobState, RosterKind, save_mapping
from ketnap.imports.reader import max_rows
from ketnap.imports.template import template_workbook
from ketnap.privacy import readlog, stamps
from ketnap.privacy.models import ReadKind
from ketnap.scope import scope_for
from ketnap.vietnamese import fold
from ketnap.web.forms.imports import UploadForm

COLUMNS = {RosterKind.STAFF: STAFF_COLUMNS, RosterKind.MEMBERS: MEMBER_COLUMNS}
SESSION_KEY = "ketnap_imports"
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}


def _organization(request, code):
    scope = scope_for(request)
    org = get_object_or_404(scope.organizations(), code=code)
    if not scope.can_manage_within(org) or not org.active:
        raise Http404
    return org


def _store(upload) -> tuple[str, Path]:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 24 * 3600
    for old in folder.iterdir():  # uploads previewed and never confirmed or cancelled
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    suffix = Path(upload.name).suffix.lower()
    path = folder / f"{token}{suffix if suffix in SUFFIXES else '.bin'}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    path.chmod(0o600)
    return token, path


def _pending(request, token, org) -> dict | None:
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry or entry["org"] != org.code or not Path(entry["path"]).exists():
        return None
    return entry


def _forget(request, token) -> None:
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if entry:
        Path(entry["path"]).unlink(missing_ok=True)


def _begin(request, org, token, entry, *, dry_run: bool, **choices):
    """Start the check or the import of a pending upload in the background (runner.Busy if one is running).

    The upload's options (sheet, hidden rows) are remembered with it; `choices` are this run's (partial,
    accepted identity changes)."""
    job = runner.start(
        org,
        request.user,
        kind=entry["kind"],
        path=Path(entry["path"]),
        name=entry["name"],
        upload=token,
        dry_run=dry_run,
        options={**entry.get("options", {}), **choices},
    )
    runner.wait_briefly(job)  # a small file is done by now: its page shows the result at once
    return redirect("import_job", code=org.code, token=job.token)


def _preview(request, org, token, entry, report, job):
    columns = COLUMNS.get(entry["kind"], [])
    return render(
        request,
        "imports/preview.html",
        {
            "org": org,
            "token": token,
            "entry": entry,
            "kind_label": RosterKind(entry["kind"]).label,
            "report": report,
            "choices": [(c.field, c.label) for c in columns],
            "more_errors": report.error_count - len(report.errors),
            "unmatched": _unmatched(org, entry["kind"], report),
            "job_token": job.token,
            "valid_rows": report.created + report.updated + report.unchanged,
            "roster": entry["kind"] in ROSTERS,
            "lines": report.grouped_lines(),
            "details": report.lines() if hasattr(report, "lines") else [],
        },
    )


def _unmatched(org, kind: str, report) -> list[tuple[dict, list[tuple[str, str]]]]:
    """Each value to map, with its catalogue's entries (code, name) for the page's drop-down."""
    if not report.unmatched or kind not in ROSTERS:
        return []
    catalogues = catalogues_for(org, ROSTERS[kind])
    choices = {
        name: [(e.code, e.label) for e in catalogues[name].entries]
        for name in {v["field"] for v in report.unmatched}
        if name in catalogues
    }
    return [(value, choices.get(value["field"], [])) for value in report.unmatched]


def upload(request, code):
    org = _organization(request, code)
    if request.method == "POST" and request.POST.get("token"):
        return _confirm_or_remap(request, org, back=None)
    form = UploadForm(request.POST or None, request.FILES or None)
    running = runner.active_job(org)
    if running is not None:
        # said before the file is sent (GET) and when it arrives: it is not kept
        messages.error(request, runner.busy_message(running, org))
    elif request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload_ = form.cleaned_data["file"]
        token, path = _store(upload_)
        entry = {
            "path": str(path),
            "name": Path(upload_.name).name,
            "org": org.code,
            "kind": kind,
            "options": {"include_hidden": form.cleaned_data["include_hidden"], "reason": form.cleaned_data["reason"]},
        }
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = entry
        request.session[SESSION_KEY] = pending
        try:
            return _begin(request, org, token, entry, dry_run=True)
        except runner.Busy as busy:  # another job began meanwhile: the file is not kept
            _forget(request, token)
            messages.error(request, runner.busy_message(busy.job, org))
    return render(
        request,
        "imports/upload.html",
        {
            "org": org,
            "form": form,
            "max_rows": max_rows(),
            "max_mb": settings.KETNAP_MAX_UPLOAD_BYTES // 2**20,
            "staff_columns": STAFF_COLUMNS,
            "member_columns": MEMBER_COLUMNS[len(STAFF_COLUMNS) :],
        },
    )


def _confirm_or_remap(request, org, *, back: str | None):
    """The preview's buttons. `back`: where a refusal (another job running) returns; None: the upload page."""
    token = request.POST["token"]
    entry = _pending(request, token, org)
    if entry is None:
        messages.error(request, _("Tệp đã tải lên không còn (đã nhập hoặc phiên làm việc đã hết). Hãy tải lên lại."))
        return redirect("import_upload", code=org.code)
    if "remap" in request.POST and entry["kind"] in COLUMNS:
        _save_columns(request, org, entry["kind"])
        messages.success(request, _("Đã lưu cách đọc cột cho %(org)s; tệp được kiểm tra lại.") % {"org": org.name})
        return _begin_or_back(request, org, token, entry, dry_run=True, back=back)
    if "values" in request.POST:
        _save_values(request, org, entry["kind"])
        messages.success(
            request, _("Đã lưu cách hiểu các giá trị cho %(org)s; tệp được kiểm tra lại.") % {"org": org.name}
        )
        return _begin_or_back(request, org, token, entry, dry_run=True, back=back)
    if "sheet" in request.POST:
        _choose_sheet(request, token, entry)
        return _begin_or_back(request, org, token, entry, dry_run=True, back=back)
    if "cancel" in request.POST:
        _forget(request, token)
        messages.info(request, _("Đã hủy; không có gì được ghi."))
        return redirect("import_upload", code=org.code)
    choices = {
        "partial": "partial" in request.POST,
        "accept_identity_changes": request.POST.get("accept_identity_changes") == "1",
    }
    return _begin_or_back(request, org, token, entry, dry_run=False, back=back, **choices)


def _save_columns(request, org, kind: str) -> None:
    """The preview's column choices ("map:<heading>" → field, "" = not read), kept for the organisation's next files;
    a field not of this kind of list is ignored."""
    fields = {c.field for c in COLUMNS[kind]}
    mapping = {}
    for name, value in request.POST.items():
        if name.startswith("map:") and (value in fields or value == ""):
            mapping[name.removeprefix("map:")] = value
    ColumnMapping.objects.update_or_create(
        organization=org, kind=kind, defaults={"mapping": mapping, "updated_by": request.user}
    )


def _choose_sheet(request, token: str, entry: dict) -> None:
    """The workbook's sheet to read, kept with the pending upload in the session."""
    entry["options"] = {**entry.get("options", {}), "sheet": request.POST["sheet"][:100]}
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = entry
    request.session[SESSION_KEY] = pending


def _save_values(request, org, kind: str) -> None:
    """The preview's value choices ("value:<field>:<key>" → catalogue code, "" = leave empty): each code is checked
    against its catalogue, so a forged form cannot map a value to something outside the organisation."""
    if kind not in ROSTERS:
        return
    catalogues = catalogues_for(org, ROSTERS[kind])
    choices: dict[str, dict[str, str]] = {}
    for name, target in request.POST.items():
        if not name.startswith("value:"):
            continue
        _prefix, field_name, key = name.split(":", 2)
        catalogue = catalogues.get(field_name)
        if catalogue is None or target == "?":
            continue
        if (target == "" and field_name != "work_unit") or catalogue.by_code.get(fold(target)) is not None:
            choices.setdefault(field_name, {})[key[:200]] = target
    if choices:
        save_mapping(org, kind, user=request.user, values=choices)


def _begin_or_back(request, org, token, entry, *, dry_run: bool, back: str | None, **choices):
    try:
        return _begin(request, org, token, entry, dry_run=dry_run, **choices)
    except runner.Busy as busy:
        if back is None:  # the upload page says it itself
            return redirect("import_upload", code=org.code)
        messages.error(request, runner.busy_message(busy.job, org))
        return redirect(back)


def _job(request, code, token) -> tuple:
    org = _organization(request, code)  # the office or admin managing the organisation, or 404
    job = get_object_or_404(ImportJob.objects.select_related("user"), token=token, organization=org)
    return org, job


@never_cache
def job(request, code, token):
    """A job's page: its progress while it runs, then what the synchronous pages showed."""
    org, job = _job(request, code, token)
    if request.method == "POST":  # the preview's forms post back to the page that shows them
        return _confirm_or_remap(request, org, back=request.path)
    status = runner.status(job)
    entry = _pending(request, job.upload, org)
    if status["state"] == JobState.FAILED:
        _forget(request, job.upload)
    if not status["finished"] or status["state"] == JobState.FAILED:
        return render(
            request,
            "imports/progress.html",
            {
                "org": org,
                "job": job,
                "status": status,
                "kind_label": RosterKind(job.kind).label,
                "status_url": reverse("import_job_status", kwargs={"code": org.code, "token": job.token}),
            },
        )
    report = report_from_json(job.kind, job.report)
    if report.written:
        return _written(request, org, job, report)
    if report.file_error and not report.headings:
        _forget(request, job.upload)  # nothing to correct on the page: the header row was not even found
    # someone else managing the organisation sees the preview too, but only the uploader's session holds the file
    entry = entry or {"name": job.file_name, "kind": job.kind}
    return _preview(request, org, job.upload, entry, report, job)


def _written(request, org, job: ImportJob, report):
    """A job that wrote: what it did, then the organisation's page, or the rows a partial import left out."""
    _forget(request, job.upload)
    messages.success(
        request,
        _("Đã nhập %(name)s: thêm mới %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s người.")
        % {
            "name": job.file_name,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    if report.partial and report.rejected:
        # the rows left out, with their errors, to correct and import on their own
        return render(request, "imports/partial_done.html", {"org": org, "job": job, "report": report}, status=200)
    return redirect("org_detail", code=org.code)


@never_cache
def job_status(request, code, token):
    """The progress as JSON, for the few lines of script on the progress page."""
    _org, job = _job(request, code, token)
    return JsonResponse(runner.status(job))


def rejected_rows_path(job: ImportJob) -> Path:
    return Path(settings.DATA_DIR) / "imports" / f"{job.token}-tra-lai.xlsx"


@never_cache
def job_errors(request, code, token):
    """The uploaded sheet with an error column: every row, the problem beside the row that has one (a check), or
    only the rows a partial import left out (kept after the import). Both hold names: the download is in the read
    log, and the file says who downloaded it and when in its properties and printed footer (ketnap.privacy.stamps;
    no cell is added, so the corrected file imports as it is)."""
    org, job = _job(request, code, token)
    if job.report is None:
        raise Http404
    report = report_from_json(job.kind, job.report)
    stem = Path(job.file_name).stem[:60]
    stamp = stamps.stamp_for(request.user)
    if report.written:
        path = rejected_rows_path(job)
        if not path.exists():
            raise Http404
        filename, count = f"{stem}-dong-chua-nhap.xlsx", report.rejected
        buffer = io.BytesIO(stamps.stamp_xlsx(path.read_bytes(), stamp))  # the stored file stays unstamped
    else:
        entry = _pending(request, job.upload, org)
        if entry is None:
            raise Http404
        filename, count = f"{stem}-kem-loi.xlsx", report.rows
        buffer = io.BytesIO()
        write_error_file(Path(entry["path"]), report, buffer, only_rows=False, stamp=stamp)
        buffer.seek(0)
    readlog.record(request.user, ReadKind.DOWNLOAD, what=filename, count=count)
    return FileResponse(buffer, as_attachment=True, filename=filename)


def template(request, code):
    """An .xlsx to fill in: ketnap's headings, the catalogues as drop-down lists, an example row."""
    org = _organization(request, code)
    kind = request.GET.get("loai", RosterKind.STAFF)
    if kind not in ROSTERS:
        raise Http404
    buffer = io.BytesIO()
    template_workbook(org, kind).save(buffer)
    buffer.seek(0)
    name = "mau-danh-sach-dang-vien.xlsx" if kind == RosterKind.MEMBERS else "mau-danh-sach-nhan-su.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)
