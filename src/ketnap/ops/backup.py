"""`ketnap backup`: what goes into a backup, and the rotation of old ones (`--keep N`).

In: the database (ops.databases), the uploaded files (MEDIA_ROOT: scans of dossier papers), the secret key file
(when KETNAP_SECRET_KEY does not give the key), the audit trail's sealing key (DATA_DIR/audit_key, when
KETNAP_AUDIT_KEY does not give it) and its anchors (DATA_DIR/audit-anchors.log), the office's own document templates
(DATA_DIR/templates_docx/). Out, because they are rebuilt or transient: DATA_DIR/cache/, mail/, static/, imports/
(uploads being checked), served-url.
"""

import datetime as dt
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

from ketnap.audit import chain, sealing
from ketnap.ops import archive, databases
from ketnap.ops.archive import BackupError, Member

SUFFIXES = (".tar.gz", ".tgz")


@dataclass(frozen=True)
class Done:
    manifest: dict
    size: int  # bytes of the backup file
    seconds: float
    removed: list[Path]  # older backups removed by --keep


def _files_under(folder: Path, prefix: str) -> list[Member]:
    if not folder.is_dir():
        return []
    return [
        Member(f"{prefix}/{path.relative_to(folder).as_posix()}", path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


def files() -> list[Member]:
    """The data directory's files that belong in a backup (the database apart)."""
    data_dir = Path(settings.DATA_DIR)
    members = []
    for name, variable in (("secret_key", "KETNAP_SECRET_KEY"), (sealing.KEY_FILE, sealing.KEY_ENV)):
        if not os.environ.get(variable) and (data_dir / name).is_file():
            members.append(Member(name, data_dir / name))
    members += _files_under(Path(settings.MEDIA_ROOT), "media")
    members += _files_under(data_dir / "templates_docx", "templates_docx")
    return members


def _copy_anchors(folder: Path) -> list[Member]:
    live = chain.anchors_path()
    if not live.is_file():
        return []
    shutil.copyfile(live, folder / chain.ANCHORS_FILE)
    return [Member(chain.ANCHORS_FILE, folder / chain.ANCHORS_FILE)]


def rotation_pattern(name: str) -> re.Pattern:
    """Backups "of the same pattern" as `name`: the same name with any digits where it has digits
    (ketnap-2026-12-01.tar.gz → ketnap-DDDD-DD-DD.tar.gz)."""
    if not any(ch.isdigit() for ch in name):
        raise BackupError(
            "--keep cần tên tệp có ngày để nhận ra các bản sao lưu cũ (ví dụ ketnap-$(date +%F).tar.gz), "
            f"không phải {name}."
        )
    return re.compile("".join("[0-9]" if ch.isdigit() else re.escape(ch) for ch in name))


def prune(target: Path, keep: int) -> list[Path]:
    """Remove the backups of `target`'s pattern in its directory beyond the `keep` newest (by modification time)."""
    pattern = rotation_pattern(target.name)
    same = [
        path
        for path in target.parent.iterdir()
        if pattern.fullmatch(path.name) and path.is_file() and not path.is_symlink() and path != target
    ]
    same.sort(key=lambda path: (path.stat().st_mtime, path.name), reverse=True)
    removed = same[max(keep - 1, 0) :]  # the backup just written is the newest
    for path in removed:
        path.unlink()
    return removed


def check_target(target: Path, keep: int | None) -> None:
    if not target.name.endswith(SUFFIXES):
        raise BackupError(f"Tên tệp sao lưu phải kết thúc bằng .tar.gz (tệp nén tar), không phải {target.name}.")
    if not target.parent.is_dir():
        raise BackupError(f"Thư mục {target.parent} không tồn tại; hãy tạo trước (chỉ người chạy ketnap được đọc).")
    if keep is not None:
        if keep < 1:
            raise BackupError("--keep phải từ 1 trở lên.")
        rotation_pattern(target.name)


def make(target: Path, *, keep: int | None = None) -> Done:
    target = target.absolute()
    check_target(target, keep)
    started = time.monotonic()
    # The database copy waits next to the backup, in a folder only this user can read (mkdtemp: 0700).
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ketnap-sao-luu-") as folder:
        folder = Path(folder)
        anchors = _copy_anchors(folder)  # before the database: every anchor in the copy is of an entry in it
        snapshot = databases.snapshot(folder)
        manifest = {
            "format": archive.FORMAT,
            "ketnap_version": version("ketnap"),
            "database_vendor": databases.vendor(),
            "created_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "audit_head": snapshot.audit_head,
            "migrations": snapshot.migrations,
        }
        members = [Member(snapshot.member, snapshot.path), *files(), *anchors]
        manifest = archive.write(target, members, manifest)
    chain.anchor(f"sao lưu {target.name}")  # the head outside the database too (ketnap.audit.chain)
    removed = prune(target, keep) if keep is not None else []
    return Done(manifest, target.stat().st_size, time.monotonic() - started, removed)
