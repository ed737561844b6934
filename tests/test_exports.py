"""Exports: .xlsx (typed cells, frozen header, the form's layout), CSV, server-rendered SVG charts, PDF (text layer and
fonts through poppler), `ketnap report`, and the yearly report's access rules."""

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from django.core.management import ManagementUtility, call_command
from django.http import Http404
from django.test import RequestFactory

from ketnap import printing
from ketnap.stats import bieu, charts, csvfile, layout, pdf, report, xlsx
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, ReportMeta, Table
from ketnap.web import listxlsx
from ketnap.web.exporting import export_response

SVG = "{http://www.w3.org/2000/svg}"
PERSON_NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Dũng", "Phạm Thị Xuyến", "Đặng Văn Khoa", "Võ Thị Yến"]


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing on CI: scripts/test.sh must install poppler-utils")
        pytest.skip(f"{tool} is not installed (Debian poppler-utils)")
    return path


def pdf_text(content: bytes, tmp_path) -> str:
    assert content.startswith(b"%PDF-")
    source = tmp_path / "out.pdf"
    source.write_bytes(content)
    return subprocess.run(
        [_poppler("pdftotext"), "-layout", "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_fonts(content: bytes, tmp_path) -> list[str]:
    source = tmp_path / "fonts.pdf"
    source.write_bytes(content)
    out = subprocess.run([_poppler("pdffonts"), str(source)], check=True, capture_output=True, text=True).stdout
    return out.splitlines()[2:]


def sample() -> Table:
    table = Table(
        "mau",
        "Kết nạp theo chi bộ — bảng có tên rất dài để thử giới hạn tên trang tính",
        [
            Column("label", "Tổ chức đảng"),
            Column("admitted", "Đã kết nạp", Kind.INT),
            Column("target", "Chỉ tiêu", Kind.INT),
            Column("percent", "Tỷ lệ so với chỉ tiêu (%)", Kind.PERCENT),
            Column("age", "Tuổi bình quân", Kind.DECIMAL),
            Column("last", "Lần kết nạp gần nhất", Kind.DATE),
        ],
        note="Tính theo ngày quyết định kết nạp.",
        subtitle="Đảng bộ Bệnh viện A · Năm 2026",
    )
    table.add("Đảng bộ Bệnh viện A", 1234, 30, 103.3, 31.5, dt.date(2026, 3, 5), strong=True)
    table.add("Chi bộ Khoa Tai & Mũi <Họng>", 3, 4, 75.0, 29.0, dt.date(2026, 2, 1), level=1)
    table.add("=Chi bộ Khoa Nội", 0, None, None, None, None, level=1, flag="3 năm chưa kết nạp")
    return table


def sample_form() -> bieu.FormTable:
    """A statistical form's table as stats.bieu builds it: Mã số, Chỉ tiêu, Kỳ này, Cùng kỳ, %, numbered columns."""
    columns = [
        Column("code", "Mã số"),
        Column("label", "Chỉ tiêu"),
        Column("current", "Kỳ này", Kind.INT),
        Column("previous", "Cùng kỳ năm trước", Kind.INT),
        Column("percent", "%", Kind.PERCENT),
    ]
    table = bieu.FormTable(
        "bieu-2",
        "Biểu 2-BTCTW: Đảng viên mới kết nạp",
        columns,
        note="Ghi chú của biểu.",
        column_numbers=["", "1", "2", "3", "4 (=2×100/3)"],
    )
    table.add("I", "Đảng viên mới kết nạp", None, None, None, strong=True)
    table.add("01", "Tổng số đảng viên mới kết nạp", 12, 8, 150.0, strong=True)
    table.add("", "Chủ doanh nghiệp tư nhân", None, None, None, level=1, flag="không theo dõi")
    return table


def meta(**fields) -> ReportMeta:
    base = {
        "organization": "ĐẢNG BỘ BỆNH VIỆN A",
        "parent": "ĐẢNG BỘ SỞ Y TẾ",
        "form_code": "Biểu 2-BTCTW",
        "title": "ĐẢNG VIÊN MỚI KẾT NẠP",
        "period": "Năm 2026",
        "place": "Quảng Ninh",
        "issued_on": dt.date(2026, 3, 5),
        "compiler": "Hoàng Thị Lập",
        "compiler_phone": "0912 345 678",
        "head": "Vũ Văn Trưởng",
    }
    return ReportMeta(**{**base, **fields})


# --- .xlsx --------------------------------------------------------------------------------------------------------
def test_tables_xlsx_has_typed_cells_a_frozen_header_and_unique_short_sheet_names():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.tables_xlsx([sample(), sample()], meta())))
    assert len(wb.sheetnames) == 2 and len(set(wb.sheetnames)) == 2
    assert all(len(name) <= 31 for name in wb.sheetnames)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "ĐẢNG BỘ BỆNH VIỆN A"
    assert ws["A2"].value.startswith("Kết nạp theo chi bộ")
    assert ws["A3"].value == "Đảng bộ Bệnh viện A · Năm 2026"
    header = [c.value for c in ws[5]]
    assert header == [
        "Tổ chức đảng",
        "Đã kết nạp",
        "Chỉ tiêu",
        "Tỷ lệ so với chỉ tiêu (%)",
        "Tuổi bình quân",
        "Lần kết nạp gần nhất",
        "Ghi chú",
    ]
    assert ws.freeze_panes == "A6"
    total, cell, odd = ws[6], ws[7], ws[8]
    assert total[1].value == 1234 and isinstance(total[1].value, int) and total[1].number_format == "#,##0"
    assert total[3].value == pytest.approx(1.033) and total[3].number_format == "0.0%"
    assert total[4].value == 31.5 and total[4].number_format == "#,##0.0"
    assert total[5].value == dt.datetime(2026, 3, 5) and total[5].is_date and total[5].number_format == "dd/mm/yyyy"
    assert total[0].font.b and not cell[0].font.b
    assert cell[0].value == "Chi bộ Khoa Tai & Mũi <Họng>" and cell[0].alignment.indent == 1
    # a label starting with "=" stays text, never a formula; nothing is an empty cell; the flag has its column
    assert odd[0].value == "=Chi bộ Khoa Nội" and odd[0].data_type == "s"
    assert odd[2].value is None and odd[6].value == "3 năm chưa kết nạp"
    assert ws["A10"].value == "Tính theo ngày quyết định kết nạp."


