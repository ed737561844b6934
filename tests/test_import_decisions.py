"""What the office decides once rather than per row: values to map, identity changes to confirm, partial imports,
the error file, the template — on the command line and on the web. The layout, value and date rules of real
rosters are also pinned here one by one (the corpus, tests/test_import_corpus.py, covers them together).
"""

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse

from ketnap.audit.models import AuditEntry
from ketnap.imports import cells, matching
from ketnap.imports.columns import STAFF_COLUMNS
from ketnap.imports.layout import Classifier, find_header, is_number_row, ranges
from ketnap.imports.models import ColumnMapping, ImportJob, saved_values
from ketnap.registry.enums import Gender, OrgKind
from ketnap.registry.models import Person
from tests import factories as f
from tests.test_imports import THREADED, _finished, _job_urls, _post_file, run, write_xlsx


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.KETNAP_IMPORT_WAIT = 30  # as in test_imports: the job ends before the test's next request
    return settings.DATA_DIR


HEAD = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Khoa/phòng", "Chức danh nghề nghiệp"]


def people(*rows):
    return [[i, *row] for i, row in enumerate(rows, start=1)]


# --- values decided once --------------------------------------------------------------------------------


def test_an_unknown_value_is_listed_once_with_its_rows_and_mapped_once(world, tmp_path):
    rows = people(
        ["Võ Văn Một", "01/01/1990", "Nam", "001190000101", "Khoa Nội", "Nhân viên hợp đồng 68"],
        ["Võ Văn Hai", "01/01/1990", "Nam", "001190000102", "Khoa Nội", "Bác sĩ hạng III"],
        ["Võ Văn Ba", "01/01/1990", "Nam", "001190000103", "K. Nội", "Nhân viên hợp đồng 68"],
        ["Võ Văn Bốn", "01/01/1990", "Nam", "001190000104", "khoa  NGOẠI", "Nhân viên hợp đồng 68"],
    )
    path = write_xlsx(tmp_path / "hd68.xlsx", rows, head=HEAD)
    code, out, err = run("staff", path, "--org", "BVA")
    assert code == 1
    line = "'Nhân viên hợp đồng 68' không có trong danh mục Ngành / chức danh nghề nghiệp — 3 dòng: 4, 6–7."
    assert err.count("Nhân viên hợp đồng 68") == 1 and line in err
    assert out.startswith("Tóm tắt: 4 dòng") and "1 giá trị cần chọn mục trong danh mục" in out
    assert Person.objects.filter(family_name="Võ").count() == 0
    code, out, err = run(
        "staff", path, "--org", "BVA", "--map-value", "Chức danh nghề nghiệp:Nhân viên hợp đồng 68=Khác"
    )
    assert code == 0, err
    assert saved_values(world.hospital_a, "staff") == {"profession": {"nhan vien hop dong 68": "khac"}}
    assert set(Person.objects.filter(family_name="Võ").values_list("profession__code", flat=True)) == {"khac", "bac_si"}
    # the units were recognised whatever their spelling
    assert Person.objects.get(citizen_id="001190000103").work_unit == world.dept_a1
    assert Person.objects.get(citizen_id="001190000104").work_unit == world.dept_a2


def test_map_names_a_column_for_good(world, tmp_path):
    head = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Nơi làm việc hiện nay"]
    path = write_xlsx(tmp_path / "a.xlsx", [["Lý Thị Na", "02/02/1992", "Nữ", "001192000111", "Khoa Nội"]], head=head)
    code, _, err = run("staff", path, "--org", "BVA", "--map", "Nơi làm việc hiện nay=Khoa/phòng")
    assert code == 0, err
    assert ColumnMapping.objects.get(organization=world.hospital_a).mapping == {"noi lam viec hien nay": "work_unit"}
    code, _, err = run("staff", path, "--org", "BVA", "--map", "X=Không có cột này")
    assert code == 1 and "ketnap không có cột 'Không có cột này'" in err


