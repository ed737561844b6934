"""The audit trail as a clerk reads it (issue #12): the person page's change log and the Nhật ký page.

Readable rows (kinds, labels, names, dates, Có/Không, who and when), the page's filters, who may read what (two
hospitals: nothing of the other one leaks), query counts that do not grow with the rows, and a phone (390 px)."""

import csv
import datetime as dt
import io
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ketnap.accounts.models import RoleKind
from ketnap.audit.context import SYSTEM, acting
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import AUDITED, SKIPPED_FIELDS
from ketnap.pipeline import domain
from ketnap.pipeline.models import CalendarOverride
from ketnap.registry.models import CodeItem, Person
from ketnap.registry.services import organizations, people
from ketnap.scope import Scope
from ketnap.stats import targets
from ketnap.web import auditlog as audit_present
from tests import factories as f
from tests.test_imports import ROWS, run, write_xlsx

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # an attname (ethnicity_id) or a choice code (transferred_out)
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def kinh() -> CodeItem:
    return CodeItem.objects.get(kind="ethnicity", name="Kinh")


def text_of(response) -> str:
    """The page as read: tags out, whitespace collapsed."""
    body = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def audit_rows(response) -> list:
    return list(response.context["page"].object_list)


def edit_over_http(client, person, **changes):
    url = reverse("person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


@pytest.fixture
def office_b(world):
    return f.user("vp.b", (RoleKind.OFFICE, world.hospital_b))


# --- readable rows ----------------------------------------------------------------------------------------------------
def test_a_person_edited_over_http_reads_as_a_clerk_reads_it(login, world, personas):
    personas.office_a.last_name, personas.office_a.first_name = "Nguyễn Thị", "Hường"
    personas.office_a.save()
    client = login(personas.office_a)
    edit_over_http(client, world.binh, ethnicity=kinh().pk, birth_date="14/03/1995", gender="F")
    entry = AuditEntry.objects.filter(person_id=world.binh.pk, action="update").first()
    page = text_of(client.get(reverse("person_detail", args=[world.binh.pk])))
    log = page[page.index("Nhật ký thay đổi") :]
    assert "Dân tộc: (trống) → Kinh" in log
    assert "Ngày sinh: 17/05/1990 → 14/03/1995" in log
    assert f"{timezone.localtime(entry.at):%d/%m/%Y %H:%M} · Nguyễn Thị Hường" in log  # when (local time) and who
    assert "Sửa · Nhân sự: Trần Thị Bình" in log
    assert "Thêm mới · Nhân sự: Trần Thị Bình" in log  # the record's creation, with its values
    assert "Giới tính: Nữ" in log and "Khoa / phòng: Khoa Nội" in log and "Công đoàn viên: Có" in log
    for code in ("ethnicity_id", "registry.Person", "1995-03-14", "work_unit_id", "∅"):
        assert code not in page


def _everyday_work(world, personas, pipeline_world, tmp_path):
    """Entries of every kind the app writes: imports (new and updated people, with before and after), membership
    events, a step with its helper, a dossier paper withdrawn, a national DB tick, a rename, an archive, a target, a
    calendar day."""
    assert run("staff", write_xlsx(tmp_path / "lan-1.xlsx", ROWS), "--org", "BVA")[0] == 0
    rows = [list(r) for r in ROWS]
    rows[0][2], rows[0][7], rows[0][8] = "14/03/1995", "Tày", "Điều dưỡng trưởng"
    assert run("staff", write_xlsx(tmp_path / "lan-2.xlsx", rows), "--org", "BVA", "--accept-identity-changes")[0] == 0
    system = f.user("he-thong-2", superuser=True)
    domain.transition(
        pipeline_world.bình, "sympathise", actor=system, data={"on": dt.date(2024, 2, 2), "helpers": [world.an]}
    )
    domain.withdraw_document(
        pipeline_world.scans[pipeline_world.khoa.pk], actor=personas.office_a, reason="Ghi nhầm người"
    )
    with acting(personas.office_a):
        people.record_national_db_entry([world.an.memberships.get()], on=dt.date(2025, 1, 3), actor=personas.office_a)
        people.move_membership(
            world.an.memberships.get(),
            world.cell_a2,
            on=dt.date(2025, 5, 5),
            note="Chuyển khoa",
            actor=personas.office_a,
        )
        people.end_membership(
            world.dung.memberships.get(),
            "transferred_out",
            on=dt.date(2025, 6, 6),
            external_party="Tỉnh khác",
            actor=personas.office_a,
        )
        organizations.rename(
            world.cell_a1, "Chi bộ Khoa Nội tổng hợp", on=dt.date(2025, 7, 1), reason="NQ 12", actor=personas.office_a
        )
        people.archive_person(world.binh, reason="Nghỉ hưu", actor=personas.office_a)
        CalendarOverride.objects.create(day=dt.date(2026, 11, 24), kind="work", reason="Làm bù", source="CV 1/BNV")
    targets.set_target(
        world.hospital_a,
        kind="year",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        admissions=5,
        basis="Kế hoạch 3",
        actor=personas.office_a,
    )


def test_every_kind_of_entry_the_app_writes_reads_in_words(world, personas, pipeline_world, cell, tmp_path):
    _everyday_work(world, personas, pipeline_world, tmp_path)
    rows = audit_present.present(AuditEntry.objects.all())
    assert len(rows) == AuditEntry.objects.count() > 80
    for row in rows:
        text = f"{row.action} {row.kind} {row.subject} {row.summary}"
        assert not SNAKE.search(text), (row.id, text)
        assert not ISO.search(text), (row.id, text)
        assert not re.search(r"\b(True|False|None)\b", text), (row.id, text)
        assert "." not in row.kind and row.kind[0].isupper(), row.kind
    summaries = {(row.action, row.kind, row.summary) for row in rows}

    def one(action, kind, *parts):
        found = [s for a, k, s in summaries if a == action and k == kind and all(p in s for p in parts)]
        assert found, (action, kind, parts)

    one("Nhập danh sách", "Tổ chức đảng", "Loại danh sách: Danh sách nhân sự", "Tệp: lan-2.xlsx", "Cập nhật: 1")
    one("Sửa", "Nhân sự", "Ngày sinh: 12/03/1995 → 14/03/1995", "Dân tộc: Kinh → Tày")  # an import's before/after
    one(
        "Thêm mới", "Bước phát triển đảng viên", "Bước: Đưa vào danh sách cảm tình Đảng", "Giai đoạn sau: Cảm tình Đảng"
    )
    one("Thêm mới", "Đảng viên giúp đỡ", "Đảng viên giúp đỡ: Nguyễn Văn An")
    one("Sửa", "Hồ sơ phát triển đảng viên", "Giai đoạn: Quần chúng ưu tú → Cảm tình Đảng")
    one("Rút bản ghi giấy tờ", "Giấy tờ trong hồ sơ", "Giấy tờ: Đơn xin vào Đảng (1-KNĐ)", "Bản quét: don.pdf")
    one("Đánh dấu đã nhập CSDL đảng viên", "Đảng viên", "Ngày nhập vào CSDL đảng viên: (trống) → 03/01/2025")
    one("Thêm mới", "Biến động đảng viên", "Biến động: Chuyển sinh hoạt đi", "Nơi đến / nơi đi: Tỉnh khác")
    one("Sửa", "Đảng viên", "Tình trạng: Đảng viên dự bị → Chuyển sinh hoạt đi")
    one("Sửa", "Tổ chức đảng", "Tên: Chi bộ Khoa Nội → Chi bộ Khoa Nội tổng hợp")
    one("Lưu trữ", "Nhân sự", "Lý do lưu trữ: Nghỉ hưu")
    one("Thêm mới", "Chỉ tiêu kết nạp", "Loại kỳ: Năm", "Số đảng viên kết nạp (chỉ tiêu): 5")
    one("Thêm mới", "Điều chỉnh lịch làm việc", "Ngày: 24/11/2026", "Loại: Làm bù")
    withdrawn = next(r for r in rows if r.action == "Rút bản ghi giấy tờ")
    assert withdrawn.note == "Rút bản ghi giấy tờ: Ghi nhầm người" and withdrawn.who == "vp.a"
    step = next(r for r in rows if r.kind == "Bước phát triển đảng viên")
    assert step.subject == "Đưa vào danh sách cảm tình Đảng 02/02/2024: Trần Thị Bình"
    assert "Người ghi" not in step.summary  # the entry's own who and when are not repeated


def test_unknown_fields_and_kinds_fall_back_gracefully(world):
    now = timezone.now()
    entries = [
        AuditEntry(
            id=1,
            at=now,
            action="update",
            model="registry.Person",
            object_repr="Trần Thị Bình",
            person_id=world.binh.pk,
            changes={"nickname": ["", "Bé"], "old_flag": [True, False], "seen_on": [None, "2024-01-02"]},
        ),
        AuditEntry(
            id=2, at=now, action="create", model="oldapp.Gone", object_repr="x", changes={"x": [None, {"a": 1}]}
        ),
        AuditEntry(id=3, at=now, action="event", model="registry.Person", object_repr="y", changes={"odd": "shape"}),
    ]
    first, second, third = audit_present.present(entries)
    assert first.summary == "Nickname: (trống) → Bé; Old flag: Có → Không; Seen on: (trống) → 02/01/2024"
    assert first.person_name == "Trần Thị Bình" and first.who == "Hệ thống"
    assert (second.kind, second.summary) == ("oldapp.Gone", "X: a: 1")
    assert third.summary == "Odd: shape"


def test_every_audited_field_and_kind_has_a_vietnamese_label():
    """A field added later without a verbose name would read as its English name: give it one (or a label in
    ketnap.web.auditlog)."""
    unlabelled, kinds = [], []
    for label in AUDITED:
        model = audit_present.model_for(label)
        default_kind = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__)
        if audit_present.kind_name(label).lower() == default_kind.lower():
            kinds.append(label)
        for field in model._meta.concrete_fields:
            if field.attname in SKIPPED_FIELDS or field.primary_key:  # ids are not shown
                continue
            shown = audit_present.field_label(label, field, field.attname)
            if shown.lower() == field.name.replace("_", " "):
                unlabelled.append(f"{label}.{field.name}")
    assert unlabelled == [] and kinds == []


