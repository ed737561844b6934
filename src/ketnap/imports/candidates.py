"""Importing the people already on the road: `ketnap import candidates FILE --org CODE [--dry-run] [--reason …]`.

When an office starts using ketnap, some of its staff are already outstanding non-members, sympathisers,
applicants or probationary members. One row per person says which steps they have taken and when; every step is
then recorded through the ONE entry point (pipeline.domain: create_candidate, receive_document, transition), in
date order, so the rules judge each step AS OF its own date and the due list is right from the first day.

The past cannot be changed. When a rule finds fault with a step that already happened (a 2023 vote short of two
thirds, a ceremony held late without a recorded consent, a certificate that had expired), the row is refused with
the rule's message and legal source, unless a reason is given: the row's "Lý do ghi nhận" cell, or a reason for
the whole file (`reason=`, the command's --reason). With a reason the step is recorded as it happened
(domain.transition(back_entry=True)), the findings it was accepted despite and the reason kept on the step and in
the audit trail, and the report counts it.

All or nothing: the whole file runs in ONE transaction, a savepoint per row, so every row is checked against the
database exactly as a real import would write it and every error of every row is listed; on a dry run or any
error the transaction is rolled back and nothing is written.

People are found among the staff already in the register within the organisation's scope (`--org`, a base
committee or a cell; the units units_within() gives, as the staff import), by Số CCCD, else Mã nhân viên, else
Họ và tên + Ngày sinh (one person only). Someone not there is an error: import the staff roster first.

Someone already followed (an open candidacy) or already a member is an error, except when ketnap already holds
everything the row says (same start date, every step of the row on the same date; steps recorded in ketnap since
then are fine): that row is "unchanged", so importing the same file twice creates nothing twice.

Columns (headings are compared without diacritics or case; a remark in brackets is ignored; STT, Ghi chú and a
row of column numbers "(1) (2) (3)…" are skipped; the heading row is found among the first 20 rows, and a
two-row heading — "Nghị quyết chi bộ" over "Ngày | Số | Biểu quyết" — reads as "Nghị quyết chi bộ: ngày" …):

  Who
    Họ và tên · Ngày sinh · Số CCCD · Mã nhân viên         identity (at least Số CCCD, Mã nhân viên or name + birth)
    Giai đoạn hiện tại     optional; checked against the stage the dated steps lead to
    Kết nạp lại            x / Có: a re-admission (needs the province standing committee's consent)
    Lý do ghi nhận         why a step the rules now fault is recorded anyway (overrides --reason for that row)
    Văn bản đồng ý của cấp trên   the consent a step needs (late ceremony, over 60, re-admission)
  Source and sympathiser
    Ngày vào danh sách quần chúng ưu tú   (empty: the earliest date of the row)
    Ngày nghị quyết cảm tình Đảng · Số nghị quyết cảm tình Đảng
    Đảng viên giúp đỡ quần chúng          official members (name or CCCD; several separated by ";")
    Đảng viên giúp đỡ                     one column for both: helper of the sympathiser, mentor after the ceremony
  Awareness course
    Ngày cấp giấy chứng nhận · Số giấy chứng nhận · Nơi cấp giấy chứng nhận   (CN-NTVĐ)
  Dossier (dates the papers were received)
    Ngày nộp đơn (1-KNĐ) · Ngày nộp lý lịch (2-KNĐ) · Ngày có kết quả thẩm tra lý lịch ·
    Ngày giới thiệu (3-KNĐ) · Ngày nghị quyết giới thiệu của Đoàn (4-KNĐ) ·
    Ngày nghị quyết giới thiệu của Công đoàn (4A-KNĐ) · Ngày tổng hợp ý kiến (5-KNĐ) ·
    Ngày hoàn thiện hồ sơ (every admission paper not dated on its own)
    Người giới thiệu 1 · Người giới thiệu 2   official members in scope (name or CCCD)
    Người giới thiệu 1: cùng công tác từ ngày · Người giới thiệu 2: cùng công tác từ ngày
        (empty: the later of the two people's "Ngày vào đơn vị" in the register)
  Resolutions and decisions ("…: biểu quyết" takes "5/7" = tán thành / tổng số)
    Nghị quyết chi bộ: ngày · số · tổng số đảng viên chính thức · số vắng được trừ · số tán thành · biểu quyết
    Thẩm định đảng ủy bộ phận: ngày · số                       (cells under a sub-committee)
    Nghị quyết đảng ủy cơ sở: ngày · số · số cấp ủy viên · số tán thành · biểu quyết   (not for a chi bộ cơ sở)
    Quyết định kết nạp: ngày · số · ngày chi bộ nhận · cấp ủy ban hành
    Ngày lễ kết nạp · Đảng viên giúp đỡ đảng viên dự bị
  Probation and recognition
    Ngày cấp giấy chứng nhận lớp đảng viên mới · Ngày nộp bản tự kiểm điểm (10-KNĐ) ·
    Ngày nhận xét của đảng viên giúp đỡ (11-KNĐ) · Ngày tổng hợp ý kiến khi xét chính thức (12-KNĐ) ·
    Ngày hoàn thiện hồ sơ công nhận chính thức (10-, 11-, 12-KNĐ not dated on their own)
    Nghị quyết chi bộ công nhận chính thức: ngày · số · tổng số đảng viên chính thức · số tán thành · biểu quyết
    Nghị quyết đảng ủy cơ sở công nhận chính thức: ngày · số · số cấp ủy viên · số tán thành · biểu quyết
    Quyết định công nhận chính thức: ngày · số · ngày chi bộ nhận · cấp ủy ban hành

Steps must follow the road without gaps (no decision without the resolutions before it) and their dates must not
go backwards. Ending outcomes (withdrawn, not admitted, removed) are not imported: they have their own screen.

The steps are recorded by `user`, whose permission the domain checks (accounts.grants, Permission.EDIT_PEOPLE: an
office, secretary or admin role over the chi bộ, or a superuser); without a user nothing can be recorded, so the
command line names one (--user), as `ketnap api-token` does.
"""

