"""Benchmark of `ketnap import staff`: a 100,000-row × 20-column roster, ketnap's reader against raw reads.

    python benchmarks/import_staff.py [--rows 100000] [--format xlsx|csv]

--rows N       people in the generated roster (default 100,000).
--format xlsx  (default) the roster as .xlsx, written with openpyxl write_only.
--format csv   the roster as CSV the way Excel saves "CSV UTF-8": UTF-8 with BOM, ";" separator, dates as
               dd/mm/yyyy, written with the csv module. The same rows are also written as .xlsx (not timed as the
               import's input) so that the two raw spreadsheet reads below have a file to read: the CSV's ratios
               to them compare the CSV path with reading the same roster kept as .xlsx. The csv module's own read
               of the CSV (csv_module_raw) is added as the CSV path's floor.

The roster is laid out as offices print it: a title block of 4 rows (motto, blank, "DANH SÁCH VIÊN CHỨC…"), the
header, a column-number row "(1) (2) … (20)", the people, a totals row "Tổng cộng: 100.000 người" and a
3-line signature footer ("NGƯỜI LẬP BIỂU … GIÁM ĐỐC", "(Ký, ghi rõ họ tên)", the signers' names). Departments
are units the benchmark creates; catalogue values are entries of registry/data/codelists.json.

Each phase runs in a fresh process so its peak memory is its own, and each run measures, on the same file:
  1. openpyxl_raw     openpyxl read_only + iter_rows(values_only=True), consumed (baseline 1);
  2. calamine_raw     python_calamine CalamineWorkbook.from_path(p).get_sheet_by_index(0).iter_rows() (baseline 2);
  3. reader           ketnap.imports.reader.Roster(path).rows(), consumed (Django set up, as the import has it);
  4. dry_run          the import's dry run (empty register: every row would be created);
  5. import           the real import (one transaction);
  6. reimport_dry_run a dry run of the same file again (every row matched and unchanged).
For each: wall and CPU seconds, rows per second, peak RSS (getrusage) with the baseline after start-up, and the
ratio to the calamine and openpyxl raw reads. Ratios are of CPU seconds: other work on the machine stretches wall
time, not CPU time (the load average at start, at each phase and at the end is recorded). The import phases must
report no error and no unmatched value, or the run stops and prints the first ones. Figures go to
benchmarks/results/import.json (one entry per format; a run replaces its own format's entry) and a section is
appended to benchmarks/results/history.md.
"""

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
HEAD = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Mã NV",
    "Khoa/phòng",
    "Dân tộc",
    "Tôn giáo",
    "Trình độ chuyên môn",
    "Chức danh",
    "Điện thoại",
    "Email",
    "Đoàn viên",
    "Công đoàn viên",
    "Ngày vào đơn vị",
    "Lý luận chính trị",
    "Loại hình lao động",
    "Chức danh nghề nghiệp",
    "Ghi chú",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Thanh", "Hữu", "Thị Thanh", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Yến"]
# the departments the benchmark creates; the roster names them as the office writes them
DEPARTMENTS = [
    "Khoa Khám bệnh",
    "Khoa Nội tổng hợp",
    "Khoa Ngoại tổng hợp",
    "Khoa Phụ sản",
    "Khoa Nhi",
    "Khoa Hồi sức tích cực - Chống độc",
    "Khoa Xét nghiệm",
    "Khoa Chẩn đoán hình ảnh",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch tổng hợp",
]
RAW_PHASES = ("openpyxl_raw", "calamine_raw")
IMPORT_PHASES = ("dry_run", "import", "reimport_dry_run")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


