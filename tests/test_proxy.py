"""Production behind a TLS reverse proxy, the whole hop: a real `ketnap serve` in production mode (gunicorn, and
waitress, the Windows server: the same proxy-header parser in front of both), talked to from 127.0.0.1 as
nginx/Caddy would (X-Forwarded-Proto/-Host/-For), and from 127.0.0.2 as a client reaching the port directly, whose
forwarded headers must count for nothing. Also: login lockout keyed by the account, and the
address limit keyed by the client behind the proxy."""

import http.client
import os
import re
import sqlite3
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.test_serve import _free_port

pytestmark = pytest.mark.slow  # a real gunicorn and a real waitress, each behind a real proxy

PUBLIC = "ketnap.benhvien.local"
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": PUBLIC}
PASSWORD = "mat-khau-dai-du-10"


class Served:
    def __init__(self, port, data_dir):
        self.port, self.data_dir = port, data_dir

    def request(self, method, path, *, headers=None, body=None, source="127.0.0.1"):
        """One request on its own connection from `source` (127.0.0.1: the proxy; 127.0.0.2: anyone else)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(source, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            response.text = response.read().decode()
            return response
        finally:
            connection.close()

    def attempts(self):
        with sqlite3.connect(self.data_dir / "ketnap.sqlite3") as db:
            return db.execute("SELECT username, ip_address FROM axes_accessattempt ORDER BY id").fetchall()


@pytest.fixture(scope="module", params=["gunicorn", "waitress"])
def served(tmp_path_factory, request):
    data_dir = tmp_path_factory.mktemp("proxy")
    env = {
        **os.environ,
        "KETNAP_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "KETNAP_PRODUCTION": "true",
        "KETNAP_TRUSTED_PROXY": "127.0.0.1",
        "KETNAP_ALLOWED_HOSTS": f"{PUBLIC},127.0.0.1",
        "KETNAP_CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC}",
        "KETNAP_LOGIN_FAILURE_LIMIT": "3",
        "KETNAP_LOGIN_ADDRESS_LIMIT": "3",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "-m", "ketnap", "migrate", "-v0"], env=env, check=True)
    users = "; ".join(f"U.objects.create_user({n!r}, password={PASSWORD!r})" for n in ("an", "binh", "chi", "dung"))
    script = f"from django.contrib.auth.models import User as U; {users}"
    subprocess.run([sys.executable, "-m", "ketnap", "shell", "-c", script], env=env, check=True)
    port = _free_port()
    with (data_dir / "serve.log").open("w") as log:
        command = [sys.executable, "-m", "ketnap", "serve", "--port", str(port), "--server", request.param]
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            site = Served(port, data_dir)
            deadline = time.monotonic() + 120  # `serve` first collects the static files: a readiness wait
            while True:
                try:
                    site.request("GET", "/dang-nhap/", headers=PROXY_HEADERS)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield site
        finally:
            server.terminate()
            server.wait(timeout=60)  # gunicorn's workers finish, then its master


def _cookies(response) -> dict[str, str]:
    """name → the whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_all("Set-Cookie") or []}


def _login(site, username, password, *, client_address="192.0.2.10", source="127.0.0.1"):
    form = site.request("GET", "/dang-nhap/", headers={**PROXY_HEADERS, "X-Forwarded-For": client_address})
    token = SimpleCookie(form.headers["Set-Cookie"])["csrftoken"].value
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    headers = {
        **PROXY_HEADERS,
        "X-Forwarded-For": client_address,
        "Origin": f"https://{PUBLIC}",
        "Referer": f"https://{PUBLIC}/dang-nhap/",
        "Cookie": f"csrftoken={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode({"csrfmiddlewaretoken": field, "username": username, "password": password})
    return form, site.request("POST", "/dang-nhap/", headers=headers, body=body, source=source)


def test_login_through_the_proxy_is_https_with_secure_cookies_and_hsts(served):
    form, answer = _login(served, "an", PASSWORD)
    assert form.status == 200 and "Đăng nhập" in form.text
    assert form.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "; Secure" in _cookies(form)["csrftoken"]
    assert (answer.status, answer.headers["Location"]) == (302, "/")
    session = _cookies(answer)["sessionid"]
    assert "; Secure" in session and "HttpOnly" in session
    # the next page is served, not sent round to https again
    sessionid = SimpleCookie(session)["sessionid"].value
    home = served.request("GET", "/huong-dan/", headers={**PROXY_HEADERS, "Cookie": f"sessionid={sessionid}"})
    assert home.status == 200, (home.status, home.headers.get("Location"))
    # django-axes saw the client (X-Forwarded-For from the proxy), not the proxy's own address
    _login(served, "dung", "sai-mat-khau", client_address="192.0.2.77")
    assert served.attempts()[-1] == ("dung", "192.0.2.77")


def test_plain_http_from_the_proxy_is_sent_to_https(served):
    answer = served.request("GET", "/dang-nhap/?next=/", headers={"Host": PUBLIC})
    assert (answer.status, answer.headers["Location"]) == (301, f"https://{PUBLIC}/dang-nhap/?next=/")
    assert "Strict-Transport-Security" not in answer.headers


def test_forwarded_headers_from_anyone_else_count_for_nothing(served):
    headers = {**PROXY_HEADERS, "X-Forwarded-For": "192.0.2.99"}
    answer = served.request("GET", "/dang-nhap/", headers=headers, source="127.0.0.2")
    # still plain http at the address really asked for: redirected, no HSTS, not ketnap.benhvien.local
    assert (answer.status, answer.headers["Location"]) == (301, f"https://127.0.0.1:{served.port}/dang-nhap/")
    assert "Strict-Transport-Security" not in answer.headers


def test_guessing_one_password_from_many_addresses_locks_that_account_only(served):
    statuses = []
    for n in range(3):  # KETNAP_LOGIN_FAILURE_LIMIT=3, each guess from another client behind the proxy
        _form, answer = _login(served, "binh", f"doan-sai-{n}", client_address=f"198.51.100.{n + 1}")
        statuses.append(answer.status)
    assert statuses == [200, 200, 429]  # the third failure locks
    # the right password no longer opens binh's account, from yet another address …
    _form, locked = _login(served, "binh", PASSWORD, client_address="198.51.100.50")
    assert locked.status == 429, locked.status
    # … while everyone else behind the same proxy (and the same last address) still logs in
    _form, other = _login(served, "chi", PASSWORD, client_address="198.51.100.3")
    assert (other.status, other.headers["Location"]) == (302, "/")


def test_spraying_from_one_client_behind_the_proxy_blocks_that_client_only(served):
    sprayer = "203.0.113.9"
    statuses = [_login(served, name, "Mua-xuan-2026", client_address=sprayer)[1].status for name in ("an", "chi", "x")]
    assert statuses == [200, 200, 429]  # KETNAP_LOGIN_ADDRESS_LIMIT=3 different usernames from one client
    _form, refused = _login(served, "an", PASSWORD, client_address=sprayer)
    assert refused.status == 429 and f"Từ địa chỉ {sprayer} đã có đăng nhập sai" in refused.text
    # the client's address, from X-Forwarded-For: the next client behind the same proxy still logs in
    _form, other = _login(served, "an", PASSWORD, client_address="203.0.113.10")
    assert (other.status, other.headers["Location"]) == (302, "/")
