"""The roster corpus: rosters kept the way Vietnamese hospital personnel offices keep them must import.

tests/corpus/manifest.json describes a fictional "Bệnh viện Đa khoa tỉnh" (party committee BVDKT, its cells and
its departments as the register holds them) and, for every file under tests/corpus/files/, what importing it
must give: how many people, who (name as stored, birth date, gender, department, catalogue codes, CCCD …), which
rows are not people (hidden rows of people who left, group rows, totals, signature footers). The files are
committed test data made by tests/corpus/make_corpus.py; the tests only read them.

What the command line must do (the API these tests define):
- `ketnap import staff|members FILE --org BVDKT` exits 0 on every file of the corpus, whatever its format
  (.xlsx, .xls, .ods, CSV in UTF-8 with or without BOM, with "," ";" or tab, Windows-1258, UTF-16 "Unicode
  Text"), and prints "thêm mới N" (N people created), as today.
- hidden rows are not imported; the output says how many were skipped: "N dòng bị ẩn" (or "N dòng ẩn").
  Hidden columns are not read.
- a value no rule can place (manifest "value_mappings") makes the first run exit 1 with, on stderr, each such
  value named ONCE, on one line with its number of rows ("3 dòng") and the row numbers; nothing is written.
  `--map-value "<column label>:<value in the file>=<target>"` (repeatable; label = ketnap's column label, e.g.
  "Khoa/phòng"; target = a unit code or name, or a catalogue entry name or code) saves the mapping for the
  organisation and the run exits 0; later runs need no option.
- importing the same file again creates nobody.
"""

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from ketnap.registry.enums import Gender, MembershipStatus, OrgKind
from ketnap.registry.models import Person
from tests import factories as f
from tests.replay import replayed
from tests.test_imports import run

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = MANIFEST["files"]
ORG = MANIFEST["hospital"]["base"]["code"]
UNIT_CELL = {u["code"]: u["cell"] for u in MANIFEST["hospital"]["units"]}
GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE}
CODE_FIELDS = ("profession", "professional_level", "political_theory", "employment_type")
PERSON_DATES = ("birth_date", "joined_unit_on")
PERSON_TEXT = ("citizen_id", "staff_code", "phone")
MEMBERSHIP_DATES = ("decision_date", "ceremony_date", "official_date")


@replayed
def build_hospital():
    """The hospital of the manifest: province → upper committee → BVDKT → cells; the hospital unit and its
    departments, each covered by its cell (as tests/conftest.py's `world` does)."""
    h = MANIFEST["hospital"]
    province = f.org(h["province"]["code"], h["province"]["name"], OrgKind.PROVINCE)
    upper = f.org(h["upper"]["code"], h["upper"]["name"], OrgKind.UPPER, province)
    base = f.org(h["base"]["code"], h["base"]["name"], OrgKind.BASE_COMMITTEE, upper)
    cells = {c["code"]: f.org(c["code"], c["name"], OrgKind.CELL, base) for c in h["cells"]}
    root = f.unit(h["unit"]["code"], h["unit"]["name"])
    units = {u["code"]: f.unit(u["code"], u["name"], root, covered_by=cells[u["cell"]]) for u in h["units"]}
    return SimpleNamespace(base=base, cells=cells, root=root, units=units)


@pytest.fixture
def hospital(db):
    return build_hospital()


def copied(entry, tmp_path) -> Path:
    source = CORPUS / entry["file"]
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def map_options(entry) -> list[str]:
    return [f"--map-value={m['column']}:{m['value']}={m['to']}" for m in entry.get("value_mappings", [])]


def split(full_name: str) -> dict:
    words = full_name.split()
    return {"family_name": words[0], "middle_name": " ".join(words[1:-1]), "given_name": words[-1]}