# --- the Nhật ký page: filters ----------------------------------------------------------------------------------------
def test_filters_by_person_without_diacritics_user_kind_and_action(login, world, personas, pipeline_world):
    client = login(personas.office_a)
    edit_over_http(client, world.binh, phone="0912345678", gender="F")
    people.update_person(world.an, job_title="Phó trưởng khoa", actor=personas.admin_a)
    url = reverse("audit_list")
    rows = audit_rows(client.get(url, {"q": "tran thi binh"}))
    assert rows and {r.person_id for r in rows} == {world.binh.pk}
    assert {r.person_name for r in rows} == {"Trần Thị Bình"}
    rows = audit_rows(client.get(url, {"nguoi-dung": personas.admin_a.pk}))
    assert [(r.who, r.person_name, r.summary) for r in rows] == [
        ("quantri.a", "Nguyễn Văn An", "Chức vụ / chức danh: Trưởng khoa → Phó trưởng khoa")
    ]
    rows = audit_rows(client.get(url, {"doi-tuong": "pipeline.DossierItem"}))
    assert {r.kind for r in rows} == {"Giấy tờ trong hồ sơ"} and {r.person_name for r in rows} == {
        "Trần Thị Bình",
        "Đặng Văn Khoa",
    }
    rows = audit_rows(client.get(url, {"thao-tac": "update", "q": "binh"}))
    assert [r.summary for r in rows] == ["Điện thoại: (trống) → 0912345678"]
    rows = audit_rows(client.get(url, {"nhan-su": world.an.pk}))  # the person page's link
    assert rows and {r.person_id for r in rows} == {world.an.pk}


