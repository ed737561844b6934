"""`ketnap import staff|members FILE --org CODE [--dry-run]`: load a roster (.xlsx / .csv) into an organisation.

The whole file is checked first; any error writes nothing, lists every error by row and column, and exits 1.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ketnap.imports.engine import Report
from ketnap.imports.members import IMPORTERS
from ketnap.registry.models import Organization


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class ProgressBar:
    """A one-line progress display on stderr (only on a terminal: logs and pipes get the summary alone)."""

    PHASES = {"check": "Kiểm tra", "write": "Ghi"}

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done != total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        label = self.PHASES.get(phase, phase)
        if total:
            width = 30
            filled = min(width, int(width * done / total))
            bar = "█" * filled + "·" * (width - filled)
            text = f"\r{label} [{bar}] {_n(done)}/{_n(total)} dòng ({_n(int(rate))} dòng/giây) "
        else:
            text = f"\r{label}: {_n(done)} dòng ({_n(int(rate))} dòng/giây) "
        self.stream.write(text)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Nhập danh sách nhân sự (staff) hoặc đảng viên (members) từ tệp .xlsx / .csv vào một tổ chức đảng. "
        "Kiểm tra toàn bộ tệp trước; có lỗi thì không ghi gì và thoát với mã 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(IMPORTERS), help="staff: nhân sự; members: đảng viên.")
        parser.add_argument("file", help="Tệp .xlsx hoặc .csv (UTF-8).")
        parser.add_argument("--org", required=True, help="Mã tổ chức đảng nhận danh sách (ví dụ mã đảng bộ cơ sở).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra và cho biết sẽ thêm/cập nhật bao nhiêu người."
        )

    def handle(self, *args, what: str, file: str, org: str, dry_run: bool, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"Không có tổ chức đảng mã {org!r}.")
        if not organization.active:
            raise CommandError(f"{organization.name} đã kết thúc hoạt động; không nhập vào.")
        stderr = getattr(self.stderr, "_out", sys.stderr)
        progress = ProgressBar(stderr)
        report = IMPORTERS[what](organization, file, dry_run=dry_run, progress=progress).run()
        progress.finish()
        self._print(report)
        if report.file_error:
            raise CommandError(f"{report.file_error} Không có gì được ghi.")
        if not report.ok:
            raise CommandError(f"Không nhập: {_n(report.error_count)} lỗi trong tệp; không có gì được ghi.")

    def _print(self, report: Report) -> None:
        out = self.stdout.write
        if report.header_row:
            out(f"Tệp {report.file_name}: dòng tiêu đề {report.header_row}; các cột nhận ra:")
            for heading, label in report.columns:
                out(f"  {heading} → {label}" if heading != label else f"  {heading}")
            if report.ignored_headers:
                out(f"  Bỏ qua các cột: {', '.join(report.ignored_headers)}")
        for error in report.errors:
            self.stderr.write(str(error))
        if report.error_count > len(report.errors):
            self.stderr.write(f"… và {_n(report.error_count - len(report.errors))} lỗi khác.")
        if report.file_error or not report.ok:
            return
        counts = (
            f"{_n(report.rows)} dòng: thêm mới {_n(report.created)}, cập nhật {_n(report.updated)}, "
            f"giữ nguyên {_n(report.unchanged)} người"
        )
        seconds = f"{report.seconds:.1f}".replace(".", ",")
        if report.dry_run:
            out(self.style.SUCCESS(f"Chạy thử, chưa ghi gì. Nếu nhập thật: {counts} ({seconds} giây)."))
        else:
            out(self.style.SUCCESS(f"Đã nhập {counts} ({seconds} giây)."))
        for key, title in (("created", "Thêm mới"), ("updated", "Cập nhật")):
            for number, name, detail in report.samples[key][:10]:
                out(f"  {title}: dòng {number}: {name}" + (f" ({detail})" if detail else ""))