def mismatches(entry) -> list[str]:
    """Every expected value the database does not hold, as readable lines."""
    problems = []
    members = entry["kind"] == "members"
    for name, wanted in entry["expect"]["people"].items():
        found = list(Person.objects.filter(**split(name)))
        if len(found) != 1:
            problems.append(f"{name}: {len(found)} người mang tên này (cần đúng 1)")
            continue
        person = found[0]
        got: dict = {}
        for key in wanted:
            if key in PERSON_DATES:
                value = getattr(person, key)
                got[key] = value.isoformat() if value else None
            elif key == "gender":
                got[key] = {v: k for k, v in GENDERS.items()}.get(person.gender, person.gender)
            elif key == "unit":
                got[key] = person.work_unit.code
            elif key in CODE_FIELDS:
                item = getattr(person, key)
                got[key] = item.code if item else None
            elif key in PERSON_TEXT:
                got[key] = getattr(person, key) or None
            elif key == "youth_union_member":
                got[key] = person.youth_union_member
        membership = person.memberships.filter(status__in=MembershipStatus.active()).first()
        if members:
            if membership is None:
                problems.append(f"{name}: không có tư cách đảng viên")
            else:
                for key in wanted:
                    if key == "cell":
                        got[key] = membership.organization.code
                    elif key == "status":
                        got[key] = membership.status
                    elif key in MEMBERSHIP_DATES:
                        value = getattr(membership, key)
                        got[key] = value.isoformat() if value else None
                    elif key == "card_number":
                        got[key] = membership.card_number or None
        # the person belongs to the cell of their membership, else to the cell covering their department
        cell = wanted.get("cell") if members else UNIT_CELL.get(wanted.get("unit"))
        if cell and person.organization.code != cell:
            problems.append(f"{name}: organization = {person.organization.code!r}, cần {cell!r}")
        for key, value in wanted.items():
            if key in got and got[key] != value:
                problems.append(f"{name}: {key} = {got[key]!r}, cần {value!r}")
    return problems


def unmapped_line(err: str, value: str) -> str:
    lines = [line for line in err.splitlines() if value in line]
    return lines[0] if lines else ""


def hidden_rows_skipped(out: str) -> int:
    """How many hidden rows the output says it skipped (0 when it says none)."""
    found = re.search(r"\b(\d+) dòng (?:bị )?ẩn", out)
    return int(found[1]) if found else 0


def assert_imported(entry, code, out, err) -> None:
    """The run ended well and the register holds what the manifest expects of the file."""
    expect = entry["expect"]
    assert code == 0, f"{entry['file']} ({', '.join(entry['traits'])}) không nhập được:\n{out}\n{err}"
    assert re.search(rf"thêm mới {expect['created']}\b", out), out
    assert Person.objects.count() == expect["rows"]
    assert hidden_rows_skipped(out) == expect.get("hidden_rows_skipped", 0), out
    imported = [name for name in expect.get("absent", []) if Person.objects.filter(**split(name)).exists()]
    assert imported == [], "không được nhập (dòng ẩn / chữ ký)"
    problems = mismatches(entry)
    assert not problems, "\n".join(problems)


# a file with values no rule can place is imported in two runs (below); every other file in one
MAPPED = [e for e in ENTRIES if e.get("value_mappings")]
PLAIN = [e for e in ENTRIES if not e.get("value_mappings")]


@pytest.mark.parametrize("entry", PLAIN, ids=[Path(e["file"]).stem for e in PLAIN])
def test_corpus_file_imports(hospital, entry, tmp_path):
    code, out, err = run(entry["kind"], copied(entry, tmp_path), "--org", ORG)
    assert_imported(entry, code, out, err)


@pytest.mark.parametrize("entry", MAPPED, ids=[Path(e["file"]).stem for e in MAPPED])
def test_corpus_file_asks_how_to_read_the_values_no_rule_places_then_imports(hospital, entry, tmp_path):
    path = copied(entry, tmp_path)
    code, out, err = run(entry["kind"], path, "--org", ORG)
    assert code == 1, f"cần dừng lại hỏi cách hiểu giá trị lạ\n{out}\n{err}"
    assert Person.objects.count() == 0, "lần đầu không được ghi gì"
    for mapping in entry["value_mappings"]:
        value = mapping["value"]
        assert err.count(value) == 1, f"{value!r} phải được nêu đúng một lần:\n{err}"
        line = unmapped_line(err, value)
        assert re.search(rf"\b{mapping['count']} dòng", line), f"thiếu số dòng ({mapping['count']}): {line}"
        assert [row for row in mapping["rows"] if not re.search(rf"\b{row}\b", line)] == [], f"thiếu dòng: {line}"
    code, out, err = run(entry["kind"], path, "--org", ORG, *map_options(entry))
    assert_imported(entry, code, out, err)


