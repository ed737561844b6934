"""`ketnap rebuild-figures [--check]`: recompute the kept counts of the organisation tree (ketnap.stats.figures) from
the register, or (--check) only compare them with it and list the differences, writing nothing.

The counts follow every write of the product by themselves; a rebuild is for after an upgrade that changed how they
are counted, after a repair made outside the product (a shell, SQL), or when --check finds drift. --check exits
with status 1 when something differs, so that cron or monitoring can notice, e.g. weekly:
`0 5 * * 1  /srv/ketnap/.venv/bin/ketnap rebuild-figures --check`.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from ketnap.stats import figures

SHOWN = 20  # differences listed; the rest are counted


class Command(BaseCommand):
    help = (
        "Tính lại số liệu giữ sẵn của cây tổ chức (nhân sự, đảng viên chính thức, dự bị của từng tổ chức theo ngày; "
        "nhân sự và nguồn quần chúng hôm nay theo khoa/phòng; đảng viên kết nạp; đảng viên theo ngày; quá trình phát "
        "triển đảng viên của từng người) từ dữ liệu gốc; --check chỉ so sánh và liệt kê chỗ khác, không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh với dữ liệu gốc, không ghi.")

    def handle(self, *args, check: bool, **options):
        started = time.monotonic()
        if check:
            found = figures.differences()
            seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
            if not found:
                self.stdout.write(f"Số liệu giữ sẵn khớp với dữ liệu gốc ({seconds} giây).")
                return
            for line in found[:SHOWN]:
                self.stdout.write(f"  {line}")
            if len(found) > SHOWN:
                self.stdout.write(f"  … và {len(found) - SHOWN} chỗ khác nữa.")
            raise CommandError(
                f"{len(found)} chỗ khác với dữ liệu gốc ({seconds} giây); chạy ketnap rebuild-figures để tính lại.",
                returncode=1,
            )
        rows = figures.rebuild()
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        count = f"{rows:,}".replace(",", ".")
        self.stdout.write(f"Đã tính lại số liệu giữ sẵn: {count} dòng theo ngày, trong {seconds} giây.")
