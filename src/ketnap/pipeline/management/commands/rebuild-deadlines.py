"""`ketnap rebuild-deadlines [--check]`: recompute the deadline kept on every candidate (pipeline.due.store).

The kept deadline follows every step and every change of the working-day calendar by itself; this command is for
after a restore from an old backup, an upgrade whose rules count differently, or a calendar day written beside the
application. `--check` writes nothing and reports the candidates whose kept deadline differs from the one their
step dates give (drift); it exits with status 1 when there are any, so a monitoring job can alert on it.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ketnap.pipeline import due
from ketnap.pipeline.models import Candidate
from ketnap.rules.dates import ddmmyyyy

SHOWN = 20  # differences listed by --check; the rest are counted


def _fmt(day) -> str:
    return ddmmyyyy(day) if day else "—"


class Command(BaseCommand):
    help = (
        "Tính lại hạn việc tiếp theo lưu trên từng người đang được theo dõi phát triển đảng viên (theo các bước đã "
        "ghi và lịch ngày làm việc). --check: chỉ báo những hạn đã lưu khác với hạn tính lại, không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra, không ghi; mã thoát 1 nếu có khác biệt."
        )

    def handle(self, *args, check: bool, **options):
        started = time.monotonic()
        candidates = Candidate.objects.all()
        if check:
            found = due.differences(candidates)
            for pk, kept, computed in found[:SHOWN]:
                self.stdout.write(
                    f"Hồ sơ {pk}: đã lưu hạn {_fmt(kept[0])} (sắp đến hạn từ {_fmt(kept[1])}), "
                    f"tính lại {_fmt(computed[0])} (sắp đến hạn từ {_fmt(computed[1])})"
                )
            if len(found) > SHOWN:
                self.stdout.write(f"… và {len(found) - SHOWN} hồ sơ khác.")
            seconds = time.monotonic() - started
            if found:
                raise CommandError(f"{len(found)} hồ sơ có hạn đã lưu khác với hạn tính lại ({seconds:.1f} giây).")
            self.stdout.write(f"Mọi hạn đã lưu đều đúng ({candidates.count()} hồ sơ, {seconds:.1f} giây).")
            return
        with transaction.atomic():
            changed = due.store(candidates)
        self.stdout.write(
            f"Đã tính lại hạn của {candidates.count()} hồ sơ: {changed} hồ sơ thay đổi "
            f"({time.monotonic() - started:.1f} giây)."
        )
