"""Hand-off to the national member database (CSDL đảng viên, Ban Tổ chức Trung ương): the members of an
organisation in the order the office keys them in, and which of them are already there.

Field order. The national software has no public manual (anchors-and-user-needs.md, VN-CSDL: "no public manual
found"); what it records for each member is the Phiếu đảng viên (mẫu 2-HSĐV of the Party's member-record forms,
09-HD/BTCTW 2017, kept by 12-HD/BTCTW 2022), which every member fills in after admission and the office copies
into the database. The columns below follow that form's numbered items (01 name … 19 citizen ID, 27 re-admission)
as the public renderings of the form number them; they are an assumption to confirm against the office's own
screen of CSDL 3.0. Items ketnap does not hold (03 other names, 05 place of birth registration, 06 hometown,
07 residence, 10 family background, 13 recruitment, 15–16 organisations and army service, 18 health, 21–30 history,
training, awards, family, economy) are left to the member's paper form rather than printed as empty columns.
The column list is this one module: reordering it changes the screen, the .xlsx and the .csv together.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ketnap.registry.enums import Gender, MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import CodeItem, MembershipEvent, Organization, PartyMembership
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats.tables import Column, Kind

FORM = "Phiếu đảng viên (mẫu 2-HSĐV, 09-HD/BTCTW 2017; 12-HD/BTCTW 2022)"

COLUMNS = [
    Column("no", "STT", Kind.INT),
    Column("base", "Đảng bộ cơ sở"),
    Column("sub", "Đảng bộ bộ phận"),
    Column("cell", "Chi bộ"),
    Column("card", "Số thẻ đảng viên"),
    Column("name", "01) Họ và tên (chữ in hoa)"),
    Column("gender", "02) Giới tính"),
    Column("birth", "04) Sinh ngày", Kind.DATE),
    Column("ethnicity", "08) Dân tộc"),
    Column("religion", "09) Tôn giáo"),
    Column("occupation", "11) Nghề nghiệp hiện nay"),
    Column("joined", "12) Ngày vào Đảng (lễ kết nạp)", Kind.DATE),
    Column("joined_cell", "Tại chi bộ (kết nạp)"),
    Column("introducer1", "Người giới thiệu thứ 1"),
    Column("introducer1_post", "Chức vụ, đơn vị (người giới thiệu 1)"),
    Column("introducer2", "Người giới thiệu thứ 2"),
    Column("introducer2_post", "Chức vụ, đơn vị (người giới thiệu 2)"),
    Column("decision", "Ngày cấp có thẩm quyền ra quyết định kết nạp", Kind.DATE),
    Column("decision_number", "Số quyết định kết nạp"),
    Column("official", "Ngày chính thức", Kind.DATE),
    Column("official_cell", "Tại chi bộ (chính thức)"),
    Column("youth_union", "14) Ngày vào Đoàn TNCS Hồ Chí Minh", Kind.DATE),
    Column("education", "17) Giáo dục phổ thông"),
    Column("professional", "Chuyên môn, nghiệp vụ"),
    Column("academic", "Học hàm"),
    Column("theory", "Lý luận chính trị"),
    Column("citizen_id", "19) Số căn cước"),
    Column("exempt", "20) Miễn công tác và sinh hoạt đảng"),
    Column("readmission", "27) Kết nạp lại"),
    Column("entered_on", "Đã nhập CSDL ngày", Kind.DATE),
    Column("changes", "Thay đổi sau ngày nhập CSDL"),
]


class Filter:
    """The page's `?tinh-trang=` choices (default: not yet entered, the office's to-do)."""

    NOT_ENTERED, CHANGED, ENTERED, ALL = "chua-nhap", "can-cap-nhat", "da-nhap", "tat-ca"
    LABELS = {
        NOT_ENTERED: _("Chưa nhập CSDL"),
        CHANGED: _("Đã nhập, có thay đổi sau đó"),
        ENTERED: _("Đã nhập CSDL"),
        ALL: _("Tất cả"),
    }


# changes the national record must follow (the admission itself is what was entered)
FOLLOW_UP = [
    k for k in MembershipEventKind.values if k not in {MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED}
]


def _changed_after_entry() -> Q:
    later = MembershipEvent.objects.filter(
        membership=OuterRef("pk"), kind__in=FOLLOW_UP, on__gt=OuterRef("national_db_entered_on")
    )
    return Q(national_db_entered_on__isnull=False) & Q(Exists(later)) | Q(
        national_db_entered_on__isnull=False, official_date__gt=F("national_db_entered_on")
    )


PERSON_CODES = [
    f"person__{code}"
    for code in (
        "ethnicity",
        "religion",
        "profession",
        "general_education",
        "professional_level",
        "academic_title",
        "political_theory",
    )
]


def members(scope, org: Organization, state: str = Filter.NOT_ENTERED) -> QuerySet[PartyMembership]:
    """Active members (probationary and official) in `org`'s subtree that `scope` may read, by chi bộ then name."""
    qs = scope.memberships().filter(organization__path__startswith=org.path, status__in=MembershipStatus.active())
    if state == Filter.NOT_ENTERED:
        qs = qs.filter(national_db_entered_on__isnull=True)
    elif state == Filter.ENTERED:
        qs = qs.filter(national_db_entered_on__isnull=False)
    elif state == Filter.CHANGED:
        qs = qs.filter(_changed_after_entry())
    return qs.select_related("organization", *PERSON_CODES).order_by("organization__name", "person__sort_key", "pk")


