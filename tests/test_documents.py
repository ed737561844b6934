"""Generated forms (.docx via docxtpl, PDF via LibreOffice), their scope, batch zips and office overrides."""

import datetime as dt
import io
import os
import shutil
import subprocess
import time
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from scripts import build_templates

from ketnap.audit.context import SYSTEM
from ketnap.documents import render
from ketnap.documents.fields import FIELDS, LIST_FIELDS
from ketnap.documents.forms import FORMS, Loaded, generated_for
from ketnap.documents.lists import LISTS
from ketnap.documents.record import member_introductions
from ketnap.documents.wording import long_date
from ketnap.pipeline import domain
from ketnap.pipeline.enums import RECOGNITION_DOCUMENTS, DocumentKind, IntroducerKind, Stage
from ketnap.pipeline.models import Introduction
from ketnap.registry.models import CodeItem
from ketnap.vietnamese import fold
from ketnap.web.exporting import DOCX
from tests import factories as f
from tests.factories import step
from tests.replay import replayed

D = dt.date
TRICKY = "Chi bộ Khoa Tai & Mũi <Họng>"  # lost characters without autoescape (engineering-notes.md)


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
@replayed
def members(world):
    """Cell A1 (renamed with & and <) with four official members to introduce, help and vote."""
    world.cell_a1.name = TRICKY
    world.cell_a1.save()
    result = [world.an]
    for name in ("Hoàng Văn Cường", "Phạm Thị Dung", "Vũ Văn Giang"):
        person = f.person(world.dept_a1, name, born=D(1980, 3, 3))
        f.member(person, world.cell_a1, decision=D(2012, 5, 5))
        result.append(person)
    return result


def to_dossier(person, office, members, *, papers=False):
    """`person` (upper secondary school) on the road from 05/01/2023 to the dossier (factories.walk_to_dossier)."""
    person.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    person.save()
    candidate = domain.create_candidate(person, actor=office, on=D(2023, 1, 5))
    return f.walk_to_dossier(candidate, office, members, papers=papers)


def admit(person, office, members, *, decision_number="45-QĐ/ĐU", appraisal=False):
    """Take `person` through the dossier, both resolutions and the decision of 20/07/2023 (`appraisal`: the
    đảng ủy bộ phận's step of 08/06/2023 between them, 7-KNĐ)."""
    candidate = to_dossier(person, office, members, papers=True)
    step(
        candidate,
        "cell_resolution",
        office,
        on=D(2023, 6, 1),
        members_total=4,
        votes_for=3,
        document_number="6",
        note="Gương mẫu & tận tụy <với người bệnh>",
    )
    if appraisal:
        step(candidate, "sub_appraisal", office, on=D(2023, 6, 8), document_number="7", note="Đủ điều kiện")
    step(
        candidate,
        "committee_resolution",
        office,
        on=D(2023, 6, 15),
        members_total=7,
        votes_for=6,
        document_number="31-NQ/ĐU",
    )
    step(
        candidate,
        "decision",
        office,
        on=D(2023, 7, 20),
        received_on=D(2023, 7, 25),
        document_number=decision_number,
        issuer="Đảng ủy Sở Y tế",
    )
    return candidate


def to_recognition(candidate, office, members):
    """Ceremony of 10/08/2023, then the chi bộ's recognition resolution of 20/08/2024 (stage RECOGNITION_CELL)."""
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=members[1])
    for kind in RECOGNITION_DOCUMENTS:
        domain.receive_document(candidate, kind, actor=office, on=D(2024, 8, 12))
    step(
        candidate,
        "recognition_cell_resolution",
        office,
        on=D(2024, 8, 20),
        members_total=4,
        votes_for=4,
        document_number="20-NQ/CB",
    )
    return candidate


@pytest.fixture
@replayed
def official(world, personas, members):
    """Trần Thị Bình, taken the whole road to official member."""
    office = personas.office_a
    candidate = to_recognition(admit(world.binh, office, members), office, members)
    step(candidate, "recognition_committee_resolution", office, on=D(2024, 8, 26), members_total=7, votes_for=5)
    step(candidate, "recognition_decision", office, on=D(2024, 9, 5), document_number="90")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OFFICIAL
    return candidate


