"""Reminder e-mails (`ketnap remind`) and the iCalendar feed of due dates: each user hears of their scope only."""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse

from ketnap.accounts.models import FeedToken
from ketnap.pipeline import due, reminders
from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.due import DueItem
from ketnap.pipeline.enums import HelperRole, Stage
from ketnap.pipeline.models import Candidate, Helper, Step
from ketnap.registry.models import Person
from ketnap.rules import deadlines
from tests import factories as f

D = dt.date
OVERDUE_RECEIVED = D(2024, 3, 1)  # decision received: the ceremony was due 30 working days later (April)
SOON_RECEIVED = D(2024, 5, 2)


def _decided(candidate, received):
    """A candidate whose admission decision reached the chi bộ on `received` (ceremony not yet held)."""
    Step.objects.create(
        candidate=candidate,
        kind="decision",
        on=received - dt.timedelta(days=3),
        received_on=received,
        document_number="9-QĐ/ĐU",
        stage_before=candidate.stage,
        stage_after=Stage.DECIDED,
    )
    candidate.stage = Stage.DECIDED
    candidate.stage_since = received
    candidate.save()
    due.store(Candidate.objects.filter(pk=candidate.pk))  # written beside the domain: keep its deadline as it would
    return deadlines.ceremony_due(received, calendar=app_calendar()).due


@pytest.fixture
def due_world(world, personas, pipeline_world):
    """Bình (A1) and Yến (B1) overdue, Khoa (A2) due soon; e-mail addresses for the personas."""
    binh_due = _decided(pipeline_world.bình, OVERDUE_RECEIVED)
    yen_due = _decided(pipeline_world.yen, OVERDUE_RECEIVED)
    khoa_due = _decided(pipeline_world.khoa, SOON_RECEIVED)
    today = khoa_due - dt.timedelta(days=1)
    for name in ("office_a", "secretary_a1", "secretary_b1", "overseer"):
        user = getattr(personas, name)
        user.email = f"{user.username}@benhvien.example.vn"
        user.save()
    return {"today": today, "binh": binh_due, "yen": yen_due, "khoa": khoa_due}


def _remind(*args, today):
    out = StringIO()
    call_command("remind", "--today", today.strftime("%d/%m/%Y"), *args, stdout=out)
    return out.getvalue()


def _mail_to(outbox, user):
    found = [m for m in outbox if user.email in m.to]
    assert len(found) <= 1
    return found[0] if found else None


# -- e-mail ----------------------------------------------------------------------------------------------------
def test_each_user_gets_one_mail_of_their_scope(world, personas, pipeline_world, due_world, mailoutbox, settings):
    settings.KETNAP_BASE_URL = "https://ketnap.example.vn"
    output = _remind(today=due_world["today"])
    office = _mail_to(mailoutbox, personas.office_a)
    assert office.subject == "[ketnap] 1 việc quá hạn, 1 việc sắp đến hạn"
    assert "Trần Thị Bình" in office.body and "Đặng Văn Khoa" in office.body
    assert "Võ Thị Yến" not in office.body  # hospital B is outside the office of hospital A
    assert office.body.index("QUÁ HẠN") < office.body.index("Trần Thị Bình") < office.body.index("SẮP ĐẾN HẠN")
    assert office.body.index("SẮP ĐẾN HẠN") < office.body.index("Đặng Văn Khoa")
    assert "Tổ chức lễ kết nạp" in office.body and due_world["binh"].strftime("%d/%m/%Y") in office.body
    ceremony = deadlines.ceremony_due(OVERDUE_RECEIVED, calendar=app_calendar())
    assert f"Quy định: {ceremony.rule}" in office.body and f"Căn cứ: {ceremony.source}" in office.body
    assert f"https://ketnap.example.vn/ung-vien/{pipeline_world.bình.pk}/" in office.body
    assert "Chi bộ Khoa Nội" in office.body
    assert office.extra_headers["Auto-Submitted"] == "auto-generated"

    secretary = _mail_to(mailoutbox, personas.secretary_a1)
    assert secretary.subject == "[ketnap] 1 việc quá hạn"
    assert "Trần Thị Bình" in secretary.body and "Đặng Văn Khoa" not in secretary.body  # A2 is not A1

    outsider = _mail_to(mailoutbox, personas.secretary_b1)
    assert "Võ Thị Yến" in outsider.body and "Trần Thị Bình" not in outsider.body

    assert _mail_to(mailoutbox, personas.overseer) is None  # an overseer never reads names
    assert len(mailoutbox) == 3  # admin_a and the superusers have no e-mail address
    assert "đã gửi 3 thư" in output


