"""The audit chain as a whole: its head (the newest entry's hash, written into backups and logs so that a rewrite
of the database can be told), its anchors outside the database and its verification (`ketnap audit verify`).

Four things are checked, each catching what the others cannot:
- every entry's payload (description, changes, note) matches its salted digest, and its hash is its own content's
  (scheme 3: the metadata and that digest) and points at the entry before: an entry changed in the database, or
  removed or inserted in the middle;
- every entry sealed with this installation's key has a seal that matches (HMAC, key outside the database): a
  rewrite that recomputed the plain hashes;
- every anchored head (DATA_DIR/audit-anchors.log, appended by `ketnap audit anchor`/`verify`, cron and backups)
  is still in the chain with the same hash: the newest entries deleted (a shortened chain is otherwise intact).
  Anchors written before a re-chaining migration's line (source sealing.RECHAIN_SOURCE, audit 0005) quote hashes of
  the old chain: their entries must still be there, and the migration's record says whether their hashes matched;
- every redacted entry (payload and salt removed, ketnap.audit.redaction) is named by a later redaction record of the
  same person, itself sealed: a payload wiped in the database and marked redacted by hand is told.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ketnap.audit import sealing
from ketnap.audit.models import AuditEntry
from ketnap.audit.redaction import REDACTION_MODEL, redacted_ids
from ketnap.rules.dates import ddmmyyyy_hhmm

RECHAIN_MODEL = "audit.AuditEntry"  # the re-chaining migrations' records (audit 0003, 0005)

ANCHORS_FILE = "audit-anchors.log"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int  # entries read
    head: str  # the newest entry's hash ("" for an empty trail)
    first_broken: int | None = None  # id of the first entry that does not check
    reason: str = ""  # why, in Vietnamese, for the operator
    broken_at: dt.datetime | None = None  # that entry's time (or the anchor's, for removed entries)
    problem: str = ""  # content | link | removed | seal | key
    head_id: int | None = None
    sealed: bool = False  # seals were checked with the key
    anchors: int = 0  # anchors checked
    notes: tuple[str, ...] = field(default=())  # what the operator should know although the chain holds
    redacted: int = 0  # entries whose payload was removed at the end of the retention period


@dataclass(frozen=True)
class Anchor:
    at: dt.datetime
    entry_id: int
    hash: str
    source: str


def head() -> str:
    """The newest entry's hash, "" when the trail is empty."""
    return AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or ""


def head_entry() -> tuple[int, str] | None:
    """(id, hash) of the newest entry, None when the trail is empty."""
    return AuditEntry.objects.order_by("-id").values_list("id", "hash").first()


def anchors_path() -> Path:
    return Path(settings.DATA_DIR) / ANCHORS_FILE


def read_anchors(path: Path | None = None) -> list[Anchor]:
    path = path or anchors_path()
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            at, entry_id, entry_hash, source = [*line.split("\t"), ""][:4]
            found.append(Anchor(dt.datetime.fromisoformat(at), int(entry_id), entry_hash, source))
        except ValueError as exc:
            raise ValueError(f"tệp mốc neo {path} hỏng ở dòng {number}: {line[:80]!r}") from exc
    return found


def anchor(source: str, path: Path | None = None) -> Anchor | None:
    """Append the current head to the anchors file (outside the database); None when the trail is empty."""
    newest = head_entry()
    if newest is None:
        return None
    made = Anchor(timezone.now().astimezone(dt.UTC), newest[0], newest[1], source)
    path = path or anchors_path()
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{made.at.isoformat()}\t{made.entry_id}\t{made.hash}\t{source}\n")
    return made


def _when(at: dt.datetime | None) -> str:
    return ddmmyyyy_hhmm(timezone.localtime(at), seconds=True) if at else "?"


