"""Regenerate the roster corpus of tests/test_import_corpus.py: rosters of a fictional "Bệnh viện Đa khoa tỉnh"
written the way Vietnamese hospital personnel offices keep them, and tests/corpus/manifest.json describing them.

The committed files are the test data; the tests never run this script. To regenerate (deterministic: a fixed
seed per file, so the people and the manifest come out the same; .xls/.ods bytes may differ by LibreOffice version):

    python3 -m venv /tmp/corpus-venv && /tmp/corpus-venv/bin/pip install openpyxl
    apt-get install -y libreoffice-calc-nogui          # soffice, to save .xls (Excel 97-2003) and .ods
    /tmp/corpus-venv/bin/python tests/corpus/make_corpus.py

Extra tools: openpyxl (writes every workbook), LibreOffice Calc headless (`soffice --headless --convert-to xls|ods`,
as a personnel office saving from its office suite does). Nothing here imports ketnap.

Every person is fictional (names drawn from common Vietnamese family, middle and given names); every CCCD is
made up (province code + century/gender digit + year + a running number), unique across the corpus.
"""

import datetime as dt
import json
import random
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
AS_OF = "30/6/2026"

# --- the hospital as the register holds it ----------------------------------------------------------------------
CELLS = [
    ("BVDKT-NOI", "Chi bộ Khối Nội"),
    ("BVDKT-NGOAI", "Chi bộ Khối Ngoại – Sản"),
    ("BVDKT-CLS", "Chi bộ Cận lâm sàng – Dược"),
    ("BVDKT-PCN", "Chi bộ Các phòng chức năng"),
]
# code, official name, covering cell
UNITS = [
    ("K-NOITH", "Khoa Nội tổng hợp", "BVDKT-NOI"),
    ("K-HSTCCD", "Khoa Hồi sức tích cực – Chống độc", "BVDKT-NOI"),
    ("K-CAPCUU", "Khoa Cấp cứu", "BVDKT-NOI"),
    ("K-NHI", "Khoa Nhi", "BVDKT-NOI"),
    ("K-NGOAICT", "Khoa Ngoại chấn thương", "BVDKT-NGOAI"),
    ("K-NGOAITH", "Khoa Ngoại tổng hợp", "BVDKT-NGOAI"),
    ("K-GMHS", "Khoa Gây mê hồi sức", "BVDKT-NGOAI"),
    ("K-SAN", "Khoa Sản", "BVDKT-NGOAI"),
    ("K-DUOC", "Khoa Dược", "BVDKT-CLS"),
    ("K-XN", "Khoa Xét nghiệm", "BVDKT-CLS"),
    ("K-CDHA", "Khoa Chẩn đoán hình ảnh", "BVDKT-CLS"),
    ("K-KSNK", "Khoa Kiểm soát nhiễm khuẩn", "BVDKT-CLS"),
    ("P-TCCB", "Phòng Tổ chức cán bộ", "BVDKT-PCN"),
    ("P-KHTH", "Phòng Kế hoạch tổng hợp", "BVDKT-PCN"),
    ("P-TCKT", "Phòng Tài chính kế toán", "BVDKT-PCN"),
    ("P-HCQT", "Phòng Hành chính quản trị", "BVDKT-PCN"),
    ("P-DD", "Phòng Điều dưỡng", "BVDKT-PCN"),
]
UNIT_NAME = {code: name for code, name, _cell in UNITS}
UNIT_CELL = {code: cell for code, _name, cell in UNITS}
CELL_NAME = dict(CELLS)
HOSPITAL = {
    "province": {"code": "TU-QN", "name": "Đảng bộ tỉnh Quảng Ninh"},
    "upper": {"code": "SYT-QN", "name": "Đảng bộ Sở Y tế"},
    "base": {"code": "BVDKT", "name": "Đảng bộ Bệnh viện Đa khoa tỉnh"},
    "unit": {"code": "BVDKT-U", "name": "Bệnh viện Đa khoa tỉnh"},
    "cells": [{"code": c, "name": n} for c, n in CELLS],
    "units": [{"code": c, "name": n, "cell": cell} for c, n, cell in UNITS],
}

# How departments are written in real rosters (the register's spelling is UNIT_NAME).
UNIT_SPELLINGS = {
    "K-NOITH": ["Khoa Nội tổng hợp", "K. Nội tổng hợp", "Nội tổng hợp", "KHOA NỘI TỔNG HỢP", "khoa nội tổng hợp"],
    "K-HSTCCD": [
        "Khoa Hồi sức tích cực - Chống độc",
        "Khoa HSTC-CĐ",
        "Hồi sức tích cực - Chống độc",
        "Khoa Hồi sức tích cực-Chống độc",
        "KHOA HỒI SỨC TÍCH CỰC - CHỐNG ĐỘC",
    ],
    "K-CAPCUU": ["Khoa Cấp cứu", "Cấp cứu", "K. Cấp cứu", "KHOA CẤP CỨU"],
    "K-NHI": ["Khoa Nhi", "Nhi", "K. Nhi", "KHOA NHI"],
    "K-NGOAICT": [
        "Khoa Ngoại chấn thương",
        "khoa  ngoại   chấn thương",
        "Ngoại chấn thương",
        "K. Ngoại chấn thương",
        "KHOA NGOẠI CHẤN THƯƠNG",
    ],
    "K-NGOAITH": ["Khoa Ngoại tổng hợp", "Ngoại tổng hợp", "K. Ngoại tổng hợp"],
    "K-GMHS": ["Khoa Gây mê hồi sức", "Khoa Gây mê - Hồi sức", "Khoa GMHS", "Gây mê hồi sức"],
    "K-SAN": ["Khoa Sản", "Sản", "K. Sản", "KHOA SẢN"],
    "K-DUOC": ["Khoa Dược", "Dược", "K. Dược", "KHOA DƯỢC"],
    "K-XN": ["Khoa Xét nghiệm", "Xét nghiệm", "Khoa XN", "K. Xét nghiệm"],
    "K-CDHA": ["Khoa Chẩn đoán hình ảnh", "Khoa CĐHA", "Chẩn đoán hình ảnh", "K. CĐHA"],
    "K-KSNK": ["Khoa Kiểm soát nhiễm khuẩn", "Khoa KSNK", "Kiểm soát nhiễm khuẩn"],
    "P-TCCB": ["Phòng Tổ chức cán bộ", "P. TCCB", "Phòng TCCB", "Tổ chức cán bộ", "PHÒNG TỔ CHỨC CÁN BỘ"],
    "P-KHTH": ["Phòng Kế hoạch tổng hợp", "Phòng KHTH", "P. KHTH", "Kế hoạch tổng hợp"],
    "P-TCKT": ["Phòng Tài chính kế toán", "Phòng Tài chính - Kế toán", "P. TCKT", "Phòng TCKT"],
    "P-HCQT": ["Phòng Hành chính quản trị", "Phòng Hành chính - Quản trị", "P. HCQT", "Phòng HCQT"],
    "P-DD": ["Phòng Điều dưỡng", "P. Điều dưỡng", "Điều dưỡng", "PHÒNG ĐIỀU DƯỠNG"],
}
# Group rows of rosters grouped by department ("1. Khoa Hồi sức tích cực - Chống độc") under blocks
BLOCKS = [
    ("I. KHỐI LÂM SÀNG", ["K-HSTCCD", "K-NOITH", "K-CAPCUU", "K-NHI", "K-NGOAICT", "K-NGOAITH", "K-GMHS", "K-SAN"]),
    ("II. KHỐI CẬN LÂM SÀNG", ["K-DUOC", "K-XN", "K-CDHA", "K-KSNK"]),
    ("III. KHỐI PHÒNG CHỨC NĂNG", ["P-TCCB", "P-KHTH", "P-TCKT", "P-HCQT", "P-DD"]),
]
GROUP_NAME = {
    "K-HSTCCD": "Khoa Hồi sức tích cực - Chống độc",
    "P-TCKT": "Phòng Tài chính - Kế toán",
    "P-HCQT": "Phòng Hành chính - Quản trị",
}

