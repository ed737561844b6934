"""The JSON shapes of the API. Dates are ISO 8601; codes (organisation, stage, status) are the stored values, with a
Vietnamese label where a client would otherwise need ketnap's tables to show them.

Person-bearing shapes (people, members, candidates, due items) are only ever filled from Scope's personal-data
querysets; organisations and statistics carry no names and are what an overseer can read.
"""

import datetime as dt

from ninja import Field, Schema

from ketnap.registry.enums import MembershipStatus


class Error(Schema):
    detail: str


class Organization(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent: str | None = Field(description="mã tổ chức cấp trên trực tiếp")
    depth: int = Field(description="cấp trong cây, 0 là gốc")
    active: bool
    established_on: dt.date
    dissolved_on: dt.date | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class Counts(Schema):
    """Today's indicators of the organisation's subtree (registry.indicators)."""

    staff: int
    members: int
    official: int
    probationary: int
    member_percent: float | None = Field(description="đảng viên / nhân sự, %")
    non_members: int = Field(description="quần chúng: nhân sự chưa là đảng viên")


class OrganizationDetail(Organization):
    counts: Counts | None = Field(description="không có với tổ chức đã kết thúc hoạt động")


class Person(Schema):
    id: int
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: dt.date
    citizen_id: str | None
    staff_code: str
    job_title: str
    work_unit: str
    organization: str | None = Field(description="mã tổ chức đảng phụ trách")
    member_status: str | None = Field(description="đảng viên dự bị / chính thức; không có nếu là quần chúng")
    current: bool = Field(description="đang công tác (chưa thôi việc, chưa lưu trữ)")

    @staticmethod
    def resolve_work_unit(obj) -> str:
        return obj.work_unit.name

    @staticmethod
    def resolve_organization(obj) -> str | None:
        return obj.organization.code if obj.organization_id else None

    @staticmethod
    def resolve_member_status(obj) -> str | None:
        active = [m for m in obj.memberships.all() if m.status in MembershipStatus.active()]
        return active[0].status if active else None

    @staticmethod
    def resolve_current(obj) -> bool:
        return obj.archived_at is None and obj.left_on is None


class _OfPersonInCell(Schema):
    """A record of one person in one chi bộ (a membership, a candidacy): their name and the cell's code."""

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code


class Membership(_OfPersonInCell):
    id: int
    person_id: int
    full_name: str
    organization: str = Field(description="mã chi bộ sinh hoạt")
    status: str
    status_label: str
    decision_date: dt.date | None
    decision_number: str
    ceremony_date: dt.date | None
    official_date: dt.date | None
    card_number: str
    is_readmission: bool
    exempt_from_activities: bool
    ended_on: dt.date | None
    national_db_entered_on: dt.date | None = Field(description="ngày văn phòng ghi đã nhập vào CSDL đảng viên")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class PersonDetail(Person):
    phone: str
    email: str
    joined_unit_on: dt.date | None
    left_on: dt.date | None
    archived_at: dt.datetime | None
    memberships: list[Membership]

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.all())


class Candidate(_OfPersonInCell):
    id: int
    person_id: int
    full_name: str
    organization: str = Field(description="mã chi bộ")
    stage: str
    stage_label: str
    stage_since: dt.date
    started_on: dt.date = Field(description="ngày đưa vào nguồn")
    is_readmission: bool
    open: bool = Field(description="còn đang theo dõi (chưa chính thức, chưa dừng)")

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())


class Step(Schema):
    kind: str
    on: dt.date
    document_number: str
    passed: bool
    stage_before: str
    stage_after: str


class NextAction(Schema):
    action: str
    due: dt.date | None = Field(description="hạn, tính theo ngày làm việc; không có nếu quy định không đặt hạn")
    urgency: str = Field(description="overdue (quá hạn) / soon (sắp đến hạn) / ok / none")
    rule: str
    source: str | None = Field(description="văn bản quy định hạn")

    @staticmethod
    def resolve_source(obj) -> str | None:
        return str(obj.source) if obj.source else None


class CandidateDetail(Candidate):
    steps: list[Step] = Field(description="các bước đã ghi, mới nhất trước")
    next: NextAction | None = Field(description="việc tiếp theo; không có khi đã kết thúc")


class DueItem(NextAction):
    """One line of "Việc cần làm"."""

    candidate_id: int
    person_id: int
    full_name: str
    organization: str
    stage: str
    stage_label: str

    @staticmethod
    def resolve_candidate_id(obj) -> int:
        return obj.candidate.pk

    @staticmethod
    def resolve_person_id(obj) -> int:
        return obj.candidate.person_id

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.candidate.person.full_name

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.candidate.organization.code

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.candidate.stage

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.candidate.get_stage_display())


class Column(Schema):
    key: str
    label: str
    kind: str = Field(description="text / int / decimal / percent (số phần trăm: 39.5 là 39,5 %) / date")

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)  # labels are lazy translations


class Row(Schema):
    values: list[int | float | dt.date | str | None] = Field(description="một giá trị cho mỗi cột, theo thứ tự cột")
    level: int = Field(description="mức thụt lề của nhãn (dòng chi tiết dưới dòng tổng)")
    strong: bool = Field(description="dòng tổng")
    flag: str = Field(description="cảnh báo ngắn bên cạnh dòng")

    @staticmethod
    def resolve_values(obj) -> list:
        plain = (int, float, dt.date, str, type(None))
        return [v if isinstance(v, plain) else str(v) for v in obj.values]  # lazy labels become text


class Table(Schema):
    """A statistical form as figures, the same Table the screen, .xlsx, .csv and PDF present."""

    slug: str
    title: str
    subtitle: str
    note: str
    columns: list[Column]
    rows: list[Row]

    @staticmethod
    def resolve_title(obj) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_subtitle(obj) -> str:
        return str(obj.subtitle)

    @staticmethod
    def resolve_note(obj) -> str:
        return str(obj.note)
