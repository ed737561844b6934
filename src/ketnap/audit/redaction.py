"""The one sanctioned way to take a person's values out of the append-only trail: at the end of their retention period
(Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; ketnap.registry.services.retention).

`redact_person` empties the payload of every entry about the person (AuditEntry.person_id): the object's description,
the changes {field: [before, after]}, the note, and the salt of the payload's digest; it sets `redacted_at`. Nothing
else of those entries changes: their time, who made them, the kind and id of the object, the person's id, the digest,
the hash, the link and the seal stay, so the chain still verifies (scheme 3 hashes the digest, not the payload), and
without the salt the digest no longer tells anything about the old values. Then it appends its own entry, sealed like
any other, saying how many entries were emptied, for which person id and why, and listing their ids: without such a
record, `ketnap audit verify` reports an emptied entry as tampering (`redacted_at` itself is not hashed: it is the
record that vouches for it).

Every other UPDATE or DELETE of audit entries still raises AppendOnlyError. Backups taken before a purge still hold the
old values (README "Vận hành và tin cậy").
"""

from dataclasses import dataclass

from django.db import models, router, transaction
from django.utils import timezone

from ketnap.audit.models import AuditEntry, lock_chain

REDACTION_MODEL = "audit.Redaction"  # the records redact_person appends (never redacted themselves)
REDACTED_KEY = "redacted"  # their changes: {"redacted": [None, {"entries": n, "ids": [...]}]}
CHUNK = 500


class RedactionError(Exception):
    pass


@dataclass(frozen=True)
class Redaction:
    person_id: int
    entries: int  # emptied by this call (0: nothing left to empty, no record written)
    record: AuditEntry | None


def redacted_ids(record: AuditEntry) -> list[int]:
    """The ids a redaction record names (empty for any other entry, or a record of an unknown shape)."""
    pair = (record.changes or {}).get(REDACTED_KEY)
    after = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
    ids = after.get("ids") if isinstance(after, dict) else None
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def redact_person(person_id: int, *, actor, reason: str) -> Redaction:
    """Empty the payload of every entry about `person_id` not emptied yet, and record it (`actor`: the user acting,
    None for the system; `reason`: why, without personal values — it is kept). Runs in the caller's transaction if
    there is one; the chain is locked from the choice of the entries to the record, so no entry about the person can
    be appended in between and stay behind."""
    reason = " ".join(reason.split())
    if not reason:
        raise RedactionError("Cần nêu lý do xóa nội dung nhật ký.")
    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        lock_chain(using)
        entries = (
            AuditEntry.objects.using(using)
            .filter(person_id=person_id, redacted_at__isnull=True)
            .exclude(model=REDACTION_MODEL)
        )
        old = entries.filter(scheme__lt=3).values_list("id", flat=True).first()
        if old is not None:
            raise RedactionError(
                f"Mục nhật ký #{old} còn theo cách băm cũ, không xóa nội dung được: chạy `ketnap migrate` trước."
            )
        ids = list(entries.order_by("id").values_list("id", flat=True))
        if not ids:
            return Redaction(person_id, 0, None)
        now = timezone.now()
        for start in range(0, len(ids), CHUNK):
            _empty(AuditEntry.objects.using(using).filter(pk__in=ids[start : start + CHUNK]), now)
        record = AuditEntry(
            actor=actor,
            actor_name=actor.get_username() if actor else "hệ thống",
            action=AuditEntry.Action.EVENT,
            model=REDACTION_MODEL,
            object_id=str(person_id),
            object_repr=f"Nhân sự #{person_id}",
            person_id=person_id,
            changes={REDACTED_KEY: [None, {"entries": len(ids), "ids": ids}]},
            note=f"Xóa nội dung {len(ids)} mục nhật ký về nhân sự #{person_id}: {reason}",
        )
        record.save(using=using)
    return Redaction(person_id, len(ids), record)


def _empty(entries: models.QuerySet, now) -> None:
    """The bypass of the append-only guard (AuditQuerySet.update): these columns, of these entries, nothing else."""
    models.QuerySet.update(entries, object_repr="", changes={}, note="", payload_salt="", redacted_at=now)