# --- titles (Chức danh nghề nghiệp) and levels (Trình độ chuyên môn), with the catalogue codes they mean -------
# None: the catalogue has no code yet for it (another change may add one): the manifest leaves the field out.
TITLES = {
    "bs": [("Bác sĩ hạng III", "bac_si"), ("Bác sĩ chính", "bac_si"), ("Bác sĩ", "bac_si")],
    "dd": [("Điều dưỡng hạng IV", "dieu_duong"), ("Điều dưỡng hạng III", "dieu_duong"), ("Điều dưỡng", "dieu_duong")],
    "nhs": [("Nữ hộ sinh", "ho_sinh"), ("Hộ sinh hạng IV", "ho_sinh")],
    "ktv": [("Kỹ thuật viên", "ky_thuat_y")],
    "ds": [("Dược sĩ", "duoc_si")],
    "dsth": [("Dược sĩ trung học", "duoc_trung_cao")],
    "ys": [("Y sĩ", "y_si")],
    "hl": [("Hộ lý", "ho_ly")],
    "cv": [("Chuyên viên", None)],
    "ktoan": [("Kế toán viên", None)],
    "bv": [("Bảo vệ", "bao_ve")],
    "lx": [("Lái xe", "lai_xe")],
}
LEVELS = {
    "bs": [
        ("Đại học", "dai_hoc"),
        ("Chuyên khoa I", "bs_cki"),
        ("BSCKI", "bs_cki"),
        ("CKII", "bs_ckii"),
        ("ThS", "thac_si"),
        ("TS", "tien_si"),
    ],
    "dd": [("Cao đẳng", "cao_dang"), ("Đại học", "dai_hoc"), ("Trung cấp", "trung_cap")],
    "nhs": [("Trung cấp", "trung_cap"), ("Cao đẳng", "cao_dang")],
    "ktv": [("Cao đẳng", "cao_dang"), ("Đại học", "dai_hoc")],
    "ds": [("Đại học", "dai_hoc"), ("ThS", "thac_si")],
    "dsth": [("Trung cấp", "trung_cap")],
    "ys": [("Trung cấp", "trung_cap")],
    "hl": [("Sơ cấp", "so_cap")],
    "cv": [("Đại học", "dai_hoc"), ("ThS", "thac_si")],
    "ktoan": [("Đại học", "dai_hoc"), ("Cao đẳng", "cao_dang")],
    "bv": [("Sơ cấp", "so_cap")],
    "lx": [("Sơ cấp", "so_cap"), ("Trung cấp", "trung_cap")],
}
STAFFING = {  # the kinds of staff each department has, with weights
    "K-NOITH": ["bs", "bs", "dd", "dd", "dd", "hl", "ys"],
    "K-HSTCCD": ["bs", "bs", "dd", "dd", "dd", "hl"],
    "K-CAPCUU": ["bs", "dd", "dd", "ys", "hl"],
    "K-NHI": ["bs", "dd", "dd", "hl"],
    "K-NGOAICT": ["bs", "bs", "dd", "dd", "hl"],
    "K-NGOAITH": ["bs", "dd", "dd", "hl"],
    "K-GMHS": ["bs", "dd", "ktv"],
    "K-SAN": ["bs", "nhs", "nhs", "dd", "hl"],
    "K-DUOC": ["ds", "dsth", "dsth"],
    "K-XN": ["bs", "ktv", "ktv"],
    "K-CDHA": ["bs", "ktv", "ktv"],
    "K-KSNK": ["dd", "dd", "hl"],
    "P-TCCB": ["cv", "cv"],
    "P-KHTH": ["bs", "cv", "cv"],
    "P-TCKT": ["ktoan", "ktoan"],
    "P-HCQT": ["cv", "lx", "bv", "bv"],
    "P-DD": ["dd", "dd"],
}
POLITICAL = [("Sơ cấp", "so_cap"), ("Trung cấp", "trung_cap"), ("Cao cấp", "cao_cap")]
NOTES = ["Nghỉ thai sản", "Đang học CKI", "Biệt phái", "HĐLĐ", "Kiêm nhiệm", "Tập sự"]

FAMILY = (
    ["Nguyễn"] * 6
    + ["Trần"] * 3
    + ["Lê"] * 2
    + [
        "Phạm",
        "Hoàng",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Ngô",
        "Dương",
        "Đinh",
        "Phan",
        "Lương",
        "Hà",
        "Đào",
        "Mai",
        "Tạ",
        "Lưu",
        "Vương",
        "Nông",
        "Triệu",
    ]
)
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Tiến", "Mạnh", "Ngọc", "Đình", "Công", "Trung"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Thùy", "Hồng", "Bích", "Phương", "Thị Thu", "Thị Hồng"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Hải",
    "Long",
    "Nam",
    "Cường",
    "Thắng",
    "Hiếu",
    "Quân",
    "Sơn",
    "Tùng",
    "Khánh",
    "Phong",
    "Bình",
    "Hưng",
    "Quyết",
    "Vượng",
    "Thịnh",
    "Tú",
    "Việt",
    "Toàn",
    "Lộc",
    "Huy",
    "Đạt",
    "Kiên",
]
GIVEN_F = [
    "Hoa",
    "Lan",
    "Hương",
    "Hằng",
    "Nga",
    "Trang",
    "Huyền",
    "Thảo",
    "Linh",
    "Yến",
    "Nhung",
    "Thủy",
    "Hạnh",
    "Loan",
    "Phượng",
    "Oanh",
    "Mai",
    "Duyên",
    "Hiền",
    "Nguyệt",
    "Quỳnh",
    "Vân",
    "Ánh",
    "Liên",
    "Dung",
    "Giang",
]
PROVINCES = ["022", "022", "022", "001", "030", "031", "034", "036", "037", "038"]  # mostly Quảng Ninh
SIGNERS = {
    "maker": "Lê Thị Thanh Tâm",
    "head": "Phạm Quang Vinh",
    "director": "Trần Đức Thịnh",
}
_serial = iter(range(100, 999_999))
_staff_serial = iter(range(1, 9999))


@dataclass
class P:
    family: str
    middle: str
    given: str
    male: bool
    birth: dt.date
    unit: str
    title: str
    profession: str | None
    level: str
    level_code: str
    political: tuple[str, str] | None
    youth: bool
    party: bool
    cccd: str
    staff_code: str
    phone: str
    joined: dt.date
    note: str = ""
    # members
    cell: str = ""
    decision: dt.date | None = None
    official: dt.date | None = None
    card: str = ""
    # how this row is written, for the manifest's "tricky rows"
    tricky: list[str] = field(default_factory=list)
    stt: int = 0
    unit_text: str = ""  # the department as this file writes it

    @property
    def full(self) -> str:
        return " ".join(x for x in (self.family, self.middle, self.given) if x)


def people(rng: random.Random, units: list[str], count: int, *, taken: set[str], members: bool = False) -> list[P]:
    result = []
    for i in range(count):
        unit = units[i % len(units)] if i < len(units) else rng.choice(units)
        kind = rng.choice(STAFFING[unit])
        male = rng.random() < (0.25 if kind in {"dd", "nhs", "hl", "ktoan"} else 0.6)
        if kind == "nhs":
            male = False
        if kind in {"bv", "lx"}:
            male = True
        while True:
            family = rng.choice(FAMILY)
            middle = rng.choice(MIDDLE_M if male else MIDDLE_F)
            given = rng.choice(GIVEN_M if male else GIVEN_F)
            full = f"{family} {middle} {given}"
            if full not in taken and full not in SIGNERS.values():
                taken.add(full)
                break
        year = rng.randint(1966, 2001)
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        title, profession = rng.choice(TITLES[kind])
        level, level_code = rng.choice(LEVELS[kind])
        century_gender = (0 if male else 1) + (2 if year >= 2000 else 0)
        cccd = f"{rng.choice(PROVINCES)}{century_gender}{year % 100:02d}{next(_serial):06d}"
        joined = dt.date(max(year + 22, 1992) + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28))
        joined = min(joined, dt.date(2026, 5, 1))
        youth = year >= 1991 and rng.random() < 0.8
        party = rng.random() < (0.9 if members else 0.35)
        political = rng.choice(POLITICAL) if party or rng.random() < 0.2 else None
        p = P(
            family,
            middle,
            given,
            male,
            birth,
            unit,
            title,
            profession,
            level,
            level_code,
            political,
            youth,
            party,
            cccd,
            f"NV{next(_staff_serial):04d}",
            f"09{rng.randint(10_000_000, 99_999_999)}",
            joined,
        )
        if members:
            p.cell = UNIT_CELL[unit]
            dyear = max(year + 20, 1995) + rng.randint(0, 10)
            dyear = min(dyear, 2025)
            p.decision = dt.date(dyear, rng.randint(1, 12), rng.randint(1, 28))
            if (dyear == 2025 and rng.random() < 0.5) or i == 1:
                p.decision = dt.date(2026, rng.randint(1, 4), rng.randint(1, 28))
                p.official = None
            else:
                p.official = p.decision + dt.timedelta(days=365 + rng.randint(5, 40))
            p.card = f"{rng.randint(10, 79):02d}.{rng.randint(0, 999999):06d}" if p.official else ""
        result.append(p)
    return result


