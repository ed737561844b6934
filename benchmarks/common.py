"""What every benchmark shares: where results go, the git state and machine measured, a scratch copy of a data
directory (a benchmark never writes to the one it is given), and a demo built once per scale and kept for the next
run (BENCH_DIR/scale-N, default /tmp/ketnap-bench)."""

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
KETNAP = str(Path(sys.executable).with_name("ketnap"))
BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/ketnap-bench"))


def git_state() -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    changed = [line for line in git("status", "--porcelain").splitlines() if line]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_files": len(changed)}


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def load_average() -> list[float]:
    """Other work on the machine slows everything: recorded beside every figure."""
    return [round(x, 1) for x in os.getloadavg()]


@contextlib.contextmanager
def scratch_copy(data_dir: str | None, prefix: str) -> Iterator[str]:
    """A throwaway copy of `data_dir` (an empty directory when None), removed afterwards."""
    scratch = tempfile.mkdtemp(prefix=prefix)
    copy = str(Path(scratch) / "data")
    try:
        if data_dir:
            shutil.copytree(data_dir, copy, symlinks=True)
        else:
            Path(copy).mkdir()
        yield copy
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def demo_dir(scale: int, env: dict | None = None) -> tuple[Path, float | None]:
    """BENCH_DIR/scale-N with the demo at that scale on SQLite, migrated to this tree; built when missing (then
    the seconds it took are returned, else None). Delete the directory to have it built again."""
    path = BENCH_DIR / f"scale-{scale}"
    env = {**(env or os.environ), "KETNAP_DATA_DIR": str(path)}
    env.pop("DATABASE_URL", None)
    built = None
    if not (path / "ready").exists():
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        subprocess.run([KETNAP, "migrate", "-v0"], env=env, check=True)
        start = time.perf_counter()
        subprocess.run([KETNAP, "demo", "--scale", str(scale)], env=env, check=True, stdout=subprocess.DEVNULL)
        built = round(time.perf_counter() - start, 1)
        (path / "ready").write_text(json.dumps({"scale": scale, "built_seconds": built, **git_state()}))
    else:
        subprocess.run([KETNAP, "migrate", "-v0"], env=env, check=True)
    return path, built


def time_pages(data_dir: str, user: str, pages: list[str], repeat: int, env: dict | None = None) -> dict:
    """benchmarks/run.py's figures for these pages as `user`, in a process of its own (Django binds one database per
    process): the data directory as it is, the database of env's DATABASE_URL when given."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("run.py")),
                *("--data-dir", data_dir, "--user", user, "--pages", ",".join(pages)),
                *("--repeat", str(repeat), "--json-out", out.name, "--no-record"),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(Path(out.name).read_text())


def record(json_name: str | None, result: dict, summary: str) -> None:
    """benchmarks/results/<json_name> (the newest run; None keeps the file as it is) and a section of history.md."""
    RESULTS.mkdir(exist_ok=True)
    if json_name:
        (RESULTS / json_name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    with (RESULTS / "history.md").open("a") as history:
        history.write(summary)
    print(summary)
