"""Print a pytest-benchmark JSON file as one table: medians and ratios per group.

Each group is one workload; its rows are the contestants (fastdj-cy, fastdj-py,
django, falcon...), named by ``extra_info["contestant"]``, else by
``benchmark.name`` when a test set it, else by the test's param. Ratios are to
fastdj-cy (to fastdj in a suite without twins) within the same run, so machine
speed cancels out. A group name used by two bench files is prefixed with the
file's suite ("orm/fetch-1000", "rows/fetch-1000").

Usage: python bench/report.py bench/last.json [--markdown]
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

BASELINE = "fastdj-cy"
# Where a suite has no twins (one fastdj contestant), ratios are to "fastdj".
REFERENCES = (BASELINE, "fastdj")


def contestant(bench: dict) -> str:
    """Return who ran ``bench``: extra_info["contestant"], a renamed test, or param."""
    name = bench["name"]
    # A test that set ``benchmark.name`` named its contestant that way; the
    # default name is the node's own ("test_x[param]").
    renamed = name != bench.get("fullname", "").rpartition("::")[2]
    return (
        bench.get("extra_info", {}).get("contestant")
        or (name if renamed else None)
        or bench.get("param")
        or name
    )


def suite(bench: dict) -> str:
    """Return the short name of the file that ran ``bench``: "urls" for
    bench/test_bench_urls.py."""
    stem = bench.get("fullname", "").partition("::")[0].rpartition("/")[2]
    stem = stem.removesuffix(".py")
    for prefix in ("test_bench_", "bench_", "test_"):
        if stem.startswith(prefix):
            return stem[len(prefix) :]
    return stem


def group_key(bench: dict, qualify: bool) -> str:
    """Return the group of ``bench``, as "suite/group" when ``qualify``."""
    group = bench["group"] or bench["name"]
    return f"{suite(bench)}/{group}" if qualify else group


def groups_of(
    benchmarks: list[dict], qualify: bool | None = None, stat: str = "median"
) -> dict[str, dict[str, float]]:
    """Return {group: {contestant: median seconds}} for pytest-benchmark entries.

    ``qualify`` prefixes each group with its suite ("orm/fetch-1000"); None does
    so only when two suites use the same group name. ``stat`` picks another
    statistic than the median ("min", "q1", "mean"...).
    """
    if qualify is None:
        owners = defaultdict(set)
        for bench in benchmarks:
            owners[group_key(bench, False)].add(suite(bench))
        qualify = any(len(s) > 1 for s in owners.values())
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in benchmarks:
        groups[group_key(bench, qualify)][contestant(bench)] = bench["stats"][stat]
    return dict(groups)


def load(path: str, qualify: bool | None = None) -> dict[str, dict[str, float]]:
    """Return {group: {contestant: median seconds}} from a benchmark JSON file."""
    with open(path) as fh:
        data = json.load(fh)
    return groups_of(data["benchmarks"], qualify)


def render(groups: dict[str, dict[str, float]], markdown: bool = False) -> str:
    """Return the table: one row per group, median (us) and x-ratio to fastdj-cy
    (or to fastdj, in a group without twins)."""
    contestants = sorted({c for g in groups.values() for c in g}, key=_order)
    header = ["workload"] + [f"{c} us (x)" for c in contestants]
    rows = []
    for group in sorted(groups, key=_natural):
        times = groups[group]
        base = next((times[r] for r in REFERENCES if r in times), None)
        row = [group]
        for c in contestants:
            t = times.get(c)
            if t is None:
                row.append("-")
            elif base:
                row.append(f"{t * 1e6:.2f} ({t / base:.1f}x)")
            else:
                row.append(f"{t * 1e6:.2f}")
        rows.append(row)
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
        for r in [header, *rows]
    )


def _natural(text: str) -> list:
    # "chain-5" before "chain-10": numbers compare as numbers.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _order(name: str) -> tuple[int, str]:
    known = ["fastdj-cy", "fastdj", "fastdj-py", "django", "falcon", "jinja2"]
    return (known.index(name) if name in known else len(known), name)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(render(load(sys.argv[1]), markdown="--markdown" in sys.argv))
