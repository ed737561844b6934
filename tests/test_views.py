import datetime as dt
import os
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils.html import escape

from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.registry.models import Person
from tests import factories as f


def names(response):
    return [p.full_name for p in response.context["page"]]


def test_login_is_required_everywhere(client, world):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.slow
def test_login_throttling_locks_after_repeated_failures(client, personas):
    for _ in range(5):
        client.post(reverse("login"), {"username": "vp.a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "vp.a", "password": f.PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_passwords_are_hashed_with_argon2(personas):
    assert personas.office_a.password.startswith("argon2")


def test_home_shows_the_tree_with_counts(login, world, personas):
    response = login(personas.office_a).get(reverse("home"))
    rows = {n.code: n.totals for n in response.context["rows"]}
    assert list(rows) == [
        "BVA",
        "BVA-NGOAI",
        "BVA-NOI",
    ]  # the office's subtree only, Vietnamese order by name
    assert (rows["BVA"].staff, rows["BVA"].official, rows["BVA"].probationary, rows["BVA"].non_members) == (
        3,
        1,
        1,
        1,
    )
    body = response.content.decode()
    assert "66,7%" in body  # members as % of staff, Vietnamese decimal comma


def test_a_long_home_tree_leaves_the_chi_bo_inside_base_organisations_out(login, world, personas, monkeypatch):
    """Issue 14: a province office's home listed every chi bộ of 300 hospitals (1,372 rows, 530 kB on a phone); past
    HOME_ROWS rows the tree stops at the base organisations, each with the number of organisations under it."""
    from ketnap.web.views import registry as views

    client = login(personas.office_a)
    assert [n.code for n in client.get(reverse("home")).context["rows"]] == ["BVA", "BVA-NGOAI", "BVA-NOI"]
    monkeypatch.setattr(views, "HOME_ROWS", 2)
    response = client.get(reverse("home"))
    assert [n.code for n in response.context["rows"]] == ["BVA"]  # the root stays, whatever its kind
    assert response.context["rows"][0].totals.staff == 3  # the counts still hold the whole subtree
    assert "2 tổ chức trực thuộc" in response.content.decode()


def test_home_as_of_a_past_date_shows_that_days_tree(login, world, personas):
    from ketnap.registry.services import organizations

    organizations.rename(world.cell_a1, "Chi bộ Nội tổng hợp", on=dt.date(2025, 7, 1), actor=SYSTEM)
    client = login(personas.office_a)
    old = client.get(reverse("home"), {"ngay": "30/06/2023"})
    assert [n.name for n in old.context["rows"]] == [
        "Đảng bộ Bệnh viện A",
        "Chi bộ Khoa Ngoại",
        "Chi bộ Khoa Nội",
    ]
    now = client.get(reverse("home"))
    assert "Chi bộ Nội tổng hợp" in [n.name for n in now.context["rows"]]
    bad = client.get(reverse("home"), {"ngay": "31/02/2023"}, follow=True)
    assert "Ngày không hợp lệ" in bad.content.decode()


def test_search_without_diacritics_finds_the_name(login, world, personas):
    client = login(personas.office_a)
    assert names(client.get(reverse("person_list"), {"q": "nguyen van an"})) == ["Nguyễn Văn An"]
    assert names(client.get(reverse("person_list"), {"q": "BÌNH"})) == ["Trần Thị Bình"]
    assert names(client.get(reverse("person_list"), {"q": world.an.citizen_id})) == ["Nguyễn Văn An"]
    assert names(client.get(reverse("person_list"), {"loai": "quan-chung"})) == ["Trần Thị Bình"]


def test_lists_sort_the_vietnamese_way_and_paginate(login, world, personas):
    for full in ["Đỗ Thị Ánh", "Vũ Văn Đức", "Bùi Thị Anh", "Hồ Văn Ân", "Lý Thị Dung"]:
        f.person(world.dept_a1, full)
    for i in range(50):
        f.person(world.dept_a2, f"Phan Văn Ý{'a' * (i % 3)}")
    client = login(personas.office_a)
    first_page = client.get(reverse("person_list"))
    first = names(first_page)
    assert first[:7] == [
        "Nguyễn Văn An",
        "Bùi Thị Anh",
        "Đỗ Thị Ánh",
        "Hồ Văn Ân",
        "Trần Thị Bình",
        "Lý Thị Dung",
        "Lê Văn Dũng",
    ]
    assert "Vũ Văn Đức" == first[7]
    # the next page starts after the last one shown (web/paging.py), from the link on the page
    following = first_page.context["page"].links["next"]
    assert f'rel="next" href="?{escape(following)}"' in first_page.content.decode()
    second = client.get(f"{reverse('person_list')}?{following}")
    assert second.context["page"].start_index == 51 and len(names(second)) == 8
    shown = [p.pk for p in first_page.context["page"]] + [p.pk for p in second.context["page"]]
    assert len(set(shown)) == len(shown) == second.context["page"].count == 58  # each once, none left out


def test_list_query_count_does_not_grow_with_rows(login, world, personas, django_assert_max_num_queries):
    for i in range(40):
        f.member(f.person(world.dept_a1, f"Ngô Văn Tâm{'x' * i}"), world.cell_a1)
    client = login(personas.office_a)
    with django_assert_max_num_queries(9):
        client.get(reverse("person_list"))
    client.get(reverse("home"))  # the first read catches up the kept counts (stats.figures), as a commit would
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_person_page_shows_everything_and_the_audit_to_the_office(login, world, personas):
    response = login(personas.office_a).get(reverse("person_detail", args=[world.an.pk]))
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and world.an.citizen_id in body and "Trưởng khoa" in body
    assert "Đảng viên chính thức" in body and "Nhật ký thay đổi" in body
    secretary_view = login(personas.secretary_a1).get(reverse("person_detail", args=[world.an.pk]))
    assert "Nhật ký thay đổi" not in secretary_view.content.decode()


def test_editing_a_person_over_http_is_audited(login, world, personas):
    client = login(personas.secretary_a1)
    url = reverse("person_edit", args=[world.binh.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(birth_date="12/03/1995", phone="0987654321", gender="F")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    world.binh.refresh_from_db()
    assert world.binh.birth_date == dt.date(1995, 3, 12) and world.binh.phone == "0987654321"
    entry = AuditEntry.objects.filter(person_id=world.binh.pk, action="update").first()
    assert entry.actor == personas.secretary_a1 and entry.changes["phone"] == ["", "0987654321"]


def test_bad_input_names_the_field_in_vietnamese_and_saves_nothing(login, world, personas):
    client = login(personas.office_a)
    before = Person.objects.count()
    response = client.post(
        reverse("person_create"),
        {
            "family_name": "Mai",
            "given_name": "Lan",
            "gender": "F",
            "birth_date": "31/02/1990",
            "citizen_id": "12ab",
            "work_unit": world.dept_a1.pk,
        },
    )
    assert response.status_code == 200 and Person.objects.count() == before
    body = response.content.decode()
    assert "Chưa lưu" in body and "Số CCCD phải gồm đúng 12 chữ số." in body
    assert "Ngày sinh" in body and "nhập theo dạng dd/mm/yyyy" in body  # the format is said, not just "invalid"


def test_a_citizen_id_typed_as_printed_is_accepted_and_a_duplicate_names_its_owner(login, world, personas):
    client = login(personas.office_a)
    data = {"family_name": "Mai", "given_name": "Lan", "gender": "F", "birth_date": "05/09/1998"}
    data |= {"work_unit": world.dept_a1.pk, "citizen_id": "022 190 001 234"}
    assert client.post(reverse("person_create"), data).status_code == 302
    assert Person.objects.filter(citizen_id="022190001234", given_name="Lan").exists()
    again = client.post(reverse("person_create"), {**data, "given_name": "Huệ"}).content.decode()
    assert "Số CCCD 022190001234 đã thuộc Mai Lan (sinh năm 1998)." in again


def test_creating_a_person_puts_them_under_the_covering_cell(login, world, personas):
    client = login(personas.office_a)
    response = client.post(
        reverse("person_create"),
        {
            "family_name": "mai",
            "middle_name": "thị",
            "given_name": "lan",
            "gender": "F",
            "birth_date": "05/09/1998",
            "work_unit": world.dept_a2.pk,
            "trade_union_member": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(given_name="Lan")
    assert person.full_name == "Mai Thị Lan" and person.organization == world.cell_a2
    assert person.assignments.count() == 1


def test_secretary_cannot_restructure(login, world, personas):
    response = login(personas.secretary_a1).get(reverse("org_rename", args=[world.cell_a1.code]))
    assert response.status_code == 403


def test_office_restructures_through_the_form(login, world, personas):
    client = login(personas.office_a)
    response = client.post(
        reverse("org_rename", args=[world.cell_a1.code]),
        {"name": "Chi bộ Nội tổng hợp", "on": "01/07/2025", "reason": "NQ 12-NQ/ĐU"},
    )
    assert response.status_code == 302
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.name == "Chi bộ Nội tổng hợp"
    refused = client.post(reverse("org_dissolve", args=[world.cell_a2.code]), {"on": "01/07/2025"})
    assert refused.status_code == 200 and "còn 1 đảng viên" in refused.content.decode()


def test_archive_over_http(login, world, personas):
    client = login(personas.office_a)
    response = client.post(reverse("person_archive", args=[world.binh.pk]), {"reason": "Chuyển công tác"})
    assert response.status_code == 302
    assert names(client.get(reverse("person_list"))) == ["Nguyễn Văn An", "Lê Văn Dũng"]
    assert "Trần Thị Bình" in names(client.get(reverse("person_list"), {"ca_nghi": "1"}))
    assert client.get(reverse("person_detail", args=[world.binh.pk])).status_code == 200


def test_sqlite_file_database_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path):
    # The test database lives in memory, where WAL does not apply: check a real file database instead.
    env = {**os.environ, "KETNAP_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    script = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "print([c.execute(f'PRAGMA {p}').fetchone()[0] for p in ('journal_mode', 'foreign_keys', 'busy_timeout')])"
    )
    result = subprocess.run(
        [sys.executable, "-m", "ketnap", "shell", "-c", script], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['wal', 1, 20000]"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "KETNAP_PRODUCTION": "true",
        "KETNAP_DATA_DIR": str(tmp_path),
        "KETNAP_SECRET_KEY": "k" * 20 + "ZyXwVuTsRqPoNmLkJiHgFeDcBa0123456789-_+=!@#$%^&*(",
        "DATABASE_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test conftest for Playwright, never in deployment
    result = subprocess.run(
        [sys.executable, "-m", "ketnap", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_interface_speaks_vietnamese_by_default_and_english_on_request(login, world, personas):
    client = login(personas.office_a)
    # an English browser (Accept-Language: en) still gets Vietnamese: only the user's own choice switches
    default = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "Tổ chức đảng</h1>" in default
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(personas.office_a)
    english = client.get(reverse("home")).content.decode()
    assert "Party organisations" in english and "Tổ chức đảng</h1>" not in english


def test_the_stylesheet_is_found_and_served_without_internet(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("ketnap/app.css")
    response = client.get("/static/ketnap/app.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"@media print" in css and b"http" not in css  # no external resources


def test_pages_load_no_external_resources(login, world, personas):
    body = login(personas.office_a).get(reverse("home")).content.decode()
    assert "/static/ketnap/app.css" in body
    assert "https://" not in body and "http://" not in body


def test_split_and_merge_through_the_forms(login, world, personas):
    from ketnap.registry.enums import OrgKind

    client = login(personas.office_a)
    on = "01/07/2025"
    for code_, name in [("BVA-N1", "Chi bộ Nội 1"), ("BVA-N2", "Chi bộ Nội 2")]:
        response = client.post(
            reverse("org_add_child", args=[world.hospital_a.code]),
            {"code": code_, "name": name, "kind": OrgKind.CELL, "on": on},
        )
        assert response.status_code == 302
    dept_extra = f.unit("UA-NT", "Khoa Nội tiết", world.unit_a, covered_by=world.cell_a1)
    cuong = f.person(dept_extra, "Hoàng Văn Cường")
    f.member(cuong, world.cell_a1)
    n1, n2 = (world.hospital_a.children.get(code=c) for c in ("BVA-N1", "BVA-N2"))
    form = client.get(reverse("org_split", args=[world.cell_a1.code])).context["form"]
    assert sorted(f.label for f in form.fields.values() if f.label in {"Khoa Nội", "Khoa Nội tiết"}) == [
        "Khoa Nội",
        "Khoa Nội tiết",
    ]
    response = client.post(
        reverse("org_split", args=[world.cell_a1.code]),
        {f"unit_{world.dept_a1.pk}": n1.pk, f"unit_{dept_extra.pk}": n2.pk, "on": on, "reason": "NQ 5-NQ/ĐU"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert world.an.memberships.get().organization == n1 and cuong.memberships.get().organization == n2
    response = client.post(reverse("org_merge", args=[n2.code]), {"into": n1.pk, "on": "02/07/2025"})
    assert response.status_code == 302, response.context["form"].errors
    assert cuong.memberships.get().organization == n1
    home = client.get(reverse("home"))
    assert [n.code for n in home.context["rows"]] == ["BVA", "BVA-NGOAI", "BVA-N1"]


def test_office_adds_a_department_and_renames_it_keeping_history(login, world, personas):
    client = login(personas.office_a)
    response = client.post(
        reverse("unit_add_department", args=[world.unit_a.pk]),
        {
            "code": "UA-MAT",
            "name": "Khoa Mắt",
            "kind": "department",
            "on": "01/03/2024",
            "covered_by": world.cell_a2.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    from ketnap.registry.models import WorkUnit

    eye = WorkUnit.objects.get(code="UA-MAT")
    assert eye.coverages.get().organization == world.cell_a2
    response = client.post(
        reverse("unit_rename", args=[eye.pk]), {"name": "Khoa Mắt – Tai Mũi Họng", "on": "01/07/2025"}
    )
    assert response.status_code == 302
    assert [v.name for v in eye.versions.order_by("valid_from")] == ["Khoa Mắt", "Khoa Mắt – Tai Mũi Họng"]
    assert client.get(reverse("unit_detail", args=[eye.pk])).status_code == 200
    assert login(personas.secretary_a1).get(reverse("unit_rename", args=[eye.pk])).status_code == 404  # not his
    assert login(personas.secretary_a1).get(reverse("unit_rename", args=[world.dept_a1.pk])).status_code == 403


def test_recording_a_member_transferred_in(login, world, personas):
    client = login(personas.office_a)
    url = reverse("membership_register", args=[world.binh.pk])
    incomplete = client.post(
        url,
        {
            "arrival": "transferred_in",
            "organization": world.cell_a1.pk,
            "status": "official",
            "decision_date": "03/02/2015",
            "official_date": "13/02/2016",
        },
    )
    assert incomplete.status_code == 200
    assert "Nhập nơi chuyển đi." in incomplete.content.decode() and not world.binh.memberships.exists()
    response = client.post(
        url,
        {
            "arrival": "transferred_in",
            "arrived_on": "15/08/2024",
            "external_party": "Đảng bộ tỉnh Hải Dương",
            "organization": world.cell_a1.pk,
            "status": "official",
            "decision_date": "03/02/2015",
            "ceremony_date": "13/02/2015",
            "official_date": "13/02/2016",
            "card_number": "12345678",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    [event] = world.binh.memberships.get().events.all()
    assert (event.kind, event.on, event.external_party) == (
        "transferred_in",
        dt.date(2024, 8, 15),
        "Đảng bộ tỉnh Hải Dương",
    )


def test_statistics_say_when_the_organisation_did_not_exist_on_the_day(world, personas, login):
    from tests import factories as f

    office = f.org("VP-MOI", "Văn phòng Đảng ủy mới", "upper", world.province, on=dt.date(2025, 7, 1))
    client = login(personas.superuser)
    body = client.get(f"/thong-ke/{office.code}/?ngay=30/06/2023").content.decode()
    assert "Văn phòng Đảng ủy mới chưa thành lập tại ngày 30/06/2023 (thành lập ngày 01/07/2025)." in body
    # the organisations that existed then are offered, at the same day
    assert f'href="/thong-ke/{world.province.code}/?ngay=30%2F06%2F2023' in body
    # the reporting period and the yearly report follow the chosen day
    assert "?nam=2023" in body
    today_body = client.get(f"/thong-ke/{world.province.code}/").content.decode()
    assert "chưa thành lập" not in today_body


def test_the_office_records_a_units_youth_union_and_area_through_the_service(login, world, personas):
    """The unit's facts (who introduces its applicants, what schooling they need) are saved by units.set_facts:
    audited as the office user; a chi bộ secretary, who only reads units, is refused."""
    url = reverse("unit_facts", args=[world.unit_a.pk])
    assert login(personas.secretary_a1).post(url, {"has_trade_union": "on", "area_kind": ""}).status_code == 403
    response = login(personas.office_a).post(url, {"has_trade_union": "on", "area_kind": ""})
    assert response.status_code == 302
    world.unit_a.refresh_from_db()
    assert world.unit_a.has_youth_union is False and world.unit_a.has_trade_union is True
    entry = AuditEntry.objects.latest("pk")
    assert entry.object_id == str(world.unit_a.pk) and entry.actor == personas.office_a
    assert entry.changes["has_youth_union"] == [True, False]


def test_the_restructuring_forms_offer_only_what_the_user_may_manage(login, world, personas):
    """An office that also oversees the Sở Y tế reads all of it, but may move a chi bộ only under what it manages
    (Permission.MANAGE_WITHIN, asked again by organizations.move): the form offers nothing it would refuse."""
    from ketnap.accounts.models import Role, RoleKind

    Role.objects.create(user=personas.office_a, organization=world.upper, kind=RoleKind.OVERSEER)
    response = login(personas.office_a).get(reverse("org_move", args=[world.cell_a1.code]))
    offered = set(response.context["form"].fields["parent"].queryset)
    assert offered == {world.hospital_a, world.cell_a2}
    moved = login(personas.office_a).post(
        reverse("org_move", args=[world.cell_a1.code]),
        {"parent": world.hospital_b.pk, "on": "01/07/2025", "reason": "thử"},
    )
    assert moved.status_code == 200 and "parent" in moved.context["form"].errors
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.parent == world.hospital_a
