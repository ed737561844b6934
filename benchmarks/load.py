"""Load: many logged-in people at once against a real `ketnap serve` on loopback, for a bounded time.

    python benchmarks/load.py --data-dir DIR [--users 50] [--seconds 120] [--servers waitress,gunicorn@alike]

The data directory (the scale-10 demo: 80,000 staff, 31,620 members) is copied into a temporary directory first and
migrated there, so the one given is never written to (--in-place uses it as it is); without --data-dir a demo is
built at --scale. Every server configuration is started at once on the same copy, each on a free port of
127.0.0.1: by default the single waitress process with 8 threads (what `ketnap serve` was, and is on Windows) as the
baseline, and `ketnap serve` as it starts by default (gunicorn, KETNAP_WORKERS or a process per core, 2 threads
each). They are driven in turn, --slice seconds each, until each has had --seconds: the machine is shared with other
work whose load comes and goes, and alternating slices spread it over every configuration alike.

Each simulated person logs in as one of the demo's users and asks, without pause, for what people open: the home
tree, the due list, the board, a search, a person's page, a candidate's page, the statistics; 5 % of the actions are
writes (a mentor's note on a candidate: the form is opened, then saved with its CSRF token, which leads back to the
candidate's page — three requests, two clicks, each click's wait timed on its own). The first --warmup seconds are
not counted. Who is logged in (the server configuration's population, `gunicorn@alike`):
- `province` (default): as in a province's deployment, where most of those at work are chi bộ secretaries — of 50
  people 36 secretaries, 10 hospital offices and 4 province-level offices (twice Đảng ủy Sở Y tế, twice Đảng ủy UBND
  tỉnh; in proportion to the accounts there would be none: 2 offices for some 1,400 organisations);
- `alike`: the six demo users alike, so a third of the people are province-level offices, whose pages cost three
  times a chi bộ's (the heavy case).

Recorded, never asserted (targets of issue 14: ≥ 100 requests/s, p95 ≤ 1 s, 0 errors, on 2 cores): requests/s,
p50 and p95 of the waits per page and overall, HTTP errors (≥ 400), timeouts and dropped connections, the server's
memory (all its processes), the load average at each slice's start and end (other work on the machine slows
everything: compare the configurations of one invocation, not runs across days), and the git state measured. Figures
go to benchmarks/results/load.json and a section of benchmarks/results/history.md. The load generator runs on the
same cores as the server.
"""

import argparse
import collections
import contextlib
import datetime as dt
import os
import random
import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from common import git_state, machine, record, scratch_copy
from soak import CSRF, KETNAP, PASSWORD, USERS, Session, free_port, server_cpu_seconds, server_rss_kb

# Who is logged in, per 50 people (the module docstring says why); USERS are the demo's six accounts.
POPULATIONS = {
    "province": {
        "bithu.noi": 18,  # chi bộ secretaries
        "bithu.dongtrieu": 18,
        "vp.bvdk": 5,  # a hospital's party office
        "vp.dongtrieu": 5,
        "vp.syt": 2,  # province level
        "vp.ubnd": 2,
    },
    "alike": {username: 1 for username in USERS},
}

WRITE_SHARE = 5  # percent of actions (a write is two clicks, three requests)
READS = [  # (page, weight): 95 in all
    ("home", 15),
    ("due_list", 15),
    ("board", 10),
    ("search", 15),
    ("person", 22),
    ("candidate", 16),
    ("statistics", 2),
]
TARGETS = {"requests_per_second": ">= 100", "p95_ms": "<= 1000", "errors": "0"}
SEARCHES = ["nguyen van", "tran thi", "le thi hoa", "pham", "hoang van nam", "do thi"]


def parse_servers(text: str) -> list[dict]:
    """'waitress:1x8,gunicorn,gunicorn:3x4@alike' → configurations (workers × threads, gunicorn alone: its defaults;
    @population: who is logged in, POPULATIONS, "province" unless said)."""
    out = []
    for item in text.split(","):
        item, _, population = item.strip().partition("@")
        population = population or "province"
        name, _, shape = item.partition(":")
        if name not in {"waitress", "gunicorn"}:
            raise SystemExit(f"--servers: {name!r} is neither waitress nor gunicorn")
        if population not in POPULATIONS:
            raise SystemExit(f"--servers: {population!r} is none of {', '.join(POPULATIONS)}")
        workers, _, threads = shape.partition("x")
        out.append(
            {
                "server": name,
                "workers": int(workers) if workers else None,
                "threads": int(threads or 0),
                "population": population,
            }
        )
    return out


