"""One rule for the order of a membership's dates (rules.membership_dates), at every door: registering a member
on the screen (registry.services.people), recognising one official, importing a roster (imports.members) and, for
what one row can say, the database's CHECK constraints against a write that skips them all."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ketnap.audit.context import SYSTEM
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import PartyMembership
from ketnap.registry.services import people
from tests.test_imports import MEMBER_HEAD, counts, run, write_xlsx

D = dt.date
HEAD = [*MEMBER_HEAD[:7], "Ngày lễ kết nạp", "Ngày chính thức"]
# (decision, ceremony, official, the field to correct, what the message says)
BAD_DATES = [
    (D(2015, 2, 3), None, D(2015, 2, 3), "official_date", "phải sau ngày quyết định kết nạp"),
    (D(2015, 2, 3), D(2015, 2, 10), D(2015, 2, 9), "official_date", "phải sau ngày lễ kết nạp"),
    (D(2015, 2, 3), D(2015, 1, 20), None, "ceremony_date", "không thể trước ngày quyết định kết nạp"),
    (D(2007, 1, 5), D(2007, 1, 15), None, "decision_date", "phải đủ 18 tuổi"),  # born 17/05/1990: 16 years old
]
COLUMN = {"official_date": "Ngày chính thức", "ceremony_date": "Ngày lễ kết nạp", "decision_date": "Ngày vào Đảng"}


def register(person, cell, decision, ceremony, official):
    status = MembershipStatus.OFFICIAL if official else MembershipStatus.PROBATIONARY
    return people.register_membership(
        person,
        organization=cell,
        status=status,
        decision_date=decision,
        ceremony_date=ceremony,
        official_date=official,
        actor=SYSTEM,
    )


def day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


@pytest.mark.parametrize(("decision", "ceremony", "official", "field", "says"), BAD_DATES)
def test_registering_refuses_dates_out_of_order_on_the_field_to_correct(
    world, decision, ceremony, official, field, says
):
    with pytest.raises(ValidationError) as refused:
        register(world.binh, world.cell_a1, decision, ceremony, official)
    [message] = refused.value.message_dict[field]
    assert says in message
    assert not world.binh.memberships.exists()


@pytest.mark.parametrize(("decision", "ceremony", "official", "field", "says"), BAD_DATES)
def test_the_import_refuses_the_same_dates_on_the_column_to_correct(
    world, tmp_path, decision, ceremony, official, field, says
):
    row = ["Trần Thị Bình", "17/05/1990", "Nữ", world.binh.citizen_id, "Khoa Nội", "BVA-NOI"]
    path = write_xlsx(tmp_path / "dv.xlsx", [[*row, day(decision), day(ceremony), day(official)]], head=HEAD)
    before = counts()
    code, _, err = run("members", path, "--org", "BVA")
    assert code == 1 and f"cột '{COLUMN[field]}'" in err and says in err
    assert counts() == before


def test_an_official_member_needs_the_official_date_at_both_doors(world, tmp_path):
    with pytest.raises(ValidationError) as refused:
        people.register_membership(
            world.binh,
            organization=world.cell_a1,
            status=MembershipStatus.OFFICIAL,
            decision_date=D(2015, 2, 3),
            actor=SYSTEM,
        )
    assert refused.value.message_dict == {"official_date": ["Đảng viên chính thức cần có ngày chính thức."]}
    row = ["Trần Thị Bình", "17/05/1990", "Nữ", world.binh.citizen_id, "Khoa Nội", "BVA-NOI", "03/02/2015"]
    head = [*MEMBER_HEAD[:7], "Tình trạng"]
    code, _, err = run("members", write_xlsx(tmp_path / "dv.xlsx", [[*row, "Chính thức"]], head=head), "--org", "BVA")
    assert code == 1 and "đảng viên chính thức cần có ngày chính thức" in err


def test_a_correction_by_import_must_agree_with_the_dates_already_stored(world, tmp_path):
    """The file gives only the official date; the ceremony the register holds (10/03/2018) comes after it."""
    stored = world.an.memberships.get()
    head = [*MEMBER_HEAD[:6], "Ngày vào Đảng", "Ngày chính thức"]
    row = ["Nguyễn Văn An", "17/05/1990", "Nam", world.an.citizen_id, "Khoa Nội", "BVA-NOI", "01/03/2018"]
    code, _, err = run("members", write_xlsx(tmp_path / "dv.xlsx", [[*row, "05/03/2018"]], head=head), "--org", "BVA")
    assert code == 1 and "cột 'Ngày chính thức'" in err and "phải sau ngày lễ kết nạp" in err
    assert PartyMembership.objects.get(pk=stored.pk).official_date == stored.official_date


def test_recognising_official_before_the_ceremony_is_refused(world):
    membership = world.dung.memberships.get()  # probationary, ceremony 11/03/2018
    with pytest.raises(ValidationError) as refused:
        people.recognise_official(membership, official_date=D(2018, 3, 1), on=D(2019, 3, 20), actor=SYSTEM)
    assert list(refused.value.message_dict) == ["official_date"]
    membership.refresh_from_db()
    assert (membership.status, membership.official_date) == (MembershipStatus.PROBATIONARY, None)


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"ceremony_date": D(2018, 2, 1)}, "membership_ceremony_not_before_decision"),
        # no ceremony: only this order is broken (PostgreSQL names the first constraint it finds broken)
        ({"official_date": D(2018, 3, 1), "ceremony_date": None}, "membership_official_after_decision"),
        ({"official_date": D(2018, 3, 5)}, "membership_official_after_ceremony"),
        ({"official_date": None}, "membership_official_has_official_date"),
    ],
)
def test_the_database_refuses_a_raw_write_out_of_order(world, values, constraint):
    """world.an: decision 01/03/2018, ceremony 11/03/2018, official 11/03/2019; a queryset update skips the services."""
    membership = world.an.memberships.get()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        PartyMembership.objects.filter(pk=membership.pk).update(**values)
    # SQLite names the constraint; PostgreSQL too ('violates check constraint "…"')
    assert constraint in str(refused.value)


def test_the_import_judges_the_age_by_the_registered_birth_date_when_the_row_has_none(world, tmp_path):
    """Trần Thị Bình, born 17/05/1990 in the register; the row leaves Ngày sinh empty and gives a decision at 16."""
    row = ["Trần Thị Bình", "", "Nữ", world.binh.citizen_id, "Khoa Nội", "BVA-NOI", "05/01/2007", "15/01/2007", ""]
    before = counts()
    code, _, err = run("members", write_xlsx(tmp_path / "dv.xlsx", [row], head=HEAD), "--org", "BVA")
    assert code == 1 and "cột 'Ngày vào Đảng'" in err and "phải đủ 18 tuổi" in err
    assert counts() == before
