"""Changes to the party organisation tree. Every change is dated and leaves a version row behind, so the tree
can be read as it stood on any day (QĐ 294-QĐ/TW removed the district level on 1/7/2025: rules.md §6).

Each change takes the actor and asks accounts.grants before it writes: restructuring a node (RESTRUCTURE) is for
an admin or the office of a committee above it; founding under a node or giving it units (MANAGE_WITHIN), for its
own office too. A merge or a split authorises once over everything it touches, then does its parts as the actor."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting
from ketnap.registry import counted
from ketnap.registry.enums import MembershipStatus, OrgChange, OrgKind
from ketnap.registry.models import (
    Organization,
    OrganizationSuccession,
    OrganizationVersion,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services import people
from ketnap.registry.services.dates import not_in_future
from ketnap.registry.signals import organization_succeeded
from ketnap.rules.dates import ddmmyyyy

# Which kinds may sit directly under which (Điều lệ Đảng Điều 21–24; HD 06-HD/TW).
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    OrgKind.PROVINCE: {None},
    OrgKind.UPPER: {None, OrgKind.PROVINCE, OrgKind.UPPER},
    OrgKind.BASE_COMMITTEE: {OrgKind.PROVINCE, OrgKind.UPPER},
    OrgKind.BASE_CELL: {OrgKind.PROVINCE, OrgKind.UPPER},
    OrgKind.SUB_COMMITTEE: {OrgKind.BASE_COMMITTEE},
    OrgKind.CELL: {OrgKind.BASE_COMMITTEE, OrgKind.SUB_COMMITTEE},
}
VERSIONED_FIELDS = (
    "name",
    "kind",
    "parent_id",
    "authorised_to_admit",
    "above_base_powers",
    "competent_org_id",
)


def _check_parent(kind: str, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENTS[kind]:
        label = OrgKind(kind).label
        where = OrgKind(parent_kind).label if parent_kind else "cấp cao nhất"
        raise ValidationError({"parent": f"{label} không thể trực thuộc {where}."})
    if parent is not None and not parent.active:
        raise ValidationError({"parent": f"{parent.name} đã kết thúc hoạt động."})


def _locked(org: Organization, actor) -> Organization:
    """The organisation, locked and read afresh, once the actor may restructure it."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    authorize(actor, Permission.RESTRUCTURE, org)
    return org


def _current_version(org: Organization) -> OrganizationVersion:
    return org.versions.select_for_update().get(valid_to__isnull=True)


def _new_version(org: Organization, on: dt.date, change: str, reason: str) -> None:
    """Close the version in force and open one holding the organisation's (already changed) fields."""
    not_in_future(on)
    current = _current_version(org)
    if on < current.valid_from:
        raise ValidationError(
            {"on": f"Ngày hiệu lực phải từ {ddmmyyyy(current.valid_from)} trở đi (ngày của thay đổi gần nhất)."}
        )
    values = {field: getattr(org, field) for field in VERSIONED_FIELDS}
    # Two changes on one day (a rename and a move on 01/07/2025) leave a zero-length version for the first:
    # never "in force" for a date query, but its change and reason stay in the history.
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    OrganizationVersion.objects.create(organization=org, valid_from=on, change=change, reason=reason, **values)


def set_path(org: Organization) -> None:
    """The organisation's place in the tree (path of ids, depth) from its parent's: the one formula, for the services
    here and the demo's bulk builder."""
    parent = org.parent
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0


@transaction.atomic
def create_organization(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    on: dt.date,
    reason: str = "",
    authorised_to_admit: bool = False,
    above_base_powers: bool = False,
    competent_org: Organization | None = None,
    position: int = 0,
) -> Organization:
    authorize(actor, Permission.MANAGE_WITHIN, parent)  # no parent: a new root, the superuser's
    not_in_future(on)
    _check_parent(kind, parent)
    if Organization.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã {code} đã được dùng."})
    org = Organization(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        established_on=on,
        position=position,
        authorised_to_admit=authorised_to_admit,
        above_base_powers=above_base_powers,
        competent_org=competent_org,
        path="/",
    )
    with acting(actor):
        org.save()
        set_path(org)
        org.save(update_fields=["path", "depth"])
        OrganizationVersion.objects.create(
            organization=org,
            valid_from=on,
            change=OrgChange.CREATED,
            reason=reason,
            **{field: getattr(org, field) for field in VERSIONED_FIELDS},
        )
    return org


@transaction.atomic
def rename(org: Organization, name: str, *, actor, on: dt.date, reason: str = "") -> Organization:
    org = _locked(org, actor)
    if not name.strip() or name.strip() == org.name:
        raise ValidationError({"name": "Tên mới phải khác tên hiện tại."})
    with acting(actor):
        org.name = name.strip()
        org.save(update_fields=["name"])
        _new_version(org, on, OrgChange.RENAMED, reason)
    return org


