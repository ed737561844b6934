"""Who downloaded a file with names, and when, written into the file: its properties and a footer line.

A file that leaves the office (a USB stick, an e-mail) then still says whose copy it is. CSV gets no stamp: it is read
by the CSDL đảng viên import and by spreadsheets, and any line before or after the header would be read as data; its
download is in the read log like every other."""

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ketnap.accounts.models import display_name


@dataclass(frozen=True)
class Stamp:
    author: str  # "Họ tên (tài khoản)"
    at: dt.datetime

    @property
    def line(self) -> str:
        return _(
            "Tải bởi %(who)s lúc %(at)s — tài liệu có dữ liệu cá nhân, chỉ dùng cho công tác đảng, không chia sẻ "
            "ra ngoài."
        ) % {"who": self.author, "at": f"{timezone.localtime(self.at):%d/%m/%Y %H:%M}"}


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


def _pdf_text(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def stamp_pdf(data: bytes, stamp: Stamp) -> bytes:
    """The PDF with Author and Subject in its document information, by an incremental update (the original bytes
    kept, a new Info object and trailer appended): no PDF library needed, and a cached document is not re-rendered.
    A PDF whose trailer cannot be read is returned unchanged."""
    start = data.rfind(b"startxref")
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", data)
    sizes = re.findall(rb"/Size\s+(\d+)", data)
    if start < 0 or not root or not sizes:
        return data
    previous = int(data[start + len(b"startxref") :].split()[0])
    number = max(int(s) for s in sizes)
    when = timezone.localtime(stamp.at).strftime("D:%Y%m%d%H%M%S")
    body = b"\n%d 0 obj\n<< /Author %s /Subject %s /ModDate (%s) /Producer (ketnap) >>\nendobj\n" % (
        number,
        _pdf_text(stamp.author),
        _pdf_text(stamp.line),
        when.encode(),
    )
    offset = len(data) + body.index(b"%d 0 obj" % number)
    xref = len(data) + len(body)
    ids = re.findall(rb"/ID\s*(\[[^\]]*\])", data)
    tail = (
        b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n"
        b"trailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d%s >>\nstartxref\n%d\n%%%%EOF\n"
    ) % (
        number,
        offset,
        number + 1,
        root[-1],
        number,
        previous,
        b" /ID " + ids[-1] if ids else b"",
        xref,
    )
    return data + body + tail