def test_a_mapping_to_something_outside_the_catalogue_is_refused(world, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [], head=HEAD)
    code, _, err = run("staff", path, "--org", "BVA", "--map-value", "Khoa/phòng:Khoa Cấp cứu 115=Khoa Sản")
    assert code == 1 and "'Khoa Sản' không có trong các khoa/phòng thuộc Đảng bộ Bệnh viện A" in err
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("K. Nội tổng hợp", "K-NTH"),
        ("Nội tổng hợp", "K-NTH"),
        ("KHOA NỘI  TỔNG HỢP", "K-NTH"),
        ("P. TCCB", "P-TCCB"),
        ("Phòng TCCB", "P-TCCB"),
        ("Khoa HSTC-CĐ", "K-HSTC"),
        ("Hồi sức tích cực - Chống độc", "K-HSTC"),
        ("k-hstc", "K-HSTC"),
        ("Chi bộ Khối Nội", "CB-NOI"),
        ("Khối Nội", "CB-NOI"),
    ],
)
def test_department_names_as_hospitals_write_them(written, expected):
    catalogue = matching.Catalogue(
        "khoa/phòng",
        [
            matching.Entry(1, "Khoa Nội tổng hợp", "K-NTH"),
            matching.Entry(2, "Phòng Tổ chức cán bộ", "P-TCCB"),
            matching.Entry(3, "Khoa Hồi sức tích cực – Chống độc", "K-HSTC"),
            matching.Entry(4, "Chi bộ Khối Nội", "CB-NOI"),
        ],
        units=True,
    )
    index = catalogue.find(written)
    assert index is not None and catalogue.entries[index].code == expected


def test_a_name_two_departments_share_is_not_guessed():
    catalogue = matching.Catalogue(
        "khoa/phòng",
        [matching.Entry(1, "Khoa Nội A", "A"), matching.Entry(2, "Phòng Nội A", "B")],
        units=True,
    )
    assert catalogue.find("Nội A") is None
    assert catalogue.guess("Nội A") in (0, 1)  # offered, never applied without the user


# --- identity, names, audit ---------------------------------------------------------------------------------


def test_identity_changes_wait_for_confirmation_and_each_person_gets_an_audit_entry(world, tmp_path):
    binh = world.binh
    binh.citizen_id = "001190000201"
    binh.save()
    rows = people([binh.full_name, "17/05/1991", "Nữ", binh.citizen_id, "Khoa Nội", "Điều dưỡng hạng IV"])
    path = write_xlsx(tmp_path / "b.xlsx", rows, head=HEAD)
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 1
    assert f"Dòng 4: {binh.full_name} — Ngày sinh: 17/05/1990 → 17/05/1991" in err
    assert "--accept-identity-changes" in err
    binh.refresh_from_db()
    assert binh.birth_date == dt.date(1990, 5, 17)
    code, _, err = run("staff", path, "--org", "BVA", "--accept-identity-changes")
    assert code == 0, err
    binh.refresh_from_db()
    assert binh.birth_date == dt.date(1991, 5, 17) and binh.profession.code == "dieu_duong"
    entry = AuditEntry.objects.filter(person_id=binh.pk, action="update").latest("id")
    assert entry.changes["birth_date"] == ["1990-05-17", "1991-05-17"]
    assert entry.changes["profession_id"][0] is None and "Nhập danh sách nhân sự" in entry.note


def test_a_reimport_keeps_how_the_register_splits_a_name(world, tmp_path):
    person = f.person(world.dept_a1, "Nguyễn Thị Ánh Dương", citizen_id="001195000301")
    person.middle_name, person.given_name = "Thị", "Ánh Dương"  # the office corrected it by hand
    person.save()
    rows = people(["NGUYỄN THỊ  ÁNH\u00a0DƯƠNG", "17/05/1990", "Nữ", "001195000301", "Khoa Nội", ""])
    code, out, err = run("staff", write_xlsx(tmp_path / "d.xlsx", rows, head=HEAD), "--org", "BVA")
    assert code == 0, err
    assert "giữ nguyên 1" in out
    person.refresh_from_db()
    assert (person.middle_name, person.given_name) == ("Thị", "Ánh Dương")