# --- the roster ------------------------------------------------------------------------------------------------
def roster_lines(rows: int) -> Iterator[list]:
    """The sheet as the office prints it, row by row (dates as datetimes; the CSV writer formats them)."""
    rng = random.Random(2026)
    width = len(HEAD)
    yield ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    yield ["Độc lập - Tự do - Hạnh phúc"]
    yield []
    yield ["DANH SÁCH VIÊN CHỨC, NGƯỜI LAO ĐỘNG BỆNH VIỆN ĐA KHOA TỈNH NĂM 2026"]
    yield HEAD
    yield [f"({k})" for k in range(1, width + 1)]
    for n in range(1, rows + 1):
        born = dt.datetime(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 38))
        yield [
            n,
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            born,
            rng.choice(["Nam", "Nữ"]),
            f"0{n % 96 + 1:02d}{rng.randrange(0, 4)}{born.year % 100:02d}{n:06d}",
            f"NV{n:06d}",
            DEPARTMENTS[n % len(DEPARTMENTS)],
            rng.choice(["Kinh", "Kinh", "Kinh", "Tày", "Dao"]),
            rng.choice(["Không", "Không", "Phật giáo", "Công giáo"]),
            rng.choice(["Đại học", "Cao đẳng", "Trung cấp", "Thạc sĩ"]),
            rng.choice(["Bác sĩ", "Điều dưỡng", "Kỹ thuật viên", ""]),
            f"09{rng.randrange(10**8):08d}",
            f"nv{n}@benhvien.vn",
            rng.choice(["x", ""]),
            "x",
            min(born + dt.timedelta(days=365 * 24), dt.datetime(2025, 1, 1)),
            rng.choice(["Sơ cấp", "Trung cấp", ""]),
            "Viên chức",
            rng.choice(["Bác sĩ", "Điều dưỡng", ""]),
            "",
        ]
    yield ["", f"Tổng cộng: {rows:,} người".replace(",", ".")]
    yield []
    footer = [""] * width
    yield [*footer[:1], "NGƯỜI LẬP BIỂU", *footer[2:14], "GIÁM ĐỐC"]
    yield [*footer[:1], "(Ký, ghi rõ họ tên)", *footer[2:14], "(Ký, ghi rõ họ tên)"]
    yield []
    yield []
    yield [*footer[:1], "Lê Thị Thu Hà", *footer[2:14], "Nguyễn Văn Bình"]


def write_xlsx(path: Path, rows: int) -> float:
    import openpyxl

    start = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for line in roster_lines(rows):
        sheet.append(line)
    workbook.save(path)
    return time.perf_counter() - start


def write_csv(path: Path, rows: int) -> float:
    """As Excel's "CSV UTF-8 (Comma delimited)" on a Vietnamese Windows: BOM, ";", dd/mm/yyyy, CRLF."""
    start = time.perf_counter()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        for line in roster_lines(rows):
            writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, dt.datetime) else v for v in line])
    return time.perf_counter() - start


# --- the database ----------------------------------------------------------------------------------------------
def setup_django(data_dir: str) -> None:
    os.environ["KETNAP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketnap.settings")
    import django

    django.setup()


def prepare_database(data_dir: str) -> None:
    setup_django(data_dir)
    from django.core.management import call_command

    from ketnap.registry.enums import OrgKind, UnitKind
    from ketnap.registry.services import organizations, units

    call_command("migrate", verbosity=0)
    on = dt.date(2020, 1, 1)
    province = organizations.create_organization(
        code="BENCH-TU", name="Đảng bộ tỉnh", kind=OrgKind.PROVINCE, parent=None, on=on
    )
    top = organizations.create_organization(
        code="BENCH", name="Đảng bộ Bệnh viện", kind=OrgKind.BASE_COMMITTEE, parent=province, on=on
    )
    hospital = units.create_unit(code="BENCH-BV", name="Bệnh viện", kind=UnitKind.UNIT, parent=None, on=on)
    for k, name in enumerate(DEPARTMENTS, start=1):
        cell = organizations.create_organization(
            code=f"BENCH-C{k:02d}", name=f"Chi bộ {k}", kind=OrgKind.CELL, parent=top, on=on
        )
        dept = units.create_unit(code=f"BENCH-K{k:02d}", name=name, kind=UnitKind.DEPARTMENT, parent=hospital, on=on)
        organizations.assign_unit(dept, cell, on=on)


# --- one measurement per process -------------------------------------------------------------------------------
def measure(run: Callable[[], dict]) -> dict:
    """Times `run` (which returns at least {"rows": …}); the baseline is the peak RSS before it starts."""
    baseline = peak_mib()
    load = load_average()
    start, cpu = time.perf_counter(), cpu_seconds()
    figures = run()
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        **figures,
        "baseline_mib": baseline,
        "peak_rss_mib": peak_mib(),
        "load_average": load,
    }


