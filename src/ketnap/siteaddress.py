"""The address people open ketnap at, for links made without a request (reminder e-mails sent from cron).

Chosen in this order (`base_url`):
1. KETNAP_BASE_URL when it is set: behind a reverse proxy (https://ketnap.benhvien.local) only the operator knows
   the address people type, so an explicit setting always wins.
2. The address `ketnap serve` last started on, which it writes to DATA_DIR/served-url (`record`): `make demo
   PORT=8080` serves on 8080 and the reminders link to :8080. A server listening on every interface (HOST=0.0.0.0)
   is recorded under the first name of KETNAP_ALLOWED_HOSTS that is not this machine's own (the name the LAN types
   and Django accepts), else under the machine's LAN address.
3. http://127.0.0.1:8000, `ketnap serve`'s default.
The record is one line in the data directory, next to the database it belongs to: it survives restarts, follows a
moved data directory, and a second server on another data directory keeps its own.
"""

import socket
from pathlib import Path

from django.conf import settings

RECORD = "served-url"
DEFAULT = "http://127.0.0.1:8000"
EVERY_INTERFACE = {"", "0.0.0.0", "::", "[::]"}
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _lan_address() -> str | None:
    """This machine's address on its LAN (the interface of its default route); no packet is sent."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # UDP connect only picks the route
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def url_for(host: str, port: int, allowed_hosts: list[str] | None = None) -> str:
    """The address a browser uses for a server listening on host:port."""
    if host in EVERY_INTERFACE:
        host = _public_name(settings.ALLOWED_HOSTS if allowed_hosts is None else allowed_hosts)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}" + ("" if port == 80 else f":{port}")


def _public_name(allowed_hosts: list[str]) -> str:
    """For a server on every interface: the first allowed name that is not this machine's own (what the LAN types
    and Django accepts), else the LAN address, else the machine's name."""
    names = [h.lstrip(".") for h in allowed_hosts if h and h != "*" and h not in LOCAL_NAMES]
    return names[0] if names else (_lan_address() or socket.gethostname())


def record_path() -> Path:
    return Path(settings.DATA_DIR) / RECORD


def record(host: str, port: int) -> str:
    """Remember the address this data directory is served on (by `ketnap serve`); returns it."""
    url = url_for(host, port)
    try:
        record_path().write_text(url + "\n", encoding="utf-8")
    except OSError:  # a read-only data directory: the links keep the previous address (or the default)
        pass
    return url


def recorded() -> str | None:
    try:
        return record_path().read_text(encoding="utf-8").strip().rstrip("/") or None
    except FileNotFoundError:
        return None


def base_url() -> str:
    """Where links in e-mails point (see the module's docstring for the order)."""
    return (getattr(settings, "KETNAP_BASE_URL", "") or recorded() or DEFAULT).rstrip("/")


def explained() -> str:
    """One line for people running the commands: which address the links use, and why."""
    if getattr(settings, "KETNAP_BASE_URL", ""):
        return f"{base_url()} (đặt bằng KETNAP_BASE_URL)"
    if recorded():
        return f"{base_url()} (địa chỉ ketnap serve chạy lần gần nhất, ghi trong {record_path()})"
    return f"{DEFAULT} (mặc định; ketnap serve chưa chạy với thư mục dữ liệu này)"
