"""Builds the shipped .docx templates (docxtpl/Jinja fields) in src/ketnap/documents/templates_docx/: a build-time
tool, not part of the installed package (tests/test_documents.py checks the committed files match it).

Run after changing a layout, then commit the .docx files:

    .venv/bin/python scripts/build_templates.py

The files are ordinary Word documents: an office may open one in Word or LibreOffice, change the wording
(keeping the {{ field }} tags listed in ketnap.documents.fields), and drop it with the same file name into
KETNAP_DATA_DIR/templates_docx/; ketnap then uses it instead of the shipped one, without any code change.

Layout: thể thức văn bản của Đảng (HD 36-HD/VPTW): top left the superior organisation in capitals and the
issuing body in bold capitals with "*" under it and the number; top right "ĐẢNG CỘNG SẢN VIỆT NAM" bold and
underlined, the place and date in italics; the title in bold capitals; body 14 pt Times New Roman, justified,
first-line indent; signature block "T/M …" on the right and "Nơi nhận" on the left. Margins: top/bottom 20 mm,
left 30 mm, right 15 mm. LibreOffice substitutes Liberation Serif for Times New Roman (same metrics).
The wording of each form follows 12-HD/BTCTW 2022 as quoted by the secondary sources in rules.md §2.5 (see
ketnap/documents/forms.py for each form's source and what is assumed).
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "src" / "ketnap" / "documents" / "templates_docx"
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):  # python-docx sets only ascii/hAnsi
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    doc.core_properties.title = ""
    doc.core_properties.author = "ketnap"
    return doc


def run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=None):
    r = paragraph.add_run(text)
    r.bold, r.italic, r.underline = bold, italic, underline
    if size:
        r.font.size = Pt(size)
    return r


def line(container, text: str = "", *, align=LEFT, indent=False, space_after=0, **fmt):
    p = container.add_paragraph()
    p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    p.paragraph_format.space_after = Pt(space_after)
    if text:
        run(p, text, **fmt)
    return p


def _cell(table, row, col, width_mm):
    cell = table.cell(row, col)
    cell.width = Mm(width_mm)
    cell.paragraphs[0].text = ""
    return cell


UNDATED = "ngày … tháng … năm …"  # a date the office writes by hand
SIGNER_POST = "{{ signer_post }}"  # BÍ THƯ, or K/T BÍ THƯ / PHÓ BÍ THƯ (?nguoi-ky=pho-bi-thu)


def mark(doc, code: str):
    """“Mẫu 6-KNĐ”: the form's number at the top right, above the heading, as on the forms of 12-HD/BTCTW."""
    line(doc, f"Mẫu {code}", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True, size=12)


