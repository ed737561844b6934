"""Big exports: the CSDL hand-off of every member and the other long name lists, and the .xlsx writers compared.

    python benchmarks/export.py --data-dir /tmp/kd-bench10 [--repeat 3]

The data directory (the scale-10 demo: 31,620 members) is copied into a temporary directory first and migrated there
(downloads write the read log); --in-place uses it as it is. In one process, through Django's full stack as the
province office (vp.ubnd):
- the CSDL hand-off's rows alone (documents.national_db.all_rows: values() rows and lookups loaded once per chunk);
- the same rows written by the long lists' writer (web.listxlsx: XlsxWriter in constant-memory mode, with the layout,
  widths and number formats) and by XlsxWriter alone (the baseline: the values and one date format), alternately,
  --repeat times each;
- whole downloads: the CSDL hand-off as .xlsx and .csv, the due list as .xlsx, the board (everyone on the road) as
  .csv and .xlsx: wall and CPU time, the time to the first bytes, the size, and the peak of resident memory above
  what the process held before (Linux: VmHWM, reset before each measurement).
Recorded, never asserted; the load average is recorded with every figure. Figures go to
benchmarks/results/export.json and a section of benchmarks/results/history.md.
"""

import argparse
import contextlib
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import git_state, machine, record, scratch_copy


def reset_peak() -> int:
    """Resets the process's peak resident memory (Linux ≥ 4.0), returns the resident memory now, in kB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_kb("VmRSS")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measured(fn) -> dict:
    """Wall and CPU seconds of fn(), and the peak of resident memory above the start (MiB)."""
    start_kb = reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    extra = fn() or {}
    out = {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_above_start_mib": round(max(0, _status_kb("VmHWM") - start_kb) / 1024, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    return {**out, **extra}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True, help="a data directory with the scale-10 demo (copied first)")
    parser.add_argument("--in-place", action="store_true", help="use --data-dir as it is (downloads write to it)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each writer")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        data_dir = args.data_dir
        if not args.in_place:
            data_dir = stack.enter_context(scratch_copy(args.data_dir, "ketnap-export-"))
        os.environ["KETNAP_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
        result = run(args)
    if args.no_record:
        print(summary(result))
    else:
        record("export.json", result, summary(result))


def run(args) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    from ketnap.accounts.models import Role
    from ketnap.documents import national_db
    from ketnap.scope import Scope
    from ketnap.web import listxlsx

    call_command("migrate", verbosity=0)
    translation.activate("vi")
    user = User.objects.get(username="vp.ubnd")
    root = Role.objects.filter(user=user).select_related("organization").first().organization
    members = national_db.members(Scope(user), root, national_db.Filter.ALL)
    result = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "members": members.count(),
    }

    held: list = []

    def build():
        held[:] = list(national_db.all_rows(members))
        return {"rows": len(held)}

    result["csdl_rows_only"] = measured(build)
    rows, columns = held, national_db.COLUMNS
    note = "Tải bởi … (benchmark)"
    writers = {
        "baseline_raw_xlsxwriter": lambda: raw_xlsxwriter(columns, rows),
        "xlsxwriter_constant_memory": lambda: _file_size(
            listxlsx.rows_xlsx_file("CSDL", columns, rows, subtitle="x", note=note, author="a", description=note)
        ),
    }
    runs: dict[str, list] = {name: [] for name in writers}
    for _ in range(args.repeat):
        for name, write in writers.items():  # alternately: a change of load hits both
            runs[name].append(measured(write))
    result["writers"] = {
        name: {
            "rows": len(rows),
            "columns": len(columns),
            "cpu_s_median": statistics.median(r["cpu_s"] for r in samples),
            "wall_s_median": statistics.median(r["wall_s"] for r in samples),
            "peak_rss_above_start_mib_max": max(r["peak_rss_above_start_mib"] for r in samples),
            "bytes": samples[0]["bytes"],
            "runs": samples,
        }
        for name, samples in runs.items()
    }
    held.clear()

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    downloads = {
        "csdl_xlsx_all": f"/to-chuc/{root.code}/csdl-dang-vien/?tinh-trang=tat-ca&xuat=xlsx",
        "csdl_csv_all": f"/to-chuc/{root.code}/csdl-dang-vien/?tinh-trang=tat-ca&xuat=csv",
        "due_list_xlsx": "/viec-can-lam/?xuat=xlsx",
        "board_csv_everyone": "/ung-vien/?xuat=csv",
        "board_xlsx_everyone": "/ung-vien/?xuat=xlsx",
    }
    result["downloads"] = {}
    for name, url in downloads.items():

        def fetch(url=url):
            began = time.perf_counter()
            response = client.get(url)
            first = None
            size = 0
            for chunk in response.streaming_content if response.streaming else [response.content]:
                first = first or time.perf_counter() - began
                size += len(chunk)
            return {"status": response.status_code, "bytes": size, "first_bytes_s": round(first or 0, 2)}

        result["downloads"][name] = {"url": url, **measured(fetch)}
        print(name, result["downloads"][name], flush=True)
    return result


def raw_xlsxwriter(columns, rows) -> dict:
    """The floor: the same values through XlsxWriter's constant-memory mode with one date format and nothing else."""
    import xlsxwriter

    with tempfile.TemporaryFile() as out:
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        sheet, date = book.add_worksheet(), book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, [str(c.label) for c in columns])
        for number, values in enumerate(rows, start=1):
            for i, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write_datetime(number, i, value, date)
                elif value is not None:
                    sheet.write(number, i, value)
        book.close()
        return {"bytes": out.tell()}


def _file_size(handle) -> dict:
    with handle:
        return {"bytes": len(handle.read())}


def summary(result: dict) -> str:
    git, rows = result["git"], result["csdl_rows_only"]
    lines = [
        f"\n## Export · {result['when']} · scale 10 · {result['members']:,} members · {result['machine']} · "
        f"git {git['commit']} + {git['uncommitted_files']} uncommitted files\n",
        f"CSDL hand-off rows alone (values() rows, lookups per chunk): {rows['rows']:,} rows in {rows['wall_s']} s "
        f"wall, {rows['cpu_s']} s CPU, load average {rows['load_average']}.\n",
        "| writer (same rows, alternately) | CPU s (median) | wall s (median) | peak RSS above start MiB | bytes |",
        "|---|---|---|---|---|",
    ]
    for name, w in result["writers"].items():
        lines.append(
            f"| {name} | {w['cpu_s_median']} | {w['wall_s_median']} | {w['peak_rss_above_start_mib_max']} | "
            f"{w['bytes']:,} |"
        )
    lines += [
        "",
        "| download (as vp.ubnd) | status | wall s | CPU s | first bytes after s | bytes | peak RSS above start MiB "
        "| load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, d in result["downloads"].items():
        lines.append(
            f"| {name} (`{d['url']}`) | {d['status']} | {d['wall_s']} | {d['cpu_s']} | {d['first_bytes_s']} | "
            f"{d['bytes']:,} | {d['peak_rss_above_start_mib']} | {d['load_average']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