@transaction.atomic
def move(org: Organization, new_parent: Organization, *, actor, on: dt.date, reason: str = "") -> Organization:
    org = _locked(org, actor)
    authorize(actor, Permission.MANAGE_WITHIN, new_parent)  # it goes on inside the new parent
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "Không thể chuyển một tổ chức vào chính nó hoặc tổ chức trực thuộc nó."})
    if new_parent.pk == org.parent_id:
        raise ValidationError({"parent": f"{org.name} đã trực thuộc {new_parent.name}."})
    _check_parent(org.kind, new_parent)
    old_path = org.path
    org.parent = new_parent
    set_path(org)
    with acting(actor):
        org.save(update_fields=["parent", "path", "depth"])
        _new_version(org, on, OrgChange.MOVED, reason)
        descendants = list(Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk))
        for child in descendants:
            child.path = org.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 2
        Organization.objects.bulk_update(descendants, ["path", "depth"])
    return org


@transaction.atomic
def set_powers(
    org: Organization,
    *,
    actor,
    on: dt.date,
    authorised_to_admit: bool,
    above_base_powers: bool,
    competent_org: Organization | None,
    reason: str = "",
) -> Organization:
    org = _locked(org, actor)
    if above_base_powers and org.kind != OrgKind.BASE_COMMITTEE:
        raise ValidationError({"above_base_powers": "Chỉ đảng bộ cơ sở mới được giao quyền cấp trên cơ sở."})
    if authorised_to_admit and org.kind != OrgKind.BASE_COMMITTEE:
        raise ValidationError({"authorised_to_admit": "Chỉ đảng ủy cơ sở mới được ủy quyền kết nạp."})
    org.authorised_to_admit, org.above_base_powers, org.competent_org = (
        authorised_to_admit,
        above_base_powers,
        competent_org,
    )
    with acting(actor):
        org.save(update_fields=["authorised_to_admit", "above_base_powers", "competent_org"])
        _new_version(org, on, OrgChange.POWERS, reason)
    return org


@transaction.atomic
def dissolve(org: Organization, *, actor, on: dt.date, reason: str = "", change: str = OrgChange.DISSOLVED) -> None:
    org = _locked(org, actor)
    if not org.active:
        raise ValidationError(f"{org.name} đã kết thúc hoạt động ngày {ddmmyyyy(org.dissolved_on)}.")
    if org.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError(f"{org.name} còn tổ chức trực thuộc đang hoạt động; hãy chuyển hoặc giải thể trước.")
    active_members = org.memberships.filter(status__in=MembershipStatus.active()).count()
    if active_members:
        raise ValidationError(f"{org.name} còn {active_members} đảng viên đang sinh hoạt; hãy chuyển sinh hoạt trước.")
    if UnitCoverage.objects.filter(organization=org, valid_to__isnull=True).exists():
        raise ValidationError(f"{org.name} còn phụ trách khoa/phòng; hãy giao cho tổ chức khác trước.")
    not_in_future(on)
    current = _current_version(org)
    if on < current.valid_from:
        raise ValidationError({"on": f"Ngày hiệu lực phải từ {ddmmyyyy(current.valid_from)} trở đi."})
    with acting(actor):
        current.valid_to = on
        current.save(update_fields=["valid_to"])
        org.dissolved_on = on
        org.save(update_fields=["dissolved_on"])


@transaction.atomic
def assign_unit(unit: WorkUnit, org: Organization, *, actor, on: dt.date) -> UnitCoverage:
    """From `on`, `org` covers the staff of `unit`; non-members there follow it."""
    authorize(actor, Permission.MANAGE_WITHIN, org)
    not_in_future(on)
    current = UnitCoverage.objects.filter(unit=unit, valid_to__isnull=True).select_related("organization").first()
    if current and current.organization_id == org.pk:
        return current
    if current:
        # its staff leave the organisation covering it: one whose people the actor keeps (the screen offers those)
        authorize(actor, Permission.EDIT_PEOPLE, current.organization)
        if on < current.valid_from:
            raise ValidationError({"on": f"Ngày hiệu lực phải từ {ddmmyyyy(current.valid_from)} trở đi."})
    with acting(actor):
        # whoever covered the unit (or its parent unit) from `on` loses its staff and departments to `org`
        counted.announce(counted.coverers({unit.pk: on}), {org.pk: on})
        if current:
            current.valid_to = on
            current.save(update_fields=["valid_to"])
        coverage = UnitCoverage.objects.create(unit=unit, organization=org, valid_from=on)
        people.refresh_organizations(unit_ids=[unit.pk])
    return coverage


def _move_members(members, to_org: Organization, on: dt.date, note: str, actor) -> None:
    for membership in members:
        people.move_membership(membership, to_org, actor=actor, on=on, note=note)


