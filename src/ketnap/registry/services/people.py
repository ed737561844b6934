"""Changes to people and their party memberships. Each change takes the actor and asks accounts.grants before it
writes: a person's data and memberships are their chi bộ's (EDIT_PEOPLE, over every organisation the change
touches); the tick "entered into the national database" is the office's (MANAGE_WITHIN)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user
from ketnap.audit.recorder import write_entry
from ketnap.registry import counted
from ketnap.registry.enums import MembershipEventKind, MembershipStatus
from ketnap.registry.models import (
    Assignment,
    MembershipEvent,
    Organization,
    PartyMembership,
    Person,
    UnitCoverage,
    WorkUnit,
)
from ketnap.registry.services.dates import not_in_future, today
from ketnap.registry.signals import person_moved
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.membership_dates import MembershipDates, check_dates


def covering_organization(unit: WorkUnit) -> Organization | None:
    """The organisation covering a unit now: its own coverage, else its parent unit's."""
    while unit is not None:
        coverage = UnitCoverage.objects.filter(unit=unit, valid_to__isnull=True).select_related("organization").first()
        if coverage:
            return coverage.organization
        unit = unit.parent
    return None


def responsible_organization(person: Person) -> Organization | None:
    membership = person.memberships.filter(status__in=MembershipStatus.active()).first()
    if membership:
        return membership.organization
    return covering_organization(person.work_unit)


