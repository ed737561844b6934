"""Importing a staff roster into an organisation: validate the whole file, then write all of it or nothing.

Two passes. Pass 1 reads the sheet once (reader: any of the formats offices keep; layout: where the header and the
people are), checks every cell and every row against the file (duplicate CCCD / staff codes) and the database (a
batch of rows at a time), and spills the validated rows to a temporary file. Any error stops there and nothing is
written. Pass 2 (not for a dry run) reads the spill back and writes in one transaction with bulk operations.
Re-importing updates the person matched by CCCD, else by staff code within the organisation. An empty cell
leaves the existing value alone: a short roster never wipes what the register holds.

Memory is bounded by the file's limits, not by the register: python-calamine holds the sheet (about 1.9 KiB per
row of 20 columns: 254 MiB at the peak for 100,000 rows, benchmarks/results/import.json), and the reader refuses
a file before parsing it when its uncompressed size or a cell exceeds the caps; the engine adds one batch, the
keys seen and the distinct values not yet mapped. openpyxl's read-only mode would hold 42 MiB but reads 10× slower.

What the office must decide is asked once, not per row:
- a value no rule could match (a department "Khoa Cấp cứu 115", a title "Nhân viên hợp đồng 68") is listed
  once with its count, rows and a best guess, and mapped to a catalogue entry; the mapping is saved for the
  organisation (imports.models.ColumnMapping.values) and used by the web and the command line alike;
- a change of name, birth date or gender of a person already in the register is listed old → new and applied
  only when confirmed (accept_identity_changes): a wrong CCCD in a roster must not rename somebody.
Every updated person gets an audit entry of their own with the values before and after; created people are
recorded in one entry for the batch (the file's name and sha256), as an entry per new row would take longer
than the import itself.

Who may import a roster or an organisation tree is asked of accounts.grants, as every write service asks
(authorize_import, before the file is read): the office or admin of the organisation or of a committee above it,
the upload screen's rule too; the command line imports as audit.context.SYSTEM.
"""

