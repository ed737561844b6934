"""Constants for the deterministic demo-data generator.

Pure data, no logic. All strings are UTF-8, NFC-normalised Vietnamese.
Weights are relative (they need not sum to 100).

Sources / assumptions:
- FAMILY_NAMES: approximate national shares of Vietnamese family names as
  commonly cited (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, ...); the rarer ones
  are rough guesses. Not an official statistic.
- Departments and provincial units are realistic but generic demo data for a
  Quảng Ninh-like province; staff/member counts are invented so that they add
  up to the seed story's totals (8000 staff, 3162 members, 11 units directly
  under the Health Department's party committee in 2023 with 398 members).
"""

from typing import Dict, List, Tuple, Union

PROVINCE: str = "Quảng Ninh"

# ---------------------------------------------------------------------------
# People's names
# ---------------------------------------------------------------------------

FAMILY_NAMES: List[Tuple[str, float]] = [
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.0),
    ("Huỳnh", 2.0),
    ("Phan", 4.5),
    ("Vũ", 2.4),
    ("Võ", 1.5),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.45),
    ("Trịnh", 0.4),
    ("Đoàn", 0.4),
    ("Lương", 0.3),
    ("Mai", 0.3),
    ("Cao", 0.3),
    ("Tô", 0.2),
    ("Tạ", 0.2),
    ("Lâm", 0.2),
    ("Hà", 0.25),
    ("Chu", 0.15),
    ("Quách", 0.1),
    ("Lưu", 0.15),
    ("Vương", 0.1),
    ("Thái", 0.1),
    ("Âu", 0.05),
    ("Ông", 0.05),
    ("Ưng", 0.03),
    ("Ninh", 0.05),
    ("Kiều", 0.08),
]

MIDDLE_NAMES_MALE: List[Tuple[str, float]] = [
    ("Văn", 30.0),
    ("Đức", 10.0),
    ("Minh", 9.0),
    ("Quang", 7.0),
    ("Hữu", 6.0),
    ("Công", 5.0),
    ("Thanh", 5.0),
    ("Ngọc", 3.0),
    ("Xuân", 3.0),
    ("Mạnh", 3.0),
    ("Tuấn", 2.0),
    ("Trọng", 3.0),
    ("Anh", 2.0),
    ("Duy", 2.0),
    ("Hoàng", 2.0),
    ("Quốc", 3.0),
    ("Thế", 2.0),
    ("Đình", 3.0),
    ("Bá", 1.5),
    ("Tiến", 1.5),
    ("Việt", 1.5),
    ("Gia", 1.0),
    ("Trung", 1.0),
    ("Đăng", 1.0),
    ("Văn Minh", 0.5),
    ("Đức Anh", 0.5),
]

MIDDLE_NAMES_FEMALE: List[Tuple[str, float]] = [
    ("Thị", 40.0),
    ("Ngọc", 7.0),
    ("Thu", 5.0),
    ("Thanh", 5.0),
    ("Hồng", 4.0),
    ("Phương", 4.0),
    ("Minh", 3.0),
    ("Kim", 3.0),
    ("Thùy", 3.0),
    ("Hải", 2.0),
    ("Bích", 2.0),
    ("Mai", 2.0),
    ("Khánh", 2.0),
    ("Lan", 1.5),
    ("Diệu", 1.5),
    ("Quỳnh", 1.5),
    ("Ánh", 1.0),
    ("Bảo", 1.0),
    ("Thị Thu", 2.0),
    ("Thị Thanh", 1.5),
    ("Thị Ngọc", 1.5),
    ("Thị Hồng", 1.0),
    ("Thị Kim", 1.0),
    ("Thị Minh", 0.8),
]

GIVEN_NAMES_MALE: List[str] = [
    "An", "Anh", "Ân", "Ấn", "Bảo", "Bình", "Cảnh", "Chiến", "Chính", "Công",
    "Cường", "Danh", "Dũng", "Duy", "Dương", "Đạt", "Đại", "Điệp", "Định", "Đông",
    "Đức", "Giang", "Hà", "Hải", "Hào", "Hậu", "Hiển", "Hiếu", "Hiệp", "Hòa",
    "Hoàng", "Học", "Hùng", "Hưng", "Huy", "Kiên", "Khải", "Khang", "Khánh", "Khoa",
    "Khôi", "Lâm", "Linh", "Lộc", "Long", "Luân", "Mạnh", "Minh", "Nam", "Nghĩa",
    "Nguyên", "Nhân", "Ninh", "Phát", "Phong", "Phú", "Phúc", "Phước", "Quang", "Quân",
    "Quý", "Sang", "Sơn", "Tài", "Tân", "Thái", "Thắng", "Thành", "Thịnh", "Thông",
    "Tiến", "Toàn", "Trí", "Trọng", "Trung", "Tú", "Tuấn", "Tùng", "Văn", "Việt",
    "Vinh", "Vũ", "Ý", "Êm", "Ổn", "Ơn", "Ưng", "Ước",
]

