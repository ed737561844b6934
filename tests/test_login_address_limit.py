"""The login limit per client address (accounts/throttle.py): one address failing for many different usernames
(password spraying) is refused for a while, right password too; failures spread over addresses, or one locked
account, block nobody else behind the same address; an administrator lifts a block (audited)."""

import datetime as dt
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketnap.accounts.models import AddressBlock
from ketnap.audit.models import AuditEntry
from tests.factories import PASSWORD

SPRAYER = "203.0.113.9"
BLOCKED_TITLE = "Tạm khóa đăng nhập từ địa chỉ này"


def _log_in(client, username, password=PASSWORD, address=SPRAYER):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _spray(client, names, address=SPRAYER):
    """One wrong password for each name, from one address: the statuses answered."""
    return [_log_in(client, name, "Mua-xuan-2026", address).status_code for name in names]


def _security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ketnap.security"]


@pytest.fixture
def limit(settings):
    settings.KETNAP_LOGIN_ADDRESS_LIMIT = 6
    return 6


@pytest.mark.slow
def test_spraying_many_usernames_from_one_address_is_refused_at_the_threshold(client, personas, settings, caplog):
    limit = settings.KETNAP_LOGIN_ADDRESS_LIMIT  # the default, 20: real accounts and made-up ones alike
    names = ["vp.a", "bithu.a1", "giamsat"] + [f"nguoi.{n}" for n in range(limit - 3)]
    caplog.set_level(logging.INFO, logger="ketnap.security")
    statuses = _spray(client, names[:-1])
    assert statuses == [200] * (limit - 1)  # the login form again, each a different name
    refused = _log_in(client, names[-1], "Mua-xuan-2026")
    assert refused.status_code == 429  # the limit-th different name
    page = refused.content.decode()
    block = AddressBlock.objects.get()
    until = timezone.localtime(block.until)
    assert BLOCKED_TITLE in page and f"Từ địa chỉ {SPRAYER} đã có đăng nhập sai với {limit} tên đăng nhập" in page
    assert f"Vui lòng thử lại sau {until:%H:%M} ngày {until:%d/%m/%Y}" in page
    assert block.until - block.started == dt.timedelta(minutes=30)
    assert 1700 <= int(refused["Retry-After"]) <= 1800
    assert _security_lines(caplog) == [
        f"địa chỉ {SPRAYER} bị tạm khóa đăng nhập đến {until:%d/%m/%Y %H:%M}: đăng nhập sai với {limit} tên "
        "đăng nhập khác nhau trong 30 phút (có thể là dò mật khẩu hàng loạt)"
    ]
    # during the block the right password is refused too, without being checked …
    for _ in range(6):
        assert _log_in(client, "vp.a").status_code == 429
    assert "_auth_user_id" not in client.session
    block.refresh_from_db()
    assert block.refused == 6
    # … and those refusals are no failures of vp.a: the account still opens from another address
    elsewhere = Client()
    assert _log_in(elsewhere, "vp.a", address="198.51.100.20").status_code == 302
    # the block runs out
    AddressBlock.objects.update(until=timezone.now() - dt.timedelta(seconds=1))
    assert _log_in(client, "bithu.a1").status_code == 302


@pytest.mark.slow
def test_the_same_failures_spread_over_addresses_block_no_address(client, personas, limit):
    names = [f"nguoi.{n}" for n in range(limit)]
    for n, name in enumerate(names):
        assert _spray(client, [name], address=f"198.51.100.{n + 1}") == [200]
    assert not AddressBlock.objects.exists()
    for n in range(limit):  # everyone behind any of those addresses still logs in
        assert _log_in(Client(), "vp.a", address=f"198.51.100.{n + 1}").status_code == 302
    # the same names from one address: refused at the limit
    assert _spray(client, names) == [200] * (limit - 1) + [429]


@pytest.mark.slow
def test_an_account_locked_elsewhere_counts_once_and_blocks_nobody(client, personas, limit):
    # vp.a's account is locked by guesses from another address
    assert _spray(Client(), ["vp.a"] * 5, address="192.0.2.50") == [200] * 4 + [429]
    # vp.a keeps trying behind the hospital's address: the account lock answers, not an address block
    for _ in range(10):
        answer = _log_in(client, "vp.a")
        assert answer.status_code == 429 and BLOCKED_TITLE not in answer.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in answer.content.decode()
    # colleagues behind the same address log in
    for name in ("bithu.a1", "giamsat"):
        assert _log_in(Client(), name).status_code == 302
    # vp.a was one name at this address: limit − 2 other names leave it open, one more blocks it
    others = [f"nguoi.{n}" for n in range(limit - 1)]
    assert _spray(client, others) == [200] * (limit - 2) + [429]
    assert AddressBlock.objects.get().usernames == limit


@pytest.mark.slow
def test_an_administrator_lifts_an_address_block(client, personas, limit, caplog):
    caplog.set_level(logging.INFO, logger="ketnap.security")
    assert _spray(client, [f"nguoi.{n}" for n in range(limit)])[-1] == 429
    assert _log_in(client, "vp.a").status_code == 429
    admin = Client()
    admin.force_login(personas.superuser)
    changelist = reverse("admin:accounts_addressblock_changelist")
    listing = admin.get(changelist).content.decode()
    assert SPRAYER in listing and "đang khóa" in listing and "Mở khóa đăng nhập cho các địa chỉ đã chọn" in listing
    block = AddressBlock.objects.get()
    answer = admin.post(changelist, {"action": "unlock_address", "_selected_action": [block.pk]}, follow=True)
    assert "Đã mở khóa đăng nhập cho 1 địa chỉ." in answer.content.decode()
    assert _log_in(client, "vp.a").status_code == 302
    assert _security_lines(caplog)[-1] == f"root mở khóa đăng nhập cho địa chỉ {SPRAYER}"
    entry = AuditEntry.objects.get(model="accounts.AddressBlock", note="Mở khóa đăng nhập cho địa chỉ")
    assert (entry.actor, entry.object_id) == (personas.superuser, str(block.pk))
    block.refresh_from_db()
    assert block.lifted_by == personas.superuser and block.lifted_at is not None
    # the failures that made the block are spent: the address starts afresh
    assert _spray(Client(), ["nguoi.0", "nguoi.1"]) == [200, 200]
    assert AddressBlock.objects.count() == 1


def test_the_command_line_lifts_a_block_for_an_administrator_behind_that_address(client, personas, limit, capsys):
    assert _spray(client, [f"nguoi.{n}" for n in range(limit)])[-1] == 429
    call_command("unlock-address")
    assert capsys.readouterr().out.startswith(f"{SPRAYER}: khóa đến ")
    call_command("unlock-address", SPRAYER, "192.0.2.1")
    assert capsys.readouterr().out == f"{SPRAYER}: đã mở khóa\n192.0.2.1: không bị khóa\n"
    assert _log_in(client, "vp.a").status_code == 302
    entry = AuditEntry.objects.get(model="accounts.AddressBlock")
    assert (entry.actor_name, entry.note) == ("hệ thống", "Mở khóa đăng nhập cho địa chỉ")
