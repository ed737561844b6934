"""Importing a staff roster into an organisation: validate the whole file, then write all of it or nothing.

Two passes, bounded memory. Pass 1 streams the file once, checks every cell and every row against the file
(duplicate CCCD / staff codes) and the database (a batch of rows at a time), and spills the validated rows to
a temporary file: memory holds one batch plus the keys seen. Any error stops there and nothing is written.
Pass 2 (not for a dry run) reads the spill back and writes in one transaction with bulk operations, and records
ONE audit entry for the batch (counts, file name and sha256): an entry per person would take longer than the
import itself. Re-importing updates the person matched by CCCD, else by staff code within the organisation.
An empty cell leaves the existing value alone: a short roster never wipes what the register holds.
"""

import dataclasses
import hashlib
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from ketnap.audit.context import acting
from ketnap.audit.recorder import write_entry
from ketnap.imports import cells
from ketnap.imports.columns import IGNORED, STAFF_COLUMNS, Column, heading_key, match_headers
from ketnap.imports.models import saved_mapping as load_mapping
from ketnap.imports.reader import ImportFileError, Roster
from ketnap.registry.enums import CodeKind, MembershipStatus
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

BATCH = 1000
MAX_ERRORS = 500  # listed; the rest are counted
HEADER_SEARCH_ROWS = 20
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
REQUIRED_FOR_NEW = {"birth_date": "Ngày sinh", "gender": "Giới tính", "work_unit_id": "Khoa/phòng"}


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
    header_row: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)  # (heading in the file, ketnap's label)
    ignored_headers: list[str] = field(default_factory=list)
    headings: list[tuple[str, str, str]] = field(default_factory=list)  # (folded key, heading, field or "")
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    samples: dict[str, list[tuple[int, str, str]]] = field(default_factory=lambda: {"created": [], "updated": []})
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_count

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

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


