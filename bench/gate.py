"""Perf regression gate: this run's speed ratios against a committed baseline.

Each benchmark group is one workload run by several contestants (fastdj-cy,
fastdj-py, django, falcon...). The gate times a representative subset of the
groups, computes in each group how many times faster the reference contestant
(fastdj-cy, or fastdj where a suite has no twins) is than every other one, and
compares those ratios with bench/baseline.json. Ratios, not times: both sides of
a ratio are measured in the same run on the same machine, so machine speed
cancels out.

Against noise: every benchmark runs in several short passes (each pass times
every contestant of a group back to back, each in a fresh process per bench
file), a ratio is the median over the passes of that pass's ratio, and a group
that looks regressed is measured again once before the gate fails.

Usage:
    python bench/gate.py                      # run, compare, exit 1 on regression
    python bench/gate.py --update-baseline    # run, write bench/baseline.json
    python bench/gate.py --bench 'bench/test_bench_urls.py::test_resolve[1000-*]'
    python bench/gate.py --results a.json b.json   # judge saved runs, no timing

Exit status: 0 when no ratio regressed beyond the tolerance, 1 otherwise (or
when a benchmark failed or a baseline group was not measured), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BASELINE = BENCH / "baseline.json"

sys.path.insert(0, str(BENCH))
import report  # noqa: E402
import run  # noqa: E402

TOLERANCE = 0.25
PASSES = 3
# Each benchmark's fastest round. On a shared machine a round that the
# scheduler interrupts only gets slower, and for millisecond workloads most
# rounds are interrupted: across passes on this 2-core VM under load, ratios
# of minimums varied by at most 1.16x where ratios of medians varied by 1.73x.
# The median is still taken across passes.
STAT = "min"
REFERENCES = ("fastdj-cy", "fastdj")
# These cover every kernel (the middleware chain, URL resolving, template
# rendering, SQL compiling, turning rows into models) and the HTTP layer, with
# cheap and heavy workloads. Left out: the "fetch-1000" groups, which time
# SQLite reading a table as much as fastdj and swing by 2x between runs on a
# loaded machine (the rows kernel is timed by "materialize-1000"). Only "*" is
# a wildcard. Relative to the repository root.
DEFAULT_SELECTION = (
    "bench/test_bench_middleware.py::test_chain[0-*]",
    "bench/test_bench_middleware.py::test_chain[10-*]",
    "bench/test_bench_middleware.py::test_stock[*]",
    "bench/test_bench_urls.py::test_resolve[10-missing-*]",
    "bench/test_bench_urls.py::test_resolve[100-middle-*]",
    "bench/test_bench_urls.py::test_resolve[1000-last-*]",
    "bench/test_bench_template.py::test_render[*]",
    "bench/test_bench_orm.py::test_compile_*[*pk_get]",
    "bench/test_bench_orm.py::test_compile_*[*q_tree]",
    "bench/test_bench_rows.py::test_materialize*",
    "bench/test_bench_http.py::test_request_query[*]",
    "bench/test_bench_http.py::test_response_wsgi[*]",
)
# Short passes: many rounds of a small function, a few of a big one; the
# median over passes does the rest.
PYTEST_ARGS = (
    "--benchmark-max-time=0.05",
    "--benchmark-min-rounds=5",
    "--benchmark-min-time=0.00002",
)

Ratios = dict[str, dict[str, float]]


# -- ratios ---------------------------------------------------------------------


def reference_of(times: dict[str, float], references=REFERENCES) -> str | None:
    """Return the contestant the others in a group are compared with."""
    return next((r for r in references if r in times), None)


def ratios_of(groups: dict[str, dict[str, float]], references=REFERENCES) -> Ratios:
    """Return {group: {peer: peer's time / reference's time}} for one run.

    A ratio above 1 says how many times faster the reference is. Groups without
    a reference (a floor measured alone) have no ratios.
    """
    ratios: Ratios = {}
    for group, times in groups.items():
        ref = reference_of(times, references)
        if ref is None or not times[ref]:
            continue
        peers = {c: t / times[ref] for c, t in times.items() if c != ref}
        if peers:
            ratios[group] = peers
    return ratios


def median_ratios(runs: list[Ratios]) -> Ratios:
    """Return the median over runs of each (group, peer) ratio."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for ratios in runs:
        for group, peers in ratios.items():
            for peer, ratio in peers.items():
                values[group][peer].append(ratio)
    return {
        group: {peer: statistics.median(v) for peer, v in peers.items()}
        for group, peers in values.items()
    }


# -- comparison -----------------------------------------------------------------


@dataclass
class Row:
    """One (group, peer) ratio: its baseline, this run's value and the verdict."""

    group: str
    peer: str
    baseline: float | None
    now: float | None
    status: str  # "ok", "improved", "regressed", "missing", "new"
    remeasured: bool = False

    @property
    def change(self) -> float | None:
        """Return now / baseline - 1 (-0.3 is 30% less ahead than the baseline)."""
        if self.baseline and self.now is not None:
            return self.now / self.baseline - 1
        return None