def people(population: str, users: int) -> list[str]:
    """`users` usernames in the population's proportions (largest remainders, so 50 gives the counts above)."""
    weights = POPULATIONS[population]
    total = sum(weights.values())
    shares = {name: users * weight / total for name, weight in weights.items()}
    counts = {name: int(share) for name, share in shares.items()}
    for name in sorted(shares, key=lambda n: counts[n] - shares[n])[: users - sum(counts.values())]:
        counts[name] += 1
    return [name for name, count in counts.items() for _ in range(count)]


def serve_command(config: dict, port: int) -> list[str]:
    command = [str(KETNAP), "serve", "--port", str(port), "--server", config["server"], "--no-collectstatic"]
    if config["workers"] and config["server"] == "gunicorn":
        command += ["--workers", str(config["workers"])]
    if config["threads"]:
        command += ["--threads", str(config["threads"])]
    return command


def discover(base: str) -> dict[str, dict]:
    """Per demo user, once: the candidates, people and statistics page their sessions pick from."""
    found = {}
    for username in USERS:
        session = Session(base, username)
        status = session.post_form("/dang-nhap/", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"{username}: login answered {status}")
        _status, board = session.request("/ung-vien/?giai-doan=probation")
        _status, people = session.request("/nhan-su/")
        _status, stats = session.request("/thong-ke/")
        found[username] = {
            "candidates": sorted(set(re.findall(r'href="/ung-vien/(\d+)/"', board))),
            "people": sorted(set(re.findall(r'href="/nhan-su/(\d+)/"', people))),
            "stats": next(iter(re.findall(r'href="(/thong-ke/[^/"]+/)"', stats)), "/thong-ke/"),
        }
    return found


def actions(session: Session, known: dict) -> dict:
    """action → a callable returning its clicks: (page, status, requests made, when clicked, when answered)."""
    today = dt.date.today().strftime("%d/%m/%Y")

    def get(name, path_of):
        def click():
            began = time.monotonic()
            return [(name, session.request(path_of())[0], 1, began, time.monotonic())]

        return click

    def pick(kind: str, prefix: str):
        return lambda: f"{prefix}{random.choice(known[kind])}/" if known[kind] else "/"

    def note():
        """Two clicks: the form opened, then saved (answered by a redirect to the candidate's page, read too)."""
        if not known["candidates"]:
            return []
        path = f"/ung-vien/{random.choice(known['candidates'])}/nhan-xet/"
        began = time.monotonic()
        status, page = session.request(path)
        opened = ("mentor_note_form", status, 1, began, time.monotonic())
        token = CSRF.search(page)
        if status != 200 or not token:
            return [opened]
        data = {"on": today, "text": "Tiến bộ, gương mẫu (load).", "csrfmiddlewaretoken": token.group(1)}
        began = time.monotonic()
        status = session.request(path, data)[0]
        return [opened, ("mentor_note_save", status, 2 if status == 200 else 1, began, time.monotonic())]

    return {
        "home": get("home", lambda: "/"),
        "due_list": get("due_list", lambda: "/viec-can-lam/"),
        "board": get("board", lambda: "/ung-vien/?giai-doan=probation"),
        "search": get("search", lambda: "/tim-kiem/?q=" + random.choice(SEARCHES).replace(" ", "+")),
        "person": get("person", pick("people", "/nhan-su/")),
        "candidate": get("candidate", pick("candidates", "/ung-vien/")),
        "statistics": get("statistics", lambda: known["stats"]),
        "mentor_note_write": note,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))], 1)


class Tally:
    """What one server configuration answered, over all its slices."""

    def __init__(self):
        self.statuses: collections.Counter = collections.Counter()  # per click: a write's save is one, of two requests
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.requests = 0
        self.seconds = 0.0
        self.every_request = 0  # warm-up included: what the CPU seconds below were spent on
        self.server_cpu = 0.0  # seconds of CPU: the server's processes, and this load generator's
        self.client_cpu = 0.0
        self.load: list[float] = []  # the 1-minute load average at the start and end of each slice
        self.lock = threading.Lock()

    def add(self, name: str, status: int, made: int, took_ms: float | None) -> None:
        with self.lock:
            self.every_request += made
            if took_ms is None:  # warm-up
                return
            self.statuses[status] += 1
            self.requests += made
            self.latencies[name].append(took_ms)

    def figures(self) -> dict:
        every = [v for values in self.latencies.values() for v in values]
        return {
            "requests": self.requests,
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else None,
            "counted_seconds": round(self.seconds, 1),
            "clicks": sum(self.statuses.values()),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},  # of clicks
            "errors": sum(v for k, v in self.statuses.items() if k >= 400),
            "timeouts_or_drops": self.statuses.get(0, 0),
            "p50_ms": percentile(every, 0.5) if every else None,
            "p95_ms": percentile(every, 0.95) if every else None,
            # where the two cores went: the server's CPU per request, and the load generator's (on the same cores)
            "server_cpu_ms_per_request": round(1000 * self.server_cpu / self.every_request, 1)
            if self.every_request
            else None,
            "client_cpu_ms_per_request": round(1000 * self.client_cpu / self.every_request, 1)
            if self.every_request
            else None,
            "load_average_1min_mean": round(statistics.mean(self.load), 1) if self.load else None,
            "load_average_1min_range": [min(self.load), max(self.load)] if self.load else None,
            "pages": {
                name: {"n": len(v), "p50_ms": percentile(v, 0.5), "p95_ms": percentile(v, 0.95)}
                for name, v in sorted(self.latencies.items())
            },
        }


