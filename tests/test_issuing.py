"""Accounts for the register's members and candidates, issued by the office in bulk as sealed letters (issue #15):
the password exists only in the letter, is changed at the first sign-in, and the account stops working when its
person leaves."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from ketnap.accounts import issuing
from ketnap.accounts.models import IssuedPassword
from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.privacy.models import ReadEntry
from ketnap.registry.models import Person
from ketnap.registry.services import people
from tests import factories as f

PASSWORD = re.compile(r"[a-hj-km-np-z2-9]{5}-[a-hj-km-np-z2-9]{5}")


def _sign_in(client, username: str, password: str) -> bool:
    """Through the login page, as a person does (axes counts the attempt), from a fresh session."""
    client.logout()
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def _text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_usernames_follow_the_offices_habit_and_never_collide(db):
    unit = f.unit("K", "Khoa")
    an = f.person(unit, "Nguyễn Văn An")
    nhung = f.person(unit, "Đặng Thị Hồng Nhung")
    taken = {"annv"}
    assert issuing.username_for(an, taken) == "annv2" and issuing.username_for(an, taken) == "annv3"
    assert issuing.username_for(nhung, taken) == "nhungdth"
    assert all(PASSWORD.fullmatch(issuing.one_time_password()) for _ in range(50))  # nothing to misread on paper


@pytest.mark.slow
def test_the_office_issues_letters_and_each_password_works_once(client, world, personas, pipeline_world):
    client.force_login(personas.office_a)
    url = f"/to-chuc/{world.hospital_a.code}/tai-khoan/"
    page = client.get(url).content.decode()
    # the register's people of the hospital: An (member), Dũng (probationary), Bình (on the road); not staff
    # of another hospital, not someone who is neither
    for name in ("Nguyễn Văn An", "Lê Văn Dũng", "Trần Thị Bình", "Đặng Văn Khoa"):
        assert name in page
    assert "Phạm Thị Xuyến" not in page and "Võ Thị Yến" not in page
    entries = AuditEntry.objects.count()
    response = client.post(url, {"ids": [world.an.pk, world.binh.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="thu-tai-khoan-BVA-')
    assert response["Cache-Control"] == "private, no-store"  # passwords and names: no shared cache keeps them
    pages = _text(response.content)
    assert len(pages) == 2  # one letter a person, in name order
    assert "Kính gửi đồng chí Nguyễn Văn An" in pages[0] and "annv" in pages[0]
    assert "Kính gửi đồng chí Trần Thị Bình" in pages[1] and "binhtt" in pages[1]
    (password,) = PASSWORD.findall(pages[1])
    # the staff record has its login; the password is in no row and no trail entry, only in the letter
    binh = Person.objects.get(pk=world.binh.pk)
    assert binh.user.username == "binhtt" and IssuedPassword.objects.filter(user=binh.user).exists()
    written = AuditEntry.objects.order_by("pk")[entries:]
    assert any("Cấp tài khoản binhtt" in e.note for e in written)
    assert all(password not in str(e.changes) + e.note for e in written)
    assert ReadEntry.objects.filter(user=personas.office_a, kind="download", count=2).exists()
    # Bình signs in with the letter: every page sends her to set her own password first
    client.logout()
    assert _sign_in(client, "binhtt", password)
    assert client.get("/cua-toi/").url == "/doi-mat-khau/"
    assert "mật khẩu dùng một lần" in client.get("/doi-mat-khau/").content.decode()
    changed = client.post(
        "/doi-mat-khau/",
        {"old_password": password, "new_password1": "Hoa-sen-tren-ho-2026", "new_password2": "Hoa-sen-tren-ho-2026"},
    )
    assert changed.status_code == 302 and not IssuedPassword.objects.filter(user=binh.user).exists()
    assert "Quá trình phấn đấu vào Đảng của tôi" in client.get("/", follow=True).content.decode()


def test_a_colleague_with_a_role_is_not_the_offices_to_reset_and_nothing_is_half_written(
    client, world, personas, pipeline_world
):
    Person.objects.filter(pk=world.an.pk).update(user=personas.secretary_a1)  # the secretary's own login
    client.force_login(personas.office_a)
    url = f"/to-chuc/{world.hospital_a.code}/tai-khoan/"
    page = client.get(url).content.decode()
    assert "Tài khoản có vai trò: quản trị hệ thống cấp lại mật khẩu" in page
    assert f'value="{world.an.pk}"' not in page  # no box to tick
    users = User.objects.count()
    response = client.post(url, {"ids": [world.binh.pk, world.an.pk]}, follow=True)
    body = response.content.decode()
    assert "Chưa cấp tài khoản nào: Nguyễn Văn An: Tài khoản có vai trò" in body
    assert User.objects.count() == users and not IssuedPassword.objects.exists()  # Bình's either: all or nothing
    assert "Chưa chọn ai" in client.post(url, {}).content.decode()


def test_only_the_office_issues_and_only_within_its_organisation(client, world, personas):
    client.force_login(personas.secretary_a1)
    assert client.get(f"/to-chuc/{world.cell_a1.code}/tai-khoan/").status_code == 403
    client.force_login(personas.office_a)
    assert client.get(f"/to-chuc/{world.hospital_b.code}/tai-khoan/").status_code == 404


def test_an_account_stops_working_the_day_its_person_leaves(client, world, pipeline_world):
    user = f.user("an.member")
    Person.objects.filter(pk=world.an.pk).update(user=user)
    client.force_login(user)
    assert client.get("/cua-toi/").status_code == 200
    people.update_person(
        Person.objects.get(pk=world.an.pk), left_on=dt.date.today() - dt.timedelta(days=1), actor=SYSTEM
    )
    assert client.get("/cua-toi/").status_code == 302  # the open session ends at its next request
    assert not _sign_in(client, "an.member", f.PASSWORD)


def test_an_archived_persons_account_cannot_sign_in(client, world):
    user = f.user("xuyen")
    Person.objects.filter(pk=world.outsider.pk).update(user=user)
    people.archive_person(
        Person.objects.get(pk=world.outsider.pk), reason="Chuyển công tác ra ngoài tỉnh", actor=SYSTEM
    )
    assert not _sign_in(client, "xuyen", f.PASSWORD)
    Person.objects.filter(pk=world.outsider.pk).update(archived_at=None)  # the check is the record's, nothing else
    assert _sign_in(client, "xuyen", f.PASSWORD)


def test_an_unknown_address_with_a_one_time_password_leads_to_the_password_too(client, world):
    user = f.user("mot-lan")
    IssuedPassword.objects.create(user=user)
    client.force_login(user)
    assert client.get("/khong-co-trang-nay/").url == "/doi-mat-khau/"  # not a server error
    assert client.get("/bao-mat/").status_code == 200  # the privacy notice stays readable