EXPECTED = {  # form → texts its document must carry for Bình
    "6-knd": [
        "Mẫu 6-KNĐ",
        "6-NQ/CB",
        "NGHỊ QUYẾT",
        "đề nghị kết nạp đảng viên",
        "75%",
        "Gương mẫu & tận tụy <với người bệnh>",
        # 4 official members recorded at the meeting; the register holds no probationary member on 01/06/2023
        "Tổng số đảng viên của chi bộ: 4 đồng chí, trong đó đảng viên chính thức: 4 đồng chí, đảng viên dự bị: 0",
        "Có mặt: …… đồng chí (chính thức: ……, dự bị: ……); vắng mặt: …… đồng chí",
        "được tính để biểu quyết: 4 đồng chí",
    ],
    "8-knd": [
        "Mẫu 8-KNĐ",
        "31-NQ/ĐU",
        "ĐẢNG ỦY BỆNH VIỆN A",
        "ĐẢNG BỘ SỞ Y TẾ",
        "85,71%",
        "Đảng ủy đề nghị Ban Thường vụ Đảng ủy Sở Y tế xem xét, quyết định kết nạp quần chúng Trần Thị Bình",
        "- Ban Thường vụ Đảng ủy Sở Y tế,",
        "(Ký tên, đóng dấu)",
    ],
    "9-knd": [
        "Mẫu 9-KNĐ",
        "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
        "45-QĐ/ĐU",
        "QUYẾT ĐỊNH",
        "BAN THƯỜNG VỤ ĐẢNG ỦY SỞ Y TẾ",
        "Nghị quyết số 6-NQ/CB ngày 01/06/2023",
        "31-NQ/ĐU",
        "T/M BAN",
        "(Ký tên, đóng dấu)",
        # the decision of 20/07/2023 cites the texts in force that day (ketnap.rules.sources)
        "- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
        "- Căn cứ Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
        "- Căn cứ Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư",
    ],
    "13-knd": [
        "Mẫu 13-KNĐ",
        "(Ký, ghi rõ họ tên)",
        "20-NQ/CB",
        "10/08/2023",
        "10/08/2024",
        "45-QĐ/ĐU",
        # Bình herself is the chi bộ's probationary member on 20/08/2024 (admitted 10/08/2023, register)
        "Tổng số đảng viên của chi bộ: 5 đồng chí, trong đó đảng viên chính thức: 4 đồng chí, đảng viên dự bị: 1",
    ],
    "16-knd": [
        "Mẫu 16-KNĐ",
        "Quy định số 24-QĐ/TW ngày 30/7/2021",
        "(Ký tên, đóng dấu)",
        "90-QĐ/ĐU",
        "công nhận đảng viên chính thức",
        "kể từ ngày 10/08/2024",
        "từ ngày 20/07/2023",
    ],
    "chuong-trinh-le-ket-nap": ["CHƯƠNG TRÌNH", "lời tuyên thệ", "Hoàng Văn Cường", "45-QĐ/ĐU", "10/08/2023"],
    # the first member introducer: Nguyễn Văn An (admitted at the ceremony of 11/03/2018, official 11/03/2019)
    "3-knd": [
        "Mẫu 3-KNĐ",
        "GIẤY GIỚI THIỆU",
        "Tôi là: Nguyễn Văn An",
        "ngày 12 tháng 5 năm 2023",
        "Vào Đảng ngày 11/03/2018; chính thức ngày 11/03/2019",
        "từ ngày 01/01/2015",
        "NGƯỜI GIỚI THIỆU",
        "chịu trách nhiệm trước chi bộ",
    ],
    "bien-ban-xet-ket-nap": [
        "BIÊN BẢN",
        "họp chi bộ xét đề nghị kết nạp đảng viên",
        "ngày 01/06/2023",
        "số được tính để biểu quyết: 4 đồng chí",
        "số tán thành 3 đồng chí, đạt 75%",
        "số không tán thành 1 đồng chí",
        "đạt từ hai phần ba (2/3) trở lên",
        "THƯ KÝ HỘI NGHỊ",
        "CHỦ TRÌ HỘI NGHỊ",
    ],
    "giay-moi-le-ket-nap": ["GIẤY MỜI", "Lễ kết nạp đảng viên", "45-QĐ/ĐU", "…… giờ, ngày 10/08/2023", "T/M CHI BỘ"],
    "bien-ban-xet-cong-nhan": [
        "BIÊN BẢN",
        "họp chi bộ xét đề nghị công nhận đảng viên chính thức",
        "ngày 20/08/2024",
        "đạt 100%",
        "Hoàng Văn Cường",
        "từ ngày 10/08/2023 đến ngày 10/08/2024",
    ],
    # the two member introducers together: An (since 01/01/2015) and Cường
    "3a-knd": [
        "Mẫu 3A-KNĐ",
        "GIẤY GIỚI THIỆU",
        "1. Nguyễn Văn An, sinh ngày",
        "2. Hoàng Văn Cường, sinh ngày 03/03/1980",
        "NGƯỜI GIỚI THIỆU THỨ NHẤT",
        "NGƯỜI GIỚI THIỆU THỨ HAI",
        "ngày 12 tháng 5 năm 2023",
    ],
    "15-knd": [
        "Mẫu 15-KNĐ",
        "…………-NQ/ĐU",
        "ĐẢNG ỦY BỆNH VIỆN A",
        "đề nghị công nhận đảng viên chính thức",
        "Nghị quyết số 20-NQ/CB ngày 20/08/2024",
        "71,43%",
        "Ban Thường vụ Đảng ủy Sở Y tế",
        "T/M ĐẢNG ỦY",
        "(Ký tên, đóng dấu)",
    ],
}


def test_the_numbering_follows_rules_2_5():
    codes = {f.code for f in FORMS.values()}
    numbered = {f"{n}-KNĐ" for n in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)}
    numbered |= {"3A-KNĐ", "4-KNĐ", "4A-KNĐ"}  # two members together; the Youth / Trade Union's resolutions
    assert numbered <= codes
    # same numbers as the dossier (a 3A-KNĐ letter is filed as the introduction, 3-KNĐ)
    assert {c for c in codes if c.endswith("KNĐ")} - {"3A-KNĐ"} <= set(DocumentKind.values)
    assert FORMS["7-knd"].step == "sub_appraisal" and FORMS["15-knd"].step == "recognition_committee_resolution"
    assert FORMS["14-knd"].step is None and FORMS["14-knd"].requires == "recognition_cell_resolution"
    assert FORMS["bien-ban-xet-ket-nap"].step == "cell_resolution"
    assert FORMS["bien-ban-xet-cong-nhan"].step == "recognition_cell_resolution"
    assert "4-KNĐ" in FORMS["3-knd"].source and "không phải giấy 3-KNĐ" in FORMS["3-knd"].source
    assert FORMS["4-knd"].introduction_kind == IntroducerKind.YOUTH_UNION
    assert FORMS["4a-knd"].introduction_kind == IntroducerKind.TRADE_UNION and FORMS["3a-knd"].joint_introduction
    assert FORMS["6-knd"].step == "cell_resolution" and FORMS["13-knd"].step == "recognition_cell_resolution"
    assert FORMS["8-knd"].step == "committee_resolution" and FORMS["9-knd"].step == "decision"
    assert FORMS["16-knd"].step == "recognition_decision"
    assert all(f.source for f in FORMS.values())


def test_shipped_templates_use_documented_fields_only():
    for form in FORMS.values():
        assert render.template_path(form.template).is_file(), form.template
        assert render.undeclared(form.template) <= set(FIELDS), form.slug


@pytest.mark.slow
def test_shipped_templates_are_what_the_builder_makes(tmp_path):
    """The committed .docx files are reproducible from build_templates.py (no hand edits drift away)."""
    for built in build_templates.build(tmp_path):
        assert text_of(built.read_bytes()) == text_of((render.SHIPPED / built.name).read_bytes()), built.name


def test_every_form_renders_for_a_candidate_who_reached_its_step(official):
    generated = {f.slug for f in generated_for(official)}
    assert generated == set(EXPECTED)
    for slug, expected in EXPECTED.items():
        form = FORMS[slug]
        introduction = form.introductions(official).first() if form.per_introduction else None
        context = form.context(official, introduction)
        assert set(context) == set(FIELDS)  # every documented field, for every form
        assert render.undeclared(form.template, context) == set()
        text = text_of(render.render_docx(form.template, context))
        for snippet in [official.person.full_name, "ĐẢNG CỘNG SẢN VIỆT NAM", *expected]:
            assert snippet in text, (slug, snippet)
        assert "{{" not in text and "}}" not in text
        assert TRICKY in text or TRICKY.upper() in text, slug  # & and < survive (autoescape)


def test_forms_follow_the_road(world, personas, members):
    candidate = admit(world.binh, personas.office_a, members)
    assert [f.slug for f in generated_for(candidate)] == [
        "3-knd",
        "3a-knd",
        "6-knd",
        "bien-ban-xet-ket-nap",
        "8-knd",
        "9-knd",
        "chuong-trinh-le-ket-nap",
        "giay-moi-le-ket-nap",
    ]
    programme = render.render_docx(
        FORMS["chuong-trinh-le-ket-nap"].template, FORMS["chuong-trinh-le-ket-nap"].context(candidate)
    )
    assert "…… giờ, ngày …………" in text_of(programme)  # a draft before the ceremony is recorded