import dataclasses
import datetime as dt
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from ketnap.accounts.grants import Grants, Permission
from ketnap.audit.context import acting
from ketnap.imports import cells
from ketnap.imports.columns import Column, alias_table, heading_key
from ketnap.imports.engine import Report, RowError, record_import, units_within
from ketnap.imports.layout import HEADER_SEARCH_ROWS, Classifier, Header, find_header
from ketnap.imports.reader import ImportFileError, Roster, file_sha256
from ketnap.pipeline import domain
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, DocumentKind, IntroducerKind, Stage, StepKind
from ketnap.pipeline.models import Candidate
from ketnap.pipeline.transitions import TRANSITIONS
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import Organization, Person
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.vietnamese import fold

SAMPLES = 20

# The road, in order (pipeline.transitions); ending outcomes are not imported.
ROAD = (
    StepKind.SYMPATHISE,
    StepKind.CERTIFICATE,
    StepKind.CELL_RESOLUTION,
    StepKind.SUB_APPRAISAL,
    StepKind.COMMITTEE_RESOLUTION,
    StepKind.DECISION,
    StepKind.CEREMONY,
    StepKind.RECOGNITION_CELL_RESOLUTION,
    StepKind.RECOGNITION_COMMITTEE_RESOLUTION,
    StepKind.RECOGNITION_DECISION,
)
STEP_NAMES = {
    "create": "Vào danh sách quần chúng ưu tú",
    StepKind.SYMPATHISE: "Nghị quyết cảm tình Đảng",
    StepKind.CERTIFICATE: "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
    StepKind.CELL_RESOLUTION: "Nghị quyết chi bộ",
    StepKind.SUB_APPRAISAL: "Thẩm định của đảng ủy bộ phận",
    StepKind.COMMITTEE_RESOLUTION: "Nghị quyết đảng ủy cơ sở",
    StepKind.DECISION: "Quyết định kết nạp",
    StepKind.CEREMONY: "Lễ kết nạp",
    StepKind.RECOGNITION_CELL_RESOLUTION: "Nghị quyết chi bộ công nhận chính thức",
    StepKind.RECOGNITION_COMMITTEE_RESOLUTION: "Nghị quyết đảng ủy cơ sở công nhận chính thức",
    StepKind.RECOGNITION_DECISION: "Quyết định công nhận chính thức",
}
RECOGNITION_PAPERS = (DocumentKind.SELF_REVIEW, DocumentKind.MENTOR_REVIEW, DocumentKind.RECOGNITION_OPINIONS)
PAPERS = (
    DocumentKind.APPLICATION,
    DocumentKind.BIOGRAPHY,
    DocumentKind.VERIFICATION,
    DocumentKind.INTRODUCTION,
    DocumentKind.YOUTH_UNION,
    DocumentKind.TRADE_UNION,
    DocumentKind.OPINIONS,
    DocumentKind.NEW_MEMBER_COURSE,
    *RECOGNITION_PAPERS,
)


@dataclass(frozen=True)
class Col:
    key: str  # "cell_resolution.on", "doc.1-KNĐ", "citizen_id" …
    label: str  # the heading of ketnap's own template
    kind: str  # name, date, citizen_id, text, int, votes, person, people, stage, bool
    aliases: tuple[str, ...] = ()


def _resolution(step: str, title: str, total: str, aliases_on=(), excused: bool = False) -> list[Col]:
    cols = [
        Col(f"{step}.on", f"{title}: ngày", "date", (f"Ngày {title[0].lower()}{title[1:]}", *aliases_on)),
        Col(f"{step}.document_number", f"{title}: số", "text", (f"Số {title[0].lower()}{title[1:]}",)),
        Col(f"{step}.members_total", f"{title}: {total}", "int"),
        Col(f"{step}.votes_for", f"{title}: số tán thành", "int", (f"{title}: tán thành",)),
        Col(f"{step}.votes", f"{title}: biểu quyết", "votes", (f"{title}: kết quả biểu quyết",)),
    ]
    if excused:
        cols.append(Col(f"{step}.members_excused", f"{title}: số vắng được trừ", "int"))
    return cols


def _decision(step: str, title: str, aliases_on=(), aliases_number=()) -> list[Col]:
    return [
        Col(f"{step}.on", f"{title}: ngày", "date", (f"Ngày {title[0].lower()}{title[1:]}", *aliases_on)),
        Col(f"{step}.document_number", f"{title}: số", "text", (f"Số {title[0].lower()}{title[1:]}", *aliases_number)),
        Col(f"{step}.received_on", f"{title}: ngày chi bộ nhận", "date", (f"Ngày nhận {title[0].lower()}{title[1:]}",)),
        Col(f"{step}.issuer", f"{title}: cấp ủy ban hành", "text", (f"{title}: cơ quan ban hành",)),
    ]


