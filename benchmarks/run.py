"""Benchmarks: the demo at --scale 10 (≈80,000 staff) on SQLite, and the pages people wait on, timed.

    python benchmarks/run.py [--scale 10] [--repeat 15] [--user vp.ubnd] [--data-dir DIR] [--pages a,b]

Without --data-dir, a scratch copy of BENCH_DIR/scale-N (built once and kept: benchmarks/common.py) is used.

Figures go to benchmarks/results/latest.json and are appended to benchmarks/results/history.md.
Timings are medians of warm requests through Django's full stack (middleware, scope, templates) in-process;
they are recorded, never asserted.
"""

import argparse
import contextlib
import datetime as dt
import html
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from common import demo_dir, scratch_copy

RESULTS = Path(__file__).parent / "results"


# Issue 14's targets for the province office at scale 10 (SQLite, warm): the page's median, and ≤ 1.5× its bare SQL.
TARGET_MS = {
    "home_tree": 150,
    "due_list": 150,
    "header_search": 150,
    "stats_dashboard": 300,
    "bieu2_year": 300,
    "bieu3_today": 300,
    "targets_overview": 500,
}
TARGET_RATIO = 1.5


def verdict(name: str, page: dict) -> str:
    """ "met" / "missed" against issue 14's targets, "" for a page without one."""
    if name not in TARGET_MS:
        return ""
    ratio = page["median_ms"] / max(page.get("bare_sql", {}).get("median_ms", 0.1), 0.1)
    met = page["median_ms"] <= TARGET_MS[name] and ratio <= TARGET_RATIO
    return f"≤ {TARGET_MS[name]} ms, ≤ {TARGET_RATIO}× SQL: {'met' if met else 'missed'}"


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


def follow_next(client, url: str, pages: int) -> str:
    """The URL of the page a reader reaches from `url` by following the pager's "next" link pages - 1 times (or the
    last page, if the list is shorter)."""
    for _ in range(pages - 1):
        found = re.search(r'rel="next" href="\?([^"]+)"', client.get(url).content.decode())
        if not found:
            break
        url = f"{url.split('?')[0]}?{html.unescape(found.group(1))}"
    return url


def replay(connection, queries: list[tuple]) -> None:
    """Run recorded statements and fetch every row: the floor under a page's time."""
    with connection.cursor() as cursor:
        for sql, params in queries:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # session and savepoint statements are not the page's data
            cursor.execute(sql, params)
            cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--data-dir", help="use this data directory (default: a copy of BENCH_DIR/scale-N)")
    parser.add_argument("--pages", help="only these pages (comma-separated names), e.g. header_search,audit_page")
    parser.add_argument("--user", default="vp.ubnd", help="the demo user whose pages are timed (e.g. bithu.noi)")
    parser.add_argument("--json-out", help="also write the figures to this file (benchmarks/scope.py, growth.py)")
    parser.add_argument("--no-record", action="store_true", help="leave benchmarks/results as it is")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        data_dir = args.data_dir
        build_seconds = None
        if not data_dir:
            kept, build_seconds = demo_dir(args.scale)
            data_dir = stack.enter_context(scratch_copy(str(kept), "ketnap-bench-"))
        measure(args, data_dir, build_seconds)


