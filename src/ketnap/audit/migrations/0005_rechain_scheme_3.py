"""Re-chain the existing trail under scheme 3 (the hash covers a salted digest of the personal payload, not the
payload) and say so, in the trail and in the anchors file.

Why: under scheme 2 a purged person's values could never leave the trail without breaking it (ketnap.audit.sealing,
ketnap.audit.redaction). Why this is not a silent rewrite, as in 0003: the old chain is checked first as it stood
(scheme-2 hash and link of every entry, the seal of every entry sealed with this installation's key, every anchor of
DATA_DIR/audit-anchors.log against the old hashes), and the entry appended at the end records when, how many entries,
the old head hash (which backups and logs quote) and every id that did not check — re-chaining can neither hide an
earlier tampering nor pass unnoticed.

Anchors: the old anchors quote scheme-2 hashes that no entry has any more. Once the migration has committed, a line
is appended to the anchors file anchoring the record (its id and new hash) with the source sealing.RECHAIN_SOURCE;
ketnap.audit.chain.verify then checks the anchors written before that line by their entry id only (the entry must
still be there: deleting the newest entries is still told), their old hashes having been checked here, the verdict
kept in the record. The anchors file is appended to, never rewritten.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import migrations, transaction
from django.utils import timezone

from ketnap.audit import sealing

BATCH = 1000
FIELDS = ["previous_hash", "hash", "scheme", "key_id", "seal", "payload_salt", "payload_digest"]
ANCHORS_FILE = "audit-anchors.log"  # ketnap.audit.chain.ANCHORS_FILE (frozen here)
LISTED = 100  # ids listed in the record, per verdict


def scheme_2_hash(entry) -> str:
    return sealing.digest(
        sealing.payload(
            id=entry.id,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            model=entry.model,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            person_id=entry.person_id,
            changes=entry.changes,
            note=entry.note,
            previous_hash=entry.previous_hash,
            key_id=entry.key_id,
        )
    )


def scheme_3(entry, key: bytes) -> None:
    entry.scheme, entry.key_id = 3, sealing.key_id(key)
    entry.payload_salt = sealing.new_salt()
    entry.payload_digest = sealing.payload_digest(entry.payload_salt, entry.object_repr, entry.changes, entry.note)
    entry.hash = sealing.digest(
        sealing.payload_3(
            id=entry.id,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            model=entry.model,
            object_id=entry.object_id,
            person_id=entry.person_id,
            payload_digest=entry.payload_digest,
            previous_hash=entry.previous_hash,
            key_id=entry.key_id,
        )
    )
    entry.seal = sealing.seal(key, entry.hash)


def next_id(connection, table: str, last: int) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
    return last + 1


def read_anchors(path: Path) -> tuple[list[tuple[int, str]], int]:
    """(entry id, hash) of each anchor line, and the number of lines that could not be read."""
    if not path.exists():
        return [], 0
    found, unreadable = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        try:
            _at, entry_id, entry_hash = line.split("\t")[:3]
            found.append((int(entry_id), entry_hash))
        except ValueError:
            unreadable += 1
    return found, unreadable


def append_anchor(path: Path, entry_id: int, entry_hash: str, source: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{timezone.now().astimezone(dt.UTC).isoformat()}\t{entry_id}\t{entry_hash}\t{source}\n")


def rechain(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    using = schema_editor.connection.alias
    entries = Entry.objects.using(using).order_by("id")
    if not entries.exists():
        return
    key = sealing.load_key(settings.DATA_DIR, create=True)
    current = sealing.key_id(key)
    anchors_path = Path(settings.DATA_DIR) / ANCHORS_FILE
    anchors, unreadable = read_anchors(anchors_path)
    anchored = {entry_id for entry_id, _hash in anchors}
    old_hashes: dict[int, str] = {}
    old_previous, new_previous, batch = "", "", []
    broken, unsealed, unchecked, count, first, last = [], [], 0, 0, None, None
    for entry in entries.iterator(chunk_size=2000):
        if entry.previous_hash != old_previous or entry.scheme != 2 or entry.hash != scheme_2_hash(entry):
            broken.append(entry.id)
        elif entry.key_id != current:
            unchecked += 1  # sealed with a key this machine lacks (or never sealed): the hash alone was checked
        elif not sealing.seal_matches(key, entry.hash, entry.seal):
            unsealed.append(entry.id)
        if entry.id in anchored:
            old_hashes[entry.id] = entry.hash
        old_previous = entry.hash
        entry.previous_hash = new_previous
        scheme_3(entry, key)
        new_previous = entry.hash
        first, last, count = first or entry.id, entry.id, count + 1
        batch.append(entry)
        if len(batch) >= BATCH:
            Entry.objects.using(using).bulk_update(batch, FIELDS)
            batch = []
    if batch:
        Entry.objects.using(using).bulk_update(batch, FIELDS)
    mismatched = sorted({entry_id for entry_id, anchored_hash in anchors if old_hashes.get(entry_id) != anchored_hash})
    trouble = [
        f"{len(broken)} mục không khớp mã băm hoặc đứt chuỗi, đầu tiên #{broken[0]}" if broken else "",
        f"{len(unsealed)} mục sai chữ ký, đầu tiên #{unsealed[0]}" if unsealed else "",
        f"{len(mismatched)} mốc neo không khớp, đầu tiên mục #{mismatched[0]}" if mismatched else "",
    ]
    trouble = [t for t in trouble if t]
    verdict = "chuỗi cũ khớp" if not trouble else "chuỗi cũ KHÔNG khớp: " + "; ".join(trouble)
    record = Entry(
        id=next_id(schema_editor.connection, Entry._meta.db_table, last),
        at=timezone.now(),
        actor_name="hệ thống",
        action="event",
        model="audit.AuditEntry",
        object_id="",
        object_repr="Nhật ký thay đổi",
        changes={
            "scheme": [2, 3],
            "rechained": [None, {"entries": count, "first": first, "last": last}],
            "old_head": [None, old_previous],
            "old_broken": [None, broken[:LISTED]],
            "old_seal_mismatch": [None, unsealed[:LISTED]],
            "old_seal_unchecked": [None, unchecked],
            "old_anchors": [
                None,
                {"checked": len(anchors), "mismatched": mismatched[:LISTED], "unreadable": unreadable},
            ],
        },
        note=(
            f"Chuyển nhật ký sang cách băm mới (phiên bản 3: mã băm phủ thông tin mục và mã băm nội dung có muối, để "
            f"xóa được dữ liệu cá nhân hết thời hạn lưu trữ mà chuỗi vẫn kiểm tra được): {count} mục #{first}–#{last} "
            f"được nối lại; {verdict}; {len(anchors)} mốc neo cũ đã đối chiếu; mã băm cũ của mục cuối {old_previous}."
        )[:500],
        previous_hash=new_previous,
    )
    scheme_3(record, key)
    record.save(using=using, force_insert=True)
    source = f"{sealing.RECHAIN_SOURCE} (cách băm phiên bản 3, migration audit 0005): các mốc neo trước dòng này là "
    source += f"của chuỗi cũ, đã đối chiếu lúc nối lại — kết quả ở mục #{record.id}"
    transaction.on_commit(lambda: append_anchor(anchors_path, record.id, record.hash, source), using=using)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_payload_digest_scheme_3")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop, elidable=False)]
