"""`ketnap backup` / `ketnap restore` (issue #13): the file format checked member by member, rotation, and the real
round trip through the `ketnap` command on SQLite (and on PostgreSQL in the PostgreSQL leg)."""

import hashlib
import io
import json
import os
import secrets
import stat
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from ketnap.ops import archive, backup
from ketnap.ops.archive import BackupError, Member

ROOT = Path(__file__).resolve().parent.parent
KETNAP = [sys.executable, "-m", "ketnap"]
SCAN = secrets.token_bytes(50_000)  # a "scanned paper" that does not compress: byte-identity is checked

MAKE_DATA = f"""
import datetime as dt, django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from ketnap.pipeline import domain
from ketnap.pipeline.enums import DocumentKind
from ketnap.registry.enums import OrgKind
from tests import factories as f
upper = f.org("SYT", "Đảng bộ Sở Y tế", OrgKind.UPPER, f.org("TU", "Đảng bộ tỉnh Thử Nghiệm", OrgKind.PROVINCE))
hospital = f.org("BVA", "Đảng bộ Bệnh viện A", OrgKind.BASE_COMMITTEE, upper)
cell = f.org("BVA-NOI", "Chi bộ Khoa Nội", OrgKind.CELL, hospital)
dept = f.unit("UA-NOI", "Khoa Nội", f.unit("UA", "Bệnh viện A"), covered_by=cell)
f.member(f.person(dept, "Nguyễn Văn An"), cell)
system = f.user("he-thong", superuser=True)
candidate = domain.create_candidate(f.person(dept, "Đặng Thị Ánh"), actor=system, on=dt.date(2024, 1, 8))
scan = SimpleUploadedFile("đơn.pdf", bytes.fromhex({SCAN.hex()!r}), content_type="application/pdf")
domain.receive_document(candidate, DocumentKind.APPLICATION, actor=system, on=dt.date(2024, 2, 1), scan=scan)
"""

READ_DATA = """
import json, django
django.setup()
from ketnap.audit import chain
from ketnap.pipeline.models import DossierItem
from ketnap.registry.models import Person
item = DossierItem.objects.get()
print(json.dumps({
    "people": sorted(str(p) for p in Person.objects.all()),
    "scan": item.scan.name,
    "scan_path": item.scan.path,
    "head": chain.head(),
}))
"""


def ketnap(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*KETNAP, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"ketnap {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def python(env: dict, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def environment(data_dir: Path, database_url: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETNAP_") and k != "DATABASE_URL"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(KETNAP_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="ketnap.settings", PYTHONPATH=str(ROOT))
    if database_url:
        env["DATABASE_URL"] = database_url
    data_dir.mkdir(parents=True, exist_ok=True)
    return env