# --- writing values as offices do --------------------------------------------------------------------------------
def vn_upper(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


def d_slash(d):
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def d_short(d):
    return f"{d.day}/{d.month}/{d.year}"


def d_dash(d):
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


def d_dot(d):
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def d_yy(d):
    return f"{d.day}/{d.month}/{d.year % 100:02d}"


def spaced_cccd(c):
    return f"{c[:3]} {c[3:6]} {c[6:9]} {c[9:]}"


@dataclass
class Col:
    head: str
    get: object  # callable(P) -> value
    sub: str | None = None  # second header row (two-row headers); equal consecutive heads are merged
    width: int = 14
    hidden: bool = False
    fmt: str | None = None
    total: object = None  # value written in the totals row ("Cộng"), callable(list[P]) or str


@dataclass
class Table:
    """A roster as laid out on a sheet; rendered to .xlsx (then .xls/.ods) or to text (CSV)."""

    columns: list[Col]
    body: list  # ("person", P, hidden) | ("group", text) | ("merged_unit", P...) handled by merge_unit
    title: list[list] = field(default_factory=list)  # rows of cell values above the header (positions)
    title_merges: list[tuple[int, int, int]] = field(default_factory=list)  # (row offset, first col, last col)
    number_row: str | None = None  # "(n)" or "n"
    total: list | None = None  # a totals row (cell values); None: none
    footer: list[list] = field(default_factory=list)
    merge_unit: int | None = None  # column index whose cells are merged down each department's rows
    group_merge: bool = True  # group rows written as one merged cell across the table


def motto(ncols: int, *, title="DANH SÁCH CÁN BỘ, VIÊN CHỨC, NGƯỜI LAO ĐỘNG", as_of=True, left_col=0):
    right = max(3, ncols // 2)
    rows = [
        {left_col: "SỞ Y TẾ TỈNH QUẢNG NINH", right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
        {left_col: "BỆNH VIỆN ĐA KHOA TỈNH", right: "Độc lập - Tự do - Hạnh phúc"},
        {},
        {0: title},
    ]
    merges = [(0, left_col, right - 1), (1, left_col, right - 1), (0, right, ncols - 1), (1, right, ncols - 1)]
    merges.append((3, 0, ncols - 1))
    if as_of:
        rows.append({0: f"(Tính đến ngày {AS_OF})"})
        merges.append((4, 0, ncols - 1))
    rows.append({})
    return [[r.get(i) for i in range(ncols)] for r in rows], merges


def signature(ncols: int, *, director=True, tm=False):
    right = max(3, ncols - 4)
    mid = max(2, ncols // 2 - 1)
    lines = [
        {right: "Quảng Ninh, ngày 30 tháng 6 năm 2026"},
        {0: "NGƯỜI LẬP BIỂU", mid: "TRƯỞNG PHÒNG TCCB", right: "T/M BAN GIÁM ĐỐC" if tm else "GIÁM ĐỐC"},
        {0: "(Ký, ghi rõ họ tên)", mid: "(Ký, ghi rõ họ tên)", right: "GIÁM ĐỐC" if tm else "(Ký tên, đóng dấu)"},
        {},
        {},
        {0: SIGNERS["maker"], mid: SIGNERS["head"], right: SIGNERS["director"] if director else None},
    ]
    return [[r.get(i) for i in range(ncols)] for r in lines]


def header_rows(t: Table) -> tuple[list, list | None, list]:
    """(first row, second row or None, merges as (row offset, first col, last col, rows))"""
    two = any(c.sub for c in t.columns)
    first = [c.head for c in t.columns]
    if not two:
        return first, None, []
    second = [c.sub for c in t.columns]
    merges = []
    i = 0
    while i < len(t.columns):
        j = i
        while j + 1 < len(t.columns) and t.columns[j + 1].head == t.columns[i].head and t.columns[i].sub:
            j += 1
        if t.columns[i].sub:
            if j > i:
                merges.append((0, i, j, 1))
                for k in range(i + 1, j + 1):
                    first[k] = None
        else:
            merges.append((0, i, i, 2))  # the heading spans both rows
        i = j + 1
    return first, second, merges


def write_xlsx(t: Table, path: Path, *, sheet_title="Danh sách", before: list | None = None) -> dict:
    """The workbook; returns {"rows": {id(P): excel row}, "footer": [first, last], "hidden": [...]}."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if before:
        ws.title = before[0]
        for row in before[1]:
            ws.append(row)
        ws.column_dimensions["A"].width = 36
        ws = wb.create_sheet(sheet_title)
    else:
        ws.title = sheet_title
    ncols = len(t.columns)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    r = 1
    for values in t.title:
        for i, v in enumerate(values):
            if v is not None:
                cell = ws.cell(r, i + 1, v)
                cell.font = bold
                cell.alignment = center
        r += 1
    for offset, first, last in t.title_merges:
        ws.merge_cells(start_row=1 + offset, start_column=first + 1, end_row=1 + offset, end_column=last + 1)
    first, second, merges = header_rows(t)
    head_row = r
    for i, v in enumerate(first):
        if v is not None:
            ws.cell(r, i + 1, v).font = bold
            ws.cell(r, i + 1).alignment = center
    r += 1
    if second is not None:
        for i, v in enumerate(second):
            if v is not None:
                ws.cell(r, i + 1, v).font = bold
                ws.cell(r, i + 1).alignment = center
        r += 1
        for offset, a, b, rows in merges:
            ws.merge_cells(
                start_row=head_row + offset, start_column=a + 1, end_row=head_row + rows - 1, end_column=b + 1
            )
    if t.number_row:
        for i in range(ncols):
            ws.cell(r, i + 1, f"({i + 1})" if t.number_row == "(n)" else i + 1).alignment = center
        r += 1
    info = {"rows": {}, "hidden": [], "header": head_row}
    unit_span: dict[str, list[int]] = {}
    for item in t.body:
        if item[0] == "group":
            ws.cell(r, 1, item[1]).font = bold
            if t.group_merge:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            r += 1
            continue
        _kind, p, hidden = item
        for i, c in enumerate(t.columns):
            v = c.get(p)
            if v is None or v == "":
                continue
            if t.merge_unit == i and p.unit in unit_span:
                continue  # only the first row of the merged range holds the value
            cell = ws.cell(r, i + 1, v)
            if isinstance(v, dt.date):
                cell.number_format = "dd/mm/yyyy"
            elif c.fmt:
                cell.number_format = c.fmt
        if t.merge_unit is not None:
            unit_span.setdefault(p.unit, []).append(r)
        if hidden:
            ws.row_dimensions[r].hidden = True
            info["hidden"].append(r)
        info["rows"][id(p)] = r
        r += 1
    for rows in unit_span.values():
        if len(rows) > 1:
            col = t.merge_unit + 1
            ws.merge_cells(start_row=rows[0], start_column=col, end_row=rows[-1], end_column=col)
    if t.total:
        for i, v in enumerate(t.total):
            if v is not None:
                ws.cell(r, i + 1, v).font = bold
        info["total"] = r
        r += 1
    if t.footer:
        r += 1
        info["footer"] = [r, r + len(t.footer) - 1]
        for values in t.footer:
            for i, v in enumerate(values):
                if v is not None:
                    ws.cell(r, i + 1, v).font = bold
            r += 1
    for i, c in enumerate(t.columns):
        letter = get_column_letter(i + 1)
        ws.column_dimensions[letter].width = c.width
        if c.hidden:
            ws.column_dimensions[letter].hidden = True
    wb.save(path)
    return info


def text_rows(t: Table) -> tuple[list[list[str]], dict]:
    """The rows as Excel's "Save as CSV / Unicode Text" writes them: shown text, merged cells blank but the first."""

    def shown(v) -> str:
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return d_slash(v)
        return str(v)

    ncols = len(t.columns)
    out = [[shown(v) for v in row] for row in t.title]
    first, second, _m = header_rows(t)
    head = len(out) + 1
    out.append([shown(v) for v in first])
    if second is not None:
        out.append([shown(v) for v in second])
    if t.number_row:
        out.append([f"({i + 1})" if t.number_row == "(n)" else str(i + 1) for i in range(ncols)])
    info = {"rows": {}, "header": head}
    for item in t.body:
        if item[0] == "group":
            out.append([item[1]] + [""] * (ncols - 1))
            continue
        p = item[1]
        assert not item[2], "a text file has no hidden rows"
        out.append([shown(c.get(p)) for c in t.columns])
        info["rows"][id(p)] = len(out)
    if t.total:
        out.append([shown(v) for v in t.total])
        info["total"] = len(out)
    if t.footer:
        out.append([""] * ncols)
        info["footer"] = [len(out) + 1, len(out) + len(t.footer)]
        out.extend([shown(v) for v in row] for row in t.footer)
    return out, info


def csv_text(rows: list[list[str]], sep: str) -> str:
    def quote(v: str) -> str:
        if any(ch in v for ch in (sep, '"', "\n")):
            return '"' + v.replace('"', '""') + '"'
        return v

    return "".join(sep.join(quote(v) for v in row) + "\r\n" for row in rows)


# cp1258 (Windows-1258, "Vietnamese" in Excel's CSV on a Vietnamese Windows): the base letters â ê ô ă ơ ư đ are
# precomposed, the five tones are COMBINING marks (U+0300 grave, U+0301 acute, U+0303 tilde, U+0309 hook,
# U+0323 dot below). Text is NFD-decomposed, then each base letter recomposed with its vowel mark only.
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))  # â ê ô ă ơ ư đ
        out.append(base + "".join(c for c in parts if c in TONES))
    data = "".join(out).encode("cp1258")
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == unicodedata.normalize("NFC", text)
    return data


def soffice(src: Path, fmt: str, dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to",
                filt,
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
        )
        shutil.move(Path(tmp) / (src.stem + "." + fmt), dest)


# --- the manifest entries ------------------------------------------------------------------------------------------
MANIFEST: list[dict] = []


def expectation(p: P, fields: set[str]) -> dict:
    e: dict = {}
    if "birth_date" in fields:
        e["birth_date"] = p.birth.isoformat()
    if "gender" in fields:
        e["gender"] = "male" if p.male else "female"
    if "unit" in fields:
        e["unit"] = p.unit
    if "profession" in fields and p.profession:
        e["profession"] = p.profession
    if "professional_level" in fields:
        e["professional_level"] = p.level_code
    if "political_theory" in fields and p.political:
        e["political_theory"] = p.political[1]
    if "youth_union_member" in fields:
        e["youth_union_member"] = p.youth
    if "citizen_id" in fields:
        e["citizen_id"] = p.cccd
    if "staff_code" in fields:
        e["staff_code"] = p.staff_code
    if "phone" in fields:
        e["phone"] = p.phone
    if "joined_unit_on" in fields:
        e["joined_unit_on"] = p.joined.isoformat()
    if "cell" in fields:
        e["cell"] = p.cell
        e["status"] = "official" if p.official else "probationary"
        e["decision_date"] = p.decision.isoformat()
        if p.official:
            e["official_date"] = p.official.isoformat()
        if "card_number" in fields and p.card:
            e["card_number"] = p.card
    return e


def record(
    name: str,
    kind: str,
    traits: list[str],
    persons: list[P],
    fields: set[str],
    info: dict,
    rng: random.Random,
    *,
    hidden: list[P] = (),
    sheet: str | None = None,
    value_mappings: list[dict] | None = None,
    extra: dict | None = None,
):
    visible = [p for p in persons if p not in hidden]
    tricky = [p for p in visible if p.tricky]
    rest = [p for p in visible if not p.tricky]
    picked = tricky[:4] + rng.sample(rest, max(1, 5 - len(tricky[:4])))
    expect = {
        "rows": len(visible),
        "created": len(visible),
        "people": {p.full: expectation(p, fields) for p in picked},
        "absent": [p.full for p in hidden] + (list(SIGNERS.values()) if info.get("footer") else []),
    }
    if hidden:
        expect["hidden_rows_skipped"] = len(hidden)
    if info.get("footer"):
        expect["footer_rows"] = info["footer"]
    entry = {"file": f"files/{name}", "kind": kind, "traits": traits}
    if sheet:
        entry["sheet"] = sheet
    entry["header_row"] = info["header"]
    entry["expect"] = expect
    if value_mappings:
        entry["value_mappings"] = value_mappings
    if extra:
        entry.update(extra)
    tricky_notes = {p.full: p.tricky for p in picked if p.tricky}
    if tricky_notes:
        entry["notes"] = {name_: ", ".join(t) for name_, t in tricky_notes.items()}
    MANIFEST.append(entry)


def body_by_unit(persons: list[P], order: list[str]) -> list[P]:
    return sorted(persons, key=lambda p: order.index(p.unit))


ALL_UNITS = [code for code, _n, _c in UNITS]


# --- column makers -------------------------------------------------------------------------------------------------
def c_stt(head="STT"):
    return Col(head, lambda p: p.stt, width=5)


def c_name(head="Họ và tên", upper=False):
    return Col(head, lambda p: vn_upper(p.full) if upper else p.full, width=26)


def c_date(head, render, sub=None):
    return Col(head, lambda p: render(p, p.birth), sub=sub, width=12)


def c_gender_text(head="Giới tính"):
    return Col(head, lambda p: "Nam" if p.male else "Nữ", width=8)


def c_cccd(head="Số CCCD", render=lambda p: p.cccd, hidden=False):
    return Col(head, render, width=16, hidden=hidden, fmt="0")


def c_unit(head="Khoa/phòng"):
    return Col(head, lambda p: p.unit_text, width=28)


def c_title(head="Chức danh nghề nghiệp"):
    return Col(head, lambda p: p.title, width=20)


def c_level(head="Trình độ chuyên môn", sub=None):
    return Col(head, lambda p: p.level, sub=sub, width=14)


def c_political(head="Lý luận chính trị", sub=None):
    return Col(head, lambda p: p.political[0] if p.political else None, sub=sub, width=12)


def c_x(head, test, mark="x"):
    return Col(head, lambda p: mark if test(p) else None, width=6)


def c_staff(head="Mã NV"):
    return Col(head, lambda p: p.staff_code, width=9)


def c_note(head="Ghi chú"):
    return Col(head, lambda p: p.note or None, width=16)


def note_for(rng, p: P) -> str:
    return rng.choice([n for n in NOTES if p.male is False or n != "Nghỉ thai sản"])


def spell(rng, persons, choices=None, *, upto=None):
    """Each person's department as the file writes it (a few spellings per file)."""
    for p in persons:
        options = UNIT_SPELLINGS[p.unit][: upto or None]
        p.unit_text = rng.choice(options) if choices is None else choices(p, options)
        if p.unit_text != UNIT_NAME[p.unit]:
            p.tricky.append(f"khoa/phòng '{p.unit_text}'") if rng.random() < 0.3 else None


def number(persons):
    for i, p in enumerate(persons, start=1):
        p.stt = i


def date_or(fmt):
    return lambda p, d: fmt(d) if fmt else d


TAKEN: set[str] = set()


def new(seed: int, units: list[str], count: int, **kw) -> tuple[random.Random, list[P]]:
    rng = random.Random(seed)
    return rng, people(rng, units, count, taken=TAKEN, **kw)


def cong(t_cols: list[Col], persons: list[P], label_col: int, label: str) -> list:
    row = [None] * len(t_cols)
    row[label_col] = label
    for i, c in enumerate(t_cols):
        if c.total is not None:
            row[i] = c.total(persons) if callable(c.total) else c.total
    return row


def counted(test):
    return lambda persons: sum(1 for p in persons if test(p))


# --- the files ------------------------------------------------------------------------------------------------------
def f01():
    name = "01-danh-sach-cbvc.xlsx"
    units = ["K-NOITH", "K-NGOAICT", "K-SAN", "K-DUOC", "P-TCCB", "P-KHTH", "K-XN", "P-HCQT"]
    rng, ps = new(101, units, 36)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=4)
    number(ps)
    ps[0].tricky.append("dòng đầu sau dòng số thứ tự cột (1) (2) …")
    ps[-1].tricky.append("dòng cuối, ngay trên dòng Tổng cộng")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", date_or(None)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
        Col("Chức vụ", lambda p: "Trưởng khoa" if p.stt % 9 == 2 and p.title.startswith("Bác") else None),
    ]
    title, merges = motto(len(cols))
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        merges,
        number_row="(n)",
        total=[None, f"Tổng cộng: {len(ps)} người"] + [None] * (len(cols) - 2),
        footer=signature(len(cols)),
    )
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "title_block",
            "stt_column",
            "column_number_row",
            "totals_row",
            "signature_footer",
            "excel_dates",
            "gender_text",
            "unit_spelling_variants",
            "unit_abbreviations",
            "profession_titles",
            "level_names",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
    )


