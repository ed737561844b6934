"""How one audit entry is hashed and sealed (scheme 3), and the key that seals it.

Scheme 3 hashes the entry's metadata — the id, the time, who (id and name), the action, the kind and id of the object,
the person, the link to the previous entry and the id of the key that seals it — and `payload_digest` instead of the
personal payload itself. The payload (the object's description `object_repr`, the `changes` {field: [before, after]}
and the `note`) is digested apart: SHA-256 over a random per-entry salt (`payload_salt`) and the payload's canonical
JSON. `hash` is a plain SHA-256 that anyone can recompute; `seal` is HMAC-SHA256 of that hash under a key kept outside
the database (DATA_DIR/audit_key or KETNAP_AUDIT_KEY). Since each hash covers the previous one, a valid seal on an
entry vouches for the whole trail before it: whoever can write to the database but not read the key cannot rewrite
the trail and recompute seals that check.

Why the split: the retention purge (ketnap.audit.redaction) must be able to remove a person's values from the trail
while the trail still verifies. A redacted entry keeps its metadata and its digest and loses the payload and the salt:
the chain still holds (the hash covers the digest), and without the salt the digest says nothing about the old values
(a birth date or a CCCD could otherwise be found by trying every possible value).

Scheme 1 (before issue #13) hashed neither the time, nor the names, nor the id; scheme 2 (issue #13) hashed every
stored field, payload included. The migrations 0003 and 0005 re-chained the existing entries (1 → 2, 2 → 3) and
recorded that in the trail itself. `payload` and `payload_3` are frozen: migrations and verification use them.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from ketnap.envconfig import create_once

SCHEME = 3
SCHEMES = (2, 3)  # what verification reads: scheme 2 entries only exist where migration 0005 did not run
# The source of the anchors-file line a re-chaining migration writes (ketnap.audit.chain reads the anchors before
# such a line as anchors of the old chain)
RECHAIN_SOURCE = "nối lại chuỗi"
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
    """Scheme 2: every stored field (frozen)."""
    fields = [
        2,
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
    return _json(fields)


def payload_3(
    *,
    id,
    at,
    actor_id,
    actor_name,
    action,
    model,
    object_id,
    person_id,
    payload_digest,
    previous_hash,
    key_id,
) -> bytes:
    """Scheme 3: the metadata and the payload's digest, not the payload (frozen)."""
    fields = [
        3,
        id,
        canonical_time(at),
        actor_id,
        actor_name,
        action,
        model,
        object_id,
        person_id,
        payload_digest,
        previous_hash,
        key_id,
    ]
    return _json(fields)


def new_salt() -> str:
    """16 random bytes, hex: one per entry, wiped with the payload when the entry is redacted."""
    return secrets.token_hex(16)


def payload_digest(salt: str, object_repr: str, changes, note: str) -> str:
    """SHA-256 of the salt and the personal payload (scheme 3, frozen); `changes` as the database gives it back."""
    return digest(_json([salt, object_repr, changes, note]))


def _json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


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
    if not path.exists() and not create:
        return None
    return create_once(path, secrets.token_urlsafe(48)).strip().encode()