def measure(args, data_dir: str, build_seconds: float | None) -> None:
    os.environ["KETNAP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ketnap.registry.models import Organization, PartyMembership, Person

    call_command("migrate", verbosity=0)
    if not Organization.objects.exists():
        start = time.perf_counter()
        call_command("demo", scale=args.scale, verbosity=0)
        build_seconds = round(time.perf_counter() - start, 1)

    from django.contrib.auth.models import User

    from ketnap.web.management.commands.serve import freeze_what_is_loaded

    freeze_what_is_loaded()  # as `ketnap serve` does before its first request
    client = Client(HTTP_HOST="127.0.0.1")  # an allowed host; the default "testserver" is not
    client.force_login(User.objects.get(username=args.user))
    from ketnap.accounts.models import Role

    root = Role.objects.filter(user__username=args.user).select_related("organization").first().organization.code
    year = dt.date.today().year
    pages = {
        "home_tree": "/",
        "person_search_no_diacritics": "/nhan-su/?q=nguyen+van+an",
        "person_list_first_page": "/nhan-su/",
        "person_list_page_100": "/nhan-su/?trang=100",
        "due_list": "/viec-can-lam/",
        "pipeline_board_stage": "/ung-vien/?giai-doan=probation",
        "stats_dashboard": f"/thong-ke/{root}/",
        "stats_dashboard_past_day": f"/thong-ke/{root}/?ngay=30/06/2023",
        "bieu2_year": f"/thong-ke/{root}/bieu-2/?tu=01/01/{year}&den=31/12/{year}",
        "bieu3_today": f"/thong-ke/{root}/bieu-3/",
        "targets_overview": f"/chi-tieu/{root}/",
        "bieu2_xlsx": f"/thong-ke/{root}/bieu-2/?xuat=xlsx",
        "bieu2_pdf": f"/thong-ke/{root}/bieu-2/?xuat=pdf",
        "yearly_report_pdf": f"/thong-ke/{root}/bao-cao-nam/?nam={year}",
        "national_db_page": f"/to-chuc/{root}/csdl-dang-vien/?tinh-trang=tat-ca",
        "national_db_xlsx_all": f"/to-chuc/{root}/csdl-dang-vien/?tinh-trang=tat-ca&xuat=xlsx",
        # issue 12: finding and reading
        "header_search": "/tim-kiem/?q=nguyen+van+an",
        "board_name_search": "/ung-vien/?q=nguyen+thi",
        "due_list_overdue": "/viec-can-lam/?han=qua-han",
        "due_list_xlsx": "/viec-can-lam/?xuat=xlsx",
        "board_csv_everyone": "/ung-vien/?xuat=csv",
        "audit_page": "/nhat-ky/",
        "audit_page_person_search": "/nhat-ky/?q=nguyen+van",
        "help_page": "/huong-dan/",
    }
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = {name: url for name, url in pages.items() if name in wanted}
    if "person_list_page_100" in pages:  # keyset pages (web/paging.py): the 100th reached by its "next" links
        pages["person_list_page_100"] = follow_next(client, "/nhan-su/", 100)
    # The dashboard against the bare SQL it needs: the same statements, replayed through a plain cursor.
    bare_sql_of = {
        "stats_dashboard",
        "stats_dashboard_past_day",
        "bieu2_year",
        "bieu3_today",
        "targets_overview",
        "header_search",
        "due_list_overdue",
        "due_list",
        "home_tree",
        "pipeline_board_stage",
        "audit_page",
        "person_search_no_diacritics",
        "person_list_page_100",
        "board_name_search",
        "audit_page_person_search",
    }
    figures = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries: list[tuple] = []

        def count(execute, sql, params, *rest, log=queries):
            log.append((sql, params))
            return execute(sql, params, *rest)

        # an execute wrapper survives the reconnect each request makes (CaptureQueriesContext does not)
        with connection.execute_wrapper(count):
            client.get(url)
        figures[name] = {"url": url, **timed(lambda u=url: client.get(u), args.repeat), "queries": len(queries)}
        if name in bare_sql_of:
            figures[name]["bare_sql"] = timed(lambda q=queries: replay(connection, q), args.repeat)

    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "user": args.user,
        "scale": args.scale,
        "database": connection.vendor,
        "staff": Person.objects.current().count(),
        "members": PartyMembership.objects.filter(status__in=["official", "probationary"]).count(),
        "organizations": Organization.objects.count(),
        "demo_build_seconds": build_seconds,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],  # other work on the machine skews timings
        "pages": figures,
    }
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if args.no_record:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    RESULTS.mkdir(exist_ok=True)
    if not args.pages:  # a run of some pages only is kept in history.md, beside the full run it does not replace
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"\n## {result['when']} · scale {args.scale} · {result['database']} · {result['staff']:,} staff, "
        f"{result['members']:,} members · as {args.user} · demo built in {build_seconds} s · load average at the end "
        f"{result['load_average_at_end']}{' · some pages only' if args.pages else ''}\n",
        "| page | median ms | min | max | queries |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} (`{f['url']}`) | {f['median_ms']} | {f['min_ms']} | {f['max_ms']} | {f['queries']} |"
        for n, f in figures.items()
    ]
    lines += [
        "",
        "| page | page median ms | bare SQL median ms (same statements, plain cursor) | ratio | target (province) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {n} | {f['median_ms']} | {f['bare_sql']['median_ms']} | "
        f"{f['median_ms'] / max(f['bare_sql']['median_ms'], 0.1):.1f}× | {verdict(n, f)} |"
        for n, f in figures.items()
        if "bare_sql" in f
    ]
    with (RESULTS / "history.md").open("a") as history:
        history.write("\n".join(lines) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
