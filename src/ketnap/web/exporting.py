"""Every table on screen can be downloaded: `?xuat=xlsx` (all the page's tables, one sheet each, or the one named by
`bang`), `?xuat=csv&bang=<slug>` (default: the first table) or `?xuat=pdf`. Views call `export_response` first and
return its response when it gives one.

A page that shows a statistical form passes its ReportMeta (with a form_code): its single table then downloads in the
form's layout (stats.xlsx.form_xlsx, stats.pdf.form_pdf) with the party header and the signature footer.
A page listing tens of thousands of rows uses `export_rows_response`: CSV streamed, .xlsx from a temporary file.
"""

import re
from collections.abc import Collection, Iterable, Sequence

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ketnap.privacy import readlog, stamps
from ketnap.privacy.models import ReadKind
from ketnap.stats import csvfile, xlsx
from ketnap.stats.tables import Column, ReportMeta, Row, Table
from ketnap.web import listxlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"xlsx", "csv", "pdf"}
_CONTENT_TYPES = {"csv": CSV, "xlsx": XLSX, "pdf": PDF}


def safe_basename(basename: str) -> str:
    """An ASCII file name part: headers and old Windows PCs both cope."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", basename).strip("-.") or "ketnap"


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"  # figures (and names lists) stay off shared caches
    return response


def without_export(request) -> str:
    query = request.GET.copy()
    query.pop("xuat", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def export_response(
    request, tables: list[Table], *, basename: str, meta: ReportMeta | None = None, names: Collection[str] = ()
):
    """The file response asked for by request.GET['xuat'] ('xlsx', 'csv' or 'pdf'), or None when none is asked.

    `names`: the slugs of the tables that list people. A download holding one of them is in the read log, and says
    who downloaded it and when (ketnap.privacy.stamps): the .xlsx in its properties, the PDF in its properties and on
    every page; tables of figures only are neither logged nor stamped."""
    fmt = request.GET.get("xuat")
    if fmt not in FORMATS:
        return None
    slug = request.GET.get("bang")
    chosen = _chosen_tables(tables, slug, fmt)
    name = safe_basename(basename)
    if slug and len(tables) > 1:
        name = f"{name}-{safe_basename(slug)}"
    listed = [t for t in chosen if t.slug in names]
    stamp = stamps.stamp_for(request.user) if listed else None
    content = _content(request, fmt, chosen, meta, stamp)
    if content is None:
        return HttpResponseRedirect(without_export(request))
    if listed:
        query, count = without_export(request).partition("?")[2], sum(len(t.rows) for t in listed)
        readlog.record(request.user, ReadKind.DOWNLOAD, what=f"{name}.{fmt}", query=query, count=count)
    return file_response(content, f"{name}.{fmt}", _CONTENT_TYPES[fmt])


def _chosen_tables(tables: list[Table], slug: str | None, fmt: str) -> list[Table]:
    """The tables the download holds: the one named by `bang`, else all of them (a CSV holds one table)."""
    chosen = [t for t in tables if t.slug == slug] if slug else list(tables)
    if slug and not chosen:
        raise Http404(_("Không có bảng này."))
    if fmt != "csv":
        return chosen
    if not chosen:
        raise Http404(_("Không có bảng nào."))
    return chosen[:1]


def _content(request, fmt: str, chosen: list[Table], meta: ReportMeta | None, stamp) -> bytes | None:
    """The file's bytes; a form's single table in the form's layout. None when the PDF cannot be made here."""
    if fmt == "csv":
        return csvfile.table_csv(chosen[0])
    form_meta = meta if meta and meta.form_code and len(chosen) == 1 else None
    if fmt == "xlsx":
        return _tables_xlsx(chosen, meta, form_meta, stamp)
    return _tables_pdf(request, chosen, meta, form_meta, stamp)


def _tables_xlsx(chosen: list[Table], meta: ReportMeta | None, form_meta: ReportMeta | None, stamp) -> bytes:
    if form_meta is not None:
        return xlsx.form_xlsx(chosen[0], form_meta)
    signed = {"author": stamp.author, "description": stamp.line} if stamp else {}
    return xlsx.tables_xlsx(chosen, meta, **signed)


def _tables_pdf(request, chosen: list[Table], meta: ReportMeta | None, form_meta: ReportMeta | None, stamp):
    """The PDF, stamped when it lists people; None (the reason in the messages) when WeasyPrint cannot run here."""
    from ketnap.stats import pdf

    try:
        if form_meta is not None:
            content = pdf.form_pdf(chosen[0], form_meta)
        else:
            content = pdf.tables_pdf(chosen, meta or ReportMeta(organization=""))
        return stamps.stamp_pdf(content, stamp) if stamp else content
    except pdf.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return None


def export_rows_response(
    request, *, columns: list[Column], rows: Iterable[Sequence | Row], basename: str, title: str, subtitle: str = ""
):
    """Like export_response for one long list (rows produced lazily, e.g. a queryset iterator): CSV streams row by
    row; .xlsx is written to a temporary file by the fast writer of web.listxlsx, then sent from it. None when no
    download is asked.

    Every such list carries names: its download is in the read log (ketnap.privacy) with its filters and row count,
    and the .xlsx says who downloaded it and when (properties and a last line); the CSV is left as data only (see
    ketnap.privacy.stamps), its row is written when the stream ends (or is cut), with the rows actually sent."""
    fmt = request.GET.get("xuat")
    name = safe_basename(basename)
    if fmt not in {"csv", "xlsx"}:
        return None
    counted = _Counted(rows)
    log = {"what": f"{title} ({fmt})", "query": without_export(request).partition("?")[2]}
    if fmt == "csv":
        stream = _logged_stream(csvfile.rows_csv(columns, counted), request.user, counted, log)
        response = StreamingHttpResponse(stream, content_type=CSV)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
        response["Cache-Control"] = "private, no-store"
        return response
    stamp = stamps.stamp_for(request.user)
    written = listxlsx.rows_xlsx_file(
        title, columns, counted, subtitle=subtitle, note=stamp.line, author=stamp.author, description=stamp.line
    )
    readlog.record(request.user, ReadKind.DOWNLOAD, count=counted.n, **log)
    # sent from the temporary file in blocks, which is deleted when the response closes it
    response = FileResponse(written, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


class _Counted:
    """The rows, counted as they pass (a download's size for the read log, without a second query)."""

    def __init__(self, rows):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _logged_stream(chunks, user, counted: _Counted, log: dict):
    try:
        yield from chunks
    finally:
        readlog.record(user, ReadKind.DOWNLOAD, count=counted.n, **log)