def f02():
    name = "02-ngay-sinh-nam-nu.xlsx"
    units = ["K-HSTCCD", "K-NOITH", "K-CAPCUU", "K-NHI", "K-GMHS", "P-DD", "P-TCKT"]
    rng, ps = new(202, units, 40)
    ps = body_by_unit(ps, units)
    spell(rng, ps)
    number(ps)
    for p in ps:
        if p.unit == "K-HSTCCD":
            p.unit_text = rng.choice(["Khoa Hồi sức tích cực - Chống độc", "Khoa HSTC-CĐ"])
    next(p for p in ps if p.unit == "K-HSTCCD").unit_text = "Khoa HSTC-CĐ"
    next(p for p in ps if p.unit_text == "Khoa HSTC-CĐ").tricky.append("Khoa HSTC-CĐ")
    next(p for p in ps if not p.male).tricky.append("ngày sinh ở cột Nữ")
    cols = [
        c_stt(),
        c_name(),
        Col(
            "Ngày sinh",
            lambda p: d_slash(p.birth) if p.male else None,
            sub="Nam",
            width=11,
            total=counted(lambda p: p.male),
        ),
        Col(
            "Ngày sinh",
            lambda p: None if p.male else d_slash(p.birth),
            sub="Nữ",
            width=11,
            total=counted(lambda p: not p.male),
        ),
        c_staff(),
        c_unit(),
        c_title(),
        c_level("Trình độ", sub="Chuyên môn"),
        c_political("Trình độ", sub="Lý luận chính trị"),
        Col("Đảng viên", lambda p: "x" if p.party else None, width=7, total=counted(lambda p: p.party)),
        Col("Đoàn viên", lambda p: "x" if p.youth else None, width=7, total=counted(lambda p: p.youth)),
    ]
    title, merges = motto(len(cols))
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        merges,
        number_row="n",
        total=cong(cols, ps, 1, "Cộng"),
        footer=signature(len(cols), tm=True),
    )
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "title_block",
            "two_row_header",
            "merged_header",
            "gender_by_birth_column",
            "column_number_row",
            "dates_text_dmy",
            "party_member_x",
            "youth_union_x",
            "totals_row_counts",
            "signature_footer",
            "unit_dash_variants",
            "unit_abbreviations",
            "level_abbreviations",
        ],
        ps,
        {
            "birth_date",
            "gender",
            "unit",
            "profession",
            "professional_level",
            "political_theory",
            "youth_union_member",
            "staff_code",
        },
        info,
        rng,
    )


