"""The demo dataset: Quảng Ninh's health sector as the seed articles tell it (README of /work/shared/seeds).

30 public health units (8,000 staff, 3,162 members) with history since 1/1/2010: the Health Department's
party committee under the provincial agencies bloc, district committees over the district hospitals, a chi bộ
split in 2022, the province-level reform of 1/2/2025 (Đảng bộ UBND tỉnh) and the end of the district level on
1/7/2025 (QĐ 294-QĐ/TW), when the district hospital–health centres became regional health centres.

Deterministic: the same seed and the same `today` give the same rows (one random.Random, fixed order, no uuid).
The organisation tree and the work units are written as the services would write them, with the audit entries
their saves would record (TreeRows, in bulk: 7,000 organisations and 26,000 departments at scale 50); people,
assignments, memberships and their events are bulk-inserted (demo.bulk), drafted and written a chunk at a time;
then the dated changes are applied through the services in date order, which moves the members concerned and
records those moves (their audit entries collected and appended at the end: audit.recorder.collected). Kept
figures, kept deadlines and the person search index are computed once, at the end. Scale 50 (400,000 staff):
about 4 minutes of CPU on SQLite, under 1.2 GB of memory.
"""

import contextlib
import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator

from ketnap.rules.dates import ddmmyyyy

try:
    import resource  # the peak memory printed by `ketnap demo -v 2` (not on Windows)
except ImportError:  # pragma: no cover
    resource = None

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Count, Q

from ketnap.accounts.models import Role, RoleKind
from ketnap.audit import recorder
from ketnap.audit.context import SYSTEM, acting
from ketnap.audit.recorder import write_entry
from ketnap.demo import bulk, data, pipeline_story
from ketnap.demo import catalogue as cat
from ketnap.demo import targets as demo_targets
from ketnap.demo.people import Buckets, Draft, Members, People, admission_targets
from ketnap.demo.plan import (
    AUTHORISED_ON,
    DISTRICT_END_ON,
    PROVINCE_REFORM_ON,
    REGISTER_START,
    SPLIT_ON,
    UnitPlan,
    unit_plans,
)
from ketnap.pipeline.enums import HelperRole, Stage
from ketnap.pipeline.models import Candidate, Helper
from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgChange, OrgKind, UnitKind
from ketnap.registry.models import (
    Assignment,
    CodeItem,
    MembershipEvent,
    Organization,
    OrganizationVersion,
    PartyMembership,
    Person,
    Preferences,
    UnitCoverage,
    WorkUnit,
    WorkUnitVersion,
)
from ketnap.registry.services import organizations as orgs
from ketnap.registry.services import units as unit_services
from ketnap.stats import figures

NOTE = "Nạp dữ liệu mẫu"
DEMO_PASSWORD = "ketnap-demo"  # demo only: printed by `ketnap demo` and documented
DEMO_MAIL_DOMAIN = "ketnap.example"  # reserved for examples (RFC 2606): never a real mailbox, even through SMTP
DEMO_USERS: list[tuple[str, str]] = [
    ("quantri", "Quản trị hệ thống (có quyền vào trang quản trị Django), toàn tỉnh"),
    ("giamsat.tinhuy", "Ban Tổ chức Tỉnh ủy: chỉ xem số liệu tổng hợp, không xem tên"),
    ("vp.ubnd", "Văn phòng Đảng ủy UBND tỉnh (tài khoản trình diễn chính)"),
    ("vp.syt", "Văn phòng Đảng ủy Sở Y tế"),
    ("vp.bvdk", "Văn phòng Đảng ủy Bệnh viện Đa khoa tỉnh"),
    ("vp.dongtrieu", "Văn phòng Đảng ủy Trung tâm Y tế khu vực Đông Triều"),
    ("bithu.noi", "Bí thư Chi bộ Nội 1 (Khoa Nội tổng hợp), Bệnh viện Đa khoa tỉnh"),
    ("bithu.dongtrieu", "Bí thư một chi bộ của Trung tâm Y tế khu vực Đông Triều"),
    # issue #15: members without a role, linked to their staff record (Person.user): their own page, nothing else
    ("giupdo.noi", "Đảng viên Chi bộ Nội 1 được phân công giúp đỡ đảng viên dự bị (không có vai trò: Việc của tôi)"),
    ("ungvien.noi", "Quần chúng đang phấn đấu vào Đảng ở Chi bộ Nội 1 (chỉ xem quá trình của mình)"),
]
LOAD_CHUNK = 20_000  # people drafted, then written with their history, at a time