def test_dry_run_prints_and_sends_nothing(personas, due_world, mailoutbox):
    output = _remind("--dry-run", today=due_world["today"])
    assert mailoutbox == []
    assert f"Đến: {personas.office_a.email}" in output
    assert "Tiêu đề: [ketnap] 1 việc quá hạn, 1 việc sắp đến hạn" in output
    assert "chưa gửi thư nào" in output


def test_nothing_pressing_means_no_mail(personas, due_world, mailoutbox):
    _remind(today=OVERDUE_RECEIVED)  # the day the decisions came: every ceremony is still weeks away
    assert mailoutbox == []


def test_inactive_users_get_nothing(personas, due_world, mailoutbox):
    personas.office_a.is_active = False
    personas.office_a.save()
    _remind(today=due_world["today"])
    assert _mail_to(mailoutbox, personas.office_a) is None


def test_a_mentor_without_a_role_hears_of_their_mentee(world, personas, pipeline_world, due_world, mailoutbox):
    mentor = f.user("dvgiupdo")
    mentor.email = "an@benhvien.example.vn"
    mentor.save()
    Person.objects.filter(pk=world.an.pk).update(user=mentor)
    Helper.objects.create(candidate=pipeline_world.bình, member=world.an, role=HelperRole.MENTOR, since=D(2024, 3, 10))
    _remind(today=due_world["today"])
    mail = _mail_to(mailoutbox, mentor)
    assert mail.subject == "[ketnap] 1 việc quá hạn"
    assert mail.body.startswith("Kính gửi đồng chí Nguyễn Văn An,")
    assert "ĐẢNG VIÊN DỰ BỊ ĐỒNG CHÍ ĐƯỢC PHÂN CÔNG GIÚP ĐỠ" in mail.body
    assert "Trần Thị Bình" in mail.body and "Đặng Văn Khoa" not in mail.body
    assert "/ung-vien/" not in mail.body  # no role: the candidate page would refuse them, so no link
    assert "/viec-can-lam/" not in mail.body


def test_a_helper_hears_of_the_note_they_owe_with_the_link_to_write_it(world, pipeline_world, mailoutbox, settings):
    """A sympathiser's helper, nothing of the chi bộ's due: the note alone is worth a mail (issue #15)."""
    settings.KETNAP_BASE_URL = "https://ketnap.example.vn"
    helper = f.user("giupdo.khoa")
    helper.email = "dung@benhvien.example.vn"
    helper.save()
    Person.objects.filter(pk=world.dung.pk).update(user=helper)
    Helper.objects.create(candidate=pipeline_world.khoa, member=world.dung, role=HelperRole.HELPER, since=D(2024, 2, 1))
    _remind(today=D(2024, 5, 6))  # the quarter's note was due 01/05/2024
    mail = _mail_to(mailoutbox, helper)
    assert mail.subject == "[ketnap] 1 việc quá hạn"
    assert "NHẬN XÉT CỦA ĐỒNG CHÍ VỀ NGƯỜI ĐƯỢC PHÂN CÔNG GIÚP ĐỠ" in mail.body
    assert "Đặng Văn Khoa" in mail.body and "Hạn nhận xét: 01/05/2024 (đã quá hạn 5 ngày)" in mail.body
    assert "chi bộ phân công nhận xét 3 tháng một lần" in mail.body and "Căn cứ: HD 12-HD/BTCTW (2022)" in mail.body
    assert f"https://ketnap.example.vn/cua-toi/nhan-xet/{pipeline_world.khoa.pk}/" in mail.body
    mailoutbox.clear()
    _remind(today=D(2024, 3, 1))  # two months before: nothing pressing, no mail
    assert _mail_to(mailoutbox, helper) is None


def test_a_secretary_who_mentors_gets_both_sections(world, personas, pipeline_world, due_world, mailoutbox):
    Person.objects.filter(pk=world.an.pk).update(user=personas.secretary_a1)
    Helper.objects.create(candidate=pipeline_world.bình, member=world.an, role=HelperRole.MENTOR, since=D(2024, 3, 10))
    ended = Helper.objects.create(
        candidate=pipeline_world.khoa, member=world.an, role=HelperRole.MENTOR, since=D(2024, 3, 10)
    )
    ended.until = D(2024, 4, 1)
    ended.save()
    _remind(today=due_world["today"])
    body = _mail_to(mailoutbox, personas.secretary_a1).body
    mentoring = body[body.index("ĐẢNG VIÊN DỰ BỊ ĐỒNG CHÍ") :]
    assert "Trần Thị Bình" in mentoring and f"/ung-vien/{pipeline_world.bình.pk}/" in mentoring
    assert "Đặng Văn Khoa" not in body  # a mentorship that ended is no longer theirs