def test_a_year_alone_does_not_overwrite_a_full_birth_date(world, tmp_path):
    world.binh.citizen_id = "001190000202"
    world.binh.save()
    rows = people([world.binh.full_name, 1990, "Nữ", "001190000202", "Khoa Nội", ""])
    code, out, err = run("staff", write_xlsx(tmp_path / "y.xlsx", rows, head=HEAD), "--org", "BVA")
    assert code == 0, err
    assert "giữ nguyên 1" in out and "chỉ có năm: ghi ngày 01/01 của năm đó — 1 dòng: 4" in out
    world.binh.refresh_from_db()
    assert world.binh.birth_date == dt.date(1990, 5, 17)


# --- partial imports and the error file --------------------------------------------------------------------


def test_partial_import_writes_the_valid_rows_and_hands_back_the_others(world, tmp_path):
    rows = people(
        ["Hà Văn Một", "01/01/1990", "Nam", "001190000401", "Khoa Nội", ""],
        ["Hà Văn Hai", "31/02/1990", "Nam", "001190000402", "Khoa Nội", ""],
        ["Hà Văn Ba", "01/01/1990", "Nam", "001190000403", "Khoa Ngoại", ""],
    )
    path = write_xlsx(tmp_path / "p.xlsx", rows, head=HEAD)
    errors = tmp_path / "loi.xlsx"
    code, out, err = run("staff", path, "--org", "BVA", "--partial", "--errors-file", errors)
    assert code == 0, err
    assert "bỏ lại 1 dòng có lỗi" in out
    assert set(Person.objects.filter(family_name="Hà").values_list("given_name", flat=True)) == {"Một", "Ba"}
    sheet = openpyxl.load_workbook(errors).active
    header, *rejected = sheet.iter_rows(values_only=True)
    assert header[-1] == "Lỗi (ketnap)" and len(rejected) == 1  # the reason beside the file's own columns
    [hai] = [dict(zip(header, row, strict=True)) for row in rejected]
    assert hai["Họ và tên"] == "Hà Văn Hai" and "'31/02/1990' không phải ngày hợp lệ" in hai["Lỗi (ketnap)"]


# --- layout, dates, pure rules ------------------------------------------------------------------------------


def test_dates_as_offices_type_them():
    today = dt.date(2026, 12, 6)
    assert cells.date(1975, today=today) == (dt.date(1975, 1, 1), cells.YEAR_ONLY)  # never 28/05/1905
    assert cells.date("1978", today=today) == (dt.date(1978, 1, 1), cells.YEAR_ONLY)
    assert cells.date("5/3/98", today=today) == (dt.date(1998, 3, 5), "")
    assert cells.date("5/3/21", today=today) == (dt.date(2021, 3, 5), "")
    assert cells.date("5/3/26", today=today) == (dt.date(2026, 3, 5), "")  # this year is not after this year
    assert cells.date("5/3/27", today=today) == (dt.date(1927, 3, 5), "")
    assert cells.date("03/1990", today=today) == (dt.date(1990, 3, 1), cells.MONTH_YEAR)
    assert cells.date("12.03.1995", today=today) == (dt.date(1995, 3, 12), "")
    assert cells.date(33302, today=today) == (dt.date(1991, 3, 5), "")  # Excel's serial day
    with pytest.raises(cells.CellError, match="'1899' không phải ngày hợp lệ"):
        cells.date(1899, today=today)


