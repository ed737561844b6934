"""The demo's road to membership: candidates at every stage in every hospital, and the history behind the seed story.

Called by ketnap.demo.generator.build() at the end of its transaction, with the generator's random.Random, so the
same seed and `today` give the same rows. What it builds (README of /work/shared/seeds):

- Every registry member admitted in the last months has a candidacy: each probationary member (stage probation),
  and each member whose 12 months of probation ended less than RECENT_DAYS ago, who is turned back into a
  probationary member waiting for the recognition resolutions (the generator makes them official on the day the
  probation ends; in reality the chi bộ and the committee still have to decide). A few per copy of the province
  are left with their recognition review or decision overdue ("no probation may pass its end unnoticed").
- Every active chi bộ gets 2–6 outstanding non-members (young, qualified, Youth Union members among them) at the
  stages before the ceremony, dated from `today` so that the due list is mostly "ok", some "soon" and, per copy,
  one decision and one ceremony overdue. Đông Triều's chi bộ only have candidates not yet sent to the course (see
  below).
- The story of the district hospital–health centre of Đông Triều (code BVTT-DT, the Ô Môn article): since 2015 it
  sent exactly 65 outstanding non-members to the awareness course and admitted every one of them; in Q1 2021 the
  competent committee signed 17 admission DECISIONS against the plan of 17 (the story counts decision dates, the
  date the admission is made; the ceremonies follow within days). The candidacies are those of the members the
  generator admitted, linked to their PartyMembership; 16 members admitted between 2020 and 7/2023 get their
  decision moved into Q1 2021 (dates of the membership and its events with it), since the generator spreads
  admissions evenly (counted as "story_redated").
- Members' roads start 14 months or more after they joined the unit (people.Members.admit_window): the chi bộ
  meeting needs introducers who have worked with the applicant for 12 months. Admissions since 2015 in Đông Triều
  beyond the 65 are told only when their course fits before 2015 ("not_told" counts the others).
- A few other hospitals get closed history: official members' roads, candidacies withdrawn or not admitted with
  their reason, and one probationary member removed (xóa tên), registered and ended through the registry services.

Every row follows the rules the app applies (the pure rules of ketnap.rules are asked while drafting, and a
blocking finding is a bug here): steps in date order and in the order of ketnap.pipeline.transitions for the
organisation's shape, stage_before/stage_after as domain.transition() writes them, certificate valid at the chi bộ
meeting, dossier papers and introductions before it, introducers official members of the cell who have worked with
the applicant for 12 months, vote ≥ 2/3 of the cell's official members, decisions and ceremonies within their
deadlines. Rows are bulk-created (no audit entry per row; the generator writes one for the load).
"""

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery

from ketnap.audit.context import SYSTEM
from ketnap.demo import bulk
from ketnap.demo import catalogue as cat
from ketnap.demo.plan import AUTHORISED_ON, DISTRICT_END_ON, UnitPlan
from ketnap.pipeline import due
from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import (
    ADMISSION_DOCUMENTS,
    RECOGNITION_DOCUMENTS,
    DocumentKind,
    HelperRole,
    IntroducerKind,
    Stage,
    StepKind,
)
from ketnap.pipeline.models import Candidate, DossierItem, Helper, Introduction, MentorNote, Step
from ketnap.pipeline.transitions import NotOnTheRoad, plan
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind
from ketnap.registry.models import Assignment, MembershipEvent, Organization, PartyMembership, Person
from ketnap.registry.services import people as people_services
from ketnap.registry.services.dates import today as real_today
from ketnap.rules import admission, deadlines, eligibility, votes
from ketnap.rules.verdict import Severity, Verdict

DAY = dt.timedelta(days=1)
BATCH = 500

STORY_CODE = "BVTT-DT"  # the district hospital–health centre of the seed story (copy 1 only)
STORY_SINCE = dt.date(2015, 1, 1)
STORY_COURSE = 65  # sent to the awareness course since 2015, all admitted
STORY_Q1 = (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
STORY_Q1_PLAN = 17  # decisions in Q1 2021, against a plan of 17
REDATE_FROM = (dt.date(2020, 1, 1), dt.date(2023, 7, 31))  # the generator's bucket "A": the sector's 2020–7/2023 count
HISTORY_UNITS = ("BVTT-HL", "BVTT-BL", "BVSN", "CDC")  # copy 1: closed history besides the story
REMOVED_UNIT = "BVSN"
HISTORY_OFFICIAL = 8  # per history unit: members' roads to official
RECENT_DAYS = 45  # a probation that ended this recently is still being recognised
GOOD_LEVELS = {"cao_dang", "dai_hoc", "thac_si", "bs_cki", "bs_noi_tru", "bs_ckii", "tien_si"}
OPEN_WEIGHTS = {
    Stage.SOURCE: 3.0,
    Stage.SYMPATHISER: 3.0,
    Stage.DOSSIER: 3.0,
    Stage.CELL_RESOLVED: 1.5,
    Stage.COMMITTEE_RESOLVED: 1.0,
    Stage.DECIDED: 1.2,
}
SOON_SHARE = 0.12  # of the open candidates whose next step has a deadline

WITHDRAW_REASONS = [
    "Xin dừng để đi học bác sĩ chuyên khoa I tập trung 2 năm; chi bộ sẽ xem xét lại khi trở về đơn vị",
    "Hoàn cảnh gia đình (con nhỏ, bố mẹ già yếu), có đơn xin tạm dừng; chi bộ tiếp tục theo dõi, giúp đỡ",
    "Năm qua chưa hoàn thành nhiệm vụ chuyên môn; chi bộ thống nhất dừng theo dõi, xem xét lại sau một năm",
    "Bị kỷ luật khiển trách về chuyên môn (hồ sơ bệnh án); chi bộ thống nhất dừng theo dõi",
]
NOT_ADMITTED_REASONS = [
    "Kết quả thẩm tra lý lịch chưa làm rõ tiêu chuẩn chính trị (Quy định 58-QĐ/TW); chi bộ tiếp tục bồi dưỡng",
    "Có đơn phản ánh về thái độ phục vụ người bệnh chưa được xác minh xong; cấp ủy chưa đồng ý kết nạp",
]
REMOVE_REASON = (
    "Hết 12 tháng dự bị không đủ tư cách đảng viên: nhiều lần không sinh hoạt chi bộ không có lý do chính đáng, "
    "bị kỷ luật cảnh cáo; chi bộ đề nghị, cấp ủy có thẩm quyền quyết định xóa tên"
)
MENTOR_NOTES = [
    "Chấp hành tốt chủ trương, nghị quyết; tích cực tham gia sinh hoạt chi bộ và phong trào của khoa.",
    "Hoàn thành tốt nhiệm vụ chuyên môn; cần mạnh dạn hơn trong phát biểu ý kiến tại sinh hoạt chi bộ.",
    "Đã học lớp bồi dưỡng lý luận chính trị cho đảng viên mới; giữ mối quan hệ tốt với người bệnh, đồng nghiệp.",
]


EARLY = (Stage.SYMPATHISER, Stage.SOURCE)  # stages reached without a chi bộ meeting on the admission


class Infeasible(Exception):
    """This person cannot be given this road consistently (no introducer, too little time…): try another."""


class StoryError(RuntimeError):
    """A drafted road breaks a rule: a bug in this module."""


# --- what the story needs of the registry --------------------------------------------------------------------
@dataclass(eq=False)
class Staff:
    pk: int
    name: str
    birth: dt.date
    joined: dt.date | None
    youth: bool
    trade: bool
    education: str | None
    level: str | None
    org_id: int | None
    current: bool
    member: bool = False  # has any membership, past or present

    def age_on(self, day: dt.date) -> int:  # as Person.age_on
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))


