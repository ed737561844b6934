"""The official code lists arrive with the migrations (registry/data/codelists.json)."""

import importlib
import re

import pytest

from ketnap.registry import codelists
from ketnap.registry.models import CodeItem
from ketnap.vietnamese import fold


def test_code_lists_are_loaded_by_the_migrations(db):
    counts = {kind: CodeItem.objects.filter(kind=kind, active=True).count() for kind in codelists.read()["lists"]}
    assert counts["ethnicity"] == 54  # QĐ 121-TCTK/PPCĐ (1979)
    assert CodeItem.objects.get(kind="ethnicity", code="01").name == "Kinh"
    assert counts["religion"] >= 17 and CodeItem.objects.filter(kind="religion", code="00", name="Không").exists()
    assert {"Trung học cơ sở", "Trung học phổ thông"} <= set(
        CodeItem.objects.filter(kind="general_education").values_list("name", flat=True)
    )
    assert CodeItem.objects.get(kind="professional_level", code="bs_ckii").stat_group == "tien_si"


def test_a_new_version_deactivates_vanished_entries_without_deleting(db):
    data = codelists.read()
    data["version"] = "2027.1"
    data["lists"]["academic_title"]["items"] = data["lists"]["academic_title"]["items"][:1]
    codelists.load(CodeItem, data)
    titles = CodeItem.objects.filter(kind="academic_title")
    assert titles.count() == 2 and titles.filter(active=True).count() == 1
    assert set(titles.filter(active=True).values_list("list_version", flat=True)) == {"2027.1"}


# --- 2026.2: what hospitals write resolves to one code ---------------------------------------------------------

# Job titles as rosters write them → profession code (after strip_grade, inside resolve()).
# Sources: TTLT 10/2015/TTLT-BYT-BNV (bác sĩ V.08.01.01–03, bác sĩ y học dự phòng V.08.02.04–06, y sĩ V.08.03.07),
# amended by TT 03/2022/TT-BYT; TTLT 26/2015/TTLT-BYT-BNV (điều dưỡng V.08.05.11–13, hộ sinh V.08.06.14–16,
# kỹ thuật y V.08.07.17–19); TTLT 27/2015/TTLT-BYT-BNV (dược V.08.08.20–23); TT 02/2021/TT-BNV (chuyên viên
# 01.001–01.003, cán sự 01.004, nhân viên 01.005, văn thư 02.006–02.008); kế toán viên 06.029–06.032 and thủ quỹ
# 06.035 (Ministry of Finance ngạch); the "source" fields of codelists.json say which of these were confirmed.
PROFESSIONS = {
    "Bác sĩ hạng III": "bac_si",  # V.08.01.03
    "Bác sĩ chính": "bac_si",  # bác sĩ chính (hạng II) V.08.01.02
    "Bác sĩ cao cấp": "bac_si",  # hạng I V.08.01.01
    "Bác sĩ chính hạng II": "bac_si",
    "Bác sỹ (Hạng 3)": "bac_si",
    "BS": "bac_si",
    "Bác sĩ y học dự phòng": "bac_si_yhdp",  # V.08.02.04–06
    "Điều dưỡng hạng IV": "dieu_duong",  # V.08.05.13
    "ĐD": "dieu_duong",
    "CNĐD": "dieu_duong",  # cử nhân điều dưỡng
    "Điều dưỡng trung học": "dieu_duong",
    "Y tá": "dieu_duong",  # the old name (ngạch 16.120–16.122)
    "Dược sĩ": "duoc_si",  # V.08.08.22
    "DS": "duoc_si",
    "Dược sĩ cao cấp": "duoc_si",  # hạng I V.08.08.20
    "Dược sĩ trung học": "duoc_trung_cao",  # dược hạng IV V.08.08.23
    "Dược sỹ trung học": "duoc_trung_cao",
    "Dược hạng IV": "duoc_trung_cao",
    "Nữ hộ sinh": "ho_sinh",  # hộ sinh V.08.06.14–16
    "Kỹ thuật viên": "ky_thuat_y",  # kỹ thuật y V.08.07.17–19
    "KTV": "ky_thuat_y",
    "Kỹ thuật viên xét nghiệm": "ky_thuat_y",
    "Kĩ thuật viên chính": "ky_thuat_y",
    "Y sĩ": "y_si",  # V.08.03.07
    "Y sỹ hạng IV": "y_si",
    "Chuyên viên": "chuyen_vien",  # 01.003
    "Chuyên viên chính": "chuyen_vien",  # 01.002
    "Cán sự": "can_su",  # 01.004
    "Nhân viên": "nhan_vien",  # 01.005
    "Kế toán viên": "ke_toan",  # 06.031
    "Thủ quỹ": "thu_quy",  # 06.035
    "Văn thư": "hanh_chinh",  # 02.007
    "Hành chính": "hanh_chinh",  # "chính" here is no grade
    "Hộ lý": "ho_ly",
    "Bảo vệ": "bao_ve",
    "Lái xe": "lai_xe",
    "Kỹ sư": "ky_su",
    "V.08.05.12": "dieu_duong",  # an official title code written instead of the title
}