def test_who_signs_follows_the_organisation_tree(world, personas, members):
    candidate = admit(world.binh, personas.office_a, members)
    context = FORMS["9-knd"].context(candidate)
    assert (context["deciding_body"], context["deciding_on_behalf"]) == (
        "Ban Thường vụ Đảng ủy Sở Y tế",
        "T/M BAN THƯỜNG VỤ",
    )
    assert FORMS["6-knd"].context(candidate)["proposal_to"] == "Đảng ủy Bệnh viện A"
    world.hospital_a.authorised_to_admit = True  # an authorised đảng ủy cơ sở decides itself (rules.md §2.1)
    world.hospital_a.save()
    candidate.refresh_from_db()
    context = FORMS["9-knd"].context(candidate)
    assert (context["deciding_body"], context["deciding_on_behalf"]) == ("Đảng ủy Bệnh viện A", "T/M ĐẢNG ỦY")


def test_a_base_cell_sends_its_resolution_to_the_competent_committee(world):
    from ketnap.registry.enums import OrgKind

    base_cell = f.org("CBCS", "Chi bộ Trung tâm Pháp y", OrgKind.BASE_CELL, world.upper)
    unit = f.unit("PY", "Trung tâm Pháp y", covered_by=base_cell)
    person = f.person(unit, "Mai Văn Lâm", born=D(1985, 2, 2))
    candidate = domain.create_candidate(person, actor=f.user("root2", superuser=True), on=D(2023, 1, 5))
    context = FORMS["6-knd"].context(candidate)
    assert context["proposal_to"] == "Đảng ủy Sở Y tế"
    assert context["cell_superior_upper"] == "ĐẢNG BỘ SỞ Y TẾ"


def test_long_date_has_the_leading_zeros_of_party_documents():
    assert long_date(D(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert long_date(D(2023, 6, 1)) == "ngày 01 tháng 6 năm 2023"
    assert long_date(D(2023, 11, 20)) == "ngày 20 tháng 11 năm 2023"


def test_download_docx_in_scope_and_404_outside(client, world, personas, official):
    url = f"/ung-vien/{official.pk}/van-ban/9-knd.docx"
    client.force_login(personas.secretary_a1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "9-KND_tran-thi-binh.docx" in response["Content-Disposition"]
    assert "Trần Thị Bình" in text_of(response.content)
    assert client.post(url).status_code == 405
    assert client.get(f"/ung-vien/{official.pk}/van-ban/khong-co.docx").status_code == 404
    for persona in (personas.secretary_b1, personas.overseer):
        client.force_login(persona)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_a_form_whose_step_is_not_recorded_is_404(client, world, personas, members):
    candidate = admit(world.binh, personas.office_a, members)
    client.force_login(personas.office_a)
    assert client.get(f"/ung-vien/{candidate.pk}/van-ban/16-knd.docx").status_code == 404
    assert client.get(f"/ung-vien/{candidate.pk}/van-ban/9-knd.docx").status_code == 200


def test_blank_handwritten_forms_are_offered_by_stage(client, world, personas, pipeline_world):
    client.force_login(personas.office_a)
    page = client.get(f"/ung-vien/{pipeline_world.bình.pk}/").content.decode()
    assert "Văn bản" in page and "van-ban/1-knd-mau-trang.docx" in page and "van-ban/6-knd" not in page
    response = client.get(f"/ung-vien/{pipeline_world.bình.pk}/van-ban/2-knd-mau-trang.docx")
    text = text_of(response.content)
    assert "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG" in text and "24) Cam đoan và ký tên:" in text
    assert "Trần Thị Bình" not in text  # a blank: the person writes it by hand


def test_candidate_page_links_the_generated_forms(client, personas, official):
    client.force_login(personas.office_a)
    page = client.get(f"/ung-vien/{official.pk}/").content.decode()
    for slug in EXPECTED:
        assert f"/ung-vien/{official.pk}/van-ban/{slug}.docx" in page
        assert f"/ung-vien/{official.pk}/van-ban/{slug}.pdf" in page
    assert "van-ban/10-knd-mau-trang.docx" in page


def test_the_forms_offered_from_one_read_are_those_each_form_finds_alone(world, personas, members, official):
    """The candidate page decides every form from the steps and introductions read once (documents.forms.Loaded);
    documents.py still asks one form at a time: both answer alike, at every stage and with union introductions."""
    dossier = to_dossier(f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1990, 6, 6)), personas.office_a, members)
    Introduction.objects.create(candidate=official, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 10))
    Introduction.objects.create(candidate=official, kind=IntroducerKind.MEMBER, introduced_on=D(2023, 5, 9))  # no one
    for candidate in (dossier, official):
        loaded = Loaded.of(candidate)
        for form in FORMS.values():
            assert form.available(candidate, loaded) == form.available(candidate), (candidate, form.slug)
        for form in (form for form in FORMS.values() if form.per_introduction):  # a letter per introduction
            alone = list(form.introductions(candidate))
            assert loaded.introductions_of(form.introduction_kind) == alone, form.slug


def test_the_candidate_page_costs_the_same_queries_for_one_form_or_all(client, world, personas, members, official):
    """Issue #14: one query per form and per kind of introduction before (29 on a recognised member's page); now the
    forms are decided from one read of the steps and one of the introductions."""
    dossier = to_dossier(f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1990, 6, 6)), personas.office_a, members)
    Introduction.objects.create(candidate=official, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 10))
    Introduction.objects.create(candidate=official, kind=IntroducerKind.TRADE_UNION, introduced_on=D(2023, 5, 11))
    client.force_login(personas.office_a)
    counts = {}
    for candidate in (dossier, official):
        client.get(f"/ung-vien/{candidate.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/ung-vien/{candidate.pk}/").status_code == 200
        counts[candidate.stage] = len(queries)
    assert len(generated_for(official)) > len(generated_for(dossier)) + 10
    # session, user, roles, candidate, the read log's INSERT, steps, papers, helpers, introductions, notes, the
    # requests sent about the applicant; the forms: passed steps, introductions (+ a dossier's checklist asks which
    # unions introduce, and its helper's next note the chi bộ's plan: issue #15)
    assert counts == {Stage.DOSSIER: 15, Stage.OFFICIAL: 13}


