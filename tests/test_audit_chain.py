"""Issue #13: an audit trail that proves itself.

Every stored field is hashed (scheme 2), each hash is sealed with a key outside the database, and the head is
anchored outside the database: `ketnap audit verify` tells an entry changed, a rewrite with recomputed hashes, the
newest entries deleted and a lost key. In-process tests run on both legs (SQLite, PostgreSQL: the time's canonical
form must survive both); the command is run as a real subprocess on a throwaway SQLite data directory.
"""

import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from ketnap.accounts.models import FeedToken
from ketnap.audit import chain
from ketnap.audit.context import acting
from ketnap.audit.models import AuditEntry
from ketnap.registry.models import Person


def _raw(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite_recomputing_hashes(entry_id: int, note: str) -> None:
    """What someone with database access but without the key can do: change an entry and recompute every plain
    SHA-256 after it (the scheme is public), keeping the seals they cannot compute."""
    _raw("UPDATE audit_auditentry SET note = %s WHERE id = %s", [note, entry_id])
    previous = AuditEntry.objects.filter(id__lt=entry_id).order_by("-id").values_list("hash", flat=True).first()
    previous = previous or ""
    for entry in AuditEntry.objects.filter(id__gte=entry_id).order_by("id"):
        entry.previous_hash = previous
        previous = entry.compute_hash()
        _raw(
            "UPDATE audit_auditentry SET previous_hash = %s, hash = %s WHERE id = %s",
            [entry.previous_hash, previous, entry.pk],
        )


@pytest.fixture
def keyed(settings, tmp_path):
    """A fresh data directory: its own key (made on the first write) and anchors file."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def trail(keyed, world):
    """The world's entries and one edit of each person, all sealed with the data directory's key."""
    with acting(None):
        for person in Person.objects.all():
            person.email = f"{person.pk}@bv.vn"
            person.save()
    return list(AuditEntry.objects.order_by("id"))


def test_an_intact_trail_verifies_with_its_head_and_every_field_is_hashed(trail):
    report = chain.verify()
    assert (report.ok, report.checked, report.head, report.sealed) == (True, len(trail), trail[-1].hash, True)
    newest = trail[-1]
    assert newest.scheme == 2 and newest.key_id and newest.seal and newest.previous_hash == trail[-2].hash
    # the stored time is the hashed one, as the database gives it back
    assert AuditEntry.objects.get(pk=newest.pk).compute_hash() == newest.hash


@pytest.mark.parametrize(
    ("column", "value"),
    [("at", "2020-01-01 00:00:00"), ("actor_name", "người khác"), ("object_repr", "Tên khác")],
)
def test_changing_time_actor_name_or_object_name_in_the_database_is_told(trail, column, value):
    target = trail[len(trail) // 2]
    _raw(f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, target.pk])
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, target.pk, "content")
    assert report.checked == trail.index(target)


def test_a_rewrite_with_recomputed_hashes_is_told_by_the_seal(trail):
    target = trail[3]
    _rewrite_recomputing_hashes(target.pk, "sửa lén, băm lại")
    unkeyed = chain.verify(check_key=False)
    assert unkeyed.ok  # the plain hashes alone cannot tell: that is what the key is for
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, target.pk, "seal")


def test_deleting_the_newest_entries_after_an_anchor_is_told(trail):
    made = chain.anchor("test")
    assert (made.entry_id, made.hash) == (trail[-1].pk, trail[-1].hash)
    _raw("DELETE FROM audit_auditentry WHERE id >= %s", [trail[-3].pk])
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, trail[-1].pk, "removed")
    assert report.checked == len(trail) - 3 and report.head == trail[-4].hash


def test_a_lost_key_is_said_and_a_new_key_is_recorded_in_the_trail(trail, settings, tmp_path):
    (tmp_path / "audit_key").unlink()
    report = chain.verify()  # verify never makes a key
    assert (report.ok, report.first_broken, report.problem) == (False, trail[0].pk, "key")
    assert "không có khóa ký nhật ký" in report.reason and not (tmp_path / "audit_key").exists()
    assert chain.verify(check_key=False).ok
    # the application goes on with a new key, and says so in the trail before anything else
    settings.DATA_DIR = tmp_path / "elsewhere"
    (tmp_path / "elsewhere").mkdir()
    with acting(None):
        person = Person.objects.first()
        person.email = "moi@bv.vn"
        person.save()
    change, edit = AuditEntry.objects.order_by("-id")[:2][::-1]
    assert (change.model, change.changes["key_id"][0]) == ("audit.AuditKey", trail[-1].key_id)
    assert edit.key_id == change.key_id != trail[-1].key_id
    report = chain.verify()
    assert report.ok and report.notes and f"#{trail[0].pk}–#{trail[-1].pk}" in report.notes[0]


def test_the_migration_rechains_an_old_trail_and_records_it(trail, settings):
    """Scheme-1 entries (before issue #13) are checked as they stood, re-chained, and the re-chaining recorded."""
    migration = __import__("ketnap.audit.migrations.0003_rechain_scheme_2", fromlist=["rechain"])
    previous = ""
    for entry in trail:  # back to scheme 1 as ketnap wrote it then
        entry.previous_hash = previous
        previous = migration.scheme_1_hash(entry)
        _raw(
            "UPDATE audit_auditentry SET previous_hash = %s, hash = %s, scheme = 1, seal = '', key_id = '' "
            "WHERE id = %s",
            [entry.previous_hash, previous, entry.pk],
        )
    _raw("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["sửa lén trước khi chuyển", trail[2].pk])
    assert not chain.verify().ok
    state = MigrationLoader(connection).project_state(("audit", "0002_sealed_scheme_2"))
    migration.rechain(state.apps, SimpleNamespace(connection=connection))
    report = chain.verify()
    record = AuditEntry.objects.order_by("-id").first()
    assert report.ok and report.checked == len(trail) + 1 and record.model == "audit.AuditEntry"
    assert record.changes["scheme"] == [1, 2] and record.changes["old_head"] == [None, previous]
    assert record.changes["old_broken"] == [None, [trail[2].pk]]  # the tampering is not laundered
    assert record.changes["rechained"][1] == {"entries": len(trail), "first": trail[0].pk, "last": trail[-1].pk}


def test_rotating_the_feed_address_is_audited_without_the_secret(keyed, client, personas):
    client.force_login(personas.secretary_a1)
    old = FeedToken.for_user(personas.secretary_a1).token
    before = AuditEntry.objects.count()
    assert client.post(reverse("feed_link")).status_code == 302
    new = FeedToken.objects.get(user=personas.secretary_a1).token
    entry = AuditEntry.objects.get(id__gt=AuditEntry.objects.order_by("id")[before - 1].pk)
    assert (entry.model, entry.action, entry.actor_id) == ("accounts.FeedToken", "update", personas.secretary_a1.pk)
    assert "đường dẫn cũ hết hiệu lực" in entry.note
    stored = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert old not in stored and new not in stored and old[:8] not in stored and new[:8] not in stored
    assert chain.verify().ok


# --- `ketnap audit verify` as the operator runs it ----------------------------------------------------------
WRITE = """
from ketnap.audit.models import AuditEntry
for n in range(1, 7):
    AuditEntry.objects.create(action="event", model="registry.Organization", object_id=n, object_repr=f"Đảng bộ {n}")
"""


def _ketnap(data_dir, *args, code=None):
    env = {**os.environ, "KETNAP_DATA_DIR": str(data_dir), "DATABASE_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "ketnap", *args] + (["-c", code] if code else [])
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def _sql(data_dir, sql):
    code = f"from django.db import connection\nconnection.cursor().execute({sql!r})"
    assert _ketnap(data_dir, "shell", code=code).returncode == 0


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("audit-cli")
    assert _ketnap(data_dir, "migrate", "-v0").returncode == 0
    made = _ketnap(data_dir, "shell", code=WRITE)
    assert made.returncode == 0, made.stderr
    return data_dir


@pytest.fixture
def copy(written, tmp_path):
    shutil.copytree(written, tmp_path / "d")
    return tmp_path / "d"


def test_verify_exits_0_on_an_intact_trail_and_anchors_it(copy):
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "Nhật ký nguyên vẹn: đã kiểm tra 6 mục; đầu chuỗi #6 " in done.stdout and "Chữ ký khóa: khớp" in done.stdout
    assert (copy / "audit-anchors.log").read_text().count("\t6\t") == 1
    assert oct((copy / "audit_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE audit_auditentry SET at = '2020-01-01 00:00:00' WHERE id = 3", "mục #3 (lúc 01/01/2020 07:00:00)"),
        ("UPDATE audit_auditentry SET actor_name = 'ai đó' WHERE id = 4", "mục #4 "),
        ("UPDATE audit_auditentry SET object_repr = 'Đảng bộ X' WHERE id = 5", "mục #5 "),
    ],
)
def test_verify_names_an_entry_changed_in_the_database(copy, sql, said):
    _sql(copy, sql)
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1
    assert "NHẬT KÝ KHÔNG NGUYÊN VẸN: " + said in done.stderr and "nội dung đã bị sửa" in done.stderr
    assert not (copy / "audit-anchors.log").exists()  # a broken trail is not anchored


def test_verify_tells_the_newest_entries_deleted_after_an_anchor(copy):
    assert _ketnap(copy, "audit", "anchor").returncode == 0
    _sql(copy, "DELETE FROM audit_auditentry WHERE id >= 5")
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "mục #6 " in done.stderr and "các mục từ #6 trở về sau đã bị xóa" in done.stderr


def test_verify_tells_a_full_rewrite_with_recomputed_hashes(copy):
    code = (
        "from tests.test_audit_chain import _rewrite_recomputing_hashes\n_rewrite_recomputing_hashes(2, 'viết lại')\n"
    )
    env_code = f"import sys; sys.path.insert(0, {os.getcwd()!r})\n" + code
    assert _ketnap(copy, "shell", code=env_code).returncode == 0
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "mục #2 " in done.stderr and "chữ ký không khớp khóa" in done.stderr
    assert _ketnap(copy, "audit", "verify", "--khong-khoa").returncode == 0  # without the key it cannot be told


def test_verify_says_when_the_key_is_lost(copy):
    (copy / "audit_key").unlink()
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "không có khóa ký nhật ký" in done.stderr and "mục #1 " in done.stderr
    lenient = _ketnap(copy, "audit", "verify", "--khong-khoa")
    assert lenient.returncode == 0 and "KHÔNG kiểm tra" in lenient.stdout