@dataclass
class Entry:
    """One member as the screen and the files show them (values keyed like COLUMNS)."""

    membership: PartyMembership
    values: dict

    def row(self) -> list:
        return [self.values[c.key] for c in COLUMNS]


# A row's facts, read as plain tuples: a province's 31,620 members loaded as model instances (membership, person,
# seven code items, organisation) were 0.4 million objects and a third of the download's time.
FIELDS = (
    "pk",
    "organization_id",
    "card_number",
    "person__family_name",
    "person__middle_name",
    "person__given_name",
    "person__gender",
    "person__birth_date",
    "person__ethnicity_id",
    "person__religion_id",
    "person__profession_id",
    "person__job_title",
    "ceremony_date",
    "decision_date",
    "decision_number",
    "official_date",
    "person__youth_union_joined_on",
    "person__general_education_id",
    "person__professional_level_id",
    "person__academic_title_id",
    "person__political_theory_id",
    "person__citizen_id",
    "exempt_from_activities",
    "is_readmission",
    "national_db_entered_on",
)
ADMISSION = {MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED}


def _cells_of(events) -> tuple[str, str]:
    """The chi bộ a member was admitted in and the one they were recognised in, from their history ("" if none)."""
    admitted = next((e for e in events if e[0] in ADMISSION), None)
    recognised = next((e for e in events if e[0] == MembershipEventKind.RECOGNISED), None)
    return (admitted[2] if admitted else "", recognised[2] if recognised else "")


