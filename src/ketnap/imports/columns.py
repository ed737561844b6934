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
    # text, name, date, gender, citizen_id, code, unit, cell, bool, phone, email, status, and the layouts of
    # gender: birth_male / birth_female (a date under "Nam"/"Nữ"), female_mark / male_mark (an x-column)
    kind: str
    aliases: tuple[str, ...] = ()
    code_kind: str = ""
    max_length: int = 0


STAFF_COLUMNS = [
    Column(
        "full_name", "Họ và tên", "name", ("Họ tên", "Họ và tên khai sinh", "Họ và tên nhân viên", "Họ và tên CBVC")
    ),
    Column("family_name", "Họ", "text", ("Họ đệm",), max_length=50),
    Column("middle_name", "Tên đệm", "text", ("Đệm",), max_length=80),
    Column("given_name", "Tên", "text", ("Tên gọi",), max_length=50),
    Column(
        "birth_date",
        "Ngày sinh",
        "date",
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Năm sinh", "Ngày/tháng/năm sinh", "NS"),
    ),
    # a birth date written under "Nam" or "Nữ" (two-row heading "Ngày sinh" over "Nam" | "Nữ") also says the gender
    Column("birth_date_male", "Ngày sinh / Nam", "birth_male", ("Năm sinh / Nam", "Ngày tháng năm sinh / Nam")),
    Column("birth_date_female", "Ngày sinh / Nữ", "birth_female", ("Năm sinh / Nữ", "Ngày tháng năm sinh / Nữ")),
    Column("gender", "Giới tính", "gender", ("Giới", "Nam/Nữ", "Nam nữ", "Phái")),
    # an x-column "Nữ" (blank = male) or "Nam" (blank = female)
    Column("female_mark", "Nữ", "female_mark", ("Nữ (x)", "Giới tính / Nữ")),
    Column("male_mark", "Nam", "male_mark", ("Nam (x)", "Giới tính / Nam")),
    Column(
        "citizen_id",
        "Số CCCD",
        "citizen_id",
        (
            "CCCD",
            "Căn cước",
            "Căn cước công dân",
            "Số căn cước",
            "Số căn cước công dân",
            "Số định danh cá nhân",
            "CMND/CCCD",
            "Số CMND/CCCD",
            "CCCD/CMND",
            "Số CCCD/CMND",
            "Số định danh",
        ),
    ),
    Column(
        "staff_code",
        "Mã nhân viên",
        "text",
        ("Mã NV", "Mã cán bộ", "Mã CB", "Mã CBVC", "Mã số", "Mã nhân sự", "Mã viên chức", "Số hiệu"),
        max_length=32,
    ),
    Column(
        "work_unit",
        "Khoa/phòng",
        "unit",
        # in the order of preference when a roster has two of them (an HR export's "Đơn vị" is the hospital)
        (
            "Khoa phòng",
            "Khoa",
            "Phòng",
            "Khoa/Phòng/Trạm",
            "Khoa, phòng",
            "Khoa/phòng công tác",
            "Bộ phận",
            "Phòng ban",
            "Bộ phận công tác",
            "Đơn vị công tác",
            "Nơi công tác",
            "Đơn vị",
        ),
    ),
    Column("ethnicity", "Dân tộc", "code", code_kind=CodeKind.ETHNICITY),
    Column("religion", "Tôn giáo", "code", code_kind=CodeKind.RELIGION),
    Column(
        "general_education",
        "Giáo dục phổ thông",
        "code",
        ("Trình độ giáo dục phổ thông", "Trình độ văn hóa", "Văn hóa", "Trình độ / Văn hóa", "Trình độ / GDPT"),
        code_kind=CodeKind.GENERAL_EDUCATION,
    ),
    Column(
        "professional_level",
        "Trình độ chuyên môn",
        "code",
        (
            "Trình độ",
            "Trình độ CM",
            "Trình độ chuyên môn cao nhất",
            "Trình độ / Chuyên môn",
            "Trình độ / CM",
            "Trình độ đào tạo",
            "Trình độ chuyên môn nghiệp vụ",
            "Bằng cấp",
        ),
        code_kind=CodeKind.PROFESSIONAL_LEVEL,
    ),
    Column(
        "profession",
        "Chức danh nghề nghiệp",
        "code",
        ("Ngành", "Ngành nghề", "Ngành / chức danh nghề nghiệp", "CDNN", "Chức danh nghề nghiệp (hạng)", "Ngạch"),
        code_kind=CodeKind.PROFESSION,
    ),
    Column("academic_title", "Học hàm", "code", code_kind=CodeKind.ACADEMIC_TITLE),
    Column(
        "political_theory",
        "Lý luận chính trị",
        "code",
        ("Trình độ lý luận chính trị", "LLCT", "Trình độ LLCT", "Trình độ / Lý luận chính trị", "Trình độ / LLCT"),
        code_kind=CodeKind.POLITICAL_THEORY,
    ),
    Column(
        "employment_type",
        "Loại hình lao động",
        "code",
        ("Loại hợp đồng", "Hình thức tuyển dụng", "Loại lao động", "Hình thức hợp đồng"),
        code_kind=CodeKind.EMPLOYMENT_TYPE,
    ),
    Column("job_title", "Chức danh", "text", ("Chức vụ", "Chức vụ / chức danh", "Chức vụ, chức danh"), max_length=120),
    Column("phone", "Điện thoại", "phone", ("Số điện thoại", "SĐT", "ĐT", "Di động", "Số ĐT", "Điện thoại di động")),
    Column("email", "Email", "email", ("E-mail", "Thư điện tử", "Địa chỉ email")),
    Column(
        "joined_unit_on",
        "Ngày vào đơn vị",
        "date",
        ("Ngày tuyển dụng", "Ngày vào làm", "Ngày về đơn vị", "Ngày vào công ty", "Ngày vào cơ quan", "Ngày vào ngành"),
    ),
    Column("youth_union_member", "Đoàn viên", "bool", ("Đoàn viên TNCS", "Là đoàn viên", "ĐVTN", "Đoàn viên (x)")),
    Column("youth_union_joined_on", "Ngày vào Đoàn", "date"),
    Column("trade_union_member", "Công đoàn viên", "bool", ("Công đoàn",)),
    Column("in_cadre_planning", "Quy hoạch", "bool", ("Trong quy hoạch",)),
    # read to cross-check the register, never written: membership is a dated event with its own papers
    Column("party_member", "Đảng viên (x)", "member_mark", ("Đảng viên", "ĐV", "Là đảng viên", "Đảng viên (x)")),
]

