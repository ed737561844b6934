"""How one audit entry is hashed and sealed (scheme 2), and the key that seals it.

Scheme 2 hashes every stored field: the id, the time, who (id and name), what (model, id, name), the person, the
changes, the note, the link to the previous entry and the id of the key that seals it. `hash` is a plain SHA-256
that anyone can recompute; `seal` is HMAC-SHA256 of that hash under a key kept outside the database
(DATA_DIR/audit_key or KETNAP_AUDIT_KEY). Since each hash covers the previous one, a valid seal on an entry vouches
for the whole trail before it: whoever can write to the database but not read the key cannot rewrite the trail
and recompute seals that check.

Scheme 1 (before issue #13) hashed neither the time, nor the names, nor the id; the migration 0002 re-chained the
existing entries under scheme 2 and recorded that in the trail itself.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

SCHEME = 2
KEY_ENV = "KETNAP_AUDIT_KEY"
KEY_FILE = "audit_key"


def canonical_time(at: dt.datetime) -> str:
    """UTC to the microsecond: what both SQLite and PostgreSQL give back for a stored aware datetime."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value):
    """A JSON value as the database gives it back (tuples as lists, keys as strings): hash what is stored."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def payload(
    *,
    id,
    at,
    actor_id,
    actor_name,
    action,
    model,
    object_id,
    object_repr,
    person_id,
    changes,
    note,
    previous_hash,
    key_id,
) -> bytes:
    fields = [
        SCHEME,
        id,
        canonical_time(at),
        actor_id,
        actor_name,
        action,
        model,
        object_id,
        object_repr,
        person_id,
        changes,
        note,
        previous_hash,
        key_id,
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal(key: bytes, entry_hash: str) -> str:
    return hmac.new(key, entry_hash.encode(), hashlib.sha256).hexdigest()


def seal_matches(key: bytes, entry_hash: str, stored: str) -> bool:
    return hmac.compare_digest(seal(key, entry_hash), stored)


def key_id(key: bytes) -> str:
    """A short public name of the key (not reversible): which key sealed an entry, to tell a lost key apart."""
    return hmac.new(key, b"ketnap audit key id", hashlib.sha256).hexdigest()[:16]


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE


def load_key(data_dir: Path, *, create: bool) -> bytes | None:
    """KETNAP_AUDIT_KEY, else DATA_DIR/audit_key; created (0600, never overwritten) when `create` and missing.

    Writers create it on first use, like the secret key; `ketnap audit verify` never does (a missing key is
    reported, not replaced).
    """
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].strip().encode()
    path = key_path(data_dir)
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()