def openpyxl_raw(path: Path) -> dict:
    import openpyxl

    def run() -> dict:
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
        workbook.close()
        return {"rows": rows}

    return measure(run)


def calamine_raw(path: Path) -> dict:
    import python_calamine

    def run() -> dict:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return {"rows": sum(1 for _ in sheet.iter_rows())}

    return measure(run)


def csv_module_raw(path: Path) -> dict:
    def run() -> dict:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return {"rows": sum(1 for _ in csv.reader(handle, delimiter=";"))}

    return measure(run)


def reader(path: Path, data_dir: str) -> dict:
    setup_django(data_dir)
    import python_calamine  # noqa: F401  (imported lazily by the reader: loaded before the baseline, as for calamine_raw)

    from ketnap.imports.reader import Roster

    def run() -> dict:
        roster = Roster(path)
        rows = sum(1 for _ in roster.rows())
        return {"rows": rows, "kind": roster.kind, "encoding": roster.encoding, "delimiter": roster.delimiter}

    return measure(run)


def import_phase(name: str, path: Path, data_dir: str, expected: int) -> dict:
    setup_django(data_dir)
    import python_calamine  # noqa: F401

    from ketnap.imports.engine import Importer
    from ketnap.registry.models import Organization, Person

    org = Organization.objects.get(code="BENCH")
    report = None

    def run() -> dict:
        nonlocal report
        report = Importer(org, path, dry_run=name != "import").run()
        return {"rows": report.rows}

    figures = measure(run)
    problems = {
        "file_error": report.file_error,
        "error_count": report.error_count,
        "errors": [str(e) for e in report.errors[:10]],
        "unmatched": [f"{u['column']}: '{u['value']}' × {u['count']} ({u['rows']})" for u in report.unmatched[:10]],
        "identity_changes": report.identity_change_count,
    }
    wanted = {"dry_run": "created", "import": "created", "reimport_dry_run": "unchanged"}[name]
    if not report.ok or report.rows != expected or getattr(report, wanted) != expected:
        print(json.dumps({"phase": name, "rows": report.rows, "expected": expected, **problems}, ensure_ascii=False))
        print(f"{name}: the import did not go through cleanly; see the first problems above", file=sys.stderr)
        sys.exit(1)
    return {
        **figures,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": report.error_count,
        "unmatched": len(report.unmatched),
        "people_in_db": Person.objects.count(),
        "header_row": report.header_row,
        "skipped": report.skipped,
    }


def phase(name: str, path: Path, data_dir: str, expected: int) -> dict:
    if name == "prepare":
        prepare_database(data_dir)
        return {}
    if name == "openpyxl_raw":
        return openpyxl_raw(path)
    if name == "calamine_raw":
        return calamine_raw(path)
    if name == "csv_module_raw":
        return csv_module_raw(path)
    if name == "reader":
        return reader(path, data_dir)
    return import_phase(name, path, data_dir, expected)


# --- the run ---------------------------------------------------------------------------------------------------
def run_phase(name: str, path: Path, work: Path, rows: int) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--file", str(path), "--data-dir", str(work)]
    done = subprocess.run([*command, "--rows", str(rows)], capture_output=True, text=True)
    if done.returncode:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"phase {name} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}


def ratio(part: float, whole: float) -> float:
    return round(part / whole, 2) if whole else 0.0


