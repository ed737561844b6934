"""`ketnap prune-read-log`: delete read-log rows older than KETNAP_READ_LOG_MONTHS (default 24). Run it daily (cron,
systemd timer or Windows Task Scheduler) next to `ketnap remind`."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ketnap.privacy import readlog
from ketnap.rules.dates import ddmmyyyy_hhmm


class Command(BaseCommand):
    help = "Xóa nhật ký truy cập cũ hơn thời hạn lưu (KETNAP_READ_LOG_MONTHS tháng)."

    def handle(self, *args, **options):
        start = readlog.retention_start()
        deleted = readlog.prune()
        self.stdout.write(
            f"Đã xóa {deleted} dòng nhật ký truy cập trước {ddmmyyyy_hhmm(timezone.localtime(start))} "
            f"(lưu {settings.KETNAP_READ_LOG_MONTHS} tháng)."
        )
