"""Issue #13, personal data: the data subject's export, the retention purge, the privacy notice."""

import datetime as dt
import io
import json
import re
from urllib.parse import quote_plus

import openpyxl
import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from ketnap.audit.context import SYSTEM, acting
from ketnap.audit.models import AuditEntry
from ketnap.audit.redaction import REDACTION_MODEL
from ketnap.privacy import readlog
from ketnap.privacy.models import ReadEntry, ReadKind
from ketnap.registry.models import Assignment, CodeItem, Person, Preferences
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
    assert f"Có bản quét (lưu trong ketnap, tệp {scan})" in papers  # the list and the scan's name; not its bytes
    assert str(settings.MEDIA_ROOT) not in papers  # nor the server's directories
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


def test_export_says_its_legal_basis_sensitivity_and_the_other_rights(world, personas, login):
    """Luật 91/2025/QH15 Điều 4 khoản 1 điểm a, c, d (know, view, ask for one's data) and Điều 15 khoản 2 điểm a (the
    controller gives it to the subject on request) are the export's basis; khoản 3 Điều 2 makes ethnicity, religion
    and the road into the Party sensitive data; the other rights of Điều 4 khoản 1 (Điều 10, 13, 14) and where to send
    a request close the first sheet."""
    prefs = Preferences.current()
    prefs.privacy_contact = "Văn phòng Đảng ủy, phòng 203 nhà A"
    with acting(None):
        prefs.save()
    book = openpyxl.load_workbook(io.BytesIO(login(personas.office_a).get(_url(world.binh, "xlsx")).content))
    about = _sheet_text(book, "Về bản trích xuất này")
    assert "điểm a, c, d khoản 1 Điều 4" in about and "điểm a khoản 2 Điều 15" in about
    assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in about
    assert "Dữ liệu nhạy cảm | " in about and "khoản 3 Điều 2 của Luật" in about
    rights = next(line for line in about.splitlines() if line.startswith("Quyền khác | "))
    for part in ("chỉnh sửa dữ liệu sai (Điều 13)", "xóa (Điều 14)", "hạn chế", "(Điều 10)", "phản đối", "khiếu nại"):
        assert part in rights, part
    assert rights.endswith("Gửi yêu cầu bằng văn bản đến: Văn phòng Đảng ủy, phòng 203 nhà A")


def test_export_shows_what_the_rules_said_about_a_step(world, personas, login, pipeline_world):
    """Luật 91/2025/QH15 Điều 4 khoản 1 điểm a, c: the subject knows and views the data processed about them; the
    findings ketnap keeps on a step (what the rules said when it was recorded) are such data, so the export shows
    them in words, with the reason when a step was accepted despite a rule."""
    from ketnap.pipeline.models import Step

    Step.objects.create(  # as the pipeline keeps it; written directly, the rules are not what is tested here
        candidate=pipeline_world.bình,
        kind="sympathise",
        on=dt.date(2024, 3, 1),
        stage_before="source",
        stage_after="sympathiser",
        findings=[
            {"code": "age", "severity": "block", "message": "Chưa đủ 18 tuổi", "source": "QĐ 294 §1.1.1"},
            {
                "code": "course",
                "severity": "block",
                "message": "Giấy chứng nhận đã hết hạn",
                "source": "HD 06 §5.4",
                "accepted_reason": "học lại tháng 3",
            },
        ],
    )
    book = openpyxl.load_workbook(io.BytesIO(login(personas.office_a).get(_url(world.binh, "xlsx")).content))
    steps = _sheet_text(book, "Các bước phát triển đảng viên")
    assert "| Kết quả đối chiếu quy định khi ghi nhận" in steps  # a column of its own
    assert (
        "Chưa đủ 18 tuổi (QĐ 294 §1.1.1); Giấy chứng nhận đã hết hạn (HD 06 §5.4) — được chấp nhận, lý do: học lại "
        "tháng 3" in steps
    )
    assert "'severity'" not in steps  # words, not the stored JSON


