"""The backup file: a gzip-compressed tar holding the members and, last, `manifest.json` (no Django here).

Why .tar.gz rather than .zip: the standard library writes and reads it as a stream (a backup of several GB never
needs a seek or a second copy), any Linux server lists or unpacks it with `tar` alone, and the SQLite database
inside shrinks to about a quarter. The manifest comes last because each member's sha256 is computed while the
member is written (a scan is read once); a restore reads the whole file anyway to check every member first.

Manifest (FORMAT 1): {"format", "ketnap_version", "database_vendor", "created_at" (ISO 8601 with offset),
"audit_head", "migrations" (applied "app.name" list), "files": [{"name", "size", "sha256", "mode"}]}.
A restore refuses a format it does not know: the file was made by a newer ketnap.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a manifest lists files; anything larger is not one of ours


class BackupError(Exception):
    """A backup that cannot be made or a file that cannot be restored; the message is for the operator (Vietnamese)."""


@dataclass(frozen=True)
class Member:
    name: str  # path inside the archive, "/"-separated, relative
    source: Path


class _HashingReader:
    """Feeds tarfile while hashing what it reads: each member is read from disk once."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data


def write(target: Path, members: Iterable[Member], manifest: dict) -> dict:
    """Write the members and the manifest (completed with the file list) to `target`, returns the manifest.

    The file is written under a hidden temporary name in the same directory, made 0600 before the first byte (it
    holds personal data), flushed to disk, then renamed: `target` is never a half-written backup.
    """
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".dang-ghi")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                # a file deleted between the listing and now (an upload replaced) is simply not in this backup
                files = [entry for member in members if (entry := _add(tar, member)) is not None]
                manifest = {**manifest, "files": files}
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)
    return manifest


def _add(tar: tarfile.TarFile, member: Member) -> dict | None:
    try:
        file = member.source.open("rb")
    except FileNotFoundError:
        return None
    with file:
        status = os.fstat(file.fileno())
        info = tarfile.TarInfo(member.name)
        info.size, info.mode, info.mtime = status.st_size, status.st_mode & 0o777, int(status.st_mtime)
        reader = _HashingReader(file)
        tar.addfile(info, reader)  # reads exactly st_size bytes; a file cut short meanwhile raises
    return {"name": member.name, "size": info.size, "sha256": reader.digest.hexdigest(), "mode": info.mode}


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _member_name(info: tarfile.TarInfo) -> str:
    """Only plain files with a relative name that stays inside the restore folder."""
    path = PurePosixPath(info.name)
    if not info.isreg() or path.is_absolute() or ".." in path.parts or "\\" in info.name or str(path) != info.name:
        raise BackupError(f"Tệp sao lưu chứa thành phần không hợp lệ: {info.name!r}. Không khôi phục gì.")
    return info.name


def _unreadable(path: Path, exc: Exception) -> BackupError:
    return BackupError(f"Tệp sao lưu {path} hỏng hoặc không đầy đủ ({exc}). Không khôi phục gì.")


def verify(path: Path) -> dict:
    """Read the whole file once, writing nothing: returns the manifest when every member is listed in it with the
    same size and sha256 and every listed file is there; raises BackupError otherwise."""
    seen, manifest = _read_members(path)
    if manifest is None:
        raise BackupError(f"{path} không phải tệp sao lưu của ketnap (không có {MANIFEST}). Không khôi phục gì.")
    listed = {entry["name"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    problems = [f"thiếu {name}" for name in sorted(listed.keys() - seen.keys())]
    problems += [f"thừa {name}" for name in sorted(seen.keys() - listed.keys())]
    problems += [f"sai mã băm {name}" for name in sorted(listed.keys() & seen.keys()) if listed[name] != seen[name]]
    if problems:
        shown = "; ".join(problems[:5]) + (f"; … ({len(problems)} chỗ)" if len(problems) > 5 else "")
        raise BackupError(f"Tệp sao lưu không khớp bản kê ({shown}). Không khôi phục gì.")
    return manifest


def _read_members(path: Path) -> tuple[dict[str, tuple[int, str]], dict | None]:
    """({member: (size, sha256)}, the manifest or None), reading the file once; a name twice is refused."""
    seen: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        with tarfile.open(path, "r|gz") as tar:
            for info in tar:
                name = _member_name(info)
                if name in seen or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"Tệp sao lưu có hai thành phần cùng tên {name!r}. Không khôi phục gì.")
                if name == MANIFEST:
                    manifest = _read_manifest(tar.extractfile(info).read(MAX_MANIFEST_BYTES + 1))
                else:
                    seen[name] = (info.size, _sha256(tar.extractfile(info)))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _unreadable(path, exc) from exc
    return seen, manifest


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data) if len(data) <= MAX_MANIFEST_BYTES else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), int):
        raise BackupError("Bản kê (manifest.json) của tệp sao lưu không đọc được. Không khôi phục gì.")
    if manifest["format"] > FORMAT:
        raise BackupError(
            f"Tệp sao lưu do ketnap {manifest.get('ketnap_version', '?')} tạo, theo định dạng {manifest['format']} "
            f"mà phiên bản này chưa biết (chỉ biết đến {FORMAT}). Hãy cập nhật ketnap trước khi khôi phục."
        )
    if not _lists_files(manifest.get("files")):
        raise BackupError("Bản kê (manifest.json) của tệp sao lưu không đọc được. Không khôi phục gì.")
    return manifest


def _lists_files(files) -> bool:
    """A list of {name, sha256, …}: what verify and extract read from the manifest."""
    return isinstance(files, list) and all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("sha256"), str) for f in files
    )


def _sha256(file) -> str:
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def extract(path: Path, manifest: dict, into: Path) -> None:
    """Unpack the members listed in the (already verified) manifest under `into`, checking each sha256 again as it
    is written (the file could have changed since `verify`); files get their recorded mode without any bit for
    others."""
    listed = {entry["name"]: entry for entry in manifest["files"]}
    try:
        with tarfile.open(path, "r|gz") as tar:
            for info in tar:
                name = _member_name(info)
                if name == MANIFEST:
                    continue
                if name not in listed:
                    raise BackupError(f"Tệp sao lưu đã thay đổi trong lúc khôi phục ({name}). Không khôi phục gì.")
                destination = into / name
                destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                digest = hashlib.sha256()
                source = tar.extractfile(info)
                with destination.open("xb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != listed[name]["sha256"]:
                    raise BackupError(f"Tệp sao lưu đã thay đổi trong lúc khôi phục ({name}). Không khôi phục gì.")
                destination.chmod(int(listed[name].get("mode", 0o600)) & 0o770)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _unreadable(path, exc) from exc
