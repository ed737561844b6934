"""Importing the party organisation tree (`ketnap import organizations`): the tree with its units and
departments, re-import unchanged, every error listed with nothing written, additions under an existing
đảng bộ cơ sở, dry run."""

import datetime as dt

import openpyxl
import pytest

from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.imports.organizations import OrganizationImporter, OrganizationReport, department_key, importer_within
from ketnap.registry.enums import OrgChange, OrgKind, UnitKind
from ketnap.registry.models import Organization, OrganizationVersion, UnitCoverage, WorkUnit
from ketnap.registry.services.dates import today
from tests import factories as f

HEAD = [
    "STT",
    "Mã",
    "Tên tổ chức",
    "Loại",
    "Mã cấp trên",
    "Ngày thành lập",
    "Được ủy quyền kết nạp",
    "Giao quyền cấp trên cơ sở",
    "Cấp ủy quyết định kết nạp",
    "Đơn vị sự nghiệp",
    "Khoa/phòng",
    "Ghi chú",
]
# fmt: off
TREE = [
    # the province and upper committee rows come after the rows that name them as parent: any order works
    ["BVDK", "Đảng bộ Bệnh viện Đa khoa tỉnh", "ĐBCS", "SYT", "01/01/2016", "x", "", "", "Bệnh viện Đa khoa tỉnh", ""],
    ["BVDK.NOI", "Chi bộ Khoa Nội", "Chi bộ", "BVDK", "", "", "", "", "", "Khoa Nội tổng hợp; Khoa Nội tim mạch"],
    ["BVDK.NGOAI", "Chi bộ Khoa Ngoại", "", "BVDK", "", "", "", "", "", "Khoa Ngoại chấn thương\nKhoa Ngoại tổng hợp"],
    ["BVDK.CLS", "Chi bộ Cận lâm sàng", "Chi bộ trực thuộc", "BVDK", "15/03/2017", "", "", "", "",
     "Khoa Xét nghiệm; Khoa Chẩn đoán hình ảnh", "thành lập sau"],
    ["BVDK.HC", "Chi bộ Hành chính", "CBTT", "BVDK", "", "", "", "", "",
     "Phòng Tổ chức cán bộ; P. Kế hoạch – Tổng hợp"],
    ["DT", "Đảng bộ Trung tâm Y tế khu vực Đông Triều", "Đảng bộ cơ sở", "SYT", "01/03/2020", "", "", "SYT",
     "Trung tâm Y tế khu vực Đông Triều", ""],
    ["DT.TRAM", "Đảng bộ bộ phận các trạm y tế", "", "DT", "", "", "", "", "", ""],
    ["DT.MK", "Chi bộ Trạm y tế phường Mạo Khê", "Chi bộ", "DT.TRAM", "", "", "", "", "", "Trạm y tế phường Mạo Khê"],
    ["DT.BK", "Chi bộ Trạm y tế xã Bình Khê", "", "DT.TRAM", "", "", "", "", "", "Trạm y tế xã Bình Khê"],
    ["DT.NOI", "Chi bộ Khối Nội", "Chi bộ trực thuộc", "DT", "", "", "", "", "", "Khoa Nội; Khoa Nhi"],
    ["DT.NGOAI", "Chi bộ Khối Ngoại", "Chi bộ trực thuộc", "DT", "", "", "", "", "", "Khoa Ngoại – Sản"],
    ["QN", "Đảng bộ tỉnh Quảng Ninh", "Đảng bộ tỉnh", "", "01/01/2015", "", "", "", "", ""],
    ["SYT", "Đảng bộ Sở Y tế", "Đảng bộ cấp trên cơ sở", "QN", "01/01/2015", "", "", "", "", ""],
]
# fmt: on


