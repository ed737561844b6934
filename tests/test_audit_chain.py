"""Issue #13: an audit trail that proves itself.

Every stored field is hashed (scheme 3: the metadata and a salted digest of the payload), each hash is sealed with a
key outside the database, and the head is anchored outside the database: `ketnap audit verify` tells an entry
changed, a rewrite with recomputed hashes, the newest entries deleted and a lost key. The one sanctioned edit, the
redaction of a purged person's entries (ketnap.audit.redaction), leaves a trail that verifies, and tampering with a
redacted entry, or emptying one by hand, is still told. In-process tests run on both legs (SQLite, PostgreSQL: the
time's canonical form must survive both); the command is run as a real subprocess on a throwaway SQLite data
directory.
"""

import io
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from ketnap.accounts.models import FeedToken
from ketnap.audit import chain, redaction, sealing
from ketnap.audit.context import acting
from ketnap.audit.models import AppendOnlyError, AuditEntry
from ketnap.registry.models import Person


def _raw(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite_recomputing_hashes(entry_id: int, note: str) -> None:
    """What someone with database access but without the key can do: change an entry and recompute every plain
    SHA-256 after it (the scheme is public, the payload's salt is in the database), keeping the seals they cannot
    compute."""
    _raw("UPDATE audit_auditentry SET note = %s WHERE id = %s", [note, entry_id])
    previous = AuditEntry.objects.filter(id__lt=entry_id).order_by("-id").values_list("hash", flat=True).first()
    previous = previous or ""
    for entry in AuditEntry.objects.filter(id__gte=entry_id).order_by("id"):
        entry.previous_hash = previous
        if not entry.redacted:
            entry.payload_digest = entry.compute_payload_digest()
        previous = entry.compute_hash()
        _raw(
            "UPDATE audit_auditentry SET previous_hash = %s, hash = %s, payload_digest = %s WHERE id = %s",
            [entry.previous_hash, previous, entry.payload_digest, entry.pk],
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
    assert newest.scheme == 3 and newest.key_id and newest.seal and newest.previous_hash == trail[-2].hash
    assert len(newest.payload_salt) == 32 and newest.payload_digest == newest.compute_payload_digest()
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


def _scheme_2(trail, key: bytes) -> str:
    """The trail back to scheme 2 as ketnap wrote it before migration audit 0005; the old head hash."""
    migration = __import__("ketnap.audit.migrations.0005_rechain_scheme_3", fromlist=["rechain"])
    previous = ""
    for entry in trail:
        entry.previous_hash = previous
        previous = migration.scheme_2_hash(entry)
        _raw(
            "UPDATE audit_auditentry SET previous_hash = %s, hash = %s, seal = %s, scheme = 2, payload_salt = '', "
            "payload_digest = '' WHERE id = %s",
            [entry.previous_hash, previous, sealing.seal(key, previous), entry.pk],
        )
    return previous


def test_the_migration_rechains_a_scheme_2_trail_into_scheme_3_and_supersedes_the_old_anchors(
    trail, keyed, django_capture_on_commit_callbacks
):
    """Scheme-2 entries are checked as they stood (hash, link, seal, anchors), re-chained under scheme 3, the
    re-chaining recorded in the trail and in the anchors file; the old anchors' entries must still be there."""
    migration = __import__("ketnap.audit.migrations.0005_rechain_scheme_3", fromlist=["rechain"])
    old_head = _scheme_2(trail, sealing.load_key(keyed, create=False))
    assert chain.verify().ok  # a scheme-2 trail verifies as it stands, before `migrate`
    chain.anchor("sao lưu trước khi nâng cấp")
    with chain.anchors_path().open("a", encoding="utf-8") as handle:  # an anchor the old chain does not match
        handle.write(f"{timezone.now().isoformat()}\t{trail[1].pk}\t{'0' * 64}\tanchor\n")
    _raw("UPDATE audit_auditentry SET note = %s WHERE id = %s", ["sửa lén trước khi chuyển", trail[2].pk])
    state = MigrationLoader(connection).project_state(("audit", "0004_payload_digest_scheme_3"))
    with django_capture_on_commit_callbacks(execute=True):
        migration.rechain(state.apps, SimpleNamespace(connection=connection))

    record = AuditEntry.objects.order_by("-id").first()
    assert record.changes["scheme"] == [2, 3] and record.changes["old_head"] == [None, old_head]
    assert record.changes["old_broken"] == [None, [trail[2].pk]]  # the tampering is not laundered
    assert record.changes["old_anchors"] == [None, {"checked": 2, "mismatched": [trail[1].pk], "unreadable": 0}]
    assert record.changes["rechained"][1] == {"entries": len(trail), "first": trail[0].pk, "last": trail[-1].pk}
    rechained = list(AuditEntry.objects.order_by("id"))
    assert {e.scheme for e in rechained} == {3} and all(len(e.payload_salt) == 32 for e in rechained)
    last_line = chain.read_anchors()[-1]
    assert (last_line.entry_id, last_line.hash) == (record.pk, record.hash)
    assert last_line.source.startswith(sealing.RECHAIN_SOURCE) and f"mục #{record.pk}" in last_line.source
    report = chain.verify()
    assert report.ok and report.checked == len(trail) + 1 and report.anchors == 3
    assert any("2 mốc neo ghi trước khi nhật ký được nối lại" in note for note in report.notes)

    # the newest entries deleted are still told, through the anchor the migration wrote
    _raw("DELETE FROM audit_auditentry WHERE id >= %s", [record.pk])
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, record.pk, "removed")


# --- redaction: the purged person's values leave the trail, the trail still proves itself -----------------------
@pytest.fixture
def redacted(trail, world):
    """Bình's entries emptied through the sanctioned path, and an entry appended after it."""
    done = redaction.redact_person(world.binh.pk, actor=None, reason="hết thời hạn lưu trữ (thử)")
    with acting(None):
        world.an.phone = "0900000001"
        world.an.save()
    return done


def _verify_command() -> tuple[int, str, str]:
    """`ketnap audit verify` in process: its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--khong-neo", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def _redacted_ids(done) -> list[int]:
    return done.record.changes[redaction.REDACTED_KEY][1]["ids"]


def test_redaction_empties_the_persons_entries_records_it_and_the_trail_verifies(redacted, world):
    about = AuditEntry.objects.filter(person_id=world.binh.pk).exclude(model=redaction.REDACTION_MODEL)
    ids = list(about.order_by("id").values_list("pk", flat=True))
    assert redacted.entries == len(ids) >= 2 and _redacted_ids(redacted) == ids
    assert [(e.object_repr, e.changes, e.note, e.payload_salt) for e in about] == [("", {}, "", "")] * len(ids)
    assert all(e.redacted and len(e.payload_digest) == 64 and e.seal for e in about)
    record = redacted.record
    assert (record.model, record.person_id, record.action, record.actor_name) == (
        redaction.REDACTION_MODEL,
        world.binh.pk,
        "event",
        "hệ thống",
    )
    assert f"Xóa nội dung {len(ids)} mục nhật ký về nhân sự #{world.binh.pk}" in record.note
    assert world.binh.full_name not in f"{record.object_repr} {record.changes} {record.note}"
    code, out, err = _verify_command()
    assert code == 0, err
    assert f"Lưu ý: {len(ids)} mục đã xóa nội dung theo thời hạn lưu trữ" in out
    assert chain.verify().redacted == len(ids)
    # nothing left to empty: no second record
    assert redaction.redact_person(world.binh.pk, actor=None, reason="lần nữa") == redaction.Redaction(
        world.binh.pk, 0, None
    )
    # the sanctioned path is the only one: every other update or delete still refuses
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(person_id=world.an.pk).update(note="")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.get(pk=ids[0]).save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=ids[0]).delete()
    with pytest.raises(redaction.RedactionError):
        redaction.redact_person(world.an.pk, actor=None, reason="  ")


@pytest.mark.parametrize(
    ("column", "value"),
    [("payload_digest", "0" * 64), ("at", "2020-01-01 00:00:00"), ("actor_name", "người khác"), ("note", "giá trị cũ")],
)
def test_tampering_with_a_redacted_entry_is_told_naming_it(redacted, column, value):
    target = _redacted_ids(redacted)[1]
    _raw(f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, target])
    code, _out, err = _verify_command()
    assert code == 1 and f"NHẬT KÝ KHÔNG NGUYÊN VẸN: mục #{target} " in err and "nội dung đã bị sửa" in err


def test_an_entry_emptied_by_hand_without_a_redaction_record_is_told(trail, world):
    """redacted_at is not hashed: it is the sealed redaction record naming the entry that vouches for it."""
    target = next(e for e in trail if e.person_id == world.an.pk)
    emptied = dict(object_repr="", changes={}, note="", payload_salt="", redacted_at=timezone.now())
    models.QuerySet.update(AuditEntry.objects.filter(pk=target.pk), **emptied)  # behind the application's back
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, target.pk, "content")
    code, _out, err = _verify_command()
    assert code == 1 and f"mục #{target.pk} " in err and "xóa ngoài quy trình" in err


def test_deleting_the_newest_redaction_record_is_told(trail, world):
    done = redaction.redact_person(world.binh.pk, actor=None, reason="hết thời hạn lưu trữ (thử)")
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [done.record.pk])  # the head: no link breaks
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, _redacted_ids(done)[0], "content")


def test_editing_the_changes_of_an_entry_is_told_by_its_payload_digest(trail):
    target = trail[len(trail) // 2]
    assert target.scheme == 3 and not target.redacted and target.changes
    models.QuerySet.update(AuditEntry.objects.filter(pk=target.pk), changes={"email": ["", "khac@bv.vn"]})
    report = chain.verify()
    assert (report.ok, report.first_broken, report.problem) == (False, target.pk, "content")
    code, _out, err = _verify_command()
    assert code == 1 and f"mục #{target.pk} " in err and "không khớp mã băm nội dung" in err


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


@pytest.mark.slow
def test_verify_exits_0_on_an_intact_trail_and_anchors_it(copy):
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert "Nhật ký nguyên vẹn: đã kiểm tra 6 mục; đầu chuỗi #6 " in done.stdout and "Chữ ký khóa: khớp" in done.stdout
    assert (copy / "audit-anchors.log").read_text().count("\t6\t") == 1
    assert oct((copy / "audit_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
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


@pytest.mark.slow
def test_verify_tells_the_newest_entries_deleted_after_an_anchor(copy):
    assert _ketnap(copy, "audit", "anchor").returncode == 0
    _sql(copy, "DELETE FROM audit_auditentry WHERE id >= 5")
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "mục #6 " in done.stderr and "các mục từ #6 trở về sau đã bị xóa" in done.stderr


@pytest.mark.slow
def test_verify_tells_a_full_rewrite_with_recomputed_hashes(copy):
    code = (
        "from tests.test_audit_chain import _rewrite_recomputing_hashes\n_rewrite_recomputing_hashes(2, 'viết lại')\n"
    )
    env_code = f"import sys; sys.path.insert(0, {os.getcwd()!r})\n" + code
    assert _ketnap(copy, "shell", code=env_code).returncode == 0
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "mục #2 " in done.stderr and "chữ ký không khớp khóa" in done.stderr
    assert _ketnap(copy, "audit", "verify", "--khong-khoa").returncode == 0  # without the key it cannot be told


@pytest.mark.slow
def test_verify_says_when_the_key_is_lost(copy):
    (copy / "audit_key").unlink()
    done = _ketnap(copy, "audit", "verify")
    assert done.returncode == 1 and "không có khóa ký nhật ký" in done.stderr and "mục #1 " in done.stderr
    lenient = _ketnap(copy, "audit", "verify", "--khong-khoa")
    assert lenient.returncode == 0 and "KHÔNG kiểm tra" in lenient.stdout
