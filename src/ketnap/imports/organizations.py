"""Importing the party organisation tree: codes, names, kinds, parents, admission powers, and the units and
departments (khoa/phòng) each organisation covers. `ketnap import organizations FILE [--dry-run]`.

The same guarantees as the roster import (engine.py): the whole file is checked first against itself and the
database, every error is listed by row and column in Vietnamese, and only a file without errors is written,
in ONE transaction, through the registry services (so paths, versions and the audit trail are right).
Re-importing the same file changes nothing.

Policies (said in the report when they apply):
- An organisation already in ketnap (same code) is never restructured by a file: a different parent, kind,
  name, founding date or admission power is refused, because a move, a rename or a change of powers is a dated
  event with its own screen and papers. Names equal up to case and diacritics count as the same name (the
  registered name is kept). An empty cell leaves the registered value alone.
- What a file may add to an existing organisation: the unit it serves (if nobody covers that unit yet) and
  departments for a chi bộ (if no other organisation covers them), both from the day of the import.
- Ngày thành lập left empty: the founding date of the parent row of the file (a whole tree typed at once is
  recorded from one date); for an organisation placed under one already in ketnap, or at the top, the day of
  the import.
- Loại left empty is inferred from the name only when unambiguous ("Đảng bộ bộ phận …", "Chi bộ cơ sở …",
  "Chi bộ …" under a đảng bộ cơ sở or đảng bộ bộ phận, "Đảng bộ …" under a đảng bộ cơ sở …); "Chi bộ" written as
  Loại is a chi bộ trực thuộc under a đảng bộ cơ sở or bộ phận and a chi bộ cơ sở under a higher committee.
- Đơn vị sự nghiệp (the hospital a base organisation serves) is found by code or name and created when a name
  matches nothing; the organisation covers it (its staff outside the chi bộ's departments belong to it).
  Khoa/phòng are found among the departments of that unit by code or by name (case, diacritics, "Khoa"/"K.",
  "Phòng"/"P." and dash kinds do not matter) and created under it when absent.
"""

import datetime as dt
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from ketnap.audit.context import acting
from ketnap.imports import cells, matching
from ketnap.imports.columns import Column, heading_key
from ketnap.imports.engine import Report, RowError, authorize_import, record_import
from ketnap.imports.layout import HEADER_SEARCH_ROWS, Classifier, Header, find_header
from ketnap.imports.reader import ImportFileError, Roster, file_sha256
from ketnap.registry.enums import OrgKind, UnitKind
from ketnap.registry.models import Organization, UnitCoverage, WorkUnit
from ketnap.registry.services import organizations as org_services
from ketnap.registry.services import units as unit_services
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.vietnamese import fold

CODE_MAX = 32
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

COLUMNS = [
    Column("code", "Mã", "code", ("Mã tổ chức", "Mã tổ chức đảng", "Mã TCĐ", "Mã số"), max_length=32),
    Column(
        "name",
        "Tên tổ chức",
        "text",
        ("Tên", "Tên tổ chức đảng", "Tên TCĐ", "Tổ chức đảng", "Tên đảng bộ, chi bộ", "Tên chi bộ, đảng bộ"),
        max_length=255,
    ),
    Column("kind", "Loại", "kind", ("Loại tổ chức", "Loại tổ chức đảng", "Loại hình", "Loại hình tổ chức", "Cấp")),
    Column(
        "parent",
        "Mã cấp trên",
        "ref",
        (
            "Mã tổ chức cấp trên",
            "Mã cấp trên trực tiếp",
            "Mã cấp ủy cấp trên",
            "Cấp trên",
            "Cấp trên trực tiếp",
            "Trực thuộc",
            "Mã trực thuộc",
        ),
    ),
    Column(
        "established_on", "Ngày thành lập", "date", ("Ngày thành lập tổ chức", "Thành lập ngày", "Ngày QĐ thành lập")
    ),
    Column(
        "authorised_to_admit",
        "Được ủy quyền kết nạp",
        "bool",
        ("Ủy quyền kết nạp", "Được ủy quyền kết nạp đảng viên", "Đảng ủy được ủy quyền kết nạp"),
    ),
    Column(
        "above_base_powers",
        "Giao quyền cấp trên cơ sở",
        "bool",
        ("Được giao quyền cấp trên cơ sở", "Quyền cấp trên cơ sở", "Giao quyền CTCS"),
    ),
    Column(
        "competent_org",
        "Cấp ủy quyết định kết nạp",
        "ref",
        (
            "Mã cấp ủy quyết định kết nạp",
            "Cấp ủy có thẩm quyền",
            "Cấp ủy có thẩm quyền quyết định kết nạp",
            "Cấp ủy có thẩm quyền kết nạp",
        ),
    ),
    Column(
        "unit",
        "Đơn vị sự nghiệp",
        "unit",
        ("Đơn vị", "Đơn vị phục vụ", "Đơn vị sự nghiệp y tế", "Bệnh viện", "Bệnh viện, trung tâm", "Cơ quan, đơn vị"),
    ),
    Column(
        "departments",
        "Khoa/phòng",
        "departments",
        (
            "Khoa phòng",
            "Các khoa phòng",
            "Khoa/phòng phụ trách",
            "Phụ trách khoa/phòng",
            "Khoa, phòng",
            "Khoa/Phòng/Trạm",
        ),
    ),
]
REQUIRED = {"code": "Mã", "name": "Tên tổ chức", "parent": "Mã cấp trên"}

# "Loại" as people write it (folded, punctuation dropped), besides the OrgKind labels and values.
KIND_WORDS: dict[str, str | None] = {
    "dang bo tinh": OrgKind.PROVINCE,
    "tinh uy": OrgKind.PROVINCE,
    "dang bo thanh pho truc thuoc trung uong": OrgKind.PROVINCE,
    "dbt": OrgKind.PROVINCE,
    "tinh": OrgKind.PROVINCE,
    "cap tren co so": OrgKind.UPPER,
    "dang bo cap tren co so": OrgKind.UPPER,
    "dang uy cap tren co so": OrgKind.UPPER,
    "ctcs": OrgKind.UPPER,
    "dang bo co so": OrgKind.BASE_COMMITTEE,
    "dang uy co so": OrgKind.BASE_COMMITTEE,
    "dbcs": OrgKind.BASE_COMMITTEE,
    "chi bo co so": OrgKind.BASE_CELL,
    "cbcs": OrgKind.BASE_CELL,
    "dang bo bo phan": OrgKind.SUB_COMMITTEE,
    "dang uy bo phan": OrgKind.SUB_COMMITTEE,
    "dbbp": OrgKind.SUB_COMMITTEE,
    "chi bo truc thuoc": OrgKind.CELL,
    "chi bo truc thuoc dang uy co so": OrgKind.CELL,
    "chi bo truc thuoc dang bo co so": OrgKind.CELL,
    "chi bo truc thuoc dang uy bo phan": OrgKind.CELL,
    "chi bo truc thuoc dang bo bo phan": OrgKind.CELL,
    "cbtt": OrgKind.CELL,
    "chi bo": None,  # decided by the parent: a chi bộ trực thuộc, or a chi bộ cơ sở under a higher committee
}
for _kind in OrgKind:
    KIND_WORDS.setdefault(heading_key(_kind.label), _kind.value)
    KIND_WORDS.setdefault(_kind.value.replace("_", " "), _kind.value)
