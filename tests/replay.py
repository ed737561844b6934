"""Fixtures built once per test process and written again: Django's setUpTestData, for pytest's function fixtures.

conftest's `world` and `personas` take some 400 queries through the product's services (audit entries, kept-count
versions, savepoints): a tenth of a second, in more than half of the tests. A function decorated with `@replayed`
(a fixture, or what a fixture calls) is built for real the first time in a process, and what the build did is
recorded:
- the rows it inserted, changed and deleted in every table (but the person search index, which the triggers on
  registry_person keep), and the AUTOINCREMENT high-water marks;
- the files it wrote under MEDIA_ROOT (scanned papers);
- the commit callbacks it left waiting (stats.figures recomputes at the commit what was written: tests run them with
  django_capture_on_commit_callbacks, readers with figures.catch_up) and how far it moved the savepoint counter;
- its result and the state of its arguments after it, deep-copied as Django's TestData copies setUpTestData's.
A later call that starts from the same point — the same rows in every table, files, waiting callbacks, arguments,
day, language, settings, audit key and actor — writes those rows and files again with a few statements and returns
deep copies: the test sees what the build would have left. Anything else builds for real (and is recorded too);
so does every call on PostgreSQL. A replayed function must have no other effect than those, and build the same from
the same point (tests/factories.py numbers people from the database, not from a count kept in the process):
tests/test_replay.py compares a replay with a real build for each.
"""

import collections
import contextlib
import copy
import dataclasses
import functools
import os
import types
from pathlib import Path

from django.conf import UserSettingsHolder, settings
from django.db import connection, models, transaction
from django.utils import timezone, translation

from ketnap.audit import context as audit_context
from ketnap.audit import sealing
from ketnap.registry import search
from ketnap.stats import figures, kept_counts


@dataclasses.dataclass
class Recording:
    start: tuple  # where the build started from (_start)
    changes: list  # (table, columns, rowids deleted, rows changed, rows inserted); a row is (rowid, *values)
    sequences: tuple  # the sqlite_sequence rows the build moved, as it left them
    files: dict  # path under MEDIA_ROOT -> the bytes the build wrote there
    objects: tuple  # a deep copy of (arguments, result) right after the build
    waiting: list  # a deep copy of connection.run_on_commit after the build, savepoint ids relative
    savepoints: int  # how many savepoint ids the build took


_recordings: dict[str, list[Recording]] = {}
REPLAYED: dict[str, object] = {}  # the decorated functions by module.name (tests/test_replay.py)
calls = collections.Counter()  # "recorded", "replayed", "built" (not recordable)


def replayed(build):
    """Record `build` (called with keyword arguments only) the first time, replay it after."""

    key = f"{build.__module__}.{build.__qualname__}"

    @functools.wraps(build)
    def replaying(**kwargs):
        if connection.vendor != "sqlite":
            return build(**kwargs)
        connection.ensure_connection()
        start = _start(kwargs)
        for recording in _recordings.get(key, ()):
            if recording.start == start:
                calls["replayed"] += 1
                return _replay(recording, kwargs)
        return _record(key, build, kwargs, start)

    replaying.build = build  # the real thing, for tests/test_replay.py
    REPLAYED[key] = replaying
    return replaying


# --- where a build starts from ----------------------------------------------------------------------------------------
def _start(kwargs) -> tuple:
    cursor = connection.connection.cursor()
    tables = _tables(cursor)
    return (
        _circumstances(),
        tables,
        _rows(cursor, tables),
        _sequences(cursor),
        _media(),
        _waiting_signature(connection.run_on_commit),
        _signature(kwargs),
    )


def _circumstances() -> tuple:
    """What else a build may read: today (tests pin it), the language, the settings tests override (MEDIA_ROOT by its
    content, _media), where the audit key comes from, the audit's actor and note, the transaction it runs in."""
    overrides, holder = {}, settings._wrapped
    while isinstance(holder, UserSettingsHolder):  # the newest override first
        for key, value in vars(holder).items():
            if key not in ("default_settings", "MEDIA_ROOT"):
                overrides.setdefault(key, repr(value))
        holder = holder.default_settings
    return (
        timezone.localdate(),
        translation.get_language(),
        sorted(overrides.items()),
        os.environ.get(sealing.KEY_ENV),
        audit_context.current_actor(),
        audit_context.current_note(),
        connection.in_atomic_block,
        len(connection.savepoint_ids),
        kept_counts._pruned_on,
    )


