"""Reference data for the demo generator beyond data.py: localities, departments of each kind of unit, how
departments are grouped into chi bộ, and the mix of professions in each kind of department.

Pure data and small pure helpers, no Django. Everything here is invented but plausible for Quảng Ninh.
"""

import re

# --- Localities (district level until 30/6/2025) --------------------------------------------------------
# name -> (kind of locality, name of its party committee, code of the committee)
LOCALITIES: dict[str, tuple[str, str, str]] = {
    "Hạ Long": ("thành phố", "Thành ủy Hạ Long", "THU-HL"),
    "Cẩm Phả": ("thành phố", "Thành ủy Cẩm Phả", "THU-CP"),
    "Uông Bí": ("thành phố", "Thành ủy Uông Bí", "THU-UB"),
    "Móng Cái": ("thành phố", "Thành ủy Móng Cái", "THU-MC"),
    "Đông Triều": ("thị xã", "Thị ủy Đông Triều", "TXU-DT"),
    "Quảng Yên": ("thị xã", "Thị ủy Quảng Yên", "TXU-QY"),
    "Vân Đồn": ("huyện", "Huyện ủy Vân Đồn", "HU-VD"),
    "Cô Tô": ("huyện", "Huyện ủy Cô Tô", "HU-CT"),
    "Tiên Yên": ("huyện", "Huyện ủy Tiên Yên", "HU-TY"),
    "Đầm Hà": ("huyện", "Huyện ủy Đầm Hà", "HU-DH"),
    "Hải Hà": ("huyện", "Huyện ủy Hải Hà", "HU-HH"),
    "Bình Liêu": ("huyện", "Huyện ủy Bình Liêu", "HU-BL"),
    "Ba Chẽ": ("huyện", "Huyện ủy Ba Chẽ", "HU-BC"),
}
# Units whose name does not say where they are.
LOCALITY_OVERRIDES = {
    "BVDK-T": "Hạ Long",
    "BVSN": "Hạ Long",
    "BVKV-BC": "Hạ Long",
    "BVKV-CP": "Cẩm Phả",
    "BVKV-UB": "Uông Bí",
    "BVKV-VD": "Vân Đồn",
}
# Mountain districts with a larger share of ethnic minorities among staff.
HIGHLAND = {"Bình Liêu", "Ba Chẽ", "Tiên Yên", "Đầm Hà", "Hải Hà"}

_DISTRICT_NAME = re.compile(r"Bệnh viện – Trung tâm Y tế (thành phố|thị xã|huyện) (.+)$")


def locality_of(code: str, name: str) -> str:
    """The locality of one of data.PROVINCIAL_UNITS (by its original code and name)."""
    if code in LOCALITY_OVERRIDES:
        return LOCALITY_OVERRIDES[code]
    match = _DISTRICT_NAME.match(name)
    if not match:
        raise ValueError(f"Không xác định được địa bàn của {name}")
    return match.group(2)


def regional_name(name: str) -> str:
    """The name after 1/7/2025: "Bệnh viện – Trung tâm Y tế thị xã X" -> "Trung tâm Y tế khu vực X"."""
    return re.sub(r"Bệnh viện – Trung tâm Y tế (thành phố|thị xã|huyện) ", "Trung tâm Y tế khu vực ", name)


# Commune health stations of the district centres other than Đông Triều (whose stations are in data.py).
STATIONS: dict[str, list[str]] = {
    "Hạ Long": [
        "phường Hồng Hải",
        "phường Cao Xanh",
        "phường Hà Tu",
        "phường Bãi Cháy",
        "phường Việt Hưng",
        "xã Thống Nhất",
    ],
    "Cẩm Phả": [
        "phường Cẩm Thủy",
        "phường Cửa Ông",
        "phường Mông Dương",
        "phường Quang Hanh",
        "xã Dương Huy",
        "xã Cộng Hòa",
    ],
    "Uông Bí": ["phường Quang Trung", "phường Vàng Danh", "phường Phương Đông", "phường Nam Khê", "xã Thượng Yên Công"],
    "Móng Cái": ["phường Trần Phú", "phường Ka Long", "phường Hải Hòa", "phường Trà Cổ", "xã Vạn Ninh", "xã Hải Sơn"],
    "Quảng Yên": [
        "phường Quảng Yên",
        "phường Đông Mai",
        "phường Minh Thành",
        "phường Phong Hải",
        "xã Tiền An",
        "xã Liên Hòa",
    ],
    "Vân Đồn": ["thị trấn Cái Rồng", "xã Đông Xá", "xã Hạ Long", "xã Quan Lạn", "xã Minh Châu"],
    "Cô Tô": ["thị trấn Cô Tô", "xã Đồng Tiến", "xã Thanh Lân"],
    "Tiên Yên": ["thị trấn Tiên Yên", "xã Đông Ngũ", "xã Hải Lạng", "xã Đông Hải", "xã Hà Lâu"],
    "Đầm Hà": ["thị trấn Đầm Hà", "xã Quảng Tân", "xã Quảng Lâm", "xã Tân Bình", "xã Đại Bình"],
    "Hải Hà": ["thị trấn Quảng Hà", "xã Quảng Long", "xã Quảng Đức", "xã Quảng Sơn", "xã Cái Chiên"],
    "Bình Liêu": ["thị trấn Bình Liêu", "xã Đồng Văn", "xã Hoành Mô", "xã Lục Hồn", "xã Húc Động"],
    "Ba Chẽ": ["thị trấn Ba Chẽ", "xã Thanh Sơn", "xã Nam Sơn", "xã Đồn Đạc", "xã Minh Cầm"],
}

