"""The hand-off to the national member database: the list in the Phiếu đảng viên's field order, the "entered on"
tick (all or nothing, audited), what changed since, and who may see and tick."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.documents import national_db
from ketnap.pipeline import domain
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import CodeItem, PartyMembership
from ketnap.registry.services import people
from tests import factories as f

D = dt.date


def url(org, **query):
    from urllib.parse import urlencode

    base = reverse("national_db_list", args=[org.code])
    return f"{base}?{urlencode(query)}" if query else base


def membership(person):
    return PartyMembership.objects.get(person=person, status__in=MembershipStatus.active())


def names(response) -> list[str]:
    return [e.membership.person.full_name for e in response.context["rows"]]


@pytest.fixture
def admitted(world, personas):
    """Trần Thị Bình, admitted through ketnap on 20/07/2023 (ceremony 10/08/2023) with two introducers."""
    office = personas.office_a
    introducers = [world.an]
    for name in ("Hoàng Văn Cường", "Phạm Thị Dung", "Vũ Văn Giang"):
        person = f.person(world.dept_a1, name, born=D(1980, 3, 3), job_title="Điều dưỡng trưởng")
        f.member(person, world.cell_a1, decision=D(2012, 5, 5))
        introducers.append(person)
    world.binh.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    world.binh.save()
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    f.walk_to_dossier(candidate, office, introducers)

    def step(name, **data):
        f.step(candidate, name, office, **data)

    step("cell_resolution", on=D(2023, 6, 1), members_total=5, votes_for=4, document_number="6")
    step("committee_resolution", on=D(2023, 6, 15), members_total=7, votes_for=6, document_number="31")
    step("decision", on=D(2023, 7, 20), received_on=D(2023, 7, 25), document_number="45-QĐ/ĐU", issuer="Đảng ủy")
    step("ceremony", on=D(2023, 8, 10), mentor=introducers[1])
    return membership(world.binh)


def test_the_download_follows_the_member_form_and_holds_what_ketnap_knows(world, personas, login, admitted):
    client = login(personas.office_a)
    response = client.get(url(world.hospital_a, **{"tinh-trang": "tat-ca", "xuat": "xlsx"}))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active  # sent from a temporary file
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and "STT" in row)
    assert list(rows[header][: len(national_db.COLUMNS)]) == [c.label for c in national_db.COLUMNS]
    records = [dict(zip([c.key for c in national_db.COLUMNS], row, strict=False)) for row in rows[header + 1 :]]
    by_name = {record["name"]: record for record in records if record["name"]}
    assert set(by_name) == {
        "NGUYỄN VĂN AN",
        "TRẦN THỊ BÌNH",
        "LÊ VĂN DŨNG",
        "HOÀNG VĂN CƯỜNG",
        "PHẠM THỊ DUNG",
        "VŨ VĂN GIANG",
    }  # hospital B's member is not in hospital A's list
    binh = by_name["TRẦN THỊ BÌNH"]
    assert binh["base"] == "Đảng bộ Bệnh viện A" and binh["cell"] == "Chi bộ Khoa Nội"
    assert binh["joined"].date() == D(2023, 8, 10)  # "ngày vào Đảng" is the ceremony (real date cells)
    assert binh["decision"].date() == D(2023, 7, 20) and binh["decision_number"] == "45-QĐ/ĐU"
    assert binh["joined_cell"] == "Chi bộ Khoa Nội"
    assert binh["introducer1"] == "Nguyễn Văn An" and binh["introducer1_post"] == "Trưởng khoa, Khoa Nội"
    assert binh["introducer2"] == "Hoàng Văn Cường"
    assert binh["official"] is None and binh["entered_on"] is None
    csv = client.get(url(world.hospital_a, **{"tinh-trang": "tat-ca", "xuat": "csv"})).getvalue().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("STT,Đảng bộ cơ sở,Đảng bộ bộ phận,Chi bộ,Số thẻ đảng viên,01) Họ và tên")


def test_ticking_entered_is_audited_and_leaves_the_to_do_list(world, personas, login):
    client = login(personas.office_a)
    an = membership(world.an)
    assert names(client.get(url(world.hospital_a))) == ["Lê Văn Dũng", "Nguyễn Văn An"]  # by chi bộ, then name
    response = client.post(
        url(world.hospital_a), {"dang_vien": [an.pk], "national_db_entered_on": "02/03/2024", "mark": ""}
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert an.national_db_entered_on == D(2024, 3, 2) and an.national_db_entered_by == personas.office_a
    entry = AuditEntry.objects.filter(model="registry.PartyMembership", object_id=str(an.pk)).latest("id")
    assert entry.actor == personas.office_a and entry.changes["national_db_entered_on"] == [None, "2024-03-02"]
    assert names(client.get(url(world.hospital_a))) == ["Lê Văn Dũng"]
    assert "02/03/2024" in client.get(reverse("person_detail", args=[world.an.pk])).content.decode()
    assert names(client.get(url(world.hospital_a, **{"tinh-trang": "da-nhap"}))) == ["Nguyễn Văn An"]
    # a mistaken tick can be taken back
    client.post(url(world.hospital_a), {"dang_vien": [an.pk], "clear": "1"})
    an.refresh_from_db()
    assert an.national_db_entered_on is None


def test_a_change_after_entry_asks_for_an_update(world, personas, login):
    an = membership(world.an)
    people.record_national_db_entry([an], on=D(2024, 3, 2), actor=SYSTEM)
    people.move_membership(an, world.cell_a2, on=D(2024, 9, 1), actor=SYSTEM)
    response = login(personas.office_a).get(url(world.hospital_a, **{"tinh-trang": "can-cap-nhat"}))
    assert names(response) == ["Nguyễn Văn An"]
    assert "01/09/2024" in response.context["rows"][0].values["changes"]
    assert "(1)" in response.content.decode()  # the to-do count beside the choice


def test_a_bad_date_writes_nothing_and_names_the_member(world, personas, login):
    client = login(personas.office_a)
    an, dung = membership(world.an), membership(world.dung)
    # Dũng was admitted on 01/03/2018: an entry on 01/01/2018 is impossible; An's tick must not be saved either
    response = client.post(
        url(world.hospital_a), {"dang_vien": [an.pk, dung.pk], "national_db_entered_on": "01/01/2018", "mark": ""}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["national_db_entered_on"]
    assert any("Lê Văn Dũng" in e and "01/03/2018" in e for e in errors)
    assert not PartyMembership.objects.filter(national_db_entered_on__isnull=False).exists()
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    response = client.post(url(world.hospital_a), {"dang_vien": [an.pk], "national_db_entered_on": future})
    assert "chưa đến" in response.content.decode()
    response = client.post(url(world.hospital_a), {"dang_vien": [an.pk], "national_db_entered_on": "31/02/2024"})
    assert response.context["form"].errors["national_db_entered_on"]
    assert not PartyMembership.objects.filter(national_db_entered_on__isnull=False).exists()


def test_scope_reading_ticking_and_outsiders(world, personas, login, client):
    outsider_membership = membership(world.outsider)
    # a member of another hospital slipped into the form is not ticked
    response = login(personas.office_a).post(
        url(world.hospital_a), {"dang_vien": [outsider_membership.pk], "national_db_entered_on": "02/03/2024"}
    )
    assert "Chưa chọn đảng viên nào." in response.content.decode()
    tampered = login(personas.office_a).post(url(world.hospital_a), {"dang_vien": ["1 OR 1=1"]})
    assert tampered.status_code == 200 and "Chưa chọn đảng viên nào." in tampered.content.decode()
    outsider_membership.refresh_from_db()
    assert outsider_membership.national_db_entered_on is None
    # the secretary reads their own cell's members but does not tick (office work)
    secretary = login(personas.secretary_a1)
    assert names(secretary.get(url(world.cell_a1))) == ["Nguyễn Văn An"]
    assert b'name="dang_vien"' not in secretary.get(url(world.cell_a1)).content
    an = membership(world.an)
    assert (
        secretary.post(url(world.cell_a1), {"dang_vien": [an.pk], "national_db_entered_on": "02/03/2024"}).status_code
        == 403
    )
    assert secretary.get(url(world.hospital_a)).status_code == 404
    # overseers see numbers only; another hospital's secretary sees nothing of hospital A
    assert login(personas.overseer).get(url(world.hospital_a)).status_code == 404
    assert login(personas.secretary_b1).get(url(world.hospital_a)).status_code == 404
    client.logout()
    assert client.get(url(world.hospital_a)).status_code == 302  # to the login page


def test_the_page_costs_the_same_queries_for_more_members(world, personas, login, django_assert_max_num_queries):
    client = login(personas.office_a)
    client.get(url(world.hospital_a))  # warm the session and the per-user caches
    with django_assert_max_num_queries(20) as few:
        client.get(url(world.hospital_a, **{"tinh-trang": "tat-ca"}))
    for n in range(15):
        person = f.person(world.dept_a1, f"Đinh Văn Thêm {n}")
        f.member(person, world.cell_a1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(world.hospital_a, **{"tinh-trang": "tat-ca"}))
    assert len(response.context["rows"]) == 17
