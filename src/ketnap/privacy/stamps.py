"""Who downloaded a file with names, and when, written into the file: its properties and a footer line.

A file that leaves the office (a USB stick, an e-mail) then still says whose copy it is. .docx: core properties and
a line in every footer; PDF: Author, Subject and ModDate, and the line printed at the bottom of every page; .xlsx:
properties, and a last line (a list) or the printed footer (a roster to correct and import again). Stamping is done
per download on a copy: a cached document stays as it was made (ketnap.documents.cache). CSV gets no stamp: it is
read by the CSDL đảng viên import and by spreadsheets, and any line before or after the header would be read as data;
its download is in the read log like every other."""

import datetime as dt
import io
from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from ketnap.accounts.models import display_name
from ketnap.rules.dates import ddmmyyyy_hhmm


@dataclass(frozen=True)
class Stamp:
    author: str  # "Họ tên (tài khoản)"
    at: dt.datetime

    @property
    def line(self) -> str:
        return _(
            "Tải bởi %(who)s lúc %(at)s — tài liệu có dữ liệu cá nhân, chỉ dùng cho công tác đảng, không chia sẻ "
            "ra ngoài."
        ) % {"who": self.author, "at": ddmmyyyy_hhmm(timezone.localtime(self.at))}


def stamp_for(user, at: dt.datetime | None = None) -> Stamp:
    return Stamp(f"{display_name(user)} ({user.get_username()})", at or timezone.now())


def stamp_docx(data: bytes, stamp: Stamp) -> bytes:
    """The .docx with core properties (author, last modified by, comments) and the line in every footer."""
    from docx import Document
    from docx.shared import Pt

    document = Document(io.BytesIO(data))
    props = document.core_properties
    props.author = props.last_modified_by = stamp.author
    props.comments = stamp.line
    props.modified = stamp.at.replace(tzinfo=None)  # python-docx writes naive datetimes as UTC
    for index, section in enumerate(document.sections):
        if index and section.footer.is_linked_to_previous:
            continue  # shares the footer above
        paragraph = section.footer.add_paragraph()
        run = paragraph.add_run(stamp.line)
        run.font.size = Pt(7)
        run.italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


EXCEL_FOOTER_TEXT_MAX = 200  # Excel refuses a header or footer over 255 characters, its formatting codes included


def stamp_workbook(workbook, stamp: Stamp) -> None:
    """An openpyxl workbook (write-only too, before it is saved) with the stamp in its properties and in the printed
    footer of every sheet. A printed footer is no cell: a roster handed back to be corrected and imported again
    (ketnap.imports.errorfile) gains no row the importer would read."""
    props = workbook.properties
    props.creator = props.lastModifiedBy = stamp.author
    props.description = stamp.line
    text = stamp.line.replace("&", "&&")  # "&" starts a formatting code in an Excel footer
    if len(text) > EXCEL_FOOTER_TEXT_MAX:
        text = text[: EXCEL_FOOTER_TEXT_MAX - 1].rstrip("&") + "…"
    for sheet in workbook.worksheets:
        footer = sheet.oddFooter.center
        footer.text, footer.size, footer.font, footer.color = text, 7, "Times New Roman,Italic", "808080"


def stamp_xlsx(data: bytes, stamp: Stamp) -> bytes:
    """A stored .xlsx (e.g. the rows a partial import left out) read, stamped (`stamp_workbook`) and written again."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    stamp_workbook(workbook, stamp)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# The visible line on a PDF page: small italic grey, centred in the bottom margin, below the page number of the
# statistical forms (stats/pdf.py: in the middle of a 20 mm margin) and above what a printer cannot reach.
PDF_LINE_BOTTOM_MM = 4
PDF_LINE_SIDE_MM = 12
PDF_LINE_CSS = (
    "@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}\n"
    'html {{ font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; }}\n'
    "body {{ margin: 0; }}\n"
    "p {{ position: absolute; bottom: {bottom}mm; left: {side}mm; right: {side}mm; margin: 0; text-align: center; "
    "font-size: 7pt; font-style: italic; line-height: 1.15; color: #666; }}"
)


def _pdf_overlay(stamp: Stamp, width: float, height: float):
    """One page of `width` × `height` points with nothing but the stamp line, made by WeasyPrint with the fonts of
    the printed documents (Liberation Serif: Vietnamese glyphs, embedded); stats.pdf.PdfUnavailable without it."""
    from pypdf import PdfReader

    from ketnap.stats.pdf import html_to_pdf

    css = PDF_LINE_CSS.format(width=width, height=height, bottom=PDF_LINE_BOTTOM_MM, side=PDF_LINE_SIDE_MM)
    html = (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>{css}</style></head>'
        f"<body><p>{escape(stamp.line)}</p></body></html>"
    )
    return PdfReader(io.BytesIO(html_to_pdf(html))).pages[0]


def _pdf_date(at: dt.datetime) -> str:
    """A PDF date in local time with its offset: D:20260302090500+07'00'."""
    local = timezone.localtime(at)
    offset = local.strftime("%z")
    return f"{local:D:%Y%m%d%H%M%S}{offset[0]}{offset[1:3]}'{offset[3:5]}'"


def stamp_pdf(data: bytes, stamp: Stamp, overlays: dict | None = None) -> bytes:
    """The PDF with the stamp line at the bottom of every page and Author, Subject (the line) and ModDate in its
    document information. The line is rendered once per page size (`overlays`: pass one dict to share the renderings
    between the files of one download, e.g. a zip) and laid over each page; the document itself is not re-rendered,
    so a cached PDF is stamped in milliseconds. Raises stats.pdf.PdfUnavailable when WeasyPrint cannot run."""
    from pypdf import PdfReader, PdfWriter, Transformation

    overlays = {} if overlays is None else overlays
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        if page.rotation:
            page.transfer_rotation_to_content()  # the overlay then lies on the page as it is seen
        box = page.cropbox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        if (stamp, size) not in overlays:
            overlays[stamp, size] = _pdf_overlay(stamp, *size)
        origin = (float(box.left), float(box.bottom))
        page.merge_transformed_page(overlays[stamp, size], Transformation().translate(*origin), over=True)
        page.compress_content_streams()
    writer.add_metadata(
        {
            "/Author": stamp.author,
            "/Subject": stamp.line,
            "/ModDate": _pdf_date(stamp.at),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