# --- Departments ----------------------------------------------------------------------------------------
BOARD = ("BGD", "Ban Giám đốc", "bgd")
SCHOOL_BOARD = ("BGH", "Ban Giám hiệu", "bgd")

# Specialty hospitals: codes taken from data.HOSPITAL_DEPARTMENTS, plus their own clinical departments.
SPECIALTY_DEPARTMENTS: dict[str, tuple[list[str], list[tuple[str, str, str]]]] = {
    "BVSN": (
        [
            "KKB",
            "CC",
            "HSTC",
            "NHI",
            "SAN",
            "NGOAI-TH",
            "PTGMHS",
            "TMH",
            "RHM",
            "XN",
            "CDHA",
            "GPB",
            "DUOC",
            "DINH-DUONG",
            "KSNK",
            "KHTH",
            "TCCB",
            "P-DD",
            "TCKT",
            "HCQT",
            "VTTB",
            "QLCL",
            "CTXH",
        ],
        [
            ("SO-SINH", "Khoa Sơ sinh", "khoa"),
            ("HSTC-NHI", "Khoa Hồi sức tích cực Nhi", "khoa"),
            ("PHU-KHOA", "Khoa Phụ khoa", "khoa"),
            ("HTSS", "Khoa Hỗ trợ sinh sản", "khoa"),
            ("NHI-TH", "Khoa Nhi tổng hợp", "khoa"),
        ],
    ),
    "BVKV-BC": (
        [
            "KKB",
            "CC",
            "HSTC",
            "NOI-TH",
            "NOI-TM",
            "NOI-TIET",
            "NOI-TIEUHOA",
            "THAN-KINH",
            "TRUYEN-NHIEM",
            "NHI",
            "SAN",
            "NGOAI-TH",
            "NGOAI-CTCH",
            "NGOAI-TK",
            "PTGMHS",
            "TMH",
            "RHM",
            "MAT",
            "YHCT",
            "PHCN",
            "TNT",
            "XN",
            "CDHA",
            "GPB",
            "DUOC",
            "DINH-DUONG",
            "KSNK",
            "KHTH",
            "TCCB",
            "P-DD",
            "TCKT",
            "HCQT",
            "VTTB",
            "QLCL",
            "CTXH",
        ],
        [],
    ),
    "BVKV-CP": (
        [
            "KKB",
            "CC",
            "HSTC",
            "NOI-TH",
            "NOI-TM",
            "NOI-HH",
            "THAN-KINH",
            "TRUYEN-NHIEM",
            "NHI",
            "SAN",
            "NGOAI-TH",
            "NGOAI-CTCH",
            "NGOAI-TN",
            "PTGMHS",
            "TMH",
            "RHM",
            "MAT",
            "YHCT",
            "PHCN",
            "TNT",
            "XN",
            "CDHA",
            "DUOC",
            "DINH-DUONG",
            "KSNK",
            "KHTH",
            "TCCB",
            "P-DD",
            "TCKT",
            "HCQT",
            "VTTB",
            "QLCL",
        ],
        [("BNN", "Khoa Bệnh nghề nghiệp", "khoa")],
    ),
    "BVKV-UB": (
        [
            "KKB",
            "CC",
            "HSTC",
            "NOI-TH",
            "NOI-TM",
            "NOI-TIET",
            "NOI-HH",
            "THAN-KINH",
            "TRUYEN-NHIEM",
            "NHI",
            "SAN",
            "NGOAI-TH",
            "NGOAI-CTCH",
            "NGOAI-TN",
            "PTGMHS",
            "TMH",
            "RHM",
            "MAT",
            "UNG-BUOU",
            "YHCT",
            "PHCN",
            "TNT",
            "XN",
            "CDHA",
            "GPB",
            "DUOC",
            "DINH-DUONG",
            "KSNK",
            "KHTH",
            "TCCB",
            "P-DD",
            "TCKT",
            "HCQT",
            "VTTB",
            "QLCL",
            "CTXH",
        ],
        [],
    ),
    "BVKV-VD": (
        [
            "KKB",
            "CC",
            "HSTC",
            "NOI-TH",
            "TRUYEN-NHIEM",
            "NHI",
            "SAN",
            "NGOAI-TH",
            "PTGMHS",
            "TMH",
            "RHM",
            "YHCT",
            "XN",
            "CDHA",
            "DUOC",
            "KSNK",
            "KHTH",
            "TCCB",
            "TCKT",
            "HCQT",
        ],
        [],
    ),
    "BVLP": (
        ["KKB", "HSTC", "NOI-HH", "XN", "CDHA", "DUOC", "KSNK", "KHTH", "TCCB", "TCKT", "HCQT"],
        [
            ("LAO-HH", "Khoa Lao hô hấp", "khoa"),
            ("LAO-NP", "Khoa Lao ngoài phổi", "khoa"),
            ("BENH-PHOI", "Khoa Bệnh phổi", "khoa"),
        ],
    ),
    "BVYDCT": (
        ["KKB", "YHCT", "PHCN", "XN", "CDHA", "DUOC", "KHTH", "TCCB", "TCKT", "HCQT"],
        [
            ("CHAM-CUU", "Khoa Châm cứu – Dưỡng sinh", "khoa"),
            ("NOI-YHCT", "Khoa Nội – Nhi y học cổ truyền", "khoa"),
            ("NGOAI-YHCT", "Khoa Ngoại – Phụ y học cổ truyền", "khoa"),
        ],
    ),
    "BVPHCN": (
        ["KKB", "PHCN", "YHCT", "XN", "CDHA", "DUOC", "KHTH", "TCKT", "HCQT"],
        [
            ("VLTL", "Khoa Vật lý trị liệu – Vận động trị liệu", "khoa"),
            ("PHCN-NHI", "Khoa Phục hồi chức năng Nhi", "khoa"),
        ],
    ),
    "BVSKTT": (
        ["KKB", "XN", "DUOC", "KHTH", "TCKT", "HCQT"],
        [
            ("TT-NAM", "Khoa Tâm thần nam", "khoa"),
            ("TT-NU", "Khoa Tâm thần nữ", "khoa"),
            ("DT-NGHIEN", "Khoa Điều trị nghiện", "khoa"),
            ("TT-NHI", "Khoa Tâm thần Nhi", "khoa"),
        ],
    ),
    "BVMAT": (
        ["KKB", "MAT", "PTGMHS", "XN", "DUOC", "KHTH", "TCKT", "HCQT"],
        [("MAT-NHI", "Khoa Mắt trẻ em", "khoa")],
    ),
}

