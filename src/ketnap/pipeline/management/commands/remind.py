"""`ketnap remind [--dry-run] [--today dd/mm/yyyy]`: e-mail each user what is overdue or due soon (for cron).

Example crontab line (07:00 on working days): `0 7 * * 1-5  /srv/ketnap/.venv/bin/ketnap remind`.
The work is in ketnap.pipeline.reminders; this command only sends and reports, saying where the mail went (an SMTP
server, or files in DATA_DIR/mail/ when none is configured) and which address the links use (ketnap.siteaddress:
KETNAP_BASE_URL, else the address `ketnap serve` last ran on).
"""

import datetime as dt

from django.core.mail import get_connection
from django.core.management.base import BaseCommand

from ketnap import siteaddress
from ketnap.pipeline import reminders
from ketnap.registry.services.dates import command_day
from ketnap.registry.services.dates import today as local_today
from ketnap.rules.dates import ddmmyyyy


class Command(BaseCommand):
    help = (
        "Gửi mỗi người dùng một thư liệt kê việc phát triển đảng viên quá hạn, sắp đến hạn và đến hạn trong "
        "30 ngày tới trong phạm vi của họ (chạy hằng ngày bằng cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="In các thư ra màn hình, không gửi.")
        parser.add_argument(
            "--today", type=command_day, default=None, help="Tính hạn theo ngày này, dd/mm/yyyy (mặc định: hôm nay)."
        )

    def handle(self, *args, dry_run: bool, today: dt.date | None, **options):
        today = today or local_today()
        base_url = siteaddress.base_url()
        found = reminders.gather(today)
        messages = [reminders.message(r, today, base_url) for r in found]
        items = sum(r.item_count for r in found)
        if dry_run:
            self._show(messages, today, items)
        else:
            self._send(messages, found, today, items)
        self.stdout.write(f"Đường dẫn trong thư: {siteaddress.explained()}.")

    def _show(self, messages: list, today: dt.date, items: int) -> None:
        for msg in messages:
            self.stdout.write(f"Đến: {', '.join(msg.to)}\nTiêu đề: {msg.subject}\n\n{msg.body}{reminders.RULE}")
        self.stdout.write(
            f"Chạy thử ngày {ddmmyyyy(today)}: {len(messages)} thư ({items} việc) sẽ được gửi; chưa gửi thư nào."
        )

    def _send(self, messages: list, found: list, today: dt.date, items: int) -> None:
        if reminders.mail_folder() is not None:  # no SMTP server: files naming people, readable by the server only
            reminders.mail_folder().mkdir(mode=0o700, parents=True, exist_ok=True)
            reminders.prune_mail_files()
        sent = get_connection().send_messages(messages) if messages else 0
        names = ", ".join(r.user.get_username() for r in found)
        done = "đã lưu" if reminders.mail_folder() is not None else "đã gửi"  # no SMTP server: files, not mail
        self.stdout.write(
            f"Ngày {ddmmyyyy(today)}: {done} {sent or 0} thư ({items} việc)" + (f" cho: {names}." if names else ".")
        )
        self.stdout.write(f"Thư đi tới: {reminders.destination()}.")
        latest = reminders.latest_mail_file()
        if sent and latest is not None:
            self.stdout.write(f"Xem thư vừa lưu: {latest}")