def judge(baseline: float, now: float, tolerance: float) -> str:
    """Return "regressed" when ``now`` fell more than ``tolerance`` below
    ``baseline``, "improved" when it rose that much above it, else "ok"."""
    if now < baseline * (1 - tolerance):
        return "regressed"
    if now > baseline * (1 + tolerance):
        return "improved"
    return "ok"


def compare(baseline: Ratios, now: Ratios, tolerance: float = TOLERANCE) -> list[Row]:
    """Return one Row per (group, peer) in the baseline or in this run."""
    rows = []
    for group in sorted(set(baseline) | set(now), key=report._natural):
        base_peers, now_peers = baseline.get(group, {}), now.get(group, {})
        for peer in sorted(set(base_peers) | set(now_peers), key=report._order):
            b, n = base_peers.get(peer), now_peers.get(peer)
            if b is None:
                status = "new"
            elif n is None:
                status = "missing"
            else:
                status = judge(b, n, tolerance)
            rows.append(Row(group, peer, b, n, status))
    return rows


def failures(rows: list[Row]) -> list[Row]:
    """Return the rows that fail the gate: regressed or not measured."""
    return [r for r in rows if r.status in ("regressed", "missing")]


def merge_remeasured(rows: list[Row], again: list[Row]) -> list[Row]:
    """Return ``rows`` where each regressed row takes its re-measured value when
    that is better: a real regression shows in both measurements, noise rarely
    does."""
    second = {(r.group, r.peer): r for r in again}
    merged = []
    for row in rows:
        other = second.get((row.group, row.peer))
        if row.status == "regressed" and other is not None and other.now is not None:
            best = max(row, other, key=lambda r: r.now)
            row = Row(row.group, row.peer, row.baseline, best.now, best.status, True)
        merged.append(row)
    return merged


# -- report ---------------------------------------------------------------------


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def render(
    rows: list[Row],
    tolerance: float,
    references=REFERENCES,
    baseline: str = "bench/baseline.json",
) -> str:
    """Return the table of ratios and, under it, one line per failing ratio."""
    header = ["group", "peer", "baseline", "now", "change", "verdict"]
    table = [header]
    for r in rows:
        change = "" if r.change is None else f"{r.change:+.0%}"
        verdict = r.status + (" (re-measured)" if r.remeasured else "")
        table.append([r.group, r.peer, _x(r.baseline), _x(r.now), change, verdict])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    right = {2, 3, 4}
    lines = [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in table
    ]
    who = " (else ".join(references) + ")" * (len(references) - 1)
    lines.insert(
        0, f"Ratios: how many times faster {who} is than each peer; higher is better."
    )
    bad = failures(rows)
    lines.append("")
    if not bad:
        lines.append(
            f"PASS: no ratio fell more than {tolerance:.0%} below the baseline."
        )
        return "\n".join(lines)
    lines.append(
        f"FAIL: {len(bad)} ratio(s) regressed beyond {tolerance:.0%} or were not "
        "measured:"
    )
    for r in bad:
        if r.status == "missing":
            lines.append(
                f"  {r.group}: vs {r.peer}: in the baseline ({_x(r.baseline)}) but "
                "not measured in this run (a benchmark removed, renamed or failing?)"
            )
        else:
            lines.append(
                f"  {r.group}: vs {r.peer}: {_x(r.baseline)} -> {_x(r.now)} "
                f"({r.change:+.0%}; allowed down to "
                f"{r.baseline * (1 - tolerance):.2f}x)"
            )
    lines.append(
        "If the change is intended, run the gate with --update-baseline and "
        f"commit {baseline} with it."
    )
    return "\n".join(lines)


# -- measuring ------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern:
    # Only "*" is a wildcard: test ids are full of "[" and "-".
    return re.compile(".*".join(map(re.escape, text.split("*"))))


def collect(selection: list[str]) -> dict[str, list[str]]:
    """Return {bench file: [node ids]} of the tests that ``selection`` names.

    A selection item is "FILE" (all its tests) or "FILE::TEST" where TEST may
    use "*"; FILE may use shell globs.
    """
    wanted: dict[str, list[re.Pattern]] = defaultdict(list)
    for item in selection:
        file_part, _, test_part = item.partition("::")
        paths = sorted(Path().glob(file_part)) if "*" in file_part else [file_part]
        for path in paths:
            wanted[str(path)].append(_pattern(test_part or "*"))
    selected: dict[str, list[str]] = {}
    for path, patterns in wanted.items():
        if not Path(path).exists():
            raise SystemExit(f"gate: no such bench file: {path}")
        done = subprocess.run(
            [sys.executable, "-m", "pytest", path, "--collect-only", "-q"]
            + ["-p", "no:cacheprovider"],
            capture_output=True,
            text=True,
        )
        names = [
            line.partition("::")[2]
            for line in done.stdout.splitlines()
            if "::" in line and not line.startswith(" ")
        ]
        if done.returncode != 0 or not names:
            raise SystemExit(
                f"gate: could not collect {path}:\n{done.stdout[-3000:]}{done.stderr}"
            )
        ids = [n for n in names if any(p.fullmatch(n) for p in patterns)]
        if not ids:
            raise SystemExit(f"gate: nothing in {path} matches the selection")
        selected[path] = [f"{path}::{n}" for n in ids]
    return selected