def rewrite(source: Path, target: Path, change) -> None:
    """Copy a backup member by member, letting `change(name, data)` return new bytes (or None to drop it)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = change(info.name, old.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def small_backup(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.pdf").write_bytes(SCAN)
    (tmp_path / "src" / "b.docx").write_bytes(b"mau van ban")
    target = tmp_path / "out" / "ketnap-2026-12-01.tar.gz"
    target.parent.mkdir()
    members = [
        Member("media/a.pdf", tmp_path / "src" / "a.pdf"),
        Member("templates_docx/b.docx", tmp_path / "src" / "b.docx"),
    ]
    archive.write(target, members, {"format": archive.FORMAT, "database_vendor": "sqlite"})
    return target


# --- the file format, in process ------------------------------------------------------------------------------
def test_backup_file_is_private_complete_and_lists_each_member_hash(tmp_path):
    target = small_backup(tmp_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temporary file left
    manifest = archive.verify(target)
    assert manifest["files"][0] == {
        "name": "media/a.pdf",
        "size": len(SCAN),
        "sha256": hashlib.sha256(SCAN).hexdigest(),
        "mode": stat.S_IMODE((tmp_path / "src" / "a.pdf").stat().st_mode),
    }
    with tarfile.open(target) as tar:
        assert tar.getnames() == ["media/a.pdf", "templates_docx/b.docx", "manifest.json"]


def test_a_failed_backup_leaves_no_file_under_the_final_name(tmp_path):
    target = tmp_path / "ketnap-2026-12-01.tar.gz"
    with pytest.raises(IsADirectoryError):
        archive.write(target, [Member("media/x", tmp_path)], {"format": 1})  # a folder cannot be read as a file
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda name, data: data[:-1] + b"X" if name == "media/a.pdf" else data, "sai mã băm media/a.pdf"),
        (lambda name, data: None if name == "templates_docx/b.docx" else data, "thiếu templates_docx/b.docx"),
        (lambda name, data: None if name == "manifest.json" else data, "không phải tệp sao lưu của ketnap"),
        (
            lambda name, data: (
                json.dumps({**json.loads(data), "format": 2, "ketnap_version": "9.0"}).encode()
                if name == "manifest.json"
                else data
            ),
            "ketnap 9.0 tạo, theo định dạng 2",
        ),
    ],
    ids=["tampered", "member-removed", "no-manifest", "newer-format"],
)
def test_a_changed_backup_is_refused(tmp_path, change, message):
    changed = tmp_path / "changed.tar.gz"
    rewrite(small_backup(tmp_path), changed, change)
    with pytest.raises(BackupError, match=message):
        archive.verify(changed)


def test_a_truncated_backup_is_refused(tmp_path):
    target = small_backup(tmp_path)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    with pytest.raises(BackupError, match="hỏng hoặc không đầy đủ"):
        archive.verify(cut)


def test_a_member_escaping_the_restore_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../secret_key")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(BackupError, match="thành phần không hợp lệ"):
        archive.verify(evil)


def test_keep_removes_only_the_oldest_backups_of_the_same_name_pattern(tmp_path):
    names = ["ketnap-2026-11-28.tar.gz", "ketnap-2026-11-29.tar.gz", "ketnap-2026-11-30.tar.gz"]
    for age, name in enumerate(reversed(names)):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (time.time() - 86400 * (age + 1),) * 2)
    (tmp_path / "ketnap-tay.tar.gz").write_bytes(b"a hand-made copy")  # not the pattern: stays
    (tmp_path / "khac-2026-11-01.tar.gz").write_bytes(b"another program's")  # not the pattern: stays
    newest = tmp_path / "ketnap-2026-12-01.tar.gz"
    newest.write_bytes(b"x")
    removed = backup.prune(newest, keep=2)
    assert [p.name for p in removed] == ["ketnap-2026-11-29.tar.gz", "ketnap-2026-11-28.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ketnap-2026-11-30.tar.gz",
        "ketnap-2026-12-01.tar.gz",
        "ketnap-tay.tar.gz",
        "khac-2026-11-01.tar.gz",
    ]
    with pytest.raises(BackupError, match="--keep cần tên tệp có ngày"):
        backup.check_target(tmp_path / "ketnap.tar.gz", keep=3)


# --- the real round trip through the command -------------------------------------------------------------------
def round_trip(tmp_path: Path, source_url: str = "", target_url: str = "") -> None:
    source = environment(tmp_path / "nguon", source_url)
    ketnap(source, "migrate", "-v0")
    python(source, MAKE_DATA)
    (tmp_path / "nguon" / "templates_docx").mkdir()
    (tmp_path / "nguon" / "templates_docx" / "mau-2-knd.docx").write_bytes(b"mau rieng cua don vi")
    (tmp_path / "nguon" / "cache" / "documents").mkdir(parents=True)
    (tmp_path / "nguon" / "cache" / "documents" / "x.pdf").write_bytes(b"cache")
    before = json.loads(python(source, READ_DATA))
    backups = tmp_path / "sao-luu"
    backups.mkdir()
    made = ketnap(source, "backup", str(backups / "ketnap-2026-12-01.tar.gz"), "--keep", "3")
    assert "Đã sao lưu vào" in made.stdout
    file = backups / "ketnap-2026-12-01.tar.gz"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    with tarfile.open(file) as tar:
        names = set(tar.getnames())
    assert {"secret_key", "audit_key", "templates_docx/mau-2-knd.docx", f"media/{before['scan']}"} <= names
    assert not [n for n in names if n.startswith(("cache/", "mail/", "static/"))]

    target = environment(tmp_path / "dich", target_url)
    restored = ketnap(target, "restore", str(file))
    assert "đầu chuỗi khớp bản kê" in restored.stdout
    after = json.loads(python(target, READ_DATA))
    assert after["people"] == before["people"] == ["Nguyễn Văn An", "Đặng Thị Ánh"]
    assert after["head"] == before["head"] != ""
    assert after["scan_path"].startswith(str(tmp_path / "dich"))
    assert Path(after["scan_path"]).read_bytes() == SCAN
    assert (tmp_path / "dich" / "secret_key").read_text() == (tmp_path / "nguon" / "secret_key").read_text()
    assert (tmp_path / "dich" / "templates_docx" / "mau-2-knd.docx").read_bytes() == b"mau rieng cua don vi"
    ketnap(target, "check")  # the restored installation starts

    again = ketnap(target, "restore", str(file), check=False)  # not empty any more
    assert again.returncode == 1
    assert "Nơi khôi phục không trống" in again.stderr and "--force" in again.stderr
    assert ketnap(target, "restore", str(file), "--force").returncode == 0

    tampered = backups / "hong.tar.gz"
    rewrite(file, tampered, lambda name, data: data[::-1] if name.startswith("media/") else data)
    fresh = environment(tmp_path / "dich-2", target_url and target_url.rsplit("/", 1)[0] + "/khong-dung")
    refused = ketnap(fresh, "restore", str(tampered), check=False)
    assert refused.returncode == 1
    assert "sai mã băm media/" in refused.stderr
    assert not (tmp_path / "dich-2" / "media").exists() and not (tmp_path / "dich-2" / "ketnap.sqlite3").exists()


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite round trip (the PostgreSQL one is below)")
def test_sqlite_backup_restores_into_a_fresh_data_directory(tmp_path):
    round_trip(tmp_path)


@pytest.fixture
def two_postgres_databases():
    """Two empty databases next to the test leg's one (the role of DATABASE_URL may create databases)."""
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    names = [f"ketnap_sao_luu_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True)
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield [urlunsplit(url._replace(path=f"/{name}")) for name in names]
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL leg only")
def test_postgres_backup_restores_into_an_empty_database(tmp_path, two_postgres_databases):
    round_trip(tmp_path, *two_postgres_databases)
