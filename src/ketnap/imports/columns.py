"""The columns a staff or member roster may have, and how their Vietnamese headings are recognised.

Headings are compared folded (no diacritics, lower case, punctuation and "(…)" remarks dropped), so
"Họ và tên", "HO VA TEN" and "Họ và tên (*)" are the same column. Unknown headings are ignored and listed.
"""

import re
from dataclasses import dataclass

from ketnap.registry.enums import CodeKind
from ketnap.vietnamese import fold


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the heading ketnap's own template uses
    kind: str  # text, name, date, gender, citizen_id, code, unit, cell, bool, phone, email, status
    aliases: tuple[str, ...] = ()
    code_kind: str = ""
    max_length: int = 0


STAFF_COLUMNS = [
    Column("full_name", "Họ và tên", "name", ("Họ tên", "Họ và tên khai sinh", "Họ và tên nhân viên")),
    Column("family_name", "Họ", "text", ("Họ đệm",), max_length=50),
    Column("middle_name", "Tên đệm", "text", ("Đệm",), max_length=80),
    Column("given_name", "Tên", "text", ("Tên gọi",), max_length=50),
    Column("birth_date", "Ngày sinh", "date", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày")),
    Column("gender", "Giới tính", "gender", ("Giới", "Nam/Nữ", "Nam nữ")),
    Column(
        "citizen_id",
        "Số CCCD",
        "citizen_id",
        ("CCCD", "Căn cước", "Căn cước công dân", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"),
    ),
    Column("staff_code", "Mã nhân viên", "text", ("Mã NV", "Mã cán bộ", "Mã CB", "Mã CBVC", "Mã số"), max_length=32),
    Column(
        "work_unit",
        "Khoa/phòng",
        "unit",
        ("Khoa phòng", "Đơn vị", "Khoa", "Phòng", "Đơn vị công tác", "Khoa/Phòng/Trạm"),
    ),
    Column("ethnicity", "Dân tộc", "code", code_kind=CodeKind.ETHNICITY),
    Column("religion", "Tôn giáo", "code", code_kind=CodeKind.RELIGION),
    Column(
        "general_education",
        "Giáo dục phổ thông",
        "code",
        ("Trình độ giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa"),
        code_kind=CodeKind.GENERAL_EDUCATION,
    ),
    Column(
        "professional_level",
        "Trình độ chuyên môn",
        "code",
        ("Trình độ", "Trình độ CM", "Trình độ chuyên môn cao nhất"),
        code_kind=CodeKind.PROFESSIONAL_LEVEL,
    ),
    Column(
        "profession",
        "Chức danh nghề nghiệp",
        "code",
        ("Ngành", "Ngành nghề", "Ngành / chức danh nghề nghiệp"),
        code_kind=CodeKind.PROFESSION,
    ),
    Column("academic_title", "Học hàm", "code", code_kind=CodeKind.ACADEMIC_TITLE),
    Column(
        "political_theory",
        "Lý luận chính trị",
        "code",
        ("Trình độ lý luận chính trị", "LLCT", "Trình độ LLCT"),
        code_kind=CodeKind.POLITICAL_THEORY,
    ),
    Column(
        "employment_type",
        "Loại hình lao động",
        "code",
        ("Loại hợp đồng", "Hình thức tuyển dụng"),
        code_kind=CodeKind.EMPLOYMENT_TYPE,
    ),
    Column("job_title", "Chức danh", "text", ("Chức vụ", "Chức vụ / chức danh", "Chức vụ, chức danh"), max_length=120),
    Column("phone", "Điện thoại", "phone", ("Số điện thoại", "SĐT", "ĐT", "Di động")),
    Column("email", "Email", "email", ("E-mail", "Thư điện tử", "Địa chỉ email")),
    Column("joined_unit_on", "Ngày vào đơn vị", "date", ("Ngày tuyển dụng", "Ngày vào làm", "Ngày về đơn vị")),
    Column("youth_union_member", "Đoàn viên", "bool", ("Đoàn viên TNCS", "Là đoàn viên")),
    Column("youth_union_joined_on", "Ngày vào Đoàn", "date"),
    Column("trade_union_member", "Công đoàn viên", "bool", ("Công đoàn",)),
    Column("in_cadre_planning", "Quy hoạch", "bool", ("Trong quy hoạch",)),
]

# A member roster is a staff roster plus the membership columns.
MEMBER_COLUMNS = [
    *STAFF_COLUMNS,
    Column("cell", "Chi bộ", "cell", ("Chi bộ sinh hoạt", "Sinh hoạt tại chi bộ")),
    Column("status", "Đảng viên", "status", ("Tình trạng", "Chính thức / dự bị", "Loại đảng viên")),
    Column("decision_date", "Ngày vào Đảng", "date", ("Ngày kết nạp", "Ngày quyết định kết nạp")),
    # the ceremony starts the 12 months of probation (Điều lệ Điều 5.1); rosters that have it say so explicitly
    Column("ceremony_date", "Ngày lễ kết nạp", "date", ("Ngày tổ chức lễ kết nạp", "Lễ kết nạp")),
    Column("official_date", "Ngày chính thức", "date", ("Ngày công nhận chính thức",)),
    Column("card_number", "Số thẻ đảng viên", "text", ("Số thẻ", "Số thẻ đảng", "Số thẻ ĐV"), max_length=20),
    Column("decision_number", "Số quyết định kết nạp", "text", ("Số QĐ kết nạp",), max_length=50),
]

IGNORED = {"stt", "tt", "so tt", "so thu tu", "ghi chu"}
_REMARK = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^a-z0-9]+")


def heading_key(text) -> str:
    """ "Khoa/Phòng (*)" → "khoa phong": the form headings are compared in."""
    folded = fold(_REMARK.sub(" ", str(text or "")))
    return " ".join(_PUNCT.sub(" ", folded).split())


def alias_table(columns: list[Column]) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns:
        for text in (column.label, *column.aliases):
            table.setdefault(heading_key(text), column)
    return table


def match_headers(row: tuple, columns: list[Column], saved: dict[str, str] | None = None) -> dict[int, Column]:
    """Column index → Column for the headings recognised in `row` (a saved mapping of heading → field wins)."""
    table = alias_table(columns)
    by_field = {c.field: c for c in columns}
    found: dict[int, Column] = {}
    taken: set[str] = set()
    for index, cell in enumerate(row):
        key = heading_key(cell)
        if not key:
            continue
        # a saved choice wins, including "" (ignore this column)
        column = by_field.get(saved[key]) if saved and key in saved else table.get(key)
        if column is not None and column.field not in taken:
            found[index] = column
            taken.add(column.field)
    return found