# --- retention -----------------------------------------------------------------------------------------------------
def _leaver(world, name, *, left, born=dt.date(1995, 6, 15), **fields):
    person = f.person(world.dept_a1, name, born=born, phone="0912345678", email="x@benhvien.vn", **fields)
    people.update_person(person, left_on=left, actor=SYSTEM)  # the registry ends the assignment on that day
    assert Assignment.objects.get(person=person).valid_to == left
    return person


def test_who_is_due_for_purge(world, pipeline_world):
    today = dt.date(2026, 12, 1)
    old = _leaver(world, "Đỗ Văn Cũ", left=dt.date(2019, 6, 30))
    recent = _leaver(world, "Hồ Thị Mới", left=dt.date(2022, 6, 30))  # inside 60 months
    people.update_person(world.an, left_on=dt.date(2019, 6, 30), actor=SYSTEM)  # a member: never purged
    people.update_person(world.binh, left_on=dt.date(2019, 6, 30), actor=SYSTEM)  # a candidate: never purged
    archived = f.person(world.dept_a1, "Lý Thị Lưu")
    people.archive_person(archived, reason="chuyển công tác", actor=SYSTEM)
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
    assert [(e.person_id, e.action, e.model) for e in new] == [
        (leaver.pk, "event", REDACTION_MODEL),  # the entries before the purge emptied (ketnap.audit.redaction)
        (leaver.pk, "event", "registry.Person"),
        (None, "event", "registry.Preferences"),
    ]
    assert "hết thời hạn lưu trữ 60 tháng sau ngày thôi việc 30/06/2019" in new[0].note
    assert "Xóa dữ liệu cá nhân: hết thời hạn lưu trữ 60 tháng sau ngày thôi việc 30/06/2019" in new[1].note
    assert "1 người" in new[2].note
    for entry in new:
        written = f"{entry.object_repr} {entry.changes} {entry.note}"
        assert not [value for value in old_values if value in written]
    assert AuditEntry.objects.filter(pk__gt=last_entry).count() == 3
    call_command("purge-expired", "--today", "01/12/2026", stdout=io.StringIO())  # nobody twice
    assert AuditEntry.objects.filter(pk__gt=last_entry).count() == 3