@dataclass(eq=False)
class Member:
    pk: int
    person: Staff
    org_id: int
    status: str
    decision: dt.date | None
    decision_number: str
    ceremony: dt.date | None
    official: dt.date | None
    ended_on: dt.date | None
    entry: dt.date  # since when in this cell
    admitted: bool  # entered by admission (not transferred in)
    moved: bool
    card: str


@dataclass(eq=False)
class Road:
    person: Staff
    cell: Organization
    plan: UnitPlan
    started: dt.date
    member: Member | None = None
    stage: str = Stage.SOURCE
    reason: str = ""
    steps: list[dict] = field(default_factory=list)
    docs: list[tuple[str, dt.date, str]] = field(default_factory=list)
    intros: list[tuple[str, int | None, dt.date | None, dt.date, str]] = field(default_factory=list)
    helpers: list[list] = field(default_factory=list)  # [member person pk, role, since, until]
    notes: list[tuple[dt.date, str]] = field(default_factory=list)
    recognised_on: dt.date | None = None

    def step(self, kind: str, on: dt.date, **data) -> None:
        """Record a step as domain.transition() would, through the same plan(): only a step the road allows from
        where the person stands, never before the last one."""
        try:
            planned = plan(SimpleNamespace(stage=self.stage, organization=self.cell), kind)
        except NotOnTheRoad as exc:
            raise StoryError(f"{self.person.name}: {exc}") from exc
        last = self.steps[-1]["on"] if self.steps else self.started
        if on < last:
            raise StoryError(f"{self.person.name}: bước {kind} ngày {on} trước bước trước ({last})")
        self.steps.append(
            {"kind": kind, "on": on, "stage_before": planned.stage_before, "stage_after": planned.stage_after, **data}
        )
        self.stage = planned.stage_after

    @property
    def stage_since(self) -> dt.date:
        return self.steps[-1]["on"] if self.steps else self.started


@dataclass
class Timeline:
    """The dates of a road; a step is recorded when its date is set."""

    started: dt.date
    sympathise: dt.date | None = None
    certificate: dt.date | None = None
    meeting: dt.date | None = None
    committee: dt.date | None = None
    decision: dt.date | None = None
    received: dt.date | None = None
    ceremony: dt.date | None = None
    rec_meeting: dt.date | None = None
    rec_committee: dt.date | None = None
    rec_decision: dt.date | None = None
    end: tuple[str, dt.date, str] | None = None  # (withdraw / not_admitted / remove, date, reason)
    decision_number: str = ""
    decision_note: str = ""


def _findings(verdict: Verdict) -> list[dict]:
    """As domain._findings_json: what the rules said, without the plain OKs."""
    return [
        {"code": f.code, "severity": str(f.severity), "message": f.message, "source": str(f.source)}
        for f in verdict.findings
        if f.severity != Severity.OK
    ]


def _allowed(verdict: Verdict, who: str) -> Verdict:
    if verdict.blocking or verdict.needs_consent:
        problems = "; ".join(f.message for f in verdict.blocking + verdict.needs_consent)
        raise StoryError(f"{who}: {problems}")
    return verdict


