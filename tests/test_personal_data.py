"""Issue #13, personal data: the data subject's export, the retention purge, the privacy notice."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from ketnap.audit.context import acting
from ketnap.audit.models import AuditEntry
from ketnap.registry.models import Assignment, Person, Preferences
from ketnap.registry.services import people, retention
from ketnap.stats import pool
from tests import factories as f
from tests.test_exports import pdf_text

pytestmark = pytest.mark.django_db

SHEETS = [
    "Về bản trích xuất này",
    "Nhân thân và liên hệ",
    "Quá trình công tác",
    "Đảng viên",
    "Biến động đảng viên",
    "Phát triển đảng viên",
    "Các bước phát triển đảng viên",
    "Giấy tờ trong hồ sơ",
    "Người giới thiệu",
    "Đảng viên giúp đỡ",
    "Nhận xét của đảng viên giúp đỡ",
    "Nhật ký thay đổi",
    "Nhật ký truy cập (ai đã xem dữ liệu)",
]


def _url(person, fmt):
    return f"/nhan-su/{person.pk}/du-lieu-ca-nhan.{fmt}"


def _sheet_text(book, name) -> str:
    return "\n".join(
        " | ".join("" if v is None else str(v) for v in row) for row in book[name].iter_rows(values_only=True)
    )


# --- the data subject's export -------------------------------------------------------------------------------------
def test_export_xlsx_holds_every_section_of_a_candidate(world, personas, login, pipeline_world):
    binh = world.binh
    response = login(personas.office_a).get(_url(binh, "xlsx"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [name[:31] for name in SHEETS]
    identity = _sheet_text(book, "Nhân thân và liên hệ")
    assert "Họ | Trần" in identity and "Tên | Bình" in identity
    assert f"Số CCCD | {binh.citizen_id}" in identity
    assert "Ngày sinh | 17/05/1990" in identity
    papers = _sheet_text(book, "Giấy tờ trong hồ sơ")
    scan = pipeline_world.scans[pipeline_world.bình.pk].scan.name
    assert "Có bản quét: " in papers and scan in papers  # the list, and where the scan is kept; not its bytes
    assert "Đơn xin vào Đảng" in papers
    candidacy = _sheet_text(book, "Phát triển đảng viên")
    assert "Từ 08/01/2024 | Ngày đưa vào nguồn | 08/01/2024" in candidacy
    trail = _sheet_text(book, "Nhật ký thay đổi")
    assert "Trích xuất toàn bộ dữ liệu cá nhân (.xlsx)" in trail  # the export is itself in the trail it exports


def test_export_is_audited_with_who_and_whose(world, personas, login):
    login(personas.office_a).get(_url(world.binh, "xlsx"))
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.actor, entry.person_id, entry.action) == (personas.office_a, world.binh.pk, "event")
    assert entry.note == "Trích xuất toàn bộ dữ liệu cá nhân (.xlsx) theo yêu cầu của chủ thể dữ liệu"


def test_export_of_a_member_lists_memberships_and_events(world, personas, login):
    book = openpyxl.load_workbook(io.BytesIO(login(personas.admin_a).get(_url(world.an, "xlsx")).content))
    members = _sheet_text(book, "Đảng viên")
    assert "Lần 1 | Ngày quyết định kết nạp | 01/03/2018" in members
    assert "Biến động đảng viên" in book.sheetnames
    history = _sheet_text(book, "Quá trình công tác")
    assert "Khoa Nội" in history


def test_export_pdf_is_vietnamese_text(world, personas, login, tmp_path):
    response = login(personas.office_a).get(_url(world.binh, "pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "DỮ LIỆU CÁ NHÂN CỦA TRẦN THỊ BÌNH" in text
    for heading in ("Nhân thân và liên hệ", "Quá trình công tác", "Nhật ký thay đổi"):
        assert heading in text
    assert "17/05/1990" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office_a", 200),
        ("admin_a", 200),
        ("superuser", 200),
        ("secretary_a1", 404),
        ("secretary_b1", 404),
        ("overseer", 404),
    ],
)
def test_who_may_export(world, personas, login, who, status):
    client = login(getattr(personas, who))
    assert client.get(_url(world.binh, "xlsx")).status_code == status
    page = client.get(f"/nhan-su/{world.binh.pk}/")
    assert (_url(world.binh, "xlsx") in page.content.decode()) == (status == 200)


def test_export_unknown_format_is_404(world, personas, login):
    assert login(personas.office_a).get(_url(world.binh, "csv")).status_code == 404


# --- retention -----------------------------------------------------------------------------------------------------
def _leaver(world, name, *, left, born=dt.date(1995, 6, 15), **fields):
    person = f.person(world.dept_a1, name, born=born, phone="0912345678", email="x@benhvien.vn", **fields)
    people.update_person(person, left_on=left)  # the registry ends the assignment on that day
    assert Assignment.objects.get(person=person).valid_to == left
    return person


def test_who_is_due_for_purge(world, pipeline_world):
    today = dt.date(2026, 12, 1)
    old = _leaver(world, "Đỗ Văn Cũ", left=dt.date(2019, 6, 30))
    recent = _leaver(world, "Hồ Thị Mới", left=dt.date(2022, 6, 30))  # inside 60 months
    people.update_person(world.an, left_on=dt.date(2019, 6, 30))  # a member: never purged
    people.update_person(world.binh, left_on=dt.date(2019, 6, 30))  # a candidate: never purged
    archived = f.person(world.dept_a1, "Lý Thị Lưu")
    people.archive_person(archived, reason="chuyển công tác")
    Person.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2020, 1, 5, tzinfo=dt.UTC))
    assert set(retention.expired(on=today, months=60)) == {old, archived}
    assert set(retention.expired(on=today, months=36)) == {old, archived, recent}


def test_purge_strips_identity_keeps_statistics_and_audits_without_values(world, personas):
    leaver = _leaver(world, "Đỗ Văn Cũ", left=dt.date(2019, 6, 30), staff_code="NV-77", job_title="Điều dưỡng")
    past = [dt.date(2017, 3, 1), dt.date(2019, 6, 1), dt.date(2025, 6, 10)]
    before = [_figures(world, d) for d in past]
    old_values = [leaver.full_name, leaver.citizen_id, "0912345678", "NV-77", "Điều dưỡng", "1995-06-15"]
    last_entry = AuditEntry.objects.order_by("-id").first().pk

    out = io.StringIO()
    call_command("purge-expired", "--dry-run", "--today", "01/12/2026", stdout=out)
    assert "Đỗ Văn Cũ" in out.getvalue() and "1 người" in out.getvalue() and "Chạy thử" in out.getvalue()
    assert Person.objects.get(pk=leaver.pk).purged_at is None

    call_command("purge-expired", "--today", "01/12/2026", stdout=io.StringIO())
    purged = Person.objects.get(pk=leaver.pk)
    assert purged.full_name == f"Đã Xóa Dữ Liệu #{leaver.pk}"
    assert (purged.citizen_id, purged.phone, purged.email, purged.staff_code, purged.job_title) == (
        None,
        "",
        "",
        "",
        "",
    )
    assert purged.birth_date == dt.date(1995, 1, 1)  # year only: 30 after the last day on the staff
    assert purged.purged_at is not None and purged.archived_at is not None
    assert list(purged.assignments.values_list("job_title", flat=True)) == [""]
    assert [_figures(world, d) for d in past] == before

    new = list(AuditEntry.objects.filter(pk__gt=last_entry).order_by("id"))
    assert [(e.person_id, e.action) for e in new] == [(leaver.pk, "event"), (None, "event")]
    assert "Xóa dữ liệu cá nhân: hết thời hạn lưu trữ 60 tháng sau ngày thôi việc 30/06/2019" in new[0].note
    assert "1 người" in new[1].note
    for entry in new:
        written = f"{entry.object_repr} {entry.changes} {entry.note}"
        assert not [value for value in old_values if value in written]
    assert AuditEntry.objects.filter(pk__gt=last_entry).count() == 2
    call_command("purge-expired", "--today", "01/12/2026", stdout=io.StringIO())  # nobody twice
    assert AuditEntry.objects.filter(pk__gt=last_entry).count() == 2


def _figures(world, day):
    """Every past-day figure the staff feed: members' share, by unit, the source pool and its profile, the tree."""
    tables = [
        pool.member_share(world.province, day),
        pool.unit_share(world.province, day),
        *pool.pool_profile(world.province, day),
    ]
    return [[row.values for row in table.rows] for table in tables], _counts(world, day)