COLUMNS: list[Col] = [
    Col("full_name", "Họ và tên", "name", ("Họ tên", "Họ và tên khai sinh")),
    Col("birth_date", "Ngày sinh", "date", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày")),
    Col(
        "citizen_id",
        "Số CCCD",
        "citizen_id",
        ("CCCD", "Căn cước", "Căn cước công dân", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"),
    ),
    Col("staff_code", "Mã nhân viên", "text", ("Mã NV", "Mã cán bộ", "Mã CB", "Mã CBVC", "Mã số")),
    Col("stage", "Giai đoạn hiện tại", "stage", ("Giai đoạn",)),
    Col("readmission", "Kết nạp lại", "bool"),
    Col("reason", "Lý do ghi nhận", "text", ("Lý do",)),
    Col("consent_document", "Văn bản đồng ý của cấp trên", "text", ("Văn bản đồng ý",)),
    Col(
        "source.on",
        "Ngày vào danh sách quần chúng ưu tú",
        "date",
        ("Ngày vào nguồn", "Ngày đưa vào nguồn", "Ngày vào danh sách nguồn", "Quần chúng ưu tú"),
    ),
    Col(
        "sympathise.on",
        "Ngày nghị quyết cảm tình Đảng",
        "date",
        ("Ngày chi bộ ra nghị quyết cảm tình Đảng", "Ngày vào danh sách cảm tình Đảng", "Cảm tình Đảng"),
    ),
    Col("sympathise.document_number", "Số nghị quyết cảm tình Đảng", "text"),
    Col("sympathise.helpers", "Đảng viên giúp đỡ quần chúng", "people", ("Người giúp đỡ quần chúng",)),
    Col("helper_any", "Đảng viên giúp đỡ", "person", ("Người giúp đỡ",)),
    Col(
        "certificate.on",
        "Ngày cấp giấy chứng nhận",
        "date",
        (
            "Ngày cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
            "Lớp bồi dưỡng nhận thức về Đảng",
            "Lớp bồi dưỡng nhận thức về Đảng: ngày cấp",
            "Ngày cấp CN-NTVĐ",
        ),
    ),
    Col(
        "certificate.document_number",
        "Số giấy chứng nhận",
        "text",
        ("Số CN-NTVĐ", "Lớp bồi dưỡng nhận thức về Đảng: số giấy chứng nhận", "Lớp bồi dưỡng nhận thức về Đảng: số"),
    ),
    Col(
        "certificate.issuer",
        "Nơi cấp giấy chứng nhận",
        "text",
        ("Cơ quan cấp giấy chứng nhận", "Lớp bồi dưỡng nhận thức về Đảng: nơi cấp"),
    ),
    Col("doc.1-KNĐ", "Ngày nộp đơn (1-KNĐ)", "date", ("Ngày nộp đơn xin vào Đảng", "Đơn xin vào Đảng", "1-KNĐ")),
    Col("doc.2-KNĐ", "Ngày nộp lý lịch (2-KNĐ)", "date", ("Lý lịch người xin vào Đảng", "Ngày nhận lý lịch", "2-KNĐ")),
    Col("doc.TTLL", "Ngày có kết quả thẩm tra lý lịch", "date", ("Thẩm tra lý lịch", "Ngày thẩm tra lý lịch")),
    Col("doc.3-KNĐ", "Ngày giới thiệu (3-KNĐ)", "date", ("Ngày giấy giới thiệu", "Giấy giới thiệu", "3-KNĐ")),
    Col("doc.4-KNĐ", "Ngày nghị quyết giới thiệu của Đoàn (4-KNĐ)", "date", ("4-KNĐ",)),
    Col("doc.4A-KNĐ", "Ngày nghị quyết giới thiệu của Công đoàn (4A-KNĐ)", "date", ("4A-KNĐ",)),
    Col("doc.5-KNĐ", "Ngày tổng hợp ý kiến (5-KNĐ)", "date", ("Ngày tổng hợp ý kiến nhận xét", "5-KNĐ")),
    Col("dossier.on", "Ngày hoàn thiện hồ sơ", "date", ("Ngày nhận đủ hồ sơ", "Ngày hoàn thiện hồ sơ kết nạp")),
    Col("introducer1", "Người giới thiệu 1", "person", ("Đảng viên giới thiệu 1", "Người giới thiệu thứ nhất")),
    Col("introducer2", "Người giới thiệu 2", "person", ("Đảng viên giới thiệu 2", "Người giới thiệu thứ hai")),
    Col("introducer1.together_since", "Người giới thiệu 1: cùng công tác từ ngày", "date"),
    Col("introducer2.together_since", "Người giới thiệu 2: cùng công tác từ ngày", "date"),
    *_resolution(
        StepKind.CELL_RESOLUTION,
        "Nghị quyết chi bộ",
        "tổng số đảng viên chính thức",
        ("Ngày chi bộ họp xét kết nạp",),
        excused=True,
    ),
    Col("sub_appraisal.on", "Thẩm định đảng ủy bộ phận: ngày", "date", ("Ngày thẩm định của đảng ủy bộ phận",)),
    Col("sub_appraisal.document_number", "Thẩm định đảng ủy bộ phận: số", "text"),
    *_resolution(StepKind.COMMITTEE_RESOLUTION, "Nghị quyết đảng ủy cơ sở", "số cấp ủy viên"),
    *_decision(StepKind.DECISION, "Quyết định kết nạp", ("Ngày vào Đảng",), ("Số QĐ kết nạp",)),
    Col("ceremony.on", "Ngày lễ kết nạp", "date", ("Ngày tổ chức lễ kết nạp", "Lễ kết nạp")),
    Col("ceremony.mentor", "Đảng viên giúp đỡ đảng viên dự bị", "person", ("Người giúp đỡ đảng viên dự bị",)),
    Col(
        "doc.CN-ĐVM",
        "Ngày cấp giấy chứng nhận lớp đảng viên mới",
        "date",
        ("Lớp bồi dưỡng đảng viên mới", "Giấy chứng nhận lớp đảng viên mới"),
    ),
    Col("doc.10-KNĐ", "Ngày nộp bản tự kiểm điểm (10-KNĐ)", "date", ("Bản tự kiểm điểm", "10-KNĐ")),
    Col("doc.11-KNĐ", "Ngày nhận xét của đảng viên giúp đỡ (11-KNĐ)", "date", ("11-KNĐ",)),
    Col("doc.12-KNĐ", "Ngày tổng hợp ý kiến khi xét chính thức (12-KNĐ)", "date", ("12-KNĐ",)),
    Col("recognition.dossier_on", "Ngày hoàn thiện hồ sơ công nhận chính thức", "date"),
    *_resolution(
        StepKind.RECOGNITION_CELL_RESOLUTION, "Nghị quyết chi bộ công nhận chính thức", "tổng số đảng viên chính thức"
    ),
    *_resolution(
        StepKind.RECOGNITION_COMMITTEE_RESOLUTION, "Nghị quyết đảng ủy cơ sở công nhận chính thức", "số cấp ủy viên"
    ),
    *_decision(StepKind.RECOGNITION_DECISION, "Quyết định công nhận chính thức"),
]


BY_KEY = {c.key: c for c in COLUMNS}
# the same columns as imports.layout finds headers by (a date or a CCCD makes a row a person's row)
LAYOUT_KINDS = {"date": "date", "citizen_id": "citizen_id", "name": "name"}
LAYOUT_COLUMNS = [Column(c.key, c.label, LAYOUT_KINDS.get(c.kind, "text"), c.aliases) for c in COLUMNS]
ALIASES = {key: BY_KEY[column.field] for key, (column, _rank) in alias_table(LAYOUT_COLUMNS).items()}


def _stage_names() -> dict[str, str]:
    names = {fold(str(s.label)): s.value for s in Stage} | {s.value: s.value for s in Stage}
    names.update(
        {
            "nguon": Stage.SOURCE,
            "quan chung": Stage.SOURCE,
            "cam tinh": Stage.SYMPATHISER,
            "danh sach cam tinh dang": Stage.SYMPATHISER,
            "ho so": Stage.DOSSIER,
            "dang hoan thien ho so": Stage.DOSSIER,
            "da co giay chung nhan": Stage.DOSSIER,
            "chi bo da xet": Stage.CELL_RESOLVED,
            "dang uy co so da xet": Stage.COMMITTEE_RESOLVED,
            "co quyet dinh ket nap": Stage.DECIDED,
            "du bi": Stage.PROBATION,
            "chinh thuc": Stage.OFFICIAL,
        }
    )
    return names


STAGE_NAMES = _stage_names()
_SPLIT_PEOPLE = re.compile(r"[;\n]+|,(?!\d)")


class RowFailed(Exception):
    """The row had errors (already reported): roll its savepoint back and go on with the next row."""


@dataclass
class CandidateRowError(RowError):
    """An error of one row: "Dòng 7 (Trần Thị Bình), bước 'Nghị quyết chi bộ' ngày 12/03/2024: … (source)"."""

    person: str = ""
    step: str = ""
    on: str = ""

    def __str__(self) -> str:
        if not self.row:
            return self.message
        text = f"Dòng {self.row}" + (f" ({self.person})" if self.person else "")
        if self.step:
            text += f", bước '{self.step}'" + (f" ngày {self.on}" if self.on else "")
        elif self.column:
            text += f", cột '{self.column}'"
        return f"{text}: {self.message}"


@dataclass
class CandidateReport(Report):
    """engine.Report plus what a candidates import tells: candidates per stage, rows accepted with a reason.

    created: candidates created (would be, on a dry run); unchanged: rows that say what ketnap already holds.
    samples: "created" (row, name, stage), "accepted" (row, name, "step: reason").
    """

    stages: dict[str, int] = field(default_factory=dict)  # stage → candidates created at it
    accepted: int = 0  # rows with steps recorded despite a rule, with a reason

    def __post_init__(self):
        self.samples.setdefault("accepted", [])

    def add_error(self, row: int, column: str, message: str, *, person: str = "", step: str = "", on: str = "") -> None:
        self.error_count += 1
        error = CandidateRowError(row, column, message, person, step, on)
        if len(self.errors) < 500:
            self.errors.append(error)
        note_row = getattr(self, "_note_row", None)  # the roster report's per-row messages (its error file), if any
        if note_row is not None:
            note_row(row, str(error))

    def grouped_lines(self) -> list[str]:
        """Every error on its own line, in row order: a candidate's errors are about that person's steps."""
        return [str(e) for e in sorted(self.errors, key=lambda e: e.row)]

    @classmethod
    def from_json(cls, data: dict) -> "CandidateReport":
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["errors"] = [CandidateRowError(**e) for e in values.get("errors", [])]
        return cls(**values)

    def errors_by_row(self) -> list[tuple[int, str, list[str]]]:
        """(row, person, messages) in row order, for a page that groups the errors of each row."""
        grouped: dict[int, tuple[str, list[str]]] = {}
        for error in self.errors:
            _person, messages = grouped.setdefault(error.row, (getattr(error, "person", ""), []))
            messages.append(str(error))
        return [(row, person, messages) for row, (person, messages) in sorted(grouped.items())]

    def stage_counts(self) -> list[tuple[str, int]]:
        """(stage label, count) in the order of the road."""
        return [(str(s.label), self.stages[s.value]) for s in Stage if self.stages.get(s.value)]

    def summary(self) -> str:
        verb = "sẽ thêm" if self.dry_run or not self.written else "đã thêm"
        stages = ", ".join(f"{label}: {n}" for label, n in self.stage_counts())
        text = f"{self.rows} dòng: {verb} {self.created} người vào theo dõi phát triển đảng viên"
        text += f" ({stages})" if stages else ""
        text += f"; {self.accepted} dòng ghi nhận kèm lý do; {self.unchanged} người không thay đổi"
        return text


def _fmt(day: dt.date | None) -> str:
    return ddmmyyyy(day) if day else ""


@dataclass
class Event:
    on: dt.date
    rank: int  # same day: papers and introducers (0) before the steps (1), steps in the road's order
    kind: str  # "doc", "intro", a transition name
    payload: dict


Progress = Callable[[str, int, int | None], None]


class CandidateImporter:
    kind = "candidates"
    kind_label = "quá trình phát triển đảng viên"

    def __init__(
        self,
        org: Organization,
        path: Path,
        *,
        name: str = "",
        user=None,
        dry_run: bool = False,
        reason: str = "",
        progress: Progress | None = None,
        on_written: Callable[[Report], None] | None = None,
    ):
        self.org = org
        self.path = Path(path)
        self.name = name or self.path.name
        self.user = user
        self.dry_run = dry_run
        self.reason = " ".join((reason or "").split())[:300]
        self.progress = progress or (lambda phase, done, total: None)
        self.on_written = on_written or (lambda report: None)
        self.report = CandidateReport(file_name=self.name, organization=org.code, dry_run=dry_run)
        self.today = today()

    # --- entry point --------------------------------------------------------------------------------------
    def run(self) -> CandidateReport:
        started = time.monotonic()
        report = self.report
        try:
            if self.user is None or not getattr(self.user, "is_authenticated", False):
                raise ImportFileError(
                    "Nhập quá trình phát triển đảng viên cần tài khoản người nhập (dòng lệnh: --user TÊN): mỗi bước "
                    "được kiểm tra quyền và ghi tên người ghi nhận như khi làm trên màn hình."
                )
            if not Grants(self.user).may(Permission.EDIT_PEOPLE, self.org):  # as every step it records asks
                raise ImportFileError(f"Tài khoản {self.user.get_username()} không được ghi hồ sơ của {self.org.name}.")
            roster = Roster(self.path, self.name)
            report.sha256 = file_sha256(self.path)
            rows = list(roster.rows())
            data_rows = self._header(rows, roster)
            self._prepare()
            self._run_rows(data_rows)
        except ImportFileError as exc:
            report.file_error = str(exc)
        report.seconds = round(time.monotonic() - started, 2)
        return report

    # --- heading --------------------------------------------------------------------------------------------
    def _header(self, rows: list[tuple[int, tuple]], roster) -> list[tuple[int, tuple]]:
        """The header (imports.layout, as for the rosters of people: a two-row heading "Nghị quyết chi bộ" over
        "Ngày | Số | Biểu quyết" reads "Nghị quyết chi bộ / Ngày") and the rows of people under it (totals,
        signatures, group headings and the column-number row left out)."""
        report = self.report
        header = find_header(rows[: HEADER_SEARCH_ROWS + 2], LAYOUT_COLUMNS, None, roster.merged)
        if header is None:
            raise ImportFileError(
                f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu của tệp {self.name}: cần cột Họ và "
                "tên, Số CCCD hoặc Mã nhân viên, và các cột ngày của từng bước (ví dụ Ngày vào danh sách quần chúng "
                "ưu tú, Nghị quyết chi bộ: ngày, Ngày lễ kết nạp)."
            )
        self._take_header(header)
        keys = {c.key for c in self.found.values()}
        if not keys & {"citizen_id", "staff_code"} and not {"full_name", "birth_date"} <= keys:
            raise ImportFileError(
                f"Tệp {self.name} cần cột Số CCCD, Mã nhân viên, hoặc Họ và tên cùng Ngày sinh để nhận ra từng người "
                f"(dòng tiêu đề {report.header_row})."
            )
        classifier = Classifier(header)
        data = [(n, v) for n, v in rows if n > header.last_row and classifier.classify(n, v)[0] == "data"]
        if not data:
            raise ImportFileError(f"Tệp {self.name} không có dòng dữ liệu nào dưới dòng tiêu đề.")
        return data

    def _take_header(self, header: Header) -> None:
        """The columns the header names, each read as one of this importer's columns, told in the report."""
        report = self.report
        report.header_row = header.first_row
        self.found = {i: BY_KEY[c.field] for i, c in header.found.items()}
        self.headings = {i: header.headings[i] for i in self.found}
        report.columns = [(self.headings[i], c.label) for i, c in sorted(self.found.items())]
        report.headings = [
            (heading_key(h), h, self.found[i].key if i in self.found else "")
            for i, h in enumerate(header.headings)
            if h
        ]
        report.ignored_headers = header.ignored()

    # --- lookups ---------------------------------------------------------------------------------------------
    def _prepare(self) -> None:
        self.units = units_within(self.org)
        self.scope_q = Q(organization__path__startswith=self.org.path) | Q(work_unit_id__in=list(self.units))
        self.member_cache: dict[str, Person | str] = {}
        self.seen: dict[int, int] = {}

    def _in_scope(self, person: Person) -> bool:
        org = person.organization
        return bool(org and org.path.startswith(self.org.path)) or person.work_unit_id in self.units

    def _member(self, value) -> Person | str:
        """An official member in scope named by CCCD or full name; a str is the reason it was not found."""
        raw = cells.text(value)
        if raw not in self.member_cache:
            people = Person.objects.filter(self.scope_q).select_related("organization")
            digits = "".join(raw.replace(".", "").split())
            found = self._member_by_citizen_id(value, people) if digits.isdigit() else self._member_by_name(raw, people)
            self.member_cache[raw] = found
        return self.member_cache[raw]

    def _member_by_citizen_id(self, value, people) -> Person | str:
        try:
            cid = cells.citizen_id(value)
        except cells.CellError as exc:
            return str(exc)
        found = list(people.filter(citizen_id=cid))
        return found[0] if found else f"không có ai số CCCD {cid} trong {self.org.name}."

    def _member_by_name(self, raw: str, people) -> Person | str:
        key = fold(raw)
        matches = [p for p in people.search(raw) if fold(p.full_name) == key]
        members = [p for p in matches if p.memberships.filter(status__in=MembershipStatus.active()).exists()]
        if len(members) == 1:
            return members[0]
        if len(members) > 1:
            ids = ", ".join(p.citizen_id or "?" for p in members)
            return f"'{raw}': {len(members)} đảng viên cùng tên trong {self.org.name}; hãy ghi số CCCD ({ids})."
        if matches:
            return f"'{raw}' không phải đảng viên."
        return f"không có đảng viên '{raw}' trong {self.org.name}."

    # --- rows ------------------------------------------------------------------------------------------------
    def _run_rows(self, rows: list[tuple[int, tuple]]) -> None:
        report = self.report
        total = len(rows)
        note = f"Nhập {self.kind_label} từ tệp {self.name}"
        with acting(self.user, note=note), transaction.atomic():
            for done, (number, values) in enumerate(rows, start=1):
                report.rows += 1
                self._row(number, values)
                self.progress("check", done, total)
            if report.ok and not self.dry_run:
                self.progress("write", total, total)
                record_import(
                    self.org,
                    self.kind,
                    report,
                    note=note,
                    accepted=report.accepted,
                    reason=self.reason,
                    stages=report.stages,
                )
                report.written = True
                self.on_written(report)
            else:
                transaction.set_rollback(True)  # a dry run, or an error: nothing of the file is kept

    def _row(self, number: int, values: tuple) -> None:
        report = self.report
        before = report.error_count
        row = self._parse(number, values)
        name = row.get("full_name") or ""
        self.person_name = name
        if report.error_count > before:
            return
        person = self._identify(number, row)
        if person is None:
            return
        self.person_name = person.full_name
        plan = self._plan(number, row, person)
        if plan is None:
            return
        start, events, expected = plan
        if self._unchanged(number, person, start, events, expected):
            report.unchanged += 1
            return
        if report.error_count > before:
            return
        try:
            with transaction.atomic():
                accepted = self._record(number, row, person, start, events)
                if report.error_count > before:
                    raise RowFailed
        except RowFailed:
            return
        self._count_recorded(number, person, expected, accepted)

    def _count_recorded(self, number: int, person: Person, stage: str, accepted: list[str]) -> None:
        """A row recorded: counted by the stage it reached, and among those accepted with a reason if any was."""
        report = self.report
        report.created += 1
        report.stages[Stage(stage).value] = report.stages.get(Stage(stage).value, 0) + 1
        if len(report.samples["created"]) < SAMPLES:
            report.samples["created"].append((number, person.full_name, str(Stage(stage).label)))
        if accepted:
            report.accepted += 1
            if len(report.samples["accepted"]) < SAMPLES:
                report.samples["accepted"].append((number, person.full_name, "; ".join(accepted)))

    def _error(self, number: int, message: str, *, column: str = "", step: str = "", on: dt.date | None = None):
        self.report.add_error(number, column, message, person=self.person_name, step=step, on=_fmt(on))

    def _parse(self, number: int, values: tuple) -> dict:
        row: dict = {}
        self.person_name = ""
        for index, column in self.found.items():
            value = values[index] if index < len(values) else None
            if cells.is_empty(value):
                continue
            try:
                row[column.key] = self._cell(column, value)
            except cells.CellError as exc:
                if "full_name" in row:
                    self.person_name = " ".join(p for p in row["full_name"] if p)
                self._error(number, str(exc), column=self.headings[index])
        if "full_name" in row:
            row["full_name"] = " ".join(p for p in row["full_name"] if p)
        return row

    def _cell(self, column: Col, value):
        kind = column.kind
        if kind == "name":
            return cells.full_name(value)
        if kind == "date":
            day, partial = _date(value, self.today)
            if column.key == "birth_date":
                return day, partial  # identifies: a year (or month) alone is compared as such
            if partial:
                raise cells.CellError(
                    f"'{cells.shown(value)}' chưa đủ ngày, tháng, năm: ngày của một bước phải ghi đủ (dd/mm/yyyy), vì "
                    "thời hạn, tuổi và thời gian dự bị tính theo ngày."
                )
            return day
        if kind == "citizen_id":
            return cells.citizen_id(value)
        if kind == "text":
            return cells.text(value, 255)
        if kind == "int":
            return _count(value)
        if kind == "votes":
            text = cells.shown(value).strip()
            match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", text)
            if not match:
                raise cells.CellError(f"'{text}' không phải kết quả biểu quyết; ghi số tán thành/tổng số, ví dụ 5/7.")
            return int(match.group(1)), int(match.group(2))
        if kind == "bool":
            return cells.boolean(value)
        if kind == "stage":
            stage = STAGE_NAMES.get(fold(cells.shown(value)))
            if stage is None or stage in {Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED}:
                known = "; ".join(str(s.label) for s in Stage.board())
                raise cells.CellError(f"'{cells.shown(value)}' không phải giai đoạn nhập được ({known}).")
            return stage
        if kind in {"person", "people"}:
            return cells.text(value, 500)
        raise cells.CellError(f"cột {column.label} không dùng ở đây.")  # pragma: no cover

    def _identify(self, number: int, row: dict) -> Person | None:
        found = self._find_person(number, row)
        if found is None:
            return None
        person, how = found
        if person is None:
            self._error(
                number,
                f"không có trong danh sách nhân sự của {self.org.name} (tìm theo {how}). Hãy nhập danh sách nhân sự "
                "trước (ketnap import staff, hoặc trang Nhập danh sách), rồi nhập lại tệp này.",
            )
            return None
        return person if self._is_usable(number, row, person, how) else None

    def _find_person(self, number: int, row: dict) -> tuple[Person | None, str] | None:
        """The person the row names and how they were looked for (None: an error was reported): by CCCD, else by
        staff code, else by full name and birth date."""
        people = Person.objects.select_related("organization", "organization__parent")
        if row.get("citizen_id"):
            return self._by_citizen_id(number, people, row["citizen_id"])
        if row.get("staff_code"):
            return self._by_staff_code(number, people, row["staff_code"])
        if row.get("full_name") and row.get("birth_date"):
            return self._by_name_and_birth(number, people, row["full_name"], row["birth_date"])
        self._error(number, "cần Số CCCD, Mã nhân viên, hoặc Họ và tên cùng Ngày sinh để nhận ra người này.")
        return None

    def _by_citizen_id(self, number: int, people, cid: str) -> tuple[Person | None, str] | None:
        person = people.filter(citizen_id=cid).first()
        if person is not None and not self._in_scope(person):
            self._error(number, f"số CCCD {cid} là của một người ngoài {self.org.name}; ketnap không nhập.")
            return None
        return person, f"số CCCD {cid}"

    def _by_staff_code(self, number: int, people, code: str) -> tuple[Person | None, str] | None:
        found = list(people.filter(self.scope_q, staff_code=code)[:3])
        if len(found) > 1:
            self._error(number, f"mã nhân viên '{code}' đang dùng cho nhiều người; hãy ghi số CCCD.")
            return None
        return (found[0] if found else None), f"mã nhân viên '{code}'"

    def _by_name_and_birth(self, number: int, people, name: str, born) -> tuple[Person | None, str] | None:
        (day, partial), same_birth = born, Q(birth_date=born[0])
        how = f"họ tên và ngày sinh {_fmt(day)}"
        if partial:  # only the year (or the month) is known: compare what is known
            how = f"họ tên và năm sinh {day.year}"
            same_birth = Q(birth_date__year=day.year) & (Q(birth_date__month=day.month) if partial != "year" else Q())
        found = [p for p in people.filter(self.scope_q, same_birth) if fold(p.full_name) == fold(name)]
        if len(found) > 1:
            self._error(number, f"có {len(found)} người cùng họ tên và ngày sinh; hãy ghi số CCCD.")
            return None
        return (found[0] if found else None), how

    def _is_usable(self, number: int, row: dict, person: Person, how: str) -> bool:
        """Still at work, the person the row names, and on no earlier row of the file."""
        name = row.get("full_name")
        if person.left_on or person.archived_at:
            self._error(number, f"{person.full_name} đã thôi việc hoặc đã được lưu trữ trong danh sách nhân sự.")
            return False
        if name and fold(person.full_name) != fold(name):
            self._error(number, f"{how} là của {person.full_name}, không phải {name}.")
            return False
        earlier = self.seen.get(person.pk)
        if earlier:
            self._error(number, f"cùng một người với dòng {earlier}.")
            return False
        self.seen[person.pk] = number
        return True

    # --- the plan of a row: its steps in date order -----------------------------------------------------------
    def _plan(self, number: int, row: dict, person: Person) -> tuple[dt.date, list[Event], str] | None:
        before = self.report.error_count
        if person.organization is None or not person.organization.is_cell:
            self._error(number, f"khoa/phòng của {person.full_name} chưa có chi bộ phụ trách.")
            return None
        steps = {name: row[f"{name}.on"] for name in ROAD if f"{name}.on" in row}
        given = self._given_steps(number, person.organization, steps)
        papers = self._papers(row)
        start = self._start(number, row, steps, given, papers)
        if start is None:
            return None
        expected = self._expected_stage(number, row, given)
        events = [Event(on, 0, "doc", {"kind": kind}) for kind, on in papers.items()]
        events += self._introducers(number, row, person, papers)
        events += [Event(steps[name], 1 + ROAD.index(name), name, self._step_data(number, name, row)) for name in given]
        if self.report.error_count > before:
            return None
        events.sort(key=lambda e: (e.on, e.rank))
        return start, events, expected

    def _expected_stage(self, number: int, row: dict, given: list[str]) -> str:
        """The stage the dated steps lead to, which a Giai đoạn column must agree with."""
        expected = TRANSITIONS[given[-1]].target if given else Stage.SOURCE
        if row.get("stage") and row["stage"] != expected:
            self._error(
                number,
                f"giai đoạn ghi '{Stage(row['stage']).label}' nhưng các bước có ngày trong tệp đưa đến "
                f"'{Stage(expected).label}'.",
                column=self._heading("stage"),
            )
        return expected

    def _given_steps(self, number: int, organization: Organization, steps: dict[str, dt.date]) -> list[str]:
        """The steps the file dates, in the order of the road of this chi bộ's kind; a step off that road, a gap
        before the last one given or a step dated before the one before it is an error."""
        shape = SimpleNamespace(organization=organization)
        road = [name for name in ROAD if TRANSITIONS[name].applies(shape)]
        for name in steps:
            if name not in road:
                self._error(
                    number,
                    f"không áp dụng cho {organization.name} ({organization.get_kind_display().lower()}).",
                    step=STEP_NAMES[name],
                    on=steps[name],
                )
        given = [name for name in road if name in steps]
        if given:
            self._check_no_gap(number, road, steps, given[-1])
        self._check_step_order(number, steps, given)
        return given

    def _check_no_gap(self, number: int, road: list[str], steps: dict, last: str) -> None:
        missing = [name for name in road[: road.index(last)] if name not in steps]
        if missing:
            self._error(
                number,
                f"thiếu {'bước' if len(missing) == 1 else 'các bước'} "
                + ", ".join(f"'{STEP_NAMES[name]}'" for name in missing)
                + f" trước bước '{STEP_NAMES[last]}' (các bước phải liền nhau theo quy trình).",
            )

    def _check_step_order(self, number: int, steps: dict, given: list[str]) -> None:
        for previous, name in itertools.pairwise(given):
            if steps[name] < steps[previous]:
                self._error(
                    number,
                    f"ngày {_fmt(steps[name])} sớm hơn bước trước '{STEP_NAMES[previous]}' ({_fmt(steps[previous])}).",
                    step=STEP_NAMES[name],
                    on=steps[name],
                )

    def _start(self, number: int, row: dict, steps: dict, given: list[str], papers: dict) -> dt.date | None:
        """The day the person entered the road: the sympathiser-list date, else the earliest date of the row."""
        dated = [d for d in (*steps.values(), *papers.values()) if d]
        start = row.get("source.on") or (min(dated) if dated else None)
        if start is None:
            self._error(number, "không có ngày nào: cần ít nhất Ngày vào danh sách quần chúng ưu tú.")
        elif given and steps[given[0]] < start:
            first = steps[given[0]]
            self._error(
                number,
                f"ngày {_fmt(first)} sớm hơn ngày vào danh sách quần chúng ưu tú ({_fmt(start)}).",
                step=STEP_NAMES[given[0]],
                on=first,
            )
        return start

    def _heading(self, key: str) -> str:
        return next((self.headings[i] for i, c in self.found.items() if c.key == key), "")

    @staticmethod
    def _papers(row: dict) -> dict[str, dt.date]:
        papers = {kind: row[f"doc.{kind}"] for kind in PAPERS if f"doc.{kind}" in row}
        for key, kinds in (("dossier.on", ADMISSION_DOCUMENTS), ("recognition.dossier_on", RECOGNITION_PAPERS)):
            if row.get(key):
                for kind in kinds:
                    papers.setdefault(kind, row[key])
        return papers

    def _introducers(self, number: int, row: dict, person: Person, papers: dict) -> list[Event]:
        events = []
        introduced_on = papers.get(DocumentKind.INTRODUCTION) or papers.get(DocumentKind.APPLICATION)
        for key in ("introducer1", "introducer2"):
            event = self._member_introduction(number, row, key, person, introduced_on) if key in row else None
            if event is not None:
                events.append(event)
        for kind, route in (
            (DocumentKind.YOUTH_UNION, IntroducerKind.YOUTH_UNION),
            (DocumentKind.TRADE_UNION, IntroducerKind.TRADE_UNION),
        ):
            if kind in papers:
                events.append(
                    Event(papers[kind], 0, "intro", {"kind": route, "introducer": None, "together_since": None})
                )
        return events

    def _member_introduction(self, number: int, row: dict, key: str, person: Person, introduced_on) -> Event | None:
        """An official member's introduction (3-KNĐ), with the time they have worked together: the file's, else
        since the later of the two joined the unit (rules.md §3: at least 12 months)."""
        member = self._member(row[key])
        if isinstance(member, str):
            self._error(number, member, column=self._heading(key))
            return None
        if introduced_on is None:
            self._error(number, "cần Ngày giới thiệu (3-KNĐ) hoặc Ngày nộp đơn (1-KNĐ).", column=self._heading(key))
            return None
        together = row.get(f"{key}.together_since")
        if together is None and person.joined_unit_on and member.joined_unit_on:
            together = max(person.joined_unit_on, member.joined_unit_on)
        payload = {"kind": IntroducerKind.MEMBER, "introducer": member, "together_since": together}
        return Event(introduced_on, 0, "intro", payload)

    def _step_data(self, number: int, name: str, row: dict) -> dict:
        data: dict = {"on": row[f"{name}.on"]}
        for key in ("document_number", "issuer", "received_on", "members_total", "members_excused", "votes_for"):
            if f"{name}.{key}" in row:
                data[key] = row[f"{name}.{key}"]
        if f"{name}.votes" in row:
            votes_for, total = row[f"{name}.votes"]
            data.setdefault("votes_for", votes_for)
            data.setdefault("members_total", total)
        if TRANSITIONS[name].vote:
            self._check_votes(number, name, data)
        if name == StepKind.SYMPATHISE:
            data["helpers"] = self._helpers(number, row)
        if name == StepKind.CEREMONY:
            data["mentor"] = self._mentor(number, row)
        return data

    def _check_votes(self, number: int, name: str, data: dict) -> None:
        """Numbers the vote rules can count: both of them, a total above 0, no more votes than members counted."""
        step, on = STEP_NAMES[name], data["on"]
        if ("votes_for" in data) != ("members_total" in data):
            self._error(number, "cần cả số tán thành và tổng số.", step=step, on=on)
        elif "votes_for" in data and data["members_total"] == 0:
            self._error(number, "tổng số phải lớn hơn 0.", step=step, on=on)
        elif "votes_for" in data and data["votes_for"] > data["members_total"] - data.get("members_excused", 0):
            self._error(number, "số tán thành lớn hơn tổng số được tính.", step=step, on=on)

    def _helpers(self, number: int, row: dict) -> list[Person]:
        """The members assigned to help the sympathiser: their column, else the one helper column of the file."""
        texts = _SPLIT_PEOPLE.split(row["sympathise.helpers"]) if "sympathise.helpers" in row else []
        texts = [t for t in texts if t.strip()] or ([row["helper_any"]] if "helper_any" in row else [])
        helpers = []
        for text in texts:
            member = self._member(text.strip())
            if isinstance(member, str):
                self._error(number, member, column=self._heading("sympathise.helpers") or self._heading("helper_any"))
            else:
                helpers.append(member)
        return helpers

    def _mentor(self, number: int, row: dict) -> Person | None:
        """The member assigned at the ceremony to help the probationary member (Điều lệ Điều 5 khoản 1)."""
        text = row.get("ceremony.mentor") or row.get("helper_any")
        if not text:
            return None
        member = self._member(text)
        if isinstance(member, str):
            self._error(number, member, column=self._heading("ceremony.mentor") or self._heading("helper_any"))
            return None
        return member

    # --- re-import ---------------------------------------------------------------------------------------------
    def _unchanged(self, number: int, person: Person, start: dt.date, events: list[Event], expected: str) -> bool:
        """The file says exactly what ketnap holds (a re-import): True. Someone else on the road or a member: error."""
        latest = person.candidacies.order_by("-started_on", "-pk").first()
        wanted = sorted((e.kind, e.on) for e in events if e.kind in TRANSITIONS)
        if latest is not None and (latest.open or latest.membership_id):
            held = sorted(latest.steps.filter(passed=True).values_list("kind", "on"))
            # ketnap holds every step of the file, on the same dates (perhaps more, recorded since): nothing to do
            if latest.started_on == start and set(wanted) <= set(held) and (latest.stage == expected or wanted != held):
                return True
            if latest.open:
                self._error(
                    number,
                    f"đang được theo dõi phát triển đảng viên ({latest.get_stage_display()} từ "
                    f"{_fmt(latest.stage_since)}) với các bước khác tệp; ketnap không ghi đè: hãy cập nhật trên trang "
                    "của người này.",
                )
                return False
        membership = person.membership
        if membership is not None:
            self._error(
                number, f"đã là {membership.get_status_display().lower()}; không nhập vào quá trình phát triển."
            )
        return False

    # --- recording: the one entry point, step by step, as of each step's date -----------------------------------
    def _record(self, number: int, row: dict, person: Person, start: dt.date, events: list[Event]) -> list[str]:
        reason = row.get("reason") or self.reason
        accepted: list[str] = []
        try:
            candidate = domain.create_candidate(
                person, actor=self.user, on=start, is_readmission=bool(row.get("readmission"))
            )
        except (ValidationError, PermissionDenied) as exc:
            self._error(number, _messages(exc), step=STEP_NAMES["create"], on=start)
            raise RowFailed from exc
        for event in events:
            try:
                if event.kind == "doc":
                    domain.receive_document(candidate, event.payload["kind"], actor=self.user, on=event.on)
                elif event.kind == "intro":
                    domain.add_introduction(candidate, actor=self.user, introduced_on=event.on, **event.payload)
                else:
                    accepted += self._step(number, candidate, event, row, reason)
            except (ValidationError, PermissionDenied) as exc:
                label = STEP_NAMES.get(event.kind) or f"Nhận {DocumentKind(event.payload['kind']).label}"
                self._error(number, _messages(exc), step=label, on=event.on)
                raise RowFailed from exc
        return accepted

    def _step(self, number: int, candidate: Candidate, event: Event, row: dict, reason: str) -> list[str]:
        name, data = event.kind, dict(event.payload)
        label = STEP_NAMES[name]
        try:
            verdict = domain.preview(candidate, name, data)
        except ValueError as exc:  # numbers the vote rules cannot take (more votes than members …)
            self._error(number, str(exc), step=label, on=event.on)
            raise RowFailed from exc
        problems = list(verdict.blocking)
        if verdict.needs_consent:
            if row.get("consent_document"):
                data["consent_document"] = row["consent_document"]
            else:
                problems += verdict.needs_consent
        if problems and not reason:
            for finding in problems:
                self._error(number, f"{finding.message} ({finding.source})", step=label, on=event.on)
            # go on checking the row's later steps (its savepoint is rolled back), so one run lists everything
            domain.transition(candidate, name, actor=self.user, data={**data, "accepted_reason": "-"}, back_entry=True)
            return []
        if problems:
            data["accepted_reason"] = reason
        domain.transition(candidate, name, actor=self.user, data=data, back_entry=bool(problems))
        return [f"{label} ngày {_fmt(event.on)}: {reason}"] if problems else []


def _date(value, today: dt.date) -> tuple[dt.date, str]:
    """cells.date as (date, "" or how partial it is), whichever of its two shapes the roster import has."""
    result = cells.date(value, not_after=today)
    return result if isinstance(result, tuple) else (result, "")


def _count(value) -> int:
    if isinstance(value, bool):
        raise cells.CellError(f"'{value}' không phải số.")
    if isinstance(value, int | float):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise cells.CellError(f"'{cells.shown(value)}' không phải số nguyên không âm.")
    text = cells.text(value)
    if not text.isdigit():
        raise cells.CellError(f"'{text}' không phải số.")
    return int(text)


def _messages(exc: Exception) -> str:
    if isinstance(exc, PermissionDenied):
        return "tài khoản nhập không được ghi hồ sơ của chi bộ này."
    return " ".join(exc.messages) if hasattr(exc, "messages") else str(exc)