def write_xlsx(path, rows, head=HEAD, title=True, footer=True):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:  # the title block of an official list, a header, the column-number row
        sheet.append(["", "DANH SÁCH TỔ CHỨC ĐẢNG VÀ ĐƠN VỊ PHỤ TRÁCH"])
        sheet.append(["", "(Kèm theo Công văn số 12-CV/ĐU ngày 10/3/2025)"])
        sheet.append([])
    sheet.append(head)
    if title:
        sheet.append([f"({i})" for i in range(1, len(head) + 1)])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row] if head[0] == "STT" else row)
    if footer:
        sheet.append(["", "Tổng cộng: 13 tổ chức"])
        sheet.append([])
        sheet.append(["", "", "", "", "", "", "", "Quảng Ninh, ngày 10 tháng 3 năm 2025"])
        sheet.append(["", "", "", "", "", "", "", "NGƯỜI LẬP BIỂU"])
    workbook.save(path)
    return path


def counts():
    return (
        Organization.objects.count(),
        OrganizationVersion.objects.count(),
        WorkUnit.objects.count(),
        UnitCoverage.objects.count(),
        AuditEntry.objects.count(),
    )


def run(path, **kwargs):
    kwargs.setdefault("user", SYSTEM)  # as on the command line: the server's administrator
    return OrganizationImporter(path, **kwargs).run()


def org(code):
    return Organization.objects.get(code=code)


def covered(code):
    """The names of the units an organisation covers now."""
    return sorted(c.unit.name for c in UnitCoverage.objects.filter(organization__code=code, valid_to__isnull=True))


@pytest.fixture
def tree_file(tmp_path):
    return write_xlsx(tmp_path / "cay-to-chuc.xlsx", TREE)


def test_department_names_compare_without_prefix_case_diacritics_or_dash_kind():
    assert department_key("K. Hồi sức – Cấp cứu") == department_key("khoa hoi suc-cap cuu") == "hoi suc cap cuu"
    assert department_key("P.Kế hoạch — Tổng hợp") == department_key("Phòng Kế hoạch - Tổng hợp")
    assert department_key("Khoa") == "khoa"  # a prefix alone is a name