def grouped_body(persons: list[P], *, blocks=True, upper=False, hidden=()) -> list:
    body = []
    for block, codes in BLOCKS:
        inside = [c for c in codes if any(p.unit == c for p in persons)]
        if not inside:
            continue
        if blocks:
            body.append(("group", block))
        for n, code in enumerate(inside, start=1):
            text = GROUP_NAME.get(code, UNIT_NAME[code])
            body.append(("group", vn_upper(text) if upper else f"{n}. {text}"))
            body += [("person", p, p in hidden) for p in persons if p.unit == code]
    return body


def grouped_order(persons):
    order = [c for _b, codes in BLOCKS for c in codes]
    return sorted(persons, key=lambda p: order.index(p.unit))


def f03():
    name = "03-theo-khoa-co-dong-an.xlsx"
    units = ["K-HSTCCD", "K-NOITH", "K-NGOAICT", "K-SAN", "K-DUOC", "K-CDHA", "P-TCCB", "P-TCKT"]
    rng, ps = new(303, units, 45)
    ps = grouped_order(ps)
    number(ps)
    hidden = [ps[4], ps[17], ps[30]]
    for p, why in zip(hidden, ["Nghỉ hưu từ 01/3/2026", "Chuyển công tác 5/2026", "Thôi việc 15/4/2026"], strict=True):
        p.note = why
    for p in rng.sample([p for p in ps if p not in hidden], 6):
        p.note = note_for(rng, p)
    # year-only birth dates: a number cell (1975) and a text cell ("1978")
    yn = [p for p in ps if p not in hidden][2:5]
    yt = [p for p in ps if p not in hidden][20:22]
    for p in yn:
        p.birth = dt.date(p.birth.year, 1, 1)
        p.tricky.append(f"năm sinh là ô số {p.birth.year}")
    for p in yt:
        p.birth = dt.date(p.birth.year, 1, 1)
        p.tricky.append(f"năm sinh là chữ '{p.birth.year}'")
    firsts = {}
    for p in ps:
        firsts.setdefault(p.unit, p)
    firsts["K-HSTCCD"].tricky.append(
        "ngay dưới các dòng nhóm 'I. KHỐI LÂM SÀNG' và '1. Khoa Hồi sức tích cực - Chống độc'"
    )

    def born(p, d):
        if p in yn:
            return d.year
        if p in yt:
            return str(d.year)
        return d

    cols = [
        c_stt(),
        c_name(upper=True),
        c_date("Ngày sinh", born),
        c_x("Nữ", lambda p: not p.male),
        c_cccd(),
        c_title(),
        c_level(),
        c_note(),
    ]
    title, merges = motto(len(cols))
    t = Table(cols, grouped_body(ps, hidden=hidden), title, merges, footer=signature(len(cols), tm=True))
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "title_block",
            "stt_column",
            "grouped_by_department",
            "block_rows",
            "gender_x_column",
            "notes_column",
            "hidden_rows",
            "names_upper_case",
            "year_only_number",
            "year_only_text",
            "excel_dates",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
        hidden=hidden,
    )


def f04():
    name = "04-xuat-tu-phan-mem-nhan-su.xlsx"
    units = ALL_UNITS
    rng, ps = new(404, units, 60)
    rng.shuffle(ps)
    spell(rng, ps)
    for p in ps:
        if p.unit in {"P-TCCB", "K-HSTCCD", "P-KHTH"}:
            p.unit_text = {"P-TCCB": "P. TCCB", "K-HSTCCD": "Khoa HSTC-CĐ", "P-KHTH": "Phòng KHTH"}[p.unit]
        elif rng.random() < 0.3:
            p.unit_text = vn_upper(UNIT_NAME[p.unit])
    lost = [p for p in ps if p.cccd.startswith("0")]
    lost[0].tricky.append(f"CCCD là ô số {int(lost[0].cccd)} (mất số 0 đầu)")
    next(p for p in ps if p.unit == "P-TCCB").tricky.append("Bộ phận 'P. TCCB'")
    cols = [
        Col("Mã NV", lambda p: p.staff_code),
        Col("Họ và tên", lambda p: p.full, width=26),
        Col("Giới tính", lambda p: "Nam" if p.male else "Nữ"),
        Col("Ngày sinh", lambda p: d_dash(p.birth)),
        Col("CMND/CCCD", lambda p: int(p.cccd), fmt="0"),
        Col("Bộ phận", lambda p: p.unit_text, width=28),
        Col("Chức danh", lambda p: p.title, width=20),
        Col("Số ĐT", lambda p: int(p.phone), fmt="0"),
        Col("Ngày vào công ty", lambda p: d_dash(p.joined)),
        Col("Trạng thái", lambda p: "Đang làm việc"),
    ]
    t = Table(cols, [("person", p, False) for p in ps])
    info = write_xlsx(t, FILES / name, sheet_title="Sheet1")
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "hr_export_headings",
            "gender_text",
            "dates_dash",
            "cccd_number_lost_zero",
            "phone_number_lost_zero",
            "unit_abbreviations",
            "unit_upper_case",
        ],
        ps,
        {"birth_date", "gender", "unit", "citizen_id", "staff_code", "phone", "joined_unit_on"},
        info,
        rng,
    )


def f05():
    name = "05-tong-hop-va-danh-sach.xlsx"
    units = ["K-NOITH", "K-NHI", "K-XN", "K-CDHA", "K-KSNK", "P-KHTH", "P-HCQT"]
    rng, ps = new(505, units, 30)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=3)
    number(ps)
    ps[3].tricky.append("CCCD có dấu cách")
    ps[7].tricky.append("ngày sinh d/m/yyyy")
    summary_rows = [
        ["BÁO CÁO TỔNG HỢP NHÂN SỰ"],
        [f"(Tính đến ngày {AS_OF})"],
        [],
        ["STT", "Khoa/phòng", "Tổng số", "Nữ", "Đảng viên"],
    ]
    for i, code in enumerate(units, start=1):
        mine = [p for p in ps if p.unit == code]
        summary_rows.append([i, UNIT_NAME[code], len(mine), sum(not p.male for p in mine), sum(p.party for p in mine)])
    summary_rows.append([None, "Tổng cộng", len(ps), sum(not p.male for p in ps), sum(p.party for p in ps)])
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_short(d)),
        c_gender_text(),
        c_cccd(render=lambda p: spaced_cccd(p.cccd)),
        c_unit(),
        c_title(),
        c_level(),
        Col("Hệ số lương", lambda p: round(2.34 + 0.33 * (p.stt % 7), 2), hidden=True, fmt="0.00"),
        Col("Số sổ BHXH", lambda p: f"22{p.cccd[-8:]}", hidden=True),
    ]
    title, merges = motto(len(cols))
    t = Table(cols, [("person", p, False) for p in ps], title, merges)
    info = write_xlsx(t, FILES / name, before=("Tổng hợp", summary_rows), sheet_title="Danh sách")
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "roster_on_second_sheet",
            "summary_first_sheet",
            "hidden_columns",
            "title_block",
            "stt_column",
            "cccd_spaces",
            "dates_d_m_yyyy",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
        sheet="Danh sách",
    )