def test_filters_by_local_dates_typed_dd_mm_yyyy(login, world, personas):
    moments = {
        "late on the 10th": dt.datetime(2025, 3, 10, 23, 30, tzinfo=ICT),
        "just after midnight on the 11th": dt.datetime(2025, 3, 11, 0, 30, tzinfo=ICT),  # 10/03 in UTC
        "noon on the 12th": dt.datetime(2025, 3, 12, 12, 0, tzinfo=ICT),
    }
    for name, moment in moments.items():
        with mock.patch("django.utils.timezone.now", return_value=moment), acting(personas.office_a):
            people.update_person(world.binh, job_title=name, actor=personas.office_a)
    client = login(personas.office_a)
    url = reverse("audit_list")
    rows = audit_rows(client.get(url, {"tu-ngay": "11/03/2025", "den-ngay": "11/03/2025"}))
    assert [r.summary for r in rows] == ["Chức vụ / chức danh: late on the 10th → just after midnight on the 11th"]
    assert rows[0].when == "11/03/2025 00:30"
    rows = audit_rows(client.get(url, {"den-ngay": "11/03/2025"}))
    assert [r.when for r in rows] == ["11/03/2025 00:30", "10/03/2025 23:30"]
    response = client.get(url, {"tu-ngay": "32/03/2025"})
    assert "nhập theo dạng dd/mm/yyyy" in text_of(response) and audit_rows(response) == []  # no list on a bad filter
    response = client.get(url, {"tu-ngay": "12/03/2025", "den-ngay": "10/03/2025"})
    assert "Ngày cuối trước ngày đầu." in text_of(response)


