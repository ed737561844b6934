"""`ketnap serve`: the production web server, the one command on every platform.

Linux and other Unix systems: gunicorn, several worker processes (KETNAP_WORKERS, `--workers`; default one per core,
at least two) with two threads each (`--threads`), so that one long request (the province's statistics, a large
export) holds one thread and the others go on answering. Windows, where gunicorn does not run: waitress, one process
with a pool of threads (`--server waitress` chooses it anywhere, e.g. to compare). The static files are collected once,
before the workers start; the workers are forked from a process that has loaded ketnap (preload), so they share its
start. What it has loaded is then frozen out of the garbage collector's passes (freeze_what_is_loaded).

It records the address it serves on in the data directory (ketnap.siteaddress), so that `ketnap remind` run later
from cron links to the port really served; KETNAP_BASE_URL, when set (behind a reverse proxy), wins.

Behind a TLS reverse proxy (nginx, Caddy) KETNAP_TRUSTED_PROXY names the proxy's addresses: from those peers only,
waitress's proxy-header parser (run in front of ketnap under either server, so both behave alike) turns
X-Forwarded-Proto / -Host / -For into the request's scheme (wsgi.url_scheme), host (HTTP_HOST) and client address
(REMOTE_ADDR, which django-axes reads). From any other peer these headers are dropped before Django sees them, so a
client talking to the port directly cannot claim https or another address. gunicorn's own handling of
X-Forwarded-Proto (forwarded_allow_ips, secure_scheme_headers) is switched off: it would believe 127.0.0.1 by
default, and it never sets the client address.

Logging: warnings and errors (a failed request's traceback, once) on stderr; one line per request only with
`--access-log` (gunicorn).
"""

import gc
import importlib.util
import ipaddress
import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ketnap import siteaddress

# X-Forwarded-Port is left out: the proxy's public port follows from the scheme (or is part of X-Forwarded-Host).
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for"}
SERVERS = ("auto", "gunicorn", "waitress")
GUNICORN_THREADS = 2  # per worker process (more threads on the same cores: more CPU per request, benchmarks/load.py)
WAITRESS_THREADS = 8  # one process
MAX_DEFAULT_WORKERS = 8  # on a big server: each worker holds its own copy of ketnap (~150-200 MB at scale 10)


