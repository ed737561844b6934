"""HTML to PDF with WeasyPrint, for every printed page: the statistical forms and reports (ketnap.stats.pdf), the
password letters (accounts.issuing), the verification requests (pipeline.inquiries). A leaf below every app, so that
an app below the statistics prints without importing them.

- No external resources: the templates reference none, and the URL fetcher refuses anything but file: and data:
  URLs, so a stray link can never make the server wait for an internet it does not have.
- WeasyPrint is imported on first use (its import costs ~0.8 s and needs Pango); a server without Pango gets
  PdfUnavailable, a Vietnamese message the views show instead of a traceback.
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates" / "print"


class PdfUnavailable(RuntimeError):
    """PDF cannot be made on this server (WeasyPrint or its Pango library is missing)."""


def _weasyprint():
    try:
        import weasyprint
    except (OSError, ImportError) as exc:  # OSError: libpango / libgobject cannot be loaded
        raise PdfUnavailable(
            "Không tạo được tệp PDF: máy chủ thiếu thư viện WeasyPrint/Pango. "
            "Hãy tải bản Excel (.xlsx), hoặc nhờ quản trị cài gói libpango-1.0-0 và libpangoft2-1.0-0."
        ) from exc
    return weasyprint


def _local_only(url: str, timeout: int = 10, ssl_context=None):
    if not url.startswith(("file:", "data:")):
        raise ValueError(f"tài nguyên ngoài không được phép trong PDF: {url}")
    return _weasyprint().default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)


def html_to_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES), url_fetcher=_local_only)
    return document.write_pdf()