@pytest.mark.django_db
def test_import_builds_the_tree_with_units_and_departments(tree_file):
    report = run(tree_file)
    assert report.ok, [str(e) for e in report.errors] + [report.file_error]
    assert report.written
    assert report.header_row == 4
    assert (report.rows, report.created, report.updated, report.unchanged) == (13, 13, 0, 0)
    assert report.units_created == 2 and report.departments_created == 13
    assert "13 tổ chức thêm mới" in report.summary()

    province, syt, bvdk, dt_ = org("QN"), org("SYT"), org("BVDK"), org("DT")
    assert (province.kind, province.parent, province.depth) == (OrgKind.PROVINCE, None, 0)
    assert (syt.kind, syt.parent) == (OrgKind.UPPER, province)
    assert (bvdk.kind, bvdk.parent, bvdk.path) == (OrgKind.BASE_COMMITTEE, syt, f"/{province.pk}/{syt.pk}/{bvdk.pk}/")
    assert bvdk.authorised_to_admit and not bvdk.above_base_powers and bvdk.competent_org is None
    assert bvdk.established_on == dt.date(2016, 1, 1)
    assert dt_.competent_org == syt and not dt_.authorised_to_admit and dt_.deciding_organization() == syt
    sub = org("DT.TRAM")
    assert (sub.kind, sub.parent) == (OrgKind.SUB_COMMITTEE, dt_)  # inferred from "Đảng bộ bộ phận …"
    for code, parent in [("BVDK.NOI", bvdk), ("BVDK.NGOAI", bvdk), ("BVDK.CLS", bvdk), ("BVDK.HC", bvdk)]:
        cell = org(code)
        assert (cell.kind, cell.parent, cell.depth) == (OrgKind.CELL, parent, 3)
        assert cell.path == f"{bvdk.path}{cell.pk}/"
    for code, parent in [("DT.NOI", dt_), ("DT.NGOAI", dt_), ("DT.MK", sub), ("DT.BK", sub)]:
        cell = org(code)
        assert (cell.kind, cell.parent) == (OrgKind.CELL, parent)
        assert cell.path.startswith(dt_.path)
    assert org("DT.BK").depth == 4
    # the founding date: given, or the parent row's
    assert org("BVDK.NOI").established_on == dt.date(2016, 1, 1)
    assert org("BVDK.CLS").established_on == dt.date(2017, 3, 15)
    assert org("DT.MK").established_on == dt.date(2020, 3, 1)
    # every organisation has its founding version
    versions = OrganizationVersion.objects.filter(organization__code__in=[r[0] for r in TREE])
    assert versions.count() == 13 and {v.change for v in versions} == {OrgChange.CREATED}
    assert versions.get(organization=bvdk).valid_from == dt.date(2016, 1, 1)
    assert OrganizationVersion.objects.on(dt.date(2016, 6, 1)).filter(organization__code__startswith="DT").count() == 0

    # units: the hospital is created and covered by its đảng bộ; the departments by their chi bộ
    hospital = WorkUnit.objects.get(name="Bệnh viện Đa khoa tỉnh")
    assert (hospital.kind, hospital.parent, hospital.code) == (UnitKind.UNIT, None, "BVDK")
    assert covered("BVDK") == ["Bệnh viện Đa khoa tỉnh"]
    assert covered("BVDK.NOI") == ["Khoa Nội tim mạch", "Khoa Nội tổng hợp"]
    assert covered("BVDK.NGOAI") == ["Khoa Ngoại chấn thương", "Khoa Ngoại tổng hợp"]
    assert covered("BVDK.HC") == ["Phòng Kế hoạch – Tổng hợp", "Phòng Tổ chức cán bộ"]
    assert all(d.parent == hospital for d in WorkUnit.objects.filter(coverages__organization__code__startswith="BVDK."))
    cls = UnitCoverage.objects.get(unit__name="Khoa Xét nghiệm")
    assert cls.organization.code == "BVDK.CLS" and cls.valid_from == dt.date(2017, 3, 15)
    assert UnitCoverage.objects.get(unit__name="Khoa Nội tổng hợp").valid_from == dt.date(2016, 1, 1)
    centre = WorkUnit.objects.get(code="DT")
    assert centre.name == "Trung tâm Y tế khu vực Đông Triều"
    station = WorkUnit.objects.get(name="Trạm y tế phường Mạo Khê")
    assert (station.kind, station.parent) == (UnitKind.STATION, centre)
    assert covered("DT.MK") == ["Trạm y tế phường Mạo Khê"]
    assert covered("DT.NOI") == ["Khoa Nhi", "Khoa Nội"]
    assert covered("DT.TRAM") == []

    # what was inferred or defaulted is said, by row and column
    notes = [str(n) for n in report.notes]
    assert (
        "Dòng 8, cột 'Loại': để trống; suy ra 'Chi bộ trực thuộc' từ tên 'Chi bộ Khoa Ngoại' và cấp trên là "
        "đảng bộ cơ sở." in notes
    )
    assert any(
        n.startswith("Dòng 7, cột 'Ngày thành lập': để trống; lấy 01/01/2016 (ngày thành lập của dòng 6 (BVDK))")
        for n in notes
    )
    # one audit entry for the file, besides the entries of each created row
    entry = AuditEntry.objects.filter(action="event").latest("id")
    assert entry.changes["import"][1]["created"] == 13 and entry.note.startswith("Nhập cây tổ chức đảng từ tệp")


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tree_file):
    assert run(tree_file).ok
    before = counts()
    report = run(tree_file)
    assert report.ok and not report.written
    assert (report.created, report.updated, report.unchanged) == (0, 0, 13)
    assert {a[1] for a in report.actions} == {"unchanged"}
    assert counts() == before


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_says_what_would_be_done(tree_file):
    before = counts()
    report = run(tree_file, dry_run=True)
    assert report.ok and not report.written and report.dry_run
    assert (report.created, report.updated, report.unchanged) == (13, 0, 0)
    assert counts() == before
    actions = {code: (action, detail) for _n, action, code, _name, detail in report.actions}
    assert actions["BVDK.HC"][0] == "created"
    assert "tạo và phụ trách Phòng Tổ chức cán bộ, Phòng Kế hoạch – Tổng hợp" in actions["BVDK.HC"][1]
    assert "tạo đơn vị Bệnh viện Đa khoa tỉnh" in actions["BVDK"][1]


