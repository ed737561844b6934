"""Endurance: `ketnap serve` on loopback under mixed reads and writes from many sessions for a bounded time.

    python benchmarks/soak.py [--seconds 600] [--sessions 12] [--data-dir DIR] [--scale 1]

A real server (`ketnap serve` as in production: gunicorn's workers on Linux) on a free port of 127.0.0.1, with the
demo's data (built in a fresh data directory unless --data-dir names one). Each session logs in as one of the demo's
users and loops over what people do: the home tree, the due list, the board, a search, a person's page, a
candidate's page, the statistics, the audit page, and a write (a mentor's note on a candidate, through the form with
its CSRF token). Recorded, never asserted: requests and their status codes (any 5xx is a failure of the run: exit 1),
latency per action (median, p95), and the server's resident memory (all its processes) sampled every 10 s (flat
after warm-up is the goal). Figures go to benchmarks/results/soak.json and are appended to
benchmarks/results/history.md.
"""

import argparse
import collections
import datetime as dt
import http.cookiejar
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
KETNAP = Path(sys.executable).parent / "ketnap"
PASSWORD = "ketnap-demo"
USERS = ["vp.bvdk", "bithu.noi", "vp.syt", "vp.dongtrieu", "vp.ubnd", "bithu.dongtrieu"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kb(pid: int) -> int:
    """Resident memory of one process (Linux /proc), in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_processes(pid: int) -> list[int]:
    """The server's process and its worker processes (gunicorn), from /proc."""
    return [pid, *(int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]


def server_rss_kb(pid: int) -> int:
    """Resident memory of the server: its process and its worker processes (gunicorn), in kB."""
    try:
        return sum(rss_kb(p) for p in server_processes(pid))
    except (FileNotFoundError, ProcessLookupError):  # a worker replaced between the two reads
        return 0


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU of the server's processes (/proc/PID/stat, fields 14 and 15)."""
    total = 0
    try:
        for process in server_processes(pid):
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError):  # a worker replaced between the reads
        pass
    return total / os.sysconf("SC_CLK_TCK")


class Session:
    def __init__(self, base: str, username: str):
        self.base = base
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.people: list[str] = []
        self.candidates: list[str] = []
        self.stats = "/thong-ke/"  # the user's own organisation's statistics (found at login)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def post_form(self, path: str, data: dict) -> int:
        status, page = self.request(path)
        token = CSRF.search(page)
        if status != 200 or not token:
            return status
        return self.request(path, {**data, "csrfmiddlewaretoken": token.group(1)})[0]

    def log_in(self) -> None:
        status = self.post_form("/dang-nhap/", {"username": self.username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"{self.username}: login answered {status}")
        _status, board = self.request("/ung-vien/?giai-doan=probation")
        self.candidates = sorted(set(re.findall(r'href="/ung-vien/(\d+)/"', board)))
        _status, people = self.request("/nhan-su/")
        self.people = sorted(set(re.findall(r'href="/nhan-su/(\d+)/"', people)))
        _status, stats = self.request("/thong-ke/")
        self.stats = next(iter(re.findall(r'href="(/thong-ke/[^/"]+/)"', stats)), "/thong-ke/")


def actions(session: Session) -> list[tuple[str, int, object]]:
    """(name, weight, callable returning a status) — reads mostly, some writes."""
    today = dt.date.today().strftime("%d/%m/%Y")

    def get(path):
        return lambda: session.request(path)[0]

    def person():
        return session.request(f"/nhan-su/{random.choice(session.people)}/")[0] if session.people else 200

    def candidate():
        return session.request(f"/ung-vien/{random.choice(session.candidates)}/")[0] if session.candidates else 200

    def note():
        if not session.candidates:
            return 200
        pk = random.choice(session.candidates)
        return session.post_form(f"/ung-vien/{pk}/nhan-xet/", {"on": today, "text": "Tiến bộ, gương mẫu (soak)."})

    return [
        ("home", 10, get("/")),
        ("due_list", 15, get("/viec-can-lam/")),
        ("board", 8, get("/ung-vien/?giai-doan=probation")),
        ("search", 10, get("/tim-kiem/?q=nguyen+van")),
        ("person", 20, person),
        ("candidate", 15, candidate),
        ("stats", 2, get(session.stats)),
        ("audit", 3 if session.username.startswith("vp.") else 0, get("/nhat-ky/")),  # office work only
        ("mentor_note_write", 6, note),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--data-dir", help="a data directory with the demo loaded (default: build one)")
    parser.add_argument("--no-record", action="store_true", help="print the figures only (a trial run)")
    args = parser.parse_args()

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="ketnap-soak-")
    env = {**os.environ, "KETNAP_DATA_DIR": data_dir}
    subprocess.run([KETNAP, "migrate", "-v0"], env=env, check=True)
    subprocess.run([KETNAP, "demo", "--scale", str(args.scale)], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    # the server's log goes to a file: an unread pipe fills after 64 kB and then blocks the server's next log line
    # (the first soaks measured exactly that: every request hung after about 80 s)
    server_log = Path(data_dir) / "soak-server.log"
    with server_log.open("w") as log:
        server = subprocess.Popen(
            [KETNAP, "serve", "--port", str(port), "--threads", "8"], env=env, stdout=subprocess.DEVNULL, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        result = soak(server.pid, base, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = server_log.read_text(errors="replace")
    result["server_stderr_tracebacks"] = errors.count("Traceback")
    result["server_log_lines"] = errors.count("\n")
    result["data_dir"] = data_dir
    if args.no_record:
        print(summary(result))
        sys.exit(1 if failed(result) else 0)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    with (RESULTS / "history.md").open("a") as history:
        history.write(summary(result))
    print(summary(result))
    sys.exit(1 if failed(result) else 0)


def soak(pid: int, base: str, args) -> dict:
    sessions = [Session(base, USERS[i % len(USERS)]) for i in range(args.sessions)]
    for session in sessions:
        session.log_in()
    statuses: collections.Counter = collections.Counter()
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    lock = threading.Lock()
    memory: list[tuple[int, int]] = [(0, server_rss_kb(pid))]
    start = time.monotonic()
    stop = start + args.seconds

    def run(session: Session) -> None:
        plan = actions(session)
        names = [a[0] for a in plan]
        weights = [a[1] for a in plan]
        calls = {a[0]: a[2] for a in plan}
        while time.monotonic() < stop:
            name = random.choices(names, weights)[0]
            began = time.perf_counter()
            try:
                status = calls[name]()
            except (OSError, urllib.error.URLError):  # a timeout or a dropped connection: a failure, counted
                status = 0
            took = (time.perf_counter() - began) * 1000
            with lock:
                statuses[status] += 1
                latencies[name if status else f"{name} (timed out / dropped)"].append(took)

    threads = [threading.Thread(target=run, args=(s,), daemon=True) for s in sessions]
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        time.sleep(10)
        memory.append((round(time.monotonic() - start), server_rss_kb(pid)))
    elapsed = time.monotonic() - start
    requests = sum(statuses.values())
    warm = [kb for t, kb in memory if t >= min(60, args.seconds // 3)]
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "seconds": round(elapsed),
        "sessions": args.sessions,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],  # other work on the machine skews latency
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "client_timeouts_or_drops": statuses.get(0, 0),
        "latency_ms": {
            name: {
                "n": len(values),
                "median": round(statistics.median(values), 1),
                "p95": round(sorted(values)[int(len(values) * 0.95) - 1], 1),
            }
            for name, values in sorted(latencies.items())
        },
        "rss_mb": {
            "start": round(memory[0][1] / 1024, 1),
            "after_warm_up": round(warm[0] / 1024, 1) if warm else None,
            "end": round(memory[-1][1] / 1024, 1),
            "max": round(max(kb for _t, kb in memory) / 1024, 1),
        },
        "rss_samples_mb": [(t, round(kb / 1024, 1)) for t, kb in memory],
    }


def failed(result: dict) -> bool:
    return bool(result["server_errors"] or result["server_stderr_tracebacks"] or result["client_timeouts_or_drops"])


def summary(result: dict) -> str:
    lines = [
        f"\n## {result['when']} · soak · {result['seconds']} s · {result['sessions']} sessions · {result['machine']}\n",
        f"{result['requests']} requests ({result['requests_per_second']}/s), statuses {result['statuses']}, "
        f"server errors {result['server_errors']}, timeouts/drops {result['client_timeouts_or_drops']}, "
        f"tracebacks {result.get('server_stderr_tracebacks', '?')}, "
        f"load average at the end {result['load_average_at_end']}; "
        f"server memory (MB) start {result['rss_mb']['start']}, after warm-up {result['rss_mb']['after_warm_up']}, "
        f"end {result['rss_mb']['end']}, max {result['rss_mb']['max']}\n",
        "| action | n | median ms | p95 ms |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {v['n']} | {v['median']} | {v['p95']} |" for name, v in result["latency_ms"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