@pytest.mark.parametrize("entry", ENTRIES, ids=[Path(e["file"]).stem for e in ENTRIES])
def test_corpus_file_reimport_creates_nobody(hospital, entry, tmp_path):
    path = copied(entry, tmp_path)
    code, out, err = run(entry["kind"], path, "--org", ORG, *map_options(entry))
    assert code == 0, f"{out}\n{err}"
    before = Person.objects.count()
    # the second run has no --map-value: a mapping given once is kept for the organisation
    code, out, err = run(entry["kind"], path, "--org", ORG)
    assert code == 0, f"lần nhập thứ hai:\n{out}\n{err}"
    assert re.search(r"thêm mới 0\b", out), out
    assert Person.objects.count() == before == entry["expect"]["rows"]


# --- the corpus itself (these hold today: they check the test data, not the import) -------------------------------
REQUIRED_TRAITS = {
    "title_block", "stt_column", "column_number_row", "two_row_header", "merged_header", "totals_row",
    "signature_footer", "gender_x_column", "gender_by_birth_column", "party_member_x", "youth_union_x",
    "grouped_by_department", "notes_column", "unit_spelling_variants", "unit_abbreviations", "unit_upper_case",
    "unit_spacing_case", "unit_dash_variants", "profession_titles", "level_abbreviations", "excel_dates",
    "dates_text_dmy", "dates_d_m_yyyy", "dates_dash", "dates_dot", "dates_two_digit_year", "year_only_text",
    "year_only_number", "names_upper_case", "names_double_spaces", "names_nbsp", "cccd_number_lost_zero",
    "cccd_spaces", "format_xlsx", "format_xls", "format_ods", "csv_utf8_bom", "csv_utf8_no_bom", "csv_semicolon",
    "csv_tab", "csv_cp1258", "utf16_unicode_text", "utf16_renamed_csv", "roster_on_second_sheet", "hidden_rows",
    "hidden_columns", "hr_export_headings", "members_roster", "needs_value_mapping",
}  # fmt: skip


def test_corpus_covers_every_trait_with_small_files():
    assert len(ENTRIES) >= 18
    seen = {trait for entry in ENTRIES for trait in entry["traits"]}
    assert REQUIRED_TRAITS <= seen, REQUIRED_TRAITS - seen
    for entry in ENTRIES:
        path = CORPUS / entry["file"]
        assert path.is_file(), path
        assert path.stat().st_size < 64 * 1024, path
        assert 3 <= len(entry["expect"]["people"]) <= 5
        assert entry["expect"]["rows"] <= 150


def test_corpus_expectations_use_catalogue_codes_and_units():
    catalogue = json.loads(
        (Path(__file__).parents[1] / "src/ketnap/registry/data/codelists.json").read_text(encoding="utf-8")
    )["lists"]
    codes = {kind: {i["code"] for i in catalogue[kind]["items"]} for kind in CODE_FIELDS}
    names = {kind: {i["name"] for i in catalogue[kind]["items"]} for kind in CODE_FIELDS}
    units = {u["code"] for u in MANIFEST["hospital"]["units"]}
    cells = {c["code"] for c in MANIFEST["hospital"]["cells"]}
    for entry in ENTRIES:
        for name, wanted in entry["expect"]["people"].items():
            assert len(name.split()) >= 2 and name == " ".join(w[:1].upper() + w[1:] for w in name.split())
            for kind in CODE_FIELDS:
                if kind in wanted:
                    assert wanted[kind] in codes[kind], (entry["file"], name, kind, wanted[kind])
            assert wanted.get("unit", "K-NOITH") in units
            assert wanted.get("cell", "BVDKT-NOI") in cells
            if "citizen_id" in wanted:
                assert re.fullmatch(r"\d{12}", wanted["citizen_id"])
        for mapping in entry.get("value_mappings", []):
            assert mapping["to"] in units | names["profession"], mapping


def test_corpus_text_files_are_in_the_encodings_they_claim():
    by_trait = {t: [CORPUS / e["file"] for e in ENTRIES if t in e["traits"]] for t in REQUIRED_TRAITS}
    for path in by_trait["csv_cp1258"]:
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert "\u0301" in data.decode("cp1258") or "\u0300" in data.decode("cp1258")  # tones stay combining
    for path in by_trait["utf16_unicode_text"] + by_trait["utf16_renamed_csv"]:
        assert path.read_bytes()[:2] == b"\xff\xfe"
    for path in by_trait["csv_utf8_bom"]:
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    for path in by_trait["csv_utf8_no_bom"]:
        assert path.read_bytes()[:3] != b"\xef\xbb\xbf"
        path.read_bytes().decode("utf-8")
    for path in by_trait["format_xls"]:
        assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