@pytest.mark.django_db
def test_every_error_is_listed_by_row_and_column_and_nothing_is_written(world, tmp_path):
    # fmt: off
    rows = [
        ["BVC", "Đảng bộ Bệnh viện C", "Đảng bộ cơ sở", "SYT", "31/02/2020", "", "", "", "Bệnh viện C", "", ""],
        ["BVC.A", "Chi bộ A", "Chi bộ", "KHONGCO", "", "", "", "", "", "", ""],
        ["BVC.B", "Chi bộ B", "Chi đoàn", "BVC", "", "", "", "", "", "", ""],
        ["BVC.A", "Chi bộ A trùng mã", "Chi bộ", "BVC", "", "", "", "", "", "", ""],
        ["VONG1", "Đảng bộ bộ phận Một", "Đảng bộ bộ phận", "VONG2", "", "", "", "", "", "", ""],
        ["VONG2", "Đảng bộ bộ phận Hai", "Đảng bộ bộ phận", "VONG1", "", "", "", "", "", "", ""],
        ["BVC.K", "Chi bộ Khoa", "Chi bộ trực thuộc", "SYT", "", "x", "", "", "", "", ""],
        ["BVA-NOI", "Chi bộ Khoa Nội tiết", "Chi bộ", "BVB", "", "", "", "", "", "", ""],
        ["BVC.N", "Chi bộ Khoa Nội", "Chi bộ", "BVC", "", "", "", "", "", "", ""],
        ["BVC.Z", "Chi bộ Khoa Sản", "Chi bộ", "BVC", "01/01/2030", "", "", "", "", "Khoa Sản", ""],
    ]
    # fmt: on
    before = counts()
    report = run(write_xlsx(tmp_path / "loi.xlsx", rows, footer=False))
    assert not report.ok and not report.written
    errors = [str(e) for e in report.errors]
    expected = [
        "Dòng 6, cột 'Ngày thành lập': '31/02/2020' không phải ngày hợp lệ",
        "Dòng 7, cột 'Mã cấp trên': không có tổ chức mã 'KHONGCO' trong tệp hay trong hệ thống.",
        "Dòng 8, cột 'Loại': 'Chi đoàn' không phải loại tổ chức đảng",
        "Dòng 9, cột 'Mã': mã 'BVC.A' trùng với dòng 7.",
        "Dòng 10, cột 'Mã cấp trên': vòng lặp trực thuộc: dòng 10 (VONG1) → dòng 11 (VONG2) → dòng 10 (VONG1)",
        "Dòng 12, cột 'Mã cấp trên': chi bộ trực thuộc không thể trực thuộc đảng bộ cấp trên cơ sở; chỉ trực thuộc "
        "đảng bộ cơ sở hoặc đảng bộ bộ phận.",
        "Dòng 12, cột 'Được ủy quyền kết nạp': chỉ đảng bộ cơ sở mới được ủy quyền kết nạp",
        "Dòng 13, cột 'Tên tổ chức': mã BVA-NOI là 'Chi bộ Khoa Nội' trong hệ thống; đổi tên",
        "Dòng 13, cột 'Mã cấp trên': Chi bộ Khoa Nội đang trực thuộc Đảng bộ Bệnh viện A; chuyển trực thuộc",
        "Dòng 15, cột 'Ngày thành lập': '01/01/2030' là ngày trong tương lai",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)
    assert len(errors) == len(expected), errors
    assert counts() == before


