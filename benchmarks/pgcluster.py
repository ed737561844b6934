"""A throwaway PostgreSQL cluster for benchmarks (what scripts/test.sh does for the tests, in Python): Debian's
server binaries, a temporary directory, loopback only, removed on exit. Durability is off (fsync, synchronous
commit): the benchmarks time reads and the demo's bulk load, not crash safety."""

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

INITDB_OPTIONS = ["--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]


def server_bin() -> Path:
    found = sorted(
        (Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin") if Path(d, "initdb").exists()),
        key=lambda d: int(d.parent.name),
    )
    if not found:
        raise SystemExit("PostgreSQL server binaries are missing: bash scripts/system-packages.sh test (as root)")
    return found[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, directory: Path, port: int, password: str, bin_dir: Path):
        self.directory, self.port, self.password, self.bin = directory, port, password, bin_dir

    def psql(self, *sql: str, database: str = "postgres") -> None:
        command = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.directory / "sock")]
        command += ["-p", str(self.port), "-U", "postgres", "-d", database]
        for statement in sql:
            command += ["-c", statement]
        _as_postgres(command, self.directory)

    def new_database(self, name: str) -> str:
        """An empty database owned by the ketnap role; its DATABASE_URL."""
        self.psql(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name} OWNER ketnap")
        return f"postgres://ketnap:{self.password}@127.0.0.1:{self.port}/{name}"


def _as_postgres(command: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, cwd=cwd, check=True, **kwargs)


@contextlib.contextmanager
def cluster(shared_buffers: str = "256MB") -> Iterator[Cluster]:
    bin_dir = server_bin()
    directory = Path(tempfile.mkdtemp(prefix="ketnap-bench-pg-", dir="/tmp"))  # /tmp: the postgres user reaches it
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    port, password = free_port(), secrets.token_hex(16)
    data = directory / "data"
    try:
        _as_postgres(["mkdir", str(directory / "sock")], directory)
        _as_postgres(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust", *INITDB_OPTIONS],
            directory,
            stdout=subprocess.DEVNULL,
        )
        settings = (
            f"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{directory / 'sock'}'\n"
            f"fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = {shared_buffers}\n"
        )
        _as_postgres(
            ["tee", "-a", str(data / "postgresql.conf")], directory, input=settings.encode(), stdout=subprocess.DEVNULL
        )
        _as_postgres(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"), "-w", "-t", "60", "start"],
            directory,
            stdout=subprocess.DEVNULL,
        )
        found = Cluster(directory, port, password, bin_dir)
        found.psql(f"CREATE ROLE ketnap LOGIN CREATEDB PASSWORD '{password}'")
        yield found
    finally:
        if (data / "postmaster.pid").exists():
            _as_postgres(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                directory,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(directory, ignore_errors=True)
