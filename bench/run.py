"""Run every micro-benchmark in bench/ and print one table of medians and ratios.

Each bench file runs in its own pytest process (the suites configure settings
and databases at import time, and must not see each other's), then the results
are merged into one pytest-benchmark JSON file, bench/results/<timestamp>.json,
and printed by bench/report.py.

Usage: python bench/run.py [--markdown] [--json PATH] [FILE ...] [-- PYTEST_ARGS]

FILEs default to every bench/test_bench_*.py (bench/e2e/ is separate). Arguments
after "--" go to each pytest run, e.g. ``-- --benchmark-max-time=0.1``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"

sys.path.insert(0, str(BENCH))
import report  # noqa: E402


def bench_files() -> list[Path]:
    """Return the micro-benchmark files: bench/test_bench_*.py, sorted."""
    return sorted(BENCH.glob("test_bench_*.py"))


def results_dir(path: Path = RESULTS) -> Path:
    """Return ``path`` (bench/results/), created and git-ignored: runs stay
    local, only the gate's baseline is committed."""
    path.mkdir(exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Benchmark runs: local, never committed.\n*\n")
    return path


def timestamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def run_file(
    path: Path | str,
    json_path: Path,
    pytest_args: list[str] = (),
    nodeids: list[str] | None = None,
    quiet: bool = True,
) -> subprocess.CompletedProcess:
    """Run one bench file (or some of its node ids) in a fresh pytest process."""
    targets = nodeids or [str(path)]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *targets,
        "--benchmark-only",
        f"--benchmark-json={json_path}",
        "-p",
        "no:cacheprovider",
        "-q",
        *pytest_args,
    ]
    return subprocess.run(cmd, capture_output=quiet, text=True)


def merge(paths: list[Path]) -> dict:
    """Return one pytest-benchmark document holding the benchmarks of ``paths``."""
    merged: dict | None = None
    for path in paths:
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        if merged is None:
            merged = data
        else:
            merged["benchmarks"].extend(data["benchmarks"])
    return merged or {"benchmarks": []}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="bench files (default: all)")
    parser.add_argument("--markdown", action="store_true", help="a markdown table")
    parser.add_argument("--json", help="where to write the merged results")
    args = parser.parse_args(argv)
    files = [Path(f).resolve() for f in args.files] or bench_files()
    os.chdir(ROOT)
    out = Path(args.json) if args.json else results_dir() / f"{timestamp()}.json"
    failed = []
    with tempfile.TemporaryDirectory(prefix="fastdj-bench-") as tmp:
        parts = []
        for path in files:
            part = Path(tmp) / f"{path.stem}.json"
            print(f"running {path} ...", file=sys.stderr, flush=True)
            done = run_file(path, part, pytest_args)
            if done.returncode != 0:
                failed.append(path)
                sys.stderr.write(done.stdout[-4000:] + done.stderr[-2000:])
            parts.append(part)
        data = merge(parts)
    out.write_text(json.dumps(data, indent=1))
    print(report.render(report.groups_of(data["benchmarks"]), args.markdown))
    print(f"\nresults: {out}", file=sys.stderr)
    if failed:
        print(f"FAILED: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
