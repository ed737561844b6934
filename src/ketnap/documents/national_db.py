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

from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import MembershipEvent, Organization, PartyMembership
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


def _organizations(memberships: list[PartyMembership]) -> dict[int, Organization]:
    ids = set()
    for m in memberships:
        ids.update(m.organization.ancestor_ids())
        ids.add(m.organization_id)
    return Organization.objects.in_bulk(ids)


def _above(org: Organization, orgs: dict[int, Organization], kinds: set[str]) -> Organization | None:
    if org.kind in kinds:
        return org
    return next((orgs[i] for i in reversed(org.ancestor_ids()) if i in orgs and orgs[i].kind in kinds), None)


def _introducers(memberships: list[PartyMembership]) -> dict[int, list[tuple[str, str]]]:
    """(name, post) of the introducers recorded on the candidacy that led to each membership, in order."""
    from ketnap.pipeline.enums import IntroducerKind
    from ketnap.pipeline.models import Introduction

    found: dict[int, list[tuple[str, str]]] = {}
    rows = (
        Introduction.objects.filter(candidate__membership__in=[m.pk for m in memberships])
        .select_related("candidate", "introducer", "introducer__work_unit")
        .order_by("introduced_on", "pk")
    )
    for intro in rows:
        if intro.kind == IntroducerKind.MEMBER and intro.introducer:
            person = intro.introducer
            post = ", ".join(p for p in (person.job_title, person.work_unit.name) if p)
            found.setdefault(intro.candidate.membership_id, []).append((person.full_name, post))
        else:
            found.setdefault(intro.candidate.membership_id, []).append((IntroducerKind(intro.kind).label, ""))
    return found


def _changes(membership: PartyMembership, history: list[MembershipEvent]) -> str:
    """What the national record has to follow since the entry (the list's "can-cap-nhat" filter, in words)."""
    entered = membership.national_db_entered_on
    if entered is None:
        return ""
    later = [e for e in history if e.kind in FOLLOW_UP and e.on > entered]
    notes = [f"{e.get_kind_display()} {e.on:%d/%m/%Y}" for e in later]
    if (
        membership.official_date
        and membership.official_date > entered
        and not any(e.kind == MembershipEventKind.RECOGNISED for e in later)
    ):
        notes.append(f"Ngày chính thức {membership.official_date:%d/%m/%Y}")
    return "; ".join(notes)


def entries(memberships: Iterable[PartyMembership], start: int = 1) -> Iterator[Entry]:
    """The COLUMNS for each membership, a few queries per call whatever the number (pass a page, or chunks)."""
    memberships = list(memberships)
    if not memberships:
        return
    events: dict[int, list[MembershipEvent]] = {}
    for event in MembershipEvent.objects.filter(membership__in=[m.pk for m in memberships]).select_related(
        "organization_after"
    ):
        events.setdefault(event.membership_id, []).append(event)
    orgs = _organizations(memberships)
    introducers = _introducers(memberships)
    for number, m in enumerate(memberships, start):
        person = m.person
        history = events.get(m.pk, [])
        admitted = next(
            (e for e in history if e.kind in {MembershipEventKind.ADMITTED, MembershipEventKind.REGISTERED}), None
        )
        recognised = next((e for e in history if e.kind == MembershipEventKind.RECOGNISED), None)
        cell = m.organization
        base = _above(cell, orgs, OrgKind.base_kinds())
        sub = _above(cell, orgs, {OrgKind.SUB_COMMITTEE})
        intro = introducers.get(m.pk, []) + [("", "")] * 2
        values = {
            "no": number,
            "base": base.name if base else "",
            "sub": sub.name if sub else "",
            "cell": cell.name,
            "card": m.card_number,
            "name": person.full_name.upper(),
            "gender": person.get_gender_display(),
            "birth": person.birth_date,
            "ethnicity": _name(person.ethnicity),
            "religion": _name(person.religion),
            "occupation": _name(person.profession) or person.job_title,
            "joined": m.ceremony_date,
            "joined_cell": admitted.organization_after.name if admitted else "",
            "introducer1": intro[0][0],
            "introducer1_post": intro[0][1],
            "introducer2": intro[1][0],
            "introducer2_post": intro[1][1],
            "decision": m.decision_date,
            "decision_number": m.decision_number,
            "official": m.official_date,
            "official_cell": recognised.organization_after.name if recognised else "",
            "youth_union": person.youth_union_joined_on,
            "education": _name(person.general_education),
            "professional": _name(person.professional_level),
            "academic": _name(person.academic_title),
            "theory": _name(person.political_theory),
            "citizen_id": person.citizen_id or "",
            "exempt": "Có" if m.exempt_from_activities else "",
            "readmission": "Có" if m.is_readmission else "",
            "entered_on": m.national_db_entered_on,
            "changes": _changes(m, history),
        }
        yield Entry(m, values)


def _name(code) -> str:
    return code.name if code else ""


def all_rows(queryset: QuerySet[PartyMembership], chunk: int = 500) -> Iterator[list]:
    """Every row of the filtered list for the downloads, loaded a chunk at a time (bounded memory)."""
    batch: list[PartyMembership] = []
    done = 0
    for membership in queryset.iterator(chunk_size=chunk):
        batch.append(membership)
        if len(batch) == chunk:
            yield from (e.row() for e in entries(batch, done + 1))
            done += len(batch)
            batch = []
    yield from (e.row() for e in entries(batch, done + 1))
