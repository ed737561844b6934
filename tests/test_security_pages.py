"""Trust (issue #13): the admin's login unlock, changing one's own password, a 403 logged as one line, the CSRF
failure page in Vietnamese, a scan stored under the type found in its bytes."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ketnap.audit.models import AuditEntry
from ketnap.pipeline.models import DossierItem
from ketnap.stats.models import Target
from tests.conftest import PDF
from tests.factories import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_administrator_unlocks_a_locked_login(world, personas, client, caplog):
    for n in range(5):
        _log_in(client, "vp.a", f"sai-{n}")
    assert _log_in(client, "vp.a").status_code == 429  # locked, right password or not
    admin = Client()
    admin.force_login(personas.superuser)
    changelist = reverse("admin:auth_user_changelist")
    assert "Mở khóa đăng nhập" in admin.get(changelist).content.decode()
    answer = admin.post(changelist, {"action": "unlock_login", "_selected_action": [personas.office_a.pk]}, follow=True)
    assert "Đã mở khóa đăng nhập cho 1 người dùng." in answer.content.decode()
    assert _log_in(client, "vp.a").status_code == 302
    assert [r.getMessage() for r in caplog.records if r.name == "ketnap.security"] == [
        "root mở khóa đăng nhập cho vp.a"
    ]
    # every write is audited: the unlock too, by whom, for whom
    entry = AuditEntry.objects.get(model="auth.User", note="Mở khóa đăng nhập")
    assert (entry.actor, entry.object_id) == (personas.superuser, str(personas.office_a.pk))


def test_a_user_changes_their_own_password(world, personas, login, caplog):
    client = login(personas.office_a)
    home = client.get(reverse("home")).content.decode()
    assert f'<a class="link" href="{reverse("password_change")}">Đổi mật khẩu</a>' in home
    url = reverse("password_change")
    page = client.get(url).content.decode()
    assert "<h1>Đổi mật khẩu</h1>" in page and 'name="old_password"' in page
    wrong = client.post(url, {"old_password": "khong-dung", "new_password1": "x", "new_password2": "x"})
    assert wrong.context["form"].errors["old_password"] == ["Mật khẩu cũ không chính xác. Hãy nhập lại lần nữa"]
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert len(weak.context["form"].errors["new_password2"]) == 3  # too short, too common, only digits
    new = "Hoa-sen-tren-ho-2026"
    done = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True)
    assert done.redirect_chain == [(reverse("home"), 302)]
    assert "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc." in done.content.decode()
    personas.office_a.refresh_from_db()
    assert personas.office_a.check_password(new)
    logged = [r.getMessage() for r in caplog.records if r.name == "ketnap.security"]
    assert logged == ["password changed by vp.a from 127.0.0.1"]
    assert not any(secret in r.getMessage() for r in caplog.records for secret in (new, PASSWORD))
    entry = AuditEntry.objects.get(model="auth.User", note="Đổi mật khẩu")  # in the trail, without any secret
    assert (entry.actor, entry.changes) == (personas.office_a, {})


def test_a_refusal_is_one_warning_line_without_a_traceback(world, personas, login, caplog):
    client = login(personas.secretary_a1)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("target_create", kwargs={"code": world.cell_a1.code})).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        ("WARNING", f"Forbidden (Permission denied): /chi-tieu/{world.cell_a1.code}/them/", None)
    ]
    assert Target.objects.count() == 0


def test_a_stale_form_says_in_vietnamese_to_reload_the_page(world, personas):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(reverse("login"), {"username": "vp.a", "password": PASSWORD})
    body = answer.content.decode()
    assert answer.status_code == 403
    assert "Phiên làm việc đã hết hoặc trang đã mở quá lâu, hãy tải lại trang" in body
    assert f'<a class="button primary" href="{reverse("login")}">Tải lại trang</a>' in body


@pytest.mark.parametrize(
    ("sent_as", "content", "stored_ending", "kind"),
    [
        ("scan.jpg", PDF, ".pdf", "application/pdf"),
        ("anh-chup.pdf", PNG, ".png", "image/png"),
        ("ban-quet.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 16, ".JPEG", "image/jpeg"),  # already right: kept
    ],
)
def test_a_scan_is_stored_under_the_type_found_in_its_bytes(
    pipeline_world, personas, login, sent_as, content, stored_ending, kind
):
    client = login(personas.office_a)
    candidate = pipeline_world.bình
    upload = SimpleUploadedFile(sent_as, content, content_type="image/jpeg")  # the browser's claim counts for nothing
    url = reverse("candidate_document", args=[candidate.pk])
    answer = client.post(url, {"kind": "2-KNĐ", "received_on": "03/02/2024", "scan": upload})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    item = DossierItem.objects.get(candidate=candidate, kind="2-KNĐ")
    name = item.scan.name.rsplit("/", 1)[-1]
    assert (name.rsplit(".", 1)[0].startswith(sent_as.rsplit(".", 1)[0]), name.endswith(stored_ending)) == (True, True)
    assert item.scan_type == kind