CENTRE_DEPARTMENTS: dict[str, list[tuple[str, str, str]]] = {
    "CDC": [
        ("PC-TN", "Khoa Phòng, chống bệnh truyền nhiễm", "khoa"),
        ("HIV", "Khoa Phòng, chống HIV/AIDS", "khoa"),
        ("SKMT", "Khoa Sức khỏe môi trường – Y tế trường học", "khoa"),
        ("BKLN", "Khoa Phòng, chống bệnh không lây nhiễm", "khoa"),
        ("XN-CDC", "Khoa Xét nghiệm – Chẩn đoán hình ảnh – Thăm dò chức năng", "khoa"),
        ("KHNV", "Phòng Kế hoạch – Nghiệp vụ", "phong"),
        ("TCHC", "Phòng Tổ chức – Hành chính", "phong"),
        ("TCKT", "Phòng Tài chính – Kế toán", "phong"),
    ],
    "TTKN": [
        ("KN-THUOC", "Khoa Kiểm nghiệm thuốc", "khoa"),
        ("KN-MP", "Khoa Kiểm nghiệm mỹ phẩm – thực phẩm", "khoa"),
        ("KN-VS", "Khoa Vi sinh – Dược lý", "khoa"),
        ("KHNV", "Phòng Kế hoạch – Nghiệp vụ", "phong"),
        ("TCHC", "Phòng Tổ chức – Hành chính – Tài chính", "phong"),
    ],
    "TTGDYK": [
        ("GD-LS", "Khoa Khám giám định", "khoa"),
        ("GD-CLS", "Khoa Cận lâm sàng", "khoa"),
        ("KHNV", "Phòng Kế hoạch – Nghiệp vụ", "phong"),
        ("TCHC", "Phòng Tổ chức – Hành chính – Tài chính", "phong"),
    ],
    "TTPY": [
        ("GD-PY", "Khoa Giám định pháp y", "khoa"),
        ("XN-PY", "Khoa Xét nghiệm pháp y", "khoa"),
        ("TCHC", "Phòng Tổ chức – Hành chính – Tài chính", "phong"),
    ],
    "TTCC115": [
        ("DIEU-HANH", "Phòng Điều hành cấp cứu", "phong"),
        ("DOI1", "Đội Cấp cứu số 1 (Hạ Long)", "khoa"),
        ("DOI2", "Đội Cấp cứu số 2 (Cẩm Phả)", "khoa"),
        ("DOI3", "Đội Cấp cứu số 3 (Uông Bí)", "khoa"),
        ("TCHC", "Phòng Tổ chức – Hành chính – Tài chính", "phong"),
    ],
    "CDYT": [
        ("K-Y", "Khoa Y", "khoa"),
        ("K-DD", "Khoa Điều dưỡng – Hộ sinh", "khoa"),
        ("K-DUOC", "Khoa Dược", "khoa"),
        ("K-CB", "Khoa Khoa học cơ bản", "khoa"),
        ("DAO-TAO", "Phòng Đào tạo", "phong"),
        ("TCHC", "Phòng Tổ chức – Hành chính", "phong"),
        ("TCKT", "Phòng Tài chính – Kế toán", "phong"),
    ],
}

