"""`ketnap demo [--seed N] [--scale N] [--today dd/mm/yyyy]`: load the demo province (see demo/generator.py)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ketnap.demo import generator


def _day(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {raw!r}; nhập theo dạng dd/mm/yyyy.") from exc


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
            "--today", type=_day, default=None, help="Ngày 'hôm nay' của dữ liệu, dd/mm/yyyy (mặc định: hôm nay)."
        )

    def handle(self, *args, seed: int, scale: int, today: dt.date | None, **options):
        if scale < 1:
            raise CommandError("--scale phải từ 1 trở lên.")
        today = today or timezone.localdate()
        if generator.has_data():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp lại.")
            self._logins()
            return
        try:
            counts = generator.build(seed=seed, scale=scale, today=today)
        except generator.DemoDataExists:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp lại.")
            self._logins()
            return
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        members = counts["members"]
        percent = f"{100 * members / counts['staff']:.1f}".replace(".", ",") if counts["staff"] else "0"
        self.stdout.write(
            self.style.SUCCESS(f"Đã nạp dữ liệu mẫu (seed {seed}, quy mô {scale}, ngày {today:%d/%m/%Y}).")
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
        self._logins()

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
