"""Re-chain the existing trail under scheme 2 (every field hashed, each hash sealed with the key) and say so in it.

Why re-chain rather than keep the old entries under scheme 1: scheme 1 did not cover the time, the names or the id,
so an old entry's time or names could still be changed unseen for ever. Why this is not a silent rewrite: the old
chain is checked first, as it stood, and the entry appended at the end records when it was re-chained, how many
entries, the old head hash (which backups or logs may quote) and the ids that did not check under scheme 1 — so
re-chaining can neither hide an earlier tampering nor pass unnoticed.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from ketnap.audit import sealing

BATCH = 1000
FIELDS = ["previous_hash", "hash", "scheme", "key_id", "seal"]


def scheme_1_hash(entry) -> str:
    """The hash as ketnap computed it before issue #13 (frozen here)."""
    data = [
        entry.actor_id,
        entry.action,
        entry.model,
        entry.object_id,
        entry.person_id,
        entry.changes,
        entry.note,
        entry.previous_hash,
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def scheme_2(entry, key: bytes):
    entry.scheme, entry.key_id = 2, sealing.key_id(key)
    entry.hash = sealing.digest(
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
    entry.seal = sealing.seal(key, entry.hash)


def next_id(connection, table: str, last: int) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
    return last + 1


def rechain(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    using = schema_editor.connection.alias
    entries = Entry.objects.using(using).order_by("id")
    if not entries.exists():
        return
    key = sealing.load_key(settings.DATA_DIR, create=True)
    old_previous, new_previous, broken, batch, count, first, last = "", "", [], [], 0, None, None
    for entry in entries.iterator(chunk_size=2000):
        if entry.previous_hash != old_previous or entry.hash != scheme_1_hash(entry):
            broken.append(entry.id)
        old_previous = entry.hash
        entry.previous_hash = new_previous
        scheme_2(entry, key)
        new_previous = entry.hash
        first, last, count = first or entry.id, entry.id, count + 1
        batch.append(entry)
        if len(batch) >= BATCH:
            Entry.objects.using(using).bulk_update(batch, FIELDS)
            batch = []
    if batch:
        Entry.objects.using(using).bulk_update(batch, FIELDS)
    verdict = "chuỗi cũ khớp" if not broken else f"chuỗi cũ KHÔNG khớp ở {len(broken)} mục, đầu tiên #{broken[0]}"
    record = Entry(
        id=next_id(schema_editor.connection, Entry._meta.db_table, last),
        at=timezone.now(),
        actor_name="hệ thống",
        action="event",
        model="audit.AuditEntry",
        object_id="",
        object_repr="Nhật ký thay đổi",
        changes={
            "scheme": [1, 2],
            "rechained": [None, {"entries": count, "first": first, "last": last}],
            "old_head": [None, old_previous],
            "old_broken": [None, broken[:100]],
        },
        note=(
            f"Chuyển nhật ký sang cách băm mới (phiên bản 2: băm mọi trường kể cả thời điểm, người, tên đối tượng; "
            f"có khóa ký): {count} mục #{first}–#{last} được nối lại; {verdict}; mã băm cũ của mục cuối {old_previous}."
        )[:500],
        previous_hash=new_previous,
    )
    scheme_2(record, key)
    record.save(using=using, force_insert=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_sealed_scheme_2")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop, elidable=False)]