class _Rows:
    """Builds the rows of one list: what rows share is loaded once (code names, labels, each organisation's place in
    the tree) or once per chunk of members (their events and introducers), never once per row."""

    def __init__(self):
        self.codes = dict(CodeItem.objects.values_list("pk", "name"))
        self.genders = {value: str(label) for value, label in Gender.choices}
        self.event_labels = {value: str(label) for value, label in MembershipEventKind.choices}
        self.introducer_labels = {}
        self.places: dict[int, tuple[str, str, str]] = {}  # organisation → (its name, đảng bộ cơ sở, bộ phận)

    def values(self, chunk: list[tuple], start: int) -> Iterator[tuple[int, dict]]:
        """(membership id, values keyed like COLUMNS) for rows of FIELDS, numbered from `start`."""
        ids = [r[0] for r in chunk]
        self._load_places({r[1] for r in chunk})
        history = self._events(ids)
        introducers = self._introducers(ids)
        for number, row in enumerate(chunk, start):
            yield row[0], self._row(number, row, history.get(row[0], ()), introducers.get(row[0], ()))

    def _row(self, number: int, row: tuple, events, introducers) -> dict:
        """One row of FIELDS as the list's values, with its history and introducers."""
        (_pk, org_id, card, family, middle, given, gender, birth, ethnicity, religion, profession, job_title,
         ceremony, decision, decision_number, official, youth_union, education, professional, academic, theory,
         citizen_id, exempt, readmission, entered_on) = row  # fmt: skip
        cell, base, sub = self.places[org_id]
        intro = [*introducers, ("", ""), ("", "")]
        joined_cell, official_cell = _cells_of(events)
        code = self.codes.get
        return {
            "no": number,
            "base": base,
            "sub": sub,
            "cell": cell,
            "card": card,
            "name": " ".join(part for part in (family, middle, given) if part).upper(),
            "gender": self.genders.get(gender, gender),
            "birth": birth,
            "ethnicity": code(ethnicity, ""),
            "religion": code(religion, ""),
            "occupation": code(profession, "") or job_title,
            "joined": ceremony,
            "joined_cell": joined_cell,
            "introducer1": intro[0][0],
            "introducer1_post": intro[0][1],
            "introducer2": intro[1][0],
            "introducer2_post": intro[1][1],
            "decision": decision,
            "decision_number": decision_number,
            "official": official,
            "official_cell": official_cell,
            "youth_union": youth_union,
            "education": code(education, ""),
            "professional": code(professional, ""),
            "academic": code(academic, ""),
            "theory": code(theory, ""),
            "citizen_id": citizen_id or "",
            "exempt": "Có" if exempt else "",
            "readmission": "Có" if readmission else "",
            "entered_on": entered_on,
            "changes": self._changes(entered_on, official, events),
        }

    def _load_places(self, org_ids: set[int]) -> None:
        """Each chi bộ's name and the nearest đảng bộ cơ sở and đảng bộ bộ phận at or above it."""
        wanted = org_ids - self.places.keys()
        if not wanted:
            return
        paths = dict(Organization.objects.filter(pk__in=wanted).values_list("pk", "path"))
        lines = {pk: [int(part) for part in path.strip("/").split("/") if part] for pk, path in paths.items()}
        ids = {i for line in lines.values() for i in line}
        orgs = {
            pk: (name, kind)
            for pk, name, kind in Organization.objects.filter(pk__in=ids).values_list("pk", "name", "kind")
        }
        bases, subs = OrgKind.base_kinds(), {OrgKind.SUB_COMMITTEE}

        def nearest(line: list[int], kinds: set[str]) -> str:
            return next((orgs[i][0] for i in reversed(line) if i in orgs and orgs[i][1] in kinds), "")

        for pk, line in lines.items():  # a path runs from the root to the organisation itself
            self.places[pk] = (orgs[pk][0], nearest(line, bases), nearest(line, subs))

    def _events(self, ids: list[int]) -> dict[int, list[tuple]]:
        """Each membership's history in order: (kind, on, the chi bộ after it)."""
        found: dict[int, list[tuple]] = {}
        rows = (
            MembershipEvent.objects.filter(membership__in=ids)
            .order_by("membership", "on", "pk")
            .values_list("membership_id", "kind", "on", "organization_after__name")
        )
        for membership_id, kind, on, cell in rows:
            found.setdefault(membership_id, []).append((kind, on, cell))
        return found

    def _introducers(self, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
        """(name, post) of the introducers recorded on the candidacy that led to each membership, in order."""
        from ketnap.pipeline.enums import IntroducerKind
        from ketnap.pipeline.models import Introduction

        found: dict[int, list[tuple[str, str]]] = {}
        rows = (
            Introduction.objects.filter(candidate__membership__in=ids)
            .order_by("introduced_on", "pk")
            .values_list(
                "candidate__membership_id",
                "kind",
                "introducer_id",
                "introducer__family_name",
                "introducer__middle_name",
                "introducer__given_name",
                "introducer__job_title",
                "introducer__work_unit__name",
            )
        )
        for membership_id, kind, introducer, family, middle, given, job_title, unit in rows:
            if kind == IntroducerKind.MEMBER and introducer:
                name = " ".join(part for part in (family, middle, given) if part)
                found.setdefault(membership_id, []).append((name, ", ".join(p for p in (job_title, unit) if p)))
            else:
                if kind not in self.introducer_labels:
                    self.introducer_labels[kind] = str(IntroducerKind(kind).label)
                found.setdefault(membership_id, []).append((self.introducer_labels[kind], ""))
        return found

    def _changes(self, entered, official, events) -> str:
        """What the national record has to follow since the entry (the list's "can-cap-nhat" filter, in words)."""
        if entered is None:
            return ""
        later = [(kind, on) for kind, on, _cell in events if kind in FOLLOW_UP and on > entered]
        notes = [f"{self.event_labels[kind]} {ddmmyyyy(on)}" for kind, on in later]
        if official and official > entered and not any(kind == MembershipEventKind.RECOGNISED for kind, _on in later):
            notes.append(f"Ngày chính thức {ddmmyyyy(official)}")
        return "; ".join(notes)


def entries(memberships: Iterable[PartyMembership], start: int = 1) -> Iterator[Entry]:
    """The COLUMNS for each membership (a page of the screen), a few queries per call whatever the number."""
    memberships = list(memberships)
    if not memberships:
        return
    ids = [m.pk for m in memberships]
    facts = PartyMembership.objects.filter(pk__in=ids).values_list(*FIELDS)
    position = {pk: i for i, pk in enumerate(ids)}
    ordered = sorted(facts, key=lambda row: position[row[0]])
    values = dict(_Rows().values(ordered, start))
    for m in memberships:
        yield Entry(m, values[m.pk])


def all_rows(queryset: QuerySet[PartyMembership], chunk: int = 2000) -> Iterator[list]:
    """Every row of the filtered list for the downloads, in COLUMNS order, read a chunk at a time: bounded memory,
    a few queries per chunk."""
    keys = [c.key for c in COLUMNS]
    builder = _Rows()
    batch: list[tuple] = []
    done = 0
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from ([values[k] for k in keys] for _pk, values in builder.values(batch, done + 1))
            done += len(batch)
            batch = []
    if batch:
        yield from ([values[k] for k in keys] for _pk, values in builder.values(batch, done + 1))
