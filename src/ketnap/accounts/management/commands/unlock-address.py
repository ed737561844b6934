"""`ketnap unlock-address ĐỊA_CHỈ …`: lift a login block on client addresses now (accounts/throttle.py), for when the
administrator sits behind the blocked address and cannot reach /quan-tri/. Audited and logged like the admin's."""

import ipaddress

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ketnap.accounts import throttle
from ketnap.accounts.models import AddressBlock
from ketnap.rules.dates import ddmmyyyy_hhmm


class Command(BaseCommand):
    help = "Mở khóa đăng nhập cho địa chỉ bị tạm khóa vì đăng nhập sai với nhiều tên đăng nhập."

    def add_arguments(self, parser):
        parser.add_argument(
            "addresses", nargs="*", metavar="ĐỊA_CHỈ", help="Bỏ trống: liệt kê các địa chỉ đang bị khóa."
        )

    def handle(self, *args, addresses, **options):
        if not addresses:
            running = AddressBlock.objects.filter(lifted_at__isnull=True, until__gt=timezone.now()).order_by("until")
            for block in running:
                self.stdout.write(f"{block.address}: khóa đến {ddmmyyyy_hhmm(timezone.localtime(block.until))}")
            if not running:
                self.stdout.write("Không có địa chỉ nào đang bị khóa.")
            return
        for address in addresses:
            try:
                ipaddress.ip_address(address)
            except ValueError as exc:
                raise CommandError(f"{address!r} không phải địa chỉ IP (ví dụ 10.0.0.7).") from exc
        freed = throttle.lift(addresses, None)
        for address in addresses:
            state = "đã mở khóa" if address in freed else "không bị khóa"
            self.stdout.write(f"{address}: {state}")