# Small district centres (fewer than 150 staff) run a reduced set of departments.
SMALL_CENTRE_CODES = ["KKB", "HSCC", "NOI", "NGOAI-SAN", "KSBT", "DUOC-CLS", "TCHC", "TCKT"]

# --- Chi bộ of the two units of the seed story -----------------------------------------------------------
# The general hospital: (key, name, departments). "NGOAI" existed until the 2022 split; "TN" and "BND"
# until the merge of 1/7/2025 into "TN-BND". Phòng are grouped together, with the board.
GENERAL_HOSPITAL_CELLS: list[tuple[str, str, list[str]]] = [
    ("KB-CC", "Chi bộ Khám bệnh – Cấp cứu", ["KKB", "CC"]),
    ("HS-GM", "Chi bộ Hồi sức – Gây mê", ["HSTC", "PTGMHS"]),
    ("NOI1", "Chi bộ Nội 1", ["NOI-TH", "NOI-TM", "NOI-HH"]),
    ("NOI2", "Chi bộ Nội 2", ["NOI-TIET", "NOI-TIEUHOA", "THAN-KINH"]),
    ("TN", "Chi bộ Khoa Truyền nhiễm", ["TRUYEN-NHIEM"]),
    ("BND", "Chi bộ Khoa Bệnh nhiệt đới", ["BND"]),
    ("LK-YHCT", "Chi bộ Lão khoa – Y học cổ truyền – Phục hồi chức năng", ["LAO-KHOA", "YHCT", "PHCN"]),
    ("SAN-NHI", "Chi bộ Sản – Nhi", ["SAN", "NHI"]),
    ("NGOAI", "Chi bộ Khối Ngoại", ["NGOAI-TH", "NGOAI-TN", "NGOAI-CTCH", "NGOAI-TK"]),
    ("CK", "Chi bộ Liên chuyên khoa", ["TMH", "RHM", "MAT"]),
    ("UB-TNT", "Chi bộ Ung bướu – Thận nhân tạo – Da liễu", ["UNG-BUOU", "TNT", "DA-LIEU"]),
    ("CLS", "Chi bộ Cận lâm sàng", ["XN", "CDHA", "GPB"]),
    ("DUOC", "Chi bộ Dược – Dinh dưỡng – Kiểm soát nhiễm khuẩn", ["DUOC", "DINH-DUONG", "KSNK"]),
    ("P1", "Chi bộ Phòng Kế hoạch – Tổ chức", ["BGD", "KHTH", "TCCB"]),
    ("P2", "Chi bộ Phòng Điều dưỡng – Quản lý chất lượng – Công tác xã hội", ["P-DD", "QLCL", "CTXH"]),
    ("P3", "Chi bộ Phòng Tài chính – Hành chính – Vật tư", ["TCKT", "HCQT", "VTTB"]),
]
GENERAL_HOSPITAL_SPLIT = (
    "NGOAI",
    [("NGOAI1", "Chi bộ Ngoại 1", ["NGOAI-TH", "NGOAI-TN"]), ("NGOAI2", "Chi bộ Ngoại 2", ["NGOAI-CTCH", "NGOAI-TK"])],
)
GENERAL_HOSPITAL_MERGE = (["TN", "BND"], ("TN-BND", "Chi bộ Truyền nhiễm – Bệnh nhiệt đới"))