KIND_HINT = "; ".join(f"{k.label}" for k in OrgKind)

# Name prefixes that say the kind whatever the parent.
NAME_PREFIXES = [
    ("dang bo bo phan", OrgKind.SUB_COMMITTEE),
    ("dang uy bo phan", OrgKind.SUB_COMMITTEE),
    ("chi bo co so", OrgKind.BASE_CELL),
    ("dang bo co so", OrgKind.BASE_COMMITTEE),
    ("dang bo tinh", OrgKind.PROVINCE),
    ("tinh uy", OrgKind.PROVINCE),
]
DEPT_SPLIT = re.compile(r"[;\n\r]+")


def department_key(text: str) -> str:
    """ "K. Hồi sức – Cấp cứu" → "hoi suc cap cuu" (imports.matching's comparable form, kind-word off)."""
    return matching.without_prefix(matching.key(text))


def department_name(text: str) -> str:
    """A department's name as it will be created: "K. Nội" → "Khoa Nội", "P.KHTH" → "Phòng KHTH"."""
    name = " ".join(text.split())
    for short, full in (("K.", "Khoa"), ("k.", "Khoa"), ("P.", "Phòng"), ("p.", "Phòng")):
        if name.startswith(short):
            return f"{full} {name[len(short) :].strip()}"
    return name


def _slug(text: str) -> str:
    words = department_key(text).upper().split()
    slug = "-".join(words)
    if len(slug) > 16:
        slug = "".join(w[0] for w in words)
    return slug or "DV"


def _is_dissolved(org) -> bool:
    return getattr(org, "dissolved_on", None) is not None


# --- the report ---------------------------------------------------------------------------------------------
@dataclass
class OrganizationReport(Report):
    """engine.Report, counting organisations, plus what the tree import adds to units and departments."""

    notes: list[RowError] = field(default_factory=list)  # defaults and inferences applied, per row
    actions: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # (row, action, code, name, detail)
    units_created: int = 0
    departments_created: int = 0
    coverages_created: int = 0

    def note(self, row: int, column: str, message: str) -> None:
        self.notes.append(RowError(row, column, message))

    @classmethod
    def from_json(cls, data: dict) -> "OrganizationReport":
        report = super().from_json(data)
        report.notes = [RowError(**n) if isinstance(n, dict) else n for n in report.notes]
        report.actions = [tuple(a) for a in report.actions]
        return report

    ACTIONS = {"created": "Thêm mới", "updated": "Cập nhật", "unchanged": "Không thay đổi"}

    def lines(self) -> list[str]:
        """The report as the command line prints it: notes, then every organisation, then the summary
        (errors and the file error are printed by the caller, as for rosters)."""
        out = [f"Ghi chú: {note}" for note in self.notes]
        for number, action, code, name, detail in self.actions:
            out.append(f"{self.ACTIONS[action]}: dòng {number}: {name} ({code})" + (f" — {detail}" if detail else ""))
        if self.ok:
            done = "Chạy thử, chưa ghi gì. Nếu nhập thật: " if self.dry_run else ("Đã nhập " if self.written else "")
            out.append(f"{done}{self.summary()}.")
        return out

    def summary(self) -> str:
        text = (
            f"{self.rows} dòng: {self.created} tổ chức thêm mới, {self.updated} tổ chức cập nhật, "
            f"{self.unchanged} tổ chức không thay đổi"
        )
        extra = []
        if self.units_created:
            extra.append(f"{self.units_created} đơn vị sự nghiệp mới")
        if self.departments_created:
            extra.append(f"{self.departments_created} khoa/phòng mới")
        if self.coverages_created:
            extra.append(f"{self.coverages_created} lần giao đơn vị, khoa/phòng cho tổ chức phụ trách")
        return text + (f"; {', '.join(extra)}" if extra else "")


# --- what the file says, and what it will do ---------------------------------------------------------------
@dataclass(eq=False)
class PlannedUnit:
    """A unit or department the import creates (obj is set when it is written)."""

    code: str
    name: str
    kind: str
    parent: "WorkUnit | PlannedUnit | None"
    on: dt.date
    row: int
    obj: WorkUnit | None = None

    @property
    def established_on(self) -> dt.date:
        return self.on


@dataclass(eq=False)
class Row:
    number: int
    code: str = ""
    name: str = ""
    kind: str | None = None
    kind_text: str = ""  # the Loại cell as written ("" when empty)
    parent_ref: str = ""
    established_on: dt.date | None = None
    authorised_to_admit: bool | None = None
    above_base_powers: bool | None = None
    competent_ref: str = ""
    unit_ref: str = ""
    departments: list[str] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # the columns whose cell could not be read
    kind_by_parent: bool = False  # Loại says "Chi bộ": which chi bộ depends on the parent
    existing: Organization | None = None
    parent: "Row | Organization | None" = None
    parent_failed: bool = False
    competent: "Row | Organization | None" = None
    in_cycle: bool = False
    date_from: str = ""  # where a defaulted founding date came from
    unit: "WorkUnit | PlannedUnit | None" = None
    covers: list[tuple["WorkUnit | PlannedUnit", dt.date]] = field(default_factory=list)
    position: int = 0
    obj: Organization | None = None

    @property
    def is_new(self) -> bool:
        return self.existing is None


Progress = Callable[[str, int, int | None], None]
Written = Callable[[OrganizationReport], None]