def test_sections_and_subject_are_pure(pipeline_world):
    today = D(2024, 6, 3)

    def item(urgency, due):
        return DueItem(pipeline_world.bình, "Việc", due, "", None, urgency)

    found = reminders.sections(
        [
            item("ok", today + dt.timedelta(days=60)),
            item("ok", today + dt.timedelta(days=20)),
            item("none", None),
            item("soon", today + dt.timedelta(days=3)),
            item("overdue", today - dt.timedelta(days=9)),
        ],
        today,
    )
    assert [len(found.overdue), len(found.soon), len(found.upcoming)] == [1, 1, 1]
    assert found.upcoming[0].due == today + dt.timedelta(days=20)
    assert reminders.subject(3, 2) == "[ketnap] 3 việc quá hạn, 2 việc sắp đến hạn"
    assert reminders.subject(0, 2) == "[ketnap] 2 việc sắp đến hạn"
    lines = reminders.item_lines(1, found.overdue[0], today, None)
    assert "đã quá hạn 9 ngày" in lines[3]


def test_a_bad_date_is_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("remind", "--today", "2024-06-03", stdout=StringIO())


# -- calendar feed ---------------------------------------------------------------------------------------------
def _token_of(client, user):
    client.force_login(user)
    page = client.get(reverse("feed_link"))
    assert page.status_code == 200
    token = FeedToken.objects.get(user=user).token
    assert token in page.content.decode() and "Tạo đường dẫn mới" in page.content.decode()
    client.logout()
    return token


def test_the_feed_lists_the_scope_as_all_day_events(client, personas, pipeline_world, due_world):
    token = _token_of(client, personas.office_a)
    response = client.get(reverse("feed", kwargs={"token": token}))  # no login: calendar apps cannot log in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")  # CRLF only
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets, not characters
    assert max(len(line.decode()) for line in lines) < 75  # … and multi-octet Vietnamese did get folded
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert f"DTSTART;VALUE=DATE:{due_world['binh']:%Y%m%d}" in unfolded
    assert "\\;" in unfolded and "\\," in unfolded  # the rule's ";" and the source's "," are escaped
    assert "Khoa Nội\\nGiai đoạn" in unfolded  # and so are newlines
    assert "X-PUBLISHED-TTL:PT6H" in unfolded

    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    binh = events["Tổ chức lễ kết nạp — Trần Thị Bình"]
    assert binh.decoded("dtstart") == due_world["binh"]
    assert str(binh["url"]).endswith(f"/ung-vien/{pipeline_world.bình.pk}/")
    ceremony = deadlines.ceremony_due(OVERDUE_RECEIVED, calendar=app_calendar())
    assert f"Căn cứ: {ceremony.source}" in str(binh["description"]) and "Chi bộ Khoa Nội" in str(binh["description"])
    assert "Tổ chức lễ kết nạp — Đặng Văn Khoa" in events
    assert not any("Võ Thị Yến" in s for s in events)  # hospital B is not office A's
    assert "Võ Thị Yến" not in unfolded

    again = icalendar.Calendar.from_ical(client.get(reverse("feed", kwargs={"token": token})).content)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {str(e["uid"]) for e in cal.walk("VEVENT")}


def test_unknown_tokens_are_404(client, db):
    assert client.get(reverse("feed", kwargs={"token": "khong-co-ai-" + "a" * 30})).status_code == 404


def test_rotating_the_token_kills_the_old_address(client, personas, pipeline_world, due_world):
    old = _token_of(client, personas.secretary_a1)
    client.force_login(personas.secretary_a1)
    assert client.post(reverse("feed_link")).status_code == 302
    new = FeedToken.objects.get(user=personas.secretary_a1).token
    client.logout()
    assert new != old
    assert client.get(reverse("feed", kwargs={"token": old})).status_code == 404
    feed = client.get(reverse("feed", kwargs={"token": new}))
    assert feed.status_code == 200 and "Trần Thị Bình" in feed.content.replace(b"\r\n ", b"").decode()


def test_overseers_get_no_feed(client, personas, pipeline_world, due_world):
    client.force_login(personas.overseer)
    assert client.get(reverse("feed_link")).status_code == 403
    assert client.post(reverse("feed_link")).status_code == 403
    token = FeedToken.objects.create(user=personas.overseer)  # e.g. made by hand in the admin
    assert client.get(reverse("feed", kwargs={"token": token.token})).status_code == 404


def test_a_feed_of_an_inactive_user_is_404(client, personas, due_world):
    token = FeedToken.for_user(personas.office_a)
    personas.office_a.is_active = False
    personas.office_a.save()
    assert client.get(reverse("feed", kwargs={"token": token.token})).status_code == 404


