"""The second login limit, per client address: password spraying (a few passwords against many usernames).

django-axes' own limit counts failures per username (settings: AXES_LOCKOUT_PARAMETERS = ["username"]), so that a
hospital's NAT or reverse proxy, one address for everyone, never locks everyone. Left alone, one address could then
try four passwords on every account. This limit counts the *different usernames* that failed from one address
within settings.KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES, read from axes' own AccessAttempt rows (one per username,
address and browser; a username that then logs in is wiped from them: AXES_RESET_ON_SUCCESS). At
settings.KETNAP_LOGIN_ADDRESS_LIMIT names an AddressBlock is written, and for KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES every
login from that address is refused, the right password too, before any password is checked.

Everything is in the database (AccessAttempt, AddressBlock), so every server process refuses the same address. The
hook is axes' documented one, a handler class (settings.AXES_HANDLER): `is_allowed` refuses a blocked address,
and `user_login_failed` leaves a refused attempt out of the username's count (its password was never checked; a
colleague behind the same address would otherwise lock their own account by trying) and, after an ordinary
failure, blocks the address when it reaches the limit.
"""

import datetime as dt
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ketnap.accounts.models import AddressBlock
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry
from ketnap.rules.dates import ddmmyyyy_hhmm

security = logging.getLogger("ketnap.security")


def active_block(address: str | None, now: dt.datetime | None = None) -> AddressBlock | None:
    if not address:
        return None
    now = now or timezone.now()
    return AddressBlock.objects.filter(address=address, lifted_at__isnull=True, until__gt=now).order_by("until").last()


def failed_usernames(address: str, now: dt.datetime) -> int:
    """Different usernames that failed from `address` in the window, not counting those before its last block ended."""
    since = now - dt.timedelta(minutes=settings.KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES)
    last = AddressBlock.objects.filter(address=address).order_by("started").last()
    if last is not None and last.ended > since:
        since = last.ended  # a block spends the failures that made it: lifted or run out, the count starts afresh
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since, username__isnull=False)
    return attempts.values("username").distinct().count()


def block_if_spraying(address: str | None, now: dt.datetime | None = None) -> AddressBlock | None:
    """After a failed login from `address`: the block it has just earned, or None."""
    limit = settings.KETNAP_LOGIN_ADDRESS_LIMIT
    if not address or limit <= 0:
        return None
    now = now or timezone.now()
    names = failed_usernames(address, now)
    if names < limit:
        return None
    existing = active_block(address, now)  # another process may have just written it
    if existing is not None:
        return existing
    block = AddressBlock.objects.create(
        address=address,
        started=now,
        until=now + dt.timedelta(minutes=settings.KETNAP_LOGIN_ADDRESS_BLOCK_MINUTES),
        usernames=names,
    )
    security.warning(
        "địa chỉ %s bị tạm khóa đăng nhập đến %s: đăng nhập sai với %d tên đăng nhập khác nhau trong %d phút "
        "(có thể là dò mật khẩu hàng loạt)",
        address,
        ddmmyyyy_hhmm(timezone.localtime(block.until)),
        names,
        settings.KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES,
    )
    return block


def lift(addresses, by) -> list[str]:
    """Ends now every block still running at these addresses (two processes may have written one each), one audit
    entry per block, and returns the addresses freed. `by`: the administrator, or None (the command line)."""
    now = timezone.now()
    freed = set()
    with transaction.atomic():
        running = AddressBlock.objects.filter(address__in=set(addresses), lifted_at__isnull=True, until__gt=now)
        for block in running.select_for_update():
            block.lifted_at, block.lifted_by = now, by
            block.save(update_fields=["lifted_at", "lifted_by"])
            write_entry(AuditEntry.Action.EVENT, block, {}, note="Mở khóa đăng nhập cho địa chỉ")
            freed.add(block.address)
    if freed:
        who = by.get_username() if by else "lệnh ketnap unlock-address"
        security.info("%s mở khóa đăng nhập cho địa chỉ %s", who, ", ".join(sorted(freed)))
    return sorted(freed)


def refusing_block(request) -> AddressBlock | None:
    """The address block that refused this request's login, if that is why it was refused."""
    return getattr(request, "ketnap_address_block", None)


class AddressLimitHandler(AxesDatabaseHandler):
    """axes' database handler with the address limit on top (settings.AXES_HANDLER)."""

    def is_allowed(self, request, credentials=None) -> bool:
        block = active_block(request.axes_ip_address, request.axes_attempt_time)
        if block is not None:
            request.ketnap_address_block = block
            return False
        return super().is_allowed(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        block = refusing_block(request) if request is not None else None
        if block is not None:
            # refused before the password was looked at: not a failure of that username, only a refusal counted
            AddressBlock.objects.filter(pk=block.pk).update(refused=F("refused") + 1)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        block = block_if_spraying(request.axes_ip_address, request.axes_attempt_time)
        if block is not None:
            request.ketnap_address_block = block
            request.axes_locked_out = True
            request.axes_credentials = credentials
