"""Benchmarks: build the demo at --scale 10 (≈80,000 staff) on SQLite and time the pages people wait on.

    python benchmarks/run.py [--scale 10] [--repeat 15]

Figures go to benchmarks/results/latest.json and are appended to benchmarks/results/history.md.
Timings are medians of warm requests through Django's full stack (middleware, scope, templates) in-process;
they are recorded, never asserted.
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def timed(fn, repeat: int) -> dict:
    fn()  # warm caches (templates, SQLite pages)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "runs": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--data-dir", help="reuse a data directory (default: a fresh temporary one)")
    args = parser.parse_args()

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="ketnap-bench-")
    os.environ["KETNAP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ketnap.registry.models import Organization, PartyMembership, Person

    call_command("migrate", verbosity=0)
    build_seconds = None
    if not Organization.objects.exists():
        start = time.perf_counter()
        call_command("demo", scale=args.scale, verbosity=0)
        build_seconds = round(time.perf_counter() - start, 1)

    from django.contrib.auth.models import User

    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host; the default "testserver" is not
    client.force_login(User.objects.get(username="vp.ubnd"))
    pages = {
        "home_tree": "/",
        "person_search_no_diacritics": "/nhan-su/?q=nguyen+van+an",
        "person_list_first_page": "/nhan-su/",
        "person_list_page_100": "/nhan-su/?trang=100",
        "due_list": "/viec-can-lam/",
        "pipeline_board_stage": "/ung-vien/?giai-doan=probation",
    }
    figures = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries: list[str] = []

        def count(execute, sql, *rest, log=queries):
            log.append(sql)
            return execute(sql, *rest)

        # an execute wrapper survives the reconnect each request makes (CaptureQueriesContext does not)
        with connection.execute_wrapper(count):
            client.get(url)
        figures[name] = {"url": url, **timed(lambda u=url: client.get(u), args.repeat), "queries": len(queries)}

    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "scale": args.scale,
        "database": connection.vendor,
        "staff": Person.objects.current().count(),
        "members": PartyMembership.objects.filter(status__in=["official", "probationary"]).count(),
        "organizations": Organization.objects.count(),
        "demo_build_seconds": build_seconds,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "pages": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"\n## {result['when']} · scale {args.scale} · {result['database']} · {result['staff']:,} staff, "
        f"{result['members']:,} members · demo built in {build_seconds} s\n",
        "| page | median ms | min | max | queries |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} (`{f['url']}`) | {f['median_ms']} | {f['min_ms']} | {f['max_ms']} | {f['queries']} |"
        for n, f in figures.items()
    ]
    with (RESULTS / "history.md").open("a") as history:
        history.write("\n".join(lines) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
