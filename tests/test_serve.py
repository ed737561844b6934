"""`ketnap serve` really serves: gunicorn's worker processes (waitress where gunicorn cannot run, or when asked), the
stylesheet, no internet; and several processes writing to one SQLite file at once lose nothing."""

import contextlib
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from ketnap.web.management.commands.serve import bind_address, choose_server, default_workers
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, patience: float = 120, method: str = "GET"):
    """Wait for the server to listen. `serve` first collects and compresses the static files, which takes a few
    seconds, more on a busy 2-core machine running the suite: a readiness wait, not a speed check."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"ketnap serve did not answer {url}")


def _env(data_dir: Path, **more) -> dict:
    env = {**os.environ, "KETNAP_DATA_DIR": str(data_dir), "DATABASE_URL": "", **more}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _workers(pid: int, expected: int, patience: float = 60) -> int:
    """How many child processes (gunicorn's workers) the server has, waiting up to `patience` seconds for `expected`:
    gunicorn forks them one after the other, and the first may answer before the last is there."""
    deadline = time.monotonic() + patience
    while True:
        count = len(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.2)


@contextlib.contextmanager
def _serving(data_dir: Path, env: dict, *args: str):
    """`ketnap serve` on a free port, its output in serve.log (a file: an unread pipe would block the server)."""
    port = _free_port()
    log_path = data_dir / "serve.log"
    with log_path.open("w") as log:
        command = [sys.executable, "-m", "ketnap", "serve", "--port", str(port), *args]
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _get(f"http://127.0.0.1:{port}/dang-nhap/").close()
            yield port, server.pid
        finally:
            server.terminate()  # gunicorn: the workers finish what they serve, then the master stops
            server.wait(timeout=60)


def test_gunicorn_where_it_runs_waitress_on_windows_or_when_asked():
    assert choose_server("auto", "linux", has_gunicorn=True) == "gunicorn"
    assert choose_server("auto", "win32", has_gunicorn=True) == "waitress"  # gunicorn needs fork and fcntl
    assert choose_server("auto", "linux", has_gunicorn=False) == "waitress"
    assert choose_server("waitress", "linux", has_gunicorn=True) == "waitress"
    assert choose_server("gunicorn", "darwin", has_gunicorn=True) == "gunicorn"
    for platform, installed in (("win32", True), ("linux", False)):
        with pytest.raises(CommandError, match="--server gunicorn"):
            choose_server("gunicorn", platform, has_gunicorn=installed)
    # two processes per core, at least 2 (one long request never holds everyone), at most 8 (memory)
    assert [default_workers(n) for n in (1, 2, 3, 4, 16)] == [2, 2, 3, 4, 8]
    assert [bind_address(h, 8000) for h in ("127.0.0.1", "0.0.0.0", "::", "[::1]")] == [
        "127.0.0.1:8000",
        "0.0.0.0:8000",
        "[::]:8000",
        "[::1]:8000",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("server", "options", "header", "workers"),
    [
        # one thread per process, so that concurrent requests queue; gunicorn's two workers are child processes
        ("gunicorn", ["--workers", "2", "--threads", "1"], "gunicorn", 2),
        ("waitress", ["--server", "waitress", "--threads", "1"], "ketnap", 0),  # the Windows server, named by `serve`
    ],
)
def test_serve_answers_with_login_page_and_stylesheet(tmp_path, server, options, header, workers):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "-m", "ketnap", "migrate", "-v0"], env=env, check=True)
    with _serving(tmp_path, env, *options) as (port, pid):
        with _get(f"http://127.0.0.1:{port}/dang-nhap/") as page:
            assert page.headers["Server"] == header
            assert "Đăng nhập" in page.read().decode()
        with _get(f"http://127.0.0.1:{port}/static/ketnap/app.css") as css:
            assert css.status == 200 and b"@media print" in css.read()
        with ThreadPoolExecutor(8) as pool:
            pages = list(pool.map(lambda _: _get(f"http://127.0.0.1:{port}/dang-nhap/").status, range(24)))
        assert pages == [200] * 24
        with _get(f"http://127.0.0.1:{port}/dang-nhap/", method="HEAD") as head:
            assert head.status == 200 and head.read() == b""
        assert _workers(pid, workers) == workers
    log = (tmp_path / "serve.log").read_text()
    assert f"Máy chủ: {server}" in log
    # a queue of waiting requests is ordinary load, not a warning per request (it once filled the soak's pipe);
    # no line per request unless asked (--access-log), none for a HEAD's body either
    assert "Task queue depth" not in log and "GET /dang-nhap/" not in log and "no-body" not in log
    assert "Traceback" not in log


# --- several processes, one SQLite file ----------------------------------------------------------------------------
CANDIDATES, USERS, CLIENTS, NOTES_EACH = 12, 4, 24, 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SETUP = f"""
import datetime as dt
from ketnap.accounts.models import RoleKind
from ketnap.pipeline import domain
from ketnap.registry.enums import OrgKind
from tests import factories as f

upper = f.org("SYT", "Đảng bộ Sở Y tế", OrgKind.UPPER, f.org("T", "Đảng bộ tỉnh", OrgKind.PROVINCE))
hospital = f.org("BV", "Đảng bộ Bệnh viện Thử", OrgKind.BASE_COMMITTEE, upper)
cell = f.org("BV-NOI", "Chi bộ Khoa Nội", OrgKind.CELL, hospital)
department = f.unit("U-NOI", "Khoa Nội", f.unit("U", "Bệnh viện Thử"), covered_by=cell)
system = f.user("he-thong", superuser=True)
for n in range({CANDIDATES}):
    person = f.person(department, f"Nguyễn Văn Thử{{n}}")
    domain.create_candidate(person, actor=system, on=dt.date(2024, 1, 8))
for n in range({USERS}):
    f.user(f"vp{{n}}", (RoleKind.OFFICE, hospital))
"""


class Browser:
    """One person's browser: its own cookies (session, CSRF), real HTTP."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def submit(self, path: str, data: dict) -> int:
        """GET the form, POST it back with its CSRF token; the status of the POST (redirects followed: 200)."""
        status, page = self.open(path)
        token = CSRF.search(page)
        assert status == 200 and token, (path, status)
        return self.open(path, {**data, "csrfmiddlewaretoken": token.group(1)})[0]


@pytest.mark.slow
def test_many_people_writing_at_once_through_several_worker_processes_lose_nothing(tmp_path):
    env = _env(tmp_path, KETNAP_WORKERS="3")  # the setting, not --workers
    subprocess.run([sys.executable, "-m", "ketnap", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "ketnap", "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)
    with sqlite3.connect(tmp_path / "ketnap.sqlite3") as db:
        candidates = [pk for (pk,) in db.execute("SELECT id FROM pipeline_candidate ORDER BY id")]
    assert len(candidates) == CANDIDATES
    statuses: list[int] = []
    lock = threading.Lock()

    with _serving(tmp_path, env, "--threads", "4") as (port, pid):
        assert _workers(pid, 3) == 3

        def person(n: int) -> None:
            browser = Browser(f"http://127.0.0.1:{port}")
            done = [browser.submit("/dang-nhap/", {"username": f"vp{n % USERS}", "password": PASSWORD})]
            for i in range(NOTES_EACH):
                pk = candidates[(n + i) % CANDIDATES]
                note = {"on": "02/03/2026", "text": f"Nhận xét {n}-{i}: tiến bộ, gương mẫu."}
                done.append(browser.submit(f"/ung-vien/{pk}/nhan-xet/", note))  # the redirect: the candidate page
                done.append(browser.open(f"/ung-vien/{pk}/")[0])  # a read is a write too (the read log)
            with lock:
                statuses.extend(done)

        start = threading.Barrier(CLIENTS)  # everyone at once

        def at_once(n: int) -> None:
            start.wait()
            person(n)

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(at_once, range(CLIENTS)))

    assert statuses == [200] * (CLIENTS * (1 + 2 * NOTES_EACH))  # no 5xx, no lock error page
    with sqlite3.connect(tmp_path / "ketnap.sqlite3") as db:
        notes = [text for (text,) in db.execute("SELECT text FROM pipeline_mentornote")]
        reads = db.execute("SELECT COUNT(*) FROM privacy_readentry WHERE kind = 'candidate'").fetchone()[0]
    wanted = {f"Nhận xét {n}-{i}: tiến bộ, gương mẫu." for n in range(CLIENTS) for i in range(NOTES_EACH)}
    assert sorted(notes) == sorted(wanted)  # every note once: nothing lost, nothing twice
    assert reads >= CLIENTS * NOTES_EACH
    # the audit trail, appended to by three processes at once, is still one unbroken chain
    verify = [sys.executable, "-m", "ketnap", "audit", "verify", "--khong-neo"]
    checked = subprocess.run(verify, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    log = (tmp_path / "serve.log").read_text()
    assert "database is locked" not in log and "Traceback" not in log


def test_the_server_keeps_what_it_loaded_out_of_the_garbage_collectors_passes():
    """`ketnap serve` freezes what it loaded before its first request (a full pass of the collector during a request
    walked some 270,000 loaded objects: 100 ms of a province's statistics page)."""
    import gc

    from ketnap.web.management.commands.serve import freeze_what_is_loaded

    try:
        freeze_what_is_loaded()
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()
