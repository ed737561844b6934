"""`ketnap serve`: the production WSGI server (waitress: pure Python, multi-threaded, also on Windows).

It records the address it serves on in the data directory (ketnap.siteaddress), so that `ketnap remind` run later
from cron links to the port really served; KETNAP_BASE_URL, when set (behind a reverse proxy), wins.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ketnap import siteaddress


class Command(BaseCommand):
    help = "Chạy ketnap bằng máy chủ WSGI waitress (mặc định http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Địa chỉ lắng nghe (0.0.0.0 để máy khác trong mạng LAN truy cập).",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, threads, no_collectstatic, **options):
        from waitress import serve

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        from ketnap.wsgi import application  # after collectstatic: whitenoise indexes STATIC_ROOT when built

        served = siteaddress.record(host, port)
        self.stdout.write(f"ketnap đang chạy tại {served}/  (nghe trên {host}:{port}; dữ liệu: {settings.DATA_DIR})")
        self.stdout.write(f"Đường dẫn trong thư nhắc việc: {siteaddress.explained()}.")
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        serve(application, host=host, port=port, threads=threads, ident="ketnap")