# The seed district hospital–health centre: exactly 7 chi bộ.
DONG_TRIEU_CELLS: list[tuple[str, str, list[str]]] = [
    ("CB1", "Chi bộ Khám bệnh – Hồi sức cấp cứu", ["KKB", "HSCC"]),
    ("CB2", "Chi bộ Nội – Nhi – Y học cổ truyền", ["NOI", "NHI", "YHCT-PHCN"]),
    ("CB3", "Chi bộ Ngoại – Sản – Cận lâm sàng", ["NGOAI-SAN", "DUOC-CLS"]),
    ("CB4", "Chi bộ Y tế dự phòng", ["KSBT", "ATTP-YTCC"]),
    ("CB5", "Chi bộ Phòng chức năng", ["BGD", "TCHC", "KHNV", "TCKT"]),
    ("CB6", "Chi bộ Trạm Y tế các phường", ["TYT-MK", "TYT-DC", "TYT-HQ"]),
    ("CB7", "Chi bộ Trạm Y tế các xã", ["TYT-AS", "TYT-BK", "TYT-TL"]),
]

# Chi bộ of the other units with a đảng bộ cơ sở: departments of one family share a chi bộ; neighbouring
# families merge (or the largest splits) until the unit has its number of chi bộ.
# family -> (order, name of its chi bộ, short name when merged with a neighbour)
FAMILIES: dict[str, tuple[int, str, str]] = {
    "kb": (1, "Khám bệnh – Cấp cứu", "Khám bệnh – Cấp cứu"),
    "hs": (2, "Hồi sức – Gây mê", "Hồi sức"),
    "noi": (3, "Nội", "Nội"),
    "lao": (4, "Lao – Bệnh phổi", "Lao"),
    "tn": (5, "Truyền nhiễm", "Truyền nhiễm"),
    "ngoai": (6, "Ngoại", "Ngoại"),
    "ngoai_san": (6, "Ngoại – Sản", "Ngoại – Sản"),
    "san": (7, "Sản", "Sản"),
    "nhi": (8, "Nhi", "Nhi"),
    "ck": (9, "Liên chuyên khoa", "Liên chuyên khoa"),
    "ub": (10, "Ung bướu – Thận nhân tạo", "Ung bướu"),
    "yhct": (11, "Y học cổ truyền – Phục hồi chức năng", "Y học cổ truyền"),
    "cls": (12, "Cận lâm sàng", "Cận lâm sàng"),
    "duoc": (13, "Dược – Dinh dưỡng – Kiểm soát nhiễm khuẩn", "Dược"),
    "ytdp": (14, "Y tế dự phòng", "Dự phòng"),
    "pctn": (14, "Phòng chống bệnh truyền nhiễm – HIV/AIDS", "Phòng chống dịch"),
    "skmt": (15, "Sức khỏe môi trường – Bệnh không lây nhiễm", "Sức khỏe cộng đồng"),
    "phong": (90, "Phòng chức năng", "Phòng chức năng"),
    "tram": (95, "Trạm Y tế", "Trạm Y tế"),
}
FAMILY_OF = {
    "KKB": "kb",
    "CC": "kb",
    "HSCC": "kb",
    "HSTC": "hs",
    "PTGMHS": "hs",
    "NOI-TH": "noi",
    "NOI-TM": "noi",
    "NOI-TIET": "noi",
    "NOI-TIEUHOA": "noi",
    "NOI-HH": "noi",
    "THAN-KINH": "noi",
    "LAO-KHOA": "noi",
    "BNN": "noi",
    "NOI": "noi",
    "LAO-HH": "lao",
    "LAO-NP": "lao",
    "BENH-PHOI": "lao",
    "TRUYEN-NHIEM": "tn",
    "BND": "tn",
    "NGOAI-TH": "ngoai",
    "NGOAI-CTCH": "ngoai",
    "NGOAI-TK": "ngoai",
    "NGOAI-TN": "ngoai",
    "NGOAI-SAN": "ngoai_san",
    "SAN": "san",
    "PHU-KHOA": "san",
    "HTSS": "san",
    "NHI": "nhi",
    "SO-SINH": "nhi",
    "NHI-TH": "nhi",
    "HSTC-NHI": "nhi",
    "TMH": "ck",
    "RHM": "ck",
    "MAT": "ck",
    "MAT-NHI": "ck",
    "DA-LIEU": "ck",
    "UNG-BUOU": "ub",
    "TNT": "ub",
    "YHCT": "yhct",
    "PHCN": "yhct",
    "CHAM-CUU": "yhct",
    "NOI-YHCT": "yhct",
    "NGOAI-YHCT": "yhct",
    "VLTL": "yhct",
    "PHCN-NHI": "yhct",
    "YHCT-PHCN": "yhct",
    "XN": "cls",
    "CDHA": "cls",
    "GPB": "cls",
    "DUOC-CLS": "cls",
    "XN-CDC": "cls",
    "DUOC": "duoc",
    "DINH-DUONG": "duoc",
    "KSNK": "duoc",
    "KSBT": "ytdp",
    "ATTP-YTCC": "ytdp",
    "PC-TN": "pctn",
    "HIV": "pctn",
    "SKMT": "skmt",
    "BKLN": "skmt",
}