def measure(
    selected: dict[str, list[str]],
    passes: int,
    pytest_args: list[str],
    log,
    results: Path = run.RESULTS,
) -> tuple[list[list[dict]], list[str]]:
    """Run ``passes`` passes over the selection; return (benchmark entries of
    each pass, errors).

    Each pass is kept as <results>/gate-<timestamp>/pass<N>.json, which
    ``--results`` can judge again.
    """
    keep = run.results_dir(results) / f"gate-{run.timestamp()}"
    keep.mkdir(exist_ok=True)
    runs, errors = [], []
    with tempfile.TemporaryDirectory(prefix="fastdj-gate-") as tmp:
        for p in range(passes):
            parts = []
            for i, (path, ids) in enumerate(selected.items()):
                out = Path(tmp) / f"pass{p}-{i}.json"
                done = run.run_file(path, out, pytest_args, nodeids=ids)
                if done.returncode != 0:
                    errors.append(
                        f"{path}: pytest exited {done.returncode}\n"
                        + done.stdout[-3000:]
                        + done.stderr[-1000:]
                    )
                parts.append(out)
            data = run.merge(parts)
            (keep / f"pass{p + 1}.json").write_text(json.dumps(data))
            log(f"  pass {p + 1}/{passes}: {len(data['benchmarks'])} benchmarks")
            runs.append(data["benchmarks"])
    log(f"  results kept in {keep}")
    return runs, errors


def ratios_of_runs(
    runs: list[list[dict]], references=REFERENCES, stat: str = STAT
) -> Ratios:
    """Return the median over passes of each pass's ratios."""
    return median_ratios(
        [
            ratios_of(report.groups_of(entries, True, stat), references)
            for entries in runs
        ]
    )


def nodeids_of(
    runs: list[list[dict]], groups: set[str], selected: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Return the part of ``selected`` ({file: [node ids]}) that ran ``groups``."""
    # pytest names files relative to its rootdir, the selection relative to
    # the current directory: match on the file's name and the test's.
    tests = set()
    for entries in runs:
        for bench in entries:
            if report.group_key(bench, True) in groups:
                path, _, test = bench["fullname"].partition("::")
                tests.add((Path(path).name, test))
    subset: dict[str, list[str]] = {}
    for path, ids in selected.items():
        keep = [i for i in ids if (Path(path).name, i.partition("::")[2]) in tests]
        if keep:
            subset[path] = keep
    return subset


def machine() -> dict:
    """Return where the figures came from."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("Cython", "django", "falcon", "jinja2", "sqlalchemy"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001 - a missing peer just goes unrecorded
            pass
    return {
        "node": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()}",
        **versions,
    }