def f06():
    name = "06-khoa-gop-o-an-cot.xlsx"
    units = ["K-NGOAICT", "K-NGOAITH", "K-GMHS", "K-SAN", "K-CAPCUU"]
    rng, ps = new(606, units, 35)
    ps = body_by_unit(ps, units)
    for p in ps:
        p.unit_text = rng.choice(UNIT_SPELLINGS[p.unit][:2])
    for code in units:  # one spelling per merged range
        mine = [p for p in ps if p.unit == code]
        for p in mine:
            p.unit_text = mine[0].unit_text
    number(ps)
    starts = {p.unit: p for p in reversed(ps)}
    candidates = [p for p in ps if p not in starts.values()]
    hidden = [candidates[3], candidates[15]]
    for p in hidden:
        p.note = "Đã nghỉ việc"
    last_of = {p.unit: p for p in ps if p not in hidden}
    last_of["K-NGOAITH"].tricky.append("ô Khoa/phòng gộp từ dòng đầu của khoa")
    ps[5].tricky.append("ngày sinh dd.mm.yyyy")
    before_2026 = {
        "K-NGOAICT": "Khoa Ngoại",
        "K-NGOAITH": "Khoa Ngoại",
        "K-GMHS": "Khoa Phẫu thuật - Gây mê hồi sức",
        "K-SAN": "Khoa Phụ sản",
        "K-CAPCUU": "Khoa Khám bệnh - Cấp cứu",
    }
    # a hidden column kept from before the 2026 restructuring: hidden columns are NOT read (it would name
    # departments the register does not have); the visible Khoa/phòng column is the current one
    cols = [
        c_stt(),
        Col("Khoa/phòng (trước 01/2026)", lambda p: before_2026[p.unit], hidden=True),
        c_unit("Khoa/phòng"),
        c_name(),
        c_date("Ngày tháng năm sinh", lambda p, d: d_dot(d)),
        c_gender_text(),
        c_cccd(),
        c_title(),
        c_level(),
        Col("Hệ số lương", lambda p: round(2.34 + 0.33 * (p.stt % 6), 2), hidden=True),
        c_note(),
    ]
    title, merges = motto(len(cols))
    visible = [p for p in ps if p not in hidden]
    t = Table(
        cols,
        [("person", p, p in hidden) for p in ps],
        title,
        merges,
        merge_unit=2,
        total=[None, None, None, f"Tổng cộng: {len(visible)} người"] + [None] * (len(cols) - 4),
        footer=signature(len(cols)),
    )
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "staff",
        [
            "format_xlsx",
            "merged_unit_cells",
            "hidden_rows",
            "hidden_columns",
            "hidden_column_not_read",
            "dates_dot",
            "totals_row",
            "signature_footer",
            "title_block",
            "notes_column",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
        hidden=hidden,
    )


def to_other(xlsx_name: str, fmt: str, final: str):
    src = FILES / xlsx_name
    soffice(src, fmt, FILES / final)
    src.unlink()


def f07():
    name = "07-excel-97-2003.xls"
    units = ["K-NOITH", "K-HSTCCD", "K-DUOC", "P-TCCB", "P-TCKT"]
    rng, ps = new(707, units, 30)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=3)
    number(ps)
    next(p for p in ps if p.male).tricky.append("ô ngày Excel ở cột Nam")
    cols = [
        c_stt(),
        c_name(),
        Col("Ngày sinh", lambda p: p.birth if p.male else None, sub="Nam"),
        Col("Ngày sinh", lambda p: None if p.male else p.birth, sub="Nữ"),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
    ]
    title, merges = motto(len(cols))
    t = Table(cols, [("person", p, False) for p in ps], title, merges, number_row="(n)", footer=signature(len(cols)))
    info = write_xlsx(t, FILES / "07.xlsx")
    to_other("07.xlsx", "xls", name)
    record(
        name,
        "staff",
        [
            "format_xls",
            "title_block",
            "two_row_header",
            "merged_header",
            "gender_by_birth_column",
            "excel_dates",
            "column_number_row",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
    )


def f08():
    name = "08-excel-97-2003-theo-khoa.xls"
    units = ["K-NOITH", "K-HSTCCD", "K-NGOAICT", "K-XN", "P-HCQT"]
    rng, ps = new(808, units, 30)
    ps = grouped_order(ps)
    number(ps)
    for p in ps:
        p.birth = dt.date(p.birth.year, 1, 1)
    hidden = [ps[6], ps[21]]
    first = next(p for p in ps if p.unit == "K-HSTCCD")
    first.tricky.append("dưới dòng nhóm 'KHOA HỒI SỨC TÍCH CỰC - CHỐNG ĐỘC'; năm sinh là ô số")
    cols = [
        c_stt("TT"),
        c_name(),
        Col("Năm sinh", lambda p: p.birth.year if p.male else None, sub="Nam", total=counted(lambda p: p.male)),
        Col("Năm sinh", lambda p: None if p.male else p.birth.year, sub="Nữ", total=counted(lambda p: not p.male)),
        c_staff(),
        c_title(),
        c_level(),
        Col("Đảng viên", lambda p: "x" if p.party else None, total=counted(lambda p: p.party)),
        Col("Đoàn viên", lambda p: "x" if p.youth else None, total=counted(lambda p: p.youth)),
    ]
    title, merges = motto(len(cols))
    visible = [p for p in ps if p not in hidden]
    t = Table(
        cols,
        grouped_body(ps, blocks=False, upper=True, hidden=hidden),
        title,
        merges,
        total=cong(cols, visible, 1, "Cộng"),
        footer=signature(len(cols)),
    )
    info = write_xlsx(t, FILES / "08.xlsx")
    to_other("08.xlsx", "xls", name)
    record(
        name,
        "staff",
        [
            "format_xls",
            "title_block",
            "grouped_by_department",
            "unit_upper_case",
            "two_row_header",
            "gender_by_birth_column",
            "year_only_number",
            "hidden_rows",
            "party_member_x",
            "youth_union_x",
            "totals_row_counts",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "youth_union_member", "staff_code"},
        info,
        rng,
        hidden=hidden,
    )


def f09():
    name = "09-libreoffice.ods"
    units = ["K-NGOAICT", "K-NOITH", "K-SAN", "P-KHTH", "K-KSNK"]
    rng, ps = new(909, units, 25)
    ps = body_by_unit(ps, units)
    spell(rng, ps)
    for p in ps:
        if p.unit == "K-NGOAICT":
            p.unit_text = rng.choice(["khoa  ngoại   chấn thương", "KHOA NGOẠI CHẤN THƯƠNG"])
    ps[0].unit_text = "khoa  ngoại   chấn thương"
    ps[0].tricky.append("'khoa  ngoại   chấn thương'")
    young = [p for p in ps if p.birth.year >= 2000]
    if not young:
        ps[4].birth = dt.date(2001, 3, 7)
        ps[4].cccd = ps[4].cccd[:3] + str(2 if ps[4].male else 3) + "01" + ps[4].cccd[6:]
        young = [ps[4]]
    young[0].tricky.append(f"ngày sinh '{d_yy(young[0].birth)}' (năm 2 chữ số: 20yy)")
    old = next(p for p in ps if p.birth.year < 2000 and p not in young)
    old.tricky.append(f"ngày sinh '{d_yy(old.birth)}' (năm 2 chữ số: 19yy)")
    number(ps)
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_yy(d)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
        Col("Ngày vào đơn vị", lambda p: d_yy(p.joined)),
    ]
    title, merges = motto(len(cols))
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        merges,
        total=[None, f"Tổng cộng: {len(ps)} người"] + [None] * (len(cols) - 2),
        footer=signature(len(cols)),
    )
    info = write_xlsx(t, FILES / "09.xlsx")
    to_other("09.xlsx", "ods", name)
    record(
        name,
        "staff",
        ["format_ods", "title_block", "dates_two_digit_year", "totals_row", "signature_footer", "unit_spacing_case"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id", "joined_unit_on"},
        info,
        rng,
    )


def write_text(name: str, t: Table, *, sep: str, encoding: str) -> dict:
    rows, info = text_rows(t)
    text = csv_text(rows, sep)
    if encoding == "cp1258":
        data = to_cp1258(text)
    elif encoding == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    (FILES / name).write_bytes(data)
    return info


def f10():
    name = "10-csv-utf8-bom.csv"
    units = ["K-NOITH", "K-CAPCUU", "K-NHI", "K-DUOC", "P-DD"]
    rng, ps = new(1010, units, 30)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=3)
    number(ps)
    for p in rng.sample(ps, 5):
        p.note = note_for(rng, p)
    ps[0].tricky.append("dòng đầu sau dòng (1) (2) …")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_slash(d)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
        c_note(),
    ]
    title, _m = motto(len(cols))
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        number_row="(n)",
        total=[None, f"Tổng cộng: {len(ps)} người"] + [None] * (len(cols) - 2),
        footer=signature(len(cols)),
    )
    info = write_text(name, t, sep=",", encoding="utf-8-sig")
    record(
        name,
        "staff",
        [
            "csv_utf8_bom",
            "csv_comma",
            "title_block",
            "column_number_row",
            "dates_text_dmy",
            "totals_row",
            "signature_footer",
            "notes_column",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
    )


def f11():
    name = "11-csv-utf8-cham-phay.csv"
    units = ["K-HSTCCD", "K-GMHS", "K-SAN", "P-TCCB", "P-TCKT"]
    rng, ps = new(1111, units, 25)
    ps = body_by_unit(ps, units)
    spell(rng, ps)
    number(ps)
    odd = {}
    for i, p in enumerate(ps):
        if i % 4 == 1:
            odd[id(p)] = vn_upper(p.family) + "\u00a0" + vn_upper(p.middle) + " " + vn_upper(p.given)
        elif i % 4 == 3:
            odd[id(p)] = f"{p.family}  {p.middle}  {p.given}"
        else:
            odd[id(p)] = vn_upper(p.full)
    ps[1].tricky.append("tên viết hoa có dấu cách không ngắt (U+00A0)")
    ps[3].tricky.append("tên có hai dấu cách")
    lost = next(p for p in ps if p.cccd.startswith("0"))
    lost.tricky.append("CCCD mất số 0 đầu (11 chữ số)")
    cols = [
        c_stt("TT"),
        Col("HỌ VÀ TÊN", lambda p: odd[id(p)]),
        c_date("NGÀY SINH", lambda p, d: d_dot(d)),
        c_gender_text("GIỚI TÍNH"),
        Col("CCCD", lambda p: p.cccd.lstrip("0")),
        c_unit("KHOA/PHÒNG"),
        c_title("CHỨC DANH NGHỀ NGHIỆP"),
        c_level("TRÌNH ĐỘ CHUYÊN MÔN"),
    ]
    t = Table(cols, [("person", p, False) for p in ps])
    info = write_text(name, t, sep=";", encoding="utf-8")
    record(
        name,
        "staff",
        [
            "csv_utf8_no_bom",
            "csv_semicolon",
            "names_upper_case",
            "names_nbsp",
            "names_double_spaces",
            "dates_dot",
            "cccd_number_lost_zero",
            "headings_upper_case",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
    )


def f12():
    name = "12-csv-tab.csv"
    units = ["K-NOITH", "K-NGOAITH", "K-XN", "P-HCQT", "P-KHTH"]
    rng, ps = new(1212, units, 25)
    ps = body_by_unit(ps, units)
    spell(rng, ps)
    number(ps)
    yt = ps[2:4]
    for p in yt:
        p.birth = dt.date(p.birth.year, 1, 1)
        p.tricky.append(f"năm sinh '{p.birth.year}'")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: str(d.year) if p in yt else d_slash(d)),
        c_x("Nữ", lambda p: not p.male),
        c_x("Đoàn viên", lambda p: p.youth),
        c_staff(),
        c_unit(),
        c_title(),
        c_level(),
    ]
    t = Table(cols, [("person", p, False) for p in ps], [["DANH SÁCH VIÊN CHỨC, NGƯỜI LAO ĐỘNG"] + [None] * 8])
    info = write_text(name, t, sep="\t", encoding="utf-8-sig")
    record(
        name,
        "staff",
        ["csv_utf8_bom", "csv_tab", "gender_x_column", "youth_union_x", "year_only_text", "dates_text_dmy"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "youth_union_member", "staff_code"},
        info,
        rng,
    )