def trusted_networks(addresses: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """KETNAP_TRUSTED_PROXY: addresses or networks (127.0.0.1, ::1, 10.0.0.0/24); anything else stops the start."""
    networks = []
    for address in addresses:
        try:
            networks.append(ipaddress.ip_network(address, strict=False))
        except ValueError as exc:
            raise CommandError(
                f"KETNAP_TRUSTED_PROXY: {address!r} không phải địa chỉ IP hay dải mạng (ví dụ 127.0.0.1)."
            ) from exc
    return networks


def behind_proxies(application, networks, count: int):
    """The WSGI application seeing, from a trusted proxy only, the public scheme, host and client address; from
    every other peer (all of them when `networks` is empty) the forwarded headers are removed.

    waitress's `trusted_proxy` takes a single address; this dispatches per peer to waitress's own header parser
    (the same code `trusted_proxy` would run), so several proxies or a proxy network can be trusted, and gunicorn
    gets the same parser.
    """
    from waitress.proxy_headers import proxy_headers_middleware

    trusted = proxy_headers_middleware(
        application, trusted_proxy="*", trusted_proxy_count=count, trusted_proxy_headers=PROXY_HEADERS
    )
    untrusted = proxy_headers_middleware(application, trusted_proxy=None, clear_untrusted=True)

    def from_peer(environ, start_response):
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            peer = None
        chosen = trusted if peer is not None and any(peer in n for n in networks) else untrusted
        return chosen(environ, start_response)

    return from_peer


def without_head_bodies(application):
    """A HEAD answer has no body (RFC 9110); Django writes one anyway, which gunicorn drops with a warning line per
    request (a monitor asking every minute would fill the log). The body is closed unread, as a server would."""

    def app(environ, start_response):
        result = application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        if hasattr(result, "close"):
            result.close()  # a file response's file; Django's end-of-request signal
        return []

    return app


def cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(n_cores: int) -> int:
    """A process per core, at least two: a long request holds one thread of one process, the others go on. On the
    2-core machine, 50 users: 2 × 2 served 92 requests/s at 20 ms of CPU each, 4 × 4 85 at 22 ms with twice the
    memory (benchmarks/results/history.md, issue 14): threads and processes beyond the cores cost CPU to switch."""
    return max(2, min(n_cores, MAX_DEFAULT_WORKERS))


def choose_server(asked: str, platform: str, has_gunicorn: bool) -> str:
    """Which server runs: gunicorn wherever it can (not on Windows, and installed), else waitress."""
    if asked == "waitress":
        return "waitress"
    can = platform != "win32" and has_gunicorn
    if asked == "gunicorn" and not can:
        why = "không chạy trên Windows" if platform == "win32" else "chưa được cài (pip install gunicorn)"
        raise CommandError(f"--server gunicorn: gunicorn {why}. Bỏ --server để dùng waitress.")
    return "gunicorn" if can else "waitress"


def freeze_what_is_loaded() -> None:
    """Everything loaded so far (Django, ketnap, its URL map and the views it imports: some 270,000 objects) kept out
    of the garbage collector's passes (gc.freeze, which Python's documentation recommends before a fork): a full pass
    during a request then walks only what requests made. A province's statistics page at scale 50 spent about 100 ms
    of its 520 in one such pass over the loaded objects (benchmarks/run.py freezes the same way before it measures);
    and forked workers keep sharing those pages, which a pass would write into."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 -- imports every view module now, not at the first request
    gc.collect()
    gc.freeze()


def bind_address(host: str, port: int) -> str:
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def run_gunicorn(application, *, host: str, port: int, workers: int, threads: int, access_log: bool) -> None:
    """gunicorn with gthread workers forked from this process, which has ketnap loaded already."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,  # collectstatic, settings and the URL map once, in this process, before the fork
        # the heartbeat of a worker's main thread (it beats while its threads run requests): a worker silent for
        # 2 minutes is hung and replaced; a busy 2-core PC must not mistake a long export for that
        "timeout": 120,
        "graceful_timeout": 30,
        "forwarded_allow_ips": "",  # see the module's docstring: behind_proxies decides, per peer
        "secure_scheme_headers": {},
        "limit_request_line": 8190,  # gunicorn's largest (default 4094): a batch step's GET carries a page of ids
        "control_socket_disable": True,  # no socket in the home directory, shared by every server on the machine
        "proc_name": "ketnap",
        "errorlog": "-",
        "loglevel": "warning",
        "accesslog": "-" if access_log else None,
    }

    class Server(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    Server().run()


class Command(BaseCommand):
    help = "Chạy ketnap (mặc định http://127.0.0.1:8000): gunicorn nhiều tiến trình; trên Windows: waitress."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Địa chỉ lắng nghe (0.0.0.0 để máy khác trong mạng LAN truy cập).",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Số tiến trình phục vụ (gunicorn; mặc định KETNAP_WORKERS, không đặt thì 2 × số lõi, 2 đến 8).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help=f"Số luồng mỗi tiến trình (mặc định gunicorn {GUNICORN_THREADS}, waitress {WAITRESS_THREADS}).",
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default="auto",
            help="auto (mặc định): gunicorn, trên Windows waitress; waitress: một tiến trình nhiều luồng.",
        )
        parser.add_argument("--access-log", action="store_true", help="Ghi mỗi yêu cầu một dòng (gunicorn).")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, threads, server, access_log, no_collectstatic, **options):
        networks = trusted_networks(settings.KETNAP_TRUSTED_PROXY)
        server = choose_server(server, sys.platform, importlib.util.find_spec("gunicorn") is not None)
        workers, threads = _sizes(server, workers, threads)
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        from ketnap.wsgi import application  # after collectstatic: whitenoise indexes STATIC_ROOT when built

        served = siteaddress.record(host, port)
        self.stdout.write(f"ketnap đang chạy tại {served}/  (nghe trên {host}:{port}; dữ liệu: {settings.DATA_DIR})")
        self._describe_server(server, workers, threads, access_log)
        self.stdout.write(f"Đường dẫn trong thư nhắc việc: {siteaddress.explained()}.")
        application = behind_proxies(without_head_bodies(application), networks, settings.KETNAP_TRUSTED_PROXY_COUNT)
        self._describe_proxies(networks)
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        self.stdout.flush()
        if server == "gunicorn":
            from django.db import connections

            connections.close_all()  # no connection may cross the fork into the workers
            freeze_what_is_loaded()
            run_gunicorn(application, host=host, port=port, workers=workers, threads=threads, access_log=access_log)
            return
        from waitress import serve

        freeze_what_is_loaded()
        # behind_proxies reads and clears the forwarded headers itself: waitress must leave them to it
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="ketnap",
            clear_untrusted_proxy_headers=False,
        )

    def _describe_server(self, server: str, workers: int, threads: int, access_log: bool) -> None:
        if server == "gunicorn":
            self.stdout.write(f"Máy chủ: gunicorn, {workers} tiến trình × {threads} luồng.")
        else:
            note = " (gunicorn không chạy trên Windows)" if sys.platform == "win32" else ""
            self.stdout.write(f"Máy chủ: waitress, 1 tiến trình × {threads} luồng{note}.")
        if access_log and server == "waitress":
            self.stdout.write(self.style.WARNING("--access-log: waitress không ghi nhật ký từng yêu cầu."))

    def _describe_proxies(self, networks) -> None:
        """Whose forwarded headers are trusted; a warning when production redirects to https with no proxy trusted
        (every request would be redirected for ever)."""
        if networks:
            proxies = ", ".join(str(n) for n in networks)
            self.stdout.write(f"Tin X-Forwarded-Proto/-Host/-For chỉ từ reverse proxy: {proxies}.")
        elif settings.PRODUCTION and getattr(settings, "SECURE_SSL_REDIRECT", False):
            self.stdout.write(
                self.style.WARNING(
                    "KETNAP_PRODUCTION=true nhưng chưa đặt KETNAP_TRUSTED_PROXY: mọi yêu cầu đều là http và bị "
                    "chuyển sang https mãi. Đặt KETNAP_TRUSTED_PROXY là địa chỉ của reverse proxy (ví dụ 127.0.0.1)."
                )
            )


def _sizes(server: str, workers: int | None, threads: int | None) -> tuple[int, int]:
    """(processes, threads each): as asked, else KETNAP_WORKERS and the server's default."""
    workers = workers or settings.KETNAP_WORKERS or default_workers(cores())
    if workers < 1 or (threads is not None and threads < 1):
        raise CommandError("--workers và --threads phải từ 1 trở lên.")
    return workers, threads or (GUNICORN_THREADS if server == "gunicorn" else WAITRESS_THREADS)