GIVEN_NAMES_FEMALE: List[str] = [
    "An", "Anh", "Ánh", "Ân", "Bích", "Bình", "Cúc", "Châu", "Chi", "Diệp",
    "Diệu", "Dung", "Duyên", "Dương", "Đào", "Điệp", "Đoan", "Đông", "Giang", "Hà",
    "Hạnh", "Hằng", "Hân", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Huyền",
    "Khánh", "Khuê", "Lan", "Liên", "Liễu", "Linh", "Loan", "Ly", "Mai", "My",
    "Nga", "Ngân", "Nguyệt", "Ngọc", "Nhàn", "Nhi", "Nhung", "Oanh", "Phượng", "Phương",
    "Quyên", "Quỳnh", "Sen", "Tâm", "Thảo", "Thắm", "Thanh", "Thơ", "Thu", "Thủy",
    "Thúy", "Thư", "Tiên", "Trang", "Trâm", "Trinh", "Tú", "Tuyết", "Uyên", "Vân",
    "Vi", "Xuân", "Yến", "Ánh Dương", "Êm", "Ơn", "Ổn", "Ưng", "Ước", "Ý",
]

# ---------------------------------------------------------------------------
# Departments: (code, name, kind) with kind "khoa" or "phong"
# (HEALTH_CENTRE_DEPARTMENTS also uses "tram" for commune health stations)
# ---------------------------------------------------------------------------

HOSPITAL_DEPARTMENTS: List[Tuple[str, str, str]] = [
    ("KKB", "Khoa Khám bệnh", "khoa"),
    ("CC", "Khoa Cấp cứu", "khoa"),
    ("HSTC", "Khoa Hồi sức tích cực – Chống độc", "khoa"),
    ("NOI-TH", "Khoa Nội tổng hợp", "khoa"),
    ("NOI-TM", "Khoa Nội tim mạch", "khoa"),
    ("NOI-TIET", "Khoa Nội tiết", "khoa"),
    ("NOI-TIEUHOA", "Khoa Nội tiêu hóa", "khoa"),
    ("NOI-HH", "Khoa Nội hô hấp", "khoa"),
    ("THAN-KINH", "Khoa Thần kinh", "khoa"),
    ("TRUYEN-NHIEM", "Khoa Truyền nhiễm", "khoa"),
    ("BND", "Khoa Bệnh nhiệt đới", "khoa"),
    ("LAO-KHOA", "Khoa Lão khoa", "khoa"),
    ("NHI", "Khoa Nhi", "khoa"),
    ("SAN", "Khoa Sản", "khoa"),
    ("NGOAI-TH", "Khoa Ngoại tổng hợp", "khoa"),
    ("NGOAI-CTCH", "Khoa Ngoại chấn thương chỉnh hình", "khoa"),
    ("NGOAI-TK", "Khoa Ngoại thần kinh", "khoa"),
    ("NGOAI-TN", "Khoa Ngoại tiết niệu", "khoa"),
    ("PTGMHS", "Khoa Phẫu thuật gây mê hồi sức", "khoa"),
    ("TMH", "Khoa Tai Mũi Họng", "khoa"),
    ("RHM", "Khoa Răng Hàm Mặt", "khoa"),
    ("MAT", "Khoa Mắt", "khoa"),
    ("DA-LIEU", "Khoa Da liễu", "khoa"),
    ("UNG-BUOU", "Khoa Ung bướu", "khoa"),
    ("YHCT", "Khoa Y học cổ truyền", "khoa"),
    ("PHCN", "Khoa Phục hồi chức năng", "khoa"),
    ("TNT", "Khoa Thận nhân tạo", "khoa"),
    ("XN", "Khoa Xét nghiệm", "khoa"),
    ("CDHA", "Khoa Chẩn đoán hình ảnh", "khoa"),
    ("GPB", "Khoa Giải phẫu bệnh", "khoa"),
    ("DUOC", "Khoa Dược", "khoa"),
    ("DINH-DUONG", "Khoa Dinh dưỡng", "khoa"),
    ("KSNK", "Khoa Kiểm soát nhiễm khuẩn", "khoa"),
    ("KHTH", "Phòng Kế hoạch tổng hợp", "phong"),
    ("TCCB", "Phòng Tổ chức cán bộ", "phong"),
    ("P-DD", "Phòng Điều dưỡng", "phong"),
    ("TCKT", "Phòng Tài chính kế toán", "phong"),
    ("HCQT", "Phòng Hành chính quản trị", "phong"),
    ("VTTB", "Phòng Vật tư thiết bị y tế", "phong"),
    ("QLCL", "Phòng Quản lý chất lượng", "phong"),
    ("CTXH", "Phòng Công tác xã hội", "phong"),
]