@transaction.atomic
def merge(sources: list[Organization], *, actor, into: Organization, on: dt.date, reason: str = "") -> Organization:
    """Sáp nhập / hợp nhất: the sources' sub-organisations, members and units go on in `into`; sources end."""
    if into in sources or not sources:
        raise ValidationError("Chọn ít nhất một tổ chức khác với tổ chức tiếp nhận.")
    authorize(actor, Permission.RESTRUCTURE, *sources)
    authorize(actor, Permission.MANAGE_WITHIN, into)  # what lies in the sources goes on inside it
    for source in sources:
        _merge_one(source, into, actor=actor, on=on, reason=reason)
    return into


def _merge_one(source: Organization, into: Organization, *, actor, on: dt.date, reason: str) -> None:
    for child in source.children.filter(dissolved_on__isnull=True):
        move(child, into, actor=actor, on=on, reason=reason)
    members = source.memberships.filter(status__in=MembershipStatus.active())
    if members.exists() and not into.is_cell:
        raise ValidationError(f"{source.name} có đảng viên; chỉ hợp nhất vào một chi bộ.")
    _move_members(members, into, on, reason or f"Hợp nhất vào {into.name}", actor)
    for coverage in UnitCoverage.objects.filter(organization=source, valid_to__isnull=True):
        assign_unit(coverage.unit, into, actor=actor, on=on)
    with acting(actor):
        OrganizationSuccession.objects.create(
            predecessor=source, successor=into, on=on, change=OrgChange.MERGED, reason=reason
        )
        organization_succeeded.send(sender=Organization, predecessor=source, successors=[into], on=on)
    dissolve(source, actor=actor, on=on, reason=reason, change=OrgChange.MERGED)


@transaction.atomic
def split(
    source: Organization, parts: list[tuple[Organization, list[WorkUnit]]], *, actor, on: dt.date, reason: str = ""
) -> None:
    """Chia tách: each new organisation takes over the listed units, and the members working in them."""
    authorize(actor, Permission.RESTRUCTURE, source)
    for target, _units in parts:  # each takes over units and members
        authorize(actor, Permission.MANAGE_WITHIN, target)
    if source.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError("Hãy chuyển các tổ chức trực thuộc sang tổ chức mới trước khi chia tách.")
    unit_to_part = _unit_to_part(parts)
    _move_members_to_parts(source, unit_to_part, actor=actor, on=on, reason=reason)
    for coverage in UnitCoverage.objects.filter(organization=source, valid_to__isnull=True):
        if coverage.unit_id not in unit_to_part:
            raise ValidationError(f"Chưa giao {coverage.unit.name} cho tổ chức mới nào.")
    for unit_id, target in unit_to_part.items():
        assign_unit(WorkUnit.objects.get(pk=unit_id), target, actor=actor, on=on)
    with acting(actor):
        for target, _units in parts:
            OrganizationSuccession.objects.create(
                predecessor=source, successor=target, on=on, change=OrgChange.SPLIT, reason=reason
            )
        successors = [t for t, _u in parts]
        organization_succeeded.send(sender=Organization, predecessor=source, successors=successors, on=on)
    dissolve(source, actor=actor, on=on, reason=reason, change=OrgChange.SPLIT)


def _unit_to_part(parts: list[tuple[Organization, list[WorkUnit]]]) -> dict[int, Organization]:
    """The chi bộ each unit goes to (ValidationError for a part that is not a chi bộ)."""
    unit_to_part: dict[int, Organization] = {}
    for target, units in parts:
        if not target.is_cell:
            raise ValidationError(f"{target.name} không phải chi bộ.")
        for unit in units:
            unit_to_part[unit.pk] = target
    return unit_to_part


def _move_members_to_parts(
    source: Organization, unit_to_part: dict[int, Organization], *, actor, on, reason: str
) -> None:
    """Each active member goes to the part given their khoa/phòng (or the nearest unit above it); a member whose
    unit went to no part refuses the split, naming the first ten."""
    left_over = []
    note = reason or f"Chia tách từ {source.name}"
    for membership in source.memberships.filter(status__in=MembershipStatus.active()).select_related("person"):
        target = _part_of(membership.person.work_unit, unit_to_part)
        if target is None:
            left_over.append(membership.person.full_name)
        else:
            people.move_membership(membership, target, actor=actor, on=on, note=note)
    if left_over:
        raise ValidationError(
            f"Còn {len(left_over)} đảng viên chưa thuộc khoa/phòng nào được giao: {', '.join(left_over[:10])}."
        )


def _part_of(unit: WorkUnit | None, unit_to_part: dict[int, Organization]) -> Organization | None:
    while unit is not None:
        if unit.pk in unit_to_part:
            return unit_to_part[unit.pk]
        unit = unit.parent
    return None