@pytest.fixture
def data_dir(settings, tmp_path):
    """A data directory of the test's own (audit key, anchors), set before the world writes its first entry."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def _dump() -> str:
    """Every audit and read-log row, every column, as JSON (serialised twice: the model's fields and the raw values)."""
    rows = [*AuditEntry.objects.order_by("id"), *ReadEntry.objects.order_by("id")]
    raw = [*AuditEntry.objects.order_by("id").values(), *ReadEntry.objects.order_by("id").values()]
    return serializers.serialize("json", rows, ensure_ascii=False) + json.dumps(raw, default=str, ensure_ascii=False)


def _query(**params) -> str:
    """A filter as a view stores it in the read log (request.GET.urlencode())."""
    query = QueryDict(mutable=True)
    query.update(params)
    return query.urlencode()


def test_after_a_purge_no_audit_or_read_log_row_holds_the_persons_values_and_the_trail_verifies(
    data_dir, world, personas, login
):
    name, cccd = "Đỗ Văn Cũ", "001095012345"
    leaver = f.person(
        world.dept_a1,
        name,
        born=dt.date(1995, 6, 15),
        citizen_id=cccd,
        phone="0912345678",
        email="do.van.cu@benhvien.vn",
        staff_code="NV-7788",
        job_title="Điều dưỡng hạng IV",
    )
    religion = CodeItem.objects.filter(kind="religion").first()
    ethnicity = CodeItem.objects.get(kind="ethnicity", name="Kinh")
    people.update_person(leaver, ethnicity=ethnicity, religion=religion, phone="0987654321", actor=personas.office_a)
    people.update_person(leaver, left_on=dt.date(2019, 6, 30), actor=personas.office_a)
    client = login(personas.office_a)
    assert client.get(reverse("person_detail", args=[leaver.pk])).status_code == 200  # a read, as the page logs it
    readlog.record(personas.office_a, ReadKind.DOWNLOAD, what="Danh sách nhân sự (xlsx)", query=_query(q=name))
    readlog.record(personas.office_a, ReadKind.DOWNLOAD, what="Danh sách nhân sự (csv)", query=_query(q="do van cu"))
    readlog.record(personas.office_a, ReadKind.DOWNLOAD, what="Nhật ký thay đổi (csv)", query=_query(q=cccd))
    readlog.record(personas.office_a, ReadKind.DOWNLOAD, person_id=leaver.pk, what="Ly-lich_do-van-cu.docx")
    other = readlog.record(personas.office_a, ReadKind.DOWNLOAD, what="Danh sách A (xlsx)", query=_query(q="binh"))
    about = set(AuditEntry.objects.filter(person_id=leaver.pk).values_list("pk", flat=True))
    before = _dump()
    values = [
        name,
        "do+van+cu",
        "do-van-cu",
        quote_plus(name),
        cccd,
        cccd[-6:],
        "0912345678",
        "0987654321",
        "do.van.cu@benhvien.vn",
        "NV-7788",
        "Điều dưỡng hạng IV",
        "1995-06-15",
    ]
    assert [v for v in values if v not in before] == []  # the test sees them before the purge
    values += ["do van cu", "15/06/1995", "Đỗ Văn"]

    out = io.StringIO()
    call_command("purge-expired", "--today", "01/12/2026", stdout=out)
    assert "xóa nội dung" in out.getvalue() and "Bản sao lưu trước hôm nay vẫn còn dữ liệu cũ" in out.getvalue()

    after = _dump()
    assert [v for v in values if v in after] == []
    emptied = AuditEntry.objects.filter(pk__in=about)
    assert [(e.redacted, e.object_repr, e.changes, e.note, e.payload_salt) for e in emptied] == [
        (True, "", {}, "", "")
    ] * len(about)
    assert all(len(e.payload_digest) == 64 for e in emptied)  # kept: the chain holds
    assert ReadEntry.objects.get(pk=other.pk).query == "q=binh"  # someone else's read is left alone
    assert ReadEntry.objects.filter(person_id=leaver.pk).count() == 2  # the rows stay: who read, when

    verified = io.StringIO()
    call_command("audit", "verify", stdout=verified)  # no SystemExit: the trail verifies
    assert "Nhật ký nguyên vẹn" in verified.getvalue()
    assert f"Lưu ý: {len(about)} mục đã xóa nội dung theo thời hạn lưu trữ" in verified.getvalue()

    # the change log reads the emptied entries as such, the page and its download
    page = login(personas.superuser).get(reverse("audit_list")).content.decode()
    assert "(đã xóa theo thời hạn lưu trữ)" in page and name not in page
    assert "Xóa nội dung nhật ký theo thời hạn lưu trữ" in page and f"{len(about)} mục, từ #" in page
    csv = b"".join(login(personas.superuser).get(reverse("audit_list"), {"xuat": "csv"}).streaming_content)
    assert "(đã xóa theo thời hạn lưu trữ)" in csv.decode("utf-8-sig") and name not in csv.decode("utf-8-sig")


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
        "Quyền và nghĩa vụ của anh/chị",
    ):
        assert part in html


def _notice(client) -> str:
    return client.get("/bao-mat/").content.decode()


def test_notice_names_the_controller_purpose_and_kinds_of_data(client, db):
    """Luật 91/2025/QH15 Điều 9 khoản 2: a consent counts only if the subject knows the kinds of data and the purpose
    (điểm a) and who controls them (điểm b); the party committee decides the purpose and means and processes the data
    itself, which is a "bên kiểm soát và xử lý dữ liệu cá nhân" (Điều 2 khoản 9); Điều 3 khoản 2: processing only
    for a specific, clear purpose."""
    html = _notice(client)
    assert "là bên kiểm soát và xử lý dữ liệu cá nhân" in html
    assert "(khoản 9 Điều 2 Luật Bảo vệ dữ liệu cá nhân)" in html
    assert "Dữ liệu chỉ được xử lý đúng mục đích này (khoản 2 Điều 3 của Luật)" in html
    assert "<h2>Những dữ liệu được lưu</h2>" in html and "Dữ liệu cá nhân cơ bản" in html


