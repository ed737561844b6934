"""Benchmark of `ketnap import staff`: a 100,000-row × 20-column roster against openpyxl's own read-only read.

    python benchmarks/import_staff.py [--rows 100000]

Generates the .xlsx with openpyxl write_only, then times, each in a fresh process so peak memory is its own:
openpyxl read_only + iter_rows(values_only=True) alone (the floor), the import's dry run (empty register:
every row would be created), the real import (one transaction), and a dry run of the same file again (every
row matched and unchanged). Peak memory is the process's peak RSS (getrusage) with the baseline after start-up
also given. Figures go to benchmarks/results/import.json and are appended to benchmarks/results/history.md.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
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
UNITS = 10


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kilobytes on Linux


def generate(path: Path, rows: int) -> float:
    import openpyxl

    rng = random.Random(2026)
    start = time.perf_counter()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH VIÊN CHỨC, NGƯỜI LAO ĐỘNG"])
    sheet.append(HEAD)
    for n in range(1, rows + 1):
        born = dt.datetime(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 38))
        sheet.append(
            [
                n,
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                born,
                rng.choice(["Nam", "Nữ"]),
                f"0{n % 96 + 1:02d}{rng.randrange(0, 4)}{born.year % 100:02d}{n:06d}",
                f"NV{n:06d}",
                f"BENCH-K{n % UNITS + 1:02d}",
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
        )
    workbook.save(path)
    return time.perf_counter() - start


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
    for k in range(1, UNITS + 1):
        cell = organizations.create_organization(
            code=f"BENCH-C{k:02d}", name=f"Chi bộ {k}", kind=OrgKind.CELL, parent=top, on=on
        )
        dept = units.create_unit(
            code=f"BENCH-K{k:02d}", name=f"Khoa {k}", kind=UnitKind.DEPARTMENT, parent=hospital, on=on
        )
        organizations.assign_unit(dept, cell, on=on)


def phase(name: str, path: Path, data_dir: str) -> dict:
    """Runs in its own process: one measurement."""
    if name == "prepare":
        prepare_database(data_dir)
        return {}
    if name == "openpyxl_read_only":
        import openpyxl

        baseline = peak_mib()
        start, cpu = time.perf_counter(), cpu_seconds()
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = sum(1 for _ in workbook.active.iter_rows(values_only=True))
        workbook.close()
        seconds = time.perf_counter() - start
        return {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds() - cpu, 2),
            "rows": rows,
            "baseline_mib": baseline,
            "peak_rss_mib": peak_mib(),
        }
    setup_django(data_dir)
    from ketnap.imports.engine import Importer
    from ketnap.registry.models import Organization, Person

    org = Organization.objects.get(code="BENCH")
    baseline = peak_mib()
    start, cpu = time.perf_counter(), cpu_seconds()
    report = Importer(org, path, dry_run=name != "import").run()
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    assert report.ok, (report.file_error, [str(e) for e in report.errors[:5]])
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "people_in_db": Person.objects.count(),
        "baseline_mib": baseline,
        "peak_rss_mib": peak_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.file), args.data_dir)))
        return

    load_at_start = round(os.getloadavg()[0], 1)
    work = Path(tempfile.mkdtemp(prefix="ketnap-import-bench-"))
    path = work / "danh-sach-100k.xlsx"
    generate_seconds = generate(path, args.rows)
    subprocess.run(
        [sys.executable, __file__, "--phase", "prepare", "--file", str(path), "--data-dir", str(work)], check=True
    )
    figures = {}
    for name in ("openpyxl_read_only", "dry_run", "import", "reimport_dry_run"):
        done = subprocess.run(
            [sys.executable, __file__, "--phase", name, "--file", str(path), "--data-dir", str(work)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures[name] = json.loads(done.stdout.strip().splitlines()[-1])
        figures[name]["rows_per_second"] = round(figures[name]["rows"] / figures[name]["seconds"])
        figures[name]["rows_per_cpu_second"] = round(figures[name]["rows"] / figures[name]["cpu_seconds"])
        print(name, figures[name], flush=True)
    result = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "rows": args.rows,
        "columns": len(HEAD),
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "generate_write_only_seconds": round(generate_seconds, 1),
        "database": "sqlite",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        # other work on the machine stretches wall time; CPU seconds are the comparable figure then
        "load_average_at_start": load_at_start,
        "phases": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    floor = figures["openpyxl_read_only"]["cpu_seconds"]
    lines = [
        f"\n## Import staff · {result['when']} · {args.rows:,} rows × {len(HEAD)} columns · "
        f"{result['file_mib']} MiB .xlsx · sqlite · load average {load_at_start} at start\n",
        "| phase | wall s | rows/s | CPU s | rows/CPU s | CPU × openpyxl read-only | peak RSS MiB (baseline) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {f['seconds']} | {f['rows_per_second']:,} | {f['cpu_seconds']} | {f['rows_per_cpu_second']:,} | "
        f"{f['cpu_seconds'] / floor:.1f}× | {f['peak_rss_mib']} ({f['baseline_mib']}) |"
        for name, f in figures.items()
    ]
    with (RESULTS / "history.md").open("a") as history:
        history.write("\n".join(lines) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
