import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AppendOnlyError, AuditEntry, verify_chain
from ketnap.registry.enums import MembershipEventKind, MembershipStatus
from ketnap.registry.models import Person
from ketnap.registry.services import people
from tests import factories as f


def test_citizen_id_must_have_12_digits(world):
    with pytest.raises(ValidationError) as info:
        f.person(world.dept_a1, "Đỗ Thị Hà", citizen_id="12345")
    assert info.value.message_dict["citizen_id"] == ["Số CCCD phải gồm đúng 12 chữ số."]
    assert not Person.objects.filter(given_name="Hà").exists()


def test_citizen_id_is_unique_when_given_and_optional(world):
    with pytest.raises(ValidationError, match="CCCD"):
        f.person(world.dept_a1, "Đỗ Thị Hà", citizen_id=world.an.citizen_id)
    a = f.person(world.dept_a1, "Đỗ Thị Hà", citizen_id="")
    b = f.person(world.dept_a1, "Đỗ Văn Hải", citizen_id="")
    assert a.citizen_id is None and b.citizen_id is None


def test_every_change_of_personal_data_is_audited_with_before_and_after(world, personas):
    people.update_person(world.binh, phone="0912345678", job_title="Điều dưỡng trưởng", actor=personas.office_a)
    entry = AuditEntry.objects.filter(person_id=world.binh.pk, action="update").first()
    assert entry.actor == personas.office_a
    assert entry.changes == {"phone": ["", "0912345678"], "job_title": ["", "Điều dưỡng trưởng"]}
    assert verify_chain() == []


def test_the_audit_trail_is_append_only_and_tamper_evident(world):
    entry = AuditEntry.objects.first()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    # a row changed behind the application's back breaks the chain
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET note = 'sửa lén' WHERE id = %s", [entry.pk])
    assert verify_chain() == [entry.pk]


def test_archive_keeps_the_person_and_records_why(world, personas):
    people.archive_person(world.binh, reason="Nghỉ hưu", actor=personas.office_a)
    world.binh.refresh_from_db()
    assert world.binh.archived_at is not None
    assert Person.objects.filter(pk=world.binh.pk).exists()
    assert AuditEntry.objects.filter(person_id=world.binh.pk, action="archive").count() == 1
    with pytest.raises(ValidationError, match="lý do"):
        people.archive_person(world.an, reason=" ", actor=personas.office_a)


def test_work_unit_history(world):
    people.change_work_unit(world.binh, world.dept_a2, on=dt.date(2024, 3, 1), actor=SYSTEM)
    world.binh.refresh_from_db()
    assert world.binh.organization == world.cell_a2
    assert [(a.unit, a.valid_to) for a in world.binh.assignments.order_by("valid_from")] == [
        (world.dept_a1, dt.date(2024, 3, 1)),
        (world.dept_a2, None),
    ]


def test_one_active_membership_per_person(world):
    with pytest.raises(ValidationError, match="đã là đảng viên"):
        f.member(world.an, world.cell_a1)
    from ketnap.registry.models import PartyMembership

    with pytest.raises(IntegrityError):
        # dates in order (the CHECK constraints of the dates hold): only the second active membership is refused
        PartyMembership.objects.create(
            person=world.an,
            organization=world.cell_a1,
            status=MembershipStatus.OFFICIAL,
            decision_date=dt.date(2018, 3, 1),
            official_date=dt.date(2019, 3, 11),
        )


def test_membership_history_is_kept(world):
    membership = world.dung.memberships.get()
    people.recognise_official(membership, official_date=dt.date(2019, 3, 11), on=dt.date(2019, 3, 20), actor=SYSTEM)
    people.move_membership(membership, world.cell_a1, on=dt.date(2022, 1, 1), actor=SYSTEM)
    people.end_membership(membership, MembershipEventKind.DIED, on=dt.date(2024, 5, 5), actor=SYSTEM)
    assert [(e.kind, e.status_after, e.organization_after.code) for e in membership.events.all()] == [
        ("registered", "probationary", "BVA-NGOAI"),
        ("recognised", "official", "BVA-NGOAI"),
        ("moved", "official", "BVA-NOI"),
        ("died", "died", "BVA-NOI"),
    ]


def test_a_member_must_belong_to_a_cell(world):
    with pytest.raises(ValidationError, match="chi bộ"):
        f.member(world.binh, world.hospital_a)
