"""Fill a .docx template (docxtpl) and convert .docx to PDF with LibreOffice.

Template lookup: KETNAP_DATA_DIR/templates_docx/<file name> (an office's own version) wins over the template
shipped in ketnap/documents/templates_docx/. The PDF is the .docx converted by LibreOffice, so both show the
same document (no second layout to keep in step).

`document` and `documents` go through the document cache (documents/cache.py): a document made before from the
same template, context and format is read back instead of being made again.
"""

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from docxtpl import DocxTemplate

from ketnap.documents import cache

SHIPPED = Path(__file__).with_name("templates_docx")
CONVERT_TIMEOUT = 120  # seconds; a first start of LibreOffice with a fresh profile takes a few


class DocumentError(Exception):
    """A document could not be produced; the message is for the user (Vietnamese)."""


def override_dir() -> Path:
    return Path(settings.DATA_DIR) / "templates_docx"


def template_path(name: str) -> Path:
    own = override_dir() / name
    return own if own.is_file() else SHIPPED / name


def load(name: str) -> DocxTemplate:
    return DocxTemplate(template_path(name))


def undeclared(name: str, context: dict | None = None) -> set[str]:
    """The template's fields missing from `context` (all its fields when no context is given)."""
    return load(name).get_undeclared_template_variables(context=context or {})


def render_docx(template: str, context: dict) -> bytes:
    doc = load(template)
    # autoescape: without it "Khoa Tai & Mũi <Họng>" silently breaks the XML (engineering-notes.md)
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise DocumentError(
            "Máy chủ chưa cài LibreOffice (lệnh soffice) nên không tạo được bản PDF. "
            "Hãy tải bản .docx, hoặc nhờ quản trị cài gói libreoffice-writer-nogui."
        )
    return found


def docx_to_pdf_many(files: dict[str, bytes]) -> dict[str, bytes]:
    """Convert several .docx (file name → bytes) in ONE LibreOffice run; returns PDF name → bytes."""
    binary = soffice()
    with tempfile.TemporaryDirectory(prefix="ketnap-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for name, data in files.items():
            path = work / name
            path.write_bytes(data)
            sources.append(str(path))
        out = work / "pdf"
        # a private profile per call: parallel conversions would otherwise fight over ~/.config/libreoffice
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *sources,
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False, cwd=tmp)
        except subprocess.TimeoutExpired as exc:
            raise DocumentError("LibreOffice chuyển sang PDF quá lâu; hãy thử lại hoặc tải bản .docx.") from exc
        result = {}
        for name in files:
            pdf = out / (Path(name).stem + ".pdf")
            if not pdf.is_file():
                raise DocumentError(f"LibreOffice không chuyển được {name} sang PDF; hãy tải bản .docx.")
            result[pdf.name] = pdf.read_bytes()
        return result


def docx_to_pdf(data: bytes) -> bytes:
    return next(iter(docx_to_pdf_many({"van-ban.docx": data}).values()))


def zip_files(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


class Job(NamedTuple):
    """One document to make: the template and its context, and where its cached copy goes (documents/cache.py):
    `owner` its folder (a candidate's: "ung-vien-<pk>"), `slot` which document of the owner's it is ("6-knd.bi-thu").
    `replaces_older`: a new version of the slot removes the older ones (true when the slot names one document of one
    record; false for a list, whose slot is shared by every scope)."""

    template: str
    context: dict
    owner: str
    slot: str
    replaces_older: bool = True


def _cached(job: Job, fmt: str) -> tuple[str, bytes | None]:
    digest = cache.key(template_path(job.template), job.context, fmt)
    return digest, cache.get(job.owner, job.slot, digest, fmt)


def _store(job: Job, fmt: str, digest: str, data: bytes) -> None:
    cache.put(job.owner, job.slot, digest, fmt, data, replaces_older=job.replaces_older)


def document(job: Job, fmt: str) -> bytes:
    """The filled form as "docx" or "pdf", read from the cache when this very document was made before."""
    digest, found = _cached(job, fmt)
    if found is not None:
        return found
    if fmt == "docx":
        data = render_docx(job.template, job.context)
    else:
        data = docx_to_pdf(document(job, "docx"))
    _store(job, fmt, digest, data)
    return data


def documents(jobs: dict[str, Job], fmt: str) -> dict[str, bytes]:
    """Several documents (file name without extension → job) as "<name>.<fmt>" → bytes; the PDFs not in the cache
    are converted in ONE LibreOffice run."""
    result, missing = {}, {}
    for name, job in jobs.items():
        digest, found = _cached(job, fmt)
        if found is not None:
            result[f"{name}.{fmt}"] = found
        elif fmt == "docx":
            result[f"{name}.docx"] = render_docx(job.template, job.context)
            _store(job, fmt, digest, result[f"{name}.docx"])
        else:
            missing[name] = digest
    if missing:
        converted = docx_to_pdf_many({f"{name}.docx": document(jobs[name], "docx") for name in missing})
        for name, digest in missing.items():
            result[f"{name}.pdf"] = converted[f"{name}.pdf"]
            _store(jobs[name], fmt, digest, converted[f"{name}.pdf"])
    return {f"{name}.{fmt}": result[f"{name}.{fmt}"] for name in jobs}