class _Walk:
    """State of one verification, oldest entry first."""

    def __init__(self, key: bytes | None, wanted: set[int]):
        self.key, self.key_id = key, sealing.key_id(key) if key else None
        self.previous, self.previous_id, self.checked, self.head_id = "", None, 0, None
        self.foreign = None  # first entry of the newest run sealed by a key this machine lacks
        self.wanted, self.found, self.kinds, self.notes = wanted, {}, {}, []
        self.unaccounted: dict[int, tuple] = {}  # redacted entries no redaction record named yet: id -> (person, at)
        self.redacted = 0

    def problem(self, entry: AuditEntry) -> tuple[str, str] | None:
        if entry.previous_hash != self.previous:
            return "link", "không nối với mục trước (có mục trước nó bị xóa, chèn hoặc sửa)"
        if entry.scheme not in sealing.SCHEMES:
            return "content", f"cách băm phiên bản {entry.scheme} không được hỗ trợ"
        payload = entry.payload_problem()
        if payload is not None:
            return "content", PAYLOAD_REASONS[payload]
        if entry.compute_hash() != entry.hash:
            return "content", "nội dung đã bị sửa (không khớp mã băm)"
        if self.key is not None and entry.key_id == self.key_id:
            if not sealing.seal_matches(self.key, entry.hash, entry.seal):
                return "seal", "chữ ký không khớp khóa: mục đã bị viết lại và tính lại mã băm"
            self._close_foreign(entry)
        elif self.foreign is None:
            self.foreign = entry
        return None

    def _close_foreign(self, entry: AuditEntry) -> None:
        """A valid seal vouches for everything before it: an earlier run under a lost key is now covered."""
        if self.foreign is not None:
            lost = self.foreign.key_id or "(không có)"
            self.notes.append(
                f"Các mục #{self.foreign.pk}–#{self.previous_id} được ký bằng khóa {lost} "
                f"không có trên máy này; mã băm của chúng khớp, và mục #{entry.pk} (ký bằng khóa hiện tại) bảo đảm "
                f"chúng không bị sửa từ {_when(entry.at)}."
            )
            self.foreign = None

    def passed(self, entry: AuditEntry) -> None:
        self.previous, self.previous_id, self.head_id = entry.hash, entry.pk, entry.pk
        self.checked += 1
        if entry.pk in self.wanted:
            self.found[entry.pk], self.kinds[entry.pk] = entry.hash, entry.model
        if entry.redacted:
            self.redacted += 1
            self.unaccounted[entry.pk] = (entry.person_id, entry.at)
        elif entry.model == REDACTION_MODEL:
            for entry_id in redacted_ids(entry):
                if entry_id < entry.pk and self.unaccounted.get(entry_id, (None,))[0] == entry.person_id:
                    del self.unaccounted[entry_id]

    def redaction_notes(self) -> None:
        if self.redacted:
            self.notes.append(
                f"{_number(self.redacted)} mục đã xóa nội dung theo thời hạn lưu trữ (dữ liệu cá nhân của người đã "
                "hết thời hạn lưu, ketnap purge-expired): còn thời điểm, người thực hiện, loại đối tượng và mã băm "
                "nội dung; chuỗi, chữ ký và các mục ghi việc xóa đã được kiểm tra."
            )


PAYLOAD_REASONS = {
    "digest": "nội dung đã bị sửa (không khớp mã băm nội dung)",
    "left": "mục được đánh dấu đã xóa nội dung nhưng vẫn còn dữ liệu (nội dung đã bị sửa)",
    "scheme": "mục cách băm phiên bản 2 được đánh dấu đã xóa nội dung: chỉ cách băm phiên bản 3 cho phép xóa",
}


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def verify(chunk: int = 2000, *, check_key: bool = True, check_anchors: bool = True) -> ChainReport:
    """Walk the trail oldest first (hash, link, seal), then check the anchors. Reads only: creates no key."""
    key = sealing.load_key(settings.DATA_DIR, create=False) if check_key else None
    try:
        anchors = read_anchors() if check_anchors else []
    except ValueError as exc:
        return ChainReport(False, 0, head(), reason=str(exc), problem="removed")
    walk = _Walk(key, {a.entry_id for a in anchors})
    found = _walk_problem(walk, chunk, check_key=check_key) or _anchors_problem(walk, anchors)
    if found:
        return _broken(walk, *found, key=key)
    rechained = _rechained(anchors)
    if rechained > 0:
        record = anchors[rechained]
        walk.notes.append(
            f"{rechained} mốc neo ghi trước khi nhật ký được nối lại theo cách băm mới (lúc {_when(record.at)}) là "
            f"mã băm của chuỗi cũ: chỉ kiểm tra được các mục đó còn trong nhật ký; lúc nối lại, chúng đã được đối "
            f"chiếu với chuỗi cũ, kết quả ghi ở mục #{record.entry_id}."
        )
    walk.redaction_notes()
    return ChainReport(
        True,
        walk.checked,
        walk.previous,
        head_id=walk.head_id,
        sealed=key is not None,
        anchors=len(anchors),
        notes=tuple(walk.notes),
        redacted=walk.redacted,
    )