def test_an_office_template_in_the_data_dir_wins(client, settings, tmp_path, personas, official):
    settings.DATA_DIR = tmp_path
    own = Document()
    own.add_paragraph("MẪU RIÊNG CỦA VĂN PHÒNG: {{ person_name }} — {{ document_number }}")
    (tmp_path / "templates_docx").mkdir()
    own.save(tmp_path / "templates_docx" / FORMS["6-knd"].template)
    client.force_login(personas.office_a)
    text = text_of(client.get(f"/ung-vien/{official.pk}/van-ban/6-knd.docx").content)
    assert text.strip() == "MẪU RIÊNG CỦA VĂN PHÒNG: Trần Thị Bình — 6-NQ/CB"
    assert "NGHỊ QUYẾT" in text_of(client.get(f"/ung-vien/{official.pk}/van-ban/8-knd.docx").content)


def test_one_decision_for_several_people_gives_one_zip(client, world, personas, members, pipeline_world):
    office = personas.office_a
    people = [f.person(world.dept_a1, name, born=D(1985, 6, 6)) for name in ("Ngô Thị Hạnh", "Lý Văn Lộc")]
    decided = [admit(p, office, members) for p in people]
    client.force_login(office)
    page = client.get("/van-ban/hang-loat/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Quyết định kết nạp số 45-QĐ/ĐU ngày 20/07/2023" in body and "Ngô Thị Hạnh" in body
    query = "&".join(f"ids={c.pk}" for c in decided)
    response = client.get(f"/van-ban/hang-loat/9-knd.zip?{query}")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(n.endswith(".docx") for n in names)
        texts = [text_of(archive.read(n)) for n in names]
    assert any("Lý Văn Lộc" in t for t in texts) and any("Ngô Thị Hạnh" in t for t in texts)
    # someone outside the scope in the batch refuses the whole batch; an overseer sees no batch page
    outsider = pipeline_world.yen.pk
    assert client.get(f"/van-ban/hang-loat/9-knd.zip?{query}&ids={outsider}").status_code == 404
    assert client.get("/van-ban/hang-loat/9-knd.zip").status_code == 404
    client.force_login(personas.secretary_b1)
    assert client.get(f"/van-ban/hang-loat/9-knd.zip?{query}").status_code == 404
    assert "Ngô Thị Hạnh" not in client.get("/van-ban/hang-loat/").content.decode()
    client.force_login(personas.overseer)
    assert client.get("/van-ban/hang-loat/").status_code == 403


@pytest.mark.slow
def test_libreoffice_converts_a_generated_docx_to_pdf(client, personas, official):
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice or pdftotext is missing on CI: install libreoffice-writer-nogui, poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    client.force_login(personas.office_a)
    started = time.monotonic()
    response = client.get(f"/ung-vien/{official.pk}/van-ban/6-knd.pdf")
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    for snippet in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "NGHỊ QUYẾT",
        "Trần Thị Bình",
        "6-NQ/CB",
        "Tai & Mũi <Họng>",
        "T/M CHI BỘ",
    ):
        assert snippet in flat, snippet
    print(f"LibreOffice conversion: {elapsed:.1f} s")


def test_the_field_list_for_offices_is_complete():
    readme = (render.SHIPPED.parent / "README.md").read_text()
    for name in FIELDS:
        assert f"`{name}`" in readme, name
    for form in FORMS.values():
        assert form.template in readme, form.template


# --- list documents -----------------------------------------------------------------------------------------
def test_list_templates_use_documented_fields_only():
    for spec in LISTS.values():
        assert spec.source and render.template_path(spec.template).is_file(), spec.template
        assert render.undeclared(spec.template) <= set(LIST_FIELDS), spec.slug
    readme = (render.SHIPPED.parent / "README.md").read_text()
    for name in LIST_FIELDS:
        assert f"`{name}`" in readme, name
    for spec in LISTS.values():
        assert spec.template in readme, spec.template


