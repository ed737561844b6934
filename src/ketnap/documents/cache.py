"""Generated documents kept in the data directory, so that the same document is never made twice.

A PDF takes LibreOffice 1–13 s; asked again for an unchanged record it should come at once. Each document (a
form's .docx or PDF, a list) is stored as DATA_DIR/cache/documents/<owner>/<slot>.<key>.<ext>, where the key is the
sha256 of everything that fills it (`key`): the bytes of the template file actually used (the office's own copy in
DATA_DIR/templates_docx/ when there is one), the whole rendering context (names, dates, numbers, votes, the signer's
post, the introduction, the place…), the format and VERSION. A second request for an unchanged record is served
from the file without docxtpl or LibreOffice; any change of the record (a step corrected, a name edited, another
signer) changes the context, hence the key, so a stale document is never served.

Cached copies hold personal data (names, dates of birth, votes; Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15), so:
- they live only in the data directory (folders 0700, files 0600), next to the database they come from;
- a candidate's documents sit in a folder of their own (owner "ung-vien-<pk>"): storing a new version of a document
  removes the older versions of the same slot at once, and deleting the candidate (or the person) deletes the folder
  (`forget_candidate`, connected to Candidate's post_delete in apps.py); ketnap has no other erasure path — a person
  is archived, not erased, and their documents then simply age out;
- every entry is deleted MAX_AGE_DAYS after it was made (used or not: a hit does not extend it), and the whole cache
  is kept under MAX_MB, oldest first. Pruning runs when documents are asked for, at most every PRUNE_EVERY seconds;
  an entry past its age is never served even before it is pruned.
Settings: KETNAP_DOCUMENT_CACHE_DAYS (0 turns the cache off), KETNAP_DOCUMENT_CACHE_MB.
"""

import hashlib
import json
import os
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings

VERSION = 1  # bump when the way a document is made changes without its template or context changing
PRUNE_EVERY = 3600  # seconds between two prunings
_last_pruned: float | None = None  # this process's last pruning (time.monotonic)


def max_age_seconds() -> float:
    return getattr(settings, "KETNAP_DOCUMENT_CACHE_DAYS", 30) * 86400


def max_bytes() -> int:
    return getattr(settings, "KETNAP_DOCUMENT_CACHE_MB", 200) * 2**20


def enabled() -> bool:
    return max_age_seconds() > 0


def root() -> Path:
    return Path(settings.DATA_DIR) / "cache" / "documents"


def key(template: Path, context: dict, fmt: str) -> str:
    """The sha256 of everything that fills the document: the template file's bytes, the context, the format."""
    digest = hashlib.sha256(f"ketnap-document/{VERSION}/{fmt}\n".encode())
    digest.update(hashlib.sha256(template.read_bytes()).digest())
    digest.update(json.dumps(context, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def _safe(part: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in part) or "-"


def _path(owner: str, slot: str, digest: str, ext: str) -> Path:
    return root() / _safe(owner) / f"{_safe(slot)}.{digest[:40]}.{_safe(ext)}"


def get(owner: str, slot: str, digest: str, ext: str) -> bytes | None:
    """The stored document, or None (never stored, or older than MAX_AGE_DAYS)."""
    if not enabled():
        return None
    maybe_prune()
    path = _path(owner, slot, digest, ext)
    try:
        if time.time() - path.stat().st_mtime > max_age_seconds():
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except FileNotFoundError:  # never stored, or pruned by another request meanwhile
        return None


def put(owner: str, slot: str, digest: str, ext: str, data: bytes, *, replaces_older: bool = True) -> None:
    """Store a document; with `replaces_older` the other versions of the same slot (older records) go."""
    if not enabled():
        return
    path = _path(owner, slot, digest, ext)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(data)
    os.replace(temporary, path)  # readers see the whole file or none
    if replaces_older:
        prefix, suffix = f"{_safe(slot)}.", f".{_safe(ext)}"
        for other in path.parent.iterdir():
            if other != path and other.name.startswith(prefix) and other.name.endswith(suffix):
                other.unlink(missing_ok=True)
    maybe_prune()


def forget_candidate(candidate_pk: int) -> None:
    """Remove every cached document of one candidate (their record is being deleted)."""
    shutil.rmtree(root() / f"ung-vien-{candidate_pk}", ignore_errors=True)


def clear() -> None:
    shutil.rmtree(root(), ignore_errors=True)


def _entries() -> list[tuple[float, int, Path]]:
    found = []
    if not root().is_dir():
        return found
    for folder in root().iterdir():
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue
            found.append((stat.st_mtime, stat.st_size, Path(entry.path)))
    return found


def prune(now: float | None = None) -> int:
    """Delete entries older than MAX_AGE_DAYS, then the oldest until the cache fits MAX_MB; returns how many went."""
    now = time.time() if now is None else now
    removed = 0
    kept = []
    for mtime, size, path in _entries():
        if now - mtime > max_age_seconds() or (path.name.startswith(".") and now - mtime > 600):
            path.unlink(missing_ok=True)  # too old (or a temporary file left by a crash)
            removed += 1
        else:
            kept.append((mtime, size, path))
    total = sum(size for _mtime, size, _path in kept)
    for _mtime, size, path in sorted(kept):
        if total <= max_bytes():
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    return removed


def maybe_prune() -> None:
    global _last_pruned
    if _last_pruned is None or time.monotonic() - _last_pruned >= PRUNE_EVERY:
        _last_pruned = time.monotonic()
        prune()


def usage() -> dict:
    """Entries and bytes in the cache (for the benchmark and the admins)."""
    entries = _entries()
    return {"entries": len(entries), "bytes": sum(size for _m, size, _p in entries), "path": str(root())}
