"""`ketnap purge-expired [--dry-run] [--today dd/mm/yyyy]`: remove the personal data of staff past the retention period.

For cron, e.g. monthly: `0 6 1 * *  /srv/ketnap/.venv/bin/ketnap purge-expired`. Who and how: the docstring of
ketnap.registry.services.retention. The period is Preferences.retention_months (set in /quan-tri/, default 60).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from ketnap.audit.context import acting
from ketnap.registry.models import Preferences
from ketnap.registry.services import retention
from ketnap.registry.services.dates import command_day
from ketnap.registry.services.dates import today as local_today
from ketnap.rules.dates import ddmmyyyy


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu cá nhân của viên chức, người lao động đã thôi việc quá thời hạn lưu trữ, chưa từng là đảng viên "
        "hay người vào Đảng (giữ dòng ẩn danh để số liệu thống kê các năm trước không đổi)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê những người sẽ bị xóa dữ liệu.")
        parser.add_argument("--today", type=command_day, default=None, help="Tính thời hạn theo ngày này, dd/mm/yyyy.")

    def handle(self, *args, dry_run: bool, today: dt.date | None, **options):
        on = today or local_today()
        months = Preferences.current().retention_months
        due = list(retention.expired(on=on, months=months).select_related("work_unit"))
        self.stdout.write(
            f"Thời hạn lưu trữ {months} tháng: người thôi việc (hoặc được lưu trữ) đến ngày "
            f"{ddmmyyyy(retention.cutoff(on, months))}, chưa từng là đảng viên hay người vào Đảng — {len(due)} người."
        )
        for person in due:
            self.stdout.write(
                f"  #{person.pk} {person.full_name} — {person.work_unit}, thôi việc "
                f"{ddmmyyyy(retention.ended_on(person))}"
            )
        if dry_run:
            self.stdout.write("Chạy thử: chưa xóa gì.")
            return
        with acting(None, "ketnap purge-expired"):
            done = retention.purge_expired(on=on, months=months)
        self.stdout.write(
            f"Đã xóa dữ liệu cá nhân của {len(done)} người; mỗi người một dòng nhật ký. Nhật ký thay đổi: xóa nội dung "
            f"{sum(p.redacted for p in done)} mục cũ về họ; nhật ký truy cập: {sum(p.reads_forgotten for p in done)} "
            "dòng nêu tên hoặc số giấy tờ của họ. Bản sao lưu trước hôm nay vẫn còn dữ liệu cũ."
        )