def test_a_legal_date_is_never_guessed_from_a_year(world, tmp_path):
    head = ["Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "Khoa/phòng", "Chi bộ", "Ngày vào Đảng", "Ngày chính thức"]
    rows = [["Đào Văn Năm", "01/01/1980", "Nam", "001180000501", "Khoa Nội", "BVA-NOI", 2015, "05/06/2016"]]
    code, _, err = run("members", write_xlsx(tmp_path / "m.xlsx", rows, head=head), "--org", "BVA")
    assert code == 1 and "'2015' chưa đủ ngày, tháng, năm; ngày này có giá trị pháp lý" in err


def test_citizen_ids_as_numbers_and_old_identity_cards():
    assert cells.citizen_id(1195000123) == "001195000123"
    assert cells.citizen_id("22089000461") == "022089000461"
    assert cells.citizen_id("022 190 001 234") == "022190001234"
    with pytest.raises(cells.CellError, match="số CMND 9 chữ số"):
        cells.citizen_id("123456789")


def test_layout_of_a_printed_roster():
    rows = [
        (1, ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",)),
        (3, ("DANH SÁCH VIÊN CHỨC",)),
        (5, ("STT", "Họ và tên", "Ngày sinh", "", "Trình độ", "", "Số CCCD")),
        (6, ("", "", "Nam", "Nữ", "Chuyên môn", "Lý luận chính trị", "")),
        (7, ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)")),
    ]
    merged = [(5, 2, 5, 3), (5, 4, 5, 5)]
    header = find_header(rows, STAFF_COLUMNS, None, merged)
    assert (header.first_row, header.last_row) == (5, 6)
    assert {header.headings[i]: c.field for i, c in header.found.items()} == {
        "Họ và tên": "full_name",
        "Ngày sinh / Nam": "birth_date_male",
        "Ngày sinh / Nữ": "birth_date_female",
        "Trình độ / Chuyên môn": "professional_level",
        "Trình độ / Lý luận chính trị": "political_theory",
        "Số CCCD": "citizen_id",
    }
    classifier = Classifier(header)
    said = [
        classifier.classify(7, rows[4][1]),
        classifier.classify(8, ("I.", "KHỐI LÂM SÀNG")),
        classifier.classify(9, ("1", "Tống Văn An", dt.date(1990, 1, 1), "", "", "", "001190000001")),
        classifier.classify(10, ("", "Cộng", 10, 12)),
        classifier.classify(11, ("", "NGƯỜI LẬP BIỂU", "", "", "", "T/M BAN GIÁM ĐỐC", "")),
        classifier.classify(12, ("", "Nguyễn Văn Ký", "", "", "", "Trần Văn Duyệt", "")),
    ]
    assert said == [("skip", ""), ("group", "KHỐI LÂM SÀNG"), ("data", ""), ("skip", ""), ("skip", ""), ("skip", "")]
    assert (classifier.kinds.number_rows, classifier.kinds.totals, classifier.kinds.footer) == ([7], [10], [11, 12])
    assert is_number_row(("1", "2", 3, "(4)")) and not is_number_row(("1", "Nguyễn Văn A", "2"))
    assert ranges([12, 15, 18, 19, 20, 3]) == "3, 12, 15, 18–20"


# --- the web ---------------------------------------------------------------------------------------------


@THREADED
def test_ui_values_are_chosen_once_on_the_preview_then_the_import_goes_in(world, personas, login, tmp_path, data_dir):
    rows = people(
        ["Mạc Văn Một", "01/01/1990", "Nam", "001190000601", "Khoa Nội 2", ""],
        ["Mạc Văn Hai", "01/01/1990", "Nam", "001190000602", "Khoa Nội 2", ""],
    )
    path = write_xlsx(tmp_path / "u.xlsx", rows, head=HEAD)
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, path))
    body = preview.content.decode()
    assert "1 giá trị chưa có trong danh mục" in body and "Khoa Nội 2" in body
    value = preview.context["report"].unmatched[0]
    assert (value["count"], value["rows"], value["guess"]) == (2, "4–5", "UA-NOI")
    token = preview.context["token"]
    # a forged code from another hospital is ignored; the real choice is saved
    post = {"token": token, "values": "1", f"value:work_unit:{value['key']}": "UB-SAN"}
    _job, again = _finished(client, client.post(_job_urls(job)[0], post))
    assert "1 giá trị chưa có trong danh mục" in again.content.decode()
    post[f"value:work_unit:{value['key']}"] = "UA-NOI"
    job2, ready = _finished(client, client.post(_job_urls(job)[0], post))
    assert "Nếu xác nhận sẽ thêm mới 2" in ready.content.decode()
    assert saved_values(world.hospital_a, "staff") == {"work_unit": {"khoa noi 2": "UA-NOI"}}
    _job3, done = _finished(client, client.post(_job_urls(job2)[0], {"token": token, "confirm": "1"}))
    assert done.status_code == 302 and done["Location"] == reverse("org_detail", kwargs={"code": "BVA"})
    assert set(Person.objects.filter(family_name="Mạc").values_list("work_unit", flat=True)) == {world.dept_a1.pk}


