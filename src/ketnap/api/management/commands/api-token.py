"""`ketnap api-token create|list|revoke`: hands out the secrets the JSON API accepts (Authorization: Bearer …)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ketnap.api.models import DEFAULT_DAYS, ApiToken
from ketnap.rules.dates import ddmmyyyy, ddmmyyyy_hhmm


class Command(BaseCommand):
    help = "Tạo, liệt kê và thu hồi khóa API (token) của một tài khoản."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Tạo khóa mới; khóa chỉ hiện một lần.")
        create.add_argument("--user", required=True, help="tên đăng nhập")
        create.add_argument("--name", required=True, help="dùng cho chương trình nào")
        lasting = create.add_mutually_exclusive_group()
        lasting.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"số ngày khóa có hiệu lực (mặc định {DEFAULT_DAYS})"
        )
        lasting.add_argument("--no-expiry", action="store_true", help="không tự hết hạn (chỉ hết khi thu hồi)")
        listing = actions.add_parser("list", help="Liệt kê khóa (không hiện khóa).")
        listing.add_argument("--user", help="chỉ khóa của tài khoản này")
        revoke = actions.add_parser("revoke", help="Thu hồi khóa: khóa không dùng được nữa.")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("--name", required=True)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có tài khoản {username!r}.") from None

    def _create(self, user, name, days, no_expiry, **_options):
        owner = self._user(user)
        if not owner.is_active:
            raise CommandError(f"Tài khoản {user!r} đã bị khóa.")
        if not no_expiry and days < 1:
            raise CommandError("--days phải từ 1 trở lên (hoặc dùng --no-expiry).")
        token, secret = ApiToken.issue(owner, name, days=None if no_expiry else days)
        until = f"đến {ddmmyyyy_hhmm(timezone.localtime(token.expires))}" if token.expires else "đến khi thu hồi"
        self.stderr.write(
            f"Khóa API {name!r} của {user}, dùng được {until}: lưu lại ngay, khóa không hiện lại được nữa."
        )
        self.stdout.write(secret)  # alone on stdout, so a script can capture it

    def _list(self, user=None, **_options):
        tokens = ApiToken.objects.select_related("user")
        if user:
            tokens = tokens.filter(user=self._user(user))
        for token in tokens:
            if token.revoked:
                state = f"thu hồi {ddmmyyyy(token.revoked)}"
            elif token.expires and token.expires <= timezone.now():
                state = f"hết hạn {ddmmyyyy(timezone.localtime(token.expires))}"
            elif token.expires:
                state = f"đang dùng, hết hạn {ddmmyyyy(timezone.localtime(token.expires))}"
            else:
                state = "đang dùng, không tự hết hạn"
            used = ddmmyyyy_hhmm(timezone.localtime(token.last_used)) if token.last_used else "chưa dùng"
            self.stdout.write(f"{token.user}\t{token.name}\t{ddmmyyyy(token.created)}\t{used}\t{state}")

    def _revoke(self, user, name, **_options):
        tokens = list(ApiToken.objects.filter(user=self._user(user), name=name, revoked__isnull=True))
        if not tokens:
            raise CommandError(f"Tài khoản {user!r} không có khóa đang dùng tên {name!r}.")
        for token in tokens:
            token.revoke()
        self.stdout.write(f"Đã thu hồi {len(tokens)} khóa.")