# A member roster is a staff roster plus the membership columns ("Đảng viên" there is the status).
MEMBER_COLUMNS = [
    *(c for c in STAFF_COLUMNS if c.field != "party_member"),
    Column("cell", "Chi bộ", "cell", ("Chi bộ sinh hoạt", "Sinh hoạt tại chi bộ")),
    Column("status", "Đảng viên", "status", ("Tình trạng", "Chính thức / dự bị", "Loại đảng viên")),
    Column(
        "decision_date", "Ngày vào Đảng", "date", ("Ngày kết nạp", "Ngày quyết định kết nạp", "Ngày vào Đảng / Dự bị")
    ),
    # the ceremony starts the 12 months of probation (Điều lệ Điều 5.1); rosters that have it say so explicitly
    Column("ceremony_date", "Ngày lễ kết nạp", "date", ("Ngày tổ chức lễ kết nạp", "Lễ kết nạp")),
    Column("official_date", "Ngày chính thức", "date", ("Ngày công nhận chính thức", "Ngày vào Đảng / Chính thức")),
    Column("card_number", "Số thẻ đảng viên", "text", ("Số thẻ", "Số thẻ đảng", "Số thẻ ĐV"), max_length=20),
    Column("decision_number", "Số quyết định kết nạp", "text", ("Số QĐ kết nạp",), max_length=50),
]

# Dates the party's own records depend on (seniority, probation): never guessed from a year alone.
LEGAL_DATES = {"decision_date", "ceremony_date", "official_date"}

IGNORED = {"stt", "tt", "so tt", "so thu tu", "ghi chu", "ghi chu khac", "chu ky", "ky nhan"}
_REMARK = re.compile(r"\([^)]*\)")
_PUNCT = re.compile(r"[^a-z0-9]+")


def heading_key(text) -> str:
    """ "Khoa/Phòng (*)" → "khoa phong": the form headings are compared in."""
    folded = fold(_REMARK.sub(" ", str(text or "")))
    return " ".join(_PUNCT.sub(" ", folded).split())


def alias_table(columns: list[Column]) -> dict[str, tuple[Column, int]]:
    """Folded heading → (column, rank): the rank (0 = ketnap's own label) decides between two headings of a roster
    that mean the same column."""
    table: dict[str, tuple[Column, int]] = {}
    for column in columns:
        for rank, text in enumerate((column.label, *column.aliases)):
            table.setdefault(heading_key(text), (column, rank))
    return table


def combined(parent, child) -> str:
    """The heading of a column under a two-row header, as ketnap shows it: "Ngày sinh / Nữ"."""
    parent, child = (" ".join(str(v or "").split()) for v in (parent, child))
    if parent and child and parent != child:
        return f"{parent} / {child}"
    return parent or child


def match_headers(headings: list[str], columns: list[Column], saved: dict[str, str] | None = None) -> dict[int, Column]:
    """Column index → Column for the headings recognised (a saved mapping of heading → field wins, "" = ignore).

    A two-row heading "Trình độ / Chuyên môn" is tried whole, then by its lower part alone ("Số CCCD" under
    "Thông tin cá nhân"), never by its upper part alone (it names a group of columns)."""
    table = alias_table(columns)
    by_field = {c.field: c for c in columns}
    best: dict[str, tuple[int, int]] = {}  # field → (rank, index)
    for index, heading in enumerate(headings):
        key = heading_key(heading)
        if not key:
            continue
        if saved and key in saved:
            column, rank = by_field.get(saved[key]), -1
        else:
            column, rank = _by_alias(table, heading, key)
        if column is not None and (column.field not in best or rank < best[column.field][0]):
            best[column.field] = (rank, index)
    return {index: by_field[name] for name, (_rank, index) in best.items()}


def _by_alias(table: dict, heading: str, key: str) -> tuple[Column | None, int]:
    """The column a heading names by ketnap's aliases, and how well (lower is better)."""
    column, rank = table.get(key, (None, 0))
    if column is None and " / " in str(heading):
        column, rank = table.get(heading_key(str(heading).rsplit(" / ", 1)[1]), (None, 0))
        rank += 100  # a lower part alone is a weaker match than a whole heading
    return column, rank