@THREADED
def test_ui_identity_changes_need_the_box_ticked(world, personas, login, tmp_path, data_dir):
    world.an.citizen_id = "001190000701"
    world.an.save()
    rows = people(["Nguyễn Văn Ân", "17/05/1990", "Nam", "001190000701", "Khoa Nội", ""])
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, write_xlsx(tmp_path / "i.xlsx", rows, HEAD)))
    body = preview.content.decode()
    assert "1 người đã có trong sổ sẽ đổi nhân thân" in body and 'name="accept_identity_changes"' in body
    token = preview.context["token"]
    _job, unticked = _finished(client, client.post(_job_urls(job)[0], {"token": token, "confirm": "1"}))
    world.an.refresh_from_db()
    assert world.an.given_name == "An" and "sẽ đổi nhân thân" in unticked.content.decode()
    post = {"token": token, "confirm": "1", "accept_identity_changes": "1"}
    _finished(client, client.post(_job_urls(job)[0], post))
    world.an.refresh_from_db()
    assert world.an.given_name == "Ân"


@THREADED
def test_ui_error_file_and_partial_import(world, personas, login, tmp_path, data_dir):
    rows = people(
        ["Lò Văn Một", "01/01/1990", "Nam", "001190000801", "Khoa Nội", ""],
        ["Lò Văn Hai", "01/01/2990", "Nam", "001190000802", "Khoa Nội", ""],
    )
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, write_xlsx(tmp_path / "e.xlsx", rows, HEAD)))
    errors_url = reverse("import_job_errors", kwargs={"code": "BVA", "token": job.token})
    assert errors_url in preview.content.decode()
    download = client.get(errors_url)
    sheet = openpyxl.load_workbook(_bytes(download)).active
    _title, _blank, header, *lines = sheet.iter_rows(values_only=True)
    assert header[-1] == "Lỗi (ketnap)"  # the whole file handed back, each row's reason beside it
    errors = {row["Họ và tên"]: row["Lỗi (ketnap)"] for row in (dict(zip(header, line, strict=True)) for line in lines)}
    assert errors["Lò Văn Một"] is None and "tương lai" in errors["Lò Văn Hai"]
    token = preview.context["token"]
    job2, done = _finished(client, client.post(_job_urls(job)[0], {"token": token, "partial": "1"}))
    assert "1 dòng có lỗi chưa được nhập" in done.content.decode()
    assert list(Person.objects.filter(family_name="Lò").values_list("given_name", flat=True)) == ["Một"]
    rejected = client.get(reverse("import_job_errors", kwargs={"code": "BVA", "token": job2.token}))
    header, *lines = openpyxl.load_workbook(_bytes(rejected)).active.iter_rows(values_only=True)
    assert [dict(zip(header, line, strict=True))["Họ và tên"] for line in lines] == ["Lò Văn Hai"]
    assert ImportJob.objects.filter(pk=job2.pk, report__rejected=1).exists()


def _bytes(response):
    import io

    assert response.status_code == 200
    return io.BytesIO(b"".join(response.streaming_content))


def test_template_offers_the_catalogues_as_drop_down_lists(world, personas, login):
    client = login(personas.office_a)
    response = client.get(reverse("import_template", kwargs={"code": "BVA"}) + "?loai=staff")
    book = openpyxl.load_workbook(_bytes(response))
    sheet = book["Danh sách"]
    head = [c.value for c in sheet[1]]
    assert head[:6] == ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã nhân viên", "Khoa/phòng"]
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
    unit_column = openpyxl.utils.get_column_letter(head.index("Khoa/phòng") + 1)
    assert lists[unit_column].startswith("'Danh mục'!")
    units = [c.value for c in book["Danh mục"][unit_column] if c.value]
    assert units[1:] == ["Khoa Ngoại", "Khoa Nội"]  # the hospital's own departments, not another's, A to Z
    assert book["Danh mục"].sheet_state == "hidden"
    assert client.get(reverse("import_template", kwargs={"code": "BVA"}) + "?loai=khac").status_code == 404


