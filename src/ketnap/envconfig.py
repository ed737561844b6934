"""Strict parsing of KETNAP_* environment variables (healthchecks' envbool spirit: reject what is unclear)."""

import functools
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def data_dir(base_dir: Path) -> Path:
    """KETNAP_DATA_DIR, else var/ under `base_dir`; made at startup (ketnap.ops.apps), not by the settings."""
    return Path(os.environ.get("KETNAP_DATA_DIR") or base_dir / "var").resolve()


def secret_key(directory: Path) -> str:
    """KETNAP_SECRET_KEY, else a key generated once into the data directory (so the demo needs no set-up)."""
    if os.environ.get("KETNAP_SECRET_KEY"):
        return os.environ["KETNAP_SECRET_KEY"]
    return create_once(directory / "secret_key", secrets.token_urlsafe(64)).strip()


def lazy_secret_key(directory: Path):
    """secret_key(directory) as a string read at its first use (a session, a CSRF token), once per process: the
    settings hold it without touching the file when they are imported."""
    return lazy(functools.cache(functools.partial(secret_key, directory)), str)()


def create_once(path: Path, content: str) -> str:
    """The file's content; when missing, written first with `content` (mode 0600) so that no reader ever sees it
    half-written: several worker processes start at once on a fresh install, and the first one to link its
    complete temporary file wins; the others read that one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temp, path)  # atomic, and refuses to replace a file another process linked first
            except FileExistsError:
                pass
        finally:
            temp.unlink(missing_ok=True)
    return path.read_text()