# Qualification levels → professional_level code. Quyết định 1982/QĐ-TTg (18/10/2016, Khung trình độ quốc gia):
# bậc 1–3 sơ cấp I–III, 4 trung cấp, 5 cao đẳng, 6 đại học, 7 thạc sĩ, 8 tiến sĩ; chuyên khoa cấp I, II and bác sĩ
# nội trú are the Ministry of Health's post-graduate trainings (outside the 8 levels; stat_group is ketnap's).
LEVELS = {
    "Chuyên khoa I": "bs_cki",
    "Chuyên khoa cấp I": "bs_cki",
    "CK I": "bs_cki",
    "BSCKI": "bs_cki",
    "CKII": "bs_ckii",
    "CK2": "bs_ckii",
    "BSNT": "bs_noi_tru",
    "Bác sĩ nội trú": "bs_noi_tru",
    "ThS": "thac_si",
    "Th.S": "thac_si",
    "Thạc sỹ": "thac_si",
    "ThS.BS": "thac_si",
    "TS": "tien_si",
    "Tiến sỹ": "tien_si",
    "Sơ cấp": "so_cap",
    "SC": "so_cap",
    "Trung cấp": "trung_cap",
    "TC": "trung_cap",
    "Cao đẳng": "cao_dang",
    "CĐ": "cao_dang",
    "Đại học": "dai_hoc",
    "ĐH": "dai_hoc",
}

# General education as lý lịch write it, "grade reached / years of the system" (ketnap's reading, see the source).
GENERAL_EDUCATION = {"12/12": "thpt", "10/10": "thpt", "9/12": "thcs", "THCS": "thcs", "Tiểu học": "tieu_hoc"}

POLITICAL_THEORY = {"Trung cấp LLCT": "trung_cap", "Cao cấp chính trị": "cao_cap", "Sơ cấp": "so_cap"}

# Every code referenced by src/ (stats, rules, demo) and tests/ before 2026.2: never removed nor renamed.
EXISTING_CODES = {
    "profession": {
        "bac_si",
        "y_si",
        "dieu_duong",
        "ho_sinh",
        "ky_thuat_y",
        "duoc_si",
        "duoc_trung_cao",
        "y_te_cong_cong",
        "dinh_duong",
        "dan_so",
        "cong_tac_xa_hoi",
        "ho_ly",
        "ke_toan",
        "hanh_chinh",
        "cntt",
        "ky_su_tbyt",
        "lai_xe",
        "bao_ve",
        "khac",
    },
    "professional_level": {
        "chua_dao_tao",
        "so_cap",
        "trung_cap",
        "cao_dang",
        "dai_hoc",
        "thac_si",
        "bs_cki",
        "bs_noi_tru",
        "bs_ckii",
        "tien_si",
    },
    "general_education": {"none", "biet_doc_viet", "tieu_hoc", "thcs", "thpt"},
    "political_theory": {"none", "so_cap", "trung_cap", "cao_cap", "cu_nhan"},
    "employment_type": {"vien_chuc", "cong_chuc", "hdld_khong_xac_dinh", "hdld_xac_dinh", "hd_nd111", "khac"},
    "academic_title": {"pgs", "gs"},
}
STAT_GROUPS = {  # stats/bieu.py LEVEL_GROUPS and UNIVERSITY_AND_ABOVE read these
    "chua_dao_tao": "none", "so_cap": "so_cap", "trung_cap": "trung_cap", "cao_dang": "cao_dang",
    "dai_hoc": "dai_hoc", "thac_si": "thac_si", "bs_cki": "thac_si", "bs_noi_tru": "thac_si",
    "bs_ckii": "tien_si", "tien_si": "tien_si",
}  # fmt: skip


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("profession", PROFESSIONS),
        ("professional_level", LEVELS),
        ("general_education", GENERAL_EDUCATION),
        ("political_theory", POLITICAL_THEORY),
    ],
)
def test_what_hospitals_write_resolves_to_exactly_one_code(kind, expected):
    got = {text: codelists.resolve(kind, text) for text in expected}
    assert got == expected


