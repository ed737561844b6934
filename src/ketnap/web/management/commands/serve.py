"""`ketnap serve`: the production WSGI server (waitress: pure Python, multi-threaded, also on Windows).

It records the address it serves on in the data directory (ketnap.siteaddress), so that `ketnap remind` run later
from cron links to the port really served; KETNAP_BASE_URL, when set (behind a reverse proxy), wins.

Behind a TLS reverse proxy (nginx, Caddy) KETNAP_TRUSTED_PROXY names the proxy's addresses: from those peers only,
waitress's own parser turns X-Forwarded-Proto / -Host / -For into the request's scheme (wsgi.url_scheme), host
(HTTP_HOST) and client address (REMOTE_ADDR, which django-axes reads). From any other peer these headers are
dropped before Django sees them, so a client talking to the port directly cannot claim https or another address.
"""

import ipaddress

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ketnap import siteaddress

# X-Forwarded-Port is left out: the proxy's public port follows from the scheme (or is part of X-Forwarded-Host).
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-host", "x-forwarded-for"}


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
    """The WSGI application seeing, from a trusted proxy only, the public scheme, host and client address.

    waitress's `trusted_proxy` takes a single address; this dispatches per peer to waitress's own header parser
    (the same code `trusted_proxy` would run), so several proxies or a proxy network can be trusted.
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


class Command(BaseCommand):
    help = "Chạy ketnap bằng máy chủ WSGI waitress (mặc định http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Địa chỉ lắng nghe (0.0.0.0 để máy khác trong mạng LAN truy cập).",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, threads, no_collectstatic, **options):
        from waitress import serve

        networks = trusted_networks(settings.KETNAP_TRUSTED_PROXY)
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        from ketnap.wsgi import application  # after collectstatic: whitenoise indexes STATIC_ROOT when built

        served = siteaddress.record(host, port)
        self.stdout.write(f"ketnap đang chạy tại {served}/  (nghe trên {host}:{port}; dữ liệu: {settings.DATA_DIR})")
        self.stdout.write(f"Đường dẫn trong thư nhắc việc: {siteaddress.explained()}.")
        if networks:
            application = behind_proxies(application, networks, settings.KETNAP_TRUSTED_PROXY_COUNT)
            proxies = ", ".join(str(n) for n in networks)
            self.stdout.write(f"Tin X-Forwarded-Proto/-Host/-For chỉ từ reverse proxy: {proxies}.")
        elif settings.PRODUCTION and getattr(settings, "SECURE_SSL_REDIRECT", False):
            self.stdout.write(
                self.style.WARNING(
                    "KETNAP_PRODUCTION=true nhưng chưa đặt KETNAP_TRUSTED_PROXY: mọi yêu cầu đều là http và bị "
                    "chuyển sang https mãi. Đặt KETNAP_TRUSTED_PROXY là địa chỉ của reverse proxy (ví dụ 127.0.0.1)."
                )
            )
        self.stdout.write("Nhấn Ctrl+C để dừng.")
        # with our own dispatcher in front, waitress must not clear the headers before it reads them
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="ketnap",
            clear_untrusted_proxy_headers=not networks,
        )
