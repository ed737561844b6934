"""`ketnap demo [--seed N] [--scale N] [--today dd/mm/yyyy] [--host H --port P]`: load the demo province (see
demo/generator.py), then show one round of reminder e-mails.

The demo's users have e-mail addresses (@ketnap.example, never a real mailbox); right after loading, `ketnap remind`
runs once so that a newcomer sees what a reminder looks like: without an SMTP server the mail is written into
DATA_DIR/mail/ and the command says which file to open. `--host/--port` name the address `ketnap serve` is about to
serve on (`make demo` passes its HOST and PORT), recorded like `serve` records it, so the reminders' links work.
"""

import datetime as dt
from io import StringIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ketnap import siteaddress
from ketnap.demo import generator
from ketnap.pipeline import reminders
from ketnap.registry.services.dates import command_day
from ketnap.rules.dates import ddmmyyyy


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (ngành y tế tỉnh Quảng Ninh) vào cơ sở dữ liệu trống; in các tài khoản trình diễn."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Hạt giống ngẫu nhiên (mặc định 2026).")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Hệ số quy mô: N ≥ 1 nhân bản 19 đơn vị ngoài khối Sở Y tế (khoảng 8.000 × N nhân sự).",
        )
        parser.add_argument(
            "--today",
            type=command_day,
            default=None,
            help="Ngày 'hôm nay' của dữ liệu, dd/mm/yyyy (mặc định: hôm nay).",
        )
        parser.add_argument("--host", default=None, help="Địa chỉ ketnap serve sẽ nghe (để đường dẫn trong thư đúng).")
        parser.add_argument("--port", type=int, default=None, help="Cổng ketnap serve sẽ nghe (mặc định 8000).")

    def handle(self, *args, seed: int, scale: int, today: dt.date | None, host, port, **options):
        if scale < 1:
            raise CommandError("--scale phải từ 1 trở lên.")
        today = today or timezone.localdate()
        if host is not None or port is not None:
            siteaddress.record(host or "127.0.0.1", port or 8000)
        if generator.has_data():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp lại.")
            self._logins()
            self._mail(None)
            return
        try:
            counts = generator.build(seed=seed, scale=scale, today=today)
        except generator.DemoDataExists:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp lại.")
            self._logins()
            self._mail(None)
            return
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        members = counts["members"]
        percent = f"{100 * members / counts['staff']:.1f}".replace(".", ",") if counts["staff"] else "0"
        self.stdout.write(
            self.style.SUCCESS(f"Đã nạp dữ liệu mẫu (seed {seed}, quy mô {scale}, ngày {ddmmyyyy(today)}).")
        )
        rows = [
            ("Đơn vị sự nghiệp", counts["units"]),
            ("Khoa / phòng / trạm", counts["departments"]),
            ("Tổ chức đảng đang hoạt động", counts["organizations"]),
            ("  trong đó chi bộ", counts["cells"]),
            ("Nhân sự đang làm việc", counts["staff"]),
            (f"Đảng viên ({percent}% nhân sự)", members),
            ("  chính thức", counts["official"]),
            ("  dự bị", counts["probationary"]),
            ("Kết nạp 01/2020 – 07/2023", counts["admitted_2020_to_2023_07"]),
            ("Đảng viên đã ra khỏi danh sách (nghỉ hưu, từ trần)", counts["departed"]),
            ("Đang trên đường phát triển đảng viên", counts["candidates_open"]),
            ("  việc quá hạn", counts["due_overdue"]),
            ("  việc sắp đến hạn", counts["due_soon"]),
            ("Đông Triều: học lớp nhận thức từ 2015, đã kết nạp", counts["story_course_since_2015"]),
            ("Đông Triều: quyết định kết nạp quý I/2021", counts["story_q1_2021"]),
        ]
        width = max(len(label) for label, _n in rows)
        for label, number in rows:
            self.stdout.write(f"  {label.ljust(width)}  {f'{number:,}'.replace(',', '.'):>7}")
        seconds = f"{counts['seconds']}".replace(".", ",")
        self.stdout.write(f"  {'Thời gian nạp'.ljust(width)}  {seconds:>7} giây")
        if options["verbosity"] >= 2:
            self.stdout.write("  " + ", ".join(f"{name} {s}".replace(".", ",") for name, s in counts["phases"].items()))
            self.stdout.write("  MB: " + ", ".join(f"{name} {mb}" for name, mb in counts["peak_mb"].items()))
        self._logins()
        self._mail(today)

    def _mail(self, today: dt.date | None) -> None:
        """Where reminders go; right after loading (`today`), one round of them, unless a real SMTP server is set
        (the demo's addresses are not real mailboxes: the command to preview them is printed instead)."""
        self.stdout.write("")
        if today is None or settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
            self.stdout.write(f"Thư nhắc việc (ketnap remind) đi tới: {reminders.destination()}.")
            self.stdout.write("Xem trước thư nhắc việc của hôm nay: ketnap remind --dry-run")
            return
        self.stdout.write("Thư nhắc việc cho các tài khoản trình diễn (ketnap remind, chạy một lần):")
        out = StringIO()
        call_command("remind", "--today", ddmmyyyy(today), stdout=out)
        for line in out.getvalue().splitlines():
            self.stdout.write(f"  {line}")

    def _logins(self) -> None:
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u for u, _d in generator.DEMO_USERS])
            .values_list("username", flat=True)
        )
        if not existing:
            return
        self.stdout.write("")
        self.stdout.write(f"Tài khoản trình diễn (mật khẩu chung: {generator.DEMO_PASSWORD}):")
        width = max(len(u) for u, _d in generator.DEMO_USERS)
        for username, description in generator.DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username.ljust(width)}  {description}")