def test_grades_are_stripped_only_from_the_end_and_only_into_a_known_title():
    assert codelists.strip_grade("Điều dưỡng (hạng IV)") == "Điều dưỡng"
    assert codelists.strip_grade("Chuyên viên chính") == "Chuyên viên"
    assert codelists.strip_grade("Bác sĩ chính hạng II") == "Bác sĩ"
    assert codelists.strip_grade("Hành chính") == "Hành chính"  # a title of its own
    assert codelists.strip_grade("Tài chính") == "Tài chính"  # "Tài" is no title: quote the roster as written
    assert codelists.strip_grade("hạng III") == "hạng III"
    assert {"hạng I", "hạng IV", "chính", "cao cấp", "hạng 3"} <= set(codelists.grade_suffixes())


def test_match_key_folds_spelling_variants():
    assert codelists.match_key("Thạc sỹ") == codelists.match_key("Thạc sĩ") == "thac si"
    assert codelists.match_key("Kĩ thuật viên") == codelists.match_key("KỸ THUẬT VIÊN") == "ki thuat vien"
    assert codelists.match_key("Y sĩ") == "y si"  # a lone vowel "y" stays
    assert codelists.match_key("ThS. BS") == codelists.match_key("ThS.BS") == "ths bs"
    assert codelists.resolve("profession", "Giáo viên hạng III") is None


@pytest.mark.parametrize("kind", list(codelists.read()["lists"]))
def test_names_aliases_and_official_codes_are_unambiguous_within_a_list(kind):
    owners: dict[str, set[str]] = {}
    for item in codelists.read()["lists"][kind]["items"]:
        for text in codelists.lookup_keys(item):
            for key in {fold(text), codelists.match_key(text)}:
                owners.setdefault(key, set()).add(item["code"])
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}
    assert len(codelists.lookup_table(kind)) == len(owners)


@pytest.mark.parametrize("kind", list(codelists.read()["lists"]))
def test_names_and_aliases_stay_apart_without_their_parenthesised_remarks(kind):
    """The roster import drops "(…)" remarks before matching: "Kỹ sư (thiết bị y tế)" would read "Kỹ sư"."""
    owners: dict[str, set[str]] = {}
    for item in codelists.read()["lists"][kind]["items"]:
        for text in (item["name"], *item.get("aliases", [])):
            owners.setdefault(codelists.match_key(re.sub(r"\([^)]*\)", " ", text)), set()).add(item["code"])
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}


def test_every_existing_code_is_kept_with_its_statistics_group():
    lists = codelists.read()["lists"]
    for kind, codes in EXISTING_CODES.items():
        assert codes <= {item["code"] for item in lists[kind]["items"]}, kind
    groups = {item["code"]: item.get("stat_group") for item in lists["professional_level"]["items"]}
    assert groups == STAT_GROUPS
    assert set(codelists.aliases("profession")) == {item["code"] for item in lists["profession"]["items"]}
    assert codelists.official_codes("profession")["bac_si"] == {
        "hạng I": "V.08.01.01",
        "hạng II": "V.08.01.02",
        "hạng III": "V.08.01.03",
    }


def test_every_list_says_where_it_comes_from():
    data = codelists.read()
    assert data["version"] == "2026.2"
    assert all(block.get("source") for block in data["lists"].values())


NEW_PROFESSIONS = {"bac_si_yhdp", "thu_quy", "chuyen_vien", "can_su", "nhan_vien", "ky_su"}


def test_the_2026_2_migration_loads_the_new_items(db):
    rows = CodeItem.objects.filter(kind="profession", code__in=NEW_PROFESSIONS, active=True)
    assert set(rows.values_list("code", flat=True)) == NEW_PROFESSIONS
    assert set(CodeItem.objects.filter(kind="profession").values_list("list_version", flat=True)) == {"2026.2"}
    assert CodeItem.objects.get(kind="professional_level", code="bs_cki").name.startswith("Chuyên khoa cấp I")

    # the migration itself: rerun on an older state, it brings the items back and ignores the file's extra keys
    CodeItem.objects.filter(kind="profession", code__in=NEW_PROFESSIONS).delete()
    migration = importlib.import_module("ketnap.registry.migrations.0005_codelists_2026_2")

    class Apps:
        @staticmethod
        def get_model(app, model):
            assert (app, model) == ("registry", "CodeItem")
            return CodeItem

    migration.load(Apps, None)
    assert CodeItem.objects.filter(kind="profession", code__in=NEW_PROFESSIONS, active=True).count() == 6
