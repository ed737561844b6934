"""The database part of a backup, per vendor: an online-consistent snapshot and its loading back.

SQLite: the sqlite3 backup API, run inside a read transaction of the same connection that reads the audit chain's
head, so the copy and the head are of the same instant while the server goes on writing (WAL: readers never block
the writer). PostgreSQL: `pg_dump --format=custom` on a snapshot exported by a REPEATABLE READ transaction that
reads the head too; the connection settings come from DATABASE_URL and reach pg_dump/pg_restore through PG*
environment variables (a password on a command line would be visible to every user of the machine).
"""

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from ketnap.audit import chain
from ketnap.ops.archive import BackupError

SQLITE_MEMBER = "database/ketnap.sqlite3"
POSTGRES_MEMBER = "database/ketnap.pgdump"


@dataclass(frozen=True)
class Snapshot:
    member: str  # name inside the archive
    path: Path
    audit_head: str
    migrations: list[str]  # applied migrations, "app.name"


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


# --- snapshot -----------------------------------------------------------------------------------------------
def snapshot(folder: Path) -> Snapshot:
    """Copy the live database into `folder` (a private temporary folder) and read the chain head of the copy."""
    if vendor() == "sqlite":
        return _sqlite_snapshot(folder)
    if vendor() == "postgresql":
        return _postgres_snapshot(folder)
    raise BackupError(f"Chưa hỗ trợ sao lưu CSDL loại {vendor()}.")


def _sqlite_snapshot(folder: Path) -> Snapshot:
    if not Path(settings.DATABASES["default"]["NAME"]).exists():
        raise BackupError("Chưa có CSDL để sao lưu (chạy `ketnap migrate` trước).")
    path = folder / Path(SQLITE_MEMBER).name
    connection.ensure_connection()
    raw = connection.connection
    raw.execute("BEGIN")  # deferred: a read snapshot, the server's writers go on
    try:
        head = chain.head()  # same connection, same transaction: the head of the copy below
        migrations = _applied_migrations()
        path.touch(mode=0o600)  # personal data
        copy = sqlite3.connect(path)
        try:
            raw.backup(copy)  # in one step, inside the read transaction
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        raw.execute("COMMIT")
    if problem != "ok":
        raise BackupError(f"CSDL SQLite có lỗi ({problem}); không tạo bản sao lưu. Hãy báo cho người quản trị.")
    return Snapshot(SQLITE_MEMBER, path, head, migrations)


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the one on PATH (Debian's wrapper picks the right version), else the newest installed."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), "")
    if not found:
        raise BackupError(f"Không tìm thấy {name} (cài gói postgresql-client cùng phiên bản với máy chủ).")
    return found


def _pg_environment() -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGAPPNAME": "ketnap-backup"}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return env


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} thất bại (mã {done.returncode}): {done.stderr.strip()[-2000:]}")


def _postgres_snapshot(folder: Path) -> Snapshot:
    path = folder / Path(POSTGRES_MEMBER).name
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            exported = cursor.fetchone()[0]
            head = chain.head()  # inside the same snapshot as the dump below
            migrations = _applied_migrations()
            _run([_pg_tool("pg_dump"), "--format=custom", f"--snapshot={exported}", f"--file={path}"])
        finally:
            cursor.execute("COMMIT")
    return Snapshot(POSTGRES_MEMBER, path, head, migrations)


# --- restore ------------------------------------------------------------------------------------------------
def what_is_there() -> str:
    """ "" when the configured database holds no table; else a short description, for the refusal message."""
    if vendor() == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        if not name.exists():
            return ""
        probe = sqlite3.connect(f"file:{name}?mode=ro", uri=True)  # Django's connection stays closed
        try:
            tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            probe.close()
        return f"CSDL {name} đã có {tables} bảng" if tables else ""
    tables = connection.introspection.table_names()
    return f"CSDL {settings.DATABASES['default']['NAME']} đã có {len(tables)} bảng" if tables else ""


def load(member: str, path: Path, *, replace: bool) -> None:
    """Put the restored database in place of the configured one (`replace`: it may already hold data)."""
    if member == SQLITE_MEMBER and vendor() == "sqlite":
        live = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        # The old database's write-ahead log would be replayed onto the restored file: it goes first.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        os.replace(path, live)
    elif member == POSTGRES_MEMBER and vendor() == "postgresql":
        connections.close_all()
        command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        command += ["--clean", "--if-exists"] if replace else []
        _run([*command, f"--dbname={settings.DATABASES['default']['NAME']}", str(path)])
    else:
        raise BackupError(f"Tệp sao lưu chứa {member}, không khôi phục được vào CSDL loại {vendor()}.")