# -- settings --------------------------------------------------------------------------------------------------
_SHOW = (
    "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
    "s.KETNAP_BASE_URL or '-', getattr(s, 'EMAIL_FILE_PATH', '-'))"
)


def _settings(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KETNAP_EMAIL") and k != "KETNAP_BASE_URL"}
    environ.update(KETNAP_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="ketnap.settings", **env)
    code = f"import django; django.setup(); {_SHOW}"
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)


@pytest.mark.slow
def test_mail_goes_to_files_in_the_data_dir_unless_a_server_is_named(tmp_path):
    plain = _settings(tmp_path).stdout.split()
    assert plain[0] == "django.core.mail.backends.filebased.EmailBackend" and plain[-1] == str(tmp_path / "mail")
    assert plain[3] == "-"  # no KETNAP_BASE_URL: the address ketnap serve runs on (ketnap.siteaddress)
    smtp = _settings(
        tmp_path, KETNAP_EMAIL_HOST="smtp.example.vn", KETNAP_EMAIL_PORT="465", KETNAP_BASE_URL="https://k.vn/"
    )
    assert smtp.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "465", "True", "https://k.vn", "-"]
    bad = _settings(tmp_path, KETNAP_EMAIL_HOST="smtp.example.vn", KETNAP_EMAIL_TLS="maybe")
    assert bad.returncode != 0 and "KETNAP_EMAIL_TLS must be true/false" in bad.stderr


# -- where the links point, where the mail goes ----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # a real `ketnap serve`
def test_links_follow_the_port_ketnap_serve_runs_on(
    personas, pipeline_world, due_world, mailoutbox, settings, tmp_path
):
    """`make demo PORT=8080` serves on 8080: the reminders link to :8080, not to :8000."""
    port = _free_port()
    env = {**os.environ, "KETNAP_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "KETNAP_BASE_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "ketnap", "serve", "--port", str(port), "--no-collectstatic"]
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while not (tmp_path / "served-url").exists() and time.monotonic() < deadline:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert f"Đường dẫn trong thư nhắc việc: http://127.0.0.1:{port}" in (tmp_path / "serve.log").read_text()
    settings.DATA_DIR = tmp_path
    settings.KETNAP_BASE_URL = ""
    output = _remind(today=due_world["today"])
    office = _mail_to(mailoutbox, personas.office_a)
    assert f"Xem: http://127.0.0.1:{port}/ung-vien/{pipeline_world.bình.pk}/" in office.body
    assert f"Toàn bộ việc cần làm: http://127.0.0.1:{port}/viec-can-lam/" in office.body
    assert f"Đường dẫn trong thư: http://127.0.0.1:{port} (địa chỉ ketnap serve chạy lần gần nhất" in output
    # behind a reverse proxy the operator's address wins over the recorded one
    settings.KETNAP_BASE_URL = "https://ketnap.benhvien.vn"
    mailoutbox.clear()
    _remind(today=due_world["today"])
    body = _mail_to(mailoutbox, personas.office_a).body
    assert "https://ketnap.benhvien.vn/viec-can-lam/" in body and f":{port}" not in body


def test_a_server_on_every_interface_is_named_as_the_lan_reaches_it(settings):
    from ketnap import siteaddress

    assert siteaddress.url_for("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert siteaddress.url_for("::1", 8000) == "http://[::1]:8000"
    named = siteaddress.url_for("0.0.0.0", 8080, ["127.0.0.1", "localhost", ".ketnap.benhvien.local"])
    assert named == "http://ketnap.benhvien.local:8080"  # the name Django accepts and the LAN types
    unnamed = siteaddress.url_for("0.0.0.0", 8080, ["127.0.0.1", "localhost"])
    assert unnamed.startswith("http://") and unnamed.endswith(":8080") and "0.0.0.0" not in unnamed


def test_without_a_mail_server_reminders_are_files_in_the_data_dir(personas, due_world, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    (tmp_path / "mail").mkdir()
    stale = tmp_path / "mail" / "20250101-070000-1.log"
    stale.write_text("Kính gửi đồng chí …")
    old = time.time() - 40 * 86400
    os.utime(stale, (old, old))
    output = _remind(today=due_world["today"])
    [written] = list((tmp_path / "mail").iterdir())  # and the reminders of 40 days ago are gone (they name people)
    text = written.read_text()
    assert "To: vp.a@benhvien.example.vn" in text and "Trần Thị Bình" in text and "QUÁ HẠN" in text
    assert f"tệp trong thư mục {tmp_path / 'mail'}" in output and f"Xem thư vừa lưu: {written}" in output