def test_form_xlsx_is_laid_out_like_the_paper_form():
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.form_xlsx(sample(), meta()))).active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert ws["A1"].value == "ĐẢNG BỘ SỞ Y TẾ" and ws["A2"].value == "ĐẢNG BỘ BỆNH VIỆN A"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in [c.value for c in ws[1]]
    assert "Biểu 2-BTCTW" in [c.value for c in ws[2]]
    assert ws["A5"].value == "ĐẢNG VIÊN MỚI KẾT NẠP" and ws["A6"].value == "Năm 2026"
    assert ws.freeze_panes == "A9" and ws["A8"].value == "Tổ chức đảng"
    for text in (
        "Quảng Ninh, ngày 05 tháng 03 năm 2026",
        "NGƯỜI LẬP BIỂU",
        "TRƯỞNG BAN",
        "Hoàng Thị Lập",
        "Điện thoại: 0912 345 678",
        "Vũ Văn Trưởng",
    ):
        assert text in texts
    assert ws["B9"].value == 1234


def test_form_xlsx_numbers_the_columns_under_the_header():
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.form_xlsx(sample_form(), meta()))).active
    assert [c.value for c in ws[8]] == ["Mã số", "Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "%", "Ghi chú"]
    # the numbers row: blank under Mã số and under ketnap's Ghi chú column, text (not numbers), boxed, italic
    numbers = ws[9]
    assert [c.value for c in numbers] == [None, "1", "2", "3", "4 (=2×100/3)", None]
    assert numbers[2].data_type == "s" and numbers[2].font.i and numbers[2].border.left.style == "thin"
    # frozen and repeated on every printed page with the header; the figures start under it
    assert ws.freeze_panes == "A10" and ws.print_title_rows == "$8:$9"
    assert ws["B10"].value == "Đảng viên mới kết nạp" and ws["C11"].value == 12
    # a table without column numbers keeps one header row (test_form_xlsx_is_laid_out_like_the_paper_form)
    assert not getattr(sample(), "column_numbers", None)


def test_form_csv_has_no_column_numbers_row():
    rows = list(csv.reader(io.StringIO(csvfile.table_csv(sample_form()).decode("utf-8-sig"))))
    assert rows[0] == ["Mã số", "Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "%", "Ghi chú"]
    assert rows[1][:2] == ["I", "Đảng viên mới kết nạp"] and rows[2][:3] == [
        "01",
        "Tổng số đảng viên mới kết nạp",
        "12",
    ]


def test_long_lists_are_written_from_an_iterable_of_rows():
    columns = [Column("name", "Họ và tên"), Column("born", "Ngày sinh", Kind.DATE), Column("n", "Số", Kind.INT)]
    rows = ((f"Người số {i}", dt.date(1990, 1, 1) + dt.timedelta(days=i), i) for i in range(3000))
    with listxlsx.rows_xlsx_file("Danh sách", columns, rows) as written:
        wb = openpyxl.load_workbook(io.BytesIO(written.read()), read_only=True)
    _title, _blank, header, *lines = wb.active.iter_rows(values_only=True)
    assert header == ("Họ và tên", "Ngày sinh", "Số")
    people = [dict(zip(header, line, strict=True)) for line in lines]
    assert len(people) == 3000 and people[-1]["Số"] == 2999 and people[0]["Ngày sinh"] == dt.datetime(1990, 1, 1)


# --- CSV ----------------------------------------------------------------------------------------------------------
def test_csv_is_utf8_with_bom_and_machine_readable_numbers():
    content = csvfile.table_csv(sample())
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Tổ chức đảng",
        "Đã kết nạp",
        "Chỉ tiêu",
        "Tỷ lệ so với chỉ tiêu (%)",
        "Tuổi bình quân",
        "Lần kết nạp gần nhất",
        "Ghi chú",
    ]
    assert rows[1] == ["Đảng bộ Bệnh viện A", "1234", "30", "103.3", "31.5", "2026-03-05", ""]
    assert dict(zip(rows[0], rows[2], strict=True))["Tổ chức đảng"] == "Chi bộ Khoa Tai & Mũi <Họng>"
    assert rows[3] == ["'=Chi bộ Khoa Nội", "0", "", "", "", "", "3 năm chưa kết nạp"]


# --- SVG charts ---------------------------------------------------------------------------------------------------
def test_bar_chart_is_valid_escaped_svg_with_one_bar_per_row_and_series():
    svg = charts.bar_chart(sample(), "label", ["admitted", "target"], title="Kết nạp & chỉ tiêu <2026>")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Kết nạp & chỉ tiêu <2026>"
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 2 * len(sample().rows)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Chi bộ Khoa Tai & Mũi" in " ".join(texts)  # wrapped over lines, escaped in the markup
    assert "<Họng>" not in svg and "&lt;Họng&gt;" in svg
    assert "1.234" in texts  # values in the Vietnamese format, next to their bars
    assert root.find(f".//{SVG}pattern") is not None  # the second series is hatched: readable in black and white


def test_funnel_and_column_charts_draw_one_bar_per_row():
    table = Table("pheu", "Phễu", [Column("stage", "Giai đoạn"), Column("n", "Số người", Kind.INT)])
    for stage, n in [("Quần chúng ưu tú", 120), ("Cảm tình Đảng", 60), ("Đã kết nạp", 31)]:
        table.add(stage, n)
    for svg in (charts.funnel_chart(table, "stage", "n"), charts.column_chart(table, "stage", "n")):
        root = ET.fromstring(svg)
        assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 3
        assert "Cảm tình Đảng" in [t.text for t in root.iter(f"{SVG}text")]


def test_a_province_bar_chart_draws_its_total_and_the_largest_organisations_and_says_so():
    table = Table("ty-le", "Tỷ lệ", [Column("name", "Tổ chức đảng"), Column("staff", "Nhân sự", Kind.INT)])
    table.add("Đảng bộ Sở Y tế", 10_000)
    for n in range(charts.BARS + 10):  # 40 hospitals, the staff 100 … 139: the 30 largest are 110 … 139
        table.add(f"Đảng bộ Bệnh viện {n}", 100 + n)
    root = ET.fromstring(charts.bar_chart(table, "name", ["staff"], title="Nhân sự", largest_by="staff"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 1 + charts.BARS
    assert "Đảng bộ Sở Y tế" in texts and "Đảng bộ Bệnh viện 10" in texts and "Đảng bộ Bệnh viện 9" not in texts
    assert root.find(f"{SVG}title").text == "Nhân sự — 30 tổ chức nhiều nhân sự nhất (của 40)"
    # a chi bộ's few rows are all drawn, under the title as given
    table.rows = table.rows[:5]
    root = ET.fromstring(charts.bar_chart(table, "name", ["staff"], title="Nhân sự", largest_by="staff"))
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 5
    assert root.find(f"{SVG}title").text == "Nhân sự"


# --- PDF ----------------------------------------------------------------------------------------------------------
def test_form_pdf_has_the_vietnamese_text_layer_and_embedded_fonts(tmp_path):
    content = pdf.form_pdf(sample(), meta())
    text = pdf_text(content, tmp_path)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ BỆNH VIỆN A",
        "Biểu 2-BTCTW",
        "Chi bộ Khoa Tai & Mũi <Họng>",
        "NGƯỜI LẬP BIỂU",
        "TRƯỞNG BAN",
        "Quảng Ninh, ngày 05 tháng 03 năm 2026",
        "Hoàng Thị Lập",
        "103,3 %",
        "1.234",
        "Trang 1/1",
    ):
        assert expected in text, expected
    fonts = pdf_fonts(content, tmp_path)
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    assert any("Liberation-Serif" in line or "DejaVuSerif" in line for line in fonts)


def test_form_pdf_numbers_the_columns_under_the_header(tmp_path):
    html = pdf.form_html(sample_form(), meta())
    numbers = html[html.index('<tr class="colnum">') : html.index("</thead>")]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", numbers) == ["", "1", "2", "3", "4 (=2×100/3)"]
    text = pdf_text(pdf.form_pdf(sample_form(), meta()), tmp_path)
    assert "(=2×100/3)" in text and "Tổng số đảng viên mới kết nạp" in text
    assert '<tr class="colnum">' not in pdf.form_html(sample(), meta())


def test_report_pdf_prints_charts_as_text(tmp_path):
    table = sample()
    chart = pdf.Chart(charts.bar_chart(table, "label", ["admitted", "target"], title="Biểu đồ kết nạp"), "Hình 1.")
    content = pdf.report_pdf(meta(title="BÁO CÁO THỬ"), [pdf.Section("I. Kết quả", ["Đoạn văn có dấu.", table, chart])])
    text = pdf_text(content, tmp_path)
    assert "Biểu đồ kết nạp" in text and "Đảng bộ Bệnh viện A" in text and "Đoạn văn có dấu." in text


def test_pdf_never_fetches_from_the_network():
    with pytest.raises(ValueError):
        printing._local_only("http://example.com/logo.png")


def test_date_line_pads_day_and_month():
    assert layout.date_line(meta(issued_on=dt.date(2026, 1, 2), place="")) == "ngày 02 tháng 01 năm 2026"


# --- export_response ----------------------------------------------------------------------------------------------
def test_export_response_gives_xlsx_csv_pdf_or_nothing():
    rf = RequestFactory()
    tables = [sample(), Table("khac", "Bảng khác", [Column("a", "Cột")])]
    assert export_response(rf.get("/"), tables, basename="thu") is None
    response = export_response(rf.get("/", {"xuat": "xlsx"}), tables, basename="thu")
    assert response["Content-Disposition"] == 'attachment; filename="thu.xlsx"'
    assert len(openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames) == 2
    response = export_response(rf.get("/", {"xuat": "csv", "bang": "khac"}), tables, basename="thu")
    assert response["Content-Type"].startswith("text/csv") and "thu-khac.csv" in response["Content-Disposition"]
    # a form page: its single table downloads in the form's layout
    response = export_response(rf.get("/", {"xuat": "xlsx"}), [sample()], basename="bieu-2", meta=meta())
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active["A1"].value == "ĐẢNG BỘ SỞ Y TẾ"
    response = export_response(rf.get("/", {"xuat": "pdf"}), [sample()], basename="bieu-2", meta=meta())
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    with pytest.raises(Http404):
        export_response(rf.get("/", {"xuat": "csv", "bang": "khong-co"}), tables, basename="thu")


# --- ketnap report ------------------------------------------------------------------------------------------------
def run_ketnap(*args) -> int:
    """`ketnap report …` as the shell runs it (exit code, stderr). Django closes every database connection when a
    command run this way ends: one call per test, at its end (PostgreSQL cannot reopen inside the test's
    transaction). Tests that run several commands use `report(...)`, the same command through call_command."""
    try:
        ManagementUtility(["ketnap", "report", *args]).execute()
    except SystemExit as exc:
        return exc.code
    return 0


def run_report(*args) -> int:
    call_command("report", *args)
    return 0


@pytest.mark.django_db
def test_report_command_writes_the_forms(world, tmp_path, capsys):
    expected = report.bieu3_file(world.hospital_a, dt.date(2026, 6, 30), "csv")
    out = tmp_path / "b2.xlsx"
    assert run_report("bieu2", "--org", "BVA", "--from", "01/01/2018", "--to", "31/12/2018", "-o", str(out)) == 0
    ws = openpyxl.load_workbook(out).active
    assert ws["A2"].value == "ĐẢNG BỘ BỆNH VIỆN A" and ws["A1"].value == "ĐẢNG BỘ SỞ Y TẾ"
    assert "Đã ghi" in capsys.readouterr().out
    csv_out = tmp_path / "b3.csv"
    assert run_report("bieu3", "--org", "BVA", "--date", "30/06/2026", "--format", "csv", "-o", str(csv_out)) == 0
    assert csv_out.read_bytes() == expected  # the same function as the web
    pdf_out = tmp_path / "b3.pdf"
    assert run_report("bieu3", "--org", "BVA", "--date", "30/06/2026", "--format", "pdf", "-o", str(pdf_out)) == 0
    text = pdf_text(pdf_out.read_bytes(), tmp_path)
    assert "ĐỘI NGŨ ĐẢNG VIÊN" in text
    # the official rows and ketnap's statements are printed: retired members (row b, not recorded), the mapping of
    # the specialist levels
    for expected in (
        "Đảng viên đã nghỉ hưu và nghỉ công tác",
        "không theo dõi",
        "Quy đổi của ketnap",
        "(=2×100/3)",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_report_command_default_file_name(world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_ketnap("bieu3", "--org", "BVA-NOI", "--date", "30/06/2026") == 0
    assert (tmp_path / "bieu-3_BVA-NOI_2026-06-30.xlsx").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bieu2", "--org", "KHONG-CO", "--from", "01/01/2026", "--to", "31/12/2026"], "Không có tổ chức đảng mã"),
        (["bieu2", "--org", "BVA", "--from", "31/02/2026", "--to", "31/12/2026"], "Ngày không hợp lệ"),
        (["bieu2", "--org", "BVA", "--from", "01/12/2026", "--to", "01/01/2026"], "phải sau ngày bắt đầu"),
        (["bieu3", "--org", "BVA", "--date", "2026-06-30"], "dd/mm/yyyy"),
        (["yearly", "--org", "BVA", "--year", "hai nghìn"], "Năm không hợp lệ"),
    ],
)
def test_report_command_errors_are_vietnamese_with_exit_code_1(world, tmp_path, capsys, args, message):
    assert run_ketnap(*args, "-o", str(tmp_path / "x")) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


# --- the yearly report --------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.django_db
def test_yearly_report_for_office_and_overseer_without_names(world, personas, pipeline_world, login, tmp_path):
    url = "/thong-ke/BVA/bao-cao-nam/?nam=2026"
    response = login(personas.office_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "bao-cao-phat-trien-dang-vien_BVA_2026.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert "BÁO CÁO KẾT QUẢ CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN NĂM 2026" in text
    assert "\nNăm 2026\n" not in text  # the title says the year once
    # whole people: "khoảng 2 đảng viên", never "khoảng 1,5 đảng viên"
    assert not re.search(r"khoảng \d+,\d+ đảng viên", text)
    assert "ĐẢNG BỘ BỆNH VIỆN A" in text and "Chi bộ Khoa Nội" in text
    assert not [name for name in PERSON_NAMES if name in text]
    overseer = login(personas.overseer).get(url)
    assert overseer.status_code == 200 and overseer.content.startswith(b"%PDF-")
    assert not [name for name in PERSON_NAMES if name in pdf_text(overseer.content, tmp_path)]


@pytest.mark.django_db
def test_yearly_report_is_404_outside_the_scope_or_for_a_bad_year(world, personas, login):
    assert login(personas.secretary_b1).get("/thong-ke/BVA/bao-cao-nam/?nam=2026").status_code == 404
    client = login(personas.office_a)
    assert client.get("/thong-ke/BVA/bao-cao-nam/?nam=20x6").status_code == 404
    assert client.get("/thong-ke/BVA/bao-cao-nam/?nam=2999").status_code == 404


@pytest.mark.django_db
def test_yearly_report_command_writes_the_pdf(world, pipeline_world, tmp_path):
    out = tmp_path / "nam.pdf"
    assert run_report("yearly", "--org", "BVA", "--year", "2025", "-o", str(out), "--head", "Vũ Văn Trưởng") == 0
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "NĂM 2025" in text and "Vũ Văn Trưởng" in text


def test_filenames_are_ascii():
    class Org:
        code = "BVA"

    assert report.bieu2_filename(Org, Period.year(2026), "xlsx") == "bieu-2_BVA_2026-01-01_2026-12-31.xlsx"
    assert report.yearly_filename(Org, 2026).isascii()


def test_the_place_on_documents_is_set_in_the_app(db):
    """Set once by an administrator (registry.Preferences, in /quan-tri/), printed before every date line."""
    from ketnap.registry.models import Preferences, document_place

    assert document_place() == ""
    Preferences.objects.create(pk=1, place="Quảng Ninh")
    assert document_place() == "Quảng Ninh"
    assert layout.date_line(meta(issued_on=dt.date(2026, 1, 2), place=document_place())).startswith("Quảng Ninh, ngày")
