"""The audit trail: append-only, hash-chained (byro's "logs cannot be deleted")."""

import os

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketnap.audit import sealing
from ketnap.rules.dates import ddmmyyyy_hhmm

# Held for the duration of one append on PostgreSQL, so that two writers never chain onto the same head.
CHAIN_LOCK = 0x6B65746E6170
KEY_CHANGE_MODEL = "audit.AuditKey"


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký thay đổi không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký thay đổi không được xóa.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")
        ARCHIVE = "archive", _("Lưu trữ")
        EVENT = "event", _("Sự kiện")

    # Set before hashing (scheme 2 covers it), hence a default and not auto_now_add.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255)
    # The person the entry concerns, so a person page shows every change of their data in one query.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict)  # {field: [before, after]}
    note = models.CharField(max_length=500, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, editable=False)
    # Which hashing scheme (ketnap.audit.sealing) the entry follows; 3 since the retention redaction.
    scheme = models.PositiveSmallIntegerField(default=sealing.SCHEME, editable=False)
    # HMAC-SHA256 of `hash` under the key outside the database, and that key's public id.
    seal = models.CharField(max_length=64, blank=True, editable=False)
    key_id = models.CharField(max_length=16, blank=True, editable=False)
    # Scheme 3: the hash covers payload_digest = SHA-256(payload_salt, object_repr, changes, note), not the payload.
    # A redacted entry (ketnap.audit.redaction: the person's retention ran out) has lost its payload and its salt and
    # keeps the digest. The database defaults let an older migration's model insert rows (audit 0003).
    payload_salt = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    payload_digest = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    redacted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        when = ddmmyyyy_hhmm(timezone.localtime(self.at))
        return f"{when} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    @property
    def redacted(self) -> bool:
        return self.redacted_at is not None

    def payload(self) -> bytes:
        """What `hash` is the SHA-256 of, by the entry's scheme."""
        if self.scheme == 2:
            return sealing.payload(
                id=self.id,
                at=self.at,
                actor_id=self.actor_id,
                actor_name=self.actor_name,
                action=self.action,
                model=self.model,
                object_id=self.object_id,
                object_repr=self.object_repr,
                person_id=self.person_id,
                changes=self.changes,
                note=self.note,
                previous_hash=self.previous_hash,
                key_id=self.key_id,
            )
        return sealing.payload_3(
            id=self.id,
            at=self.at,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            action=self.action,
            model=self.model,
            object_id=self.object_id,
            person_id=self.person_id,
            payload_digest=self.payload_digest,
            previous_hash=self.previous_hash,
            key_id=self.key_id,
        )

    def compute_hash(self) -> str:
        return sealing.digest(self.payload())

    def compute_payload_digest(self) -> str:
        return sealing.payload_digest(self.payload_salt, self.object_repr, self.changes, self.note)

    def payload_problem(self) -> str | None:
        """Why the stored payload does not check against the entry (None: it does). "digest": the payload or the salt
        was changed; "left": marked redacted but values remain; "scheme": redacted under a scheme without a digest."""
        if self.scheme < 3:
            return "scheme" if self.redacted else None  # scheme 2 hashes the payload itself
        if self.redacted:
            return "left" if (self.payload_salt or self.object_repr or self.changes or self.note) else None
        return "digest" if self.compute_payload_digest() != self.payload_digest else None

    def save(self, *args, **kwargs):
        """Append: lock the chain, take the next id, link to the head, hash every field and seal the hash."""
        if not self._state.adding:
            raise AppendOnlyError("Nhật ký thay đổi không được sửa.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        key = current_key()
        with transaction.atomic(using=using):
            head = lock_chain(using)
            if head is not None and head[2] != sealing.key_id(key):
                head = _record_key_change(using, head, key)
            self._chain_after(using, head, key)
            kwargs.update(using=using, force_insert=True)  # the id is chosen: no UPDATE attempt first
            super().save(*args, **kwargs)

    def _chain_after(self, using: str, head, key: bytes, id: int | None = None) -> None:
        self.id = id if id is not None else _next_id(using, head)
        self.at = timezone.now()  # under the lock: time order is chain order
        self.object_id = str(self.object_id)
        self.actor_name = self.actor_name[:150]
        self.object_repr = self.object_repr[:255]
        self.note = self.note[:500]
        self.changes = sealing.canonical_json(self.changes)
        self.previous_hash = head[1] if head else ""
        self.scheme = sealing.SCHEME
        self.key_id = sealing.key_id(key)
        self.redacted_at = None
        self.payload_salt = sealing.new_salt()
        self.payload_digest = self.compute_payload_digest()
        self.hash = self.compute_hash()
        self.seal = sealing.seal(key, self.hash)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký thay đổi không được xóa.")


_keys: dict = {}


def current_key() -> bytes:
    """The sealing key of this installation, created on first use (cached per process)."""
    where = (os.environ.get(sealing.KEY_ENV), str(settings.DATA_DIR))
    if where not in _keys:
        _keys[where] = sealing.load_key(settings.DATA_DIR, create=True)
    return _keys[where]


def lock_chain(using: str):
    """(id, hash, key_id) of the newest entry, with the chain locked until the transaction ends (call it inside
    transaction.atomic): appends, and ketnap.audit.redaction, wait for each other."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        entries = AuditEntry.objects.using(using)
    else:  # SQLite serialises writers itself; a second writer on a stale head fails on the id, never forks
        entries = AuditEntry.objects.using(using).select_for_update()
    return entries.order_by("-id").values_list("id", "hash", "key_id").first()


def chain(entries: list[AuditEntry], using: str = "default") -> None:
    """Give these new entries, in order, what save() gives one: the next ids, the link to the head (locked until the
    transaction ends), the hash and the seal. The caller inserts them (bulk loads: recorder.collected, the demo)."""
    key = current_key()
    head = lock_chain(using)
    if head is not None and head[2] != sealing.key_id(key):
        head = _record_key_change(using, head, key)
    ids = _next_ids(using, head, len(entries))
    for entry, id in zip(entries, ids, strict=True):
        entry._chain_after(using, head, key, id)
        head = (entry.id, entry.hash, entry.key_id)


def _next_ids(using: str, head, count: int) -> list[int]:
    """_next_id for `count` entries at once: one query for all on PostgreSQL (a query each cost minutes at 90,000)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [AuditEntry._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
    first = (head[0] if head else 0) + 1
    return list(range(first, first + count))


def append_all(entries: list[AuditEntry], using: str = "default") -> None:
    """Append these new entries in order, chained like save() one by one does, with one bulk insert."""
    if entries:
        with transaction.atomic(using=using):
            chain(entries, using)
            AuditEntry.objects.using(using).bulk_create(entries, batch_size=500)


def _next_id(using: str, head) -> int:
    """The id is hashed, so it is chosen before the insert: the sequence's next value on PostgreSQL (so that
    the sequence stays ahead), else one more than the head's (SQLite: a racing writer hits the primary key)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditEntry._meta.db_table])
            return cursor.fetchone()[0]
    return (head[0] if head else 0) + 1


def _record_key_change(using: str, head, key: bytes):
    """The newest entry was sealed by another key (the key file was lost or replaced, or KETNAP_AUDIT_KEY
    changed): say so in the trail, sealed by the new key, before anything else is written under it."""
    entry = AuditEntry(
        action=AuditEntry.Action.EVENT,
        actor_name="hệ thống",
        model=KEY_CHANGE_MODEL,
        object_id=sealing.key_id(key),
        object_repr="Khóa ký nhật ký",
        changes={"key_id": [head[2] or None, sealing.key_id(key)]},
        note=(
            "Khóa ký nhật ký đã đổi: các mục trước được ký bằng khóa khác, không có trên máy này "
            "(mất DATA_DIR/audit_key hoặc đổi KETNAP_AUDIT_KEY)."
        ),
    )
    entry._chain_after(using, head, key)
    super(AuditEntry, entry).save(using=using, force_insert=True)
    return (entry.id, entry.hash, entry.key_id)


def verify_chain() -> list[int]:
    """Ids of entries whose payload, hash or link to the previous entry does not match (empty = intact). The full
    check (seals, anchors, redactions accounted for) is ketnap.audit.chain.verify."""
    broken, previous = [], ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_hash != previous or entry.payload_problem() or entry.hash != entry.compute_hash():
            broken.append(entry.id)
        previous = entry.hash
    return broken
