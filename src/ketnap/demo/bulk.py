"""Inserting the demo's hundreds of thousands of rows quickly (issue 14: scale 50 in minutes, SQLite and PostgreSQL).

`insert(objs)` writes unsaved instances of one model like `bulk_create` does — same rows, same ids in the same order,
no signals — without Django's per-value SQL compilation, which cost most of a bulk_create's time: the ids are taken
from the table's sequence first (SQLite's AUTOINCREMENT high-water mark; PostgreSQL's sequence, advanced past them),
then the rows go in with one prepared statement (SQLite, executemany) or COPY (PostgreSQL).

`loading()` wraps the whole demo load: on SQLite, a bigger page cache (the database is the fresh one being filled);
the person search index (registry.search, an FTS5 table kept by triggers) is filled once at the end instead of row by
row.
"""

import contextlib
from collections.abc import Iterable
from operator import attrgetter

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.base import ModelState

from ketnap.audit import models as audit_models
from ketnap.audit import recorder
from ketnap.audit.context import current_actor, current_note
from ketnap.audit.models import AuditEntry
from ketnap.registry import search

SQLITE_CHUNK = 5000  # rows per executemany call
# column types whose Python value is not what the driver takes as is (dates, booleans, numbers and text are)
PREPARED_TYPES = {
    "JSONField",
    "DateTimeField",
    "DecimalField",
    "UUIDField",
    "DurationField",
    "TimeField",
    "FileField",
    "ImageField",
}


def _columns(model: type[models.Model]):
    """(field, how to turn an instance's value into the column's value or None when the value goes as it is)."""
    columns = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            columns.append((field, "pre_save"))
        elif field.get_internal_type() in PREPARED_TYPES:
            columns.append((field, "prep"))
        else:
            columns.append((field, None))
    return columns


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of `count` ids the table's sequence would give next, with the sequence moved past them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s, true)", [sequence, first + count - 1])
            return first
        q = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({q(model._meta.pk.column)}) FROM {q(table)}")
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses the id of a deleted row
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
        return highest + 1


class _Shape:
    """What new() needs of a model: the defaults, which of them to call for each row, its foreign keys."""

    def __init__(self, model: type[models.Model]):
        fields = model._meta.concrete_fields
        self.called = [f for f in fields if f.has_default() and callable(f.default)]
        self.defaults = {f.attname: f.get_default() for f in fields if f not in self.called}
        self.foreign = {f.name: f.attname for f in fields if f.is_relation}


_shapes: dict[type[models.Model], _Shape] = {}


def new(model: type[models.Model], **values) -> models.Model:
    """`model(**values)` for a row about to be insert()ed, built without Model.__init__'s keyword handling (a
    third of the bulk load's time at 400,000 people): field defaults, then the values; a related object given by
    name sets its id and is kept, as the field's descriptor would keep it. No pre_init/post_init signals."""
    shape = _shapes.get(model) or _shapes.setdefault(model, _Shape(model))
    obj = model.__new__(model)
    state = obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(shape.defaults)
    for field in shape.called:
        attrs[field.attname] = field.get_default()
    for name, value in values.items():
        attname = shape.foreign.get(name)
        if attname is None:
            attrs[name] = value
        else:
            attrs[attname] = None if value is None else value.pk
            state.fields_cache[name] = value
    return obj


class IdRange:
    """Ids handed out before the rows are written (an organisation's path holds its id): the ones the table's
    sequence gives next, claimed (the sequence moved past them) before the insert."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.first = _reserve_ids(model, 1)  # PostgreSQL: taken now; claim() says how many more
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.first + self.count - 1

    def claim(self) -> None:
        if connection.vendor == "postgresql" and self.count > 1:
            _reserve_ids(self.model, self.count - 1)


def insert(objs: list[models.Model]) -> list[models.Model]:
    """Insert these new instances of one model (their fields set, defaults included); each gets the id the table's
    sequence gives next, unless all have one already (IdRange, or the audit chain's)."""
    if not objs:
        return objs
    model = type(objs[0])
    pk = model._meta.pk
    if getattr(objs[0], pk.attname) is None:
        first = _reserve_ids(model, len(objs))
        for number, obj in enumerate(objs, start=first):
            setattr(obj, pk.attname, number)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    columns = _columns(model)
    if all(how is None for _field, how in columns):
        _write(
            model, [field.column for field, _how in columns], map(attrgetter(*(f.attname for f, _h in columns)), objs)
        )
        return objs

    def values(obj) -> tuple:
        row = []
        for field, how in columns:
            if how is None:
                row.append(getattr(obj, field.attname))
            elif how == "pre_save":
                row.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
            else:
                row.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
        return tuple(row)

    _write(model, [field.column for field, _how in columns], (values(obj) for obj in objs))
    if connection.vendor not in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    return objs


def _write(model: type[models.Model], column_names: list[str], rows: Iterable[tuple]) -> None:
    q = connection.ops.quote_name
    table, names = q(model._meta.db_table), ", ".join(q(c) for c in column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(column_names))})"
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == SQLITE_CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def audit_created(objs: list[models.Model]) -> None:
    """The audit entries that saving these new rows one by one would have appended (audit.recorder, in this order),
    chained, hashed and sealed as AuditEntry.save does, and inserted together."""
    actor, note = current_actor(), current_note()
    entries = []
    for obj in objs:
        label = recorder._label(type(obj))
        after = recorder.snapshot(obj)
        entries.append(
            AuditEntry(
                actor=actor,
                actor_name=actor.get_username() if actor else "hệ thống",
                action=AuditEntry.Action.CREATE,
                model=label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:255],
                person_id=recorder.AUDITED[label](obj),
                changes={key: [None, value] for key, value in after.items() if value not in (None, "", False)},
                note=note,
            )
        )
    if not entries:
        return
    audit_models.chain(entries, connection.alias)
    insert(entries)


@contextlib.contextmanager
def loading():
    """Around the demo's load, inside its transaction (all or nothing):
    - no savepoints for the services' inner atomic blocks (a third of the queries of the dated history); a failure
      anywhere fails the whole load, which is what the one transaction does anyway;
    - SQLite: a bigger page cache; the person search index (an FTS5 table kept by triggers) filled once at the end.
    PostgreSQL's trigram index follows the COPY by itself."""
    features = connection.features
    saved = features.__dict__.get("uses_savepoints")
    features.uses_savepoints = False
    try:
        had_trigger = False
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB of pages (the default is 2 MB)
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = %s", [INSERT_TRIGGER])
                had_trigger = cursor.fetchone() is not None
                if had_trigger:
                    cursor.execute(f"DROP TRIGGER {INSERT_TRIGGER}")
        yield
        if had_trigger:
            search.ensure_index(connection.alias)  # the trigger again, and the index rebuilt from registry_person
    finally:
        if saved is None:
            del features.uses_savepoints
        else:
            features.uses_savepoints = saved


INSERT_TRIGGER = f"{search.TABLE}_insert"