_schemas: dict[tuple, dict[str, list[str]]] = {}


def _tables(cursor) -> dict[str, list[str]]:
    """Every table and its columns, but SQLite's own and the person search index (FTS5, kept by triggers); read once
    for each version of the schema."""
    cursor.execute("PRAGMA schema_version")
    version = cursor.fetchone()[0]
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    names = tuple(n for (n,) in cursor.fetchall() if not n.startswith(("sqlite_", search.TABLE)))
    if (version, names) not in _schemas:
        tables = {}
        for name in names:
            cursor.execute(f"PRAGMA table_info({_q(name)})")
            tables[name] = [row[1] for row in cursor.fetchall()]
        _schemas[version, names] = tables
    return _schemas[version, names]


def _rows(cursor, tables) -> dict[str, dict[int, tuple]]:
    """Every row by rowid, as stored: `+column` has no declared type, so Django's converters leave the values be."""
    content = {}
    for name, columns in tables.items():
        cursor.execute(f"SELECT rowid, {', '.join('+' + _q(c) for c in columns)} FROM {_q(name)}")
        content[name] = {row[0]: row[1:] for row in cursor.fetchall()}
    return content


def _sequences(cursor) -> tuple:
    """The AUTOINCREMENT high-water marks; a 0 (a flushed table) is as good as none."""
    cursor.execute("SELECT name, seq FROM sqlite_sequence WHERE seq > 0 ORDER BY name")
    return tuple(cursor.fetchall())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _media() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _signature(obj):
    """The state of a build's arguments: model fields, dataclass fields, containers; anything else as itself."""
    if isinstance(obj, models.Model):
        return (type(obj), tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj), tuple(_signature(getattr(obj, f.name)) for f in dataclasses.fields(obj)))
    if isinstance(obj, (list, tuple)):
        return (type(obj), tuple(_signature(v) for v in obj))
    if isinstance(obj, dict):
        return (type(obj), tuple((k, _signature(v)) for k, v in obj.items()))
    return obj


# --- the commit callbacks waiting -------------------------------------------------------------------------------------
def _copyable(func) -> bool:
    return isinstance(func, (figures._Recompute, types.FunctionType))


def _waiting_signature(entries) -> str:
    """What the waiting callbacks will do, and which open savepoints roll them back."""
    signature = []
    for sids, func, robust in entries:
        batch = getattr(func, "batch", None)
        state = (batch.changes, sorted(batch.candidates), batch.done) if batch else getattr(func, "__qualname__", func)
        signature.append((sorted(_relative(sid)[0:2] for sid in sids), type(func), state, robust))
    return repr(signature)


def _relative(sid: str) -> tuple:
    """("open", its place among the savepoints open) or ("closed", "", the id): a savepoint released stays in the
    callbacks' ids but is never rolled back, nor its id given again in the transaction."""
    if sid in connection.savepoint_ids:
        return ("open", connection.savepoint_ids.index(sid), "")
    return ("closed", "", sid)


def _absolute(relative: tuple) -> str:
    kind, place, sid = relative
    return connection.savepoint_ids[place] if kind == "open" else f"{sid}-replayed"  # a name Django never gives


