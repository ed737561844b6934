"""Reference data for the demo generator beyond data.py, read from tables/catalogue.toml: localities, departments of
each kind of unit, how departments are grouped into chi bộ, and the mix of professions in each kind of department.

Pure data and small pure helpers, no Django. Everything here is invented but plausible for Quảng Ninh.
"""

import re

from ketnap.demo.tables import Tables

_TABLE = Tables("catalogue.toml")
LOCALITIES = _TABLE.get("LOCALITIES", dict[str, tuple[str, str, str]])
LOCALITY_OVERRIDES = _TABLE.get("LOCALITY_OVERRIDES", dict[str, str])
HIGHLAND = _TABLE.get("HIGHLAND", set[str])
STATIONS = _TABLE.get("STATIONS", dict[str, list[str]])
BOARD = _TABLE.get("BOARD", tuple[str, str, str])
SCHOOL_BOARD = _TABLE.get("SCHOOL_BOARD", tuple[str, str, str])
SPECIALTY_DEPARTMENTS = _TABLE.get("SPECIALTY_DEPARTMENTS", dict[str, tuple[list[str], list[tuple[str, str, str]]]])
CENTRE_DEPARTMENTS = _TABLE.get("CENTRE_DEPARTMENTS", dict[str, list[tuple[str, str, str]]])
SMALL_CENTRE_CODES = _TABLE.get("SMALL_CENTRE_CODES", list[str])
GENERAL_HOSPITAL_CELLS = _TABLE.get("GENERAL_HOSPITAL_CELLS", list[tuple[str, str, list[str]]])
GENERAL_HOSPITAL_SPLIT = _TABLE.get("GENERAL_HOSPITAL_SPLIT", tuple[str, list[tuple[str, str, list[str]]]])
GENERAL_HOSPITAL_MERGE = _TABLE.get("GENERAL_HOSPITAL_MERGE", tuple[list[str], tuple[str, str]])
DONG_TRIEU_CELLS = _TABLE.get("DONG_TRIEU_CELLS", list[tuple[str, str, list[str]]])
FAMILIES = _TABLE.get("FAMILIES", dict[str, tuple[int, str, str]])
FAMILY_OF = _TABLE.get("FAMILY_OF", dict[str, str])
PARACLINICAL = _TABLE.get("PARACLINICAL", set[str])
BIG_CLINICAL = _TABLE.get("BIG_CLINICAL", set[str])
SMALL_CLINICAL = _TABLE.get("SMALL_CLINICAL", set[str])
MAIN_SPECIALTY = _TABLE.get("MAIN_SPECIALTY", dict[str, set[str]])
PROFESSION_MIX = _TABLE.get("PROFESSION_MIX", dict[str, dict[str, int]])
HEAD_PROFESSION = _TABLE.get("HEAD_PROFESSION", dict[str, str])
STAFF_TITLE = _TABLE.get("STAFF_TITLE", dict[str, str])
FEMALE_SHARE = _TABLE.get("FEMALE_SHARE", dict[str, float])
LEVELS = _TABLE.get("LEVELS", dict[str, dict[str, int]])
LEVEL_MIN_AGE = _TABLE.get("LEVEL_MIN_AGE", dict[str, int])
PROFESSION_MIN_AGE = _TABLE.get("PROFESSION_MIN_AGE", dict[str, int])
EXTERNAL_PARTIES_BEFORE = _TABLE.get("EXTERNAL_PARTIES_BEFORE", list[str])
EXTERNAL_PARTIES_AFTER = _TABLE.get("EXTERNAL_PARTIES_AFTER", list[str])
RESIDENCE_WARDS = _TABLE.get("RESIDENCE_WARDS", list[str])


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