def test_notice_states_the_legal_basis_with_its_articles(client, db):
    """Luật 91/2025/QH15 Điều 11 khoản 2 (Party bodies may analyse and aggregate personal data for their leadership
    work), Điều 9 and Điều 11 khoản 1 (consent is the rule) and Điều 19 (the cases needing no consent); the
    implementing decree is Nghị định số 356/2025/NĐ-CP, cited by number only (its articles were not read in its
    own text)."""
    html = _notice(client)
    assert "Nghị định số 356/2025/NĐ-CP" in html
    assert "(khoản 2 Điều 11 của Luật)" in html
    assert "cần sự đồng ý của anh/chị (Điều 9, khoản 1 Điều 11 của Luật)" in html
    assert "không cần sự đồng ý tại Điều 19 của Luật" in html
    assert "Nghị định 13/2023" not in html and "13/2023/NĐ-CP" not in html  # the old decree is not a basis


def test_notice_says_which_data_are_sensitive(client, db):
    """Luật 91/2025/QH15 Điều 2 khoản 3 defines sensitive personal data by a list the Government issues (Nghị định số
    356/2025/NĐ-CP: ethnic origin; political views, religion). Ethnicity and religion are on it; party membership is
    not named, and ketnap says it treats it as sensitive because it shows political views."""
    html = _notice(client)
    assert "Dữ liệu cá nhân nhạy cảm (khoản 3 Điều 2 của Luật" in html
    sensitive = next(line for line in html.splitlines() if "Dữ liệu cá nhân nhạy cảm (khoản 3 Điều 2" in line)
    for part in ("dân tộc, tôn giáo", "việc là đảng viên", "con đường vào Đảng", "vì cho thấy quan điểm chính trị"):
        assert part in sensitive, part


def test_notice_lists_every_right_and_duty_of_article_4(client, db):
    """Luật 91/2025/QH15 Điều 4 khoản 1 điểm a–e (know; consent or not, withdraw; view, correct; ask for, delete,
    restrict, object; complain, sue, compensation; ask for protection measures) and khoản 2 (the subject's duties),
    with Điều 10, 13, 14, 15 for how each is carried out and Điều 19 for the cases the requests do not reach."""
    html = _notice(client)
    assert "<h2>Quyền và nghĩa vụ của anh/chị (Điều 4 của Luật)</h2>" in html
    for part in (
        "Được biết về việc xử lý dữ liệu cá nhân của mình (điểm a khoản 1)",
        "yêu cầu rút lại sự đồng ý (điểm b khoản 1)",
        "yêu cầu chỉnh sửa dữ liệu sai (điểm c khoản 1, Điều 13)",
        "(điểm d khoản 1, điểm a khoản 2 Điều 15)",
        "yêu cầu hạn chế xử lý (Điều 10)",
        "yêu cầu xóa dữ liệu (Điều 14)",
        "gửi yêu cầu phản đối xử lý dữ liệu (điểm d khoản 1)",
        "không áp dụng cho các trường hợp tại Điều 19 của Luật (khoản 1 Điều 10, khoản 2 Điều 14)",
        "(khoản 3 Điều 13, khoản 5 Điều 14)",
        "Khiếu nại, tố cáo, khởi kiện, yêu cầu bồi thường thiệt hại",
        "(điểm đ, điểm e khoản 1)",
        "Nghĩa vụ: tự bảo vệ dữ liệu cá nhân của mình",
        "cung cấp đầy đủ, chính xác dữ liệu cá nhân của mình theo quy định (khoản 2)",
    ):
        assert part in html, part


def test_notice_gives_the_response_duty_and_deadline(client, db):
    """Luật 91/2025/QH15 Điều 4 khoản 5: the controller carries out a request in time, within the period the law sets,
    which the Government details; Nghị định số 356/2025/NĐ-CP: an answer within 02 working days of receipt (the
    decree's article number not confirmed: cited by the decree's number); Điều 10 khoản 2: requests in writing,
    electronic included."""
    html = _notice(client)
    assert "<h2>Gửi yêu cầu và thời hạn trả lời</h2>" in html
    assert "bằng văn bản, kể cả dạng điện tử (khoản 2 Điều 10 của Luật)" in html
    assert "(khoản 5 Điều 4 của Luật)" in html
    assert "phản hồi trong 02 ngày làm việc kể từ ngày nhận yêu cầu" in html
    assert "thời hạn luật định" not in html  # the old, empty promise


