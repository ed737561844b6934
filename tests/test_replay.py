"""tests/replay.py writes a fixture's recorded rows again instead of building it: a replay must leave what a real
build leaves — the same rows (but the audit's salts and hashes and the "now" of timestamps, new at each build), the
same files, the same commit callbacks waiting, the same objects."""

import copy
import datetime as dt
import importlib
import inspect
import re

import pytest
from django.db import connection, transaction

from ketnap.registry import search
from tests import replay

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="tests/replay.py replays on SQLite only")

# every replayed function; its arguments are the fixtures of those names (a fixture of its module is called too).
# The larger builds are compared in the whole suite only (slow): a build and two replays of each.
CHECKED = [
    "tests.conftest.world",
    "tests.conftest.personas",
    "tests.conftest.cell",
    "tests.conftest._pipeline_world",
    *(
        pytest.param(key, marks=pytest.mark.slow)
        for key in (
            "tests.conftest.meeting",
            "tests.test_documents.members",
            "tests.test_documents.official",
            "tests.test_import_corpus.build_hospital",
            "tests.test_person_search.namesakes",
            "tests.test_stats.data",
            "tests.test_targets.counted",
            "tests.test_targets.history",
        )
    ),
]
RANDOM = {"audit_auditentry": {"payload_salt", "payload_digest", "hash", "previous_hash", "seal"}}


def test_every_replayed_function_is_checked():
    import tests.conftest  # noqa: F401  (the test modules collected with this one registered theirs)

    assert set(replay.REPLAYED) <= {key if isinstance(key, str) else key.values[0] for key in CHECKED}


def _arguments(request, key: str) -> dict:
    module = key.rsplit(".", 1)[0]
    arguments = {}
    for name in inspect.signature(replay.REPLAYED[key].build).parameters:
        own = f"{module}.{name}"
        if own in replay.REPLAYED and module != "tests.conftest":
            arguments[name] = replay.REPLAYED[own](**_arguments(request, own))
        else:
            arguments[name] = request.getfixturevalue(name)
    return arguments


NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")  # a datetime in a JSON value (audit changes)


def _masked(value):
    if isinstance(value, str):
        return NOW.sub("<now>", value)
    return "<now>" if isinstance(value, dt.datetime) else value


def _rows() -> dict:
    """Every row, but the random columns of the audit; every datetime column's value is masked (a build's "now")."""
    cursor = connection.connection.cursor()
    tables = replay._tables(cursor)
    out = {}
    for name, rows in replay._rows(cursor, tables).items():
        cursor.execute(f"PRAGMA table_info({replay._q(name)})")
        kinds = [row[2].lower() for row in cursor.fetchall()]
        hidden = {i for i, c in enumerate(tables[name]) if c in RANDOM.get(name, ()) or kinds[i] == "datetime"}
        out[name] = {
            rowid: tuple("*" if i in hidden else _masked(v) for i, v in enumerate(row)) for rowid, row in rows.items()
        }
    out["sqlite_sequence"] = replay._sequences(cursor)
    return out


def _objects(value):
    """replay._signature with datetimes masked."""
    signature = replay._signature(value)

    def mask(v):
        return tuple(mask(x) for x in v) if isinstance(v, tuple) else _masked(v)

    return mask(signature)


def _check_the_search_index() -> None:
    """The person search index (FTS5, kept by triggers) holds what registry_person holds, or SQLite raises."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search.TABLE}({search.TABLE}) VALUES ('integrity-check')")


def _build(function, kwargs, media, settings):
    """Call `function` in a savepoint rolled back after: what it left (rows, files, waiting callbacks, objects)."""
    settings.MEDIA_ROOT = media
    counter, waiting = connection.savepoint_state, copy.deepcopy(connection.run_on_commit)
    with transaction.atomic():
        result = function(**kwargs)
        left = {
            "rows": _rows(),
            "files": replay._media(),
            "waiting": replay._waiting_signature(connection.run_on_commit),
            "objects": (_objects(result), _objects(kwargs)),
            "savepoints": connection.savepoint_state - counter,
        }
        _check_the_search_index()
        transaction.set_rollback(True)
    connection.run_on_commit = waiting  # a build may add to a batch waiting before it (stats.figures.follow)
    return left


@pytest.mark.parametrize("key", CHECKED)
def test_a_replay_leaves_what_a_real_build_leaves(db, request, settings, tmp_path, key):
    importlib.import_module(key.rsplit(".", 1)[0])
    settings.MEDIA_ROOT = tmp_path / "fixtures"
    kwargs = _arguments(request, key)
    replaying = replay.REPLAYED[key]
    _build(replaying, copy.deepcopy(kwargs), tmp_path / "first", settings)  # recorded, unless it was already
    real = _build(replaying.build, copy.deepcopy(kwargs), tmp_path / "real", settings)
    replays = replay.calls["replayed"]
    replayed = _build(replaying, copy.deepcopy(kwargs), tmp_path / "replayed", settings)
    assert replay.calls["replayed"] == replays + 1, "the call was not replayed"
    assert [t for t, rows in real["rows"].items() if replayed["rows"][t] != rows] == []
    assert replayed == real


def _committed(function, kwargs, media, settings):
    """Call `function` outside a transaction (its callbacks run at each commit) on the migrated state: what it left."""
    from tests.conftest import restore_migrated_state

    restore_migrated_state()
    settings.MEDIA_ROOT = media
    # an argument given as a dict is the replayed function of that name called with it
    result = function(
        **{k: replay.REPLAYED[f"tests.conftest.{k}"](**v) if isinstance(v, dict) else v for k, v in kwargs.items()}
    )
    _check_the_search_index()
    return {"rows": _rows(), "files": replay._media(), "objects": _objects(result), "waiting": connection.run_on_commit}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(("name", "kwargs"), [("world", {"db": None}), ("personas", {"world": {"db": None}})])
def test_a_replay_in_a_transactional_test_leaves_what_a_real_build_leaves(settings, tmp_path, name, kwargs):
    replaying = replay.REPLAYED[f"tests.conftest.{name}"]
    _committed(replaying, kwargs, tmp_path / "first", settings)  # recorded, unless it was already
    real = _committed(replaying.build, kwargs, tmp_path / "real", settings)
    replays = replay.calls["replayed"]
    replayed = _committed(replaying, kwargs, tmp_path / "replayed", settings)
    assert replay.calls["replayed"] >= replays + 1, "the call was not replayed"
    assert [t for t, rows in real["rows"].items() if replayed["rows"][t] != rows] == []
    assert replayed == real