REASON_START = "Số liệu đầu kỳ khi bắt đầu theo dõi trên ketnap"
REASON_AUTHORISED = "Cấp ủy cấp trên ủy quyền cho đảng ủy cơ sở quyết định kết nạp đảng viên (Quy định 29-QĐ/TW)"
REASON_SPLIT = "Nghị quyết của Đảng ủy Bệnh viện về kiện toàn tổ chức: chia tách Chi bộ Khối Ngoại"
REASON_PROVINCE = (
    "Sắp xếp tổ chức đảng cấp tỉnh (tổng kết Nghị quyết 18-NQ/TW): thành lập Đảng bộ UBND tỉnh, "
    "Đảng bộ Khối các cơ quan tỉnh kết thúc hoạt động"
)
REASON_DISTRICT = (
    "QĐ 294-QĐ/TW; sắp xếp đơn vị hành chính: kết thúc hoạt động cấp huyện từ 01/07/2025, "
    "tổ chức đảng chuyển về Đảng bộ Sở Y tế"
)
REASON_RENAME = (
    "QĐ 294-QĐ/TW; sắp xếp đơn vị hành chính: Bệnh viện – Trung tâm Y tế cấp huyện đổi tên thành "
    "Trung tâm Y tế khu vực, chuyển về Đảng bộ Sở Y tế"
)
REASON_MERGE = "Nghị quyết của Đảng ủy Bệnh viện: hợp nhất hai chi bộ khi sắp xếp lại các khoa"


class DemoDataExists(Exception):
    """The database already holds organisations: the demo is loaded only into an empty register."""


def has_data() -> bool:
    return Organization.objects.exists()


class Tree:
    """What the services created, by the plan's keys."""

    def __init__(self):
        self.province: Organization | None = None
        self.kcq: Organization | None = None
        self.syt: Organization | None = None
        self.ubnd: Organization | None = None
        self.committees: dict[str, Organization] = {}
        self.base: dict[str, Organization] = {}
        self.cells: dict[tuple[str, str], Organization] = {}  # (unit code, cell key); key "" = the base cell
        self.units: dict[str, WorkUnit] = {}
        self.depts: dict[tuple[str, str], WorkUnit] = {}

    def cell(self, plan: UnitPlan, key: str) -> Organization:
        return self.cells[(plan.code, key)]


def build(*, seed: int = 2026, scale: int = 1, today: dt.date) -> dict:
    """Load the demo province into an empty database and return the summary counts."""
    if scale < 1:
        raise ValueError("scale phải từ 1 trở lên")
    if today < dt.date(2011, 1, 1):
        raise ValueError("Ngày 'hôm nay' của dữ liệu mẫu phải từ 01/01/2011 trở đi.")
    started = time.monotonic()
    phases = Phases()
    with acting(None, note=NOTE), transaction.atomic(), bulk.loading(), recorder.collected():
        if has_data():
            raise DemoDataExists("Cơ sở dữ liệu đã có dữ liệu; không nạp lại.")
        rng = random.Random(seed)
        plans = unit_plans(scale, today)
        tree = Tree()
        with phases("tree"):
            _build_tree(plans, tree)
        with phases("people"):
            _bulk_load(_draft_people(plans, rng, today), tree, today)
            _refresh_planner_statistics()
        with phases("summary"):
            counts = _summary(today)
            write_entry("create", tree.province, {"demo": [None, _summary_text(counts, seed, scale, today)]}, note=NOTE)
        with phases("history"):
            _apply_history(plans, tree, today)
        with phases("pipeline"):
            pipeline = pipeline_story.build_pipeline(plans=plans, rng=rng, today=today)
            _refresh_planner_statistics()
        with phases("users"):
            pipeline["targets"] = demo_targets.create_targets(today)
            _create_users(plans, tree)
            # the place printed before the date on every form and report, as an administrator sets it in the app
            Preferences.objects.update_or_create(pk=1, defaults={"place": "Quảng Ninh"})
        with phases("figures"):
            figures.rebuild()  # the tree's kept counts: most of the register was bulk-loaded, past its announcements
        with phases("summary"):
            counts = _summary(today) | pipeline
        closing = time.monotonic()
    phases.seconds["commit"] = round(time.monotonic() - closing, 1)  # and the search index filled (bulk.loading)
    counts["seconds"] = round(time.monotonic() - started, 1)
    counts["phases"] = phases.seconds
    counts["peak_mb"] = phases.peak_mb
    return counts