# What breaks the chain: (entry id, its time, problem, reason), or None.
Break = tuple[int, dt.datetime, str, str] | None


def _walk_problem(walk: _Walk, chunk: int, *, check_key: bool) -> Break:
    """The first entry whose hash, link or seal is wrong; else an entry emptied outside the retention purge; else
    (when the key is checked) an entry sealed by another key."""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk):
        found = walk.problem(entry)
        if found:
            return (entry.pk, entry.at, *found)
        walk.passed(entry)
    if walk.unaccounted:
        entry_id, (_person, at) = min(walk.unaccounted.items())
        reason = (
            "nội dung mục đã bị xóa ngoài quy trình: không có mục ghi việc xóa theo thời hạn lưu trữ nào nêu mục này "
            f"({_number(len(walk.unaccounted))} mục như vậy)"
        )
        return entry_id, at, "content", reason
    if check_key and walk.foreign is not None:
        return walk.foreign.pk, walk.foreign.at, "key", _foreign_reason(walk)
    return None


def _rechained(anchors: list[Anchor]) -> int:
    """The number of the last anchor recording a re-chaining (-1: none); the anchors before it hold old hashes."""
    return max((n for n, made in enumerate(anchors) if _is_rechain(made)), default=-1)


def _anchors_problem(walk: _Walk, anchors: list[Anchor]) -> Break:
    rechained = _rechained(anchors)
    for number, made in enumerate(anchors):
        found = _anchor_problem(walk, made, old_chain=number < rechained)
        if found:
            return found
    return None


def _anchor_problem(walk: _Walk, made: Anchor, *, old_chain: bool) -> Break:
    """An anchored entry gone, or its hash not the one anchored (a hash of the chain before it was re-chained is
    checked by the migration, see its record: only its entry's presence is checked here)."""
    if made.entry_id not in walk.found:
        reason = (
            f"mục này đã được neo lúc {_when(made.at)} ({made.source}) nhưng không còn trong nhật ký: "
            f"các mục từ #{made.entry_id} trở về sau đã bị xóa"
        )
        return made.entry_id, made.at, "removed", reason
    if old_chain:
        return None
    if walk.found[made.entry_id] != made.hash:
        reason = f"mã băm khác với mốc neo lúc {_when(made.at)} ({made.source}): nhật ký đã bị viết lại"
        return made.entry_id, made.at, "content", reason
    if _is_rechain(made) and walk.kinds[made.entry_id] != RECHAIN_MODEL:
        reason = f"mốc neo nối lại chuỗi lúc {_when(made.at)} không trỏ tới mục ghi việc nối lại chuỗi"
        return made.entry_id, made.at, "content", reason
    return None


def _is_rechain(made: Anchor) -> bool:
    return made.source.startswith(sealing.RECHAIN_SOURCE)


def _foreign_reason(walk: _Walk) -> str:
    if walk.key is None:
        return (
            "không có khóa ký nhật ký (tệp DATA_DIR/audit_key hoặc biến KETNAP_AUDIT_KEY) nên không kiểm tra được "
            "chữ ký: phục hồi tệp khóa từ bản sao lưu; không có khóa thì chỉ kiểm tra được mã băm và mốc neo "
            "(ketnap audit verify --khong-khoa)"
        )
    return (
        f"mục được ký bằng khóa {walk.foreign.key_id or '(không có)'}, khác khóa trên máy này ({walk.key_id}): "
        "khóa ký nhật ký đã mất hoặc bị thay (phục hồi DATA_DIR/audit_key từ bản sao lưu), hoặc mục đã bị viết lại"
    )


def _broken(walk: _Walk, entry_id, at, problem: str, reason: str, *, key) -> ChainReport:
    newest = head_entry()
    return ChainReport(
        False,
        walk.checked,
        newest[1] if newest else "",
        entry_id,
        reason,
        broken_at=at,
        problem=problem,
        head_id=newest[0] if newest else None,
        sealed=key is not None,
        notes=tuple(walk.notes),
        redacted=walk.redacted,
    )