# --- Kinds of department: size and mix of professions -------------------------------------------------
PARACLINICAL = {"XN", "CDHA", "GPB", "XN-CDC", "XN-PY", "GD-CLS", "KN-VS"}
BIG_CLINICAL = {
    "KKB",
    "CC",
    "HSTC",
    "HSCC",
    "NOI-TH",
    "NGOAI-TH",
    "NHI",
    "SAN",
    "NOI",
    "NGOAI-SAN",
    "PTGMHS",
    "NHI-TH",
    "SO-SINH",
    "PHU-KHOA",
    "LAO-HH",
    "TT-NAM",
    "TT-NU",
}
SMALL_CLINICAL = {
    "GPB",
    "TMH",
    "RHM",
    "DA-LIEU",
    "BND",
    "LAO-KHOA",
    "TNT",
    "HTSS",
    "MAT-NHI",
    "TT-NHI",
    "DINH-DUONG",
    "KSNK",
}


def dept_type(code: str, kind: str, unit_kind: str) -> str:
    """A department's profile for staffing: which professions work there."""
    if kind == "bgd":
        return "bgd"
    if kind == "tram":
        return "tram"
    if unit_kind == "school":
        return "school_khoa" if kind == "khoa" else ("dao_tao" if code == "DAO-TAO" else "phong_hc")
    if code.startswith("DOI"):
        return "cap_cuu"
    if code == "DIEU-HANH":
        return "dieu_hanh"
    if code in PARACLINICAL:
        return "cls"
    if code.startswith("KN-"):
        return "kiem_nghiem"
    if code in {"GD-LS", "GD-PY"}:
        return "giam_dinh"
    if code in {"DUOC", "DUOC-CLS"}:
        return "duoc" if code == "DUOC" else "duoc_cls"
    if code == "DINH-DUONG":
        return "dinh_duong"
    if code == "KSNK":
        return "ksnk"
    if code in {"KSBT", "ATTP-YTCC", "PC-TN", "HIV", "SKMT", "BKLN"}:
        return "ytdp"
    if code in {"SAN", "PHU-KHOA", "HTSS", "NGOAI-SAN"}:
        return "san"
    if kind == "phong":
        return {
            "KHTH": "khth",
            "KHNV": "khth",
            "TCCB": "tccb",
            "P-DD": "p_dd",
            "TCKT": "tckt",
            "HCQT": "hcqt",
            "TCHC": "tchc",
            "VTTB": "vttb",
            "QLCL": "qlcl",
            "CTXH": "ctxh",
        }.get(code, "tchc")
    return "lam_sang"


def size_weight(code: str, kind: str, dtype: str, main_specialty: set[str]) -> float:
    if code in main_specialty:
        return 2.6
    if code == "DUOC":
        return 1.8
    if kind == "tram":
        return 0.4
    if kind == "phong":
        return {
            "hcqt": 0.8,
            "tchc": 0.8,
            "khth": 0.6,
            "tckt": 0.5,
            "p_dd": 0.3,
            "ctxh": 0.3,
            "qlcl": 0.3,
            "dieu_hanh": 1.0,
        }.get(dtype, 0.45)
    if code in BIG_CLINICAL:
        return 1.5
    if code in SMALL_CLINICAL:
        return 0.65
    return 1.0


MAIN_SPECIALTY = {
    "BVSN": {"SAN", "NHI", "SO-SINH", "NHI-TH"},
    "BVLP": {"LAO-HH", "NOI-HH"},
    "BVYDCT": {"YHCT", "CHAM-CUU", "NOI-YHCT"},
    "BVPHCN": {"PHCN", "VLTL"},
    "BVSKTT": {"TT-NAM", "TT-NU"},
    "BVMAT": {"MAT"},
}