def write_results(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "import.json"
    stored: dict = {}
    if target.exists():
        try:
            stored = json.loads(target.read_text())
        except json.JSONDecodeError:
            stored = {}
    formats = stored.get("formats", {}) if isinstance(stored.get("formats"), dict) else {}
    formats[result["format"]] = result
    document = {"benchmark": "benchmarks/import_staff.py", "formats": dict(sorted(formats.items()))}
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")

    figures = result["phases"]
    kind = result["format"]
    twin = ""
    if kind == "csv":
        twin = f" (raw spreadsheet reads: the same roster as .xlsx, {result['xlsx_twin_mib']} MiB)"
    lines = [
        f"\n## Import staff · {result['when']} · {result['rows']:,} rows × {result['columns']} columns · "
        f"{result['file_mib']} MiB .{kind}{twin} · sqlite · load average {result['load_average_at_start']} at start, "
        f"{result['load_average_at_end']} at end\n",
        "Title block, column-number row, totals and signature footer around the people; ratios are of CPU seconds "
        f"(calamine raw {figures['calamine_raw']['cpu_seconds']} s, openpyxl raw "
        f"{figures['openpyxl_raw']['cpu_seconds']} s). Import phases: 0 errors, 0 unmatched values.\n",
        *csv_note(figures),
        "| phase | wall s | CPU s | rows/s | × calamine raw | × openpyxl raw | peak RSS MiB (baseline) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {f['seconds']} | {f['cpu_seconds']} | {f['rows_per_second']:,} | "
        f"{f['cpu_x_calamine_raw']:.2f}× | {f['cpu_x_openpyxl_raw']:.2f}× | {f['peak_rss_mib']} ({f['baseline_mib']}) |"
        for name, f in figures.items()
    ]
    with (RESULTS / "history.md").open("a") as history:
        history.write("\n".join(lines) + "\n")


def csv_note(figures: dict) -> list[str]:
    """For a CSV run, the CPU ratios to the csv module's own read of the file (the CSV path's floor)."""
    if "csv_module_raw" not in figures:
        return []
    ratios = ", ".join(
        f"{name} {f['cpu_x_csv_module_raw']:.1f}×" for name, f in figures.items() if name != "csv_module_raw"
    )
    return [f"CPU × csv module raw read ({figures['csv_module_raw']['cpu_seconds']} s): {ratios}.\n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the roster (default 100000)")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="the roster's format (default xlsx)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.file), args.data_dir, args.rows), ensure_ascii=False))
        return

    load_at_start = load_average()
    work = Path(tempfile.mkdtemp(prefix="ketnap-import-bench-"))
    try:
        xlsx = work / "danh-sach.xlsx"
        generated = {"xlsx": round(write_xlsx(xlsx, args.rows), 1)}
        path = xlsx
        if args.format == "csv":
            path = work / "danh-sach.csv"
            generated["csv"] = round(write_csv(path, args.rows), 1)
        run_phase("prepare", path, work, args.rows)
        names = [*RAW_PHASES, *(["csv_module_raw"] if args.format == "csv" else []), "reader", *IMPORT_PHASES]
        figures = {}
        for name in names:
            source = xlsx if name in RAW_PHASES else path
            figures[name] = f = run_phase(name, source, work, args.rows)
            f["rows_per_second"] = round(f["rows"] / f["seconds"]) if f["seconds"] else 0
            f["rows_per_cpu_second"] = round(f["rows"] / f["cpu_seconds"]) if f["cpu_seconds"] else 0
            print(name, {k: v for k, v in f.items() if k != "skipped"}, flush=True)
        for f in figures.values():
            for base in (*RAW_PHASES, *(["csv_module_raw"] if args.format == "csv" else [])):
                f[f"cpu_x_{base}"] = ratio(f["cpu_seconds"], figures[base]["cpu_seconds"])
                f[f"wall_x_{base}"] = ratio(f["seconds"], figures[base]["seconds"])
        result = {
            "format": args.format,
            "when": dt.datetime.now().isoformat(timespec="seconds"),
            "command": f"python benchmarks/import_staff.py --rows {args.rows} --format {args.format}",
            "rows": args.rows,
            "columns": len(HEAD),
            "layout": "4-row title block, header, column-number row, people, totals row, 3-line signature footer",
            "file_mib": round(path.stat().st_size / 2**20, 1),
            **({"xlsx_twin_mib": round(xlsx.stat().st_size / 2**20, 1)} if args.format == "csv" else {}),
            "generate_seconds": generated,
            "database": "sqlite",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
            "libraries": libraries(),
            # other work on the machine stretches wall time; CPU seconds are the comparable figure then
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
            "ratios": "cpu_x_<phase> / wall_x_<phase>: this phase's CPU (wall) seconds over that raw read's",
            "phases": figures,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(result)
    print(json.dumps(result, indent=2, ensure_ascii=False))


def libraries() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("python-calamine", "openpyxl"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = ""
    return found


if __name__ == "__main__":
    main()