def header(doc, superior: str, issuer: str, number: str | None, date: str = "{{ date_long }}"):
    """The two-column heading of a party document (issuer left, party name, place and date right)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = _cell(table, 0, 0, 75), _cell(table, 0, 1, 90)
    first = left.paragraphs[0]
    first.alignment = CENTER
    run(first, superior, size=13)
    line(left, issuer, align=CENTER, bold=True, size=13)
    line(left, "*", align=CENTER, size=13)
    if number:
        line(left, number, align=CENTER, size=13)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14)
    line(right, "")
    line(right, "{{ place }}, " + date, align=CENTER, italic=True, size=14)
    line(doc, "")


def title(doc, main: str, *subtitles: str):
    line(doc, main, align=CENTER, bold=True, size=15)
    for sub in subtitles:
        line(doc, sub, align=CENTER, bold=True)
    line(doc, "-----", align=CENTER)
    line(doc, "")


def body(doc, *paragraphs: str):
    for text in paragraphs:
        line(doc, text, align=JUSTIFY, indent=True, space_after=6)


def signature(doc, receivers: list[str], on_behalf: str, post: str, *, stamp: bool = False):
    """A chi bộ has no seal: its secretary signs; a committee signs and stamps."""
    line(doc, "")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = _cell(table, 0, 0, 80), _cell(table, 0, 1, 85)
    head = left.paragraphs[0]
    run(head, "Nơi nhận:", bold=True, italic=True, underline=True, size=12)
    for receiver in receivers:
        line(left, receiver, size=11)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, on_behalf, bold=True)
    line(right, post, align=CENTER, bold=True)
    line(right, "(Ký tên, đóng dấu)" if stamp else "(Ký, ghi rõ họ tên)", align=CENTER, italic=True)
    for _ in range(3):
        line(right, "")
    line(right, "{{ signer_name }}", align=CENTER, bold=True)


# --- the forms ------------------------------------------------------------------------------------------------
VOTES_CELL = (
    "Tổng số đảng viên của chi bộ: {{ members_all }} đồng chí, trong đó đảng viên chính thức: {{ members_total }} "
    "đồng chí, đảng viên dự bị: {{ members_probationary }} đồng chí."
)
PRESENCE_CELL = (
    "Có mặt: …… đồng chí (chính thức: ……, dự bị: ……); vắng mặt: …… đồng chí, trong đó không tính vào số biểu quyết "
    "(chuyển sinh hoạt tạm thời, được miễn sinh hoạt và vắng mặt): {{ members_excused }} đồng chí. Số đảng viên "
    "chính thức được tính để biểu quyết: {{ members_counted }} đồng chí."
)
BASIS = (
    "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "- Căn cứ {{ regulation_basis }};",
    "- Căn cứ {{ guidance_basis }};",
)


def form_6(doc):
    mark(doc, "6-KNĐ")
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", "Số {{ document_number }}")
    title(doc, "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên")
    body(
        doc,
        "Ngày {{ date }}, {{ cell_name }} đã họp để xét, đề nghị kết nạp quần chúng {{ person_name }} vào Đảng.",
        VOTES_CELL,
        PRESENCE_CELL,
        "Chủ trì hội nghị: {{ dots }}; thư ký hội nghị: {{ dots }}.",
        "Sau khi nghiên cứu Đơn xin vào Đảng, Lý lịch của người xin vào Đảng, giấy giới thiệu của người giới thiệu, "
        "ý kiến nhận xét của các đoàn thể và chi ủy nơi cư trú và các văn bản liên quan, chi bộ thảo luận, "
        "biểu quyết, kết quả như sau:",
        "1. Về quần chúng: {{ person_name }}, sinh ngày {{ birth_date }}, giới tính {{ gender }}, "
        "dân tộc {{ ethnicity }}, tôn giáo {{ religion }}; trình độ chuyên môn {{ professional_level }}; "
        "chức vụ, đơn vị công tác: {{ job_title }}, {{ work_unit }}.",
        "2. Những ưu điểm, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, năng lực công tác, "
        "quan hệ quần chúng: {{ note }}",
        "3. Về lý lịch: đã được thẩm tra, kết luận theo quy định.",
        "4. Số đảng viên chính thức tán thành việc kết nạp quần chúng {{ person_name }} vào Đảng: "
        "{{ votes_for }} đồng chí, đạt {{ votes_percent }} so với tổng số đảng viên chính thức được tính; "
        "số không tán thành: {{ votes_against }} đồng chí.",
        "Chi bộ đề nghị {{ proposal_to }} xem xét, kết nạp quần chúng {{ person_name }} vào Đảng Cộng sản Việt Nam.",
    )
    signature(doc, ["- {{ proposal_to }},", "- Lưu chi bộ."], "T/M CHI BỘ", SIGNER_POST)


def form_8(doc):
    mark(doc, "8-KNĐ")
    header(doc, "{{ base_superior_upper }}", "{{ base_committee_upper }}", "Số {{ document_number }}")
    title(doc, "NGHỊ QUYẾT", "{{ committee_subject }}")
    body(
        doc,
        "Ngày {{ date }}, {{ base_committee_name }} đã họp xét việc kết nạp quần chúng {{ person_name }} "
        "vào Đảng, theo Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} "
        "của {{ cell_name }}.",
        "Tổng số cấp ủy viên: {{ members_total }} đồng chí; không tính vào số biểu quyết: "
        "{{ members_excused }} đồng chí.",
        "Sau khi xem xét nghị quyết đề nghị kết nạp đảng viên của chi bộ và hồ sơ của người xin vào Đảng, "
        "Đảng ủy thống nhất kết luận:",
        "1. Quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc {{ ethnicity }}, "
        "tôn giáo {{ religion }}; {{ job_title }}, {{ work_unit }}.",
        "2. Những ưu điểm, khuyết điểm chính; về lý lịch: {{ note }}",
        "3. Số cấp ủy viên tán thành việc kết nạp quần chúng {{ person_name }} vào Đảng: {{ votes_for }} "
        "đồng chí, đạt {{ votes_percent }} so với tổng số cấp ủy viên; số không tán thành: {{ votes_against }} "
        "đồng chí.",
        "{{ committee_conclusion }}",
    )
    signature(
        doc,
        ["- {{ committee_receiver }},", "- {{ cell_name }},", "- Lưu Văn phòng Đảng ủy."],
        "T/M ĐẢNG ỦY",
        SIGNER_POST,
        stamp=True,
    )


def form_9(doc):
    mark(doc, "9-KNĐ")
    header(doc, "{{ deciding_superior_upper }}", "{{ deciding_name_upper }}", "Số {{ document_number }}")
    title(doc, "QUYẾT ĐỊNH", "kết nạp đảng viên")
    line(doc, "{{ deciding_body_upper }}", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        *BASIS,
        "- Xét Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} của {{ cell_name }}"
        "{{ committee_resolution_text }} đề nghị kết nạp đảng viên,",
    )
    line(doc, "QUYẾT ĐỊNH", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        "Điều 1. Kết nạp quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc {{ ethnicity }}, "
        "tôn giáo {{ religion }}, {{ job_title }}, {{ work_unit }}, vào Đảng Cộng sản Việt Nam.",
        "Điều 2. {{ cell_name }} có trách nhiệm tổ chức lễ kết nạp đảng viên theo quy định (trong thời hạn "
        "30 ngày làm việc kể từ ngày nhận được quyết định), phân công đảng viên chính thức giúp đỡ đảng viên "
        "dự bị.",
        "Điều 3. {{ base_committee_name }}, {{ cell_name }} và đồng chí {{ person_name }} chịu trách nhiệm "
        "thi hành Quyết định này.",
    )
    signature(
        doc,
        ["- Như Điều 3,", "- Lưu hồ sơ đảng viên, Văn phòng."],
        "{{ deciding_on_behalf }}",
        SIGNER_POST,
        stamp=True,
    )


def form_13(doc):
    mark(doc, "13-KNĐ")
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", "Số {{ document_number }}")
    title(doc, "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức")
    body(
        doc,
        "Ngày {{ date }}, {{ cell_name }} đã họp xét, đề nghị công nhận đảng viên chính thức cho đồng chí "
        "{{ person_name }}, được kết nạp vào Đảng ngày {{ ceremony_date }} theo Quyết định số "
        "{{ decision_number }} ngày {{ decision_date }} của {{ decision_issuer }}.",
        VOTES_CELL,
        PRESENCE_CELL,
        "Sau khi xem xét Bản tự kiểm điểm của đảng viên dự bị, Bản nhận xét của đảng viên được phân công giúp "
        "đỡ, ý kiến nhận xét của các đoàn thể và chi ủy nơi cư trú, chi bộ thảo luận, biểu quyết, kết quả:",
        "1. Thời gian dự bị 12 tháng, từ ngày {{ ceremony_date }} đến ngày {{ official_date }}.",
        "2. Những ưu điểm, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật, "
        "năng lực công tác, quan hệ quần chúng trong thời gian dự bị: {{ note }}",
        "3. Số đảng viên chính thức tán thành công nhận đồng chí {{ person_name }} là đảng viên chính thức: "
        "{{ votes_for }} đồng chí, đạt {{ votes_percent }} so với tổng số đảng viên chính thức được tính; "
        "số không tán thành: {{ votes_against }} đồng chí.",
        "Chi bộ đề nghị {{ proposal_to }} xem xét, công nhận đồng chí {{ person_name }} là đảng viên chính thức.",
    )
    signature(doc, ["- {{ proposal_to }},", "- Lưu chi bộ."], "T/M CHI BỘ", SIGNER_POST)


def form_16(doc):
    mark(doc, "16-KNĐ")
    header(doc, "{{ deciding_superior_upper }}", "{{ deciding_name_upper }}", "Số {{ document_number }}")
    title(doc, "QUYẾT ĐỊNH", "công nhận đảng viên chính thức")
    line(doc, "{{ deciding_body_upper }}", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        *BASIS,
        "- Xét Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} của {{ cell_name }}"
        "{{ committee_resolution_text }} đề nghị công nhận đảng viên chính thức,",
    )
    line(doc, "QUYẾT ĐỊNH", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        "Điều 1. Công nhận đồng chí {{ person_name }}, sinh ngày {{ birth_date }}, được kết nạp vào Đảng ngày "
        "{{ ceremony_date }} theo Quyết định số {{ decision_number }} ngày {{ decision_date }}, là đảng viên "
        "chính thức kể từ ngày {{ official_date }}. Tuổi đảng của đồng chí được tính từ ngày {{ decision_date }}.",
        "Điều 2. {{ base_committee_name }}, {{ cell_name }} và đồng chí {{ person_name }} chịu trách nhiệm "
        "thi hành Quyết định này.",
    )
    signature(
        doc, ["- Như Điều 2,", "- Lưu hồ sơ đảng viên, Văn phòng."], "{{ deciding_on_behalf }}", SIGNER_POST, stamp=True
    )


def ceremony_programme(doc):
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", None)
    title(doc, "CHƯƠNG TRÌNH", "Lễ kết nạp đảng viên")
    body(
        doc,
        "Người được kết nạp: quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, {{ job_title }}, "
        "{{ work_unit }}.",
        "Thời gian: {{ ceremony_time }}. Địa điểm: {{ ceremony_venue }}.",
        "Khánh tiết (từ dưới lên): khẩu hiệu “Đảng Cộng sản Việt Nam quang vinh muôn năm”; cờ Đảng, cờ Tổ quốc; "
        "tượng hoặc ảnh Chủ tịch Hồ Chí Minh (bên trái), C. Mác – V.I. Lênin (bên phải); tiêu đề "
        "“Lễ kết nạp đảng viên”.",
        "1. Chào cờ (hát Quốc ca, Quốc tế ca).",
        "2. Tuyên bố lý do, giới thiệu đại biểu.",
        "3. Bí thư chi bộ đọc Quyết định số {{ decision_number }} ngày {{ decision_date }} của "
        "{{ decision_issuer }} về việc kết nạp quần chúng {{ person_name }} vào Đảng.",
        "4. Đảng viên mới {{ person_name }} đọc lời tuyên thệ.",
        "5. Đại diện chi ủy nói rõ nhiệm vụ, quyền hạn của đảng viên; phân công đồng chí {{ mentor_name }} là "
        "đảng viên chính thức giúp đỡ đảng viên dự bị.",
        "6. Đại diện cấp ủy cấp trên phát biểu ý kiến (nếu có).",
        "7. Bế mạc (chào cờ).",
    )
    signature(doc, ["- Đảng ủy cấp trên (để báo cáo),", "- Lưu chi bộ."], "T/M CHI BỘ", SIGNER_POST)


def _dotted(doc, n: int):
    """Dotted lines where the meeting's or the committee's own words are written (in Word or by hand)."""
    for _ in range(n):
        line(doc, "." * 95, space_after=4)


def form_3(doc):
    """A letter of one official member (no issuing body): party name top right, the introducer signs."""
    mark(doc, "3-KNĐ")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _cell(table, 0, 0, 75)
    right = _cell(table, 0, 1, 90)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True)
    line(right, "")
    line(right, "{{ place }}, {{ date_long }}", align=CENTER, italic=True)
    line(doc, "")
    title(doc, "GIẤY GIỚI THIỆU", "người vào Đảng")
    line(doc, "Kính gửi: {{ cell_name }}", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        "Tôi là: {{ introducer_name }}, sinh ngày {{ introducer_birth_date }}.",
        "Vào Đảng ngày {{ introducer_joined_on }}; chính thức ngày {{ introducer_official_on }}.",
        "Chức vụ, đơn vị công tác: {{ introducer_job_title }}, {{ introducer_work_unit }}.",
        "Hiện sinh hoạt tại: {{ introducer_cell_name }}.",
        "Tôi cùng công tác với quần chúng {{ person_name }} từ ngày {{ together_since }} đến nay.",
        "Tôi giới thiệu quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc {{ ethnicity }}, "
        "tôn giáo {{ religion }}; {{ job_title }}, {{ work_unit }}, vào Đảng Cộng sản Việt Nam.",
        "Qua thời gian cùng công tác, tôi báo cáo với chi bộ về lý lịch, phẩm chất chính trị, đạo đức, lối sống, "
        "năng lực công tác, quan hệ quần chúng của quần chúng {{ person_name }} như sau:",
    )
    line(doc, "1. Ưu điểm:", bold=True, space_after=2)
    _dotted(doc, 4)
    line(doc, "2. Khuyết điểm:", bold=True, space_after=2)
    _dotted(doc, 3)
    body(doc, "Tôi xin chịu trách nhiệm trước chi bộ về sự giới thiệu của mình.")
    line(doc, "")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _cell(table, 0, 0, 80)
    sign = _cell(table, 0, 1, 85)
    top = sign.paragraphs[0]
    top.alignment = CENTER
    run(top, "NGƯỜI GIỚI THIỆU", bold=True)
    line(sign, "(Ký, ghi rõ họ tên)", align=CENTER, italic=True)
    for _ in range(3):
        line(sign, "")
    line(sign, "{{ signer_name }}", align=CENTER, bold=True)


def _party_title_only(doc, date: str = "{{ date_long }}"):
    """The heading of a letter without an issuing body: the party's name and the date, top right."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _cell(table, 0, 0, 75)
    right = _cell(table, 0, 1, 90)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True)
    line(right, "")
    line(right, "{{ place }}, " + date, align=CENTER, italic=True)
    line(doc, "")