# Profession code -> relative weight, per department profile (non-leading staff).
PROFESSION_MIX: dict[str, dict[str, float]] = {
    "lam_sang": {
        "bac_si": 21,
        "dieu_duong": 54,
        "ky_thuat_y": 9,
        "y_si": 1,
        "ho_ly": 12,
        "duoc_trung_cao": 1,
        "khac": 1,
    },
    "san": {"bac_si": 22, "ho_sinh": 40, "dieu_duong": 22, "ky_thuat_y": 3, "ho_ly": 12, "khac": 1},
    "cls": {"bac_si": 17, "ky_thuat_y": 66, "dieu_duong": 8, "ho_ly": 6, "khac": 3},
    "duoc": {"duoc_si": 42, "duoc_trung_cao": 48, "khac": 6, "ho_ly": 4},
    "duoc_cls": {"duoc_si": 18, "duoc_trung_cao": 24, "ky_thuat_y": 40, "bac_si": 12, "ho_ly": 6},
    "dinh_duong": {"dinh_duong": 50, "dieu_duong": 15, "bac_si": 10, "khac": 25},
    "ksnk": {"dieu_duong": 45, "ho_ly": 35, "ky_thuat_y": 15, "bac_si": 5},
    "ytdp": {"y_te_cong_cong": 28, "bac_si": 24, "dieu_duong": 14, "ky_thuat_y": 16, "dan_so": 8, "y_si": 5, "khac": 5},
    "khth": {"bac_si": 28, "dieu_duong": 22, "hanh_chinh": 22, "cntt": 22, "khac": 6},
    "tccb": {"hanh_chinh": 82, "bac_si": 4, "dieu_duong": 6, "khac": 8},
    "p_dd": {"dieu_duong": 100},
    "tckt": {"ke_toan": 88, "hanh_chinh": 12},
    "hcqt": {"hanh_chinh": 28, "lai_xe": 24, "bao_ve": 30, "khac": 18},
    "tchc": {"hanh_chinh": 45, "ke_toan": 12, "lai_xe": 14, "bao_ve": 16, "cntt": 5, "khac": 8},
    "vttb": {"ky_su_tbyt": 55, "ky_thuat_y": 15, "hanh_chinh": 20, "khac": 10},
    "qlcl": {"bac_si": 40, "dieu_duong": 40, "hanh_chinh": 20},
    "ctxh": {"cong_tac_xa_hoi": 75, "hanh_chinh": 25},
    "tram": {"bac_si": 18, "y_si": 26, "dieu_duong": 22, "ho_sinh": 18, "duoc_trung_cao": 16},
    "cap_cuu": {"bac_si": 30, "dieu_duong": 42, "lai_xe": 28},
    "dieu_hanh": {"bac_si": 20, "dieu_duong": 50, "cntt": 15, "hanh_chinh": 15},
    "giam_dinh": {"bac_si": 60, "dieu_duong": 20, "hanh_chinh": 20},
    "kiem_nghiem": {"duoc_si": 60, "duoc_trung_cao": 18, "ky_thuat_y": 22},
    "school_khoa": {"bac_si": 38, "dieu_duong": 30, "duoc_si": 16, "khac": 16},
    "dao_tao": {"hanh_chinh": 60, "bac_si": 20, "dieu_duong": 20},
    "phong_hc": {"hanh_chinh": 50, "ke_toan": 20, "lai_xe": 10, "bao_ve": 12, "cntt": 8},
}
# The profession of a department's head.
HEAD_PROFESSION = {
    "duoc": "duoc_si",
    "kiem_nghiem": "duoc_si",
    "tccb": "hanh_chinh",
    "p_dd": "dieu_duong",
    "tckt": "ke_toan",
    "hcqt": "hanh_chinh",
    "tchc": "hanh_chinh",
    "vttb": "ky_su_tbyt",
    "ctxh": "cong_tac_xa_hoi",
    "phong_hc": "hanh_chinh",
    "dao_tao": "bac_si",
    "dinh_duong": "bac_si",
}
# Titles of non-leading staff by profession.
STAFF_TITLE = {
    "bac_si": "Bác sĩ",
    "y_si": "Y sĩ",
    "dieu_duong": "Điều dưỡng",
    "ho_sinh": "Hộ sinh",
    "ky_thuat_y": "Kỹ thuật viên",
    "duoc_si": "Dược sĩ",
    "duoc_trung_cao": "Dược sĩ",
    "y_te_cong_cong": "Chuyên viên",
    "dinh_duong": "Kỹ thuật viên dinh dưỡng",
    "dan_so": "Chuyên viên",
    "cong_tac_xa_hoi": "Nhân viên công tác xã hội",
    "ho_ly": "Hộ lý",
    "ke_toan": "Kế toán viên",
    "hanh_chinh": "Chuyên viên",
    "cntt": "Chuyên viên công nghệ thông tin",
    "ky_su_tbyt": "Kỹ sư",
    "lai_xe": "Lái xe",
    "bao_ve": "Nhân viên bảo vệ",
    "khac": "Nhân viên",
}
# Share of women by profession (health sector).
FEMALE_SHARE = {
    "bac_si": 0.45,
    "y_si": 0.5,
    "dieu_duong": 0.82,
    "ho_sinh": 1.0,
    "ky_thuat_y": 0.55,
    "duoc_si": 0.8,
    "duoc_trung_cao": 0.85,
    "y_te_cong_cong": 0.6,
    "dinh_duong": 0.85,
    "dan_so": 0.8,
    "cong_tac_xa_hoi": 0.8,
    "ho_ly": 0.75,
    "ke_toan": 0.85,
    "hanh_chinh": 0.7,
    "cntt": 0.25,
    "ky_su_tbyt": 0.2,
    "lai_xe": 0.0,
    "bao_ve": 0.05,
    "khac": 0.6,
}
# Professional level by profession: code -> weight; (minimum age) for the levels that need years.
LEVELS = {
    "bac_si": {"dai_hoc": 38, "bs_cki": 26, "thac_si": 13, "bs_ckii": 11, "bs_noi_tru": 6, "tien_si": 3},
    "y_si": {"trung_cap": 100},
    "dieu_duong": {"trung_cap": 20, "cao_dang": 45, "dai_hoc": 33, "thac_si": 2},
    "ho_sinh": {"trung_cap": 25, "cao_dang": 45, "dai_hoc": 30},
    "ky_thuat_y": {"trung_cap": 10, "cao_dang": 40, "dai_hoc": 47, "thac_si": 3},
    "duoc_si": {"dai_hoc": 75, "thac_si": 20, "tien_si": 2},
    "duoc_trung_cao": {"trung_cap": 50, "cao_dang": 50},
    "y_te_cong_cong": {"dai_hoc": 75, "thac_si": 25},
    "dinh_duong": {"cao_dang": 45, "dai_hoc": 55},
    "dan_so": {"trung_cap": 30, "cao_dang": 30, "dai_hoc": 40},
    "cong_tac_xa_hoi": {"dai_hoc": 90, "thac_si": 10},
    "ho_ly": {"chua_dao_tao": 40, "so_cap": 60},
    "ke_toan": {"cao_dang": 20, "dai_hoc": 70, "thac_si": 10},
    "hanh_chinh": {"trung_cap": 15, "cao_dang": 20, "dai_hoc": 60, "thac_si": 5},
    "cntt": {"cao_dang": 30, "dai_hoc": 70},
    "ky_su_tbyt": {"dai_hoc": 85, "thac_si": 15},
    "lai_xe": {"so_cap": 100},
    "bao_ve": {"chua_dao_tao": 50, "so_cap": 50},
    "khac": {"so_cap": 50, "trung_cap": 50},
}
LEVEL_MIN_AGE = {"bs_cki": 29, "bs_ckii": 36, "thac_si": 27, "tien_si": 33, "bs_noi_tru": 27}
PROFESSION_MIN_AGE = {"bac_si": 24, "duoc_si": 23}