class OrganizationImporter:
    """`OrganizationImporter(path).run()` → OrganizationReport; nothing is written unless the whole file is right.

    `within`: the organisation a web user manages (scope.can_manage_within); every organisation the file adds
    must lie under it. None on the command line (the server's administrator). `user`: who imports, authorised
    over `within` (engine.authorize_import) and by each service it writes through; SYSTEM on the command line.
    """

    columns = COLUMNS
    kind = "organizations"
    kind_label = "cây tổ chức đảng"

    def __init__(
        self,
        path: Path,
        *,
        name: str = "",
        user=None,
        dry_run: bool = False,
        progress: Progress | None = None,
        within: Organization | None = None,
        on_written: Written | None = None,
    ):
        self.path = Path(path)
        self.name = name or self.path.name
        self.user = user
        self.dry_run = dry_run
        self.progress = progress or (lambda phase, done, total: None)
        self.within = within
        self.on_written = on_written or (lambda report: None)
        self.today = today()
        self.report = OrganizationReport(
            file_name=self.name, organization=within.code if within else "", dry_run=dry_run
        )

    # --- running -----------------------------------------------------------------------------------------
    def run(self) -> OrganizationReport:
        started = time.monotonic()
        report = self.report
        try:
            authorize_import(self.user, self.within)
            roster = Roster(self.path, self.name)
            report.sha256 = file_sha256(self.path)
            rows = self._read(roster)
            self._load_database()
            self._check(rows)
            if report.ok:
                self._plan(rows)
            if report.ok and not self.dry_run:
                self._write(rows)
        except ImportFileError as exc:
            report.file_error = str(exc)
        report.seconds = round(time.monotonic() - started, 2)
        return report

    def _error(self, row: int, field_name: str, message: str) -> None:
        self.report.add_error(row, self._heading(field_name), message)

    def _heading(self, field_name: str) -> str:
        return self.headings.get(field_name) or next((c.label for c in self.columns if c.field == field_name), "")

    # --- reading -----------------------------------------------------------------------------------------
    def _read(self, roster: Roster) -> list[Row]:
        """The rows of the tree, laid out as a printed list may be (imports.layout: title block, one- or two-row
        header, column numbers, totals, signatures, hidden rows all as for the rosters of people)."""
        report = self.report
        stream = roster.rows()
        head = list(itertools.islice(stream, HEADER_SEARCH_ROWS + 2))
        header = find_header(head, self.columns, None, roster.merged)
        self._take_header(header)
        classifier = Classifier(header)
        rows: list[Row] = []
        for number, values in itertools.chain((r for r in head if r[0] > header.last_row), stream):
            kind, _group = classifier.classify(number, values)
            if kind != "data" or all(cells.is_empty(values[i]) for i in self.found if i < len(values)):
                continue  # not an organisation (a group heading, totals, signatures), or an STT alone
            report.rows += 1
            rows.append(self._parse_row(number, values))
            if report.rows % 200 == 0:
                self.progress("check", number, roster.total)
        if not rows:
            raise ImportFileError(f"Tệp {self.name} không có dòng dữ liệu nào dưới dòng tiêu đề.")
        return rows

    def _take_header(self, header: Header | None) -> None:
        """The columns the header names, told in the report; the file refused without the required ones."""
        report = self.report
        if header is None or not {"code", "name"} <= header.fields:
            raise ImportFileError(
                f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp {self.name}: cần các cột "
                "Mã, Tên tổ chức, Loại, Mã cấp trên (và nếu có: Ngày thành lập, Được ủy quyền kết nạp, Giao quyền "
                "cấp trên cơ sở, Cấp ủy quyết định kết nạp, Đơn vị sự nghiệp, Khoa/phòng)."
            )
        report.header_row = header.first_row
        found = header.found
        self.found = found
        self.headings = {c.field: header.headings[i] for i, c in found.items()}
        report.columns = header.recognised()
        report.headings = header.read_as()
        report.ignored_headers = header.ignored()
        missing = [label for name, label in REQUIRED.items() if name not in self.headings]
        if missing:
            raise ImportFileError(
                f"Tệp {self.name} thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề {header.first_row})."
            )

    def _parse_row(self, number: int, values: tuple) -> Row:
        row = Row(number)
        for index, column in self.found.items():
            value = values[index] if index < len(values) else None
            if not cells.is_empty(value):
                self._read_cell(row, column, value)
        if not row.code and "code" not in row.failed and (row.name or row.parent_ref or row.kind_text):
            self._error(
                number,
                "code",
                "thiếu mã tổ chức (mã để nhận ra tổ chức khi nhập lại và để các dòng khác ghi làm cấp trên).",
            )
        return row

    def _read_cell(self, row: Row, column: Column, value) -> None:
        """One cell into the row; a formula or a value that cannot be read is an error on its column."""
        if isinstance(value, str) and value.lstrip().startswith("="):
            self._error(
                row.number,
                column.field,
                f"ô chứa công thức '{value.strip()[:40]}'; ketnap chỉ nhận giá trị (chép rồi Dán đặc biệt → Giá trị).",
            )
            return
        try:
            self._parse_cell(row, column, value)
        except cells.CellError as exc:
            self._error(row.number, column.field, str(exc))
            row.failed.add(column.field)

    def _parse_cell(self, row: Row, column: Column, value) -> None:
        name = column.field
        if name == "code":
            code = cells.text(value)
            if len(code) > CODE_MAX or not _CODE.match(code):
                raise cells.CellError(
                    f"mã '{code[:40]}' không hợp lệ: chỉ gồm chữ cái không dấu, chữ số, dấu '.', '-', '_' "
                    f"(tối đa {CODE_MAX} ký tự)."
                )
            row.code = code
        elif name == "name":
            row.name = cells.text(value, column.max_length)
        elif name == "kind":
            row.kind_text = cells.text(value)
            key = heading_key(row.kind_text)
            if key not in KIND_WORDS:
                raise cells.CellError(f"'{row.kind_text}' không phải loại tổ chức đảng (ghi một trong: {KIND_HINT}).")
            row.kind = KIND_WORDS[key]
            row.kind_by_parent = row.kind is None
        elif name == "parent":
            row.parent_ref = cells.text(value)
        elif name == "competent_org":
            row.competent_ref = cells.text(value)
        elif name == "established_on":
            parsed = cells.date(value, not_after=self.today)
            # cells.date gives (date, "" or how partial it is) since the lead's rewrite; a plain date before it
            day, partial = parsed if isinstance(parsed, tuple) else (parsed, "")
            row.established_on = day
            if partial:
                self.report.note(
                    row.number,
                    self._heading(name),
                    f"'{cells.shown(value)}' không đủ ngày, tháng; lấy {ddmmyyyy(day)} làm ngày thành lập.",
                )
        elif name in {"authorised_to_admit", "above_base_powers"}:
            setattr(row, name, cells.boolean(value))
        elif name == "unit":
            row.unit_ref = cells.text(value, 255)
        elif name == "departments":
            raw = value if isinstance(value, str) else cells.shown(value)
            row.departments = [" ".join(part.split()) for part in DEPT_SPLIT.split(raw) if part.strip()]

    # --- the database, read once -------------------------------------------------------------------------
    def _load_database(self) -> None:
        self._load_organizations()
        self._load_units()
        self.planned_units: list[PlannedUnit] = []
        self.claims: dict[int, tuple[Row, str]] = {}  # id(unit) -> the row covering it, and through which column
        self.dept_cache: dict[int, list] = {}
        self.home_cache: dict[int, WorkUnit | None] = {}
        self._writing = 0

    def _load_organizations(self) -> None:
        """The organisations by code (exact and upper-cased), the active ones by folded name, children counted."""
        self.orgs = {o.code: o for o in Organization.objects.all()}
        self.orgs_upper: dict[str, list[Organization]] = {}
        self.orgs_by_name: dict[str, list[Organization]] = {}
        self.children_count: dict[int, int] = {}
        for org in self.orgs.values():
            self.orgs_upper.setdefault(org.code.upper(), []).append(org)
            if org.active:
                self.orgs_by_name.setdefault(fold(org.name), []).append(org)
            if org.parent_id:
                self.children_count[org.parent_id] = self.children_count.get(org.parent_id, 0) + 1

    def _load_units(self) -> None:
        """The units by id and code, their children, and who covers each now (and until when before)."""
        self.units = {u.pk: u for u in WorkUnit.objects.all()}
        self.units_by_code = {u.code: u for u in self.units.values()}
        self.units_upper = {u.code.upper(): u for u in self.units.values()}
        self.unit_children: dict[int | None, list[WorkUnit]] = {}
        for unit in self.units.values():
            self.unit_children.setdefault(unit.parent_id, []).append(unit)
        self.coverage: dict[int, UnitCoverage] = {}  # unit id -> the coverage in force
        self.coverage_ends: dict[int, dt.date] = {}  # unit id -> end of its last closed coverage
        self.covered_by: dict[int, list[int]] = {}  # org id -> unit ids it covers now
        for cov in UnitCoverage.objects.all():
            if cov.valid_to is None:
                self.coverage[cov.unit_id] = cov
                self.covered_by.setdefault(cov.organization_id, []).append(cov.unit_id)
            elif cov.valid_to > self.coverage_ends.get(cov.unit_id, dt.date.min):
                self.coverage_ends[cov.unit_id] = cov.valid_to
        self.unit_codes_taken = set(self.units_by_code)

    def _db_org(self, code: str) -> Organization | None:
        org = self.orgs.get(code)
        if org is None:
            same = self.orgs_upper.get(code.upper(), [])
            org = same[0] if len(same) == 1 else None
        return org

    # --- checking ----------------------------------------------------------------------------------------
    def _check(self, rows: list[Row]) -> None:
        live = self._index_codes(rows)
        for row in live:
            row.parent, row.parent_failed = self._resolve(row, row.parent_ref, "parent")
            if row.competent_ref:
                row.competent, _failed = self._resolve(row, row.competent_ref, "competent_org")
        self._find_cycles(live)
        order = self._order(live)
        for row in order:
            self._check_kind(row)
        for row in order:
            if row.existing is not None:
                self._check_existing(row)
            else:
                self._check_new(row)
        for row in order:
            self._check_units(row)
        # listed by row, as the file reads (sort is stable: a row's errors keep their column order)
        self.report.errors.sort(key=lambda e: e.row)
        self.report.notes.sort(key=lambda e: e.row)
        self.progress("check", len(rows), len(rows))

    def _index_codes(self, rows: list[Row]) -> list[Row]:
        """The rows by code (case aside), each matched with the organisation of that code in ketnap; a code written
        twice is an error on the second row, which is left out."""
        self.by_code: dict[str, Row] = {}
        live = []
        for row in rows:
            if not row.code:
                continue
            key = row.code.upper()
            if key in self.by_code:
                self._error(row.number, "code", f"mã '{row.code}' trùng với dòng {self.by_code[key].number}.")
                row.failed.add("code")
                continue
            self.by_code[key] = row
            row.existing = self._db_org(row.code)
            live.append(row)
        return live

    def _resolve(self, row: Row, ref: str, field_name: str) -> tuple["Row | Organization | None", bool]:
        """The row or organisation a code (or an unambiguous name) in the file points to; (None, True) if none."""
        if not ref:
            return None, False
        target = self.by_code.get(ref.upper())
        if target is row:
            what = "trực thuộc" if field_name == "parent" else "là cấp ủy quyết định kết nạp của"
            self._error(row.number, field_name, f"tổ chức không thể {what} chính nó.")
            return None, True
        if target is not None:
            return target, False
        org = self._db_org(ref)
        if org is not None:
            return org, False
        return self._resolve_name(row, ref, field_name)

    def _resolve_name(self, row: Row, ref: str, field_name: str) -> tuple["Row | Organization | None", bool]:
        """A reference that is no code: the one row or organisation of that name."""
        named = self._named(ref, row)
        if len(named) == 1:
            return named[0], False
        if named:
            codes = ", ".join(target.code for target in named)
            self._error(row.number, field_name, f"'{ref}' trùng tên nhiều tổ chức; hãy ghi mã ({codes}).")
        else:
            self._error(row.number, field_name, f"không có tổ chức mã '{ref}' trong tệp hay trong hệ thống.")
        return None, True

    def _named(self, name: str, row: Row) -> list["Row | Organization"]:
        """The other rows of the file, then the active organisations in ketnap the file does not list, so named."""
        key = fold(name)
        rows = [r for r in self.by_code.values() if r.name and fold(r.name) == key and r is not row]
        return rows + [o for o in self.orgs_by_name.get(key, []) if o.code.upper() not in self.by_code]

    def _find_cycles(self, rows: list[Row]) -> None:
        state: dict[int, int] = {}  # id(row) -> 1 visiting, 2 done
        for start in rows:
            path: list[Row] = []
            row: Row | None = start
            while isinstance(row, Row) and state.get(id(row)) is None:
                state[id(row)] = 1
                path.append(row)
                row = row.parent if isinstance(row.parent, Row) else None
            if isinstance(row, Row) and state.get(id(row)) == 1:
                loop = path[path.index(row) :]
                for member in loop:
                    member.in_cycle = True
                first = min(loop, key=lambda r: r.number)
                steps = " → ".join(f"dòng {r.number} ({r.code})" for r in [*loop, loop[0]])
                self._error(
                    first.number, "parent", f"vòng lặp trực thuộc: {steps}; một tổ chức phải có cấp trên ở ngoài vòng."
                )
            for member in path:
                state[id(member)] = 2

    def _order(self, rows: list[Row]) -> list[Row]:
        """Parents (and competent committees) before the rows that need them; rows in a cycle last."""
        done: set[int] = set()
        result: list[Row] = []

        def visit(row: Row, stack: set[int]) -> None:
            if id(row) in done or id(row) in stack:
                return
            stack.add(id(row))
            for dep in (row.parent, row.competent):
                if isinstance(dep, Row) and not row.in_cycle:
                    visit(dep, stack)
            stack.discard(id(row))
            done.add(id(row))
            result.append(row)

        for row in rows:
            visit(row, set())
        return result

    def _kind_of(self, target) -> str | None:
        if isinstance(target, Row):
            return target.kind if not target.in_cycle else None
        return target.kind if target is not None else None

    def _check_kind(self, row: Row) -> None:
        parent_kind = self._kind_of(row.parent)
        parent_known = (row.parent is None and not row.parent_failed) or parent_kind is not None
        if "kind" in row.failed:
            row.kind = row.existing.kind if row.existing is not None else None
        elif row.existing is not None:
            self._keep_existing_kind(row)
        elif row.kind_by_parent:  # "Chi bộ"
            self._cell_kind_by_parent(row, parent_kind, parent_known)
        elif row.kind is None and row.name:
            self._kind_from_name(row, parent_kind, parent_known)
        elif row.kind is None and "name" not in row.failed:
            self._error(row.number, "kind", f"thiếu loại tổ chức (ghi một trong: {KIND_HINT}).")

    def _keep_existing_kind(self, row: Row) -> None:
        """An organisation in ketnap keeps its kind: a different one is a reorganisation, not a file's edit."""
        existing = row.existing.kind
        fits = row.kind == existing or (row.kind_by_parent and existing in OrgKind.cell_kinds())
        if row.kind_text and not fits:
            self._error(
                row.number,
                "kind",
                f"mã {row.existing.code} là {OrgKind(existing).label.lower()} trong hệ thống, tệp ghi "
                f"'{row.kind_text}'; đổi loại tổ chức là tổ chức lại (thành lập, hợp nhất, giải thể), làm trên "
                "màn hình của tổ chức, không qua nhập tệp.",
            )
        row.kind = existing

    def _cell_kind_by_parent(self, row: Row, parent_kind: str | None, parent_known: bool) -> None:
        """ "Chi bộ" as Loại: a chi bộ trực thuộc under a đảng bộ cơ sở or bộ phận, a chi bộ cơ sở under a higher
        committee."""
        if parent_kind in {OrgKind.BASE_COMMITTEE, OrgKind.SUB_COMMITTEE}:
            row.kind = OrgKind.CELL
        elif parent_kind in {OrgKind.PROVINCE, OrgKind.UPPER}:
            row.kind = OrgKind.BASE_CELL
            self.report.note(
                row.number,
                self._heading("kind"),
                f"'{row.kind_text}' trực thuộc {OrgKind(parent_kind).label.lower()}: hiểu là chi bộ cơ sở.",
            )
        elif parent_known:
            self._error(
                row.number, "kind", f"'{row.kind_text}' không có cấp trên: ghi rõ Chi bộ cơ sở hoặc Chi bộ trực thuộc."
            )

    def _kind_from_name(self, row: Row, parent_kind: str | None, parent_known: bool) -> None:
        """Loại left empty: the kind the name says, when it leaves no doubt (_infer_kind)."""
        kind, why = self._infer_kind(row.name, parent_kind)
        if kind is not None:
            row.kind = kind
            self.report.note(row.number, self._heading("kind"), f"để trống; suy ra '{OrgKind(kind).label}' {why}.")
        elif parent_known:
            under = f" (cấp trên là {OrgKind(parent_kind).label.lower()})" if parent_kind else ""
            self._error(
                row.number,
                "kind",
                f"để trống và không suy ra được loại từ tên '{row.name}'{under}; ghi một trong: {KIND_HINT}.",
            )

    @staticmethod
    def _infer_kind(name: str, parent_kind: str | None) -> tuple[str | None, str]:
        """The kind a name says (prefix), or that its prefix and the parent's kind leave no doubt about."""
        key = heading_key(name)
        for prefix, kind in NAME_PREFIXES:
            if key.startswith(prefix + " ") or key == prefix:
                return kind, f"từ tên '{name}'"
        under = f"từ tên '{name}' và cấp trên là {OrgKind(parent_kind).label.lower()}" if parent_kind else ""
        if key.startswith("chi bo "):
            if parent_kind in {OrgKind.BASE_COMMITTEE, OrgKind.SUB_COMMITTEE}:
                return OrgKind.CELL, under
            if parent_kind in {OrgKind.PROVINCE, OrgKind.UPPER}:
                return OrgKind.BASE_CELL, under
        if key.startswith(("dang bo ", "dang uy ")) and parent_kind == OrgKind.BASE_COMMITTEE:
            return OrgKind.SUB_COMMITTEE, under
        return None, ""

    @staticmethod
    def _db_id(target) -> int | None:
        """The id in ketnap of the organisation a reference points to (-1: a new row of the file)."""
        if isinstance(target, Row):
            return target.existing.pk if target.existing is not None else -1
        return target.pk if target is not None else None

    def _check_existing(self, row: Row) -> None:
        """An organisation already in ketnap: the file may not restructure it (an empty cell leaves a value alone)."""
        org = row.existing
        if row.code != org.code:
            self.report.note(
                row.number, self._heading("code"), f"'{row.code}' được hiểu là mã {org.code} trong hệ thống."
            )
        if not self._may_touch(row, org):
            return
        if row.parent is not None and self._db_id(row.parent) != org.parent_id:
            now = org.parent.name if org.parent_id else "cấp cao nhất (không trực thuộc tổ chức nào)"
            self._error(
                row.number,
                "parent",
                f"{org.name} đang trực thuộc {now}; chuyển trực thuộc là một thay đổi có ngày hiệu lực và căn cứ, "
                "làm trên màn hình của tổ chức (Chuyển trực thuộc), không qua nhập tệp.",
            )
        if row.name and row.name != org.name:
            self._check_same_name(row, org)
        if row.established_on and row.established_on != org.established_on:
            self._error(
                row.number,
                "established_on",
                f"{org.name} thành lập ngày {ddmmyyyy(org.established_on)} trong hệ thống; sửa ngày trong tệp hoặc để "
                "trống.",
            )
        self._check_same_powers(row, org)

    def _may_touch(self, row: Row, org: Organization) -> bool:
        """Still active, and for a web user inside the organisation they manage."""
        if not org.active:
            self._error(
                row.number,
                "code",
                f"{org.name} (mã {org.code}) đã kết thúc hoạt động ngày {ddmmyyyy(org.dissolved_on)}; không nhập "
                "lại một tổ chức đã kết thúc (thành lập tổ chức mới với mã mới).",
            )
            return False
        if self.within is not None and not org.path.startswith(self.within.path):
            self._error(row.number, "code", f"tổ chức mã {org.code} ở ngoài {self.within.name}; không nhập được.")
            return False
        return True

    def _check_same_name(self, row: Row, org: Organization) -> None:
        """Names equal up to case and diacritics are the same name (the registered one is kept); another is a
        rename, a dated event."""
        if fold(row.name) == fold(org.name) or heading_key(row.name) == heading_key(org.name):
            self.report.note(
                row.number,
                self._heading("name"),
                f"'{row.name}' chỉ khác cách viết; giữ tên '{org.name}' trong hệ thống.",
            )
        else:
            self._error(
                row.number,
                "name",
                f"mã {org.code} là '{org.name}' trong hệ thống; đổi tên là một thay đổi có ngày hiệu lực và căn "
                "cứ, làm trên màn hình của tổ chức (Đổi tên), không qua nhập tệp.",
            )

    def _check_same_powers(self, row: Row, org: Organization) -> None:
        """The admission powers a file gives must be those recorded: changing them is a dated event."""
        changed = [
            name
            for name in ("authorised_to_admit", "above_base_powers")
            if getattr(row, name) is not None and getattr(row, name) != getattr(org, name)
        ]
        if row.competent is not None and self._db_id(row.competent) != org.competent_org_id:
            changed.append("competent_org")
        for name in changed:
            self._error(
                row.number,
                name,
                f"khác thẩm quyền kết nạp đang ghi cho {org.name}; thay đổi thẩm quyền có ngày hiệu lực và căn cứ, "
                "làm trên màn hình của tổ chức (Thẩm quyền kết nạp), không qua nhập tệp.",
            )

    def _check_new(self, row: Row) -> None:
        if not row.name and "name" not in row.failed:
            self._error(row.number, "name", "thiếu tên tổ chức.")
        self._check_new_parent(row)
        if row.kind is not None and not row.parent_failed and not row.in_cycle:
            self._check_parent_kind(row)
        self._default_date(row)
        self._check_founding_date(row)
        self._check_powers(row)
        if row.competent is not None:
            self._check_competent(row, row.competent)

    def _check_new_parent(self, row: Row) -> None:
        """The parent in ketnap is active and, for a web user, inside the organisation they manage."""
        parent = row.parent
        if isinstance(parent, Organization) and not parent.active:
            self._error(
                row.number,
                "parent",
                f"{parent.name} (mã {parent.code}) đã kết thúc hoạt động ngày {ddmmyyyy(parent.dissolved_on)}.",
            )
        if self.within is None or row.parent_failed:
            return
        if parent is None:
            self._error(row.number, "parent", f"thiếu mã cấp trên: tổ chức mới phải thuộc {self.within.name}.")
        elif isinstance(parent, Organization) and not parent.path.startswith(self.within.path):
            self._error(
                row.number,
                "parent",
                f"tổ chức mã {parent.code} ở ngoài {self.within.name}; chỉ thêm được tổ chức thuộc {self.within.name}.",
            )

    def _check_parent_kind(self, row: Row) -> None:
        """The kinds a kind may sit under (registry.services.organizations.ALLOWED_PARENTS)."""
        parent_kind = self._kind_of(row.parent)
        if row.parent is not None and not parent_kind:
            return  # the parent's own kind is in doubt: its row says so
        allowed = org_services.ALLOWED_PARENTS[row.kind]
        if parent_kind in allowed:
            return
        label = OrgKind(row.kind).label
        if parent_kind is None:
            self._error(row.number, "parent", f"thiếu mã cấp trên: {label.lower()} phải trực thuộc một tổ chức.")
        elif allowed == {None}:
            self._error(row.number, "parent", f"{label} ở cấp cao nhất; để trống mã cấp trên.")
        else:
            names = " hoặc ".join(OrgKind(k).label.lower() for k in OrgKind.values if k in allowed)
            self._error(
                row.number,
                "parent",
                f"{label.lower()} không thể trực thuộc {OrgKind(parent_kind).label.lower()}; chỉ trực thuộc {names}.",
            )

    def _check_founding_date(self, row: Row) -> None:
        """A founding date written in the file is not before the parent's (a default one follows it anyway)."""
        parent_date = self._date_of(row.parent)
        if row.established_on and parent_date and row.established_on < parent_date and not row.date_from:
            self._error(
                row.number,
                "established_on",
                f"ngày thành lập {ddmmyyyy(row.established_on)} trước ngày thành lập của cấp trên "
                f"({ddmmyyyy(parent_date)}).",
            )

    def _check_powers(self, row: Row) -> None:
        """Only a đảng bộ cơ sở is authorised to admit or granted above-base powers (rules.md §6)."""
        if row.kind is None or row.kind == OrgKind.BASE_COMMITTEE:
            return
        for name, label in (
            ("authorised_to_admit", "được ủy quyền kết nạp"),
            ("above_base_powers", "được giao quyền cấp trên cơ sở"),
        ):
            if getattr(row, name):
                self._error(
                    row.number, name, f"chỉ đảng bộ cơ sở mới {label}; {OrgKind(row.kind).label.lower()} thì để trống."
                )

    def _check_competent(self, row: Row, target: "Row | Organization") -> None:
        """The committee that decides admissions is active and of a kind that decides (rules.md §2.1)."""
        kind = self._kind_of(target)
        if isinstance(target, Organization) and not target.active:
            ended = f"{target.name} đã kết thúc hoạt động ngày {ddmmyyyy(target.dissolved_on)}."
            self._error(row.number, "competent_org", ended)
        elif kind is not None and kind not in {OrgKind.PROVINCE, OrgKind.UPPER, OrgKind.BASE_COMMITTEE}:
            self._error(
                row.number,
                "competent_org",
                f"{OrgKind(kind).label.lower()} không quyết định kết nạp; ghi mã một đảng bộ tỉnh, đảng bộ cấp "
                "trên cơ sở hoặc đảng bộ cơ sở.",
            )

    def _date_of(self, target) -> dt.date | None:
        if isinstance(target, Row):
            if target.existing is not None:
                return target.existing.established_on
            return target.established_on
        return target.established_on if target is not None else None

    def _default_date(self, row: Row) -> None:
        if row.established_on is not None:
            return
        parent = row.parent
        if isinstance(parent, Row) and parent.is_new and parent.established_on:
            row.established_on = parent.established_on
            row.date_from = f"ngày thành lập của dòng {parent.number} ({parent.code})"
        else:
            row.established_on = self.today
            row.date_from = "ngày nhập tệp"
        if "established_on" not in row.failed:
            self.report.note(
                row.number,
                self._heading("established_on"),
                f"để trống; lấy {ddmmyyyy(row.established_on)} ({row.date_from}).",
            )

    # --- units and departments ---------------------------------------------------------------------------
    def _on(self, row: Row) -> dt.date:
        """The day coverages of the row start: its founding day for a new organisation, else the import day."""
        return row.established_on if row.is_new else self.today

    def _check_units(self, row: Row) -> None:
        if row.in_cycle or row.kind is None or "code" in row.failed:
            return
        if row.unit_ref:
            if row.kind in {OrgKind.PROVINCE, OrgKind.UPPER}:
                self._error(
                    row.number,
                    "unit",
                    "chỉ ghi đơn vị sự nghiệp cho tổ chức cơ sở đảng, đảng bộ bộ phận hoặc chi bộ; "
                    f"{OrgKind(row.kind).label.lower()} thì để trống.",
                )
            else:
                self._check_unit(row)
        if row.departments:
            self._check_departments(row)

    def _check_departments(self, row: Row) -> None:
        """A chi bộ's Khoa/phòng, looked up among the departments of the unit it serves."""
        if row.kind not in OrgKind.cell_kinds():
            self._error(
                row.number,
                "departments",
                f"chỉ chi bộ mới phụ trách khoa/phòng; {OrgKind(row.kind).label.lower()} thì ghi khoa/phòng ở "
                "dòng của từng chi bộ.",
            )
            return
        home = self._home_unit(row)
        if home is not None:
            for text in row.departments:
                self._check_department(row, home, text)

    def _visible(self, org: Organization) -> bool:
        return self.within is None or org.path.startswith(self.within.path)

    def _claim(self, row: Row, unit: "WorkUnit | PlannedUnit", field_name: str, on: dt.date) -> None:
        """Plan `row`'s organisation to cover `unit` from `on`, unless something else covers it."""
        claimed = self.claims.setdefault(id(unit), (row, field_name))
        if claimed[0] is not row:
            self._error(
                row.number,
                field_name,
                f"{unit.name} đã giao cho {claimed[0].name or claimed[0].code} ở dòng {claimed[0].number}; "
                "mỗi đơn vị, khoa/phòng do một tổ chức phụ trách.",
            )
            return
        if any(u is unit for u, _d in row.covers):
            return  # listed twice on the same row
        if isinstance(unit, WorkUnit):
            on = self._free_from(row, unit, field_name, on)
            if on is None:
                return
        row.covers.append((unit, on))

    def _free_from(self, row: Row, unit: WorkUnit, field_name: str, on: dt.date) -> dt.date | None:
        """The day from which a unit in ketnap can be covered by the row's organisation: no one covers it then and
        it still exists (None: already so, or an error was reported)."""
        current = self.coverage.get(unit.pk)
        if current is not None:
            if row.existing is None or current.organization_id != row.existing.pk:
                self._error(
                    row.number,
                    field_name,
                    f"{unit.name} đang do {self._owner_shown(current)} phụ trách (từ {ddmmyyyy(current.valid_from)}); "
                    "giao lại đơn vị, khoa/phòng là một thay đổi có ngày hiệu lực, làm trên màn hình của tổ chức, "
                    "không qua nhập tệp.",
                )
            return None  # covered by someone else, or already so
        on = max(on, unit.established_on)
        ended = self.coverage_ends.get(unit.pk)
        if ended and on < ended:
            self._error(
                row.number,
                field_name,
                f"{unit.name} có tổ chức phụ trách đến {ddmmyyyy(ended)}; ngày thành lập phải từ ngày đó trở đi.",
            )
            return None
        if unit.dissolved_on is not None:
            self._error(row.number, field_name, f"{unit.name} đã giải thể ngày {ddmmyyyy(unit.dissolved_on)}.")
            return None
        return on

    def _owner_shown(self, coverage: UnitCoverage) -> str:
        """The organisation covering a unit, as a web user may learn it: nothing of what lies outside theirs."""
        owner = next((o for o in self.orgs.values() if o.pk == coverage.organization_id), None)
        return owner.name if owner is not None and self._visible(owner) else "một tổ chức khác"

    def _check_unit(self, row: Row) -> None:
        """The Đơn vị sự nghiệp: found by code, else by name, else created when the name is a full one."""
        ref = row.unit_ref
        unit = self.units_by_code.get(ref) or self.units_upper.get(ref.upper())
        if unit is None:
            same = self._units_named(ref)
            if len(same) > 1:
                codes = ", ".join(u.code for u in same)
                self._error(row.number, "unit", f"'{ref}' trùng tên nhiều đơn vị; hãy ghi mã ({codes}).")
                return
            unit = same[0] if same else self._plan_unit(row, ref)
        if unit is not None:
            row.unit = unit
            self._claim(row, unit, "unit", self._on(row))

    def _units_named(self, name: str) -> list["WorkUnit | PlannedUnit"]:
        """The units of that name: those in ketnap still existing, then those the file already creates."""
        key = fold(name)
        same: list[WorkUnit | PlannedUnit] = [
            u for u in self.units.values() if u.dissolved_on is None and fold(u.name) == key
        ]
        return same + [p for p in self.planned_units if p.parent is None and fold(p.name) == key]

    def _plan_unit(self, row: Row, ref: str) -> "PlannedUnit | None":
        """A unit to create under the name the file gives (None: a code that names nothing, an error)."""
        if " " not in ref.strip():
            self._error(
                row.number,
                "unit",
                f"không có đơn vị mã '{ref}'; ghi tên đầy đủ của đơn vị để ketnap tạo mới (ví dụ 'Bệnh viện Đa "
                "khoa tỉnh').",
            )
            return None
        unit = PlannedUnit(
            code=self._new_unit_code(row.code),
            name=" ".join(ref.split()),
            kind=UnitKind.UNIT,
            parent=None,
            on=self._on(row),
            row=row.number,
        )
        self.planned_units.append(unit)
        return unit

    def _new_unit_code(self, base: str) -> str:
        base = base[:CODE_MAX]
        code, n = base, 1
        while code in self.unit_codes_taken:
            n += 1
            suffix = f"-{n}"
            code = base[: CODE_MAX - len(suffix)] + suffix
        self.unit_codes_taken.add(code)
        return code

    def _home_unit(self, row: Row) -> "WorkUnit | PlannedUnit | None":
        """The unit whose departments a chi bộ's Khoa/phòng are looked up in: its own Đơn vị sự nghiệp, else that
        of the nearest organisation above it up to the base organisation (from the file or from ketnap)."""
        target: Row | Organization | None = row
        seen = 0
        while target is not None and seen < 50:
            seen += 1
            if isinstance(target, Row):
                if target.unit is not None:
                    return target.unit
                if target.existing is not None:
                    target = target.existing
                    continue
                if target.kind in OrgKind.base_kinds():
                    break
                target = target.parent
                continue
            unit = self._db_home_unit(target)
            if unit is not None:
                return unit
            if target.kind in OrgKind.base_kinds():
                break
            parent_row = self.by_code.get(target.parent.code.upper()) if target.parent_id else None
            target = parent_row or target.parent
        base = target.name if target is not None else "tổ chức cơ sở đảng"
        self._error(
            row.number,
            "departments",
            f"chưa biết đơn vị sự nghiệp của {base} để tìm khoa/phòng; ghi cột "
            f"'{self._heading('unit')}' ở dòng của tổ chức cơ sở đảng (hoặc của chi bộ này).",
        )
        return None

    def _db_home_unit(self, org: Organization) -> WorkUnit | None:
        """The unit an organisation in ketnap serves: one it covers that has departments, else the one unit above
        everything its subtree covers."""
        if org.pk in self.home_cache:
            return self.home_cache[org.pk]
        self.home_cache[org.pk] = found = self._find_db_home_unit(org)
        return found

    def _find_db_home_unit(self, org: Organization) -> WorkUnit | None:
        own = [self.units[pk] for pk in self.covered_by.get(org.pk, [])]
        for unit in own:
            if unit.kind == UnitKind.UNIT:
                return unit
        roots = set()
        for other in self.orgs.values():
            if other.path.startswith(org.path):
                for pk in self.covered_by.get(other.pk, []):
                    unit = self.units[pk]
                    while unit.parent_id is not None:
                        unit = self.units[unit.parent_id]
                    roots.add(unit.pk)
        if len(roots) == 1:
            return self.units[roots.pop()]
        return None

    def _departments_of(self, home: "WorkUnit | PlannedUnit") -> list:
        cached = self.dept_cache.get(id(home))
        if cached is None:
            cached = []
            if isinstance(home, WorkUnit):
                frontier = [home.pk]
                while frontier:
                    children = [u for pk in frontier for u in self.unit_children.get(pk, [])]
                    cached += [u for u in children if u.dissolved_on is None]
                    frontier = [u.pk for u in children]
            self.dept_cache[id(home)] = cached
        return cached

    def _check_department(self, row: Row, home: "WorkUnit | PlannedUnit", text: str) -> None:
        departments = self._departments_of(home)
        # by code, then by name as hospitals write it ("K. Nội", "P. TCCB", "-" for "–"): imports.matching
        catalogue = matching.Catalogue(home.name, [matching.Entry(d, d.name, d.code) for d in departments], units=True)
        found = [departments[i] for i in catalogue.matches(text)]
        if len(found) > 1:
            codes = ", ".join(d.code for d in found)
            self._error(
                row.number, "departments", f"'{text}' trùng tên nhiều khoa/phòng của {home.name}; hãy ghi mã ({codes})."
            )
            return
        if found:
            self._claim(row, found[0], "departments", self._on(row))
            return
        elsewhere = self.units_by_code.get(text) or self.units_upper.get(text.upper())
        if elsewhere is not None:
            self._error(row.number, "departments", f"khoa/phòng mã '{text}' không thuộc {home.name}.")
            return
        name = department_name(text)
        kind = UnitKind.STATION if department_key(name).startswith("tram") else UnitKind.DEPARTMENT
        on = max(self._on(row), home.established_on)
        unit = PlannedUnit(
            code=self._new_unit_code(f"{home.code}.{_slug(name)}"[:CODE_MAX]),
            name=name,
            kind=kind,
            parent=home,
            on=on,
            row=row.number,
        )
        self.planned_units.append(unit)
        departments.append(unit)
        self._claim(row, unit, "departments", on)

    # --- planning ----------------------------------------------------------------------------------------
    def _plan(self, rows: list[Row]) -> None:
        self.order = self._order([r for r in rows if r.code and self.by_code.get(r.code.upper()) is r])
        self._check_competent_created_first()
        if not self.report.ok:
            return
        self._place_new_rows()
        created_units = sum(1 for u in self.planned_units if u.kind == UnitKind.UNIT)
        self.report.units_created = created_units
        self.report.departments_created = len(self.planned_units) - created_units
        for row in sorted(self.order, key=lambda r: r.number):
            self._report_row(row)

    def _check_competent_created_first(self) -> None:
        """A new committee named to decide admissions must be written before the rows that name it."""
        index = {id(r): i for i, r in enumerate(self.order)}
        for row in self.order:
            target = row.competent
            if isinstance(target, Row) and target.is_new and index[id(target)] > index[id(row)]:
                self._error(
                    row.number,
                    "competent_org",
                    f"{target.name} (dòng {target.number}) chỉ được tạo sau {row.name}; cấp ủy quyết định kết nạp phải "
                    "là một tổ chức đã có hoặc ở cấp trên.",
                )

    def _place_new_rows(self) -> None:
        """Each new organisation after its parent's existing children, in the order of the file."""
        positions: dict[object, int] = {}
        for row in self.order:
            if not row.is_new:
                continue
            parent_id = self._db_id(row.parent)
            key = id(row.parent) if parent_id == -1 else parent_id
            if key not in positions:
                positions[key] = self.children_count.get(parent_id, 0) if parent_id not in (None, -1) else 0
            row.position = positions[key]
            positions[key] += 1

    def _report_row(self, row: Row) -> None:
        """What the import does with a row, counted and told in the preview."""
        report = self.report
        covers = [u for u, _d in row.covers]
        report.coverages_created += len(covers)
        detail = _coverage_detail(row.unit, covers)
        name = row.existing.name if row.existing else row.name
        if row.is_new:
            report.created += 1
            action = "created"
            label = f"{OrgKind(row.kind).label}, thành lập {ddmmyyyy(row.established_on)}"
            detail = f"{label}; {detail}" if detail else label
        elif covers:
            report.updated += 1
            action = "updated"
        else:
            report.unchanged += 1
            action = "unchanged"
        report.actions.append((row.number, action, row.code, name, detail))
        if action in report.samples and len(report.samples[action]) < 20:
            report.samples[action].append((row.number, f"{name} ({row.code})", detail))

    # --- writing -----------------------------------------------------------------------------------------
    def _write(self, rows: list[Row]) -> None:
        report = self.report
        if not report.created and not report.updated:
            return  # the same file again: nothing to write, not even an audit entry
        note = f"Nhập {self.kind_label} từ tệp {self.name}"
        total = len(self.order)
        self.progress("write", 0, total)
        try:
            with acting(self.user, note=note), transaction.atomic():
                for done, row in enumerate(self.order, start=1):
                    self._write_row(row, note)
                    self.progress("write", done, total)
                anchor = self.within or next(r.obj for r in self.order)
                record_import(
                    anchor,
                    self.kind,
                    report,
                    note=note,
                    units_created=report.units_created,
                    departments_created=report.departments_created,
                    coverages_created=report.coverages_created,
                )
                report.written = True
                self.on_written(report)
        except ValidationError as exc:
            # the checks above should have caught it; the transaction is rolled back, the row is named
            report.written = False
            report.add_error(self._writing, "", " ".join(exc.messages))

    def _org(self, target) -> Organization | None:
        if isinstance(target, Row):
            return target.obj
        return target

    def _write_row(self, row: Row, reason: str) -> None:
        self._writing = row.number
        if row.existing is not None:
            row.obj = row.existing
        else:
            row.obj = org_services.create_organization(
                actor=self.user,
                code=row.code,
                name=row.name,
                kind=row.kind,
                parent=self._org(row.parent),
                on=row.established_on,
                reason=reason,
                authorised_to_admit=bool(row.authorised_to_admit),
                above_base_powers=bool(row.above_base_powers),
                competent_org=self._org(row.competent),
                position=row.position,
            )
        for unit, on in row.covers:
            org_services.assign_unit(self._unit(unit), row.obj, actor=self.user, on=on)

    def _unit(self, unit: "WorkUnit | PlannedUnit") -> WorkUnit:
        if isinstance(unit, WorkUnit):
            return unit
        if unit.obj is None:
            parent = self._unit(unit.parent) if unit.parent is not None else None
            position = len(self.unit_children.get(parent.pk if parent else None, []))
            unit.obj = unit_services.create_unit(
                actor=self.user,
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                parent=parent,
                on=unit.on,
                position=position,
            )
            self.unit_children.setdefault(parent.pk if parent else None, []).append(unit.obj)
        return unit.obj