def f13():
    name = "13-csv-excel-windows-1258.csv"
    units = ["K-NOITH", "K-HSTCCD", "K-CDHA", "K-DUOC", "P-TCCB"]
    rng, ps = new(1313, units, 25)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=3)
    number(ps)
    ps[0].tricky.append("tiếng Việt Windows-1258 (dấu thanh tổ hợp)")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_short(d)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
        c_political(),
    ]
    title, _m = motto(len(cols))
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        total=[None, f"Tổng cộng: {len(ps)} người"] + [None] * (len(cols) - 2),
        footer=signature(len(cols)),
    )
    info = write_text(name, t, sep=",", encoding="cp1258")
    record(
        name,
        "staff",
        ["csv_cp1258", "csv_comma", "title_block", "dates_d_m_yyyy", "totals_row", "signature_footer"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "political_theory", "citizen_id"},
        info,
        rng,
    )


def f14():
    name = "14-unicode-text.txt"
    units = ["K-SAN", "K-NHI", "K-NOITH", "P-DD", "K-KSNK"]
    rng, ps = new(1414, units, 25)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=3)
    number(ps)
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_slash(d)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
        c_x("Đảng viên", lambda p: p.party),
    ]
    title, _m = motto(len(cols))
    t = Table(cols, [("person", p, False) for p in ps], title, number_row="n", footer=signature(len(cols)))
    info = write_text(name, t, sep="\t", encoding="utf-16")
    record(
        name,
        "staff",
        [
            "utf16_unicode_text",
            "csv_tab",
            "title_block",
            "column_number_row",
            "dates_text_dmy",
            "party_member_x",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
    )


def f15():
    name = "15-unicode-text-doi-ten.csv"
    units = ["K-CAPCUU", "K-NGOAICT", "K-XN", "P-TCKT"]
    rng, ps = new(1515, units, 20)
    spell(rng, ps)
    cols = [
        c_staff(),
        c_name(),
        c_gender_text(),
        c_date("Ngày sinh", lambda p, d: d_slash(d)),
        c_unit(),
        c_title(),
        c_level(),
    ]
    t = Table(cols, [("person", p, False) for p in ps])
    info = write_text(name, t, sep="\t", encoding="utf-16")
    record(
        name,
        "staff",
        ["utf16_renamed_csv", "csv_tab", "gender_text", "dates_text_dmy"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "staff_code"},
        info,
        rng,
    )


CELL_SPELLINGS = {
    "BVDKT-NOI": ["Chi bộ Khối Nội", "Khối Nội", "CHI BỘ KHỐI NỘI", "Chi bộ khối nội"],
    "BVDKT-NGOAI": ["Chi bộ Khối Ngoại - Sản", "Chi bộ Khối Ngoại – Sản", "Khối Ngoại - Sản"],
    "BVDKT-CLS": ["Chi bộ Cận lâm sàng - Dược", "Cận lâm sàng - Dược", "CHI BỘ CẬN LÂM SÀNG - DƯỢC"],
    "BVDKT-PCN": ["Chi bộ Các phòng chức năng", "Các phòng chức năng", "Chi bộ các Phòng chức năng"],
}


def party_motto(ncols, title):
    right = max(3, ncols // 2)
    rows = [
        {0: "ĐẢNG BỘ SỞ Y TẾ", right: "ĐẢNG CỘNG SẢN VIỆT NAM"},
        {0: "ĐẢNG BỘ BỆNH VIỆN ĐA KHOA TỈNH", right: "Quảng Ninh, ngày 30 tháng 6 năm 2026"},
        {},
        {0: title},
        {0: f"(Tính đến ngày {AS_OF})"},
        {},
    ]
    merges = [
        (0, 0, right - 1),
        (1, 0, right - 1),
        (0, right, ncols - 1),
        (1, right, ncols - 1),
        (3, 0, ncols - 1),
        (4, 0, ncols - 1),
    ]
    return [[r.get(i) for i in range(ncols)] for r in rows], merges


def party_signature(ncols):
    right = max(3, ncols - 4)
    lines = [
        {0: "NGƯỜI LẬP BIỂU", right: "T/M ĐẢNG ỦY"},
        {0: "(Ký, ghi rõ họ tên)", right: "BÍ THƯ"},
        {},
        {},
        {0: SIGNERS["maker"], right: SIGNERS["director"]},
    ]
    return [[r.get(i) for i in range(ncols)] for r in lines]


def f16():
    name = "16-danh-sach-dang-vien.xlsx"
    units = ["K-NOITH", "K-HSTCCD", "K-NGOAICT", "K-SAN", "K-XN", "K-DUOC", "P-TCCB", "P-KHTH"]
    rng, ps = new(1616, units, 30, members=True)
    ps = sorted(ps, key=lambda p: ([c for c, _n in CELLS].index(p.cell), units.index(p.unit)))
    spell(rng, ps, upto=3)
    number(ps)
    cell_text = {id(p): rng.choice(CELL_SPELLINGS[p.cell]) for p in ps}
    prob = next(p for p in ps if not p.official)
    prob.tricky.append("đảng viên dự bị (không có ngày chính thức)")
    k = next(p for p in ps if cell_text[id(p)] in ("Khối Nội", "Khối Ngoại - Sản", "Cận lâm sàng - Dược"))
    k.tricky.append(f"chi bộ viết '{cell_text[id(k)]}'")
    cols = [
        c_stt(),
        c_name(),
        Col("Ngày sinh", lambda p: p.birth if p.male else None, sub="Nam"),
        Col("Ngày sinh", lambda p: None if p.male else p.birth, sub="Nữ"),
        c_cccd(),
        c_unit(),
        Col("Chi bộ", lambda p: cell_text[id(p)], width=26),
        Col("Ngày vào Đảng", lambda p: p.decision if p.stt % 3 else d_slash(p.decision)),
        Col("Ngày chính thức", lambda p: d_slash(p.official) if p.official else None),
        Col("Số thẻ đảng viên", lambda p: p.card or None),
        c_level("Trình độ", sub="Chuyên môn"),
        c_political("Trình độ", sub="Lý luận chính trị"),
    ]
    title, merges = party_motto(len(cols), "DANH SÁCH ĐẢNG VIÊN")
    t = Table(
        cols,
        [("person", p, False) for p in ps],
        title,
        merges,
        number_row="(n)",
        total=[None, f"Tổng cộng: {len(ps)} đảng viên"] + [None] * (len(cols) - 2),
        footer=party_signature(len(cols)),
    )
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "members",
        [
            "members_roster",
            "format_xlsx",
            "title_block",
            "party_title_block",
            "two_row_header",
            "merged_header",
            "gender_by_birth_column",
            "column_number_row",
            "excel_dates",
            "dates_text_dmy",
            "cell_spelling_variants",
            "totals_row",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "citizen_id", "cell", "card_number", "professional_level", "political_theory"},
        info,
        rng,
    )


def f17():
    name = "17-dang-vien-theo-chi-bo.xlsx"
    units = ["K-NOITH", "K-CAPCUU", "K-NGOAITH", "K-GMHS", "K-CDHA", "K-KSNK", "P-TCKT", "P-HCQT"]
    rng, ps = new(1717, units, 28, members=True)
    order = [c for c, _n in CELLS]
    ps = sorted(ps, key=lambda p: (order.index(p.cell), units.index(p.unit)))
    spell(rng, ps)
    number(ps)
    hidden = [ps[5], ps[19]]
    for p in hidden:
        p.note = "Chuyển sinh hoạt đi 3/2026"
    first = next(p for p in ps if p.cell == "BVDKT-NGOAI" and p not in hidden)
    first.tricky.append("ngay dưới dòng nhóm '2. Chi bộ Khối Ngoại - Sản'")
    body = []
    for n, (code, _name) in enumerate(CELLS, start=1):
        mine = [p for p in ps if p.cell == code]
        if mine:
            body.append(("group", f"{n}. {CELL_SPELLINGS[code][0]}"))
            body += [("person", p, p in hidden) for p in mine]
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_slash(d) if p.stt % 2 else d_short(d)),
        c_x("Nữ", lambda p: not p.male),
        c_cccd(),
        c_unit(),
        Col("Ngày vào Đảng", lambda p: d_short(p.decision)),
        Col("Ngày chính thức", lambda p: d_short(p.official) if p.official else None),
        Col("Số thẻ ĐV", lambda p: p.card or None),
        c_note(),
    ]
    title, merges = party_motto(len(cols), "DANH SÁCH ĐẢNG VIÊN THEO CHI BỘ")
    t = Table(cols, body, title, merges, footer=party_signature(len(cols)))
    info = write_xlsx(t, FILES / name)
    record(
        name,
        "members",
        [
            "members_roster",
            "format_xlsx",
            "party_title_block",
            "grouped_by_cell",
            "gender_x_column",
            "hidden_rows",
            "notes_column",
            "dates_text_dmy",
            "dates_d_m_yyyy",
            "signature_footer",
        ],
        ps,
        {"birth_date", "gender", "unit", "citizen_id", "cell", "card_number"},
        info,
        rng,
        hidden=hidden,
    )


