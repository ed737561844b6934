"""`ketnap serve` really serves: a production WSGI server (waitress) with the stylesheet, no internet."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, patience: float = 120):
    """Wait for the server to listen. `serve` first collects and compresses the static files, which takes a few
    seconds, more on a busy 2-core machine running the suite: a readiness wait, not a speed check."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"ketnap serve did not answer {url}")


def test_serve_answers_with_login_page_and_stylesheet(tmp_path):
    env = {**os.environ, "KETNAP_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "-m", "ketnap", "migrate", "-v0"], env=env, check=True)
    port = _free_port()
    with (tmp_path / "serve.log").open("w") as log:
        # one thread, so that concurrent requests queue
        command = [sys.executable, "-m", "ketnap", "serve", "--port", str(port), "--threads", "1"]
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            with _get(f"http://127.0.0.1:{port}/dang-nhap/") as page:
                assert page.headers["Server"] == "ketnap"  # waitress, named by `serve`
                assert "Đăng nhập" in page.read().decode()
            with _get(f"http://127.0.0.1:{port}/static/ketnap/app.css") as css:
                assert css.status == 200 and b"@media print" in css.read()
            with ThreadPoolExecutor(8) as pool:
                pages = list(pool.map(lambda _: _get(f"http://127.0.0.1:{port}/dang-nhap/").status, range(24)))
            assert pages == [200] * 24
        finally:
            server.terminate()
            server.wait(timeout=10)
    # a queue of waiting requests is ordinary load, not a warning per request (it once filled the soak's pipe)
    assert "Task queue depth" not in (tmp_path / "serve.log").read_text()
