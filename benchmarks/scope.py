"""Cost follows the scope: the same pages, for the same kinds of user, at two sizes of the whole database.

    python benchmarks/scope.py [--scales 1,10] [--repeat 5]

Issue 14's targets: a chi bộ secretary's pages cost the same at scale 1 and at scale 10 (within 1.5×: their chi bộ
does not grow with the province); the province office's grow sublinearly (scale 10 ≤ 3× scale 1, for ten times the
people). The demo at each scale is built once into BENCH_DIR/scale-N (benchmarks/common.py) and reused; each
(scale, user) is timed by benchmarks/run.py in its own process (Django binds one database per process), on a scratch
copy. Recorded, never asserted: benchmarks/results/scope.json and a section of history.md.
"""

import argparse
import datetime as dt

from common import demo_dir, git_state, load_average, machine, record, scratch_copy, time_pages

USERS = {  # user: (who, the target ratio of the larger scale to the smaller)
    "bithu.noi": ("bí thư chi bộ", 1.5),
    "vp.bvdk": ("văn phòng đảng ủy bệnh viện", None),
    "vp.ubnd": ("văn phòng đảng ủy cấp tỉnh", 3.0),
}
PAGES = [
    "home_tree",
    "due_list",
    "header_search",
    "person_list_first_page",
    "pipeline_board_stage",
    "stats_dashboard",
    "bieu2_year",
    "bieu3_today",
    "targets_overview",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10", help="two demo scales, the smaller first")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    small, large = (int(x) for x in args.scales.split(","))

    result = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "scales": [small, large],
        "runs": {},
    }
    for scale in (small, large):
        data_dir, built = demo_dir(scale)
        result[f"demo_built_seconds_scale_{scale}"] = built
        for user in USERS:
            with scratch_copy(str(data_dir), "ketnap-scope-") as copy:
                figures = time_pages(copy, user, PAGES, args.repeat)
            result["runs"][f"{scale}/{user}"] = {
                "staff": figures["staff"],
                "members": figures["members"],
                "load_average_at_end": figures["load_average_at_end"],
                "pages": {name: page["median_ms"] for name, page in figures["pages"].items()},
                "queries": {name: page["queries"] for name, page in figures["pages"].items()},
            }
            print(f"scale {scale}, {user}: done (load average {load_average()})", flush=True)
    text = summary(result)
    if args.no_record:
        print(text)
    else:
        record("scope.json", result, text)


def summary(result: dict) -> str:
    small, large = result["scales"]
    runs, git = result["runs"], result["git"]
    lines = [
        f"\n## Scope · {result['when']} · SQLite · scale {small} "
        f"({runs[f'{small}/vp.ubnd']['staff']:,} staff) against scale {large} "
        f"({runs[f'{large}/vp.ubnd']['staff']:,} staff) · {result['machine']} · git {git['commit']} + "
        f"{git['uncommitted_files']} uncommitted files\n",
        "Median ms of warm requests through Django's full stack; queries in brackets. Load average at the end of each "
        "run: " + ", ".join(f"{key} {run['load_average_at_end'][0]}" for key, run in runs.items()) + ".\n",
    ]
    for user, (who, target) in USERS.items():
        lines += [
            f"\n**{user}** ({who}){f': target scale {large} ≤ {target}× scale {small}' if target else ''}\n",
            f"| page | scale {small} | scale {large} | ratio |{' met |' if target else ''}",
            f"|---|---|---|---|{'---|' if target else ''}",
        ]
        for page in PAGES:
            a, b = runs[f"{small}/{user}"], runs[f"{large}/{user}"]
            ratio = b["pages"][page] / max(a["pages"][page], 0.1)
            met = f" {'yes' if ratio <= target else 'no'} |" if target else ""
            lines.append(
                f"| {page} | {a['pages'][page]} ({a['queries'][page]}) | {b['pages'][page]} ({b['queries'][page]}) "
                f"| {ratio:.2f}× |{met}"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