def log_in(base: str, users: int, population: str) -> list[Session]:
    """The people of one server, logged in before anything is timed."""
    sessions = []
    for username in people(population, users):
        session = Session(base, username)
        if session.post_form("/dang-nhap/", {"username": session.username, "password": PASSWORD}) != 200:
            raise RuntimeError(f"{session.username}: login failed")
        sessions.append(session)
    return sessions


def drive(sessions: list[Session], known: dict, tally: Tally, seconds: float, warmup: float, server_pid: int) -> None:
    """Everyone asks without pause for `seconds` (after `warmup` seconds not counted); a request still running at
    the end finishes and counts, and the slice is as long as the last one took."""
    pages = [name for name, _w in READS] + ["mentor_note_write"]
    weights = [w for _name, w in READS] + [WRITE_SHARE]
    counted_from = time.monotonic() + warmup
    stop = counted_from + seconds
    tally.load.append(round(os.getloadavg()[0], 1))

    def person(session: Session) -> None:
        calls = actions(session, known[session.username])
        while time.monotonic() < stop:
            name = random.choices(pages, weights)[0]
            began = time.monotonic()
            try:
                clicks = calls[name]()
            except (OSError, urllib.error.URLError):  # a timeout or a dropped connection: a failure, counted
                clicks = [(name, 0, 1, began, time.monotonic())]
            for page, status, made, clicked, answered in clicks:
                tally.add(page, status, made, (answered - clicked) * 1000 if clicked >= counted_from else None)

    threads = [threading.Thread(target=person, args=(s,), daemon=True) for s in sessions]
    server_before, client_before = server_cpu_seconds(server_pid), sum(os.times()[:2])
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.server_cpu += server_cpu_seconds(server_pid) - server_before
    tally.client_cpu += sum(os.times()[:2]) - client_before
    tally.seconds += max(time.monotonic() - counted_from, seconds)
    tally.load.append(round(os.getloadavg()[0], 1))


def start_server(config: dict, env: dict, data_dir: str) -> dict:
    port = free_port()
    log_path = Path(data_dir) / f"load-server-{config['server']}-{port}.log"
    # the server's log goes to a file: an unread pipe fills after 64 kB and then blocks the server (soak.py)
    with log_path.open("w") as log:
        process = subprocess.Popen(serve_command(config, port), env=env, stdout=log, stderr=log)
    return {**config, "base": f"http://127.0.0.1:{port}", "process": process, "log": log_path, "rss": []}


def wait_until_answering(base: str) -> None:
    for _ in range(240):
        try:
            urllib.request.urlopen(base + "/dang-nhap/", timeout=5).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{base} does not answer")


def compare(configs: list[dict], env: dict, data_dir: str, args) -> list[dict]:
    """Every configuration started at once (each idle while another is driven), then driven in turn, slice after
    slice: a change of the machine's load in the middle of the run hits every configuration alike."""
    servers = [start_server(config, env, data_dir) for config in configs]
    try:
        for server in servers:
            wait_until_answering(server["base"])
        known = discover(servers[0]["base"])
        for server in servers:
            server["sessions"], server["tally"] = log_in(server["base"], args.users, server["population"]), Tally()
        slices = max(1, round(args.seconds / args.slice))
        for number in range(slices):
            for server in servers:
                warmup = args.warmup if number == 0 else 2  # later slices: the previous server's requests drain
                drive(server["sessions"], known, server["tally"], args.seconds / slices, warmup, server["process"].pid)
                server["rss"].append(round(server_rss_kb(server["process"].pid) / 1024, 1))
                figures = server["tally"].figures()
                print(f"  slice {number + 1}/{slices}, {label(server)}: {figures['requests_per_second']}/s so far")
    finally:
        for server in servers:
            server["process"].terminate()
        for server in servers:
            server["process"].wait(timeout=120)
    runs = []
    for server in servers:
        text = server["log"].read_text(errors="replace")
        shape = next((line for line in text.splitlines() if line.startswith("Máy chủ:")), "")
        runs.append(
            {
                "server": server["server"],
                "shape": shape.removeprefix("Máy chủ: ").rstrip("."),
                "population": server["population"],
                "people": dict(collections.Counter(people(server["population"], args.users))),
                **server["tally"].figures(),
                "server_rss_mb_max": max(server["rss"]) if server["rss"] else None,
                "server_tracebacks": text.count("Traceback"),
                "database_locked": text.count("database is locked"),
            }
        )
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120, help="counted time per server configuration")
    parser.add_argument("--warmup", type=int, default=10, help="seconds run first and not counted")
    parser.add_argument("--slice", type=int, default=30, help="seconds each server is driven before the next")
    parser.add_argument(
        "--servers",
        default="waitress:1x8,gunicorn,gunicorn@alike",
        help="e.g. waitress:1x8,gunicorn,gunicorn:3x4@alike (@: who is logged in, province unless said)",
    )
    parser.add_argument("--data-dir", help="a data directory with the demo loaded (copied first; default: build one)")
    parser.add_argument("--in-place", action="store_true", help="use --data-dir as it is (it is written to)")
    parser.add_argument("--scale", type=int, default=10, help="the demo's scale when no --data-dir is given")
    parser.add_argument("--no-record", action="store_true", help="print the figures only (a trial run)")
    args = parser.parse_args()
    configs = parse_servers(args.servers)

    with contextlib.ExitStack() as stack:
        if args.data_dir and args.in_place:
            data_dir = args.data_dir
        else:
            data_dir = stack.enter_context(scratch_copy(args.data_dir, "ketnap-load-"))
        result = measure(configs, data_dir, args)
    if args.no_record:
        print(summary(result))
    else:
        record("load.json", result, summary(result))