def form_3a(doc):
    """One letter of two official members introducing together; each states who they are and signs."""
    mark(doc, "3A-KNĐ")
    _party_title_only(doc)
    title(doc, "GIẤY GIỚI THIỆU", "người vào Đảng", "(của hai đảng viên chính thức)")
    line(doc, "Kính gửi: {{ cell_name }}", align=CENTER, bold=True, space_after=6)
    body(
        doc,
        "Chúng tôi là:",
        "1. {{ introducer_name }}, sinh ngày {{ introducer_birth_date }}; vào Đảng ngày {{ introducer_joined_on }}, "
        "chính thức ngày {{ introducer_official_on }}; chức vụ, đơn vị công tác: {{ introducer_job_title }}, "
        "{{ introducer_work_unit }}; sinh hoạt tại {{ introducer_cell_name }}; cùng công tác với quần chúng "
        "{{ person_name }} từ ngày {{ together_since }}.",
        "2. {{ introducer2_name }}, sinh ngày {{ introducer2_birth_date }}; vào Đảng ngày {{ introducer2_joined_on }}, "
        "chính thức ngày {{ introducer2_official_on }}; chức vụ, đơn vị công tác: {{ introducer2_job_title }}, "
        "{{ introducer2_work_unit }}; sinh hoạt tại {{ introducer2_cell_name }}; cùng công tác với quần chúng "
        "{{ person_name }} từ ngày {{ introducer2_together_since }}.",
        "Chúng tôi giới thiệu quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc {{ ethnicity }}, "
        "tôn giáo {{ religion }}; {{ job_title }}, {{ work_unit }}, vào Đảng Cộng sản Việt Nam.",
        "Qua thời gian cùng công tác, chúng tôi báo cáo với chi bộ về lý lịch, phẩm chất chính trị, đạo đức, lối sống, "
        "năng lực công tác, quan hệ quần chúng của quần chúng {{ person_name }} như sau:",
    )
    line(doc, "1. Ưu điểm:", bold=True, space_after=2)
    _dotted(doc, 4)
    line(doc, "2. Khuyết điểm:", bold=True, space_after=2)
    _dotted(doc, 3)
    body(doc, "Chúng tôi xin chịu trách nhiệm trước chi bộ về sự giới thiệu của mình.")
    line(doc, "")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    for col, (post, name) in enumerate(
        (("NGƯỜI GIỚI THIỆU THỨ NHẤT", "{{ introducer_name }}"), ("NGƯỜI GIỚI THIỆU THỨ HAI", "{{ introducer2_name }}"))
    ):
        cell = _cell(table, 0, col, 82)
        top = cell.paragraphs[0]
        top.alignment = CENTER
        run(top, post, bold=True)
        line(cell, "(Ký, ghi rõ họ tên)", align=CENTER, italic=True)
        for _ in range(3):
            line(cell, "")
        line(cell, name, align=CENTER, bold=True)