def test_list_of_people_due_this_month(client, world, personas, members):
    from ketnap.pipeline import due

    candidate = admit(world.binh, personas.office_a, members)  # decided: the ceremony is due
    item = due.next_action(candidate, D(2023, 7, 26))
    assert item.due
    client.force_login(personas.office_a)
    assert "/van-ban/danh-sach/den-han-trong-thang.docx" in client.get("/van-ban/hang-loat/").content.decode()
    url = "/van-ban/danh-sach/den-han-trong-thang.docx"
    response = client.get(url, {"thang": f"{item.due:%m/%Y}"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = text_of(response.content)
    for snippet in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "DANH SÁCH",
        f"người đến hạn trong tháng {item.due:%m/%Y}",
        "Trần Thị Bình",
        TRICKY,
        "Tổ chức lễ kết nạp",
        item.due.strftime("%d/%m/%Y"),
        str(item.source),
        "Tổng số: 1 người.",
    ):
        assert snippet in text, snippet
    assert "{{" not in text and "{%" not in text
    # another month: nobody is due
    later = item.due.replace(day=1) + dt.timedelta(days=62)
    assert "Trần Thị Bình" not in text_of(client.get(url, {"thang": f"{later:%m/%Y}"}).content)


def test_list_of_sympathisers_by_cell(client, world, personas, members):
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    step(candidate, "sympathise", office, on=D(2023, 2, 1), helpers=members[1:2], document_number="12-NQ/CB")
    client.force_login(office)
    response = client.get("/van-ban/danh-sach/cam-tinh-dang.docx")
    assert response.status_code == 200
    text = text_of(response.content)
    for snippet in ("DANH SÁCH", "quần chúng cảm tình Đảng", "Trần Thị Bình", TRICKY, "01/02/2023", "Hoàng Văn Cường"):
        assert snippet in text, snippet
    assert "{{" not in text and "{%" not in text
    assert client.post("/van-ban/danh-sach/cam-tinh-dang.docx").status_code == 405
    assert client.get("/van-ban/danh-sach/khong-co.docx").status_code == 404
    client.force_login(personas.secretary_b1)  # another branch: the list is empty for them
    assert "Trần Thị Bình" not in text_of(client.get("/van-ban/danh-sach/cam-tinh-dang.docx").content)
    client.force_login(personas.overseer)
    assert client.get("/van-ban/danh-sach/cam-tinh-dang.docx").status_code == 404


# --- forms added for issue #5: 3, 5, 7, 12, 14, 15-KNĐ, the chi bộ's minutes, the ceremony invitation ------------
def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order (no -layout: a name wrapped in a narrow table cell reads as one)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def needs_libreoffice():
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        if os.environ.get("CI"):
            pytest.fail("LibreOffice or pdftotext is missing on CI: install libreoffice-writer-nogui, poppler-utils")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


def refused_to_outsiders(client, personas, url):
    """404 for the other hospital's secretary and for the overseer; then back to the office of hospital A."""
    for persona in (personas.secretary_b1, personas.overseer):
        client.force_login(persona)
        assert client.get(url).status_code == 404, (persona, url)
        assert client.post(url).status_code == 404, (persona, url)
    client.force_login(personas.office_a)


def test_every_generated_form_is_404_outside_the_scope(client, personas, official):
    for form in generated_for(official):
        query = f"?gioi-thieu={form.introductions(official).first().pk}" if form.per_introduction else ""
        for ext in ("docx", "pdf"):
            refused_to_outsiders(client, personas, f"/ung-vien/{official.pk}/van-ban/{form.slug}.{ext}{query}")


def test_one_introduction_letter_per_member_introducer(client, world, personas, official):
    youth = Introduction.objects.create(
        candidate=official, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 12)
    )  # the Youth Union introduces by its own resolution (4-KNĐ), not by a 3-KNĐ letter
    introductions = list(member_introductions(official))
    assert [i.introducer.full_name for i in introductions] == ["Nguyễn Văn An", "Hoàng Văn Cường"]
    client.force_login(personas.office_a)
    page = client.get(f"/ung-vien/{official.pk}/").content.decode()
    base = f"/ung-vien/{official.pk}/van-ban/3-knd"
    for introduction in introductions:
        assert f"{base}.docx?gioi-thieu={introduction.pk}" in page
        assert f"{base}.pdf?gioi-thieu={introduction.pk}" in page
    assert f"3-knd.docx?gioi-thieu={youth.pk}" not in page
    assert f"/ung-vien/{official.pk}/van-ban/4-knd.docx?gioi-thieu={youth.pk}" in page
    letters = {}
    for introduction in introductions:
        response = client.get(f"{base}.docx", {"gioi-thieu": introduction.pk})
        assert response.status_code == 200
        name = introduction.introducer.full_name
        assert fold(name).replace(" ", "-") in response["Content-Disposition"]
        letters[name] = text_of(response.content)
    assert "Tôi là: Nguyễn Văn An" in letters["Nguyễn Văn An"] and "Hoàng Văn Cường" not in letters["Nguyễn Văn An"]
    assert "Tôi là: Hoàng Văn Cường" in letters["Hoàng Văn Cường"]
    for text in letters.values():
        assert "Trần Thị Bình" in text and "{{" not in text
    # two introducers: the URL must say whose letter; a union's introduction or another candidate's is 404
    assert client.get(f"{base}.docx").status_code == 404
    assert client.get(f"{base}.docx", {"gioi-thieu": youth.pk}).status_code == 404
    assert client.get(f"{base}.docx", {"gioi-thieu": "x"}).status_code == 404
    other = domain.create_candidate(
        f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1990, 1, 1)), actor=personas.office_a, on=D(2024, 1, 5)
    )
    elsewhere = Introduction.objects.create(
        candidate=other, kind=IntroducerKind.MEMBER, introducer=world.an, introduced_on=D(2024, 3, 1)
    )
    assert client.get(f"{base}.docx", {"gioi-thieu": elsewhere.pk}).status_code == 404
    # a single member introducer: the parameter may be left out
    single = text_of(client.get(f"/ung-vien/{other.pk}/van-ban/3-knd.docx").content)
    assert "Tôi là: Nguyễn Văn An" in single and "Ngô Thị Hạnh" in single and "từ ngày …………" in single
    assert client.post(f"{base}.docx?gioi-thieu={introductions[0].pk}").status_code == 405
    refused_to_outsiders(client, personas, f"{base}.docx?gioi-thieu={introductions[0].pk}")
    # no letter in a batch zip (a letter is per introducer, not per person)
    assert client.get(f"/van-ban/hang-loat/3-knd.zip?ids={official.pk}").status_code == 404


def test_opinions_summary_5_knd_at_the_dossier_stages(client, world, personas, members, pipeline_world):
    office = personas.office_a
    candidate = pipeline_world.bình
    assert "5-knd" not in {f.slug for f in generated_for(candidate)}  # still a source: no dossier yet
    step(candidate, "sympathise", office, on=D(2024, 2, 1), helpers=members[:1])
    step(candidate, "certificate", office, on=D(2024, 4, 1), document_number="CN-9", issuer="Trung tâm Chính trị")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.DOSSIER and "5-knd" in {f.slug for f in generated_for(candidate)}
    client.force_login(office)
    url = f"/ung-vien/{candidate.pk}/van-ban/5-knd.docx"
    assert url in client.get(f"/ung-vien/{candidate.pk}/").content.decode()
    text = text_of(client.get(url).content)
    for snippet in (
        "TỔNG HỢP Ý KIẾN NHẬN XÉT",
        "đối với người xin vào Đảng",
        "quần chúng Trần Thị Bình",
        "ngày … tháng … năm …",  # the summary is not recorded in the dossier yet: a dotted date
        "T/M CHI ỦY",
        "chi ủy nơi cư trú",
        TRICKY.upper(),
    ):
        assert snippet in text, snippet
    domain.receive_document(candidate, DocumentKind.OPINIONS, actor=office, on=D(2024, 5, 6))
    assert "ngày 06 tháng 5 năm 2024" in text_of(client.get(url).content)
    assert client.get(f"/ung-vien/{candidate.pk}/van-ban/12-knd.docx").status_code == 404  # not on probation
    refused_to_outsiders(client, personas, url)


def test_opinions_summary_12_knd_during_probation(client, world, personas, members):
    office = personas.office_a
    candidate = admit(world.binh, office, members)
    assert "12-knd" not in {f.slug for f in generated_for(candidate)}
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=members[1])
    candidate.refresh_from_db()
    assert candidate.stage == Stage.PROBATION
    offered = {f.slug for f in generated_for(candidate)}
    assert "12-knd" in offered and "5-knd" not in offered
    client.force_login(office)
    url = f"/ung-vien/{candidate.pk}/van-ban/12-knd.docx"
    text = text_of(client.get(url).content)
    for snippet in (
        "đối với đảng viên dự bị",
        "đảng viên dự bị Trần Thị Bình",
        "kết nạp vào Đảng ngày 10/08/2023, hết thời gian dự bị ngày 10/08/2024",
        "T/M CHI ỦY",
    ):
        assert snippet in text, snippet
    refused_to_outsiders(client, personas, url)


@pytest.fixture
def sub_world(world, members):
    """A đảng bộ bộ phận inside hospital A, with a chi bộ and one of its staff, Đỗ Thị Hoa."""
    from ketnap.registry.enums import OrgKind

    sub = f.org("BVA-KHOI", "Đảng bộ bộ phận Khối Cận lâm sàng", OrgKind.SUB_COMMITTEE, world.hospital_a)
    cell = f.org("BVA-XN", "Chi bộ Khoa Xét nghiệm", OrgKind.CELL, sub)
    unit = f.unit("UA-XN", "Khoa Xét nghiệm", world.unit_a, covered_by=cell)
    # past youth age (30) when the chi bộ meets in 2023: two member introducers suffice (Điều lệ Điều 4 khoản 1)
    return f.person(unit, "Đỗ Thị Hoa", born=D(1990, 9, 9))