import dataclasses
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting
from ketnap.audit.recorder import write_entry
from ketnap.imports import cells, matching
from ketnap.imports.columns import LEGAL_DATES, STAFF_COLUMNS, Column
from ketnap.imports.layout import HEADER_SEARCH_ROWS, Classifier, Header, find_header, ranges
from ketnap.imports.models import saved_mapping as load_mapping
from ketnap.imports.models import saved_values as load_values
from ketnap.imports.reader import ImportFileError, Roster, file_sha256, quoted
from ketnap.registry import codelists, counted
from ketnap.registry.enums import CodeKind, Gender, MembershipStatus
from ketnap.registry.models import (
    Assignment,
    CodeItem,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services.dates import today
from ketnap.registry.services.people import covering_organization
from ketnap.registry.signals import person_moved
from ketnap.rules.dates import ddmmyyyy
from ketnap.vietnamese import normalize_name

BATCH = 1000
MAX_ERRORS = 500  # listed one by one; the groups count every error
MAX_GROUPS = 300  # distinct (column, message) groups kept
MAX_ROW_MESSAGES = 20_000  # rows whose messages are kept for the error file
MAX_VALUES = 200  # distinct unmatched values kept per column
SAMPLES = 20

PERSON_FIELDS = [
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "citizen_id",
    "staff_code",
    "work_unit_id",
    "ethnicity_id",
    "religion_id",
    "general_education_id",
    "professional_level_id",
    "profession_id",
    "academic_title_id",
    "political_theory_id",
    "employment_type_id",
    "job_title",
    "phone",
    "email",
    "joined_unit_on",
    "youth_union_member",
    "youth_union_joined_on",
    "trade_union_member",
    "in_cadre_planning",
]
EXISTING_FIELDS = [*PERSON_FIELDS, "pk", "organization_id", "organization__path"]  # what a match reads
IDENTITY_FIELDS = {"family_name": "Họ", "middle_name": "Tên đệm", "given_name": "Tên", "birth_date": "Ngày sinh"}
IDENTITY_FIELDS["gender"] = "Giới tính"
REQUIRED_FOR_NEW = {"birth_date": "Ngày sinh", "gender": "Giới tính", "work_unit_id": "Khoa/phòng"}
PARTIAL_NOTES = {
    cells.YEAR_ONLY: "chỉ có năm: ghi ngày 01/01 của năm đó",
    cells.MONTH_YEAR: "chỉ có tháng và năm: ghi ngày 01 của tháng đó",
}
EMPTY = object()  # a value mapped to "leave empty"
UNMATCHED = object()


@dataclass
class Options:
    """What the user chose for this run (the web form's fields, the command line's flags)."""

    sheet: str = ""  # "" = the first sheet that holds a roster
    include_hidden: bool = False  # hidden rows are usually people who have left
    accept_identity_changes: bool = False
    partial: bool = False  # import the valid rows, hand back the others
    reason: str = ""  # candidates: why past steps a rule now refuses are recorded all the same


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return f"Dòng {self.row}, cột '{self.column}': {self.message}"
        if self.row:
            return f"Dòng {self.row}: {self.message}"
        return self.message


@dataclass
class Report:
    file_name: str
    organization: str
    dry_run: bool
    sha256: str = ""
    file_error: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)  # the workbook's visible sheets, to choose from
    header_row: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)  # (heading in the file, ketnap's label)
    ignored_headers: list[str] = field(default_factory=list)
    headings: list[tuple[str, str, str]] = field(default_factory=list)  # (folded key, heading, field or "")
    skipped: list[str] = field(default_factory=list)  # "Dòng 129–131: chân trang, bỏ qua"
    notices: list[str] = field(default_factory=list)  # said, not blocking (partial dates, register cross-check)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows left out of a partial import
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_groups: list[dict] = field(default_factory=list)  # {column, message, count, rows}
    unmatched: list[dict] = field(default_factory=list)  # {field, column, label, value, key, count, rows, guess…}
    identity_changes: list[dict] = field(default_factory=list)  # {row, name, changes: [[label, old, new]]}
    identity_change_count: int = 0
    accepted_identity_changes: bool = False
    partial: bool = False
    row_messages: dict[str, list[str]] = field(default_factory=dict)  # row → messages, for the error file
    samples: dict[str, list[tuple[int, str, str]]] = field(default_factory=lambda: {"created": [], "updated": []})
    written: bool = False
    seconds: float = 0.0

    @property
    def needs_mapping(self) -> bool:
        return bool(self.unmatched)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.identity_change_count) and not self.accepted_identity_changes

    @property
    def ok(self) -> bool:
        """Nothing stands in the way of writing (in a partial import, rows with errors are simply left out)."""
        if self.file_error or self.needs_confirmation:
            return False
        if self.partial:
            return self.created + self.updated + self.unchanged > 0
        return not self.error_count and not self.unmatched

    @property
    def blocked_rows(self) -> int:
        return len(self.row_messages)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        message = quoted(message, 300)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))
        self._note_row(row, f"{column}: {message}" if column else message)

    def _note_row(self, row: int, message: str) -> None:
        if row and (str(row) in self.row_messages or len(self.row_messages) < MAX_ROW_MESSAGES):
            self.row_messages.setdefault(str(row), []).append(message)

    def as_json(self) -> dict:
        """Everything the preview shows, for a background job's record (imports.models.ImportJob.report)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["errors"] = [RowError(**e) for e in values.get("errors", [])]
        return cls(**values)

    def summary(self) -> str:
        return (
            f"{self.rows} dòng: {self.created} người thêm mới, {self.updated} người cập nhật, "
            f"{self.unchanged} người không thay đổi"
        )

    def where(self) -> str:
        """The sheet, named in messages when the workbook has more than one."""
        return f"trang '{self.sheet}'" if len(self.sheets) > 1 else ""

    def grouped_lines(self) -> list[str]:
        """Every problem once: the values to map, then errors shared by several rows, then single rows."""
        place = f" ({self.where()})" if self.where() else ""
        return [self._unmatched_line(value, place) for value in self.unmatched] + self._error_lines(place)

    def _error_lines(self, place: str) -> list[str]:
        """Errors shared by several rows, largest groups first, then the single rows in their order."""
        lines, singles = [], []
        for group in self.error_groups or _group_errors(self.errors):
            if group["count"] > 1:
                column = f"Cột '{group['column']}'" if group["column"] else "Lỗi"
                lines.append(f"{column}{place}: {group['message']} — {group['count']} dòng: {group['rows']}.")
            else:
                singles.append(group)
        for group in sorted(singles, key=lambda g: int(g["rows"].split("–")[0] or 0) if g["rows"] else 0):
            column = f", cột '{group['column']}'" if group["column"] else ""
            lines.append(f"Dòng {group['rows']}{column}{place}: {group['message']}")
        return lines

    @staticmethod
    def _unmatched_line(value: dict, place: str) -> str:
        guess = f" Gần nhất: {value['guess_label']}." if value.get("guess_label") else ""
        return (
            f"Cột '{value['column']}'{place}: '{value['value']}' không có trong {value['catalogue']} — "
            f"{value['count']} dòng: {value['rows']}.{guess}"
        )


def authorize_import(user, org: Organization | None) -> None:
    """ImportFileError unless `user` may import into `org` (None: a whole tree, the superuser's): the table every
    write asks (accounts.grants), so the upload screen, the background job and the command line agree."""
    try:
        authorize(user, Permission.MANAGE_WITHIN, org)
    except PermissionDenied:
        who = user.get_username() if user is not None else "(không có)"
        where = org.name if org is not None else "cấp cao nhất"
        raise ImportFileError(f"Tài khoản {who} không được nhập dữ liệu vào {where}.") from None


def record_import(anchor, kind: str, report: "Report", *, note: str, **extra) -> None:
    """One audit entry for an import: the file (name, sha256), its counts and what else the kind adds. Each person
    changed has an entry of their own besides (the signals, or Importer._audit_updates for bulk updates)."""
    counts = {
        "kind": kind,
        "file": report.file_name,
        "sha256": report.sha256,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    write_entry("event", anchor, {"import": [None, {**counts, **extra}]}, note=note)


def _group_errors(errors: list[RowError]) -> list[dict]:
    """Groups of the listed errors, for reports whose importer did not group them as it went."""
    groups: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        groups.setdefault((error.column, error.message), []).append(error.row)
    return [
        {"column": column, "message": message, "count": len(rows), "rows": ranges(rows)}
        for (column, message), rows in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    ]


def _display(value) -> str:
    if hasattr(value, "strftime"):
        return ddmmyyyy(value)
    if value in (Gender.MALE, Gender.FEMALE):
        return str(Gender(value).label)
    return "" if value is None else str(value)


def _full_name(person: dict) -> str:
    return " ".join(p for p in (person.get("family_name"), person.get("middle_name"), person.get("given_name")) if p)


def _agrees(partial: str, given, recorded) -> bool:
    """A partial date says nothing against a full one recorded in its year (and month): "1975" and 12/03/1975."""
    if not recorded or recorded.year != given.year:
        return False
    return partial == cells.YEAR_ONLY or recorded.month == given.month


def _plain_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


Progress = Callable[[str, int, int | None], None]
Written = Callable[["Report"], None]


def units_within(org: Organization) -> dict[int, tuple[WorkUnit, Organization]]:
    """Active units whose staff belong to `org`'s subtree now, with the organisation covering each.

    Departments under a covered unit follow it unless their own coverage says otherwise, the rule of
    people.covering_organization, which decides each unit here so the import and the services agree.
    """
    ids = set(
        UnitCoverage.objects.filter(valid_to__isnull=True, organization__path__startswith=org.path).values_list(
            "unit_id", flat=True
        )
    )
    frontier = set(ids)
    while frontier:
        frontier = set(WorkUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    result = {}
    for unit in WorkUnit.objects.filter(pk__in=ids, dissolved_on__isnull=True).select_related("parent"):
        covering = covering_organization(unit)
        if covering is not None and covering.path.startswith(org.path):
            result[unit.pk] = (unit, covering)
    return result


def _aliases(kind: str) -> dict[str, list[str]]:
    """The other ways a code list's entries are written: its aliases and official title codes ("V.08.05.12")."""
    found = codelists.aliases(kind)
    for code, grades in codelists.official_codes(kind).items():
        found.setdefault(code, []).extend(grades.values())
    return found


def code_catalogues() -> dict[str, matching.Catalogue]:
    """The code lists as the import matches them: names, the aliases of codelists.json, grade suffixes."""
    items: dict[str, list[matching.Entry]] = defaultdict(list)
    for item in CodeItem.objects.filter(active=True).order_by("kind", "position"):
        items[item.kind].append(matching.Entry(item.pk, item.name, item.code))
    return {
        kind: matching.Catalogue(
            f"danh mục {CodeKind(kind).label}",
            items[kind],
            aliases=_aliases(kind),
            strip_grade=codelists.strip_grade if kind == CodeKind.PROFESSION else None,
        )
        for kind in CodeKind.values
    }


def catalogues_for(org: Organization, importer_class) -> dict[str, matching.Catalogue]:
    """The catalogues a roster kind's values are matched against, for naming a mapping's target."""
    importer = importer_class(org, Path(), saved_mapping={}, saved_values={})
    importer._prepare_catalogues()
    return importer.catalogues


class Importer:
    columns: list[Column] = STAFF_COLUMNS
    kind = "staff"
    kind_label = "danh sách nhân sự"

    def __init__(
        self,
        org: Organization,
        path: Path,
        *,
        name: str = "",
        user=None,
        dry_run: bool = False,
        progress: Progress | None = None,
        saved_mapping: dict[str, str] | None = None,
        saved_values: dict[str, dict[str, str]] | None = None,
        options: Options | None = None,
        on_written: Written | None = None,
    ):
        self.org = org
        self.path = Path(path)
        self.name = name or self.path.name
        self.user = user
        self.dry_run = dry_run
        self.options = options or Options()
        self.progress = progress or (lambda phase, done, total: None)
        # called inside the write transaction, after the last row: what it records commits with the rows or not at all
        self.on_written = on_written or (lambda report: None)
        self.saved_mapping = load_mapping(org, self.kind) if saved_mapping is None else saved_mapping
        self.saved_values = load_values(org, self.kind) if saved_values is None else saved_values
        self.report = Report(
            file_name=self.name,
            organization=org.code,
            dry_run=dry_run,
            partial=self.options.partial,
            accepted_identity_changes=self.options.accept_identity_changes,
        )
        self.today = today()
        self.groups: dict[tuple[str, str], list] = {}
        self._lookups: dict[tuple[str, str], object] = {}
        self.values: dict[tuple[str, str], dict] = {}
        self.notes: dict[str, list[int]] = defaultdict(list)

    # --- set-up ------------------------------------------------------------------------------------
    def _prepare_lookups(self) -> None:
        self._prepare_catalogues()
        scope_q = Q(organization__path__startswith=self.org.path) | Q(work_unit_id__in=list(self.units))
        self.staff_codes: dict[str, list[int]] = defaultdict(list)
        for pk, code in Person.objects.filter(scope_q).exclude(staff_code="").values_list("pk", "staff_code"):
            self.staff_codes[code].append(pk)

    def _prepare_catalogues(self) -> None:
        self.units = units_within(self.org)
        self.catalogues: dict[str, matching.Catalogue] = {
            "work_unit": matching.Catalogue(
                f"các khoa/phòng thuộc {self.org.name}",
                [matching.Entry(pk, u.name, u.code) for pk, (u, _o) in self.units.items()],
                units=True,
            )
        }
        codes = code_catalogues()
        for column in self.columns:
            if column.kind == "code":
                self.catalogues[column.field] = codes[column.code_kind]

    # --- pass 1 --------------------------------------------------------------------------------------
    def run(self) -> Report:
        started = time.monotonic()
        report = self.report
        try:
            authorize_import(self.user, self.org)
            roster = Roster(self.path, self.name, include_hidden=self.options.include_hidden)
            report.sheets = roster.visible_sheets() if roster.kind != "text" else []
            report.sha256 = file_sha256(self.path)
            self._prepare_lookups()
            with tempfile.TemporaryFile(prefix="ketnap-import-") as spill:
                self._validate(roster, spill)
                self._finish_report(roster)
                if report.ok and not self.dry_run:
                    spill.seek(0)
                    self._write(spill)  # sets report.written inside its transaction
        except ImportFileError as exc:
            report.file_error = str(exc)
        report.seconds = round(time.monotonic() - started, 2)
        return report

    def _locate(self, roster: Roster) -> tuple[Header, Iterator[tuple[int, tuple]]]:
        """The sheet and header row of the roster: the chosen sheet, else the first that holds one."""
        wanted = [self.options.sheet] if self.options.sheet else roster.visible_sheets() or [roster.sheets[0].name]
        for sheet in wanted:
            rows = roster.rows(sheet)
            head = list(islice(rows, HEADER_SEARCH_ROWS + 2))
            header = find_header(head, self.columns, self.saved_mapping, roster.merged)
            if header is not None:
                header.sheet = sheet
                rest = (item for item in head if item[0] > header.last_row)
                return header, chain(rest, rows)
        tried = f" (đã tìm trong các trang: {', '.join(wanted)})" if len(wanted) > 1 else ""
        labels = ", ".join(c.label for c in self.columns if c.field in {"full_name", "birth_date", "gender"})
        raise ImportFileError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp {self.name}{tried}: cần các "
            f"cột như {labels}, Khoa/phòng, Số CCCD hoặc Mã nhân viên."
        )

    def _check_columns(self, fields: set[str]) -> None:
        missing = []
        if "full_name" not in fields and not {"family_name", "given_name"} <= fields:
            missing.append("Họ và tên")
        if not {"birth_date", "birth_date_male", "birth_date_female"} & fields:
            missing.append("Ngày sinh")
        if not {"gender", "female_mark", "male_mark", "birth_date_male", "birth_date_female"} & fields:
            missing.append("Giới tính")
        if not {"citizen_id", "staff_code"} & fields:
            missing.append("Số CCCD hoặc Mã nhân viên")
        missing += self._missing_extra(fields)
        if missing:
            raise ImportFileError(
                f"Tệp {self.name} thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề {self.report.header_row}"
                + (f", trang '{self.report.sheet}'" if len(self.report.sheets) > 1 else "")
                + ")."
            )

    def _missing_extra(self, fields: set[str]) -> list[str]:
        return []

    def _validate(self, roster: Roster, spill) -> None:
        header, rows = self._locate(roster)
        self._take_header(header)
        self.classifier = Classifier(header)
        self._check_rows(rows, spill, roster.total)
        if not self.report.rows:
            raise ImportFileError(f"Tệp {self.name} không có dòng dữ liệu nào dưới dòng tiêu đề.")
        if "work_unit" not in header.fields and not self.classifier.kinds.groups:
            # a roster may name departments in group rows instead of a column; with neither, new people cannot go in
            self.report.notices.append("Tệp không có cột Khoa/phòng và không có dòng tên khoa/phòng: người mới cần có.")

    def _take_header(self, header: Header) -> None:
        """The columns the header names, told in the report; the file refused when a required one is missing."""
        report = self.report
        report.sheet, report.header_row = header.sheet, header.first_row
        found = header.found
        self.found = found
        self.headings = {i: header.headings[i] for i in found}
        report.columns = header.recognised()
        report.headings = header.read_as()
        report.ignored_headers = header.ignored()
        self._check_columns(header.fields)
        self.mark_kinds = {c.kind for c in found.values()} & {"female_mark", "male_mark"}
        self._unit_column_present = "work_unit" in header.fields
        self._group_cache: dict[str, dict] = {}
        self.seen_cid: dict[str, int] = {}
        self.seen_code: dict[str, int] = {}
        self.seen_pk: dict[int, int] = {}

    def _check_rows(self, rows: Iterator[tuple[int, tuple]], spill, total: int | None) -> None:
        """Every row under the header, parsed and checked; against the register a batch at a time."""
        report = self.report
        group = ""
        batch: list[tuple[int, dict]] = []
        for number, values in rows:
            kind, text = self.classifier.classify(number, values)
            if kind == "group":
                group = text
            if kind != "data":
                continue
            report.rows += 1
            parsed = self._parse_row(number, values, group)
            if parsed is not None:
                batch.append((number, parsed))
            if len(batch) >= BATCH:
                self._classify(batch, spill)
                batch = []
            if report.rows % BATCH == 0:
                self.progress("check", number, total)
        if batch:
            self._classify(batch, spill)
        self.progress("check", (total or report.rows), (total or report.rows))

    # --- one row -------------------------------------------------------------------------------------
    def _parse_row(self, number: int, values: tuple, group: str) -> dict | None:
        """The row's non-empty cells as model values; errors are reported and None returned."""
        report = self.report
        before = report.error_count
        result: dict = {"_partial": {}}
        self._unmatched_here = False
        for index, column in self.found.items():
            value = values[index] if index < len(values) else None
            if cells.is_empty(value):
                continue
            heading = self.headings[index]
            if isinstance(value, str) and value.lstrip().startswith("="):
                self._error(number, heading, f"ô chứa công thức '{quoted(value.strip(), 40)}'; hãy dán giá trị.")
                continue
            try:
                self._parse_cell(number, heading, column, value, result)
            except cells.CellError as exc:
                self._error(number, heading, str(exc))
        if group:
            self._from_group(number, group, result)
        self._marks(result)
        # duplicates are checked even on a row with other errors, so one run lists them all
        self._check_keys(number, result)
        if report.error_count > before or self._unmatched_here:
            return None
        return self._check_row(number, result)

    # what a group row above the people may name, and where it goes on their rows
    GROUP_FIELDS = {"work_unit": "work_unit_id"}

    def _from_group(self, number: int, group: str, result: dict) -> None:
        """Fill what the row leaves empty from the group row above it ("KHOA NỘI", "1. Chi bộ Khối Nội")."""
        found = self._group_cache.get(group)
        if found is None:
            found = self._group_cache[group] = self._group_values(group)
        for target, value in found.items():
            result.setdefault(target, value)
        if not found and "work_unit_id" not in result and not self._unit_column_present:
            # a department the catalogue does not know: asked once, like a value in a column
            column = next(c for c in self.columns if c.field == "work_unit")
            if self._lookup(number, "Khoa/phòng (dòng nhóm)", column, group) is UNMATCHED:
                self._unmatched_here = True

    def _group_values(self, group: str) -> dict:
        """What a group row's text names, in each catalogue GROUP_FIELDS looks in."""
        found = {}
        for name, target in self.GROUP_FIELDS.items():
            index = self.catalogues[name].find(group)
            if index is not None:
                found[target] = self.catalogues[name].entries[index].value
        return found

    def _error(self, number: int, column: str, message: str) -> None:
        self.report.add_error(number, column, message)
        key = (column, quoted(message, 300))
        group = self.groups.get(key)
        if group is None and len(self.groups) < MAX_GROUPS:
            group = self.groups[key] = [0, []]
        if group is not None:
            group[0] += 1
            if len(group[1]) < 200:
                group[1].append(number)

    def _parse_cell(self, number: int, heading: str, column: Column, value, result: dict) -> None:
        kind = column.kind
        if kind == "name":
            result["family_name"], result["middle_name"], result["given_name"] = cells.full_name(value)
            result["_full_name"] = normalize_name(cells.text(value))
        elif kind == "text":
            result[column.field] = (
                cells.name_part(value, column.max_length)
                if column.field in {"family_name", "middle_name", "given_name"}
                else cells.text(value, column.max_length)
            )
        elif kind in {"date", "birth_male", "birth_female"}:
            self._parse_date(number, heading, column, value, result)
        elif kind == "gender":
            result["gender"] = cells.gender(value)
        elif kind in {"female_mark", "male_mark"}:
            marked = cells.mark(value)
            result.setdefault("_marks", {})[kind] = marked
        elif kind == "member_mark":
            result["_member_mark"] = cells.mark(value)
        elif kind == "citizen_id":
            result["citizen_id"] = cells.citizen_id(value)
        elif kind in {"code", "unit"}:
            found = self._lookup(number, heading, column, value)
            target = "work_unit_id" if kind == "unit" else f"{column.field}_id"
            if found is UNMATCHED:
                self._unmatched_here = True
            elif found is not EMPTY:
                result[target] = found
        elif kind == "bool":
            result[column.field] = cells.boolean(value)
        elif kind == "phone":
            result["phone"] = cells.phone(value)
        elif kind == "email":
            result["email"] = cells.email(value)
        else:
            self._parse_extra(number, heading, column, value, result)

    def _parse_date(self, number: int, heading: str, column: Column, value, result: dict) -> None:
        day, partial = cells.date(value, not_after=self.today, today=self.today)
        target = "birth_date" if column.kind in {"birth_male", "birth_female"} else column.field
        if partial:
            if target in LEGAL_DATES:
                raise cells.CellError(
                    f"'{cells.shown(value)}' chưa đủ ngày, tháng, năm; ngày này có giá trị pháp lý nên ketnap không "
                    "tự điền."
                )
            result["_partial"][target] = partial
            self.notes[f"Cột '{heading}': {PARTIAL_NOTES[partial]}"].append(number)
        result[target] = day
        if column.kind == "birth_male":
            result["gender"] = Gender.MALE
        elif column.kind == "birth_female":
            result["gender"] = Gender.FEMALE

    def _marks(self, result: dict) -> None:
        """An x-column "Nữ" says female where marked and male where blank (and "Nam" the other way round)."""
        marks = result.pop("_marks", {})
        if "gender" in result or not self.mark_kinds:
            return
        if "female_mark" in self.mark_kinds:
            result["gender"] = Gender.FEMALE if marks.get("female_mark") else Gender.MALE
        else:
            result["gender"] = Gender.MALE if marks.get("male_mark") else Gender.FEMALE

    def _lookup(self, number: int, heading: str, column: Column, value):
        """The catalogue entry a cell means (its pk), EMPTY (mapped to nothing) or UNMATCHED (asked once)."""
        raw = cells.text(value)
        found = self._lookups.get((column.field, raw))  # a roster repeats the same few values down its rows
        if found is None:
            found = self._lookups[(column.field, raw)] = self._resolve(column, raw)
        if found is UNMATCHED:
            catalogue = self.catalogues[column.field]
            self._remember_unmatched(number, heading, column, raw, matching.key(raw), catalogue)
        return found

    def _resolve(self, column: Column, raw: str):
        catalogue = self.catalogues[column.field]
        saved = self.saved_values.get(column.field, {})
        key = matching.key(raw)
        if key in saved:
            if saved[key] == "":
                return EMPTY
            index = catalogue.by_reference(saved[key])
            if index is not None:
                return catalogue.entries[index].value
        index = catalogue.find(raw)
        return UNMATCHED if index is None else catalogue.entries[index].value

    def _remember_unmatched(self, number, heading, column, raw, key, catalogue) -> None:
        entry = self.values.get((column.field, key))
        if entry is None:
            if sum(1 for f, _k in self.values if f == column.field) >= MAX_VALUES:
                self.report.add_error(number, heading, f"'{quoted(raw)}' không có trong {catalogue.title}.")
                return
            guess = catalogue.guess(raw)
            entry = self.values[(column.field, key)] = {
                "field": column.field,
                "column": heading,
                "label": column.label,
                "catalogue": catalogue.title,
                "value": quoted(raw),
                "key": key,
                "count": 0,
                "row_list": [],
                "guess": catalogue.entries[guess].code if guess is not None else "",
                "guess_label": catalogue.entries[guess].label if guess is not None else "",
                "optional": column.field != "work_unit",
            }
        entry["count"] += 1
        if len(entry["row_list"]) < 200:
            entry["row_list"].append(number)
        self.report._note_row(number, f"{heading}: '{quoted(raw)}' chưa có trong {catalogue.title}")

    def _parse_extra(self, number: int, heading: str, column: Column, value, result: dict) -> None:
        raise cells.CellError(f"cột {column.label} không dùng khi nhập nhân sự.")

    def _heading(self, field_name: str) -> str:
        for index, column in self.found.items():
            if column.field == field_name or f"{column.field}_id" == field_name:
                return self.headings[index]
        if field_name in {"family_name", "given_name", "middle_name"}:
            return self._heading("full_name")
        if field_name == "birth_date":
            return self._heading("birth_date_male") or self._heading("birth_date_female")
        return ""

    def _check_keys(self, number: int, result: dict) -> None:
        cid, code = result.get("citizen_id"), result.get("staff_code")
        if cid:
            if cid in self.seen_cid:
                self._error(number, self._heading("citizen_id"), f"số CCCD {cid} trùng với dòng {self.seen_cid[cid]}.")
            else:
                self.seen_cid[cid] = number
        if code:
            if code in self.seen_code:
                self._error(
                    number, self._heading("staff_code"), f"mã nhân viên '{code}' trùng với dòng {self.seen_code[code]}."
                )
            else:
                self.seen_code[code] = number

    def _check_row(self, number: int, result: dict) -> dict | None:
        ok = True
        if not result.get("citizen_id") and not result.get("staff_code"):
            self._error(
                number, "", "cần Số CCCD hoặc Mã nhân viên để nhận ra người này khi nhập lại (không tạo trùng)."
            )
            ok = False
        if not result.get("given_name") or not result.get("family_name"):
            self._error(number, self._heading("full_name") or "Họ và tên", "thiếu họ và tên.")
            ok = False
        born, joined = result.get("birth_date"), result.get("joined_unit_on")
        if born and joined and joined < born:
            self._error(number, self._heading("joined_unit_on"), "ngày vào đơn vị trước ngày sinh.")
            ok = False
        return result if ok else None

    # --- against the register --------------------------------------------------------------------------
    def _existing(self, batch: list[tuple[int, dict]]) -> tuple[dict, dict]:
        """The people of the register the batch's rows may be: by CCCD, and by staff code within the scope."""
        cids = [r["citizen_id"] for _n, r in batch if r.get("citizen_id")]
        codes = [r["staff_code"] for _n, r in batch if r.get("staff_code")]
        by_cid = {p["citizen_id"]: p for p in Person.objects.filter(citizen_id__in=cids).values(*EXISTING_FIELDS)}
        by_code = self._people_by_code(codes)
        found = {p["pk"] for p in by_cid.values()} | {p["pk"] for ps in by_code.values() for p in ps}
        self.active_members = set(
            PartyMembership.objects.filter(person_id__in=found, status__in=MembershipStatus.active()).values_list(
                "person_id", flat=True
            )
        )
        return by_cid, by_code

    def _people_by_code(self, codes: list[str]) -> dict[str, list[dict]]:
        # staff_code has no index: its owners in the scope are read once (_staff_codes), rows here by pk
        pks = {pk for code in codes for pk in self.staff_codes.get(code, ())}
        by_pk = {p["pk"]: p for p in Person.objects.filter(pk__in=pks).values(*EXISTING_FIELDS)} if pks else {}
        return {
            code: [by_pk[pk] for pk in self.staff_codes[code] if pk in by_pk]
            for code in codes
            if code in self.staff_codes
        }

    def _in_scope(self, person: dict) -> bool:
        return (person["organization__path"] or "").startswith(self.org.path) or person["work_unit_id"] in self.units

    def _match(self, number: int, row: dict, by_cid: dict, by_code: dict) -> dict | bool | None:
        """The existing person this row is (None: a new person; False: an error was reported)."""
        cid, code = row.get("citizen_id"), row.get("staff_code")
        person = by_cid.get(cid) if cid else None
        if person is not None and not self._in_scope(person):
            self._error(
                number,
                self._heading("citizen_id"),
                f"số CCCD {cid} đã có trong hồ sơ một người ngoài {self.org.name}; ketnap không ghi đè. "
                "Người này cần được chuyển về đơn vị trước.",
            )
            return False
        coded = by_code.get(code, []) if code else []
        if coded:
            person = self._agree_with_code(number, person, cid, code, coded)
        return self._first_sighting(number, person) if isinstance(person, dict) else person

    def _agree_with_code(self, number: int, person: dict | None, cid: str, code: str, coded: list[dict]):
        """The person the staff code names, who must be the one the CCCD names (False: an error was reported)."""
        if person is None and len(coded) > 1:
            self._error(
                number,
                self._heading("staff_code"),
                f"mã nhân viên '{code}' đang dùng cho {len(coded)} người; hãy ghi thêm số CCCD để phân biệt.",
            )
            return False
        if person is not None:
            if all(p["pk"] != person["pk"] for p in coded):
                self._error(
                    number,
                    self._heading("staff_code"),
                    f"mã nhân viên '{code}' thuộc một người khác với người có số CCCD {cid}.",
                )
                return False
            return person
        person = coded[0]
        if cid and person["citizen_id"] and person["citizen_id"] != cid:
            self._error(
                number,
                self._heading("citizen_id"),
                f"mã nhân viên '{code}' đã thuộc người có số CCCD khác ({person['citizen_id']}).",
            )
            return False
        return person

    def _first_sighting(self, number: int, person: dict) -> dict | bool:
        """A person on one row of the file only (False: an error was reported)."""
        earlier = self.seen_pk.get(person["pk"])
        if earlier:
            self._error(number, "", f"cùng một người với dòng {earlier} (trùng CCCD hoặc mã nhân viên).")
            return False
        self.seen_pk[person["pk"]] = number
        return person

    def _changes(self, row: dict, person: dict) -> dict:
        """What the row changes on a person, without the noise a roster carries."""
        changes = {k: v for k, v in row.items() if k in PERSON_FIELDS and person.get(k) != v}
        if row.get("_full_name") and normalize_name(_full_name(person)) == row["_full_name"]:
            # the same full name: keep how the register splits it ("Ánh Dương" stays the given name)
            for part in ("family_name", "middle_name", "given_name"):
                changes.pop(part, None)
        for name, partial in row["_partial"].items():
            if name in changes and _agrees(partial, row[name], person.get(name)):
                changes.pop(name)
        return changes

    def _identity(self, number: int, person: dict, changes: dict) -> None:
        touched = [name for name in IDENTITY_FIELDS if name in changes]
        if not touched:
            return
        report = self.report
        report.identity_change_count += 1
        if len(report.identity_changes) < MAX_ERRORS:
            report.identity_changes.append(
                {
                    "row": number,
                    "name": _full_name(person),
                    "changes": [[IDENTITY_FIELDS[n], _display(person.get(n)), _display(changes[n])] for n in touched],
                }
            )

    def _classify(self, batch: list[tuple[int, dict]], spill) -> None:
        report = self.report
        by_cid, by_code = self._existing(batch)
        planned = []
        for number, row in batch:
            person = self._match(number, row, by_cid, by_code)
            if person is False:
                continue
            self._cross_check(number, row, person)
            entry = self._plan_create(number, row) if person is None else self._plan_update(number, row, person)
            if entry is not None:
                planned.append(entry)
        if not self.dry_run and (report.error_count == 0 or report.partial):
            pickle.dump(planned, spill, protocol=pickle.HIGHEST_PROTOCOL)

    def _plan_create(self, number: int, row: dict) -> tuple | None:
        missing = [label for name, label in REQUIRED_FOR_NEW.items() if not row.get(name)]
        if missing:
            self._error(number, "", f"người mới cần có {', '.join(missing)}.")
            return None
        self.report.created += 1
        self._sample("created", number, row, "")
        return ("create", number, _plain_row(row), None)

    def _plan_update(self, number: int, row: dict, person: dict) -> tuple | None:
        """What the row changes on the person (None: nothing, or an error was reported)."""
        changes = self._changes(row, person)
        extra = self._extra_changes(number, row, person)
        if extra is False:
            return None
        if not changes and not extra:
            self.report.unchanged += 1
            return None
        self._identity(number, person, changes)
        self.report.updated += 1
        before = {k: person.get(k) for k in changes}
        labels = sorted({self._label(k) for k in changes} | ({"Đảng viên"} if extra else set()))
        self._sample("updated", number, {**person, **row}, ", ".join(labels))
        return ("update", number, changes, person["pk"], extra or None, before)

    def _cross_check(self, number: int, row: dict, person: dict | None) -> None:
        """A "Đảng viên" x-column is compared with the register, never written (membership has its own road)."""
        if "_member_mark" not in row:
            return
        is_member = person is not None and person["pk"] in self.active_members
        if row["_member_mark"] and not is_member:
            self.notes["Ghi là đảng viên nhưng sổ đảng viên của ketnap chưa có (hãy nhập danh sách đảng viên)"].append(
                number
            )
        elif not row["_member_mark"] and is_member:
            self.notes["Sổ đảng viên có người này nhưng tệp không đánh dấu là đảng viên"].append(number)

    def _extra_changes(self, number: int, row: dict, person: dict):
        return None

    def _label(self, field_name: str) -> str:
        base = field_name.removesuffix("_id")
        if base in {"family_name", "middle_name", "given_name"}:
            return "Họ và tên"
        for column in self.columns:
            if column.field == base:
                return column.label
        return base

    def _sample(self, key: str, number: int, row: dict, detail: str) -> None:
        if len(self.report.samples[key]) < SAMPLES:
            name = " ".join(p for p in (row.get("family_name"), row.get("middle_name"), row.get("given_name")) if p)
            self.report.samples[key].append((number, name, detail))

    # --- the report --------------------------------------------------------------------------------------
    def _finish_report(self, roster: Roster) -> None:
        report = self.report
        self._tell_skipped(roster)
        for message, rows in self.notes.items():
            report.notices.append(f"{message} — {len(rows)} dòng: {ranges(rows)}.")
        for entry in self.values.values():
            entry["rows"] = ranges(entry.pop("row_list"))
            report.unmatched.append(entry)
        report.unmatched.sort(key=lambda e: (e["field"], -e["count"]))
        report.error_groups = [
            {"column": column, "message": message, "count": count, "rows": ranges(rows)}
            for (column, message), (count, rows) in sorted(self.groups.items(), key=lambda kv: -kv[1][0])
        ]
        if report.partial:
            report.rejected = report.blocked_rows

    def _tell_skipped(self, roster: Roster) -> None:
        """The rows and columns the import left out, and why, for the report."""
        report = self.report
        kinds = self.classifier.kinds
        place = f"Trang '{report.sheet}': d" if len(report.sheets) > 1 else "D"
        for rows, what in (
            (kinds.number_rows, "dòng đánh số cột, bỏ qua"),
            (kinds.repeated_headers, "dòng tiêu đề lặp lại, bỏ qua"),
            (kinds.totals, "dòng tổng cộng, bỏ qua"),
            (kinds.footer, "chân trang (người lập biểu, chữ ký), bỏ qua"),
        ):
            if rows:
                report.skipped.append(f"{place}òng {ranges(rows)}: {what}")
        if kinds.groups:
            names = ", ".join(quoted(text, 40) for _n, text in kinds.groups[:6]) + (
                ", …" if len(kinds.groups) > 6 else ""
            )
            report.skipped.append(
                f"{len(kinds.groups)} dòng tên nhóm ({names}): khoa/phòng của những người ngay dưới, nếu dòng của họ "
                "không ghi khoa/phòng"
            )
        hidden = roster.skipped.hidden_rows
        if hidden:
            report.skipped.append(
                f"{len(hidden)} dòng bị ẩn trong tệp ({ranges(hidden)}), thường là người đã nghỉ: không nhập. Muốn "
                "nhập cả dòng ẩn thì chọn “Nhập cả dòng ẩn” (dòng lệnh: --include-hidden)."
            )
        if roster.skipped.hidden_columns:
            report.skipped.append(f"{len(roster.skipped.hidden_columns)} cột bị ẩn trong tệp: không đọc.")

    # --- pass 2 ---------------------------------------------------------------------------------------
    def _batches(self, spill) -> Iterator[list]:
        while True:
            try:
                yield pickle.load(spill)
            except EOFError:
                return

    def _write(self, spill) -> None:
        report = self.report
        note = f"Nhập {self.kind_label} từ tệp {self.name}"
        done = 0
        self.progress("write", 0, report.created + report.updated)
        with acting(self.user, note=note), transaction.atomic():
            for planned in self._batches(spill):
                self._write_batch(planned)
                done += len(planned)
                self.progress("write", done, report.created + report.updated)
            record_import(
                self.org,
                self.kind,
                report,
                note=note,
                rejected=report.rejected,
                identity_changes=report.identity_change_count,
            )
            report.written = True
            self.on_written(report)

    def _write_batch(self, planned: list) -> None:
        new_people = self._create_people([p for p in planned if p[0] == "create"])
        updates = [p for p in planned if p[0] == "update"]
        if updates:
            self._update_people(updates)
        self._after_batch(planned, new_people)

    def _create_people(self, creates: list) -> list[Person]:
        """New people, each working at their unit from the day they joined it (else today)."""
        start = self.today
        new_people = []
        for _action, _number, row, _pk in creates:
            values = {k: v for k, v in row.items() if k in PERSON_FIELDS}
            person = Person(organization_id=self.units[values["work_unit_id"]][1].pk, **values)
            new_people.append(person.prepare())
        Person.objects.bulk_create(new_people, batch_size=500)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    person=p, unit_id=p.work_unit_id, job_title=p.job_title, valid_from=p.joined_unit_on or start
                )
                for p in new_people
            ],
            batch_size=500,
        )
        if new_people:  # bulk writes send no signal: say what the kept counts must follow (registry.counted)
            counted.announce(
                counted.people_changes([p.pk for p in new_people], min(p.joined_unit_on or start for p in new_people))
            )
        return new_people

    def _update_people(self, updates: list) -> None:
        people = Person.objects.in_bulk([p[3] for p in updates])
        before = {pk: (person.organization_id, person.work_unit_id) for pk, person in people.items()}
        self._audit_updates(updates, people)
        members = set(
            PartyMembership.objects.filter(
                person_id__in=list(people), status__in=MembershipStatus.active()
            ).values_list("person_id", flat=True)
        )
        moved: list[Person] = []
        fields: set[str] = set()
        for entry in updates:
            person = people[entry[3]]
            fields |= self._apply(person, entry[2], is_member=person.pk in members)
            if "work_unit_id" in entry[2]:
                moved.append(person)
        if moved:
            self._record_moves(moved, before)
        if fields:
            # attnames (work_unit_id) are accepted by get_field; the keys follow the name
            names = fields | {"sort_key", "search_text", "family_name", "middle_name", "given_name"}
            Person.objects.bulk_update(list(people.values()), sorted(names), batch_size=500)
            # no signal either: the pool's profile kept for today reads the fields just edited (stats.figures)
            counted.announce(counted.today_only({p.organization_id for p in people.values()}))
            counted.edited(people.keys())
        # a candidacy follows the person to the new chi bộ, as when the move is made on the person's page
        # (registry.signals.person_moved → pipeline.domain.follow_person); people on the road are few
        for person in moved:
            person_moved.send(sender=Person, person=person, on=self.today)

    def _apply(self, person: Person, changes: dict, *, is_member: bool) -> set[str]:
        """The row's changes set on the person; the fields to save."""
        for name, value in changes.items():
            setattr(person, name, value)
        fields = set(changes)
        if "work_unit_id" in changes and not is_member:  # a member stays with the cell of the membership
            person.organization_id = self.units[person.work_unit_id][1].pk
            fields.add("organization_id")
        person.prepare()
        return fields

    def _record_moves(self, moved: list[Person], before: dict[int, tuple[int, int]]) -> None:
        """The work-unit history of people moved to another unit: the current assignment closes, one at the new
        unit opens today; the counts of both sides follow."""
        start = self.today
        counted.announce(
            counted.today_only(chain.from_iterable((before[p.pk][0], p.organization_id) for p in moved)),
            counted.coverers({unit: start for p in moved for unit in (before[p.pk][1], p.work_unit_id)}),
        )
        Assignment.objects.filter(person__in=moved, valid_to__isnull=True, valid_from__lt=start).update(valid_to=start)
        Assignment.objects.filter(person__in=moved, valid_to__isnull=True, valid_from__gte=start).delete()
        Assignment.objects.bulk_create(
            [Assignment(person=p, unit_id=p.work_unit_id, job_title=p.job_title, valid_from=start) for p in moved]
        )

    def _audit_updates(self, updates: list, people: dict[int, Person]) -> None:
        """One entry per updated person, with the values before and after, so an overwritten birth date or
        religion can be read back (bulk_update bypasses the audit signals)."""
        for entry in updates:
            changes, pk, before = entry[2], entry[3], entry[5]
            if changes:
                write_entry(
                    "update",
                    people[pk],
                    {name: [audit_value(before.get(name)), audit_value(value)] for name, value in changes.items()},
                    person_id=pk,
                )

    def _after_batch(self, planned: list, new_people: list[Person]) -> None:
        pass


def audit_value(value):
    """A value as the audit trail stores it (dates as ISO text)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