class Importer:
    columns: list[Column] = STAFF_COLUMNS
    kind = "staff"

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
        on_written: Written | None = None,
    ):
        self.org = org
        self.path = Path(path)
        self.name = name or self.path.name
        self.user = user
        self.dry_run = dry_run
        self.progress = progress or (lambda phase, done, total: None)
        # called inside the write transaction, after the last row: what it records commits with the rows or not at all
        self.on_written = on_written or (lambda report: None)
        if saved_mapping is None:
            saved_mapping = load_mapping(org, self.kind)
        self.saved_mapping = saved_mapping
        self.report = Report(file_name=self.name, organization=org.code, dry_run=dry_run)
        self.today = today()

    # --- set-up ------------------------------------------------------------------------------------
    def _prepare_lookups(self) -> None:
        self.units = units_within(self.org)
        self.unit_lookup = cells.Lookup(
            f"các khoa/phòng thuộc {self.org.name}", [(u.code, u.name, pk) for pk, (u, _o) in self.units.items()]
        )
        items: dict[str, list] = defaultdict(list)
        for item in CodeItem.objects.filter(active=True).order_by("kind", "position"):
            items[item.kind].append((item.code, item.name, item.pk))
        self.code_lookups = {
            kind: cells.Lookup(f"danh mục {CodeKind(kind).label}", items[kind]) for kind in CodeKind.values
        }
        scope_q = Q(organization__path__startswith=self.org.path) | Q(work_unit_id__in=list(self.units))
        self.staff_codes: dict[str, list[int]] = defaultdict(list)
        for pk, code in Person.objects.filter(scope_q).exclude(staff_code="").values_list("pk", "staff_code"):
            self.staff_codes[code].append(pk)

    def _sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()

    # --- pass 1 --------------------------------------------------------------------------------------
    def run(self) -> Report:
        started = time.monotonic()
        report = self.report
        try:
            roster = Roster(self.path, self.name)
            report.sha256 = self._sha256()
            self._prepare_lookups()
            with tempfile.TemporaryFile(prefix="ketnap-import-") as spill:
                self._validate(roster, spill)
                if report.ok and not self.dry_run:
                    spill.seek(0)
                    self._write(spill)  # sets report.written inside its transaction
        except ImportFileError as exc:
            report.file_error = str(exc)
        report.seconds = round(time.monotonic() - started, 2)
        return report

    def _find_header(self, rows: Iterator[tuple[int, tuple]]) -> tuple[int, dict[int, Column], tuple]:
        best: tuple[int, dict, tuple] | None = None
        for count, (number, values) in enumerate(rows, start=1):
            found = match_headers(values, self.columns, self.saved_mapping)
            fields = {c.field for c in found.values()}
            if len(found) >= 3 and ({"full_name", "given_name"} & fields):
                return number, found, values
            if best is None or len(found) > len(best[1]):
                best = (number, found, values)
            if count >= HEADER_SEARCH_ROWS:
                break
        labels = ", ".join(c.label for c in self.columns if c.field in {"full_name", "birth_date", "gender"})
        raise ImportFileError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp {self.name}: cần các cột "
            f"như {labels}, Khoa/phòng, Số CCCD hoặc Mã nhân viên."
        )

    def _check_columns(self, found: dict[int, Column]) -> None:
        fields = {c.field for c in found.values()}
        missing = []
        if "full_name" not in fields and not {"family_name", "given_name"} <= fields:
            missing.append("Họ và tên")
        for name, label in (("birth_date", "Ngày sinh"), ("gender", "Giới tính"), ("work_unit", "Khoa/phòng")):
            if name not in fields:
                missing.append(label)
        if not {"citizen_id", "staff_code"} & fields:
            missing.append("Số CCCD hoặc Mã nhân viên")
        missing += self._missing_extra(fields)
        if missing:
            raise ImportFileError(
                f"Tệp {self.name} thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề {self.report.header_row})."
            )

    def _missing_extra(self, fields: set[str]) -> list[str]:
        return []

    def _validate(self, roster: Roster, spill) -> None:
        report = self.report
        rows = roster.rows()
        header_row, found, header_values = self._find_header(rows)
        report.header_row = header_row
        for first, last, ref in roster.merged:
            if first <= header_row <= last:
                raise ImportFileError(
                    f"Dòng tiêu đề (dòng {header_row}) có ô gộp {ref}. Hãy bỏ gộp ô (Unmerge) để mỗi cột có một "
                    "tiêu đề riêng trên một dòng, rồi nhập lại."
                )
        self.found = found
        self.headings = {i: str(header_values[i]).strip() for i in found}
        report.columns = [(self.headings[i], c.label) for i, c in sorted(found.items())]
        report.headings = [
            (heading_key(v), str(v).strip(), found[i].field if i in found else "")
            for i, v in enumerate(header_values)
            if not cells.is_empty(v)
        ]
        report.ignored_headers = [
            str(v).strip()
            for i, v in enumerate(header_values)
            if i not in found and not cells.is_empty(v) and heading_key(v) not in IGNORED
        ]
        self._check_columns(found)
        self.seen_cid: dict[str, int] = {}
        self.seen_code: dict[str, int] = {}
        self.seen_pk: dict[int, int] = {}
        batch: list[tuple[int, dict]] = []
        total = roster.total
        for number, values in rows:
            report.rows += 1
            parsed = self._parse_row(number, values)
            if parsed is not None:
                batch.append((number, parsed))
            if len(batch) >= BATCH:
                self._classify(batch, spill)
                batch = []
            if report.rows % BATCH == 0:
                self.progress("check", number, total)
        if batch:
            self._classify(batch, spill)
        self.progress("check", report.rows + header_row, report.rows + header_row)
        if not report.rows:
            raise ImportFileError(f"Tệp {self.name} không có dòng dữ liệu nào dưới dòng tiêu đề.")

    def _parse_row(self, number: int, values: tuple) -> dict | None:
        """The row's non-empty cells as model values; errors are reported and None returned."""
        report = self.report
        before = report.error_count
        result: dict = {}
        for index, column in self.found.items():
            value = values[index] if index < len(values) else None
            if cells.is_empty(value):
                continue
            heading = self.headings[index]
            if isinstance(value, str) and value.lstrip().startswith("="):
                report.add_error(
                    number,
                    heading,
                    f"ô chứa công thức '{value.strip()[:40]}'; ketnap chỉ nhận giá trị (chép rồi Dán đặc biệt → "
                    "Giá trị).",
                )
                continue
            try:
                self._parse_cell(column, value, result)
            except cells.CellError as exc:
                report.add_error(number, heading, str(exc))
        # duplicates are checked even on a row with other errors, so one run lists them all
        self._check_keys(number, result)
        if report.error_count > before:
            return None
        return self._check_row(number, result)

    def _parse_cell(self, column: Column, value, result: dict) -> None:
        kind = column.kind
        if kind == "name":
            result["family_name"], result["middle_name"], result["given_name"] = cells.full_name(value)
        elif kind == "text":
            result[column.field] = (
                cells.name_part(value, column.max_length)
                if column.field in {"family_name", "middle_name", "given_name"}
                else cells.text(value, column.max_length)
            )
        elif kind == "date":
            result[column.field] = cells.date(value, not_after=self.today)
        elif kind == "gender":
            result["gender"] = cells.gender(value)
        elif kind == "citizen_id":
            result["citizen_id"] = cells.citizen_id(value)
        elif kind == "code":
            result[f"{column.field}_id"] = self.code_lookups[column.code_kind](value)
        elif kind == "unit":
            result["work_unit_id"] = self.unit_lookup(value)
        elif kind == "bool":
            result[column.field] = cells.boolean(value)
        elif kind == "phone":
            result["phone"] = cells.phone(value)
        elif kind == "email":
            result["email"] = cells.email(value)
        else:
            self._parse_extra(column, value, result)

    def _parse_extra(self, column: Column, value, result: dict) -> None:
        raise cells.CellError(f"cột {column.label} không dùng khi nhập nhân sự.")

    def _heading(self, field_name: str) -> str:
        for index, column in self.found.items():
            if column.field == field_name or f"{column.field}_id" == field_name:
                return self.headings[index]
        if field_name in {"family_name", "given_name", "middle_name"}:
            return self._heading("full_name")
        return ""

    def _check_keys(self, number: int, result: dict) -> None:
        report = self.report
        cid, code = result.get("citizen_id"), result.get("staff_code")
        if cid:
            if cid in self.seen_cid:
                report.add_error(
                    number, self._heading("citizen_id"), f"số CCCD {cid} trùng với dòng {self.seen_cid[cid]}."
                )
            else:
                self.seen_cid[cid] = number
        if code:
            if code in self.seen_code:
                report.add_error(
                    number, self._heading("staff_code"), f"mã nhân viên '{code}' trùng với dòng {self.seen_code[code]}."
                )
            else:
                self.seen_code[code] = number

    def _check_row(self, number: int, result: dict) -> dict | None:
        report = self.report
        ok = True
        if not result.get("citizen_id") and not result.get("staff_code"):
            report.add_error(
                number, "", "cần Số CCCD hoặc Mã nhân viên để nhận ra người này khi nhập lại (không tạo trùng)."
            )
            ok = False
        if not result.get("given_name") or not result.get("family_name"):
            report.add_error(number, self._heading("full_name") or "Họ và tên", "thiếu họ và tên.")
            ok = False
        born, joined = result.get("birth_date"), result.get("joined_unit_on")
        if born and joined and joined < born:
            report.add_error(number, self._heading("joined_unit_on"), "ngày vào đơn vị trước ngày sinh.")
            ok = False
        return result if ok else None

    def _existing(self, batch: list[tuple[int, dict]]) -> tuple[dict, dict]:
        cids = [r["citizen_id"] for _n, r in batch if r.get("citizen_id")]
        codes = [r["staff_code"] for _n, r in batch if r.get("staff_code")]
        wanted = [*PERSON_FIELDS, "pk", "organization_id", "organization__path"]
        by_cid = {p["citizen_id"]: p for p in Person.objects.filter(citizen_id__in=cids).values(*wanted)}
        # staff_code has no index: its owners in the scope are read once (_staff_codes), rows here by pk
        pks = {pk for code in codes for pk in self.staff_codes.get(code, ())}
        by_pk = {p["pk"]: p for p in Person.objects.filter(pk__in=pks).values(*wanted)} if pks else {}
        by_code: dict[str, list[dict]] = {}
        for code in codes:
            if code in self.staff_codes:
                by_code[code] = [by_pk[pk] for pk in self.staff_codes[code] if pk in by_pk]
        return by_cid, by_code

    def _in_scope(self, person: dict) -> bool:
        return (person["organization__path"] or "").startswith(self.org.path) or person["work_unit_id"] in self.units

    def _match(self, number: int, row: dict, by_cid: dict, by_code: dict) -> dict | bool | None:
        """The existing person this row is (None: a new person; False: an error was reported)."""
        report = self.report
        cid, code = row.get("citizen_id"), row.get("staff_code")
        person = by_cid.get(cid) if cid else None
        if person is not None and not self._in_scope(person):
            report.add_error(
                number,
                self._heading("citizen_id"),
                f"số CCCD {cid} đã có trong hồ sơ một người ngoài {self.org.name}; ketnap không ghi đè. "
                "Người này cần được chuyển về đơn vị trước.",
            )
            return False
        coded = by_code.get(code, []) if code else []
        if person is None and len(coded) > 1:
            report.add_error(
                number,
                self._heading("staff_code"),
                f"mã nhân viên '{code}' đang dùng cho {len(coded)} người; hãy ghi thêm số CCCD để phân biệt.",
            )
            return False
        if coded and person is not None and all(p["pk"] != person["pk"] for p in coded):
            report.add_error(
                number,
                self._heading("staff_code"),
                f"mã nhân viên '{code}' thuộc một người khác với người có số CCCD {cid}.",
            )
            return False
        if person is None and coded:
            person = coded[0]
            if cid and person["citizen_id"] and person["citizen_id"] != cid:
                report.add_error(
                    number,
                    self._heading("citizen_id"),
                    f"mã nhân viên '{code}' đã thuộc người có số CCCD khác ({person['citizen_id']}).",
                )
                return False
        if person is not None:
            earlier = self.seen_pk.get(person["pk"])
            if earlier:
                report.add_error(number, "", f"cùng một người với dòng {earlier} (trùng CCCD hoặc mã nhân viên).")
                return False
            self.seen_pk[person["pk"]] = number
        return person

    def _classify(self, batch: list[tuple[int, dict]], spill) -> None:
        report = self.report
        by_cid, by_code = self._existing(batch)
        planned = []
        for number, row in batch:
            person = self._match(number, row, by_cid, by_code)
            if person is False:
                continue
            if person is None:
                missing = [label for name, label in REQUIRED_FOR_NEW.items() if not row.get(name)]
                if missing:
                    report.add_error(number, "", f"người mới cần có {', '.join(missing)}.")
                    continue
                report.created += 1
                planned.append(("create", number, row, None))
                self._sample("created", number, row, "")
            else:
                changes = {k: v for k, v in row.items() if k in PERSON_FIELDS and person.get(k) != v}
                extra = self._extra_changes(number, row, person)
                if extra is False:
                    continue
                if not changes and not extra:
                    report.unchanged += 1
                    continue
                report.updated += 1
                planned.append(("update", number, changes, person["pk"]) + ((extra,) if extra else ()))
                labels = sorted({self._label(k) for k in changes} | ({"Đảng viên"} if extra else set()))
                labels = ", ".join(labels)
                self._sample("updated", number, {**person, **row}, labels)
        if report.error_count == 0 and not self.dry_run:
            pickle.dump(planned, spill, protocol=pickle.HIGHEST_PROTOCOL)

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
            write_entry(
                "event",
                self.org,
                {
                    "import": [
                        None,
                        {
                            "kind": self.kind,
                            "file": self.name,
                            "sha256": report.sha256,
                            "rows": report.rows,
                            "created": report.created,
                            "updated": report.updated,
                            "unchanged": report.unchanged,
                        },
                    ]
                },
                note=note,
            )
            report.written = True
            self.on_written(report)

    kind_label = "danh sách nhân sự"

    def _write_batch(self, planned: list) -> None:
        creates = [p for p in planned if p[0] == "create"]
        updates = [p for p in planned if p[0] == "update"]
        start = self.today
        new_people = []
        for _action, _number, row, _pk in creates:
            values = {k: v for k, v in row.items() if k in PERSON_FIELDS}
            unit_id = values["work_unit_id"]
            person = Person(organization_id=self.units[unit_id][1].pk, **values)
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
        if updates:
            people = Person.objects.in_bulk([p[3] for p in updates])
            members = set(
                PartyMembership.objects.filter(
                    person_id__in=list(people), status__in=MembershipStatus.active()
                ).values_list("person_id", flat=True)
            )
            moved: list[Person] = []
            fields: set[str] = set()
            for entry in updates:
                changes, person = entry[2], people[entry[3]]
                for name, value in changes.items():
                    setattr(person, name, value)
                fields |= set(changes)
                if "work_unit_id" in changes:
                    moved.append(person)
                    if person.pk not in members:  # a member stays with the cell of the membership
                        person.organization_id = self.units[person.work_unit_id][1].pk
                        fields.add("organization_id")
                person.prepare()
            if moved:
                # the work-unit history: close the current assignment, open one at the new unit from today
                Assignment.objects.filter(person__in=moved, valid_to__isnull=True, valid_from__lt=start).update(
                    valid_to=start
                )
                Assignment.objects.filter(person__in=moved, valid_to__isnull=True, valid_from__gte=start).delete()
                Assignment.objects.bulk_create(
                    [
                        Assignment(person=p, unit_id=p.work_unit_id, job_title=p.job_title, valid_from=start)
                        for p in moved
                    ]
                )
            if fields:
                # attnames (work_unit_id) are accepted by get_field; the keys follow the name
                names = fields | {"sort_key", "search_text", "family_name", "middle_name", "given_name"}
                Person.objects.bulk_update(list(people.values()), sorted(names), batch_size=500)
        self._after_batch(planned, new_people)

    def _after_batch(self, planned: list, new_people: list[Person]) -> None:
        pass