def measure(configs: list[dict], data_dir: str, args) -> dict:
    env = {**os.environ, "KETNAP_DATA_DIR": data_dir}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([KETNAP, "migrate", "-v0"], env=env, check=True)
    if not args.data_dir:
        subprocess.run([KETNAP, "demo", "--scale", str(args.scale)], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([KETNAP, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    result = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "data": args.data_dir or f"demo scale {args.scale}",
        "users": args.users,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "slice_seconds": args.slice,
        "write_share_percent": WRITE_SHARE,
        "targets": TARGETS,
        "runs": [],
    }
    result["runs"] = compare(configs, env, data_dir, args)
    for run in result["runs"]:
        print(summary_line(run), flush=True)
    return result


def label(run: dict) -> str:
    return f"{run.get('shape') or run['server']} · {run['population']}"


def summary_line(run: dict) -> str:
    return (
        f"{label(run)}: {run['requests_per_second']} requests/s, p50 {run['p50_ms']} ms, "
        f"p95 {run['p95_ms']} ms, errors {run['errors']}, timeouts/drops {run['timeouts_or_drops']}, "
        f"CPU per request: server {run.get('server_cpu_ms_per_request')} ms, load generator "
        f"{run.get('client_cpu_ms_per_request')} ms, "
        f"load average (1 min) mean {run['load_average_1min_mean']}, range {run['load_average_1min_range']}"
    )


def summary(result: dict) -> str:
    git = result["git"]
    lines = [
        f"\n## Load · {result['when']} · {result['users']} users · {result['seconds']} s each (after "
        f"{result['warmup_seconds']} s warm-up) · {result['write_share_percent']} % writes · {result['data']} · "
        f"{result['machine']} · git {git['commit']} + {git['uncommitted_files']} uncommitted files\n",
        "Targets (recorded, not asserted): ≥ 100 requests/s, p95 ≤ 1 s, 0 errors. Rows: servers up at once on the "
        f"same data copy, driven in turn in slices of {result['slice_seconds']} s; the first is the baseline; "
        "after the dot, who is logged in (province: mostly chi bộ secretaries; alike: the six demo users alike). "
        "p50/p95: the wait after each click (a mentor's note: opening the form, then saving it).\n",
        "| server | requests/s | p50 ms | p95 ms | errors | timeouts | CPU ms per request: server / load generator "
        "| memory MB (max) | load average (1 min): mean (range) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        lines.append(
            f"| {label(run)} | {run['requests_per_second']} | {run['p50_ms']} | {run['p95_ms']} | "
            f"{run['errors']} | {run['timeouts_or_drops']} | {run.get('server_cpu_ms_per_request')} / "
            f"{run.get('client_cpu_ms_per_request')} | {run['server_rss_mb_max']} | "
            f"{run['load_average_1min_mean']} ({run['load_average_1min_range']}) |"
        )
    pages = sorted({name for run in result["runs"] for name in run["pages"]})
    heads = " | ".join(f"{label(run)} p50 / p95 ms (n)" for run in result["runs"])
    lines += ["", f"| page | {heads} |", "|---|" + "---|" * len(result["runs"])]
    for name in pages:
        cells = []
        for run in result["runs"]:
            page = run["pages"].get(name)
            cells.append(f"{page['p50_ms']} / {page['p95_ms']} ({page['n']})" if page else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