# --- recording, replaying -------------------------------------------------------------------------------------------
def _record(key, build, kwargs, start):
    counter = connection.savepoint_state
    result = build(**kwargs)
    cursor = connection.connection.cursor()
    if (
        _tables(cursor) != start[1]  # the build changed the schema
        or kept_counts._pruned_on != start[0][-1]  # it pruned the kept counts, which a replay would not
        or not all(_copyable(func) for _sids, func, _robust in connection.run_on_commit)
    ):
        calls["built"] += 1
        return result  # not recorded: built for real every time
    before, after = start[2], _rows(cursor, start[1])
    changes = []
    for name, columns in start[1].items():
        old, new = before[name], after[name]
        deleted = [rowid for rowid in old if rowid not in new]
        changed = [(rowid, *row) for rowid, row in new.items() if rowid in old and old[rowid] != row]
        inserted = [(rowid, *row) for rowid, row in sorted(new.items()) if rowid not in old]
        if deleted or changed or inserted:
            changes.append((name, columns, deleted, changed, inserted))
    files_before, files_after = start[4], _media()
    if any(path not in files_after for path in files_before):
        calls["built"] += 1
        return result  # it deleted a file: not recorded
    made = connection.savepoint_state - counter
    waiting = [([_relative(sid) for sid in sids], func, robust) for sids, func, robust in connection.run_on_commit]
    recording = Recording(
        start=start,
        changes=changes,
        sequences=tuple(sorted(set(_sequences(cursor)) - set(start[3]))),
        files={path: data for path, data in files_after.items() if files_before.get(path) != data},
        objects=copy.deepcopy((kwargs, result)),
        waiting=copy.deepcopy(waiting),
        savepoints=made,
    )
    _recordings.setdefault(key, []).append(recording)
    calls["recorded"] += 1
    return result


def _replay(recording: Recording, kwargs):
    # in the test's transaction; in a transactional test, one of its own (no savepoint: the counter stays)
    with contextlib.nullcontext() if connection.in_atomic_block else transaction.atomic():
        cursor = connection.connection.cursor()
        for name, columns, deleted, changed, inserted in recording.changes:
            if deleted:
                cursor.executemany(f"DELETE FROM {_q(name)} WHERE rowid = ?", [(rowid,) for rowid in deleted])
            if changed:
                assignments = ", ".join(f"{_q(c)} = ?" for c in columns)
                rows = [(*row[1:], row[0]) for row in changed]
                cursor.executemany(f"UPDATE {_q(name)} SET {assignments} WHERE rowid = ?", rows)
            if inserted:
                names, marks = ", ".join(["rowid", *map(_q, columns)]), ", ".join("?" * (len(columns) + 1))
                cursor.executemany(f"INSERT INTO {_q(name)} ({names}) VALUES ({marks})", inserted)
        for name, seq in recording.sequences:  # as the build left them (rows inserted and deleted count too)
            cursor.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (seq, name))
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))
    root = Path(settings.MEDIA_ROOT)
    for path, data in recording.files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    if connection.in_atomic_block:  # outside one (a transactional test) the build's callbacks ran, none waits
        waiting = copy.deepcopy(recording.waiting)
        connection.run_on_commit = [({*map(_absolute, sids)}, func, robust) for sids, func, robust in waiting]
    connection.savepoint_state += recording.savepoints
    return _objects(recording.objects, kwargs)


def _objects(stored, kwargs):
    """A copy of the recorded result, the arguments given the state the build left them in; a result that is or
    holds one of the arguments holds the caller's object."""
    stored_kwargs, stored_result = stored
    memo, pairs = {}, []
    _pair(stored_kwargs, kwargs, memo, pairs)
    states = [copy.deepcopy(old.__dict__, memo) for old, _new in pairs]
    for (_old, new), state in zip(pairs, states, strict=True):
        new.__dict__.clear()
        new.__dict__.update(state)
    return copy.deepcopy(stored_result, memo)


def _pair(old, new, memo, pairs) -> None:
    """Map the recorded arguments' objects to the caller's (models and dataclasses, through containers)."""
    if isinstance(old, models.Model) or (dataclasses.is_dataclass(old) and not isinstance(old, type)):
        if id(old) in memo:
            return
        memo[id(old)] = new
        pairs.append((old, new))
        if not isinstance(old, models.Model):
            for f in dataclasses.fields(old):
                _pair(getattr(old, f.name), getattr(new, f.name), memo, pairs)
    elif isinstance(old, (list, tuple)):
        for a, b in zip(old, new, strict=True):
            _pair(a, b, memo, pairs)
    elif isinstance(old, dict):
        for key, value in old.items():
            _pair(value, new[key], memo, pairs)
