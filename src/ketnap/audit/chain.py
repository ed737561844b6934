"""The audit chain as a whole: its head (the newest entry's hash, written into backups and logs so that a rewrite
of the database can be told) and its verification (`ketnap audit verify`)."""

from dataclasses import dataclass

from ketnap.audit.models import AuditEntry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int  # entries read
    head: str  # the newest entry's hash ("" for an empty trail)
    first_broken: int | None = None  # id of the first entry that does not check
    reason: str = ""  # why, in Vietnamese, for the operator


def head() -> str:
    """The newest entry's hash, "" when the trail is empty."""
    return AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or ""


def verify(chunk: int = 2000) -> ChainReport:
    """Walk the trail oldest first: each entry's hash must be its own content's, and point at the entry before."""
    previous = ""
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk):
        if entry.previous_hash != previous:
            return ChainReport(False, checked, head(), entry.pk, "không nối với mục trước (mục bị xóa hoặc chèn)")
        if entry.compute_hash() != entry.hash:
            return ChainReport(False, checked, head(), entry.pk, "nội dung không khớp mã băm (mục bị sửa)")
        previous = entry.hash
        checked += 1
    return ChainReport(True, checked, previous)