def _coverage_detail(unit: "WorkUnit | PlannedUnit | None", covers: list) -> str:
    """The units and departments a row's organisation will cover, those created on the way said so."""
    details = []
    if unit is not None and any(u is unit for u in covers):
        verb = "tạo đơn vị" if isinstance(unit, PlannedUnit) else "phụ trách đơn vị"
        details.append(f"{verb} {unit.name}")
    return "; ".join(details + _departments_detail([u for u in covers if u is not unit]))


def _departments_detail(departments: list) -> list[str]:
    found = [u.name for u in departments if not isinstance(u, PlannedUnit)]
    made = [u.name for u in departments if isinstance(u, PlannedUnit)]
    details = []
    if found:
        details.append(f"phụ trách {', '.join(found)}")
    if made:
        details.append(f"tạo và phụ trách {', '.join(made)}")
    return details


def import_organizations(
    path: Path,
    *,
    name: str = "",
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    within: Organization | None = None,
    on_written: Written | None = None,
) -> OrganizationReport:
    """Check (and unless dry_run, write) an organisation-tree file; see OrganizationImporter."""
    return OrganizationImporter(
        path, name=name, user=user, dry_run=dry_run, progress=progress, within=within, on_written=on_written
    ).run()


def importer_within(organization: Organization | None, path: Path, **kwargs) -> OrganizationImporter:
    """The call shape of members.IMPORTERS (organisation first), for the web's background jobs (imports.runner):
    the tree is imported within `organization`, the one whose admin uploaded it."""
    kwargs.pop("saved_mapping", None)  # headings of a tree file are not remembered per organisation
    return OrganizationImporter(path, within=organization, **kwargs)