HEALTH_CENTRE_DEPARTMENTS: List[Tuple[str, str, str]] = [
    ("KKB", "Khoa Khám bệnh", "khoa"),
    ("HSCC", "Khoa Hồi sức cấp cứu", "khoa"),
    ("NOI", "Khoa Nội", "khoa"),
    ("NGOAI-SAN", "Khoa Ngoại – Sản", "khoa"),
    ("NHI", "Khoa Nhi", "khoa"),
    ("KSBT", "Khoa Kiểm soát bệnh tật – HIV/AIDS", "khoa"),
    ("ATTP-YTCC", "Khoa An toàn thực phẩm – Y tế công cộng", "khoa"),
    ("DUOC-CLS", "Khoa Dược – Cận lâm sàng", "khoa"),
    ("YHCT-PHCN", "Khoa Y học cổ truyền – Phục hồi chức năng", "khoa"),
    ("TCHC", "Phòng Tổ chức – Hành chính", "phong"),
    ("KHNV", "Phòng Kế hoạch – Nghiệp vụ", "phong"),
    ("TCKT", "Phòng Tài chính – Kế toán", "phong"),
    ("TYT-MK", "Trạm Y tế phường Mạo Khê", "tram"),
    ("TYT-DC", "Trạm Y tế phường Đức Chính", "tram"),
    ("TYT-HQ", "Trạm Y tế phường Hoàng Quế", "tram"),
    ("TYT-AS", "Trạm Y tế xã An Sinh", "tram"),
    ("TYT-BK", "Trạm Y tế xã Bình Khê", "tram"),
    ("TYT-TL", "Trạm Y tế xã Tràng Lương", "tram"),
]

# ---------------------------------------------------------------------------
# Provincial public health units (30). Exactly one general_hospital; the seed
# story's district hospital–health centre is "BVTT-DT"; exactly 11 units have
# under_syt_2023=True (led directly by the Health Department's party committee
# in 2023). Totals: staff 8000, members 3162; under_syt_2023 members 398.
# ---------------------------------------------------------------------------

