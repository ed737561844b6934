"""`ketnap import staff|members`: header recognition, whole-file validation, all-or-nothing, malformed files.

The browser flow runs the check and the import in a background thread (imports.runner): those tests are
transactional (the thread's own connection must see committed data) and wait for the job through the runner.
"""

import datetime as dt
import io
import os
import re
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import resolve, reverse
from django.utils import timezone

from ketnap.accounts.models import RoleKind
from ketnap.audit.models import AuditEntry
from ketnap.imports import runner
from ketnap.imports.models import ColumnMapping, ImportJob, JobState
from ketnap.registry.enums import Gender, MembershipStatus
from ketnap.registry.models import Assignment, MembershipEvent, PartyMembership, Person
from tests import factories as f

HEAD = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã NV", "Khoa/phòng", "Dân tộc", "Chức danh"]
ROWS = [
    [1, "nguyễn  thị HOA", "12/03/1995", "Nữ", "001195000001", "NV001", "Khoa Nội", "Kinh", "Điều dưỡng"],
    [2, "Trần Văn Bảo Long", dt.datetime(1988, 11, 2), "Nam", "022088000002", "NV002", "UA-NGOAI", "Tày", ""],
    [3, "Lê Minh", "25/12/1990", "nam", "", "NV003", "khoa noi", "", "Kỹ thuật viên"],
]


