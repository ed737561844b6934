"""`ketnap backup TỆP [--keep N]`: one .tar.gz with the database, uploaded scans, the secret key and the office's own
document templates, safe to run while `ketnap serve` is running (see ketnap.ops.backup).

Nightly crontab line (README "Vận hành"; `%` must be written `\\%` in a crontab):
`0 2 * * * KETNAP_DATA_DIR=/srv/ketnap /opt/ketnap/.venv/bin/ketnap backup
/var/backups/ketnap/ketnap-$(date +\\%F).tar.gz --keep 14` (one line)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ketnap.ops import backup
from ketnap.ops.archive import BackupError


class Command(BaseCommand):
    help = (
        "Sao lưu CSDL, tệp đính kèm (bản quét), khóa bí mật và mẫu văn bản riêng của đơn vị vào một tệp .tar.gz "
        "(chạy được khi máy chủ đang chạy)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sao lưu sẽ tạo, ví dụ /var/backups/ketnap/ketnap-2026-12-01.tar.gz.")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Giữ N bản mới nhất cùng mẫu tên trong thư mục đó (các chữ số trong tên là ngày), xóa các bản cũ hơn.",
        )

    def handle(self, *args, file: str, keep: int | None, **options):
        try:
            done = backup.make(Path(file), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = done.manifest
        head = manifest["audit_head"][:16] or "(trống)"
        self.stdout.write(
            f"Đã sao lưu vào {Path(file).absolute()}: {len(manifest['files'])} tệp, "
            f"{done.size / 2**20:.1f} MB, CSDL {manifest['database_vendor']}, đầu chuỗi nhật ký {head}…, "
            f"trong {done.seconds:.1f} giây."
        )
        for path in done.removed:
            self.stdout.write(f"Đã xóa bản sao lưu cũ: {path}")
