"""Cost against the size of the database, on PostgreSQL: the demo at scale 1, 10 and 50 (8,000 / 80,000 / 400,000
staff), the same pages for the province office (vp.ubnd) and for the whole database (quantri, the administrator at
the root), and a power-law fit to extrapolate to the national register.

    python benchmarks/growth.py [--scales 1,10,50] [--repeat 3]

A throwaway cluster (benchmarks/pgcluster.py) holds one database per scale; each is migrated, filled by
`ketnap demo --scale N` (timed: issue 14 asks for scale 50 in under 10 minutes), analysed, and timed by
benchmarks/run.py in its own process. Issue 14's targets at scale 50: the province-level user's pages as on SQLite at
scale 10 (home, due list, search ≤ 150 ms; statistics, biểu ≤ 300 ms; targets ≤ 500 ms), the whole database ≤ 2 s.
Recorded, never asserted: benchmarks/results/growth.json and a section of history.md.
"""

import argparse
import datetime as dt
import math
import os
import subprocess
import tempfile
import time

import pgcluster
from common import KETNAP, git_state, load_average, machine, record, time_pages

USERS = {"vp.ubnd": "văn phòng đảng ủy cấp tỉnh", "quantri": "toàn bộ cơ sở dữ liệu"}
PAGES = ["home_tree", "due_list", "header_search", "stats_dashboard", "bieu2_year", "bieu3_today", "targets_overview"]
NATIONAL_MEMBERS = 5_600_000  # the national register (issue 14)
WHOLE_DATABASE_TARGET_MS = 2000


def fill(cluster: pgcluster.Cluster, scale: int, data_dir: str) -> tuple[dict, dict]:
    env = {**os.environ, "KETNAP_DATA_DIR": data_dir, "DATABASE_URL": cluster.new_database(f"ketnap_s{scale}")}
    subprocess.run([KETNAP, "migrate", "-v0"], env=env, check=True)
    start = time.perf_counter()
    subprocess.run([KETNAP, "demo", "--scale", str(scale)], env=env, check=True, stdout=subprocess.DEVNULL)
    built = round(time.perf_counter() - start, 1)
    cluster.psql("VACUUM ANALYZE", database=f"ketnap_s{scale}")
    return env, {"demo_built_seconds": built, "load_average_after_build": load_average()}


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares of log t = log a + b log n: (a, b)."""
    xs, ys = [math.log(n) for n, _ in points], [math.log(max(t, 0.1)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return math.exp(my - b * mx), b


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    scales = [int(x) for x in args.scales.split(",")]

    result = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "scales": scales,
        "runs": {},
    }
    with pgcluster.cluster() as cluster:
        result["postgresql"] = cluster.bin.parent.name
        for scale in scales:
            with tempfile.TemporaryDirectory(prefix="ketnap-growth-") as data_dir:
                env, built = fill(cluster, scale, data_dir)
                run = result["runs"][str(scale)] = {**built, "users": {}}
                for user in USERS:
                    figures = time_pages(env["KETNAP_DATA_DIR"], user, PAGES, args.repeat, env)
                    run["members"], run["staff"] = figures["members"], figures["staff"]
                    run["users"][user] = {
                        "pages": {name: page["median_ms"] for name, page in figures["pages"].items()},
                        "bare_sql": {n: p.get("bare_sql", {}).get("median_ms") for n, p in figures["pages"].items()},
                        "queries": {name: page["queries"] for name, page in figures["pages"].items()},
                        "load_average_at_end": figures["load_average_at_end"],
                    }
                cluster.psql(f"DROP DATABASE ketnap_s{scale}")
            print(f"scale {scale}: built in {built['demo_built_seconds']} s, timed", flush=True)
    text = summary(result)
    if args.no_record:
        print(text)
    else:
        record("growth.json", result, text)


def summary(result: dict) -> str:
    scales, runs, git = result["scales"], result["runs"], result["git"]
    members_per_scale = runs[str(scales[-1])]["members"] / scales[-1]
    national = NATIONAL_MEMBERS / members_per_scale
    lines = [
        f"\n## Growth · {result['when']} · PostgreSQL {result['postgresql']} · {result['machine']} · git "
        f"{git['commit']} + {git['uncommitted_files']} uncommitted files\n",
        "Demo built in: "
        + ", ".join(
            f"scale {s} ({runs[str(s)]['members']:,} members, {runs[str(s)]['staff']:,} staff) "
            f"{runs[str(s)]['demo_built_seconds']} s"
            for s in scales
        )
        + f". The national register ({NATIONAL_MEMBERS:,} members) is scale ≈ {national:,.0f}.\n",
    ]
    for user, who in USERS.items():
        header = " | ".join(f"scale {s}" for s in scales)
        lines += [
            f"\n**{user}** ({who}): median ms (bare SQL ms), power-law exponent b of t ∝ scale^b, and the extrapolation"
            f" to the national register{' (target ≤ 2 s)' if user == 'quantri' else ''}\n",
            f"| page | {header} | b | national (extrapolated) |",
            "|---|" + "---|" * (len(scales) + 2),
        ]
        for page in PAGES:
            cells = []
            points = []
            for s in scales:
                figures = runs[str(s)]["users"][user]
                cells.append(f"{figures['pages'][page]} ({figures['bare_sql'][page]})")
                points.append((s, figures["pages"][page]))
            a, b = fit(points)
            shown = "—"  # the province office's scope grows with the demo, not with the nation's other provinces
            if user == "quantri":
                projected = a * national**b
                shown = f"{projected / 1000:,.1f} s" if projected >= 1000 else f"{projected:,.0f} ms"
            lines.append(f"| {page} | {' | '.join(cells)} | {b:.2f} | {shown} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
