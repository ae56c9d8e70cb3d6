"""bench/callgrind.py's parsing, arithmetic and options, without valgrind.

Runs under callgrind take minutes; here the script reads callgrind output
written by hand and counts from a fake runner.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

# bench/ is a directory of scripts, not a package: import it as they import
# each other.
sys.path.insert(0, str(BENCH))
callgrind = importlib.import_module("callgrind")
sys.path.remove(str(BENCH))

# What callgrind writes (abridged), with a second event to check the column.
OUTPUT = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  python bench/callgrind.py --child urls-100-last py 500 -
part: 1

desc: I1 cache:
desc: Timerange: Basic block 0 - 1234
positions: line
events: Ir Dr
summary: {ir} 7

fl=(1) ???
fn=(1) fastdj_cg_start
0 3 1

totals: {ir} 7
"""


def test_total_ir_reads_the_totals_line():
    assert callgrind.total_ir(OUTPUT.format(ir=15636289)) == 15636289


def test_total_ir_takes_the_ir_column():
    text = "events: Dr Ir\ntotals: 5 123\n"
    assert callgrind.total_ir(text) == 123


def test_total_ir_falls_back_to_summary():
    assert callgrind.total_ir("events: Ir\nsummary: 99\n") == 99


def test_total_ir_without_totals_is_an_error():
    with pytest.raises(ValueError, match="no 'totals:'"):
        callgrind.total_ir("events: Ir\nfn=(1) main\n0 5\n")


def test_per_op():
    assert callgrind.per_op(15636289, 1559, 500) == (15636289 - 1559) / 500
    with pytest.raises(ValueError):
        callgrind.per_op(10, 1, 0)


def test_measure_subtracts_the_empty_run_per_twin():
    costs = {"py": 300, "cy": 100}
    calls = []

    def count(name, twin, n):
        calls.append((name, twin, n))
        return 5000 + (7 if twin == "cy" else 0) + costs[twin] * n

    result = callgrind.measure("urls-100-last", 40, count)
    assert (result.py, result.cy, result.ratio) == (300, 100, 3)
    assert sorted(calls) == sorted(
        ("urls-100-last", twin, n) for twin in ("py", "cy") for n in (40, 0)
    )


def test_measure_keeps_the_twin_that_ran():
    def count(name, twin, n):
        if twin == "cy":
            raise callgrind.RunFailed("cy exited 1")
        return 10 * n

    result = callgrind.measure("sql-pk_get", 10, count)
    assert (result.py, result.cy, result.ratio) == (10, None, None)
    assert result.errors == ["cy exited 1"]


def test_render():
    results = [callgrind.Result("urls-100-last", 10, 31272.4, 6250.0)]
    lines = callgrind.render(results).splitlines()
    assert lines[0].split() == ["workload", "Ir/op", "pure", "Ir/op", "cython", "ratio"]
    assert lines[1].split() == ["urls-100-last", "31,272", "6,250", "5.00x"]
    markdown = callgrind.render(results, markdown=True).splitlines()
    assert markdown[2] == "| urls-100-last | 31,272 | 6,250 | 5.00x |"


def test_only_selects_workloads_and_kernels():
    assert callgrind.select(None) == list(callgrind.WORKLOADS)
    assert callgrind.select(["urls", "sql-pk_get,urls-100-last"]) == [
        "urls-100-last",
        "urls-100-missing",
        "sql-pk_get",
    ]


def test_only_rejects_an_unknown_name(capsys):
    with pytest.raises(SystemExit) as exit:
        callgrind.main(["--only", "middleware-10,nope"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "unknown workload 'nope'" in err
    assert "urls-100-last" in err and "kernels: " in err