class Story:
    def __init__(self, plans: list[UnitPlan], rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.calendar = app_calendar()
        self.plans = {p.code: p for p in plans}
        self.cells = list(
            Organization.objects.filter(kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True)
            .select_related("parent")
            .order_by("pk")
        )
        self.cell_by_pk = {c.pk: c for c in self.cells}
        self.roads: list[Road] = []
        self.used: set[int] = set()  # people given a road
        self.converted: list[Member] = []  # official members turned back into probationary ones
        self.redated: list[tuple[Member, dt.date, dt.date]] = []  # (member, old decision, old ceremony)
        self.skipped: Counter = Counter()
        self.staff_by_org: dict[int, list[Staff]] = defaultdict(list)
        self._load_people()
        self._load_members()
        self._committee_sizes()

    # --- loading ----------------------------------------------------------------------------------------------
    def plan_of(self, cell: Organization) -> UnitPlan:
        return self.plans[cell.code.split(".")[0]]

    def _load_people(self) -> None:
        self.staff: dict[int, Staff] = {}
        rows = Person.objects.filter(archived_at__isnull=True).values_list(
            "pk",
            "family_name",
            "middle_name",
            "given_name",
            "birth_date",
            "joined_unit_on",
            "youth_union_member",
            "trade_union_member",
            "general_education__code",
            "professional_level__code",
            "organization_id",
            "left_on",
        )
        for pk, family, middle, given, birth, joined, youth, trade, education, level, org_id, left_on in rows:
            name = " ".join(p for p in (family, middle, given) if p)
            person = Staff(pk, name, birth, joined, youth, trade, education, level, org_id, left_on is None)
            self.staff[pk] = person
            self.staff_by_org[org_id].append(person)

    def _load_members(self) -> None:
        kinds = MembershipEvent.objects.filter(membership=OuterRef("pk"))
        rows = (
            PartyMembership.objects.annotate(
                entry=Min("events__on"),
                admitted=Exists(kinds.filter(kind=MembershipEventKind.ADMITTED)),
                moved=Exists(kinds.filter(kind=MembershipEventKind.MOVED)),
            )
            .order_by("pk")
            .values_list(
                "pk",
                "person_id",
                "organization_id",
                "status",
                "decision_date",
                "decision_number",
                "ceremony_date",
                "official_date",
                "ended_on",
                "entry",
                "admitted",
                "moved",
                "card_number",
            )
        )
        self.members: list[Member] = []
        self.by_cell: dict[int, list[Member]] = defaultdict(list)
        for (
            pk,
            person_id,
            org_id,
            status,
            decision,
            number,
            ceremony,
            official,
            ended,
            entry,
            admitted,
            moved,
            card,
        ) in rows:
            person = self.staff.get(person_id)
            if person is None:
                continue
            person.member = True
            cell = self.cell_by_pk.get(org_id)
            entry = entry or ceremony or decision or dt.date.min
            if cell is not None:
                entry = max(entry, cell.established_on)
            member = Member(
                pk, person, org_id, status, decision, number, ceremony, official, ended, entry, admitted, moved, card
            )
            self.members.append(member)
            self.by_cell[org_id].append(member)

    def _committee_sizes(self) -> None:
        """Members of each base committee (cấp ủy viên): not in the registry, so sized by the đảng bộ."""
        members = Counter()
        for member in self.members:
            cell = self.cell_by_pk.get(member.org_id)
            if cell is not None and member.status in MembershipStatus.active():
                members[cell.parent_id if cell.kind == OrgKind.CELL else cell.pk] += 1
        self.committee_size = {org: 9 if n >= 150 else 7 if n >= 60 else 5 for org, n in members.items()}

    # --- dates ------------------------------------------------------------------------------------------------
    def workday(self, lo: dt.date, hi: dt.date) -> dt.date:
        """A random working day in [lo, hi] (lo itself when there is none)."""
        if hi <= lo:
            return lo
        day = lo + dt.timedelta(days=self.rng.randint(0, (hi - lo).days))
        start = day
        while day >= lo:
            if self.calendar.is_working_day(day):
                return day
            day -= DAY
        day = start
        while day <= hi:
            if self.calendar.is_working_day(day):
                return day
            day += DAY
        return lo

    def urgency(self, due_on: dt.date) -> str:
        return str(deadlines.urgency(due_on, self.today, calendar=self.calendar))

    def day_for(self, lo: dt.date, hi: dt.date, due_of, want: str) -> dt.date | None:
        """A working day in [lo, hi] whose deadline (due_of(day)) has the urgency `want` today."""
        days = []
        day = lo
        while day <= hi:
            if self.calendar.is_working_day(day) and self.urgency(due_of(day)) == want:
                days.append(day)
            day += DAY
        return self.rng.choice(days) if days else None

    def decision_due(self, meeting: dt.date) -> dt.date:
        return self.calendar.add_working_days(meeting, deadlines.DECISION_WORKING_DAYS["admission"])

    def ceremony_due(self, received: dt.date) -> dt.date:
        return self.calendar.add_working_days(received, deadlines.CEREMONY_WORKING_DAYS)

    def review_due(self, ceremony: dt.date) -> dt.date:
        return deadlines.recognition_review_due(ceremony, calendar=self.calendar).due

    def recognition_due(self, meeting: dt.date) -> dt.date:
        return self.calendar.add_working_days(meeting, deadlines.DECISION_WORKING_DAYS["recognition"])

    # --- the cell's members on a day --------------------------------------------------------------------------
    def official_count(self, cell: Organization, day: dt.date) -> int:
        return sum(
            1
            for m in self.by_cell[cell.pk]
            if m.official
            and m.official <= day
            and m.entry <= day
            and (m.ended_on is None or m.ended_on > day)
            and m.status != MembershipStatus.PROBATIONARY
        )

    def officials(self, cell: Organization, day: dt.date, exclude: Staff) -> list[Member]:
        """Official members of the cell on `day` who still are (the app checks the current status)."""
        return [
            m
            for m in self.by_cell[cell.pk]
            if m.status == MembershipStatus.OFFICIAL
            and m.person.current
            and m.official <= day
            and m.entry <= day
            and m.person is not exclude
        ]

    # --- names and numbers ------------------------------------------------------------------------------------
    def deciding(self, plan: UnitPlan, day: dt.date) -> tuple[str, str]:
        """(issuer, number suffix) of the committee competent to decide on `day` (as people.Members numbers it)."""
        if plan.is_general_hospital and day >= AUTHORISED_ON:
            return f"Đảng ủy {plan.name}", "QĐ/ĐU"
        if plan.under_syt or day >= DISTRICT_END_ON:
            return "Ban Thường vụ Đảng ủy Sở Y tế", "QĐ/ĐU"
        kind, committee, _code = cat.LOCALITIES[plan.locality]
        return f"Ban Thường vụ {committee}", "QĐ/HU" if kind == "huyện" else "QĐ/TU"

    def course_issuer(self, plan: UnitPlan, day: dt.date) -> str:
        if plan.under_syt or day >= DISTRICT_END_ON:
            return "Trường Chính trị Nguyễn Văn Cừ tỉnh Quảng Ninh"
        kind = cat.LOCALITIES[plan.locality][0]
        return f"Trung tâm Chính trị {kind} {plan.locality}"

    def number(self, suffix: str) -> str:
        return f"{self.rng.randint(1, 999):02d}-{suffix}"

    # --- votes ------------------------------------------------------------------------------------------------
    def cell_vote(self, cell: Organization, day: dt.date) -> dict:
        total = self.official_count(cell, day)
        if total < 1:
            raise Infeasible("chi bộ chưa có đảng viên chính thức")
        excused = 1 if total >= 8 and self.rng.random() < 0.1 else 0
        need = votes.chi_bo_threshold(total, excused)
        counted = total - excused
        agree = counted if self.rng.random() < 0.7 else self.rng.randint(need, counted)
        return {"members_total": total, "members_excused": excused, "votes_for": agree}

    def committee_vote(self, cell: Organization) -> dict:
        size = self.committee_size.get(cell.parent_id, 7)
        need = votes.committee_threshold(size)
        agree = size if self.rng.random() < 0.75 else self.rng.randint(need, size)
        return {"members_total": size, "votes_for": agree}

    # --- drafting dates ---------------------------------------------------------------------------------------
    def before_meeting(
        self,
        person: Staff,
        cell: Organization,
        meeting: dt.date,
        cert_lo: dt.date | None = None,
        cert_hi: dt.date | None = None,
    ) -> tuple[dt.date, dt.date, dt.date]:
        """(put on the list, sympathiser, certificate) before a chi bộ meeting, all while in the unit."""
        joined = person.joined
        if joined is None or joined > meeting or eligibility.age_in_months(joined, meeting) < 12:
            raise Infeasible("chưa đủ 12 tháng cùng công tác")
        hi = meeting - 30 * DAY
        if cert_hi:
            hi = min(hi, cert_hi)
        start_lo, sympathise_lo, certificate_lo = self.earliest(person, cell)
        lo = max(certificate_lo, eligibility.add_months(meeting, -58), cert_lo or dt.date.min)
        if lo > hi:
            raise Infeasible("không có ngày cấp giấy chứng nhận phù hợp")
        certificate = self.workday(max(lo, hi - 420 * DAY), hi)
        sympathise = self.workday(max(sympathise_lo, certificate - 180 * DAY), certificate - 30 * DAY)
        started = self.workday(max(start_lo, sympathise - 90 * DAY), sympathise - 7 * DAY)
        return started, sympathise, certificate

    def earliest(self, person: Staff, cell: Organization) -> tuple[dt.date, dt.date, dt.date]:
        """The earliest days to put a person on this chi bộ's list, make them a sympathiser and see them certified:
        some time after joining the unit, and not before the chi bộ existed (a chi bộ made by a merge or a split
        starts its own roads)."""
        joined, floor = person.joined, cell.established_on
        return (
            max(joined + 14 * DAY, floor),
            max(joined + 60 * DAY, floor + 7 * DAY),
            max(joined + 120 * DAY, floor + 40 * DAY),
        )

    def admission_dates(self, person: Staff, cell: Organization, decision: dt.date, ceremony: dt.date | None, **bounds):
        """A timeline up to the decision (and ceremony) of a member whose decision and ceremony are known."""
        meeting = self.workday(decision - 50 * DAY, decision - 14 * DAY)
        started, sympathise, certificate = self.before_meeting(person, cell, meeting, **bounds)
        committee = None
        if cell.kind == OrgKind.CELL:
            committee = self.workday(meeting + 3 * DAY, min(meeting + 15 * DAY, decision - 2 * DAY))
        received = decision
        if ceremony is not None:
            received = decision + min(self.rng.randint(0, 3), (ceremony - decision).days) * DAY
        return Timeline(
            started=started,
            sympathise=sympathise,
            certificate=certificate,
            meeting=meeting,
            committee=committee,
            decision=decision,
            received=received,
            ceremony=ceremony,
        )

    # --- recording a timeline as steps, papers, introducers and helpers ---------------------------------------
    def record(self, road: Road, tl: Timeline) -> Road:
        """The timeline's steps in their order (the random draws in that order too: the demo is reproducible)."""
        if tl.sympathise:
            self._record_sympathise(road, tl.sympathise)
        if tl.certificate:
            self._record_certificate(road, tl.certificate)
        if tl.meeting:
            self.record_meeting(road, tl)
        if tl.committee:
            self._record_committee(road, tl.committee)
        if tl.decision:
            self._record_decision(road, tl)
        if tl.ceremony:
            self._record_ceremony(road, tl)
        if tl.end:
            self._record_end(road, *tl.end)
        return road

    def _record_sympathise(self, road: Road, on: dt.date) -> None:
        pool = self.officials(road.cell, on, road.person)
        if not pool:
            raise Infeasible("không có đảng viên chính thức để phân công giúp đỡ")
        for helper in self.rng.sample(pool, min(len(pool), 1 if self.rng.random() < 0.7 else 2)):
            road.helpers.append([helper.person.pk, HelperRole.HELPER, on, None])
        road.step(StepKind.SYMPATHISE, on, document_number=self.number("NQ/CB"))

    def _record_certificate(self, road: Road, on: dt.date) -> None:
        number, issuer = f"{self.rng.randint(100, 2999)}", self.course_issuer(road.plan, on)
        road.step(StepKind.CERTIFICATE, on, document_number=number, issuer=issuer)
        road.docs.append((DocumentKind.CERTIFICATE, on, f"Số {number}, {issuer}"))

    def _record_committee(self, road: Road, on: dt.date) -> None:
        vote = self.committee_vote(road.cell)
        _allowed(
            votes.check_committee_vote(committee_members=vote["members_total"], agree=vote["votes_for"], on=on),
            road.person.name,
        )
        road.step(StepKind.COMMITTEE_RESOLUTION, on, document_number=self.number("NQ/ĐU"), **vote)

    def _record_decision(self, road: Road, tl: Timeline) -> None:
        issuer, suffix = self.deciding(road.plan, tl.decision)
        if tl.decision > self.decision_due(tl.meeting):
            raise StoryError(f"{road.person.name}: quyết định kết nạp quá hạn")
        road.step(
            StepKind.DECISION,
            tl.decision,
            received_on=tl.received,
            document_number=tl.decision_number or self.number(suffix),
            issuer=issuer,
            note=tl.decision_note,
        )

    def _record_ceremony(self, road: Road, tl: Timeline) -> None:
        if tl.ceremony > self.ceremony_due(tl.received) or tl.ceremony < tl.decision:
            raise StoryError(f"{road.person.name}: lễ kết nạp ngoài thời hạn")
        pool = self.officials(road.cell, tl.ceremony, road.person)
        if not pool:
            raise Infeasible("không có đảng viên chính thức để giúp đỡ đảng viên dự bị")
        mentor = self.rng.choice(pool)
        for helper in road.helpers:
            if helper[1] == HelperRole.HELPER and helper[3] is None:
                helper[3] = tl.ceremony
        road.helpers.append([mentor.person.pk, HelperRole.MENTOR, tl.ceremony, None])
        road.step(StepKind.CEREMONY, tl.ceremony, note=f"Phân công đồng chí {mentor.person.name} giúp đỡ")
        self.record_probation(road, tl)

    def _record_end(self, road: Road, kind: str, on: dt.date, reason: str) -> None:
        issuer, suffix = self.deciding(road.plan, on)
        data = {"note": reason}
        if kind != StepKind.WITHDRAW:
            data |= {"document_number": self.number(suffix if kind == StepKind.REMOVE else "TB/ĐU"), "issuer": issuer}
        if kind == StepKind.REMOVE:  # proposed by the chi bộ's vote (Điều lệ Điều 5 khoản 2), then decided
            data |= self.cell_vote(road.cell, on)
        road.step(kind, on, **data)
        road.reason = reason
        for helper in road.helpers:
            if helper[3] is None:
                helper[3] = on

    def record_meeting(self, road: Road, tl: Timeline) -> None:
        """Introducers, dossier papers and the chi bộ resolution, judged by the rules on the meeting date."""
        person, meeting = road.person, tl.meeting
        route, members, member_then = self._introduction_route(road, meeting)
        received = self._dossier_papers(road, tl, route)
        introducers = self._introducers(road, route, members, received)
        vote = self.cell_vote(road.cell, meeting)
        if person.education not in eligibility.GENERAL_EDUCATION_CODES:
            raise Infeasible("chưa ghi trình độ giáo dục phổ thông")
        # the same judgement the one entry point makes (pipeline.checks.admission_conditions), from the demo's facts
        verdict = admission.judge(
            admission.Facts(
                name=person.name,
                born=person.birth,
                meeting=meeting,
                education=eligibility.GENERAL_EDUCATION_CODES[person.education],
                certificate_issued=tl.certificate,
                introducers=introducers,
                youth_union_member=member_then,
            )
        )
        verdict += votes.check_chi_bo_vote(
            official_members=vote["members_total"],
            absent_transferred_or_exempted=vote["members_excused"],
            agree=vote["votes_for"],
            on=meeting,
        )
        _allowed(verdict, person.name)
        road.step(
            StepKind.CELL_RESOLUTION, meeting, document_number=self.number("NQ/CB"), findings=_findings(verdict), **vote
        )

    def _introduction_route(self, road: Road, meeting: dt.date) -> tuple[str, list, bool | None]:
        """Who introduces the candidate (the route, the official members drawn) and whether they were a đoàn viên."""
        person = road.person
        year_before = eligibility.add_months(meeting, -12)
        pool = [
            m
            for m in self.officials(road.cell, meeting, person)
            if m.person.joined and max(m.person.joined, person.joined) <= year_before
        ]
        # Điều lệ Điều 4 khoản 1: in youth age where a Youth Union exists (every demo unit has one), only a đoàn viên,
        # introduced by the Đoàn and one official member (rules.admission.youth_member_then, as the domain asks)
        youth_route = eligibility.youth_age(person.birth, meeting)
        member_then = admission.youth_member_then(person.youth, person.birth, self.today)
        if youth_route and member_then is False:
            raise Infeasible("trong độ tuổi thanh niên nhưng chưa là đoàn viên")
        if not pool or (not youth_route and not person.trade and len(pool) < 2):
            raise Infeasible("không đủ người giới thiệu")
        if youth_route:
            return IntroducerKind.YOUTH_UNION, self.rng.sample(pool, 1), member_then
        if person.trade and (len(pool) < 2 or self.rng.random() < 0.3):
            return IntroducerKind.TRADE_UNION, self.rng.sample(pool, 1), member_then
        return IntroducerKind.MEMBER, self.rng.sample(pool, 2), member_then

    def _dossier_papers(self, road: Road, tl: Timeline, route: str) -> dict[str, dt.date]:
        """The admission papers, each received on a day between the certificate and the meeting."""
        kinds = list(ADMISSION_DOCUMENTS)
        if route == IntroducerKind.YOUTH_UNION:
            kinds.append(DocumentKind.YOUTH_UNION)
        elif route == IntroducerKind.TRADE_UNION:
            kinds.append(DocumentKind.TRADE_UNION)
        first, last = tl.certificate + DAY, tl.meeting - 2 * DAY
        days = sorted(first + self.rng.randint(0, (last - first).days) * DAY for _kind in kinds)
        received = dict(zip(kinds, days, strict=True))
        for kind, day in received.items():
            road.docs.append((kind, day, ""))
        return received

    def _introducers(
        self, road: Road, route: str, members: list, received: dict[str, dt.date]
    ) -> list[eligibility.Introducer]:
        """The introductions recorded on the road, and as the rules judge them."""
        introducers = []
        if route != IntroducerKind.MEMBER:
            paper = DocumentKind.YOUTH_UNION if route == IntroducerKind.YOUTH_UNION else DocumentKind.TRADE_UNION
            road.intros.append((route, None, None, received[paper], f"Nghị quyết {self.number('NQ')}"))
            maker = eligibility.Introducer.youth_union if route == IntroducerKind.YOUTH_UNION else None
            introducers.append(maker() if maker else eligibility.Introducer.trade_union())
        introduced_on = received[DocumentKind.INTRODUCTION]
        for m in members:
            together = max(m.person.joined, road.person.joined)
            road.intros.append((IntroducerKind.MEMBER, m.person.pk, together, introduced_on, ""))
            introducers.append(
                eligibility.Introducer(
                    official=True, official_since=m.official, together_since=together, kind="member", name=m.person.name
                )
            )
        return introducers

    def record_probation(self, road: Road, tl: Timeline) -> None:
        """Papers of the recognition dossier, mentor's notes and the recognition steps that have a date."""
        rng, cell, person, ceremony = self.rng, road.cell, road.person, tl.ceremony
        end = deadlines.probation_end(ceremony).due
        last_paper = min(tl.rec_meeting - DAY if tl.rec_meeting else self.today, self.today)
        course = ceremony + rng.randint(60, 220) * DAY
        if course <= last_paper:
            road.docs.append((DocumentKind.NEW_MEMBER_COURSE, course, ""))
        for kind in RECOGNITION_DOCUMENTS[1:]:
            day = end - rng.randint(0, 25) * DAY
            if tl.rec_meeting or day <= last_paper:
                road.docs.append((kind, min(day, last_paper), ""))
        for k in (1, 2, 3):
            day = ceremony + 91 * k * DAY
            if day <= min(end, self.today) and road.member is not None and road.member.status != "official":
                road.notes.append((day, MENTOR_NOTES[(k + road.person.pk) % len(MENTOR_NOTES)]))
        if not tl.rec_meeting:
            return
        if tl.rec_meeting < end or tl.rec_meeting > self.review_due(ceremony):
            raise StoryError(f"{person.name}: nghị quyết công nhận ngoài thời hạn")
        vote = self.cell_vote(cell, tl.rec_meeting)
        _allowed(
            votes.check_chi_bo_vote(
                official_members=vote["members_total"],
                absent_transferred_or_exempted=vote["members_excused"],
                agree=vote["votes_for"],
                on=tl.rec_meeting,
            ),
            person.name,
        )
        road.step(StepKind.RECOGNITION_CELL_RESOLUTION, tl.rec_meeting, document_number=self.number("NQ/CB"), **vote)
        if tl.rec_committee:
            road.step(
                StepKind.RECOGNITION_COMMITTEE_RESOLUTION,
                tl.rec_committee,
                document_number=self.number("NQ/ĐU"),
                **self.committee_vote(cell),
            )
        if tl.rec_decision:
            if tl.rec_decision > self.recognition_due(tl.rec_meeting):
                raise StoryError(f"{person.name}: quyết định công nhận quá hạn")
            issuer, suffix = self.deciding(road.plan, tl.rec_decision)
            road.step(
                StepKind.RECOGNITION_DECISION,
                tl.rec_decision,
                received_on=tl.rec_decision,
                document_number=self.number(suffix),
                issuer=issuer,
            )
            road.recognised_on = tl.rec_decision
            for helper in road.helpers:
                if helper[1] == HelperRole.MENTOR and helper[3] is None:
                    helper[3] = tl.rec_decision

    def attempt(self, road: Road, tl: Timeline, *, count: bool = True) -> Road | None:
        try:
            self.record(road, tl)
        except Infeasible as exc:
            if count:
                self.skipped[str(exc)] += 1
            return None
        self.roads.append(road)
        self.used.add(road.person.pk)
        return road

    # --- members' roads ---------------------------------------------------------------------------------------
    def recognition_dates(self, member: Member, tl: Timeline, cell: Organization, *, stage: str = Stage.OFFICIAL):
        """The recognition steps after the probation ends, up to `stage`, dated so that nothing is overdue."""
        end = deadlines.probation_end(member.ceremony).due
        review = self.review_due(member.ceremony)
        latest = min(review, self.today - DAY)
        if stage == Stage.PROBATION or latest < end:
            return
        if stage == Stage.OFFICIAL:
            tl.rec_meeting = self.workday(end, min(end + 20 * DAY, latest))
        else:  # still waiting for the decision: a resolution whose decision is not yet due (nor too near)
            tl.rec_meeting = self.day_for(end, latest, self.recognition_due, "ok") or self.day_for(
                end, latest, self.recognition_due, "soon"
            )
            if tl.rec_meeting is None:
                tl.rec_meeting = self.workday(end, latest)
        if cell.kind == OrgKind.CELL and (stage != Stage.RECOGNITION_CELL):
            hi = min(tl.rec_meeting + 8 * DAY, self.today - DAY)
            if hi >= tl.rec_meeting + 2 * DAY:
                tl.rec_committee = self.workday(tl.rec_meeting + 2 * DAY, hi)
            elif stage == Stage.OFFICIAL:
                tl.rec_committee = tl.rec_meeting
        if stage == Stage.OFFICIAL:
            after = tl.rec_committee or tl.rec_meeting
            hi = min(self.recognition_due(tl.rec_meeting), self.today - DAY)
            if hi < after:
                raise Infeasible("chưa kịp công nhận chính thức")
            tl.rec_decision = self.workday(min(after + 3 * DAY, hi), hi)

    def member_road(self, member: Member, *, stage: str | None = None, **bounds) -> Road | None:
        """The road of a member the generator admitted: linked to the membership, dates as in the registry."""
        cell = self.cell_by_pk.get(member.org_id)
        if cell is None or member.person.pk in self.used or not member.person.current:
            return None
        try:
            tl = self.admission_dates(member.person, cell, member.decision, member.ceremony, **bounds)
        except Infeasible as exc:
            self.skipped[str(exc)] += 1
            return None
        tl.decision_number = member.decision_number
        if STORY_Q1[0] <= member.decision <= STORY_Q1[1] and self.plan_of(cell).code == STORY_CODE:
            tl.decision_note = (
                f"Kế hoạch quý I/2021 của Đảng ủy: kết nạp {STORY_Q1_PLAN} quần chúng ưu tú; "
                f"đã kết nạp {STORY_Q1_PLAN}/{STORY_Q1_PLAN}"
            )
        stage = stage or (Stage.OFFICIAL if member.status == MembershipStatus.OFFICIAL else Stage.PROBATION)
        try:
            self.recognition_dates(member, tl, cell, stage=stage)
        except Infeasible as exc:
            self.skipped[str(exc)] += 1
            return None
        road = Road(member.person, cell, self.plan_of(cell), tl.started, member=member)
        return self.attempt(road, tl)

    # --- the seed story ---------------------------------------------------------------------------------------
    def story_members(self) -> list[Member]:
        cells = {c.pk for c in self.cells if self.plan_of(c).code == STORY_CODE}
        return [
            m
            for m in self.members
            if m.org_id in cells and m.admitted and m.status in MembershipStatus.active() and m.person.current
        ]

    def redate_q1_2021(self, members: list[Member]) -> None:
        """Move admissions of 2020–7/2023 into Q1 2021 until 17 decisions fall there (module docstring)."""
        lo, hi = STORY_Q1
        if self.today < eligibility.add_months(hi, 15):
            return
        need = STORY_Q1_PLAN - sum(lo <= m.decision <= hi for m in members)
        if need <= 0:
            return
        posts = dict(
            Assignment.objects.filter(person_id__in=[m.person.pk for m in members])
            .values("person_id")
            .annotate(n=Count("id"))
            .values_list("person_id", "n")
        )
        pool = [
            m
            for m in members
            if REDATE_FROM[0] <= m.decision <= REDATE_FROM[1]
            and not lo <= m.decision <= hi
            and m.status == MembershipStatus.OFFICIAL
            and not m.moved
            and posts.get(m.person.pk, 0) == 1
        ]
        self.rng.shuffle(pool)
        for m in pool:
            if need == 0:
                break
            first = max(
                lo, eligibility.add_months(m.person.birth, 22 * 12), eligibility.add_months(m.person.joined, 15)
            )
            last = min(hi, eligibility.add_months(m.person.birth, 45 * 12))
            if first > last:
                continue
            decision = self.workday(first, last)
            old = (m.decision, m.ceremony)
            m.ceremony = decision + (m.ceremony - m.decision)
            m.decision = decision
            m.official = deadlines.official_date(m.ceremony)
            m.entry = max(m.ceremony, self.cell_by_pk[m.org_id].established_on)
            self.redated.append((m, *old))
            need -= 1

    def tell_story(self) -> dict:
        members = self.story_members()
        if not members:
            return {}
        self.redate_q1_2021(members)
        since = sorted(
            (m for m in members if m.decision >= STORY_SINCE), key=lambda m: (m.decision, m.pk), reverse=True
        )
        # the Q1 2021 decisions first, so that they are told whatever happens to the others
        since.sort(key=lambda m: not STORY_Q1[0] <= m.decision <= STORY_Q1[1])
        course, earlier, untold = 0, 0, 0
        for m in since:
            # until 65 are told, the course was taken since 2015; the earlier admissions since 2015 took it before
            # 2015 (told when the certificate fits before 2015, within its 60 months)
            bounds = {"cert_lo": STORY_SINCE} if course < STORY_COURSE else {"cert_hi": STORY_SINCE - DAY}
            stage = self.recent_stage(m)
            road = self.reopen(m, stage, **bounds) if stage else self.member_road(m, **bounds)
            if road is None and stage:
                road = self.member_road(m, **bounds)
            if road is None:
                untold += 1
            elif "cert_lo" in bounds:
                course += 1
            else:
                earlier += 1
        return {"course_since_2015": course, "course_before_2015": earlier, "not_told": untold}

    # --- probationary members and probations that just ended ---------------------------------------------------
    def convert(self, member: Member) -> None:
        member.status = MembershipStatus.PROBATIONARY
        member.official = None
        self.converted.append(member)

    def cell_officials_now(self, cell_id: int) -> int:
        return sum(1 for m in self.by_cell[cell_id] if m.status == MembershipStatus.OFFICIAL)

    def recent_stage(self, m: Member) -> str | None:
        """Where a member whose probation ended less than RECENT_DAYS ago stands on the road (None: elsewhere)."""
        if not (m.admitted and m.status == MembershipStatus.OFFICIAL and m.official and m.person.current):
            return None
        cell = self.cell_by_pk.get(m.org_id)
        days = (self.today - m.official).days
        if cell is None or days < 0 or days >= RECENT_DAYS or m.person.pk in self.used:
            return None
        if days < 10:
            return Stage.PROBATION
        if cell.kind == OrgKind.CELL and days >= 25:
            return Stage.RECOGNITION_COMMITTEE
        return Stage.RECOGNITION_CELL

    def reopen(self, m: Member, stage: str, **bounds) -> Road | None:
        """Turn the member back into a probationary one at `stage` (if the cell keeps three official members)."""
        if self.cell_officials_now(m.org_id) <= 3:
            return None
        self.convert(m)
        road = self.member_road(m, stage=stage, **bounds)
        if road is None:
            self.unconvert(m)
        return road

    def recent_probations(self, copy: list[Member]) -> None:
        """Members whose probation ended less than RECENT_DAYS ago go back to the recognition stages."""
        for m in copy:
            stage = self.recent_stage(m)
            if stage:
                self.reopen(m, stage)

    def unconvert(self, member: Member) -> None:
        member.status = MembershipStatus.OFFICIAL
        member.official = deadlines.official_date(member.ceremony)
        self.converted.remove(member)

    def overdue_probations(self, copy: list[Member], plans: set[str]) -> int:
        """Two recognition reviews and one recognition decision left overdue, in different hospitals."""
        pool = [
            m
            for m in copy
            if m.admitted
            and m.status == MembershipStatus.OFFICIAL
            and m.official
            and m.person.current
            and m.person.pk not in self.used
            and 50 <= (self.today - m.official).days <= 110
            and self.review_due(m.ceremony) < self.today
            and self.plan_of(self.cell_by_pk[m.org_id]).code in plans
            and self.cell_officials_now(m.org_id) > 3
        ]
        self.rng.shuffle(pool)
        made, seen = 0, set()
        for m in pool:
            if made == 3:
                break
            cell = self.cell_by_pk[m.org_id]
            if cell.parent_id in seen:
                continue
            self.convert(m)
            if made < 2:
                road = self.member_road(m, stage=Stage.PROBATION)
            else:
                road = self.overdue_recognition_decision(m, cell)
            if road is None:
                self.unconvert(m)
                continue
            seen.add(cell.parent_id)
            made += 1
        return made

    def overdue_recognition_decision(self, member: Member, cell: Organization) -> Road | None:
        try:
            tl = self.admission_dates(member.person, cell, member.decision, member.ceremony)
        except Infeasible:
            return None
        tl.decision_number = member.decision_number
        end = deadlines.probation_end(member.ceremony).due
        tl.rec_meeting = self.day_for(
            end, min(end + 12 * DAY, self.review_due(member.ceremony)), self.recognition_due, "overdue"
        )
        if tl.rec_meeting is None:
            return None
        if cell.kind == OrgKind.CELL:
            tl.rec_committee = self.workday(tl.rec_meeting + 2 * DAY, tl.rec_meeting + 8 * DAY)
        road = Road(member.person, cell, self.plan_of(cell), tl.started, member=member)
        return self.attempt(road, tl)

    # --- outstanding non-members on the road today ------------------------------------------------------------
    def non_members(self, cell: Organization, *, wide: bool = False) -> list[Staff]:
        """The cell's likely outstanding non-members (wide: anyone of working age who could be, for a small cell)."""
        ages = (20, 45) if wide else (22, 38)
        people = [
            s
            for s in self.staff_by_org[cell.pk]
            if s.current
            and not s.member
            and s.pk not in self.used
            and s.joined
            and s.joined <= self.today - 60 * DAY
            and ages[0] <= s.age_on(self.today) <= ages[1]
            and (wide or s.level in GOOD_LEVELS)
            and s.education in eligibility.GENERAL_EDUCATION_CODES
        ]
        keyed = sorted((-(s.youth * 1.5) - self.rng.random(), s.pk, s) for s in people)
        return [s for _k, _pk, s in keyed]

    def open_road(self, person: Staff, cell: Organization, stage: str, want: str) -> Road | None:
        t = self.today
        plan = self.plan_of(cell)
        start_lo, sympathise_lo, certificate_lo = self.earliest(person, cell)
        try:
            if stage == Stage.SOURCE:
                tl = Timeline(started=self.workday(max(start_lo, t - 150 * DAY), t - DAY))
            elif stage == Stage.SYMPATHISER:
                if sympathise_lo > t - 3 * DAY:
                    raise Infeasible("mới vào đơn vị")
                sympathise = self.workday(max(sympathise_lo, t - 300 * DAY), t - 3 * DAY)
                tl = Timeline(started=self.workday(max(start_lo, sympathise - 90 * DAY), sympathise - 7 * DAY))
                tl.sympathise = sympathise
            elif stage == Stage.DOSSIER:
                if certificate_lo > t - 3 * DAY:
                    raise Infeasible("mới vào đơn vị")
                certificate = self.workday(max(certificate_lo, t - 500 * DAY), t - 3 * DAY)
                sympathise = self.workday(max(sympathise_lo, certificate - 180 * DAY), certificate - 30 * DAY)
                started = self.workday(max(start_lo, sympathise - 90 * DAY), sympathise - 7 * DAY)
                tl = Timeline(started=started, sympathise=sympathise, certificate=certificate)
            elif stage in {Stage.CELL_RESOLVED, Stage.COMMITTEE_RESOLVED}:
                windows = {"ok": (t - 45 * DAY, t - 4 * DAY), "soon": (t - 100 * DAY, t - 70 * DAY)}
                lo, hi = windows.get(want, (t - 140 * DAY, t - 90 * DAY))
                meeting = self.day_for(lo, hi, self.decision_due, want)
                if meeting is None and want != "overdue":
                    meeting = self.day_for(t - 45 * DAY, t - 4 * DAY, self.decision_due, "ok")
                if meeting is None:
                    raise Infeasible("không có ngày họp phù hợp")
                started, sympathise, certificate = self.before_meeting(person, cell, meeting)
                tl = Timeline(started=started, sympathise=sympathise, certificate=certificate, meeting=meeting)
                if stage == Stage.COMMITTEE_RESOLVED:
                    tl.committee = self.workday(meeting + 3 * DAY, min(meeting + 15 * DAY, t - DAY))
            elif stage == Stage.DECIDED:
                windows = {"ok": (t - 20 * DAY, t), "soon": (t - 50 * DAY, t - 30 * DAY)}
                lo, hi = windows.get(want, (t - 90 * DAY, t - 46 * DAY))
                received = self.day_for(lo, hi, self.ceremony_due, want)
                if received is None and want != "overdue":
                    received = self.day_for(t - 20 * DAY, t, self.ceremony_due, "ok")
                if received is None:
                    raise Infeasible("không có ngày nhận quyết định phù hợp")
                decision = self.workday(received - 3 * DAY, received)
                tl = self.admission_dates(person, cell, decision, None)
                tl.received = received
                _issuer, suffix = self.deciding(plan, decision)
                tl.decision_number = self.number(suffix)
            else:
                raise StoryError(stage)
        except Infeasible:
            return None
        return self.attempt(Road(person, cell, plan, tl.started), tl, count=False)

    def open_candidates(self, cells: list[Organization], story: bool) -> None:
        """2–6 outstanding non-members per chi bộ of a base organisation, its stages spread over the road."""
        rng = self.rng
        slots = []
        for cell in cells:
            slots += [cell] * rng.randint(2, 6)
        if story:  # Đông Triều admits everyone it sends to the course: its others are not sent yet
            stages = [Stage.SOURCE, Stage.SYMPATHISER]
            weights = [OPEN_WEIGHTS[s] for s in stages]
        else:
            stages = [s for s in OPEN_WEIGHTS if s != Stage.COMMITTEE_RESOLVED or cells[0].kind == OrgKind.CELL]
            weights = [OPEN_WEIGHTS[s] for s in stages]
        wanted = list(stages) + rng.choices(stages, weights=weights, k=max(0, len(slots) - len(stages)))
        rng.shuffle(wanted)
        planned = list(zip(slots, wanted, strict=False))  # every stage once when there are enough slots
        people = {cell.pk: self.non_members(cell) for cell in cells}
        for cell, stage in planned:
            want = "ok"
            if stage in {Stage.CELL_RESOLVED, Stage.COMMITTEE_RESOLVED, Stage.DECIDED} and rng.random() < SOON_SHARE:
                want = "soon"
            if self.open_one(people[cell.pk], cell, stage, want) is None and stage not in EARLY:
                # nobody here can have reached that stage lawfully (say, every young one is no đoàn viên): the slot
                # still holds someone on the road, earlier on it
                pools = (people[cell.pk], self.non_members(cell, wide=True))
                for early, pool in ((e, p) for p in pools for e in EARLY):
                    if self.open_one(pool, cell, early, "ok") is not None:
                        break

    def open_one(self, people: list[Staff], cell: Organization, stage: str, want: str) -> Road | None:
        for person in list(people):
            if person.pk in self.used:
                people.remove(person)
                continue
            road = self.open_road(person, cell, stage, want)
            if road is not None:
                people.remove(person)
                return road
        return None

    def overdue_open(self, cells: list[Organization]) -> int:
        """One decision and one ceremony overdue per copy of the province (not in the story's hospital)."""
        made = 0
        for stage in (Stage.COMMITTEE_RESOLVED, Stage.DECIDED):
            choices = [c for c in cells if stage != Stage.COMMITTEE_RESOLVED or c.kind == OrgKind.CELL]
            self.rng.shuffle(choices)
            for cell in choices:
                if self.open_one(self.non_members(cell), cell, stage, "overdue"):
                    made += 1
                    break
        return made

    # --- closed history in a few hospitals --------------------------------------------------------------------
    def history(self, plan: UnitPlan, cells: list[Organization]) -> Counter:
        made = Counter()
        members = sorted(
            (
                m
                for cell in cells
                for m in self.by_cell[cell.pk]
                if m.admitted
                and m.status == MembershipStatus.OFFICIAL
                and not m.moved
                and m.person.current
                and m.decision >= self.today - 4 * 365 * DAY
                and m.official <= self.today - RECENT_DAYS * DAY
            ),
            key=lambda m: (m.decision, m.pk),
            reverse=True,
        )
        for m in members:
            if made[Stage.OFFICIAL] >= HISTORY_OFFICIAL:
                break
            made[Stage.OFFICIAL] += self.member_road(m) is not None
        people = [s for cell in cells for s in self.non_members(cell) if s.joined <= self.today - 3 * 365 * DAY]
        self.rng.shuffle(people)  # from any of the unit's chi bộ
        for i, kind in enumerate(
            [StepKind.WITHDRAW, StepKind.WITHDRAW, StepKind.NOT_ADMITTED]
            + ([StepKind.REMOVE] if plan.code == REMOVED_UNIT else [])
        ):
            for person in list(people):
                people.remove(person)
                road = self.closed_road(person, self.cell_by_pk[person.org_id], plan, kind, i)
                if road is not None:
                    made[road.stage] += 1
                    break
        return made

    def closed_road(self, person: Staff, cell: Organization, plan: UnitPlan, kind: str, i: int) -> Road | None:
        t = self.today
        try:
            if kind == StepKind.WITHDRAW:
                on = self.workday(t - 700 * DAY, t - 60 * DAY)
                if i == 0:  # after a certificate
                    certificate = self.workday(on - 300 * DAY, on - 30 * DAY)
                    sympathise = self.workday(certificate - 180 * DAY, certificate - 30 * DAY)
                else:
                    certificate, sympathise = None, self.workday(on - 300 * DAY, on - 60 * DAY)
                started = self.workday(sympathise - 90 * DAY, sympathise - 14 * DAY)
                if started < self.earliest(person, cell)[0]:
                    raise Infeasible("mới vào đơn vị")
                tl = Timeline(started=started, sympathise=sympathise, certificate=certificate)
                tl.end = (kind, on, WITHDRAW_REASONS[(person.pk + i) % len(WITHDRAW_REASONS)])
            elif kind == StepKind.NOT_ADMITTED:
                on = self.workday(t - 600 * DAY, t - 60 * DAY)
                meeting = self.workday(on - 70 * DAY, on - 30 * DAY)
                started, sympathise, certificate = self.before_meeting(person, cell, meeting)
                tl = Timeline(started=started, sympathise=sympathise, certificate=certificate, meeting=meeting)
                if cell.kind == OrgKind.CELL:
                    tl.committee = self.workday(meeting + 3 * DAY, meeting + 15 * DAY)
                tl.end = (kind, on, NOT_ADMITTED_REASONS[person.pk % len(NOT_ADMITTED_REASONS)])
            else:
                return self.removed_road(person, cell, plan)
        except Infeasible:
            return None
        return self.attempt(Road(person, cell, plan, tl.started), tl, count=False)

    def removed_road(self, person: Staff, cell: Organization, plan: UnitPlan) -> Road | None:
        """A probationary member removed at the end of the probation (xóa tên): the membership goes through the
        registry services (register_membership, end_membership), as domain.transition() would do it."""
        t = self.today
        ceremony = self.workday(t - 560 * DAY, t - 480 * DAY)
        decision = self.workday(ceremony - 20 * DAY, ceremony - 5 * DAY)
        end = deadlines.probation_end(ceremony).due
        removed_on = self.workday(end + 20 * DAY, min(self.recognition_due(self.review_due(ceremony)), t - 30 * DAY))
        if removed_on > real_today() or removed_on <= end:
            return None
        try:
            tl = self.admission_dates(person, cell, decision, ceremony)
        except Infeasible:
            return None
        _issuer, suffix = self.deciding(plan, decision)
        tl.decision_number = self.number(suffix)
        tl.end = (StepKind.REMOVE, removed_on, REMOVE_REASON)
        road = Road(person, cell, plan, tl.started)
        if self.attempt(road, tl, count=False) is None:
            return None
        record = Person.objects.get(pk=person.pk)
        membership = people_services.register_membership(
            record,
            actor=SYSTEM,
            organization=cell,
            status=MembershipStatus.PROBATIONARY,
            decision_date=decision,
            decision_number=tl.decision_number,
            ceremony_date=ceremony,
            kind=MembershipEventKind.ADMITTED,
            on=ceremony,
        )
        people_services.end_membership(
            membership, MembershipEventKind.REMOVED, actor=SYSTEM, on=removed_on, note=REMOVE_REASON
        )
        road.member = Member(
            membership.pk,
            person,
            cell.pk,
            MembershipStatus.REMOVED,
            decision,
            tl.decision_number,
            ceremony,
            None,
            removed_on,
            ceremony,
            True,
            False,
            "",
        )
        person.member = True
        return road

    # --- writing ----------------------------------------------------------------------------------------------
    def write(self) -> None:
        candidates = [
            Candidate(
                person_id=road.person.pk,
                organization=road.cell,
                stage=road.stage,
                stage_since=road.stage_since,
                started_on=road.started,
                membership_id=road.member.pk if road.member else None,
                outcome_reason=road.reason,
            )
            for road in self.roads
        ]
        bulk.insert(candidates)
        steps, docs, intros, helpers, notes = [], [], [], [], []
        for road, candidate in zip(self.roads, candidates, strict=True):
            for data in road.steps:
                steps.append(Step(candidate=candidate, **data))
            for kind, day, note in sorted(road.docs, key=lambda d: (d[1], d[0])):
                docs.append(DossierItem(candidate=candidate, kind=kind, received_on=day, note=note))
            for kind, introducer, together, on, note in road.intros:
                intros.append(
                    Introduction(
                        candidate=candidate,
                        kind=kind,
                        introducer_id=introducer,
                        together_since=together,
                        introduced_on=on,
                        note=note,
                    )
                )
            for member, role, since, until in road.helpers:
                helpers.append(Helper(candidate=candidate, member_id=member, role=role, since=since, until=until))
            for on, text in road.notes:
                notes.append(MentorNote(candidate=candidate, on=on, text=text))
        bulk.insert(steps)
        bulk.insert(docs)
        bulk.insert(intros)
        bulk.insert(helpers)
        bulk.insert(notes)
        # the story's notes are the mentor's: each names the mentor in force on its day
        mentor = Helper.objects.filter(
            Q(until__isnull=True) | Q(until__gte=OuterRef("on")),
            candidate=OuterRef("candidate"),
            role=HelperRole.MENTOR,
            since__lte=OuterRef("on"),
        ).order_by("-since")
        MentorNote.objects.filter(helper__isnull=True).update(helper=Subquery(mentor.values("pk")[:1]))
        self.write_registry()

    def write_registry(self) -> None:
        """The registry follows the roads: re-dated admissions, probations still being recognised, and the
        recognition event on the day of the recognition decision (domain.transition() records it then)."""
        changed: dict[int, Member] = {m.pk: m for m, _d, _c in self.redated}
        changed |= {m.pk: m for m in self.converted}
        rows = PartyMembership.objects.in_bulk(list(changed))
        for pk, m in changed.items():
            row = rows[pk]
            row.decision_date, row.ceremony_date, row.official_date = m.decision, m.ceremony, m.official
            if m.status == MembershipStatus.PROBATIONARY:
                row.status, row.card_number = MembershipStatus.PROBATIONARY, ""
        PartyMembership.objects.bulk_update(
            rows.values(),
            ["decision_date", "ceremony_date", "official_date", "status", "card_number"],
            batch_size=BATCH,
        )
        MembershipEvent.objects.filter(
            membership_id__in=[m.pk for m in self.converted], kind=MembershipEventKind.RECOGNISED
        ).delete()
        recognised = {m.pk: m.official for m, _d, _c in self.redated}
        recognised |= {road.member.pk: road.recognised_on for road in self.roads if road.member and road.recognised_on}
        admitted = {m.pk: m.ceremony for m, _d, _c in self.redated}
        events = list(
            MembershipEvent.objects.filter(
                membership_id__in=set(recognised) | set(admitted),
                kind__in=[MembershipEventKind.ADMITTED, MembershipEventKind.RECOGNISED],
            )
        )
        for event in events:
            if event.kind == MembershipEventKind.ADMITTED and event.membership_id in admitted:
                event.on = admitted[event.membership_id]
            elif event.kind == MembershipEventKind.RECOGNISED and event.membership_id in recognised:
                event.on = recognised[event.membership_id]
        MembershipEvent.objects.bulk_update(events, ["on"], batch_size=BATCH)


def build_pipeline(*, plans: list[UnitPlan], rng: random.Random, today: dt.date) -> dict:
    """Candidates, their steps and papers for the demo province already in the database; returns counts."""
    started = time.monotonic()
    story = Story(plans, rng, today)
    by_base: dict[str, list[Organization]] = defaultdict(list)
    for cell in story.cells:
        by_base[story.plan_of(cell).code].append(cell)
    told = story.tell_story()
    for copy_no in sorted({p.copy_no for p in plans}):
        _tell_copy(story, [p.code for p in plans if p.copy_no == copy_no], by_base, copy_no == 1)
    story.write()
    due.store(Candidate.objects.all())  # the roads were bulk-written: their deadlines are kept through the one writer
    return {**_counts(story, told, today), "pipeline_seconds": round(time.monotonic() - started, 1)}


def _tell_copy(story: Story, codes: list[str], by_base: dict[str, list[Organization]], first: bool) -> None:
    """The roads of one copy of the province (its units' `codes`; the first copy also tells the histories)."""
    members = [m for code in codes for c in by_base.get(code, []) for m in story.by_cell[c.pk]]
    others = {code for code in codes if code != STORY_CODE}
    story.overdue_probations(members, others)
    story.recent_probations(members)
    _roads_of_probationers(story, members)
    if first:
        for code in HISTORY_UNITS:
            if code in story.plans and by_base.get(code):
                story.history(story.plans[code], by_base[code])
    story.overdue_open([c for code in sorted(others) for c in by_base.get(code, [])])
    for code in codes:
        if by_base.get(code):
            story.open_candidates(by_base[code], story=code == STORY_CODE)


def _roads_of_probationers(story: Story, members: list) -> None:
    """Every probationary member is on the road to recognition (counted as skipped where none can be built)."""
    for m in members:
        if m.admitted and m.status == MembershipStatus.PROBATIONARY and m not in story.converted:
            if story.member_road(m) is None and m.person.pk not in story.used:
                story.skipped["đảng viên dự bị không dựng được quá trình"] += 1


def _counts(story: Story, told: dict, today: dt.date) -> dict:
    """What the demo command reports of the roads it wrote."""
    by_stage = dict(Counter(Candidate.objects.values_list("stage", flat=True)))
    mix = due.counts(due.schedule(Candidate.objects.all(), today))
    return {
        "candidates": sum(by_stage.values()),
        "candidates_open": Candidate.objects.exclude(stage__in=Stage.terminal()).count(),
        "candidates_by_stage": {str(s): by_stage.get(s, 0) for s in list(Stage)},
        "due_overdue": mix["overdue"],
        "due_soon": mix["soon"],
        "due_ok": mix["ok"],
        "due_none": mix["none"],
        "story_course_since_2015": told.get("course_since_2015", 0),
        "story_q1_2021": Step.objects.filter(
            kind=StepKind.DECISION,
            on__range=STORY_Q1,
            candidate__organization__code__startswith=f"{STORY_CODE}.",
        ).count(),
        "story_redated": len(story.redated),
        "story_not_told": told.get("not_told", 0),
        "probations_reopened": len(story.converted),
        "skipped": dict(story.skipped),
    }