def _union_header(doc, union: str, right_top: str, right_sub: str | None, code: str):
    """The heading of a Youth / Trade Union document (assumed: the union's own layout, not the party's)."""
    mark(doc, code)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = _cell(table, 0, 0, 75), _cell(table, 0, 1, 90)
    first = left.paragraphs[0]
    first.alignment = CENTER
    run(first, "{{ dots }}", size=13)
    line(left, union, align=CENTER, bold=True, size=13)
    line(left, "*", align=CENTER, size=13)
    line(left, "Số {{ dots }}", align=CENTER, size=13)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, right_top, bold=True, underline=right_sub is None, size=13)
    if right_sub:
        line(right, right_sub, align=CENTER, bold=True, underline=True, size=13)
    line(right, "")
    line(right, "{{ place }}, {{ date_long }}", align=CENTER, italic=True, size=14)
    line(doc, "")


def _union_resolution(doc, *, code: str, union: str, right: tuple[str, str | None], member: str, joined: str):
    _union_header(doc, union, *right, code)
    title(doc, "NGHỊ QUYẾT", f"giới thiệu {member} ưu tú vào Đảng")
    body(
        doc,
        f"Ngày {{{{ date }}}}, Ban Chấp hành {union.title()} {{{{ dots }}}} đã họp xét, giới thiệu {member} "
        "{{ person_name }} vào Đảng.",
        "Tổng số ủy viên Ban Chấp hành: …… đồng chí; có mặt: …… đồng chí; vắng mặt: …… đồng chí.",
        member.capitalize() + " {{ person_name }}, sinh ngày {{ birth_date }}, giới tính {{ gender }}, dân tộc "
        "{{ ethnicity }}, tôn giáo {{ religion }}; " + joined + "chức vụ, đơn vị công tác: {{ job_title }}, "
        "{{ work_unit }}.",
        "Sau khi xem xét, Ban Chấp hành thảo luận, biểu quyết, kết quả như sau:",
    )
    line(
        doc,
        "1. Ưu điểm, khuyết điểm chính về phẩm chất chính trị, đạo đức, lối sống, năng lực công tác:",
        space_after=2,
    )
    _dotted(doc, 4)
    body(
        doc,
        f"2. Số ủy viên Ban Chấp hành tán thành giới thiệu {member} {{{{ person_name }}}} vào Đảng: …… đồng chí, "
        "đạt ……% so với tổng số ủy viên Ban Chấp hành; số không tán thành: …… đồng chí.",
        f"Ban Chấp hành {union.title()} {{{{ dots }}}} giới thiệu {member} {{{{ person_name }}}} với "
        "{{ cell_name }} để xem xét, kết nạp vào Đảng Cộng sản Việt Nam.",
    )
    signature(doc, ["- {{ cell_name }},", "- Lưu."], "T/M BAN CHẤP HÀNH", SIGNER_POST, stamp=True)


