"""The audit trail: append-only, hash-chained (byro's "logs cannot be deleted")."""

import os

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ketnap.audit import sealing

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
    # Which hashing scheme (ketnap.audit.sealing) the entry follows; 2 since issue #13.
    scheme = models.PositiveSmallIntegerField(default=sealing.SCHEME, editable=False)
    # HMAC-SHA256 of `hash` under the key outside the database, and that key's public id.
    seal = models.CharField(max_length=64, blank=True, editable=False)
    key_id = models.CharField(max_length=16, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def payload(self) -> bytes:
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

    def compute_hash(self) -> str:
        return sealing.digest(self.payload())

    def save(self, *args, **kwargs):
        """Append: lock the chain, take the next id, link to the head, hash every field and seal the hash."""
        if not self._state.adding:
            raise AppendOnlyError("Nhật ký thay đổi không được sửa.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        key = current_key()
        with transaction.atomic(using=using):
            head = _lock_head(using)
            if head is not None and head[2] != sealing.key_id(key):
                head = _record_key_change(using, head, key)
            self._chain_after(using, head, key)
            kwargs.update(using=using, force_insert=True)  # the id is chosen: no UPDATE attempt first
            super().save(*args, **kwargs)

    def _chain_after(self, using: str, head, key: bytes) -> None:
        self.id = _next_id(using, head)
        self.at = timezone.now()  # under the lock: time order is chain order
        self.object_id = str(self.object_id)
        self.actor_name = self.actor_name[:150]
        self.object_repr = self.object_repr[:255]
        self.note = self.note[:500]
        self.changes = sealing.canonical_json(self.changes)
        self.previous_hash = head[1] if head else ""
        self.scheme = sealing.SCHEME
        self.key_id = sealing.key_id(key)
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


def _lock_head(using: str):
    """(id, hash, key_id) of the newest entry, with the chain locked until the transaction ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        entries = AuditEntry.objects.using(using)
    else:  # SQLite serialises writers itself; a second writer on a stale head fails on the id, never forks
        entries = AuditEntry.objects.using(using).select_for_update()
    return entries.order_by("-id").values_list("id", "hash", "key_id").first()


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
    """Ids of entries whose hash or link to the previous entry does not match (empty = intact)."""
    broken, previous = [], ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.previous_hash != previous or entry.hash != entry.compute_hash():
            broken.append(entry.id)
        previous = entry.hash
    return broken