def test_appraisals_7_and_14_knd_under_a_sub_committee(client, personas, members, sub_world, official):
    office = personas.office_a
    candidate = admit(sub_world, office, members, appraisal=True)
    assert "7-knd" in {f.slug for f in generated_for(candidate)}
    assert "7-knd" not in {f.slug for f in generated_for(official)}  # chi bộ directly under the đảng ủy
    client.force_login(office)
    url = f"/ung-vien/{candidate.pk}/van-ban/7-knd.docx"
    text = text_of(client.get(url).content)
    for snippet in (
        "ĐẢNG BỘ BỆNH VIỆN A",
        "ĐẢNG ỦY BỘ PHẬN KHỐI CẬN LÂM SÀNG",
        "Số 7-BC/ĐU",
        "ngày 08 tháng 6 năm 2023",
        "BÁO CÁO",
        "thẩm định đề nghị kết nạp đảng viên",
        "Nghị quyết số 6-NQ/CB ngày 01/06/2023 của Chi bộ Khoa Xét nghiệm",
        "quần chúng Đỗ Thị Hoa",
        "Đảng ủy bộ phận đề nghị Đảng ủy Bệnh viện A",
        "T/M ĐẢNG ỦY",
    ):
        assert snippet in text, snippet
    refused_to_outsiders(client, personas, url)
    # recognition: no step records the appraisal; 14-KNĐ is offered once the chi bộ has resolved
    assert "14-knd" not in {f.slug for f in generated_for(candidate)}
    candidate = to_recognition(candidate, office, members)
    assert "14-knd" in {f.slug for f in generated_for(candidate)}
    assert "14-knd" not in {f.slug for f in generated_for(official)}
    url = f"/ung-vien/{candidate.pk}/van-ban/14-knd.docx"
    text = text_of(client.get(url).content)
    for snippet in (
        "ĐẢNG ỦY BỘ PHẬN KHỐI CẬN LÂM SÀNG",
        "Số …………-BC/ĐU",
        "thẩm định đề nghị công nhận đảng viên chính thức",
        "Nghị quyết số 20-NQ/CB ngày 20/08/2024",
        "đồng chí Đỗ Thị Hoa",
        "từ ngày 10/08/2023 đến ngày 10/08/2024",
    ):
        assert snippet in text, snippet
    assert "{{" not in text
    refused_to_outsiders(client, personas, url)


def test_the_ceremony_day_zip_holds_programme_and_invitation(client, world, personas, members):
    office = personas.office_a
    people = [f.person(world.dept_a1, name, born=D(1985, 6, 6)) for name in ("Ngô Thị Hạnh", "Lý Văn Lộc")]
    admitted = [admit(p, office, members) for p in people]
    for candidate in admitted:
        step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=members[1])
    client.force_login(office)
    page = client.get("/van-ban/hang-loat/").content.decode()
    assert "Lễ kết nạp ngày 10/08/2023" in page
    query = "&".join(f"ids={c.pk}" for c in admitted)
    response = client.get(f"/van-ban/hang-loat/chuong-trinh-le-ket-nap.zip?{query}")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        texts = {n: text_of(archive.read(n)) for n in names}
    assert len(names) == 4
    assert sum(n.startswith("GIAY-MOI-LE-KET-NAP_") for n in names) == 2
    assert sum(n.startswith("CHUONG-TRINH-LE-KET-NAP_") for n in names) == 2
    invitations = [t for n, t in texts.items() if n.startswith("GIAY-MOI")]
    assert all("GIẤY MỜI" in t and "…… giờ, ngày 10/08/2023" in t for t in invitations)
    assert any("Ngô Thị Hạnh" in t for t in invitations) and any("Lý Văn Lộc" in t for t in invitations)