def _counts(world, day):
    from ketnap.registry import indicators

    return [
        (n.org_id, n.totals.staff, n.totals.staff_members)
        for n in indicators.flatten(indicators.tree_on_day([world.province], day))
    ]


def test_purge_respects_the_configured_period(world):
    leaver = _leaver(world, "Đỗ Văn Cũ", left=dt.date(2019, 6, 30))
    prefs = Preferences.current()
    prefs.retention_months = 120
    with acting(None):
        prefs.save()
    call_command("purge-expired", "--today", "01/12/2026", stdout=io.StringIO())
    assert Person.objects.get(pk=leaver.pk).purged_at is None


def test_coarse_birth_date_keeps_the_month_when_the_year_would_move_a_figure(world):
    # 30 on 15/06/2025; on the staff until 10/03/2025: 01/01/1995 would make them 30 from 01/01/2025 — too early
    person = _leaver(world, "Đỗ Văn Tháng", left=dt.date(2025, 3, 10))
    assert retention.coarse_birth_date(person) == dt.date(1995, 6, 1)


# --- the privacy notice --------------------------------------------------------------------------------------------
def test_notice_is_public_and_shows_the_configured_values(client, db):
    prefs = Preferences.current()
    prefs.retention_months = 36
    prefs.privacy_contact = "Văn phòng Đảng ủy, phòng 203 nhà A"
    with acting(None):
        prefs.save()
    response = client.get("/bao-mat/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Thông báo xử lý dữ liệu cá nhân</h1>" in html
    assert re.search(r'id="thoi-han">36 tháng sau ngày thôi việc \(3 năm\)', html)
    assert "Văn phòng Đảng ủy, phòng 203 nhà A" in html
    for part in (
        "Căn cứ xử lý",
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15",
        "Dữ liệu cá nhân nhạy cảm",
        "Quyền của anh/chị",
    ):
        assert part in html


def test_notice_text_is_the_admins(client, db):
    prefs = Preferences.current()
    prefs.privacy_notice = "# Mục riêng\nNội dung do quản trị viết <b>đậm</b>."
    with acting(None):
        prefs.save()
    html = client.get("/bao-mat/").content.decode()
    assert "<h2>Mục riêng</h2>" in html and "Nội dung do quản trị viết &lt;b&gt;đậm&lt;/b&gt;." in html
    assert "Căn cứ xử lý" not in html


def test_notice_is_linked_from_the_login_page_and_every_page(client, world, personas, login):
    assert 'href="/bao-mat/"' in client.get("/dang-nhap/").content.decode()
    assert 'href="/bao-mat/"' in login(personas.office_a).get("/").content.decode()


def test_admin_edits_the_notice_in_quan_tri(world, personas, login):
    html = login(personas.superuser).get("/quan-tri/registry/preferences/add/").content.decode()
    assert 'name="privacy_notice"' in html and "Căn cứ xử lý" in html  # the default text, ready to edit
    assert 'name="retention_months"' in html and 'value="60"' in html