def refresh_organizations(*, unit_ids: list[int] | None = None, person_ids: list[int] | None = None) -> None:
    """Recompute Person.organization after a coverage, membership or work-unit change."""
    qs = Person.objects.all()
    if unit_ids is not None:
        all_ids = set(unit_ids)
        frontier = set(unit_ids)
        while frontier:  # departments under a re-covered unit follow it unless they have their own coverage
            frontier = set(WorkUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - all_ids
            all_ids |= frontier
        qs = qs.filter(work_unit_id__in=all_ids)
    if person_ids is not None:
        qs = qs.filter(pk__in=person_ids)
    moved_between: set[int] = set()
    for person in qs.select_related("work_unit"):
        org = responsible_organization(person)
        if org is not None and org.pk != person.organization_id:
            moved_between |= {org.pk, person.organization_id}
            person.organization = org
            person.save(update_fields=["organization"])
    counted.announce(counted.today_only(moved_between))


@transaction.atomic
def create_person(*, actor, unit: WorkUnit, on: dt.date | None = None, **fields) -> Person:
    organization = covering_organization(unit)
    authorize(actor, Permission.EDIT_PEOPLE, organization)  # the person is its people from now on
    person = Person(work_unit=unit, joined_unit_on=fields.pop("joined_unit_on", None) or on, **fields)
    person.organization = organization
    person.full_clean()
    start = person.joined_unit_on or today()
    with acting(actor):
        person.save()
        Assignment.objects.create(person=person, unit=unit, job_title=person.job_title, valid_from=start)
        counted.announce(counted.today_only([person.organization_id]), counted.coverers({unit.pk: start}))
    return person


@transaction.atomic
def update_person(person: Person, *, actor, **fields) -> Person:
    """Edit personal data (not the work unit: see change_work_unit). A leaving date ends the work at the unit too."""
    authorize(actor, Permission.EDIT_PEOPLE, person.organization)
    fields.pop("work_unit", None)
    left_before = Person.objects.filter(pk=person.pk).values_list("left_on", flat=True).first() if person.pk else None
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    with acting(actor):
        person.save()
        if person.pk and person.left_on != left_before:
            _follow_leaving(person, left_before)
    return person


def _follow_leaving(person: Person, left_before: dt.date | None) -> None:
    """Keep the work history in step with the leaving date: statistics for a day count the assignments in force
    that day, so someone who left must stop being counted from that day (and be counted again if the date is
    taken back). The assignment that ended on the old date is the one to move or reopen."""
    counted.announce(counted.today_only([person.organization_id]))  # today's staff: the current people
    if left_before is None:
        assignment = person.assignments.filter(valid_to__isnull=True).order_by("-valid_from").first()
    else:
        assignment = person.assignments.filter(valid_to=left_before).order_by("-valid_from").first()
    if assignment is None:
        return
    if person.left_on is not None and person.left_on <= assignment.valid_from:
        began = f"{assignment.unit} ({ddmmyyyy(assignment.valid_from)})"
        raise ValidationError({"left_on": f"Ngày thôi việc phải sau ngày bắt đầu làm việc tại {began}."})
    assignment.valid_to = person.left_on
    assignment.save(update_fields=["valid_to"])
    changed_from = min(day for day in (left_before, person.left_on) if day is not None)
    counted.announce(counted.coverers({assignment.unit_id: changed_from}))


@transaction.atomic
def change_work_unit(person: Person, unit: WorkUnit, *, actor, on: dt.date, job_title: str = "") -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    # from one chi bộ's people to the one covering the new unit (the screen offers the units it edits)
    authorize(actor, Permission.EDIT_PEOPLE, person.organization, covering_organization(unit))
    not_in_future(on)
    if unit.pk == person.work_unit_id:
        raise ValidationError({"unit": f"{person.full_name} đang làm việc tại {unit.name}."})
    current = person.assignments.filter(valid_to__isnull=True).first()
    if current and on <= current.valid_from:
        raise ValidationError({"on": f"Ngày chuyển phải sau {ddmmyyyy(current.valid_from)}."})
    with acting(actor):
        _move_to_unit(person, unit, current, on=on, job_title=job_title)
    return person


def _move_to_unit(person: Person, unit: WorkUnit, current: Assignment | None, *, on: dt.date, job_title: str) -> None:
    if current:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    Assignment.objects.create(person=person, unit=unit, job_title=job_title or person.job_title, valid_from=on)
    counted.announce(counted.coverers({unit.pk: on, current.unit_id if current else person.work_unit_id: on}))
    person.work_unit = unit
    if job_title:
        person.job_title = job_title
    person.save()
    refresh_organizations(person_ids=[person.pk])
    person_moved.send(sender=Person, person=person, on=on)


@transaction.atomic
def archive_person(person: Person, *, actor, reason: str) -> Person:
    """Nothing is deleted through the UI: a person is archived, with the reason, and stays in history."""
    authorize(actor, Permission.EDIT_PEOPLE, person.organization)
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi lý do lưu trữ."})
    if person.archived_at:
        raise ValidationError(f"{person.full_name} đã được lưu trữ.")
    person.archived_at = timezone.now()
    person.archived_reason = reason.strip()
    with acting(actor):
        person.save(update_fields=["archived_at", "archived_reason"])
        write_entry("archive", person, {"archived_reason": [None, person.archived_reason]}, person.pk)
        counted.announce(counted.today_only([person.organization_id]))
    return person


def _event(membership: PartyMembership, kind: str, on: dt.date, *, actor, **extra) -> MembershipEvent:
    event = MembershipEvent.objects.create(
        membership=membership,
        kind=kind,
        on=on,
        status_after=membership.status,
        organization_after=membership.organization,
        recorded_by=as_user(actor),
        **extra,
    )
    # the cells of the membership's history, and the staff-who-are-members of wherever the person works
    previous = extra.get("from_organization")
    counted.announce(counted.people_changes([membership.person_id], on), {previous.pk: on} if previous else {})
    return event


def _check_new_membership(
    person: Person,
    organization: Organization,
    status: str,
    decision_date: dt.date | None,
    ceremony_date: dt.date | None,
    official_date: dt.date | None,
) -> None:
    if not organization.is_cell:
        raise ValidationError({"organization": "Đảng viên phải sinh hoạt tại một chi bộ."})
    if status not in MembershipStatus.active():
        raise ValidationError({"status": "Chỉ ghi nhận đảng viên dự bị hoặc chính thức."})
    if person.memberships.filter(status__in=MembershipStatus.active()).exists():
        raise ValidationError(f"{person.full_name} đã là đảng viên.")
    _check_dates(
        MembershipDates(
            status == MembershipStatus.OFFICIAL, decision_date, ceremony_date, official_date, person.birth_date
        )
    )


def _check_dates(dates: MembershipDates) -> None:
    """The order of a membership's dates (rules.membership_dates), every problem on the date to correct."""
    errors: dict[str, list[str]] = {}
    for finding in check_dates(dates).blocking:
        errors.setdefault(finding.field, []).append(finding.message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_membership(
    person: Person,
    *,
    actor,
    organization: Organization,
    status: str,
    decision_date: dt.date | None,
    ceremony_date: dt.date | None = None,
    official_date: dt.date | None = None,
    card_number: str = "",
    decision_number: str = "",
    is_readmission: bool = False,
    kind: str = MembershipEventKind.REGISTERED,
    on: dt.date | None = None,
    external_party: str = "",
) -> PartyMembership:
    """Enter a membership into the register: an existing member (REGISTERED), one transferred in, or admitted."""
    # the person's chi bộ (as the screen asks) and the one they become a member of
    authorize(actor, Permission.EDIT_PEOPLE, person.organization, organization)
    _check_new_membership(person, organization, status, decision_date, ceremony_date, official_date)
    if kind not in {MembershipEventKind.REGISTERED, MembershipEventKind.TRANSFERRED_IN, MembershipEventKind.ADMITTED}:
        raise ValidationError({"kind": "Trường hợp ghi nhận không hợp lệ."})
    with acting(actor):
        membership = PartyMembership.objects.create(
            person=person,
            organization=organization,
            status=status,
            decision_date=decision_date,
            decision_number=decision_number,
            ceremony_date=ceremony_date,
            official_date=official_date,
            card_number=card_number,
            is_readmission=is_readmission,
        )
        on = on or ceremony_date or decision_date or today()
        _event(membership, kind, on, actor=actor, external_party=external_party)
        refresh_organizations(person_ids=[person.pk])
    return membership


@transaction.atomic
def move_membership(
    membership: PartyMembership,
    to_org: Organization,
    *,
    actor,
    on: dt.date,
    note: str = "",
    kind: str = MembershipEventKind.MOVED,
) -> PartyMembership:
    """Chuyển sinh hoạt within the register: both chi bộ are the actor's (a transfer out of it is end_membership)."""
    authorize(actor, Permission.EDIT_PEOPLE, membership.organization, to_org)
    if membership.status not in MembershipStatus.active():
        raise ValidationError("Chỉ chuyển sinh hoạt cho đảng viên đang sinh hoạt.")
    if not to_org.is_cell or not to_org.active:
        raise ValidationError({"organization": f"{to_org.name} không phải chi bộ đang hoạt động."})
    previous = membership.organization
    with acting(actor):
        membership.organization = to_org
        membership.save(update_fields=["organization"])
        _event(membership, kind, on, actor=actor, from_organization=previous, note=note)
        refresh_organizations(person_ids=[membership.person_id])
        person_moved.send(sender=Person, person=membership.person, on=on)
    return membership


@transaction.atomic
def recognise_official(membership: PartyMembership, *, actor, official_date: dt.date, on: dt.date) -> PartyMembership:
    authorize(actor, Permission.EDIT_PEOPLE, membership.organization)
    if membership.status != MembershipStatus.PROBATIONARY:
        raise ValidationError("Chỉ công nhận chính thức cho đảng viên dự bị.")
    _check_dates(MembershipDates(True, membership.decision_date, membership.ceremony_date, official_date))
    with acting(actor):
        membership.status = MembershipStatus.OFFICIAL
        membership.official_date = official_date
        membership.save(update_fields=["status", "official_date"])
        _event(membership, MembershipEventKind.RECOGNISED, on, actor=actor)
    return membership


ENDINGS = {
    MembershipEventKind.TRANSFERRED_OUT: MembershipStatus.TRANSFERRED_OUT,
    MembershipEventKind.REMOVED: MembershipStatus.REMOVED,
    MembershipEventKind.EXPELLED: MembershipStatus.EXPELLED,
    MembershipEventKind.LEFT: MembershipStatus.LEFT,
    MembershipEventKind.DIED: MembershipStatus.DIED,
}


@transaction.atomic
def end_membership(
    membership: PartyMembership, kind: str, *, actor, on: dt.date, note: str = "", external_party: str = ""
) -> PartyMembership:
    authorize(actor, Permission.EDIT_PEOPLE, membership.organization)
    if kind not in ENDINGS:
        raise ValidationError({"kind": "Loại thay đổi không hợp lệ."})
    if membership.status not in MembershipStatus.active():
        raise ValidationError("Đảng viên này không còn trong danh sách sinh hoạt.")
    not_in_future(on)
    with acting(actor):
        membership.status = ENDINGS[kind]
        membership.ended_on = on
        membership.save(update_fields=["status", "ended_on"])
        _event(membership, kind, on, actor=actor, note=note, external_party=external_party)
        refresh_organizations(person_ids=[membership.person_id])
    return membership


@transaction.atomic
def record_national_db_entry(memberships, *, actor, on: dt.date | None) -> int:
    """Mark memberships as entered into the national member database (CSDL đảng viên) on `on`, or clear the mark
    (`on=None`, a mistaken tick). All or nothing: a date in the future or before a member's admission decision is
    refused, naming the member. One audited save per membership (its history shows who ticked it and when)."""
    memberships = list(memberships)
    if memberships:  # the office's hand-off, over each member's chi bộ (read in one query)
        organizations = Organization.objects.filter(pk__in={m.organization_id for m in memberships})
        authorize(actor, Permission.MANAGE_WITHIN, *organizations)
    if on is not None:
        _check_entered_on(memberships, on)
    changed = [m for m in memberships if m.national_db_entered_on != on]
    entered_by = as_user(actor) if on else None
    with acting(actor):
        for membership in changed:
            membership.national_db_entered_on, membership.national_db_entered_by = on, entered_by
            membership.save(update_fields=["national_db_entered_on", "national_db_entered_by"])
    return len(changed)


def _check_entered_on(memberships: list[PartyMembership], on: dt.date) -> None:
    not_in_future(on, "national_db_entered_on")
    early = [m for m in memberships if m.decision_date and on < m.decision_date]
    if early:
        raise ValidationError(
            {
                "national_db_entered_on": [
                    f"{m.person.full_name}: ngày nhập {ddmmyyyy(on)} trước ngày quyết định kết nạp "
                    f"{ddmmyyyy(m.decision_date)}."
                    for m in early
                ]
            }
        )