def write_xlsx(path, rows, head=HEAD, title=True):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:  # rosters usually carry a title above the header row
        sheet.append(["DANH SÁCH VIÊN CHỨC, NGƯỜI LAO ĐỘNG"])
        sheet.append([])
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def counts():
    return (
        Person.objects.count(),
        Assignment.objects.count(),
        PartyMembership.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def roster(tmp_path):
    return write_xlsx(tmp_path / "danh-sach.xlsx", ROWS)


def test_import_creates_people_with_split_names_unit_and_cell(world, roster):
    audit_before = AuditEntry.objects.count()
    code, out, err = run("staff", roster, "--org", "BVA")
    assert code == 0, err
    assert "thêm mới 3" in out
    hoa = Person.objects.get(citizen_id="001195000001")
    assert (hoa.family_name, hoa.middle_name, hoa.given_name) == ("Nguyễn", "Thị", "Hoa")
    assert hoa.birth_date == dt.date(1995, 3, 12)  # dd/mm, not the US order
    assert hoa.gender == "F" and hoa.ethnicity.name == "Kinh" and hoa.job_title == "Điều dưỡng"
    assert hoa.work_unit == world.dept_a1 and hoa.organization == world.cell_a1
    long_ = Person.objects.get(staff_code="NV002")
    assert (long_.family_name, long_.middle_name, long_.given_name) == ("Trần", "Văn Bảo", "Long")
    assert long_.birth_date == dt.date(1988, 11, 2)  # an Excel date cell
    assert long_.work_unit == world.dept_a2 and long_.organization == world.cell_a2
    minh = Person.objects.get(staff_code="NV003")
    assert minh.citizen_id is None and minh.work_unit == world.dept_a1
    assert Assignment.objects.filter(person=minh, unit=world.dept_a1, valid_to__isnull=True).exists()
    assert Person.objects.search("nguyen thi hoa").get() == hoa
    # one audit entry for the whole batch, naming the file and its hash
    entries = AuditEntry.objects.filter(pk__gt=0).order_by("-id")[: AuditEntry.objects.count() - audit_before]
    assert len(entries) == 1
    assert entries[0].changes["import"][1]["created"] == 3
    assert len(entries[0].changes["import"][1]["sha256"]) == 64


def test_reimport_updates_by_cccd_and_staff_code_without_duplicates(world, roster, tmp_path):
    assert run("staff", roster, "--org", "BVA")[0] == 0
    before = Person.objects.count()
    rows = [list(r) for r in ROWS]
    rows[0][8] = "Điều dưỡng trưởng"  # matched by CCCD
    rows[2][8] = "Kỹ thuật viên trưởng"  # no CCCD: matched by staff code
    rows[2][4] = "036090000003"  # … and the CCCD is filled in
    code, out, err = run("staff", write_xlsx(tmp_path / "lan-2.xlsx", rows), "--org", "BVA")
    assert code == 0, err
    assert "thêm mới 0, cập nhật 2, giữ nguyên 1" in out
    assert Person.objects.count() == before
    assert Person.objects.get(citizen_id="001195000001").job_title == "Điều dưỡng trưởng"
    minh = Person.objects.get(staff_code="NV003")
    assert minh.citizen_id == "036090000003" and minh.job_title == "Kỹ thuật viên trưởng"
    # the same file a third time changes nothing
    code, out, _ = run("staff", tmp_path / "lan-2.xlsx", "--org", "BVA")
    assert "thêm mới 0, cập nhật 0, giữ nguyên 3" in out


def test_reimport_moving_a_department_keeps_the_work_history(world, roster, tmp_path):
    run("staff", roster, "--org", "BVA")
    Assignment.objects.filter(person__citizen_id="001195000001").update(valid_from=dt.date(2020, 1, 1))
    rows = [list(ROWS[0])]
    rows[0][6] = "Khoa Ngoại"
    assert run("staff", write_xlsx(tmp_path / "chuyen.xlsx", rows), "--org", "BVA")[0] == 0
    hoa = Person.objects.get(citizen_id="001195000001")
    assert hoa.work_unit == world.dept_a2 and hoa.organization == world.cell_a2
    assert hoa.assignments.count() == 2 and hoa.assignments.filter(valid_to__isnull=True).get().unit == world.dept_a2


def test_existing_person_is_matched_by_cccd(world, tmp_path):
    rows = [[1, "Trần Thị Bình", "17/05/1990", "Nữ", world.binh.citizen_id, "", "Khoa Nội", "", "Hộ sinh"]]
    code, out, _ = run("staff", write_xlsx(tmp_path / "a.xlsx", rows), "--org", "BVA")
    assert code == 0 and "cập nhật 1" in out
    world.binh.refresh_from_db()
    assert world.binh.job_title == "Hộ sinh"


def test_dry_run_writes_nothing_and_reports_counts(world, roster):
    before = counts()
    code, out, _ = run("staff", roster, "--org", "BVA", "--dry-run")
    assert code == 0
    assert "Chạy thử, chưa ghi gì" in out and "thêm mới 3, cập nhật 0, giữ nguyên 0" in out
    assert counts() == before


def test_one_bad_cell_means_nothing_is_written(world, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][2] = "31/02/1990"
    before = counts()
    code, _, err = run("staff", write_xlsx(tmp_path / "loi.xlsx", rows), "--org", "BVA")
    assert code == 1
    assert "Dòng 5, cột 'Ngày sinh': '31/02/1990' không phải ngày hợp lệ (dd/mm/yyyy)" in err
    assert "không có gì được ghi" in err
    assert counts() == before


def test_errors_name_every_row_and_column(world, tmp_path):
    rows = [
        [1, "Nguyễn Văn A", "01/01/1990", "Nam", "12345", "X1", "Khoa Nội", "Kihn", ""],
        [2, "Nguyễn Văn B", "01/01/1990", "Không rõ", "001190000009", "X2", "Khoa Sản", "", ""],
        [3, "Nguyễn Văn C", "01/01/1990", "Nam", "001190000009", "X2", "Khoa Nội", "", ""],
        [4, "Cường", "01/01/2990", "Nam", "", "", "Khoa Nội", "", ""],
    ]
    code, _, err = run("staff", write_xlsx(tmp_path / "loi.xlsx", rows, title=False), "--org", "BVA")
    assert code == 1
    assert "Dòng 2, cột 'Số CCCD': '12345' không hợp lệ: Số CCCD phải gồm đúng 12 chữ số." in err
    # a value no rule matches is said once, with its rows and the closest entry, for the office to map
    assert "Cột 'Dân tộc': 'Kihn' không có trong danh mục Dân tộc — 1 dòng: 2. Gần nhất: Kinh." in err
    assert "Dòng 3, cột 'Giới tính': 'Không rõ' không phải giới tính (ghi Nam hoặc Nữ)." in err
    # Khoa Sản belongs to hospital B: not a unit of BVA
    assert "Cột 'Khoa/phòng': 'Khoa Sản' không có trong các khoa/phòng thuộc Đảng bộ Bệnh viện A — 1 dòng: 3" in err
    assert "Dòng 4, cột 'Mã NV': mã nhân viên 'X2' trùng với dòng 3." in err
    assert "Dòng 5, cột 'Họ và tên': 'Cường' chưa đủ họ và tên" in err
    assert "Dòng 5, cột 'Ngày sinh': '01/01/2990' là ngày trong tương lai." in err
    assert Person.objects.filter(staff_code__startswith="X").count() == 0


def test_cccd_of_someone_outside_the_organisation_is_refused(world, tmp_path):
    rows = [[1, "Phạm Thị Xuyến", "17/05/1990", "Nữ", world.outsider.citizen_id, "", "Khoa Nội", "", ""]]
    code, _, err = run("staff", write_xlsx(tmp_path / "a.xlsx", rows), "--org", "BVA")
    assert code == 1 and "ngoài Đảng bộ Bệnh viện A" in err
    world.outsider.refresh_from_db()
    assert world.outsider.work_unit == world.dept_b1


def test_dates_as_excel_cells_numbers_and_strings(world, tmp_path):
    rows = [
        [1, "Võ Thị Một", dt.datetime(1991, 3, 5), "Nữ", "001191000011", "", "Khoa Nội", "", ""],
        [2, "Võ Thị Hai", "05/03/1991", "Nữ", "001191000012", "", "Khoa Nội", "", ""],
        [3, "Võ Thị Ba", "05-03-1991", "Nữ", "001191000013", "", "Khoa Nội", "", ""],
        [4, "Võ Thị Bốn", "1991-03-05", "Nữ", "001191000014", "", "Khoa Nội", "", ""],
        [5, "Võ Thị Năm", 33302, "Nữ", 1191000015, "", "Khoa Nội", "", ""],  # serial day; CCCD lost its zeros
    ]
    code, _, err = run("staff", write_xlsx(tmp_path / "ngay.xlsx", rows), "--org", "BVA")
    assert code == 0, err
    assert set(
        Person.objects.filter(given_name__in=["Một", "Hai", "Ba", "Bốn", "Năm"]).values_list("birth_date", flat=True)
    ) == {dt.date(1991, 3, 5)}
    assert Person.objects.filter(citizen_id="001191000015").exists()


def test_headers_without_diacritics_and_csv(world, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text(
        "HO VA TEN;NGAY SINH;GIOI TINH;CCCD;DON VI;TON GIAO;Dien thoai;Doan vien\n"
        "Đỗ Thị Thu;01/02/1999;Nữ;001199000021;UA-NOI;Phật giáo;912345678;x\n",
        encoding="utf-8-sig",
    )
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 0, err
    thu = Person.objects.get(citizen_id="001199000021")
    assert thu.religion.name == "Phật giáo" and thu.youth_union_member and thu.phone == "0912345678"


def test_csv_saved_by_excel_in_windows_1258_is_read(world, tmp_path):
    path = tmp_path / "ds.csv"
    # "ANSI" (cp1258) as Excel saves a CSV on a Vietnamese Windows: ê, à, Đ, ô, ì are single bytes, and the
    # tone of "Thị" is a combining dot below (0xF2) after the i: read back as the precomposed "ị"
    path.write_bytes(
        cp1258("Họ và tên,Ngày sinh,Giới tính,CCCD,Khoa\nĐỗ Thị Thu,01/02/1999,Nữ,001199000031,Khoa Nội\n")
    )
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 0, err
    thu = Person.objects.get(citizen_id="001199000031")
    assert (thu.full_name, thu.gender, thu.work_unit) == ("Đỗ Thị Thu", Gender.FEMALE, world.dept_a1)


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: the letters it has precomposed (â, ơ, đ …, and some toned ones), other
    tones as combining marks after the letter."""
    out = b""
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text), re.S):
        for split in range(len(cluster), 0, -1):
            try:
                out += unicodedata.normalize("NFC", cluster[:split]).encode("cp1258")
                out += cluster[split:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def test_a_file_in_no_vietnamese_encoding_is_refused(world, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(b"Ho va ten,Ngay sinh\n\x81\x8d\x8f\x90,01/02/1999\n")  # undefined in UTF-8 and cp1258
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 1 and "không đọc được tiếng Việt" in err


def _broken_zip(path):
    write_xlsx(path, ROWS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _not_a_workbook(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    return path


def _merged_header(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "", "Số CCCD", "Khoa/phòng"])
    sheet.append(["", "", "Nam", "Nữ", "", ""])
    sheet.merge_cells("C1:D1")
    sheet.append([1, "Nguyễn Văn An", "01/01/1990", "", "001190000031", "Khoa Nội"])
    workbook.save(path)
    return path


def _merged_header_two_rows(tmp_path):
    return _merged_header(tmp_path / "merged.xlsx")


def _formulas(path):
    rows = [list(r) for r in ROWS]
    rows[0][2] = "=DATE(1995,3,12)"
    return write_xlsx(path, rows)


MALFORMED = {
    "old-xls.xls": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), "bị hỏng"),
    "renamed-txt.xlsx": (lambda p: p.write_text("Họ và tên\tNgày sinh\n", encoding="utf-8"), "không phải bảng tính"),
    "notes.txt": (lambda p: p.write_text("Họ và tên,Ngày sinh\n", encoding="utf-8"), "Không tìm thấy dòng tiêu đề"),
    "zip-not-xlsx.xlsx": (_not_a_workbook, "tệp nén (zip) nhưng không phải bảng tính"),
    "broken.xlsx": (_broken_zip, "bị hỏng"),
    "empty.xlsx": (lambda p: p.write_bytes(b""), "trống"),
    "empty.csv": (lambda p: p.write_text("\n\n", encoding="utf-8"), "Không tìm thấy dòng tiêu đề"),
    # a formula saved without its computed value (written by a program, not Excel) reads as an empty cell
    "formulas.xlsx": (_formulas, "Dòng 4: người mới cần có Ngày sinh"),
    "only-header.xlsx": (lambda p: write_xlsx(p, []), "không có dòng dữ liệu nào"),
    "no-header.xlsx": (lambda p: write_xlsx(p, ROWS, head=["A", "B", "C"]), "Không tìm thấy dòng tiêu đề"),
    "missing-column.csv": (
        lambda p: p.write_text("Họ và tên,Ngày sinh,Giới tính,Số CCCD\nA B,01/01/1990,Nam,001190000001\n", "utf-8"),
        "người mới cần có Khoa/phòng",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_refused_with_nothing_written(world, tmp_path, name):
    make, message = MALFORMED[name]
    path = tmp_path / name
    make(path)
    before = counts()
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert counts() == before


def test_two_row_header_with_merged_cells_reads_gender_from_the_birth_date_column(world, tmp_path):
    code, _, err = run("staff", _merged_header_two_rows(tmp_path), "--org", "BVA")
    assert code == 0, err
    an = Person.objects.get(citizen_id="001190000031")
    assert (an.birth_date, an.gender) == (dt.date(1990, 1, 1), Gender.MALE)


def test_too_many_rows_is_refused(world, tmp_path, settings):
    settings.KETNAP_IMPORT_MAX_ROWS = 2
    rows = [
        [i, f"Nguyễn Văn Số{i}", "01/01/1990", "Nam", f"0011900001{i:02d}", "", "Khoa Nội", "", ""] for i in range(30)
    ]
    before = counts()
    code, _, err = run("staff", write_xlsx(tmp_path / "lon.xlsx", rows), "--org", "BVA")
    assert code == 1 and "vượt giới hạn 2 dòng" in err
    assert counts() == before


def test_unknown_organisation(world, roster):
    code, _, err = run("staff", roster, "--org", "KHONG-CO")
    assert code == 1 and "Không có tổ chức đảng mã" in err


def test_the_importing_user_is_authorised_as_every_write_is(world, personas, roster):
    """--user names who imports (engine.authorize_import, the upload screen's rule): a chi bộ secretary is refused
    before the file is read, the office of the organisation imports."""
    before = counts()
    code, out, err = run("staff", roster, "--org", "BVA", "--user", personas.secretary_a1.username)
    assert code == 1 and "Tài khoản bithu.a1 không được nhập dữ liệu vào Đảng bộ Bệnh viện A." in out + err
    assert counts() == before
    code, out, err = run("staff", roster, "--org", "BVA", "--user", personas.office_a.username)
    assert code == 0, err
    assert AuditEntry.objects.filter(actor=personas.office_a).exists()


MEMBER_HEAD = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "CCCD",
    "Khoa/phòng",
    "Chi bộ",
    "Ngày vào Đảng",
    "Ngày chính thức",
]


def test_import_members_registers_memberships(world, tmp_path):
    rows = [
        ["Hoàng Văn Nam", "02/02/1985", "Nam", "001185000041", "Khoa Nội", "BVA-NOI", "03/02/2015", "03/02/2016"],
        ["Trần Thị Bình", "17/05/1990", "Nữ", world.binh.citizen_id, "Khoa Nội", "Chi bộ Khoa Nội", "01/06/2024", ""],
    ]
    path = write_xlsx(tmp_path / "dv.xlsx", rows, head=MEMBER_HEAD)
    code, out, err = run("members", path, "--org", "BVA")
    assert code == 0, err
    assert "thêm mới 1, cập nhật 1" in out
    nam = PartyMembership.objects.get(person__citizen_id="001185000041")
    assert nam.status == MembershipStatus.OFFICIAL and nam.organization == world.cell_a1
    assert nam.person.organization == world.cell_a1
    binh = world.binh.memberships.get()
    assert binh.status == MembershipStatus.PROBATIONARY and binh.decision_date == dt.date(2024, 6, 1)
    assert MembershipEvent.objects.filter(membership=binh, kind="registered").exists()
    # again: nothing changes, nothing is duplicated
    code, out, _ = run("members", path, "--org", "BVA")
    assert "thêm mới 0, cập nhật 0, giữ nguyên 2" in out
    assert PartyMembership.objects.filter(person__citizen_id="001185000041").count() == 1


def test_import_members_reads_the_ceremony_and_checks_its_order(world, tmp_path):
    head = [*MEMBER_HEAD[:7], "Ngày lễ kết nạp", "Ngày chính thức"]
    ok = ["Hoàng Văn Nam", "02/02/1985", "Nam", "001185000041", "Khoa Nội", "BVA-NOI", "03/02/2015", "10/02/2015"]
    path = write_xlsx(tmp_path / "dv.xlsx", [[*ok, "10/02/2016"]], head=head)
    code, _, err = run("members", path, "--org", "BVA")
    assert code == 0, err
    nam = PartyMembership.objects.get(person__citizen_id="001185000041")
    assert nam.ceremony_date == dt.date(2015, 2, 10) and nam.official_date == dt.date(2016, 2, 10)
    assert MembershipEvent.objects.get(membership=nam).on == dt.date(2015, 2, 10)  # registered as of the ceremony
    early = ["Lê Thị Hoa", "02/02/1986", "Nữ", "001186000042", "Khoa Nội", "BVA-NOI", "03/02/2015", "01/02/2015", ""]
    before = counts()
    code, _, err = run("members", write_xlsx(tmp_path / "sai.xlsx", [early], head=head), "--org", "BVA")
    assert code == 1 and "cột 'Ngày lễ kết nạp'" in err and "trước ngày quyết định kết nạp" in err
    assert counts() == before


def test_import_members_refuses_a_silent_move(world, tmp_path):
    rows = [
        ["Nguyễn Văn An", "17/05/1990", "Nam", world.an.citizen_id, "Khoa Nội", "BVA-NGOAI", "01/03/2018", "11/03/2019"]
    ]
    before = counts()
    code, _, err = run("members", write_xlsx(tmp_path / "dv.xlsx", rows, head=MEMBER_HEAD), "--org", "BVA")
    assert code == 1 and "đang sinh hoạt tại Chi bộ Khoa Nội" in err
    assert counts() == before


# --- the browser flow: upload → progress → preview (dry run) → confirm → progress → done -------------------------
# A job's thread opens its own connection: it sees only committed data (transaction=True), and the data the
# migrations load (code lists) must come back after the flush (serialized_rollback=True).
THREADED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    # the request waits for its job (as for a small file in use): the test's next request never runs beside
    # the thread, which SQLite's shared in-memory test database would not take (table locks, no waiting)
    settings.KETNAP_IMPORT_WAIT = 30
    return settings.DATA_DIR


def _post_file(client, org, path, kind="staff"):
    with open(path, "rb") as handle:
        return client.post(reverse("import_upload", kwargs={"code": org.code}), {"kind": kind, "file": handle})


def _finished(client, response):
    """Follow a redirect to a job's page once the job has ended: (the job, the page)."""
    assert response.status_code == 302, response.content.decode()[:500]
    match = resolve(response["Location"])
    assert match.url_name == "import_job"
    job = ImportJob.objects.get(token=match.kwargs["token"])
    assert runner.wait(job, timeout=30), "the job did not end in 30 s"
    job.refresh_from_db()
    return job, client.get(response["Location"])


def _upload(client, org, path, kind="staff"):
    return _finished(client, _post_file(client, org, path, kind))[1]


def _job_urls(job, code=None):
    kwargs = {"code": code or job.organization.code, "token": job.token}
    return reverse("import_job", kwargs=kwargs), reverse("import_job_status", kwargs=kwargs)


def _running_job(world, user, *, heartbeat_age=0, runner_id="may-khac:1234:abcd", **fields):
    """A job as another server process records it while it runs (nothing runs here)."""
    now = timezone.now()
    values = {
        "token": f"job-{ImportJob.objects.count()}",
        "organization": world.hospital_a,
        "kind": "staff",
        "user": user,
        "file_name": "nhan-su-2025.xlsx",
        "upload": "khong-co-trong-phien",
        "path": "/khong/co/tep.xlsx",
        "dry_run": True,
        "state": JobState.RUNNING,
        "phase": "check",
        "done": 45000,
        "total": 100000,
        "runner": runner_id,
        "started_at": now,
        "heartbeat_at": now - dt.timedelta(seconds=heartbeat_age),
    }
    return ImportJob.objects.create(**{**values, **fields})


@THREADED
def test_ui_preview_then_confirm(world, personas, login, roster, data_dir):
    client = login(personas.office_a)
    page = client.get(reverse("import_upload", kwargs={"code": "BVA"}))
    assert page.status_code == 200 and "Tải lên và kiểm tra" in page.content.decode()
    before = counts()
    job, preview = _finished(client, _post_file(client, world.hospital_a, roster))
    assert job.dry_run and job.state == JobState.DONE and job.user == personas.office_a
    assert job.phase == "check" and job.done == job.total  # the engine's progress reached the record
    body = preview.content.decode()
    assert "Nếu xác nhận sẽ thêm mới 3, cập nhật 0, giữ nguyên 0 người" in body
    assert "Nguyễn Thị Hoa" in body
    assert counts() == before  # the preview is a dry run
    status = client.get(_job_urls(job)[1]).json()
    assert status["finished"] and status["state"] == "done" and status["percent"] == 100
    token = preview.context["token"]
    # the preview's form posts back to the job's page
    job2, done = _finished(client, client.post(_job_urls(job)[0], {"token": token, "confirm": "1"}))
    assert not job2.dry_run and job2.state == JobState.DONE and job2.report["written"]
    assert done.status_code == 302 and done["Location"] == reverse("org_detail", kwargs={"code": "BVA"})
    landed = client.get(done["Location"]).content.decode()
    assert "Đã nhập danh-sach.xlsx: thêm mới 3, cập nhật 0, giữ nguyên 0 người." in landed
    assert Person.objects.filter(citizen_id="001195000001", organization=world.cell_a1).exists()
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.changes["import"][1]["created"] == 3 and entry.changes["import"][1]["file"] == "danh-sach.xlsx"
    assert not list((data_dir / "imports").iterdir())  # the upload is gone once imported
    # the token is spent: confirming again imports nothing twice
    again = client.post(reverse("import_upload", kwargs={"code": "BVA"}), {"token": token, "confirm": "1"})
    assert again.status_code == 302 and Person.objects.filter(citizen_id="001195000001").count() == 1
    assert ImportJob.objects.count() == 2


@THREADED
def test_ui_lists_errors_and_writes_nothing(world, personas, login, tmp_path, data_dir):
    rows = [list(r) for r in ROWS]
    rows[2][3] = "Không rõ"
    before = counts()
    body = _upload(login(personas.office_a), world.hospital_a, write_xlsx(tmp_path / "loi.xlsx", rows)).content.decode()
    assert "1 lỗi: chưa nhập" in body and "Xác nhận nhập" not in body
    assert "&#x27;Không rõ&#x27; không phải giới tính" in body
    assert counts() == before


@THREADED
def test_ui_refuses_broken_and_oversized_files(world, personas, login, tmp_path, data_dir, settings):
    client = login(personas.office_a)
    body = _upload(client, world.hospital_a, _broken_zip(tmp_path / "hong.xlsx")).content.decode()
    assert "Không đọc được tệp; không có gì được ghi." in body and "bị hỏng" in body
    settings.KETNAP_MAX_UPLOAD_BYTES = 100
    body = _post_file(client, world.hospital_a, write_xlsx(tmp_path / "lon.xlsx", ROWS)).content.decode()
    assert "vượt giới hạn" in body
    assert not (data_dir / "imports").exists() or not list((data_dir / "imports").iterdir())


@THREADED
def test_ui_saves_the_column_mapping_for_the_organisation(world, personas, login, tmp_path, data_dir):
    head = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Chỗ làm"]  # "Chỗ làm" is not a known heading
    rows = [["Đinh Văn Tú", "01/01/1990", "Nam", "001190000051", "Khoa Nội"]]
    path = write_xlsx(tmp_path / "bo-phan.xlsx", rows, head=head)
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, path))
    assert "người mới cần có Khoa/phòng" in preview.content.decode()
    assert ColumnMapping.objects.count() == 0
    # the header row was found, so the mapping can be fixed on the page; the check runs again in the background
    token = preview.context["token"]
    mapping = {f"map:{key}": field for key, _heading, field in preview.context["report"].headings}
    mapping["map:cho lam"] = "work_unit"
    _job, remapped = _finished(client, client.post(_job_urls(job)[0], {"token": token, "remap": "1", **mapping}))
    body = remapped.content.decode()
    assert "Nếu xác nhận sẽ thêm mới 1" in body and "Đã lưu cách đọc cột cho Đảng bộ Bệnh viện A" in body
    assert ColumnMapping.objects.get(organization=world.hospital_a).mapping["cho lam"] == "work_unit"
    # the command line reads the organisation's mapping too
    code, _, err = run("staff", path, "--org", "BVA")
    assert code == 0, err
    assert Person.objects.get(citizen_id="001190000051").work_unit == world.dept_a1


@THREADED
def test_ui_cancel_forgets_the_upload(world, personas, login, roster, data_dir):
    client = login(personas.office_a)
    job, preview = _finished(client, _post_file(client, world.hospital_a, roster))
    cancelled = client.post(_job_urls(job)[0], {"token": preview.context["token"], "cancel": "1"}, follow=True)
    assert "Đã hủy; không có gì được ghi." in cancelled.content.decode()
    assert not list((data_dir / "imports").iterdir()) and ImportJob.objects.count() == 1


def test_ui_progress_page_updates_itself(world, personas, login, data_dir):
    job = _running_job(world, personas.office_a)
    page_url, status_url = _job_urls(job)
    for user in (personas.office_a, personas.admin_a):  # the uploader, and another manager of the organisation
        body = login(user).get(page_url).content.decode()
        assert "Đang kiểm tra" in body and "45.000 / 100.000 dòng (45%)" in body
        assert '<progress id="import-bar" max="100" value="45"' in body
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body  # without JavaScript
        assert f'data-status="{status_url}"' in body and "ketnap/import-progress.js" in body  # with it
        status = login(user).get(status_url)
        assert status["Cache-Control"].startswith("max-age=0")
        assert status.json() == {
            "state": "running",
            "finished": False,
            "phase": "check",
            "label": "Đang kiểm tra",
            "done": 45000,
            "total": 100000,
            "percent": 45,
            "text": "45.000 / 100.000 dòng (45%)",
            "message": "",
        }
    # the write phase; a CSV does not say how many rows it has
    ImportJob.objects.filter(pk=job.pk).update(phase="write", done=1200, total=None, dry_run=False)
    status = login(personas.office_a).get(status_url).json()
    assert status["label"] == "Đang ghi" and status["percent"] is None and status["text"] == "1.200 dòng"


def test_ui_job_is_404_outside_its_organisation(world, personas, login, data_dir):
    job = _running_job(world, personas.office_a)
    office_b = f.user("vp.b", (RoleKind.OFFICE, world.hospital_b))
    refused = [
        (personas.secretary_a1, "BVA"),  # in the hospital, but not managing it
        (personas.secretary_b1, "BVA"),
        (personas.overseer, "BVA"),
        (office_b, "BVA"),
        (office_b, "BVB"),  # a manager of another organisation, through its own code
    ]
    for user, code in refused:
        client = login(user)
        for url in _job_urls(job, code):
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code == 404, (user.username, url)
                assert "nhan-su-2025" not in response.content.decode()
    unknown = ImportJob(token="khong-co", organization=world.hospital_a)
    for url in _job_urls(unknown):
        assert login(personas.office_a).get(url).status_code == 404


def test_ui_stale_job_is_shown_failed(world, personas, login, data_dir):
    job = _running_job(world, personas.office_a, heartbeat_age=600)  # its server process stopped 10 minutes ago
    page_url, status_url = _job_urls(job)
    client = login(personas.office_a)
    body = client.get(page_url).content.decode()
    assert "Không kiểm tra được tệp." in body and "đã dừng giữa chừng" in body and "Không có gì được ghi" in body
    assert 'http-equiv="refresh"' not in body
    status = client.get(status_url).json()
    assert status["finished"] and status["state"] == "failed" and "Không có gì được ghi" in status["message"]
    # a job of this very process whose thread is gone is failed at once
    mine = _running_job(world, personas.office_a, runner_id=runner.RUNNER_ID, organization=world.cell_a1)
    assert client.get(_job_urls(mine)[1]).json()["state"] == "failed"
    # and neither holds the organisation: the upload page closes them and takes a file
    for code in ("BVA", "BVA-NOI"):
        page = client.get(reverse("import_upload", kwargs={"code": code})).content.decode()
        assert "Mỗi tổ chức chỉ nhập một tệp một lúc" not in page
    assert set(ImportJob.objects.values_list("state", flat=True)) == {JobState.FAILED}


def test_another_workers_job_is_alive_while_it_writes_and_each_forked_worker_is_a_runner_of_its_own(world, personas):
    # `ketnap serve` runs several processes: the write is one transaction, during which the record cannot move
    writing = _running_job(world, personas.office_a, heartbeat_age=600, phase="write", dry_run=False)
    checking = _running_job(world, personas.office_a, heartbeat_age=600, organization=world.cell_a1)
    assert (runner.alive(writing), runner.alive(checking)) == (True, False)
    # the workers are forked from a process that imported the runner: each child takes an id of its own
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: say its id, and leave without running anything of pytest's
        os.write(write, runner.RUNNER_ID.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as answer:
        child = answer.read().decode()
    assert child != runner.RUNNER_ID and f":{pid}:" in child


def test_ui_second_import_for_the_same_organisation_is_refused(world, personas, login, roster, data_dir):
    running = _running_job(world, personas.admin_a, dry_run=False)
    client = login(personas.office_a)
    before = counts()
    page = _post_file(client, world.hospital_a, roster)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Đang nhập tệp nhan-su-2025.xlsx cho Đảng bộ Bệnh viện A (quantri.a bắt đầu lúc" in body
    assert "45.000 / 100.000 dòng (45%)" in body and "Mỗi tổ chức chỉ nhập một tệp một lúc" in body
    assert list(ImportJob.objects.all()) == [running] and counts() == before
    assert not (data_dir / "imports").exists() or not list((data_dir / "imports").iterdir())  # the file is not kept
    # two requests at the same moment: the database keeps the second one out
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(token="cung-luc", organization=world.hospital_a, kind="staff", file_name="x.xlsx")
    assert runner.active_job(world.hospital_b) is None  # another hospital is not held up


@pytest.mark.parametrize("persona", ["secretary_a1", "secretary_b1", "overseer"])
def test_ui_is_for_the_office_only(world, personas, login, roster, data_dir, persona):
    client = login(getattr(personas, persona))
    url = reverse("import_upload", kwargs={"code": "BVA"})
    assert client.get(url).status_code == 404
    before = counts()
    assert _post_file(client, world.hospital_a, roster).status_code == 404
    assert counts() == before and not ImportJob.objects.exists()


def test_ui_admin_of_another_hospital_gets_404(world, personas, login, roster, data_dir):
    client = login(personas.admin_a)
    assert client.get(reverse("import_upload", kwargs={"code": "BVB"})).status_code == 404
    assert client.get(reverse("import_upload", kwargs={"code": "BVA"})).status_code == 200