def load_baseline(path: Path) -> dict:
    """Return the baseline document at ``path`` (its "ratios" are what count)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(
            f"gate: no baseline at {path}; create it with --update-baseline"
        ) from None
    if not isinstance(data.get("ratios"), dict):
        raise SystemExit(f"gate: {path} has no 'ratios' mapping")
    return data


def baseline_document(
    ratios: Ratios,
    selection: list[str],
    passes: int,
    references,
    times: dict[str, dict[str, float]],
    stat: str = STAT,
) -> dict:
    """Return the baseline to commit: ratios, plus when and where they came from."""
    return {
        "about": (
            "Speed ratios for bench/gate.py: in each group, the peer's time over "
            "the reference's (fastdj-cy, or fastdj), both measured in the same "
            "pass ('stat' of each benchmark's rounds, median over passes); "
            "'times_us' is for reading only. Regenerate with "
            "`python bench/gate.py --update-baseline --passes 5`."
        ),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "machine": machine(),
        "references": list(references),
        "selection": list(selection),
        "passes": passes,
        "ratios": {
            g: {p: round(r, 4) for p, r in peers.items()}
            for g, peers in sorted(ratios.items(), key=lambda i: report._natural(i[0]))
        },
        "stat": stat,
        "times_us": {
            g: {c: round(t * 1e6, 3) for c, t in group.items()}
            for g, group in sorted(times.items(), key=lambda i: report._natural(i[0]))
        },
    }


def _times(runs: list[list[dict]], stat: str) -> dict[str, dict[str, float]]:
    per: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for entries in runs:
        for group, times in report.groups_of(entries, True, stat).items():
            for contestant, t in times.items():
                per[group][contestant].append(t)
    return {
        g: {c: statistics.median(v) for c, v in times.items()}
        for g, times in per.items()
    }


def _describe(data: dict) -> str:
    m = data.get("machine", {})
    where = ", ".join(str(m[k]) for k in ("node", "cpu", "python") if m.get(k))
    return f"{data.get('created', '?')} on {where or 'an unknown machine'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--bench",
        action="append",
        metavar="FILE[::TEST]",
        help="benchmarks to run (repeatable; '*' is a wildcard); default: a "
        "representative subset of bench/test_bench_*.py",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=BASELINE,
        metavar="PATH",
        help="the committed ratios (default: bench/baseline.json)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        metavar="FRACTION",
        default=TOLERANCE,
        help="fail when a ratio falls more than this fraction below the baseline "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=PASSES,
        metavar="N",
        help="times each benchmark is run; ratios are the median over passes "
        "(default: %(default)s; 5 for a baseline)",
    )
    parser.add_argument(
        "--reference",
        action="append",
        metavar="NAME",
        help="the contestant others are compared with; the first one present in "
        f"a group is used (default: {', '.join(REFERENCES)})",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="write this run's ratios to the baseline instead of judging them",
    )
    parser.add_argument(
        "--results",
        nargs="+",
        type=Path,
        metavar="JSON",
        help="judge saved pytest-benchmark JSON files (one per pass), run nothing",
    )
    parser.add_argument(
        "--no-remeasure",
        action="store_true",
        help="fail on the first measurement, without measuring regressed groups again",
    )
    parser.add_argument(
        "--stat",
        choices=("median", "min", "q1", "mean"),
        help="the statistic of each benchmark that ratios are made of "
        f"(default: the baseline's, else {STAT})",
    )
    parser.add_argument(
        "--pytest-args",
        default=" ".join(PYTEST_ARGS),
        help="extra pytest arguments for each pass (default: %(default)r)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.tolerance < 1:
        parser.error("--tolerance must be in [0, 1)")
    if args.passes < 1:
        parser.error("--passes must be at least 1")
    references = tuple(args.reference or REFERENCES)
    pytest_args = args.pytest_args.split()
    # Runs are kept next to the baseline: bench/results/ for fastdj's own.
    results = args.baseline.resolve().parent / "results"

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    baseline = None if args.update_baseline else load_baseline(args.baseline)
    stat = args.stat or (baseline or {}).get("stat", STAT)
    if args.results:
        runs = [json.loads(p.read_text())["benchmarks"] for p in args.results]
        selection, errors, selected = [str(p) for p in args.results], [], None
    else:
        if args.bench:
            selection = args.bench
        else:
            os.chdir(ROOT)
            selection = list(DEFAULT_SELECTION)
        selected = collect(selection)
        count = sum(map(len, selected.values()))
        log(f"perf gate: {args.passes} passes over {count} benchmarks")
        runs, errors = measure(selected, args.passes, pytest_args, log, results)
    now = ratios_of_runs(runs, references, stat)

    if args.update_baseline:
        if errors:
            log("\n".join(errors))
            log("gate: benchmarks failed; the baseline was not written")
            return 1
        document = baseline_document(
            now, selection, len(runs), references, _times(runs, stat), stat
        )
        args.baseline.write_text(json.dumps(document, indent=1) + "\n")
        rows = compare(now, now, args.tolerance)
        print(render(rows, args.tolerance, references, str(args.baseline)))
        print(f"\nWrote {len(now)} groups to {args.baseline}; commit it.")
        return 0

    rows = compare(baseline["ratios"], now, args.tolerance)
    regressed = {r.group for r in rows if r.status == "regressed"}
    if regressed and selected is not None and not args.no_remeasure:
        log(f"  re-measuring {len(regressed)} group(s): {', '.join(sorted(regressed))}")
        again_runs, again_errors = measure(
            nodeids_of(runs, regressed, selected),
            args.passes,
            pytest_args,
            log,
            results,
        )
        errors += again_errors
        again = compare(
            baseline["ratios"],
            ratios_of_runs(again_runs, references, stat),
            args.tolerance,
        )
        rows = merge_remeasured(rows, again)
    print(f"Baseline: {args.baseline} ({_describe(baseline)})")
    print(f"This run: {_describe({'created': 'now', 'machine': machine()})}")
    print(render(rows, args.tolerance, references, str(args.baseline)))
    print(f"gate took {time.monotonic() - started:.0f}s")
    if errors:
        print("\nFAIL: some benchmarks did not run cleanly:\n" + "\n".join(errors))
        return 1
    return 1 if failures(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