@pytest.mark.django_db
def test_a_dissolved_parent_and_a_department_of_another_cell_are_refused(world, tmp_path):
    closed = f.org("BVA-CU", "Chi bộ cũ", OrgKind.CELL, world.hospital_a)
    from ketnap.registry.services import organizations

    organizations.dissolve(closed, on=dt.date(2020, 1, 1), actor=SYSTEM)
    old_upper = f.org("CU", "Đảng bộ Khối cũ", OrgKind.UPPER, world.province)
    organizations.dissolve(old_upper, on=dt.date(2020, 1, 1), actor=SYSTEM)
    rows = [
        ["BVX", "Đảng bộ Bệnh viện X", "Đảng bộ cơ sở", "CU", "", "", "", "", "", "", ""],
        ["BVA-HS", "Chi bộ Hồi sức", "Chi bộ", "BVA", "", "", "", "", "", "Khoa Nội", ""],
        ["BVA-CU", "Chi bộ cũ", "Chi bộ", "BVA", "", "", "", "", "", "", ""],
    ]
    before = counts()
    report = run(write_xlsx(tmp_path / "loi.xlsx", rows, footer=False))
    errors = [str(e) for e in report.errors]
    assert any(
        e.startswith("Dòng 6, cột 'Mã cấp trên': Đảng bộ Khối cũ (mã CU) đã kết thúc hoạt động ngày 01/01/2020")
        for e in errors
    ), errors
    assert any(e.startswith("Dòng 7, cột 'Khoa/phòng': Khoa Nội đang do Chi bộ Khoa Nội phụ trách") for e in errors), (
        errors
    )
    assert any(e.startswith("Dòng 8, cột 'Mã': Chi bộ cũ (mã BVA-CU) đã kết thúc hoạt động") for e in errors), errors
    assert len(errors) == 3, errors
    assert counts() == before


@pytest.mark.django_db
def test_cells_are_added_under_an_existing_base_committee(world, tmp_path):
    pharmacy = f.unit("UA-DUOC", "Khoa Dược", world.unit_a)  # a department no chi bộ covers yet
    pharmacist = f.person(pharmacy, "Hoàng Thị Lan")
    assert pharmacist.organization is None
    rows = [
        # the existing committee, written a little differently: the same organisation, unchanged
        ["BVA", "Đảng bộ bệnh viện A", "ĐBCS", "SYT", "", "", "", "", "", "", ""],
        [
            "BVA-HSCC",
            "Chi bộ Khoa Hồi sức cấp cứu",
            "Chi bộ",
            "BVA",
            "",
            "",
            "",
            "",
            "",
            "K. Hồi sức - Cấp cứu; khoa duoc",
            "",
        ],
        ["BVA-NOI", "Chi bộ Khoa Nội", "Chi bộ trực thuộc", "BVA", "", "", "", "", "", "UA-NOI", ""],
    ]
    path = write_xlsx(tmp_path / "them-chi-bo.xlsx", rows, footer=False)
    report = run(path)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (1, 0, 2)
    cell = org("BVA-HSCC")
    assert (cell.kind, cell.parent, cell.established_on) == (OrgKind.CELL, world.hospital_a, today())
    assert cell.path == f"{world.hospital_a.path}{cell.pk}/"
    assert covered("BVA-HSCC") == ["Khoa Dược", "Khoa Hồi sức - Cấp cứu"]
    icu = WorkUnit.objects.get(name="Khoa Hồi sức - Cấp cứu")
    assert icu.parent == world.unit_a and icu.kind == UnitKind.DEPARTMENT
    pharmacist.refresh_from_db()
    assert pharmacist.organization == cell  # the staff of a newly covered department follow its chi bộ
    assert covered("BVA-NOI") == ["Khoa Nội"]
    assert any("chỉ khác cách viết" in str(n) for n in report.notes)
    # and again: nothing to do
    before = counts()
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3) and counts() == before


@pytest.mark.django_db
def test_an_existing_cell_gets_new_departments_from_the_import_day(world, tmp_path):
    rows = [["BVA-NGOAI", "Chi bộ Khoa Ngoại", "Chi bộ", "BVA", "", "", "", "", "", "Khoa Ngoại; Phòng mổ", ""]]
    report = run(write_xlsx(tmp_path / "bo-sung.xlsx", rows, footer=False))
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert covered("BVA-NGOAI") == ["Khoa Ngoại", "Phòng mổ"]
    assert UnitCoverage.objects.get(unit__name="Phòng mổ").valid_from == today()