def form_4(doc):
    _union_resolution(
        doc,
        code="4-KNĐ",
        union="ĐOÀN CƠ SỞ",
        right=("ĐOÀN TNCS HỒ CHÍ MINH", None),
        member="đoàn viên",
        joined="vào Đoàn ngày {{ youth_union_joined_on }}; nghị quyết của chi đoàn (mẫu 4_1-KNĐ): {{ dots }}; ",
    )


def form_4a(doc):
    _union_resolution(
        doc,
        code="4A-KNĐ",
        union="CÔNG ĐOÀN CƠ SỞ",
        right=("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
        member="công đoàn viên",
        joined="",
    )


def _opinions(doc, recognition: bool):
    mark(doc, "12-KNĐ" if recognition else "5-KNĐ")
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", None, "{{ opinions_date_long }}")
    if recognition:
        title(
            doc,
            "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú",
            "đối với đảng viên dự bị",
        )
    else:
        title(
            doc,
            "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú",
            "đối với người xin vào Đảng",
        )
    line(doc, "Kính gửi: {{ cell_name }}", align=CENTER, bold=True, space_after=6)
    who = "đảng viên dự bị" if recognition else "quần chúng"
    intro = (
        "Thực hiện nhiệm vụ chi bộ giao, chi ủy đã tổ chức lấy ý kiến nhận xét của các đoàn thể chính trị - xã hội "
        f"nơi làm việc và chi ủy nơi cư trú đối với {who} {{{{ person_name }}}}, sinh ngày {{{{ birth_date }}}}, "
        "{{ job_title }}, {{ work_unit }}"
    )
    if recognition:
        intro += ", kết nạp vào Đảng ngày {{ ceremony_date }}, hết thời gian dự bị ngày {{ official_date }}"
    body(doc, intro + ". Kết quả tổng hợp như sau:")
    for part in (
        "1. Ý kiến nhận xét của các đoàn thể chính trị - xã hội nơi làm việc (Công đoàn, Đoàn Thanh niên …):",
        "- Số người được hỏi ý kiến: ……; số tán thành: ……; số không tán thành: …….",
        "- Ưu điểm, khuyết điểm chính:",
    ):
        line(doc, part, bold=part[0].isdigit(), space_after=2)
    _dotted(doc, 4)
    for part in (
        "2. Ý kiến nhận xét của chi ủy (chi bộ) nơi cư trú:",
        "- Chi ủy, chi bộ nơi cư trú: ……………………; ngày nhận xét: ……………",
        "- Nội dung nhận xét:",
    ):
        line(doc, part, bold=part[0].isdigit(), space_after=2)
    _dotted(doc, 4)
    line(doc, "3. Nhận xét, đề nghị của chi ủy:", bold=True, space_after=2)
    _dotted(doc, 4)
    signature(doc, ["- Chi bộ,", "- Lưu hồ sơ."], "T/M CHI ỦY", SIGNER_POST)


def form_5(doc):
    _opinions(doc, recognition=False)


def form_12(doc):
    _opinions(doc, recognition=True)


def _appraisal(doc, recognition: bool):
    mark(doc, "14-KNĐ" if recognition else "7-KNĐ")
    header(doc, "{{ sub_superior_upper }}", "{{ sub_committee_upper }}", "Số {{ document_number }}")
    if recognition:
        title(doc, "BÁO CÁO", "thẩm định đề nghị công nhận đảng viên chính thức")
        subject = (
            "Căn cứ Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} của {{ cell_name }} "
            "đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}, sinh ngày {{ birth_date }}, "
            "{{ job_title }}, {{ work_unit }}, kết nạp vào Đảng ngày {{ ceremony_date }} theo Quyết định số "
            "{{ decision_number }} ngày {{ decision_date }} của {{ decision_issuer }};"
        )
        papers = (
            "1. Hồ sơ: Bản tự kiểm điểm của đảng viên dự bị; Bản nhận xét của đảng viên được phân công giúp đỡ; "
            "tổng hợp ý kiến nhận xét của đoàn thể chính trị - xã hội và chi ủy nơi cư trú; nghị quyết của chi bộ: "
            "{{ dots }}"
        )
        votes = (
            "2. Thời gian dự bị từ ngày {{ ceremony_date }} đến ngày {{ official_date }}; ưu điểm, khuyết điểm chính "
            "trong thời gian dự bị:"
        )
        proposal = (
            "Đảng ủy bộ phận đề nghị {{ base_committee_name }} xem xét, công nhận đồng chí {{ person_name }} là "
            "đảng viên chính thức."
        )
    else:
        title(doc, "BÁO CÁO", "thẩm định đề nghị kết nạp đảng viên")
        subject = (
            "Căn cứ Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} của {{ cell_name }} "
            "đề nghị kết nạp quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc {{ ethnicity }}, "
            "tôn giáo {{ religion }}; {{ job_title }}, {{ work_unit }}, vào Đảng;"
        )
        papers = (
            "1. Hồ sơ: Đơn xin vào Đảng; Lý lịch của người xin vào Đảng và kết quả thẩm tra; giấy chứng nhận học lớp "
            "bồi dưỡng nhận thức về Đảng; giấy giới thiệu của người giới thiệu; tổng hợp ý kiến nhận xét của đoàn thể "
            "và chi ủy nơi cư trú; nghị quyết của chi bộ: {{ dots }}"
        )
        votes = "2. Ưu điểm, khuyết điểm chính; về lý lịch; về tiêu chuẩn, điều kiện kết nạp:"
        proposal = (
            "Đảng ủy bộ phận đề nghị {{ base_committee_name }} xem xét, đề nghị cấp có thẩm quyền kết nạp quần chúng "
            "{{ person_name }} vào Đảng Cộng sản Việt Nam."
        )
    body(
        doc,
        subject,
        "Ngày {{ date }}, {{ sub_committee_name }} đã thẩm định hồ sơ và nghị quyết của chi bộ. Kết quả như sau:",
        papers,
        votes,
    )
    _dotted(doc, 4)
    body(
        doc,
        "3. Về thủ tục, biểu quyết của chi bộ (tỷ lệ đảng viên chính thức tán thành so với số được tính): {{ dots }}",
        proposal,
    )
    signature(
        doc,
        ["- {{ base_committee_name }},", "- {{ cell_name }},", "- Lưu hồ sơ."],
        "T/M ĐẢNG ỦY",
        SIGNER_POST,
    )


def form_7(doc):
    _appraisal(doc, recognition=False)


def form_14(doc):
    _appraisal(doc, recognition=True)


def form_15(doc):
    mark(doc, "15-KNĐ")
    header(doc, "{{ base_superior_upper }}", "{{ base_committee_upper }}", "Số {{ document_number }}")
    title(doc, "NGHỊ QUYẾT", "{{ committee_subject }}")
    body(
        doc,
        "Ngày {{ date }}, {{ base_committee_name }} đã họp xét việc công nhận đảng viên chính thức cho đồng chí "
        "{{ person_name }}, theo Nghị quyết số {{ cell_resolution_number }} ngày {{ cell_resolution_date }} "
        "của {{ cell_name }}.",
        "Tổng số cấp ủy viên: {{ members_total }} đồng chí; không tính vào số biểu quyết: "
        "{{ members_excused }} đồng chí.",
        "Sau khi xem xét nghị quyết của chi bộ và hồ sơ đề nghị công nhận đảng viên chính thức, Đảng ủy thống nhất "
        "kết luận:",
        "1. Đồng chí {{ person_name }}, sinh ngày {{ birth_date }}, {{ job_title }}, {{ work_unit }}; kết nạp vào "
        "Đảng ngày {{ ceremony_date }} theo Quyết định số {{ decision_number }} ngày {{ decision_date }} của "
        "{{ decision_issuer }}; thời gian dự bị từ ngày {{ ceremony_date }} đến ngày {{ official_date }}.",
        "2. Những ưu điểm, khuyết điểm chính trong thời gian dự bị: {{ note }}",
        "3. Số cấp ủy viên tán thành công nhận đồng chí {{ person_name }} là đảng viên chính thức: {{ votes_for }} "
        "đồng chí, đạt {{ votes_percent }} so với tổng số cấp ủy viên; số không tán thành: {{ votes_against }} "
        "đồng chí.",
        "{{ committee_conclusion }}",
    )
    signature(
        doc,
        ["- {{ committee_receiver }},", "- {{ cell_name }},", "- Lưu Văn phòng Đảng ủy."],
        "T/M ĐẢNG ỦY",
        SIGNER_POST,
        stamp=True,
    )


def _minutes(doc, recognition: bool):
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", None)
    if recognition:
        title(doc, "BIÊN BẢN", "họp chi bộ xét đề nghị công nhận đảng viên chính thức")
        subject = (
            "Nội dung: xét, đề nghị công nhận đảng viên chính thức cho đồng chí {{ person_name }}, sinh ngày "
            "{{ birth_date }}, {{ job_title }}, {{ work_unit }}, kết nạp vào Đảng ngày {{ ceremony_date }} theo "
            "Quyết định số {{ decision_number }} ngày {{ decision_date }} của {{ decision_issuer }}; thời gian dự bị "
            "từ ngày {{ ceremony_date }} đến ngày {{ official_date }}."
        )
        report = (
            "1. Đồng chí {{ person_name }} đọc Bản tự kiểm điểm; đồng chí {{ mentor_name }} (đảng viên được phân "
            "công giúp đỡ) đọc Bản nhận xét; đại diện chi ủy báo cáo tổng hợp ý kiến nhận xét của đoàn thể và chi "
            "ủy nơi cư trú."
        )
        ask = "công nhận đồng chí {{ person_name }} là đảng viên chính thức"
    else:
        title(doc, "BIÊN BẢN", "họp chi bộ xét đề nghị kết nạp đảng viên")
        subject = (
            "Nội dung: xét, đề nghị kết nạp quần chúng {{ person_name }}, sinh ngày {{ birth_date }}, dân tộc "
            "{{ ethnicity }}, tôn giáo {{ religion }}; {{ job_title }}, {{ work_unit }}, vào Đảng."
        )
        report = (
            "1. Đại diện chi ủy báo cáo tóm tắt Đơn xin vào Đảng, Lý lịch của người xin vào Đảng và kết quả thẩm tra, "
            "giấy giới thiệu của người giới thiệu, tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú."
        )
        ask = "kết nạp quần chúng {{ person_name }} vào Đảng"
    body(
        doc,
        "Thời gian: …… giờ ……, ngày {{ date }}. Địa điểm: {{ dots }}",
        subject,
        "Chủ trì hội nghị: đồng chí {{ dots }}; thư ký hội nghị: đồng chí {{ dots }}.",
        "Tổng số đảng viên của chi bộ: {{ members_all }} đồng chí (chính thức: {{ members_total }}, dự bị: "
        "{{ members_probationary }}); không tính vào số biểu quyết (chuyển sinh hoạt tạm thời, được miễn sinh hoạt và "
        "vắng mặt): {{ members_excused }} đồng chí; số được tính để biểu quyết: {{ members_counted }} đồng chí.",
        "Có mặt: …… đồng chí (chính thức: ……, dự bị: ……); vắng mặt: …… đồng chí, lý do: {{ dots }}",
        "Đại biểu dự (nếu có): {{ dots }}",
    )
    line(doc, "DIỄN BIẾN HỘI NGHỊ", align=CENTER, bold=True, space_after=6)
    body(doc, report, "2. Ý kiến thảo luận của đảng viên:")
    _dotted(doc, 8)
    body(
        doc,
        "3. Biểu quyết (đảng viên chính thức; đảng viên dự bị không biểu quyết): số tán thành "
        "{{ votes_for }} đồng chí, đạt {{ votes_percent }} so với số được tính; số không tán thành "
        "{{ votes_against }} đồng chí.",
        "4. Kết quả: số tán thành {{ vote_result }}. Chi bộ đề nghị {{ proposal_to }} xem xét, " + ask + ".",
        "Hội nghị kết thúc lúc …… giờ …… cùng ngày. Biên bản đã được đọc lại cho hội nghị nghe và nhất trí thông qua.",
    )
    line(doc, "")
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    for col, post in enumerate(("THƯ KÝ HỘI NGHỊ", "CHỦ TRÌ HỘI NGHỊ")):
        cell = _cell(table, 0, col, 82)
        top = cell.paragraphs[0]
        top.alignment = CENTER
        run(top, post, bold=True)
        line(cell, "(Ký, ghi rõ họ tên)", align=CENTER, italic=True)


def minutes_admission(doc):
    _minutes(doc, recognition=False)


def minutes_recognition(doc):
    _minutes(doc, recognition=True)


def ceremony_invitation(doc):
    header(doc, "{{ cell_superior_upper }}", "{{ cell_name_upper }}", None, UNDATED)
    title(doc, "GIẤY MỜI")
    body(
        doc,
        "{{ cell_name }} trân trọng kính mời: {{ dots }}",
        "Tới dự Lễ kết nạp đảng viên cho quần chúng {{ person_name }}, {{ job_title }}, {{ work_unit }}, theo "
        "Quyết định số {{ decision_number }} ngày {{ decision_date }} của {{ decision_issuer }}.",
        "Thời gian: {{ ceremony_time }}.",
        "Địa điểm: {{ ceremony_venue }}.",
        "Sự có mặt của đồng chí góp phần vào thành công của buổi lễ.",
    )
    signature(doc, ["- Như trên,", "- Lưu chi bộ."], "T/M CHI BỘ", SIGNER_POST)


# --- blank forms the person writes by hand (tracked as DossierItem, never filled by ketnap) ------------------
def _blank_lines(doc, n: int):
    for _ in range(n):
        line(doc, "." * 95, space_after=4)


def blank_application(doc):
    mark(doc, "1-KNĐ")
    line(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=CENTER, bold=True, underline=True)
    line(doc, "")
    line(doc, "ĐƠN XIN VÀO ĐẢNG", align=CENTER, bold=True, size=15)
    line(doc, "")
    line(doc, "Kính gửi: Chi ủy, Đảng ủy " + "." * 50, space_after=6)
    for label in (
        "Tôi là",
        "Sinh ngày",
        "Nơi sinh",
        "Quê quán",
        "Dân tộc",
        "Tôn giáo",
        "Trình độ học vấn, chuyên môn",
        "Nơi cư trú",
        "Nghề nghiệp, đơn vị công tác",
    ):
        line(doc, f"{label}: " + "." * (90 - len(label)), space_after=4)
    line(doc, "Nhận thức của tôi về mục đích, lý tưởng của Đảng; động cơ xin vào Đảng:", space_after=4)
    _blank_lines(doc, 14)
    line(doc, "........, ngày ... tháng ... năm ...", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
    line(doc, "Người làm đơn (ký, ghi rõ họ tên)", align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)


BIOGRAPHY_ITEMS = [  # rules.md §2.4 (12-HD/BTCTW 2022 §1.4.2)
    "01) Họ và tên đang dùng (chữ in hoa)",
    "02) Nam, nữ",
    "03) Họ và tên khai sinh",
    "04) Các bí danh",
    "05) Sinh ngày … tháng … năm …",
    "06) Nơi sinh",
    "07) Quê quán",
    "08) Nơi cư trú (thường trú, tạm trú)",
    "09) Dân tộc",
    "10) Tôn giáo",
    "11) Nghề nghiệp hiện nay",
    "12) Trình độ hiện nay (giáo dục phổ thông, giáo dục nghề nghiệp, đại học và sau đại học, học hàm, "
    "lý luận chính trị, ngoại ngữ, tin học, tiếng dân tộc thiểu số)",
    "13) Ngày và nơi vào Đoàn TNCS Hồ Chí Minh",
    "14) Ngày và nơi vào Đảng lần thứ nhất (nếu có)",
    "15) Lịch sử bản thân",
    "16) Những công tác và chức vụ đã qua",
    "17) Đặc điểm lịch sử",
    "18) Những lớp đào tạo, bồi dưỡng đã qua",
    "19) Đi nước ngoài",
    "20) Khen thưởng",
    "21) Kỷ luật",
    "22) Hoàn cảnh gia đình",
    "23) Tự nhận xét",
    "24) Cam đoan và ký tên",
]


def blank_biography(doc):
    mark(doc, "2-KNĐ")
    line(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=CENTER, bold=True, underline=True)
    line(doc, "")
    line(doc, "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG", align=CENTER, bold=True, size=15)
    line(doc, "")
    for label in ("Họ và tên đang dùng", "Họ và tên khai sinh", "Quê quán", "Số LL"):
        line(doc, f"{label}: " + "." * (90 - len(label)), space_after=4)
    for item in BIOGRAPHY_ITEMS:
        line(doc, item + ":", bold=True, space_after=2)
        _blank_lines(doc, 3)
    line(doc, "NHẬN XÉT CỦA CHI ỦY", align=CENTER, bold=True)
    _blank_lines(doc, 5)
    line(doc, "CHỨNG NHẬN CỦA CẤP ỦY CƠ SỞ", align=CENTER, bold=True)
    _blank_lines(doc, 5)


def _blank_review(doc, code: str, heading: str, intro: str):
    mark(doc, code)
    line(doc, "ĐẢNG CỘNG SẢN VIỆT NAM", align=CENTER, bold=True, underline=True)
    line(doc, "")
    line(doc, heading, align=CENTER, bold=True, size=15)
    line(doc, "")
    line(doc, intro, space_after=4)
    for label in ("Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Chi bộ"):
        line(doc, f"{label}: " + "." * (90 - len(label)), space_after=4)
    for part in (
        "1. Ưu điểm (phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật, năng lực công tác, "
        "quan hệ quần chúng, thực hiện nhiệm vụ đảng viên):",
        "2. Khuyết điểm, nguyên nhân:",
        "3. Hướng khắc phục, kiến nghị:",
    ):
        line(doc, part, bold=True, space_after=2)
        _blank_lines(doc, 7)
    line(doc, "........, ngày ... tháng ... năm ...", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
    line(doc, "(Ký, ghi rõ họ tên)", align=WD_ALIGN_PARAGRAPH.RIGHT, bold=True)


def blank_self_review(doc):
    _blank_review(doc, "10-KNĐ", "BẢN TỰ KIỂM ĐIỂM CỦA ĐẢNG VIÊN DỰ BỊ", "Kính gửi: Chi bộ " + "." * 60)


def blank_mentor_review(doc):
    _blank_review(
        doc, "11-KNĐ", "BẢN NHẬN XÉT ĐẢNG VIÊN DỰ BỊ", "Của đảng viên chính thức được phân công giúp đỡ: " + "." * 35
    )


# --- list documents (one table; docxtpl repeats the row between {%tr for %} and {%tr endfor %}) -------------
def list_table(doc, columns: list[tuple[str, str, int]]):
    """A bordered table: heading row, then one row per `r` in `rows` (label, field, width in mm)."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (label, field, width) in enumerate(columns):
        head = _cell(table, 0, col, width).paragraphs[0]
        head.alignment = CENTER
        run(head, label, bold=True, size=12)
        _cell(table, 1, col, width)
        value = _cell(table, 2, col, width).paragraphs[0]
        run(value, "{{ r." + field + " }}", size=12)
        _cell(table, 3, col, width)
    run(table.cell(1, 0).paragraphs[0], "{%tr for r in rows %}")
    run(table.cell(3, 0).paragraphs[0], "{%tr endfor %}")


def list_signature(doc):
    line(doc, "")
    line(doc, "Tổng số: {{ count }} người.", italic=True)
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _cell(table, 0, 0, 80)
    right = _cell(table, 0, 1, 85)
    top = right.paragraphs[0]
    top.alignment = CENTER
    run(top, "NGƯỜI LẬP DANH SÁCH", bold=True)
    line(right, "(Ký, ghi rõ họ tên)", align=CENTER, italic=True)


def list_due_this_month(doc):
    header(doc, "{{ superior_upper }}", "{{ issuer_upper }}", None)
    title(doc, "DANH SÁCH", "người đến hạn trong tháng {{ month }}")
    list_table(
        doc,
        [
            ("STT", "no", 10),
            ("Họ và tên", "person_name", 35),
            ("Chi bộ", "cell_name", 30),
            ("Việc đến hạn", "step", 45),
            ("Hạn", "due", 22),
            ("Căn cứ", "source", 28),
        ],
    )
    list_signature(doc)


def list_course_nominations(doc):
    header(doc, "{{ superior_upper }}", "{{ issuer_upper }}", None)
    title(doc, "DANH SÁCH", "đề nghị cử đi học lớp bồi dưỡng nhận thức về Đảng")
    list_table(
        doc,
        [
            ("STT", "no", 10),
            ("Họ và tên", "person_name", 32),
            ("Ngày sinh", "birth_date", 22),
            ("Giới tính", "gender", 14),
            ("Khoa / phòng", "work_unit", 28),
            ("Chi bộ", "cell_name", 28),
            ("Giai đoạn", "stage", 26),
        ],
    )
    list_signature(doc)


def list_sympathisers(doc):
    header(doc, "{{ superior_upper }}", "{{ issuer_upper }}", None)
    title(doc, "DANH SÁCH", "quần chúng cảm tình Đảng")
    list_table(
        doc,
        [
            ("STT", "no", 10),
            ("Họ và tên", "person_name", 32),
            ("Ngày sinh", "birth_date", 22),
            ("Khoa / phòng", "work_unit", 28),
            ("Chi bộ", "cell_name", 28),
            ("Ngày vào danh sách", "since", 22),
            ("Đảng viên giúp đỡ", "helpers", 28),
        ],
    )
    list_signature(doc)


BUILDERS = {
    "3-KND-giay-gioi-thieu.docx": form_3,
    "3A-KND-giay-gioi-thieu-hai-dang-vien.docx": form_3a,
    "4-KND-nghi-quyet-doan-gioi-thieu.docx": form_4,
    "4A-KND-nghi-quyet-cong-doan-gioi-thieu.docx": form_4a,
    "5-KND-tong-hop-y-kien.docx": form_5,
    "6-KND-nghi-quyet-chi-bo.docx": form_6,
    "bien-ban-hop-chi-bo-xet-ket-nap.docx": minutes_admission,
    "7-KND-bao-cao-tham-dinh.docx": form_7,
    "8-KND-nghi-quyet-dang-uy-co-so.docx": form_8,
    "9-KND-quyet-dinh-ket-nap.docx": form_9,
    "12-KND-tong-hop-y-kien.docx": form_12,
    "13-KND-nghi-quyet-chi-bo-cong-nhan.docx": form_13,
    "bien-ban-hop-chi-bo-xet-cong-nhan.docx": minutes_recognition,
    "14-KND-bao-cao-tham-dinh.docx": form_14,
    "15-KND-nghi-quyet-dang-uy-co-so-cong-nhan.docx": form_15,
    "16-KND-quyet-dinh-cong-nhan.docx": form_16,
    "chuong-trinh-le-ket-nap.docx": ceremony_programme,
    "giay-moi-le-ket-nap.docx": ceremony_invitation,
    "1-KND-don-xin-vao-dang-mau-trang.docx": blank_application,
    "2-KND-ly-lich-mau-trang.docx": blank_biography,
    "10-KND-tu-kiem-diem-mau-trang.docx": blank_self_review,
    "11-KND-nhan-xet-mau-trang.docx": blank_mentor_review,
    "danh-sach-den-han-trong-thang.docx": list_due_this_month,
    "danh-sach-cam-tinh-dang.docx": list_sympathisers,
    "danh-sach-de-nghi-hoc-lop-nhan-thuc-ve-dang.docx": list_course_nominations,
}


def build(out: Path = OUT) -> list[Path]:
    out.mkdir(exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        doc = new_document()
        builder(doc)
        path = out / name
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