def test_the_filtered_list_downloads_as_csv_and_xlsx(login, world, personas):
    client = login(personas.office_a)
    edit_over_http(client, world.binh, ethnicity=kinh().pk, gender="F")
    response = client.get(reverse("audit_list"), {"q": "binh", "thao-tac": "update", "xuat": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, *lines = table
    assert header[:4] == ["Số thứ tự trong nhật ký", "Lúc", "Người thực hiện", "Thao tác"]
    assert [{k: v for k, v in zip(header, line, strict=True) if k not in header[:2]} for line in lines] == [
        {
            "Người thực hiện": "vp.a",
            "Thao tác": "Sửa",
            "Đối tượng": "Nhân sự",
            "Mô tả": "Trần Thị Bình",
            "Nhân sự": "Trần Thị Bình",
            "Nội dung": "Dân tộc: (trống) → Kinh",
            "Ghi chú": "",
        }
    ]
    response = client.get(reverse("audit_list"), {"xuat": "xlsx"})
    assert response.status_code == 200 and response.getvalue()[:2] == b"PK"  # sent from a temporary file


# --- who reads what ---------------------------------------------------------------------------------------------------
def test_only_offices_and_admins_read_the_trail_and_see_it_in_the_menu(client, world, personas):
    nobody = f.user("khong-vai-tro")
    for user in (personas.secretary_a1, personas.secretary_b1, personas.overseer, nobody):
        client.force_login(user)
        assert client.get(reverse("audit_list")).status_code == 404
        assert reverse("audit_list") not in client.get(reverse("home")).content.decode()
    for user in (personas.office_a, personas.admin_a, personas.superuser):
        client.force_login(user)
        assert client.get(reverse("audit_list")).status_code == 200
        assert f'href="{reverse("audit_list")}"' in client.get(reverse("home")).content.decode()


def _b_markers(world, pipeline_world):
    yen = pipeline_world.yen.person
    return [
        world.outsider.full_name,
        world.outsider.citizen_id,
        yen.full_name,
        yen.citizen_id,
        world.hospital_b.name,
        world.cell_b1.name,
        world.unit_b.name,
        world.dept_b1.name,
        "bithu.b1",
    ]


def _every_page(client, params=None) -> str:
    """The whole filtered list, page after page by the pages' own links, as read, plus its CSV."""
    texts = []
    response = client.get(reverse("audit_list"), params or {})
    while True:
        texts.append(text_of(response))
        if not response.context["page"].has_next:
            break
        response = client.get(f"{reverse('audit_list')}?{response.context['page'].links['next']}")
    download = client.get(reverse("audit_list"), {**(params or {}), "xuat": "csv"})
    texts.append(b"".join(download.streaming_content).decode("utf-8-sig"))
    return "\n".join(texts)


def test_an_office_reads_nothing_of_the_other_hospital(login, world, personas, pipeline_world, office_b):
    with acting(office_b):
        people.update_person(world.outsider, job_title="Nữ hộ sinh trưởng", actor=office_b)
        CalendarOverride.objects.create(day=dt.date(2026, 11, 24), kind="work", reason="Làm bù B", source="CV 9")
    with acting(personas.office_a):
        people.update_person(world.binh, job_title="Điều dưỡng", actor=personas.office_a)
        CalendarOverride.objects.create(day=dt.date(2026, 12, 26), kind="work", reason="Làm bù A", source="CV 8")
    # every entry the office reads concerns a person of hospital A, or an object of A, or is its own action
    a_people = set(
        Person.objects.filter(organization__path__startswith=world.hospital_a.path).values_list("pk", flat=True)
    )
    visible = list(Scope(personas.office_a).audit_entries())
    assert {e.person_id for e in visible if e.person_id} == a_people
    assert {e.model for e in visible if not e.person_id} >= {"registry.Organization", "registry.WorkUnit"}
    client = login(personas.office_a)
    everything = _every_page(client)
    assert "Bệnh viện A" in everything and "Trần Thị Bình" in everything and "Làm bù A" in everything
    for marker in [*_b_markers(world, pipeline_world), "Nữ hộ sinh trưởng", "Làm bù B"]:
        assert marker not in everything, marker
    # nor by asking for them
    assert audit_rows(client.get(reverse("audit_list"), {"q": "pham thi xuyen"})) == []
    response = client.get(reverse("audit_list"), {"nhan-su": world.outsider.pk})
    assert audit_rows(response) == [] and world.outsider.full_name not in response.content.decode()
    # the other office reads its own hospital, not A
    client = login(office_b)
    everything = _every_page(client)
    assert "Nữ hộ sinh trưởng" in everything and "Làm bù B" in everything
    assert "Trần Thị Bình" not in everything and "Làm bù A" not in everything and "Bệnh viện A" not in everything


def test_a_person_who_moves_to_the_other_hospital_takes_their_trail_along(login, world, personas, office_b):
    client = login(personas.office_a)
    edit_over_http(client, world.binh, phone="0912345678", gender="F")  # the office's own action
    people.change_work_unit(world.binh, world.dept_b1, on=dt.date(2026, 1, 5), actor=SYSTEM)
    assert "Trần Thị Bình" not in _every_page(client)
    assert "Điện thoại: (trống) → 0912345678" in _every_page(login(office_b))


# --- costs ------------------------------------------------------------------------------------------------------------
def _queries(client, url, params=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries), response


def test_query_count_does_not_grow_with_the_rows_shown(login, world, personas):
    client = login(personas.office_a)
    religion = CodeItem.objects.filter(kind="religion").first()
    people.update_person(world.binh, ethnicity=kinh(), religion=religion, actor=personas.office_a)
    few, response = _queries(client, reverse("audit_list"), {"doi-tuong": "registry.Person", "q": "binh"})
    assert len(audit_rows(response)) == 2
    for i in range(30):
        person = f.person(world.dept_a1, f"Ngô Văn Tâm{'x' * i}")
        people.update_person(person, ethnicity=kinh(), religion=religion, phone=f"09{i:08d}", actor=personas.office_a)
    many, response = _queries(client, reverse("audit_list"), {"doi-tuong": "registry.Person", "q": "ngo van tam"})
    assert len(audit_rows(response)) == 50
    assert many == few <= 16
    unsearched, response = _queries(client, reverse("audit_list"), {"doi-tuong": "registry.Person"})
    assert len(audit_rows(response)) == 50 and unsearched <= many
    # the person page's change log: 3 entries or 53, the same queries
    page_few, _ = _queries(client, reverse("person_detail", args=[world.an.pk]))
    for i in range(50):
        people.update_person(world.an, phone=f"09{i:08d}", actor=personas.office_a)
    page_many, response = _queries(client, reverse("person_detail", args=[world.an.pk]))
    assert len(response.context["audit"]) == 50 and response.context["audit_more"]
    assert page_many <= page_few  # (fewer kinds of object named on the 50 newest: fewer queries)


# --- a phone ----------------------------------------------------------------------------------------------------------
LONG_EMAIL = "nguyen.thi.binh.dieu.duong.truong.khoa.hoi.suc.tich.cuc.chong.doc@benhviendakhoatinh.quangninh.gov.vn"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_long_change_log_fits_a_phone(page, live_server, world, personas):
    from tests.test_browser_pipeline import log_in

    for i in range(12):  # long values only the log still shows: the record now has a short address
        people.update_person(
            world.binh, email=f"{i}.{LONG_EMAIL}", job_title=f"Điều dưỡng {i}", actor=personas.office_a
        )
    people.update_person(world.binh, email="binh@bv.vn", actor=personas.office_a)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "vp.a")
    page.goto(f"{live_server.url}/nhan-su/{world.binh.pk}/")
    assert page.locator(".audit-log li", has_text=LONG_EMAIL).count() >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/nhat-ky/?q=binh")
    assert page.locator(".audit-log li", has_text=LONG_EMAIL).count() >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_admin_list_speaks_vietnamese_too(login, world, personas):
    response = login(personas.superuser).get(reverse("admin:audit_auditentry_changelist"))
    page = text_of(response)
    assert response.status_code == 200
    assert "Lúc" in page and "Thao tác" in page and "Đối tượng" in page and "Actor name" not in page
    assert "Thêm mới" in page and "Nhân sự" in page
