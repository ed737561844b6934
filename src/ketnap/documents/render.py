"""Fill a .docx template (docxtpl) and convert .docx to PDF with LibreOffice.

Template lookup: KETNAP_DATA_DIR/templates_docx/<file name> (an office's own version) wins over the template
shipped in ketnap/documents/templates_docx/. The PDF is the .docx converted by LibreOffice, so both show the
same document (no second layout to keep in step).
"""

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from docxtpl import DocxTemplate

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
