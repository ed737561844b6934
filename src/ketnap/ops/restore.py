"""`ketnap restore`: a backup back into an empty data directory (SQLite) or an empty database (PostgreSQL).

Order, so that a bad file changes nothing: read the whole file and check every member's sha256 against the
manifest (archive.verify), refuse a backup of another database vendor or of a newer ketnap (unknown format or
migrations this code does not have), refuse a data directory / database that already holds data unless `replace`
(--force); only then unpack into a hidden folder inside the data directory (same disk: the final moves are
renames), load the database, put media/, templates_docx/ and secret_key in place, and finally verify the audit
chain and compare its head with the one written in the manifest when the backup was made.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader

from ketnap.audit import chain, sealing
from ketnap.ops import archive, databases
from ketnap.ops.archive import BackupError

FOLDERS = ("media", "templates_docx")  # restored as a whole: with --force, what the backup lacks goes
FILES = ("secret_key", sealing.KEY_FILE, chain.ANCHORS_FILE)  # DATA_DIR's own files, when the backup has them
OLDER = (
    "bản sao lưu của phiên bản ketnap cũ hơn nên chưa kiểm tra được chuỗi nhật ký: "
    "chạy `ketnap migrate` rồi `ketnap audit verify`"
)


@dataclass(frozen=True)
class Restored:
    manifest: dict
    report: chain.ChainReport | None  # None: the chain could not be read (see problem)
    problem: str  # "" when the chain verifies and its head is the manifest's
    pending_migrations: int  # the backup is older than this code: `ketnap migrate` is due

    @property
    def ok(self) -> bool:
        return not self.problem


def _live(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) if name == "media" else Path(settings.DATA_DIR) / name


def what_is_there() -> list[str]:
    """What the target already holds (empty list: nothing, a restore may go ahead without --force)."""
    found = [database] if (database := databases.what_is_there()) else []
    for name in FOLDERS:
        count = sum(1 for path in _live(name).rglob("*") if path.is_file()) if _live(name).is_dir() else 0
        if count:
            found.append(f"{_live(name)} có {count} tệp")
    return found


def _check_compatible(manifest: dict) -> int:
    """Refuse another vendor's or a newer ketnap's backup; returns how many of this code's migrations it lacks."""
    if manifest.get("database_vendor") != databases.vendor():
        raise BackupError(
            f"Tệp sao lưu là của CSDL {manifest.get('database_vendor')}, còn ketnap đang cấu hình CSDL "
            f"{databases.vendor()} (DATABASE_URL). Không khôi phục gì."
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    applied = set(manifest.get("migrations", []))
    unknown = sorted(applied - known)
    if unknown:
        raise BackupError(
            f"Tệp sao lưu do ketnap {manifest.get('ketnap_version', '?')} tạo, mới hơn phiên bản đang cài "
            f"(CSDL có {len(unknown)} bước cập nhật mà phiên bản này chưa có, ví dụ {unknown[0]}). "
            "Hãy cập nhật ketnap trước khi khôi phục. Không khôi phục gì."
        )
    return len(known - applied)


def _put_in_place(staging: Path, manifest: dict, *, replace: bool) -> None:
    database = next(entry["name"] for entry in manifest["files"] if entry["name"].startswith("database/"))
    databases.load(database, staging / database, replace=replace)
    for name in FOLDERS:
        new, live, old = staging / name, _live(name), staging / f"cu-{name}"
        if live.exists():
            os.replace(live, old)  # removed with the staging folder
        if new.exists():
            os.replace(new, live)
    for name in FILES:
        if (staging / name).exists():
            os.replace(staging / name, Path(settings.DATA_DIR) / name)


def _verify_chain(manifest: dict) -> tuple[chain.ChainReport | None, str]:
    connections.close_all()  # read the restored database, not a connection opened before it was put in place
    try:
        report = chain.verify()
    except DatabaseError as exc:
        return None, f"không đọc được nhật ký thay đổi ({exc}); chạy `ketnap migrate` rồi `ketnap audit verify`"
    if not report.ok:
        return report, f"chuỗi nhật ký hỏng ở mục #{report.first_broken}: {report.reason}"
    if report.head != manifest.get("audit_head", ""):
        return report, (
            f"đầu chuỗi nhật ký {report.head[:16] or '(trống)'} khác với bản kê "
            f"{manifest.get('audit_head', '')[:16] or '(trống)'}"
        )
    return report, ""


def restore(path: Path, *, replace: bool = False) -> Restored:
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    manifest = archive.verify(path)
    pending = _check_compatible(manifest)
    found = what_is_there()
    if found and not replace:
        raise BackupError(
            "Nơi khôi phục không trống: " + "; ".join(found) + ". Không khôi phục gì. Khôi phục vào một thư mục dữ "
            "liệu (KETNAP_DATA_DIR) hoặc CSDL trống, hoặc thêm --force để XÓA dữ liệu hiện có và thay bằng bản "
            "sao lưu (hãy dừng `ketnap serve` trước)."
        )
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".khoi-phuc-") as folder:
        staging = Path(folder)
        archive.extract(path, manifest, staging)
        _put_in_place(staging, manifest, replace=replace)
    if pending:  # the code's audit model is newer than the restored tables: `ketnap migrate` first
        return Restored(manifest, None, OLDER, pending)
    report, problem = _verify_chain(manifest)
    return Restored(manifest, report, problem, pending)
