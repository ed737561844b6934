"""Roster import in the browser: upload → check (a dry run: counts, samples, every error) → confirm.

Only the office or admin of the organisation (or of a committee above it) may import; anyone else gets 404,
like every object outside a scope. The uploaded file waits in DATA_DIR/imports under a random name kept in
the user's session; confirming imports that same file (checked again in full), so what was previewed is what
is written. The column mapping can be corrected on the preview and is saved for the organisation.
"""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from ketnap.accounts.scope import scope_for
from ketnap.imports.columns import MEMBER_COLUMNS, STAFF_COLUMNS
from ketnap.imports.engine import Importer
from ketnap.imports.members import MemberImporter
from ketnap.imports.models import ColumnMapping, RosterKind
from ketnap.imports.reader import max_rows

IMPORTERS = {RosterKind.STAFF: Importer, RosterKind.MEMBERS: MemberImporter}
COLUMNS = {RosterKind.STAFF: STAFF_COLUMNS, RosterKind.MEMBERS: MEMBER_COLUMNS}
SESSION_KEY = "ketnap_imports"
SUFFIXES = {".xlsx", ".xlsm", ".csv"}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại danh sách"), choices=RosterKind.choices, initial=RosterKind.STAFF)
    file = forms.FileField(label=_("Tệp .xlsx hoặc .csv (UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.KETNAP_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp lớn %(size)s MB, vượt giới hạn %(limit)s MB. Hãy chia thành nhiều tệp.")
                % {"size": f"{upload.size / 2**20:.1f}".replace(".", ","), "limit": limit // 2**20}
            )
        return upload


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


def _check(request, org, entry, *, dry_run: bool):
    importer = IMPORTERS[entry["kind"]](
        org, Path(entry["path"]), name=entry["name"], user=request.user, dry_run=dry_run
    )
    return importer.run()


def _preview(request, org, token, entry, report):
    columns = COLUMNS[entry["kind"]]
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
        },
    )


def upload(request, code):
    org = _organization(request, code)
    if request.method == "POST" and request.POST.get("token"):
        return _confirm_or_remap(request, org)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload_ = form.cleaned_data["file"]
        token, path = _store(upload_)
        entry = {"path": str(path), "name": Path(upload_.name).name, "org": org.code, "kind": kind}
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = entry
        request.session[SESSION_KEY] = pending
        report = _check(request, org, entry, dry_run=True)
        if report.file_error and not report.headings:
            _forget(request, token)  # nothing to correct on the page: the header row was not even found
        return _preview(request, org, token, entry, report)
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


def _confirm_or_remap(request, org):
    token = request.POST["token"]
    entry = _pending(request, token, org)
    if entry is None:
        messages.error(request, _("Tệp đã tải lên không còn (đã nhập hoặc phiên làm việc đã hết). Hãy tải lên lại."))
        return redirect("import_upload", code=org.code)
    if "remap" in request.POST:
        fields = {c.field for c in COLUMNS[entry["kind"]]}
        mapping = {}
        for name, value in request.POST.items():
            if name.startswith("map:") and (value in fields or value == ""):
                mapping[name.removeprefix("map:")] = value
        ColumnMapping.objects.update_or_create(
            organization=org, kind=entry["kind"], defaults={"mapping": mapping, "updated_by": request.user}
        )
        messages.success(request, _("Đã lưu cách đọc cột cho %(org)s; tệp được kiểm tra lại.") % {"org": org.name})
        return _preview(request, org, token, entry, _check(request, org, entry, dry_run=True))
    if "cancel" in request.POST:
        _forget(request, token)
        messages.info(request, _("Đã hủy; không có gì được ghi."))
        return redirect("import_upload", code=org.code)
    report = _check(request, org, entry, dry_run=False)
    if not report.written:
        return _preview(request, org, token, entry, report)
    _forget(request, token)
    messages.success(
        request,
        _("Đã nhập %(name)s: thêm mới %(created)s, cập nhật %(updated)s, giữ nguyên %(unchanged)s người.")
        % {"name": entry["name"], "created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return redirect("org_detail", code=org.code)