def test_a_filled_in_template_imports(world, personas, login, tmp_path):
    client = login(personas.office_a)
    response = client.get(reverse("import_template", kwargs={"code": "BVA"}) + "?loai=staff")
    book = openpyxl.load_workbook(_bytes(response))
    sheet = book["Danh sách"]
    head = [c.value for c in sheet[1]]
    example = {h: c.value for h, c in zip(head, sheet[2], strict=True)}
    assert example["Họ và tên"] == "Nguyễn Thị Mẫu" and example["Khoa/phòng"] in {"Khoa Nội", "Khoa Ngoại"}
    sheet.cell(row=2, column=head.index("Họ và tên") + 1, value="Trịnh Thị Điền")
    sheet.cell(row=2, column=head.index("Chức danh nghề nghiệp") + 1, value="Điều dưỡng")
    path = tmp_path / "mau.xlsx"
    book.save(path)
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 0, err
    assert Person.objects.get(given_name="Điền", family_name="Trịnh").profession.code == "dieu_duong"


def test_template_is_for_the_office_only(world, personas, login):
    client = login(personas.secretary_b1)
    assert client.get(reverse("import_template", kwargs={"code": "BVA"})).status_code == 404


def test_organizations_and_candidates_on_the_command_line(world, personas, tmp_path):
    head = ["Mã", "Tên tổ chức", "Loại", "Mã cấp trên", "Ngày thành lập", "Khoa/phòng"]
    rows = [
        ["BVA-CLS", "Chi bộ Cận lâm sàng", "Chi bộ", "BVA", "01/03/2024", "Khoa Xét nghiệm; Khoa Chẩn đoán hình ảnh"]
    ]
    path = write_xlsx(tmp_path / "to-chuc.xlsx", rows, head=head)
    code, out, err = run("organizations", path, "--org", "BVA", "--dry-run")
    assert code == 0, err + out
    assert out.startswith("Tóm tắt: 1 dòng: 1 tổ chức thêm mới")
    code, out, err = run("organizations", path, "--org", "BVA")
    assert code == 0, err + out
    assert world.hospital_a.children.filter(code="BVA-CLS", kind=OrgKind.CELL).exists()
    code, _, err = run("candidates", path, "--org", "BVA")
    assert code == 1 and "Cần --user" in err


def test_gender_from_an_x_column(world, tmp_path):
    head = ["Họ và tên", "Ngày sinh", "Nữ", "Số CCCD", "Khoa/phòng"]
    rows = [
        ["Kim Thị Ngọc", "01/01/1990", "x", "001190000901", "Khoa Nội"],
        ["Kim Văn Sơn", "01/01/1990", "", "001190000902", "Khoa Nội"],
    ]
    code, _, err = run("staff", write_xlsx(tmp_path / "x.xlsx", rows, head=head), "--org", "BVA")
    assert code == 0, err
    assert dict(Person.objects.filter(family_name="Kim").values_list("given_name", "gender")) == {
        "Ngọc": Gender.FEMALE,
        "Sơn": Gender.MALE,
    }


def _ods(path, rows: list[tuple[list[str], bool]]):
    """A minimal OpenDocument spreadsheet, as LibreOffice writes one: rows (cells, hidden)."""
    import zipfile

    def row(cells, hidden):
        attrs = ' table:visibility="collapse"' if hidden else ""
        body = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells
        )
        return f"<table:table-row{attrs}>{body}</table:table-row>"

    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Danh sách">{"".join(row(c, h) for c, h in rows)}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return path


def test_an_ods_roster_leaves_its_hidden_rows_out(world, tmp_path):
    rows = [
        (["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Khoa/phòng"], False),
        (["Lê Văn Một", "01/01/1990", "Nam", "001190000951", "Khoa Nội"], False),
        (["Lê Văn Đã Nghỉ", "01/01/1990", "Nam", "001190000952", "Khoa Nội"], True),
        (["Lê Văn Ba", "01/01/1990", "Nam", "001190000953", "Khoa Nội"], False),
    ]
    path = _ods(tmp_path / "ds.ods", rows)
    code, out, err = run("staff", path, "--org", "BVA")
    assert code == 0, err
    assert "1 dòng bị ẩn trong tệp (3)" in out
    assert set(
        Person.objects.filter(family_name="Lê", middle_name__startswith="Văn").values_list("citizen_id", flat=True)
    ) >= {
        "001190000951",
        "001190000953",
    }
    assert not Person.objects.filter(citizen_id="001190000952").exists()
    code, out, err = run("staff", path, "--org", "BVA", "--include-hidden")
    assert code == 0 and Person.objects.filter(citizen_id="001190000952").exists()