def test_notice_states_the_breach_duty_and_the_protection_staff(client, db):
    """Luật 91/2025/QH15 Điều 23 khoản 1–2: a breach that may harm defence, security, order or the subject's life,
    health, honour, dignity or property is notified to the specialised agency (of the Ministry of Public Security,
    Điều 33 khoản 1 điểm a) at the latest 72 hours after it is found, with a record; Điều 33 khoản 2: an organisation
    designates data protection staff; Điều 3 khoản 4 and Điều 37 khoản 1 điểm c: protection measures."""
    html = _notice(client)
    assert "<h2>Bảo vệ dữ liệu và khi có sự cố</h2>" in html
    assert (
        "cơ quan chuyên trách bảo vệ dữ liệu cá nhân thuộc Bộ Công an chậm nhất là 72 giờ kể từ khi phát hiện" in html
    )
    assert "(khoản 1, khoản 2 Điều 23 của Luật)" in html
    assert "(khoản 2 Điều 33 của Luật)" in html
    assert "(khoản 4 Điều 3, điểm c khoản 1 Điều 37 của Luật)" in html


def test_notice_says_how_long_data_are_kept(client, db, settings):
    """Luật 91/2025/QH15 Điều 3 khoản 3 (kept as long as the purpose needs) and Điều 14 khoản 1 điểm c (deleted when
    the storage period ends); Điều 14 khoản 5 (what cannot be deleted for a legitimate reason — a backup made before —
    is told to the subject). The read log's period is shown beside the leavers' one."""
    settings.KETNAP_READ_LOG_MONTHS = 18
    html = _notice(client)
    assert "(khoản 3 Điều 3 của Luật)" in html and "(điểm c khoản 1 Điều 14)" in html
    assert "văn phòng cấp ủy thông báo để anh/chị biết (khoản 5 Điều 14 của Luật)" in html
    assert re.search(r'id="nhat-ky-truy-cap">18 tháng<', html)


def test_notice_cites_only_articles_read_in_the_law(db):
    """Luật 91/2025/QH15 has 39 articles (Điều 38 hiệu lực, Điều 39 chuyển tiếp). The notice cites only the articles
    whose wording was read (ketnap.registry.privacy_notice says where), and no article of Nghị định số
    356/2025/NĐ-CP."""
    from ketnap.registry.privacy_notice import DEFAULT_PRIVACY_NOTICE

    text = " ".join(DEFAULT_PRIVACY_NOTICE.split())
    cited = {int(n) for n in re.findall(r"Điều (\d+)", text)}
    assert cited <= {2, 3, 4, 7, 9, 10, 11, 13, 14, 15, 19, 23, 33, 37}, cited
    assert not re.search(r"Điều \d+ Nghị định|Điều \d+ của Nghị định", text)


def test_an_unedited_earlier_default_follows_the_new_one(client, db, monkeypatch):
    """An installation that saved its settings stored the default text of that day; while nobody edited it, the page
    shows the current default (with the Law's articles, Luật 91/2025/QH15 Điều 4 khoản 1 điểm a: the right to know),
    whatever line ends the admin form posted. An edited text stays the admin's."""
    from ketnap.registry import privacy_notice

    old = "# Căn cứ xử lý\nLuật Bảo vệ dữ liệu cá nhân.\n"
    monkeypatch.setattr(privacy_notice, "RETIRED_DEFAULTS", frozenset({privacy_notice._fingerprint(old)}))
    prefs = Preferences.current()
    prefs.privacy_notice = old.replace("\n", "\r\n")
    with acting(None):
        prefs.save()
    assert "(khoản 2 Điều 11 của Luật)" in _notice(client)
    prefs.privacy_notice = old + "Đã sửa."
    with acting(None):
        prefs.save()
    assert "(khoản 2 Điều 11 của Luật)" not in _notice(client)


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
