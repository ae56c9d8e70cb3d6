"""Print a pytest-benchmark JSON file as one table: medians and ratios per group.

Each group is one workload; its rows are the contestants (fastdj-cy, fastdj-py,
django, falcon...), named by ``extra_info["contestant"]`` or else the test's param.
Ratios are to fastdj-cy within the same run, so machine speed cancels out.

Usage: python bench/report.py bench/last.json [--markdown]
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

BASELINE = "fastdj-cy"


def _contestant(bench: dict) -> str:
    return (
        bench.get("extra_info", {}).get("contestant")
        or bench.get("param")
        or (bench["name"])
    )


def load(path: str) -> dict[str, dict[str, float]]:
    """Return {group: {contestant: median seconds}} from a benchmark JSON file."""
    with open(path) as fh:
        data = json.load(fh)
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in data["benchmarks"]:
        groups[bench["group"] or bench["name"]][_contestant(bench)] = bench["stats"][
            "median"
        ]
    return groups


def render(groups: dict[str, dict[str, float]], markdown: bool = False) -> str:
    """Return the table: one row per group, median (us) and x-ratio to fastdj-cy."""
    contestants = sorted({c for g in groups.values() for c in g}, key=_order)
    header = ["workload"] + [f"{c} us (x)" for c in contestants]
    rows = []
    for group in sorted(groups, key=_natural):
        times = groups[group]
        base = times.get(BASELINE)
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
    known = ["fastdj-cy", "fastdj-py", "django", "falcon"]
    return (known.index(name) if name in known else len(known), name)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(render(load(sys.argv[1]), markdown="--markdown" in sys.argv))