@THREADED
def test_ui_the_tree_and_the_road_go_in_through_the_same_page(world, personas, login, tmp_path, data_dir):
    head = ["Mã", "Tên tổ chức", "Loại", "Mã cấp trên", "Ngày thành lập", "Khoa/phòng"]
    rows = [["BVA-DUOC", "Chi bộ Dược", "Chi bộ", "BVA", "01/03/2024", "Khoa Dược"]]
    client = login(personas.office_a)
    path = write_xlsx(tmp_path / "cay.xlsx", rows, head=head)
    job, preview = _finished(client, _post_file(client, world.hospital_a, path, kind="orgs"))
    body = preview.content.decode()
    assert "Tệp hợp lệ: 1 dòng" in body and "Chi bộ Dược (BVA-DUOC)" in body
    _finished(client, client.post(_job_urls(job)[0], {"token": preview.context["token"], "confirm": "1"}))
    assert world.hospital_a.children.filter(code="BVA-DUOC").exists()
    # the road of someone already in the register, recorded by the one who uploads
    head = ["Họ và tên", "Số CCCD", "Ngày sinh", "Ngày vào danh sách quần chúng ưu tú"]
    world.binh.citizen_id = "001190000961"
    world.binh.save()
    path = write_xlsx(
        tmp_path / "nguon.xlsx", [[world.binh.full_name, "001190000961", "17/05/1990", "05/01/2026"]], head
    )
    job, preview = _finished(client, _post_file(client, world.hospital_a, path, kind="candidates"))
    assert "Tệp hợp lệ: 1 dòng" in preview.content.decode()
    _finished(client, client.post(_job_urls(job)[0], {"token": preview.context["token"], "confirm": "1"}))
    candidate = world.binh.candidacies.get()
    assert (candidate.stage, candidate.started_on) == ("source", dt.date(2026, 1, 5))
    assert AuditEntry.objects.filter(person_id=world.binh.pk, actor=personas.office_a).exists()


def test_a_corrected_membership_is_audited_with_its_old_values(world, tmp_path):
    world.an.citizen_id = "001190000971"
    world.an.save()
    head = ["Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "Khoa/phòng", "Chi bộ", "Ngày vào Đảng", "Ngày chính thức"]
    rows = [["Nguyễn Văn An", "17/05/1990", "Nam", "001190000971", "Khoa Nội", "BVA-NOI", "01/03/2018", "11/03/2019"]]
    code, _out, err = run("members", write_xlsx(tmp_path / "dv.xlsx", rows, head=head), "--org", "BVA")
    assert code == 0, err
    membership = world.an.memberships.get()
    entry = AuditEntry.objects.filter(model="registry.PartyMembership", object_id=str(membership.pk)).latest("id")
    assert entry.person_id == world.an.pk
    assert entry.changes["official_date"] == [None, "2019-03-11"]  # f.member() left it empty


def test_a_roster_that_moves_a_candidate_takes_the_candidacy_along(world, personas, tmp_path):
    from ketnap.pipeline import domain

    world.binh.citizen_id = "001190000981"
    world.binh.save()
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=dt.date(2023, 1, 5))
    rows = people([world.binh.full_name, "17/05/1990", "Nữ", "001190000981", "Khoa Ngoại", ""])
    code, _out, err = run("staff", write_xlsx(tmp_path / "chuyen.xlsx", rows, head=HEAD), "--org", "BVA")
    assert code == 0, err
    candidate.refresh_from_db()
    assert candidate.organization == world.cell_a2
    assert candidate.steps.filter(kind="transfer", from_organization=world.cell_a1).exists()