PROVINCIAL_UNITS: List[Dict[str, Union[str, bool, int]]] = [
    {"code": "BVDK-T", "name": "Bệnh viện Đa khoa tỉnh Quảng Ninh", "short": "BVĐK tỉnh", "kind": "general_hospital", "under_syt_2023": False, "staff": 900, "members": 257},
    {"code": "BVTT-DT", "name": "Bệnh viện – Trung tâm Y tế thị xã Đông Triều", "short": "BV-TTYT Đông Triều", "kind": "district_hc", "under_syt_2023": False, "staff": 480, "members": 206},
    {"code": "BVTT-HL", "name": "Bệnh viện – Trung tâm Y tế thành phố Hạ Long", "short": "BV-TTYT Hạ Long", "kind": "district_hc", "under_syt_2023": False, "staff": 320, "members": 133},
    {"code": "BVTT-CP", "name": "Bệnh viện – Trung tâm Y tế thành phố Cẩm Phả", "short": "BV-TTYT Cẩm Phả", "kind": "district_hc", "under_syt_2023": False, "staff": 250, "members": 104},
    {"code": "BVTT-UB", "name": "Bệnh viện – Trung tâm Y tế thành phố Uông Bí", "short": "BV-TTYT Uông Bí", "kind": "district_hc", "under_syt_2023": False, "staff": 220, "members": 92},
    {"code": "BVTT-MC", "name": "Bệnh viện – Trung tâm Y tế thành phố Móng Cái", "short": "BV-TTYT Móng Cái", "kind": "district_hc", "under_syt_2023": False, "staff": 300, "members": 125},
    {"code": "BVTT-QY", "name": "Bệnh viện – Trung tâm Y tế thị xã Quảng Yên", "short": "BV-TTYT Quảng Yên", "kind": "district_hc", "under_syt_2023": False, "staff": 290, "members": 121},
    {"code": "BVTT-VD", "name": "Bệnh viện – Trung tâm Y tế huyện Vân Đồn", "short": "BV-TTYT Vân Đồn", "kind": "district_hc", "under_syt_2023": False, "staff": 150, "members": 63},
    {"code": "BVTT-CT", "name": "Bệnh viện – Trung tâm Y tế huyện Cô Tô", "short": "BV-TTYT Cô Tô", "kind": "district_hc", "under_syt_2023": False, "staff": 60, "members": 25},
    {"code": "BVTT-TY", "name": "Bệnh viện – Trung tâm Y tế huyện Tiên Yên", "short": "BV-TTYT Tiên Yên", "kind": "district_hc", "under_syt_2023": False, "staff": 180, "members": 75},
    {"code": "BVTT-DH", "name": "Bệnh viện – Trung tâm Y tế huyện Đầm Hà", "short": "BV-TTYT Đầm Hà", "kind": "district_hc", "under_syt_2023": False, "staff": 120, "members": 50},
    {"code": "BVTT-HH", "name": "Bệnh viện – Trung tâm Y tế huyện Hải Hà", "short": "BV-TTYT Hải Hà", "kind": "district_hc", "under_syt_2023": False, "staff": 170, "members": 71},
    {"code": "BVTT-BL", "name": "Bệnh viện – Trung tâm Y tế huyện Bình Liêu", "short": "BV-TTYT Bình Liêu", "kind": "district_hc", "under_syt_2023": False, "staff": 110, "members": 46},
    {"code": "BVTT-BC", "name": "Bệnh viện – Trung tâm Y tế huyện Ba Chẽ", "short": "BV-TTYT Ba Chẽ", "kind": "district_hc", "under_syt_2023": False, "staff": 120, "members": 50},
    {"code": "BVSN", "name": "Bệnh viện Sản Nhi tỉnh Quảng Ninh", "short": "BV Sản Nhi", "kind": "specialty_hospital", "under_syt_2023": False, "staff": 650, "members": 271},
    {"code": "BVKV-BC", "name": "Bệnh viện Đa khoa khu vực Bãi Cháy", "short": "BVĐKKV Bãi Cháy", "kind": "specialty_hospital", "under_syt_2023": False, "staff": 800, "members": 333},
    {"code": "BVKV-CP", "name": "Bệnh viện Đa khoa khu vực Cẩm Phả", "short": "BVĐKKV Cẩm Phả", "kind": "specialty_hospital", "under_syt_2023": False, "staff": 700, "members": 292},
    {"code": "BVKV-UB", "name": "Bệnh viện Đa khoa khu vực Uông Bí", "short": "BVĐKKV Uông Bí", "kind": "specialty_hospital", "under_syt_2023": False, "staff": 760, "members": 317},
    {"code": "BVKV-VD", "name": "Bệnh viện Đa khoa khu vực Vân Đồn", "short": "BVĐKKV Vân Đồn", "kind": "specialty_hospital", "under_syt_2023": False, "staff": 320, "members": 133},
    {"code": "BVLP", "name": "Bệnh viện Lao và Phổi tỉnh Quảng Ninh", "short": "BV Lao và Phổi", "kind": "specialty_hospital", "under_syt_2023": True, "staff": 170, "members": 62},
    {"code": "BVYDCT", "name": "Bệnh viện Y dược cổ truyền tỉnh Quảng Ninh", "short": "BV YDCT", "kind": "specialty_hospital", "under_syt_2023": True, "staff": 160, "members": 58},
    {"code": "BVPHCN", "name": "Bệnh viện Phục hồi chức năng tỉnh Quảng Ninh", "short": "BV PHCN", "kind": "specialty_hospital", "under_syt_2023": True, "staff": 110, "members": 40},
    {"code": "BVSKTT", "name": "Bệnh viện Bảo vệ sức khỏe tâm thần tỉnh Quảng Ninh", "short": "BV BVSKTT", "kind": "specialty_hospital", "under_syt_2023": True, "staff": 120, "members": 43},
    {"code": "BVMAT", "name": "Bệnh viện Mắt tỉnh Quảng Ninh", "short": "BV Mắt", "kind": "specialty_hospital", "under_syt_2023": True, "staff": 80, "members": 29},
    {"code": "CDC", "name": "Trung tâm Kiểm soát bệnh tật tỉnh Quảng Ninh", "short": "CDC Quảng Ninh", "kind": "centre", "under_syt_2023": True, "staff": 190, "members": 69},
    {"code": "TTKN", "name": "Trung tâm Kiểm nghiệm tỉnh Quảng Ninh", "short": "TT Kiểm nghiệm", "kind": "centre", "under_syt_2023": True, "staff": 45, "members": 16},
    {"code": "TTGDYK", "name": "Trung tâm Giám định y khoa tỉnh Quảng Ninh", "short": "TT Giám định y khoa", "kind": "centre", "under_syt_2023": True, "staff": 25, "members": 9},
    {"code": "TTPY", "name": "Trung tâm Pháp y tỉnh Quảng Ninh", "short": "TT Pháp y", "kind": "centre", "under_syt_2023": True, "staff": 20, "members": 7},
    {"code": "TTCC115", "name": "Trung tâm Cấp cứu 115 tỉnh Quảng Ninh", "short": "TT Cấp cứu 115", "kind": "centre", "under_syt_2023": True, "staff": 70, "members": 25},
    {"code": "CDYT", "name": "Trường Cao đẳng Y tế Quảng Ninh", "short": "CĐ Y tế", "kind": "school", "under_syt_2023": True, "staff": 110, "members": 40},
]