def f18():
    name = "18-khoa-cap-cuu-115.xlsx"
    units = ["K-CAPCUU", "K-NOITH", "K-HSTCCD", "K-NHI"]
    rng, ps = new(1818, units, 22)
    ps = body_by_unit(ps, ["K-NOITH", "K-CAPCUU", "K-HSTCCD", "K-NHI"])
    spell(rng, ps, upto=2)
    number(ps)
    odd = [p for p in ps if p.unit == "K-CAPCUU"][::2][:3]
    assert len(odd) == 3
    for p in odd:
        p.unit_text = "Khoa Cấp cứu 115"
    odd[0].tricky.append("'Khoa Cấp cứu 115' (cần ánh xạ một lần → Khoa Cấp cứu)")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", date_or(None)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
    ]
    t = Table(cols, [("person", p, False) for p in ps], [["DANH SÁCH NHÂN SỰ KHỐI NỘI"] + [None] * 7, [None] * 8])
    info = write_xlsx(t, FILES / name)
    rows = sorted(info["rows"][id(p)] for p in odd)
    record(
        name,
        "staff",
        ["format_xlsx", "needs_value_mapping", "unit_unknown_name", "excel_dates"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
        value_mappings=[
            {"column": "Khoa/phòng", "value": "Khoa Cấp cứu 115", "to": "K-CAPCUU", "count": 3, "rows": rows}
        ],
    )


def f19():
    name = "19-hop-dong-68.csv"
    units = ["P-HCQT", "P-TCKT", "K-DUOC", "P-KHTH"]
    rng, ps = new(1919, units, 20)
    ps = body_by_unit(ps, units)
    spell(rng, ps, upto=2)
    number(ps)
    odd = [ps[2], ps[9]]
    for p in odd:
        p.title, p.profession = "Nhân viên hợp đồng 68", "khac"
    odd[0].tricky.append("'Nhân viên hợp đồng 68' (cần ánh xạ một lần → Khác)")
    cols = [
        c_stt(),
        c_name(),
        c_date("Ngày sinh", lambda p, d: d_slash(d)),
        c_gender_text(),
        c_cccd(),
        c_unit(),
        c_title(),
        c_level(),
    ]
    t = Table(cols, [("person", p, False) for p in ps], [["DANH SÁCH NGƯỜI LAO ĐỘNG KHỐI PHÒNG"] + [None] * 7])
    info = write_text(name, t, sep=",", encoding="utf-8-sig")
    rows = sorted(info["rows"][id(p)] for p in odd)
    record(
        name,
        "staff",
        ["csv_utf8_bom", "csv_comma", "needs_value_mapping", "in_house_title"],
        ps,
        {"birth_date", "gender", "unit", "profession", "professional_level", "citizen_id"},
        info,
        rng,
        value_mappings=[
            {
                "column": "Chức danh nghề nghiệp",
                "value": "Nhân viên hợp đồng 68",
                "to": "Khác",
                "count": 2,
                "rows": rows,
            }
        ],
    )


def main():
    if FILES.exists():
        shutil.rmtree(FILES)
    FILES.mkdir(parents=True)
    for build in (f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19):
        build()
    manifest = {
        "about": "Rosters of a fictional hospital as Vietnamese personnel offices keep them; see make_corpus.py.",
        "policies": {
            "year_only_birth_date": "1 January of that year",
            "two_digit_year": "20yy when not after the current year, else 19yy",
            "hidden_rows": "excluded (people who have left)",
            "hidden_columns": "not read (the importer blanks them)",
            "names": "stored in proper case: family name = first word, given name = last word",
        },
        "hospital": HOSPITAL,
        "files": MANIFEST,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(MANIFEST)} files in {FILES}")


if __name__ == "__main__":
    main()
