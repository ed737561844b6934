"""`ketnap restore TỆP [--force]`: a backup made by `ketnap backup` into an empty data directory (SQLite) or an empty
database (PostgreSQL), then the audit chain's verification (see ketnap.ops.restore). Exit code 1 on any problem."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ketnap.ops import restore
from ketnap.ops.archive import BackupError


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `ketnap backup` vào thư mục dữ liệu (KETNAP_DATA_DIR) hoặc CSDL trống, "
        "rồi kiểm tra chuỗi nhật ký thay đổi."
    )
    requires_system_checks = []  # the database may not exist yet: that is the point

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu (.tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Xóa dữ liệu đang có (CSDL, tệp đính kèm, mẫu văn bản) và thay bằng bản sao lưu. Dừng máy chủ trước.",
        )

    def handle(self, *args, file: str, force: bool, **options):
        try:
            done = restore.restore(Path(file), replace=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = done.manifest
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {manifest['created_at']} (ketnap {manifest['ketnap_version']}, "
            f"CSDL {manifest['database_vendor']}, {len(manifest['files'])} tệp, mã băm từng tệp khớp bản kê)."
        )
        if done.pending_migrations:
            raise CommandError(f"Đã khôi phục, nhưng {done.problem} ({done.pending_migrations} bước cập nhật CSDL).")
        if not done.ok:
            raise CommandError(f"Đã khôi phục, nhưng KHÔNG khớp: {done.problem}.")
        self.stdout.write(
            f"Chuỗi nhật ký thay đổi: {done.report.checked} mục, nguyên vẹn; đầu chuỗi khớp bản kê "
            f"({done.report.head[:16] or '(trống)'})."
        )