@pytest.mark.django_db
def test_within_an_organisation_nothing_outside_it_is_touched(world, personas, tmp_path):
    rows = [
        ["BVA-MAT", "Chi bộ Khoa Mắt", "Chi bộ", "BVA", "", "", "", "", "", "", ""],
        ["BVB-MAT", "Chi bộ Khoa Mắt B", "Chi bộ", "BVB", "", "", "", "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "pham-vi.xlsx", rows, footer=False)
    report = importer_within(world.hospital_a, path, name="pham-vi.xlsx", user=personas.office_a, dry_run=True).run()
    assert [str(e) for e in report.errors] == [
        "Dòng 7, cột 'Mã cấp trên': tổ chức mã BVB ở ngoài Đảng bộ Bệnh viện A; chỉ thêm được tổ chức thuộc "
        "Đảng bộ Bệnh viện A."
    ]


@pytest.mark.django_db
def test_a_file_without_the_needed_columns_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "thieu.xlsx", [["X", "Chi bộ X"]], head=["Mã", "Tên tổ chức", "Loại"], title=False, footer=False
    )
    report = run(path)
    assert report.file_error == "Tệp thieu.xlsx thiếu cột bắt buộc: Mã cấp trên (dòng tiêu đề 1)."


@pytest.mark.django_db
def test_a_csv_file_without_title_block_and_the_report_round_trip(world, tmp_path):
    path = tmp_path / "to-chuc.csv"
    path.write_text(
        "Mã tổ chức;Tên tổ chức đảng;Loại tổ chức;Trực thuộc;Ngày thành lập;Khoa, phòng\n"
        "BVA-RHM;Chi bộ Răng Hàm Mặt;cbtt;Đảng bộ Bệnh viện A;2019;Khoa Răng – Hàm – Mặt\n",
        encoding="utf-8",
    )
    report = run(path)
    assert report.ok, [str(e) for e in report.errors]
    cell = org("BVA-RHM")
    assert cell.parent == world.hospital_a and cell.established_on == dt.date(2019, 1, 1)  # parent named, year only
    assert covered("BVA-RHM") == ["Khoa Răng – Hàm – Mặt"]
    restored = OrganizationReport.from_json(report.as_json())
    assert restored.summary() == report.summary() and restored.notes == report.notes
    text = "\n".join(restored.lines())
    assert "Thêm mới: dòng 2: Chi bộ Răng Hàm Mặt (BVA-RHM)" in text


@pytest.mark.django_db
def test_one_department_for_one_chi_bo_and_chi_bo_under_an_upper_committee_is_a_base_cell(world, tmp_path):
    rows = [
        ["BVA-M1", "Chi bộ Mắt 1", "Chi bộ", "BVA", "", "", "", "", "", "Khoa Mắt", ""],
        ["BVA-M2", "Chi bộ Mắt 2", "Chi bộ", "BVA", "", "", "", "", "", "K. Mắt", ""],
        ["TTKN", "Chi bộ Trung tâm Kiểm nghiệm", "Chi bộ", "SYT", "", "", "", "", "Trung tâm Kiểm nghiệm", "", ""],
    ]
    report = run(write_xlsx(tmp_path / "trung.xlsx", rows, footer=False))
    assert [str(e) for e in report.errors] == [
        "Dòng 7, cột 'Khoa/phòng': Khoa Mắt đã giao cho Chi bộ Mắt 1 ở dòng 6; mỗi đơn vị, khoa/phòng do một tổ "
        "chức phụ trách."
    ]
    assert "Dòng 8, cột 'Loại': 'Chi bộ' trực thuộc đảng bộ cấp trên cơ sở: hiểu là chi bộ cơ sở." in [
        str(n) for n in report.notes
    ]
    report = run(write_xlsx(tmp_path / "dung.xlsx", [rows[0], rows[2]], footer=False))
    assert report.ok and org("TTKN").kind == OrgKind.BASE_CELL
    assert covered("TTKN") == ["Trung tâm Kiểm nghiệm"]