def test_list_of_course_nominations(client, world, personas, members, pipeline_world):
    office = personas.office_a
    step(pipeline_world.bình, "sympathise", office, on=D(2024, 2, 1), helpers=members[:1])
    certified = to_dossier(f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1990, 1, 1)), office, members)
    assert certified.stage == Stage.DOSSIER  # has the certificate: not sent again
    # a certificate of 01/03/2021 expired on 01/03/2026 (60 months) before the chi bộ met: the course again
    lapsed = f.person(world.dept_a1, "Lý Văn Lộc", born=D(1991, 1, 1))
    lapsed.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    lapsed.save()
    retaking = domain.create_candidate(lapsed, actor=office, on=D(2021, 1, 5))
    step(retaking, "sympathise", office, on=D(2021, 2, 1), helpers=members[:1])
    step(retaking, "certificate", office, on=D(2021, 3, 1), document_number="CN-12", issuer="Trung tâm Chính trị")
    client.force_login(office)
    assert "/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.docx" in client.get("/van-ban/hang-loat/").content.decode()
    response = client.get("/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    text = text_of(response.content)
    for snippet in (
        "ĐẢNG ỦY BỆNH VIỆN A",
        "DANH SÁCH",
        "đề nghị cử đi học lớp bồi dưỡng nhận thức về Đảng",
        "Trần Thị Bình",
        "Cảm tình Đảng",
        "Đặng Văn Khoa",
        "Quần chúng ưu tú",
        "Lý Văn Lộc",
        "Hoàn thiện hồ sơ — giấy chứng nhận hết hạn 01/03/2026",
        "Tổng số: 3 người.",
    ):
        assert snippet in text, snippet
    assert "Ngô Thị Hạnh" not in text and "Võ Thị Yến" not in text
    assert text.index("Đặng Văn Khoa") < text.index("Trần Thị Bình")  # by chi bộ: Khoa Ngoại, then Khoa Tai …
    assert "{{" not in text and "{%" not in text
    client.force_login(personas.secretary_a1)
    text = text_of(client.get("/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.docx").content)
    assert "Trần Thị Bình" in text and "Đặng Văn Khoa" not in text and "Tổng số: 2 người." in text
    client.force_login(personas.secretary_b1)
    text = text_of(client.get("/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.docx").content)
    assert "Võ Thị Yến" in text and "Trần Thị Bình" not in text
    client.force_login(personas.overseer)
    assert client.get("/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.docx").status_code == 404
    assert client.get("/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.pdf").status_code == 404


@pytest.mark.slow
def test_a_list_as_pdf(client, personas, pipeline_world):
    needs_libreoffice()
    client.force_login(personas.office_a)
    assert "/van-ban/danh-sach/cam-tinh-dang.pdf" in client.get("/van-ban/hang-loat/").content.decode()
    url = "/van-ban/danh-sach/de-nghi-hoc-lop-nhan-thuc.pdf"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "de-nghi-hoc-lop-nhan-thuc-ve-dang" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for snippet in ("ĐẢNG CỘNG SẢN VIỆT NAM", "DANH SÁCH", "Trần Thị Bình", "Đặng Văn Khoa", "Tổng số: 2 người."):
        assert snippet in text, snippet
    assert client.post(url).status_code == 405
    assert client.get("/van-ban/danh-sach/khong-co.pdf").status_code == 404


# --- issue #11: who decides, counts, the texts in force, headings, marks, deputy signer, 3A / 4 / 4A-KNĐ -----------
def render_form(slug, candidate, introduction=None, signer="bi-thu") -> str:
    form = FORMS[slug]
    return text_of(render.render_docx(form.template, form.context(candidate, introduction, signer)))


def test_an_authorised_base_committee_decides_in_its_own_resolution(world, personas, members, official):
    """HD 06-HD/TW điểm 3.7.a: the authorised đảng ủy cơ sở does not propose to itself, it decides."""
    world.hospital_a.authorised_to_admit = True
    world.hospital_a.save()
    text = render_form("8-knd", official)
    assert "NGHỊ QUYẾT\nkết nạp đảng viên\n" in text  # not “đề nghị kết nạp đảng viên”
    assert "Đảng ủy quyết định kết nạp quần chúng Trần Thị Bình vào Đảng Cộng sản Việt Nam" in text
    assert "- Ban Thường vụ Đảng ủy Sở Y tế (để báo cáo)," in text
    assert "Đảng ủy đề nghị" not in text
    recognition = render_form("15-knd", official)
    assert "NGHỊ QUYẾT\ncông nhận đảng viên chính thức\n" in recognition
    assert "Đảng ủy quyết định công nhận đồng chí Trần Thị Bình là đảng viên chính thức" in recognition
    decision = render_form("9-knd", official)
    assert "ĐẢNG BỘ SỞ Y TẾ\nĐẢNG ỦY BỆNH VIỆN A" in decision and "T/M ĐẢNG ỦY" in decision
    # above-base powers (not authorised): its standing committee decides, the committee proposes to it
    world.hospital_a.authorised_to_admit = False
    world.hospital_a.above_base_powers = True
    world.hospital_a.save()
    context = FORMS["9-knd"].context(official)
    assert (context["deciding_body"], context["deciding_on_behalf"]) == (
        "Ban Thường vụ Đảng ủy Bệnh viện A",
        "T/M BAN THƯỜNG VỤ",
    )
    text = render_form("8-knd", official)
    assert "NGHỊ QUYẾT\nđề nghị kết nạp đảng viên\n" in text
    assert "Đảng ủy đề nghị Ban Thường vụ Đảng ủy Bệnh viện A xem xét, quyết định kết nạp" in text
    assert "- Ban Thường vụ Đảng ủy Bệnh viện A," in text


def test_cell_resolutions_count_probationary_members_from_the_register(world, personas, members):
    from ketnap.documents.contexts import cell_register_on
    from ketnap.registry.enums import MembershipStatus, OrgKind

    cell = world.cell_a1
    probationary = f.person(world.dept_a1, "Đinh Văn Hải", born=D(1995, 1, 1))
    f.member(probationary, cell, status=MembershipStatus.PROBATIONARY, decision=D(2023, 1, 2))
    # registered as official, but its 12 months end after the meeting: probationary on 01/06/2023
    recent = f.person(world.dept_a1, "Lương Thị Hà", born=D(1994, 1, 1))
    f.member(recent, cell, decision=D(2022, 9, 1))
    later = f.person(world.dept_a1, "Tô Văn Khải", born=D(1993, 1, 1))  # admitted after the meeting: not counted
    f.member(later, cell, status=MembershipStatus.PROBATIONARY, decision=D(2023, 7, 1))
    assert cell_register_on(cell, D(2023, 6, 1)) == (4, 2)
    candidate = admit(world.binh, personas.office_a, members)
    text = render_form("6-knd", candidate)
    assert (
        "Tổng số đảng viên của chi bộ: 6 đồng chí, trong đó đảng viên chính thức: 4 đồng chí, đảng viên dự bị: 2 "
        "đồng chí." in text
    )
    assert "(chính thức: ……, dự bị: ……)" in text  # presence is not recorded: blanks to fill in
    minutes = render_form("bien-ban-xet-ket-nap", candidate)
    assert "Tổng số đảng viên của chi bộ: 6 đồng chí (chính thức: 4, dự bị: 2)" in minutes
    # a chi bộ whose members are not in the register: no guess, a blank
    empty = f.org("BVA-TRONG", "Chi bộ Phòng Vật tư", OrgKind.CELL, world.hospital_a)
    assert cell_register_on(empty, D(2023, 6, 1)) is None
    assert FORMS["8-knd"].context(candidate)["members_probationary"] == "…………"  # not a chi bộ meeting


def test_decisions_cite_the_regulation_in_force_on_their_date(world, personas, members):
    from ketnap.documents.contexts import basis_context
    from ketnap.pipeline.models import Step

    assert basis_context(D(2023, 7, 20))["regulation_basis"].startswith("Quy định số 24-QĐ/TW ngày 30/7/2021")
    assert basis_context(D(2025, 3, 1))["regulation_basis"].startswith("Quy định số 232-QĐ/TW ngày 20/01/2025")
    assert basis_context(D(2025, 3, 1))["guidance_basis"].startswith("Hướng dẫn số 01-HD/TW ngày 28/9/2021")
    in_force = basis_context(D(2025, 8, 4))
    assert in_force["regulation_basis"] == (
        "Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng"
    )
    assert in_force["guidance_basis"].startswith("Hướng dẫn số 06-HD/TW ngày 09/6/2025 của Ban Bí thư")
    candidate = admit(world.binh, personas.office_a, members)
    Step.objects.filter(candidate=candidate, kind="decision").update(on=D(2025, 8, 4))
    text = render_form("9-knd", candidate)
    assert "- Căn cứ Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương" in text
    assert "- Căn cứ Hướng dẫn số 06-HD/TW ngày 09/6/2025" in text and "24-QĐ/TW" not in text


def test_the_heading_names_the_province_from_the_tree(world, personas, members):
    from ketnap.documents.committees import committee_name, heading_upper
    from ketnap.registry.enums import OrgKind
    from ketnap.registry.services import organizations

    candidate = admit(world.binh, personas.office_a, members)
    assert "ĐẢNG BỘ TỈNH THỬ NGHIỆM\nĐẢNG ỦY SỞ Y TẾ" in render_form("9-knd", candidate)
    assert heading_upper(world.province) == "ĐẢNG BỘ TỈNH THỬ NGHIỆM"
    assert committee_name(world.province) == "Tỉnh ủy Thử Nghiệm"
    # since 1/7/2025 the health department's committee sits under the provincial People's Committee's: a name that
    # does not say which province gets it from the tree
    ubnd = f.org("UBND", "Đảng bộ UBND tỉnh", OrgKind.UPPER, world.province)
    organizations.move(world.upper, ubnd, on=D(2025, 7, 1), actor=SYSTEM)
    candidate.refresh_from_db()
    text = render_form("9-knd", candidate)
    assert "ĐẢNG BỘ UBND TỈNH THỬ NGHIỆM\nĐẢNG ỦY SỞ Y TẾ" in text
    assert "ĐẢNG BỘ SỞ Y TẾ\nĐẢNG ỦY BỆNH VIỆN A" in render_form("8-knd", candidate)


def test_a_deputy_secretary_can_sign(client, personas, official):
    from ketnap.documents.wording import signer_post

    assert signer_post("BÍ THƯ") == "BÍ THƯ" and signer_post("CHỦ TỊCH", "pho-bi-thu") == "K/T CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    client.force_login(personas.office_a)
    url = f"/ung-vien/{official.pk}/van-ban/9-knd.docx"
    secretary = text_of(client.get(url).content)
    assert "T/M BAN THƯỜNG VỤ\nBÍ THƯ\n" in secretary and "PHÓ BÍ THƯ" not in secretary
    deputy = text_of(client.get(url, {"nguoi-ky": "pho-bi-thu"}).content)
    assert "T/M BAN THƯỜNG VỤ\nK/T BÍ THƯ\nPHÓ BÍ THƯ" in deputy
    cell = text_of(client.get(f"/ung-vien/{official.pk}/van-ban/6-knd.docx?nguoi-ky=pho-bi-thu").content)
    assert "T/M CHI BỘ\nK/T BÍ THƯ\nPHÓ BÍ THƯ" in cell
    assert client.get(url, {"nguoi-ky": "chu-tich-nuoc"}).status_code == 404
    page = client.get(f"/ung-vien/{official.pk}/").content.decode()
    assert f"{url}?nguoi-ky=pho-bi-thu" in page
    assert "3-knd.docx?gioi-thieu" in page and "3-knd.docx?gioi-thieu=1&amp;nguoi-ky" not in page  # introducer signs
    response = client.get(f"/van-ban/hang-loat/9-knd.zip?ids={official.pk}&nguoi-ky=pho-bi-thu")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert all("K/T BÍ THƯ\nPHÓ BÍ THƯ" in text_of(archive.read(n)) for n in archive.namelist())
    refused_to_outsiders(client, personas, f"{url}?nguoi-ky=pho-bi-thu")


def test_union_resolutions_4_and_4a_knd_and_the_joint_letter_3a(client, world, personas, official):
    world.binh.youth_union_joined_on = D(2010, 3, 26)
    world.binh.save()
    youth = Introduction.objects.create(
        candidate=official, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 10)
    )
    union = Introduction.objects.create(
        candidate=official, kind=IntroducerKind.TRADE_UNION, introduced_on=D(2023, 5, 11)
    )
    assert {"4-knd", "4a-knd", "3a-knd"} <= {f.slug for f in generated_for(official)}
    client.force_login(personas.office_a)
    page = client.get(f"/ung-vien/{official.pk}/").content.decode()
    base = f"/ung-vien/{official.pk}/van-ban"
    assert f"{base}/4-knd.docx?gioi-thieu={youth.pk}" in page and f"{base}/4a-knd.docx?gioi-thieu={union.pk}" in page
    response = client.get(f"{base}/4-knd.docx", {"gioi-thieu": youth.pk})
    assert "_2023-05-10.docx" in response["Content-Disposition"]
    text = text_of(response.content)
    for snippet in (
        "Mẫu 4-KNĐ",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "NGHỊ QUYẾT\ngiới thiệu đoàn viên ưu tú vào Đảng",
        "đoàn viên Trần Thị Bình",
        "vào Đoàn ngày 26/03/2010",
        "ngày 10 tháng 5 năm 2023",
        "giới thiệu đoàn viên Trần Thị Bình với " + TRICKY,
        "T/M BAN CHẤP HÀNH\nBÍ THƯ",
        "Tổng số ủy viên Ban Chấp hành: …… đồng chí",  # the union's vote is not recorded: blanks
    ):
        assert snippet in text, snippet
    assert "Nguyễn Văn An" not in text and "{{" not in text
    text = text_of(client.get(f"{base}/4a-knd.docx", {"gioi-thieu": union.pk, "nguoi-ky": "pho-bi-thu"}).content)
    for snippet in (
        "Mẫu 4A-KNĐ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "giới thiệu công đoàn viên ưu tú vào Đảng",
        "ngày 11 tháng 5 năm 2023",
        "T/M BAN CHẤP HÀNH\nK/T CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    ):
        assert snippet in text, snippet
    member = member_introductions(official).first()
    for slug, wrong in (("4-knd", union), ("4a-knd", youth), ("4-knd", member)):
        assert client.get(f"{base}/{slug}.docx", {"gioi-thieu": wrong.pk}).status_code == 404
    refused_to_outsiders(client, personas, f"{base}/4-knd.docx?gioi-thieu={youth.pk}")
    refused_to_outsiders(client, personas, f"{base}/3a-knd.docx")
    # 3A-KNĐ needs two member introducers
    other = domain.create_candidate(
        f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1990, 1, 1)), actor=personas.office_a, on=D(2024, 1, 5)
    )
    Introduction.objects.create(
        candidate=other, kind=IntroducerKind.MEMBER, introducer=world.an, introduced_on=D(2024, 3, 1)
    )
    assert "3a-knd" not in {f.slug for f in generated_for(other)}
    assert client.get(f"/ung-vien/{other.pk}/van-ban/3a-knd.docx").status_code == 404
    assert "4-knd" not in {f.slug for f in generated_for(other)}


def test_every_numbered_form_carries_its_mark(official):
    Introduction.objects.create(candidate=official, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 10))
    Introduction.objects.create(candidate=official, kind=IntroducerKind.TRADE_UNION, introduced_on=D(2023, 5, 11))
    numbered = [form for form in FORMS.values() if form.code.endswith("-KNĐ")]
    assert len(numbered) == 18  # 1, 2, 3, 3A, 4, 4A, 5 … 16
    for form in numbered:
        if form.handwritten:
            context = {}
        elif form.available(official):
            context = form.context(official, form.introductions(official).first() if form.per_introduction else None)
        else:  # 5-KNĐ, 7-KNĐ, 14-KNĐ are not offered for Bình: the mark is in the template all the same
            context = form.context(official)
        first = Document(io.BytesIO(render.render_docx(form.template, context))).paragraphs[0]
        assert first.text == f"Mẫu {form.code}", form.slug
        assert first.alignment == build_templates.WD_ALIGN_PARAGRAPH.RIGHT