# Where members transferred in came from (before and after the merger of provinces on 1/7/2025).
EXTERNAL_PARTIES_BEFORE = [
    "Đảng bộ tỉnh Hải Dương",
    "Đảng bộ thành phố Hải Phòng",
    "Đảng bộ tỉnh Thái Bình",
    "Đảng bộ tỉnh Nam Định",
    "Đảng bộ thành phố Hà Nội",
    "Đảng bộ tỉnh Bắc Giang",
    "Đảng bộ tỉnh Lạng Sơn",
    "Đảng bộ tỉnh Hưng Yên",
    "Đảng bộ tỉnh Thanh Hóa",
    "Đảng bộ Quân sự tỉnh Quảng Ninh",
]
EXTERNAL_PARTIES_AFTER = [
    "Đảng bộ thành phố Hải Phòng",
    "Đảng bộ tỉnh Hưng Yên",
    "Đảng bộ tỉnh Ninh Bình",
    "Đảng bộ thành phố Hà Nội",
    "Đảng bộ tỉnh Bắc Ninh",
    "Đảng bộ tỉnh Lạng Sơn",
    "Đảng bộ tỉnh Thanh Hóa",
]
RESIDENCE_WARDS = [
    "phường Hồng Hải",
    "phường Cao Xanh",
    "phường Bãi Cháy",
    "phường Cẩm Thủy",
    "phường Quang Trung",
    "phường Mạo Khê",
    "phường Trần Phú",
    "phường Quảng Yên",
]