class Phases:
    """Seconds spent in each part of the load (`ketnap demo -v 2` prints them)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, int] = {}  # the process's peak memory so far, after each part

    @contextlib.contextmanager
    def __call__(self, name: str):
        start = time.monotonic()
        yield
        self.seconds[name] = round(self.seconds.get(name, 0) + time.monotonic() - start, 1)
        if resource is not None:
            self.peak_mb[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- the tree and the work units (as the services make them, written in bulk) --------------------------------
class TreeRows:
    """The rows organizations.create_organization, units.create_unit and organizations.assign_unit would write, with
    the audit entries their saves would record, in the same order — kept in memory, then written in bulk (thousands
    of organisations and departments at scale 50: a service call each cost minutes). The demo's tree is valid by
    construction (the services' checks are for people typing); the people come later, so a coverage moves nobody."""

    def __init__(self):
        self.orgs: list[Organization] = []
        self.org_versions: list[OrganizationVersion] = []
        self.units: list[WorkUnit] = []
        self.unit_versions: list[WorkUnitVersion] = []
        self.coverages: list[UnitCoverage] = []
        self.audited: list[models.Model] = []  # in the order the services would have saved them
        self.org_ids = bulk.IdRange(Organization)
        self.unit_ids = bulk.IdRange(WorkUnit)

    def organization(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        parent: Organization | None,
        on: dt.date,
        reason: str,
        position: int = 0,
    ) -> Organization:
        org = Organization(
            id=self.org_ids.next(),
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            established_on=on,
            position=position,
        )
        orgs.set_path(org)
        version = OrganizationVersion(
            organization=org,
            valid_from=on,
            change=OrgChange.CREATED,
            reason=reason,
            **{field: getattr(org, field) for field in orgs.VERSIONED_FIELDS},
        )
        self.orgs.append(org)
        self.org_versions.append(version)
        self.audited += [org, version]
        return org

    def unit(self, *, code: str, name: str, kind: str, parent: WorkUnit | None, on: dt.date, position: int) -> WorkUnit:
        unit = WorkUnit(
            id=self.unit_ids.next(),
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            established_on=on,
            position=position,
        )
        version = WorkUnitVersion(unit=unit, valid_from=on, name=name, parent=parent)
        self.units.append(unit)
        self.unit_versions.append(version)
        self.audited += [unit, version]
        return unit

    def assign(self, unit: WorkUnit, org: Organization, on: dt.date) -> None:
        coverage = UnitCoverage(unit=unit, organization=org, valid_from=on)
        self.coverages.append(coverage)
        self.audited.append(coverage)

    def write(self) -> None:
        self.org_ids.claim()
        self.unit_ids.claim()
        for rows in (self.orgs, self.org_versions, self.units, self.unit_versions, self.coverages):
            bulk.insert(rows)
        bulk.audit_created(self.audited)


def _build_tree(plans: list[UnitPlan], tree: Tree) -> None:
    start = REGISTER_START
    rows = TreeRows()
    tree.province = rows.organization(
        code="TU", name="Đảng bộ tỉnh Quảng Ninh", kind=OrgKind.PROVINCE, parent=None, on=start, reason=REASON_START
    )
    tree.kcq = rows.organization(
        code="KCQ",
        name="Đảng bộ Khối các cơ quan tỉnh",
        kind=OrgKind.UPPER,
        parent=tree.province,
        on=start,
        reason=REASON_START,
        position=2,
    )
    tree.syt = rows.organization(
        code="SYT",
        name="Đảng bộ Sở Y tế",
        kind=OrgKind.UPPER,
        parent=tree.kcq,
        on=start,
        reason=REASON_START,
        position=1,
    )
    used = {p.locality for p in plans if not p.under_syt}
    for i, (locality, (_kind, name, code)) in enumerate(cat.LOCALITIES.items()):
        if locality in used:
            tree.committees[locality] = rows.organization(
                code=code,
                name=name,
                kind=OrgKind.UPPER,
                parent=tree.province,
                on=start,
                reason=REASON_START,
                position=10 + i,
            )
    for i, plan in enumerate(plans):
        unit = rows.unit(code=plan.code, name=plan.name, kind=UnitKind.UNIT, parent=None, on=start, position=i)
        tree.units[plan.code] = unit
        for j, dept in enumerate(plan.depts):
            tree.depts[(plan.code, dept.code)] = rows.unit(
                code=f"{plan.code}.{dept.code}",
                name=dept.name,
                kind=UnitKind.STATION if dept.kind == "tram" else UnitKind.DEPARTMENT,
                parent=unit,
                on=start,
                position=j,
            )
        parent = tree.syt if plan.under_syt else tree.committees[plan.locality]
        base = rows.organization(
            code=plan.code,
            name=plan.org_name,
            kind=plan.org_kind,
            parent=parent,
            on=start,
            reason=REASON_START,
            position=i,
        )
        tree.base[plan.code] = base
        if plan.org_kind == OrgKind.BASE_CELL:
            tree.cells[(plan.code, "")] = base
            rows.assign(unit, base, start)
            continue
        positions: dict[str, int] = {}
        for k, cell in enumerate(plan.cells):
            # a chi bộ made later sorts where its predecessor did
            position = next(
                (positions[c.key] for c in plan.cells if c.key in positions and set(c.depts) & set(cell.depts)), k
            )
            positions[cell.key] = position
            org = rows.organization(
                code=plan.cell_code(cell.key),
                name=cell.name,
                kind=OrgKind.CELL,
                parent=base,
                on=cell.start,
                reason=_cell_reason(cell.start),
                position=position,
            )
            tree.cells[(plan.code, cell.key)] = org
            if cell.start == start:
                for code in cell.depts:
                    rows.assign(tree.depts[(plan.code, code)], org, start)
    rows.write()


def _cell_reason(start: dt.date) -> str:
    if start == SPLIT_ON:
        return REASON_SPLIT
    if start == DISTRICT_END_ON:
        return REASON_MERGE
    return REASON_START


# --- people (pure Python, then bulk) ----------------------------------------------------------------------
def _draft_people(plans: list[UnitPlan], rng: random.Random, today: dt.date) -> Iterator[list[Draft]]:
    """The staff of each unit in turn, then the members who left: drafted as they are loaded, so that a province of
    400,000 people is never held in memory whole (the order of the draws, hence every row, is the same)."""
    people = People(rng, today)
    buckets = Buckets.for_today(today)
    members = Members(people, buckets, admission_targets(plans, buckets))
    for plan in plans:
        staff = people.unit_staff(plan)
        members.choose(plan, staff)
        members.finish(plan, staff)
        yield staff
    # members who retired (moved to their residence cell) or died: history only
    scale = max(p.copy_no for p in plans)
    weights = [p.members for p in plans]
    departed = []
    for kind, count in (("transferred_out", 15 * scale), ("died", 3 * scale)):
        for plan in rng.choices(plans, weights=weights, k=count):
            departed.append(members.departed(plan, kind))
    yield departed


def _code_ids() -> dict[tuple[str, str], int]:
    return {(kind, code): pk for pk, kind, code in CodeItem.objects.values_list("pk", "kind", "code")}


def _bulk_load(batches: Iterable[list[Draft]], tree: Tree, today: dt.date) -> None:
    """The drafted people, in LOAD_CHUNK pieces: each piece's people, then their assignments, memberships and
    events (every table's rows still in the drafts' order, hence the same ids as one insert per table)."""
    codes = _code_ids()
    chunk: list[Draft] = []
    for batch in batches:
        chunk += batch
        if len(chunk) >= LOAD_CHUNK:
            _load_chunk(chunk, codes, tree, today)
            chunk = []
    _load_chunk(chunk, codes, tree, today)


def _load_chunk(drafts: list[Draft], codes: dict[tuple[str, str], int], tree: Tree, today: dt.date) -> None:
    def code(kind: str, value: str | None) -> int | None:
        return codes[(kind, value)] if value else None

    people = []
    for d in drafts:
        plan = d.unit
        if d.left_on:
            org_key = plan.cell_on(d.dept, d.ended_on)
        elif d.member:
            org_key = plan.cell_on(d.dept, d.entry_on)
        else:
            org_key = plan.cell_on(d.dept, REGISTER_START)
        person = bulk.new(
            Person,
            family_name=d.family,
            middle_name=d.middle,
            given_name=d.given,
            gender=d.gender,
            birth_date=d.birth,
            ethnicity_id=code("ethnicity", d.ethnicity),
            religion_id=code("religion", d.religion),
            citizen_id=d.citizen_id,
            staff_code=d.staff_code,
            phone=d.phone,
            general_education_id=code("general_education", d.general_education),
            professional_level_id=code("professional_level", d.level),
            profession_id=code("profession", d.profession),
            academic_title_id=code("academic_title", d.academic),
            political_theory_id=code("political_theory", d.political_theory),
            employment_type_id=code("employment_type", d.employment),
            job_title=d.title,
            work_unit=tree.depts[(plan.code, d.dept)],
            joined_unit_on=d.joined,
            left_on=d.left_on,
            youth_union_member=d.youth_union,
            youth_union_joined_on=d.youth_joined,
            trade_union_member=d.trade_union,
            in_cadre_planning=d.planning,
            organization=tree.cell(plan, org_key),
        )
        people.append(person.prepare())
    bulk.insert(people)

    assignments = []
    for d, person in zip(drafts, people, strict=True):
        here = tree.depts[(d.unit.code, d.dept)]
        if d.earlier_dept:
            assignments.append(
                bulk.new(
                    Assignment,
                    person=person,
                    unit=tree.depts[(d.unit.code, d.earlier_dept)],
                    job_title=d.earlier_title,
                    valid_from=d.joined,
                    valid_to=d.switch_on,
                )
            )
            assignments.append(
                bulk.new(
                    Assignment, person=person, unit=here, job_title=d.title, valid_from=d.switch_on, valid_to=d.left_on
                )
            )
        else:
            assignments.append(
                bulk.new(
                    Assignment, person=person, unit=here, job_title=d.title, valid_from=d.joined, valid_to=d.left_on
                )
            )
    bulk.insert(assignments)

    memberships, owners = [], []
    for d, person in zip(drafts, people, strict=True):
        if not d.member:
            continue
        if d.end_kind:
            status = d.end_kind
        else:
            status = MembershipStatus.OFFICIAL if d.official else MembershipStatus.PROBATIONARY
        memberships.append(
            bulk.new(
                PartyMembership,
                person=person,
                organization=person.organization,
                status=status,
                decision_date=d.decision,
                decision_number=d.decision_number,
                ceremony_date=d.ceremony,
                official_date=d.official,
                card_number=d.card,
                ended_on=d.ended_on,
                national_db_entered_on=_national_db_entry(d, today),
            )
        )
        owners.append(d)
    bulk.insert(memberships)

    events = []
    for d, membership in zip(owners, memberships, strict=True):
        events += _events(d, membership, tree)
    bulk.insert(events)


def _refresh_planner_statistics() -> None:
    """PostgreSQL plans queries from table statistics, which right after a bulk load of thousands of rows still
    describe empty tables; a join planned for "no rows" then ran for over ten minutes (the summary's count, in CI).
    ANALYZE samples the rows this transaction inserted too. SQLite plans without such statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _national_db_entry(d: Draft, today: dt.date) -> dt.date | None:
    """The office keys a member into CSDL đảng viên two to seven weeks after the ceremony and keys the official
    date in again after recognition; the last two months' work is still to do. Derived from the dates (no draw
    from the generator's random stream, which would change every other demo figure)."""
    lag = dt.timedelta(days=14 + (d.decision or d.ceremony or today).toordinal() % 36)
    for milestone in (d.official, d.ceremony):
        if milestone and milestone + lag <= today - dt.timedelta(days=60):
            return milestone + lag
    return None


def _events(d: Draft, membership: PartyMembership, tree: Tree) -> list[MembershipEvent]:
    """The membership's history up to the load. Moves made by later splits and merges are left to the
    services, except for people who had already left by then."""
    plan = d.unit

    def cell(day: dt.date) -> Organization:
        return tree.cell(plan, plan.cell_on(d.dept, day))

    rows: list[tuple[dt.date, int, MembershipEvent]] = []

    def add(on: dt.date, order: int, kind: str, status: str, organization: Organization, **extra) -> None:
        """`order` sorts same-day events: entry, moves, recognition, ending."""
        event = bulk.new(
            MembershipEvent,
            membership=membership,
            kind=kind,
            on=on,
            status_after=status,
            organization_after=organization,
            **extra,
        )
        rows.append((on, order, event))

    if d.transfer:
        add(
            d.transfer_on,
            0,
            MembershipEventKind.TRANSFERRED_IN,
            MembershipStatus.OFFICIAL,
            cell(d.transfer_on),
            external_party=d.external,
            note="Chuyển sinh hoạt đảng chính thức đến",
        )
    else:
        add(
            d.ceremony,
            0,
            MembershipEventKind.ADMITTED,
            MembershipStatus.PROBATIONARY,
            cell(d.ceremony),
            note=f"Quyết định kết nạp số {d.decision_number}",
        )
        if d.official:
            add(d.official, 2, MembershipEventKind.RECOGNISED, MembershipStatus.OFFICIAL, cell(d.official))
    if d.end_kind:
        for on, before, after in plan.cell_changes(d.dept, d.entry_on, d.ended_on):
            status = MembershipStatus.OFFICIAL if d.official and d.official <= on else MembershipStatus.PROBATIONARY
            add(
                on,
                1,
                MembershipEventKind.MOVED,
                status,
                tree.cell(plan, after),
                from_organization=tree.cell(plan, before),
                note=REASON_SPLIT if on == SPLIT_ON else REASON_MERGE,
            )
        if d.end_kind == MembershipStatus.TRANSFERRED_OUT:
            ward = cat.RESIDENCE_WARDS[d.birth.toordinal() % len(cat.RESIDENCE_WARDS)]
            add(
                d.ended_on,
                3,
                MembershipEventKind.TRANSFERRED_OUT,
                MembershipStatus.TRANSFERRED_OUT,
                cell(d.ended_on),
                external_party="Chi bộ khu dân cư nơi cư trú",
                note=f"Nghỉ hưu; chuyển sinh hoạt đảng về nơi cư trú ({ward})",
            )
        else:
            add(d.ended_on, 3, MembershipEventKind.DIED, MembershipStatus.DIED, cell(d.ended_on), note="Từ trần")
    rows.sort(key=lambda row: (row[0], row[1]))
    return [event for _on, _order, event in rows]


# --- dated changes after the load (services, in date order) -------------------------------------------------
def _apply_history(plans: list[UnitPlan], tree: Tree, today: dt.date) -> None:
    if today >= AUTHORISED_ON:
        for plan in plans:
            if plan.is_general_hospital:
                orgs.set_powers(
                    tree.base[plan.code],
                    actor=SYSTEM,
                    on=AUTHORISED_ON,
                    authorised_to_admit=True,
                    above_base_powers=False,
                    competent_org=None,
                    reason=REASON_AUTHORISED,
                )
    for plan in plans:
        if plan.split:
            on, source, targets = plan.split
            parts = [
                (tree.cell(plan, key), [tree.depts[(plan.code, code)] for code in _cell_depts(plan, key)])
                for key in targets
            ]
            orgs.split(tree.cell(plan, source), parts, actor=SYSTEM, on=on, reason=REASON_SPLIT)
    if today >= PROVINCE_REFORM_ON:
        tree.ubnd = orgs.create_organization(
            actor=SYSTEM,
            code="UBND",
            name="Đảng bộ UBND tỉnh",
            kind=OrgKind.UPPER,
            parent=tree.province,
            on=PROVINCE_REFORM_ON,
            reason=REASON_PROVINCE,
            position=1,
        )
        tree.syt = orgs.move(tree.syt, tree.ubnd, actor=SYSTEM, on=PROVINCE_REFORM_ON, reason=REASON_PROVINCE)
        orgs.dissolve(tree.kcq, actor=SYSTEM, on=PROVINCE_REFORM_ON, reason=REASON_PROVINCE)
    if today >= DISTRICT_END_ON:
        for plan in plans:
            if plan.under_syt:
                continue
            base = tree.base[plan.code]
            reason = REASON_DISTRICT
            if plan.kind == "district_hc":
                reason = REASON_RENAME
                unit_services.rename_unit(
                    tree.units[plan.code], cat.regional_name(plan.name), actor=SYSTEM, on=DISTRICT_END_ON, reason=reason
                )
                base = orgs.rename(base, cat.regional_name(base.name), actor=SYSTEM, on=DISTRICT_END_ON, reason=reason)
            tree.base[plan.code] = orgs.move(base, tree.syt, actor=SYSTEM, on=DISTRICT_END_ON, reason=reason)
            if plan.org_kind == OrgKind.BASE_CELL:
                tree.cells[(plan.code, "")] = tree.base[plan.code]
        for committee in tree.committees.values():
            orgs.dissolve(committee, actor=SYSTEM, on=DISTRICT_END_ON, reason=REASON_DISTRICT)
        for plan in plans:
            if plan.merge:
                on, sources, target = plan.merge
                merged = [tree.cell(plan, key) for key in sources]
                orgs.merge(merged, actor=SYSTEM, into=tree.cell(plan, target), on=on, reason=REASON_MERGE)


def _cell_depts(plan: UnitPlan, key: str) -> list[str]:
    return next(cell.depts for cell in plan.cells if cell.key == key)


# --- demo users -----------------------------------------------------------------------------------------
def _secretary_name(org: Organization) -> tuple[str, str]:
    """(last name = họ và tên đệm, first name = tên) of the cell's most senior official member."""
    rank = {"Trưởng khoa": 0, "Điều dưỡng trưởng": 1, "Phó trưởng khoa": 2}
    members = (
        PartyMembership.objects.filter(organization=org, status=MembershipStatus.OFFICIAL)
        .select_related("person")
        .order_by("pk")
    )
    best = min(members, key=lambda m: (rank.get(m.person.job_title, 9), m.person.birth_date, m.pk))
    person = best.person
    return " ".join(p for p in (person.family_name, person.middle_name) if p), person.given_name


def _create_users(plans: list[UnitPlan], tree: Tree) -> None:
    general = next(p for p in plans if p.is_general_hospital and p.copy_no == 1)
    dong_trieu = next(p for p in plans if p.base_code == "BVTT-DT" and p.copy_no == 1)
    noi_cell = tree.cell(general, general.cell_on("NOI-TH", dt.date.max))
    dt_cell = tree.cell(dong_trieu, "CB2")
    office_top = tree.ubnd or tree.kcq
    users = {
        "quantri": (("Phạm Quang", "Huy"), True, [(RoleKind.ADMIN, tree.province, "Quản trị hệ thống")]),
        "giamsat.tinhuy": (("Đỗ Thị Thu", "Hà"), False, [(RoleKind.OVERSEER, tree.province, "Ban Tổ chức Tỉnh ủy")]),
        "vp.ubnd": (
            ("Trần Thị Hồng", "Nhung"),
            False,
            [(RoleKind.OFFICE, office_top, f"Chuyên viên Văn phòng {office_top.name.replace('Đảng bộ', 'Đảng ủy')}")],
        ),
        "vp.syt": (("Lê Minh", "Tuấn"), False, [(RoleKind.OFFICE, tree.syt, "Chuyên viên Văn phòng Đảng ủy Sở Y tế")]),
        "vp.bvdk": (
            ("Vũ Thị Lan", "Anh"),
            False,
            [(RoleKind.OFFICE, tree.base[general.code], "Văn phòng Đảng ủy Bệnh viện Đa khoa tỉnh")],
        ),
        "vp.dongtrieu": (
            ("Nguyễn Thị Thu", "Hằng"),
            False,
            [
                (
                    RoleKind.OFFICE,
                    tree.base[dong_trieu.code],
                    f"Văn phòng {tree.base[dong_trieu.code].name.replace('Đảng bộ', 'Đảng ủy')}",
                )
            ],
        ),
        "bithu.noi": (_secretary_name(noi_cell), False, [(RoleKind.SECRETARY, noi_cell, f"Bí thư {noi_cell.name}")]),
        "bithu.dongtrieu": (_secretary_name(dt_cell), False, [(RoleKind.SECRETARY, dt_cell, f"Bí thư {dt_cell.name}")]),
    }
    # the mentor and the candidate of Nội 1 whose pages show most: the first in name order with an open road
    helping = Helper.objects.filter(
        until__isnull=True, role=HelperRole.MENTOR, candidate__organization=noi_cell, candidate__paused_since=None
    ).exclude(candidate__stage__in=Stage.terminal())
    mentor = helping.order_by("member__sort_key", "member_id").values_list("member_id", flat=True).first()
    road = (
        Candidate.objects.filter(organization=noi_cell, stage__in=[Stage.SYMPATHISER, Stage.DOSSIER], paused_since=None)
        .order_by("person__sort_key", "pk")
        .values_list("person_id", flat=True)
        .first()
    )
    linked = {"giupdo.noi": mentor, "ungvien.noi": road}
    for username, person_id in linked.items():
        person = Person.objects.get(pk=person_id)
        users[username] = (
            (" ".join(p for p in (person.family_name, person.middle_name) if p), person.given_name),
            False,
            [],
        )
    User = get_user_model()
    for username, _description in DEMO_USERS:
        (last, first), superuser, roles = users[username]
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{DEMO_MAIL_DOMAIN}",  # reminders (`ketnap remind`) go to the demo's users too
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        for kind, org, title in roles:
            Role.objects.create(user=user, organization=org, kind=kind, title=title)
        if username in linked:  # the load's one audit line covers it, as every other row of the demo
            Person.objects.filter(pk=linked[username]).update(user=user)


# --- summary -------------------------------------------------------------------------------------------
def _summary(today: dt.date) -> dict:
    active = MembershipStatus.active()
    memberships = PartyMembership.objects.filter(
        status__in=active, person__left_on__isnull=True, person__archived_at__isnull=True
    )
    by_status = dict(memberships.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    admitted = MembershipEvent.objects.filter(kind=MembershipEventKind.ADMITTED)
    syt_2023 = [u["code"] for u in data.PROVINCIAL_UNITS if u["under_syt_2023"]]
    return {
        "today": today.isoformat(),
        "units": WorkUnit.objects.filter(kind=UnitKind.UNIT).count(),
        "departments": WorkUnit.objects.exclude(kind=UnitKind.UNIT).count(),
        "organizations": Organization.objects.filter(dissolved_on__isnull=True).count(),
        "cells": Organization.objects.filter(dissolved_on__isnull=True, kind__in=OrgKind.cell_kinds()).count(),
        "staff": Person.objects.current().count(),
        "members": sum(by_status.values()),
        "official": by_status.get(MembershipStatus.OFFICIAL, 0),
        "probationary": by_status.get(MembershipStatus.PROBATIONARY, 0),
        "members_syt_2023": memberships.filter(
            Q(person__work_unit__code__in=syt_2023) | Q(person__work_unit__parent__code__in=syt_2023)
        ).count(),
        "admitted_2020_to_2023_07": admitted.filter(
            membership__decision_date__range=(dt.date(2020, 1, 1), dt.date(2023, 7, 31))
        ).count(),
        "departed": PartyMembership.objects.exclude(status__in=active).count(),
    }


def _summary_text(counts: dict, seed: int, scale: int, today: dt.date) -> str:
    return (
        f"seed={seed}, scale={scale}, ngày={ddmmyyyy(today)}: {counts['units']} đơn vị, {counts['departments']} "
        f"khoa/phòng, {counts['staff']} nhân sự, {counts['members']} đảng viên ({counts['official']} chính thức, "
        f"{counts['probationary']} dự bị), {counts['departed']} đảng viên đã ra khỏi danh sách"
    )
