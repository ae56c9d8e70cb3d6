"""The perf gate's logic (bench/gate.py, bench/report.py), on made-up figures.

No timing here: the gate's arithmetic, verdicts, report and baseline file are
checked on pytest-benchmark entries written by hand.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


# bench/ is a directory of scripts, not a package: import them as its scripts
# import each other.
sys.path.insert(0, str(BENCH))
gate = importlib.import_module("gate")
report = importlib.import_module("report")
sys.path.remove(str(BENCH))


def entry(group, contestant, seconds, suite="urls", how="extra_info"):
    """Return a pytest-benchmark JSON entry as the bench files produce them."""
    node = f"test_x[{group}-{contestant}]"
    bench = {
        "group": group,
        "name": node,
        "fullname": f"bench/test_bench_{suite}.py::{node}",
        "param": f"{group}-{contestant}",
        "extra_info": {},
        "stats": {"median": seconds, "min": seconds * 0.9, "mean": seconds * 1.1},
    }
    if how == "extra_info":
        bench["extra_info"]["contestant"] = contestant
    elif how == "name":  # benchmark.name = contestant
        bench["name"] = contestant
    else:  # the param alone
        bench["param"] = contestant
    return bench


def run_entries(cy=1.0, py=2.0, dj=10.0, suite="urls", group="resolve"):
    return [
        entry(group, "fastdj-cy", cy * 1e-6, suite),
        entry(group, "fastdj-py", py * 1e-6, suite),
        entry(group, "django", dj * 1e-6, suite),
    ]


# -- report.py: who and which group ---------------------------------------------


@pytest.mark.parametrize("how", ["extra_info", "name", "param"])
def test_contestant_from_each_naming_style(how):
    assert report.contestant(entry("g", "fastdj-py", 1.0, how=how)) == "fastdj-py"


def test_groups_qualified_only_on_collision_by_default():
    a = entry("fetch-1000", "fastdj-cy", 1.0, suite="orm")
    b = entry("fetch-1000", "fastdj-cy", 2.0, suite="rows")
    c = entry("chain-0", "fastdj-cy", 3.0, suite="middleware")
    assert set(report.groups_of([a, b, c])) == {
        "orm/fetch-1000",
        "rows/fetch-1000",
        "middleware/chain-0",
    }
    assert set(report.groups_of([a, c])) == {"fetch-1000", "chain-0"}
    assert set(report.groups_of([a], qualify=True)) == {"orm/fetch-1000"}


def test_groups_of_other_statistic():
    [times] = report.groups_of([entry("g", "fastdj-cy", 1.0)], stat="min").values()
    assert times == {"fastdj-cy": 0.9}


def test_report_ratios_to_fastdj_without_twins():
    groups = {"request": {"fastdj": 1e-6, "django": 3e-6}}
    assert "3.00 (3.0x)" in report.render(groups)


# -- ratios ---------------------------------------------------------------------


def test_ratios_are_peer_time_over_reference_time():
    groups = report.groups_of(run_entries(cy=2, py=3, dj=20), qualify=True)
    assert gate.ratios_of(groups) == {
        "urls/resolve": {"fastdj-py": pytest.approx(1.5), "django": pytest.approx(10)}
    }


def test_reference_falls_back_to_fastdj_and_floor_groups_are_skipped():
    groups = {
        "http/request": {"fastdj": 1.0, "django": 4.0},
        "middleware/floor-0": {"python-floor": 1.0},
        "x/cy-and-plain": {"fastdj-cy": 1.0, "fastdj": 2.0},
    }
    assert gate.ratios_of(groups) == {
        "http/request": {"django": 4.0},
        "x/cy-and-plain": {"fastdj": 2.0},
    }
    assert gate.ratios_of(groups, references=("mine",)) == {}


def test_median_over_passes_of_ratios():
    runs = [{"g": {"django": r}} for r in (5.0, 50.0, 6.0)]
    assert gate.median_ratios(runs) == {"g": {"django": 6.0}}


def test_ratios_of_runs_pairs_times_within_each_pass():
    # Pass 2 ran on a machine twice as slow: its ratios are the same.
    runs = [run_entries(1, 2, 10), run_entries(2, 4, 20), run_entries(1, 2, 10)]
    assert gate.ratios_of_runs(runs) == {
        "urls/resolve": {"fastdj-py": pytest.approx(2), "django": pytest.approx(10)}
    }


# -- verdicts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, tolerance, verdict",
    [
        (10.0, 0.25, "ok"),
        (7.6, 0.25, "ok"),
        (7.5, 0.25, "ok"),  # exactly at the limit still passes
        (7.4, 0.25, "regressed"),
        (7.4, 0.3, "ok"),
        (9.5, 0.0, "regressed"),
        (12.6, 0.25, "improved"),
    ],
)
def test_judge(now, tolerance, verdict):
    assert gate.judge(10.0, now, tolerance) == verdict


def test_compare_names_each_regressed_missing_and_new_ratio():
    baseline = {
        "urls/resolve": {"fastdj-py": 4.0, "django": 20.0},
        "template/page": {"django": 10.0},
    }
    now = {
        "urls/resolve": {"fastdj-py": 2.0, "django": 21.0},
        "orm/compile": {"django": 15.0},
    }
    rows = {(r.group, r.peer): r for r in gate.compare(baseline, now)}
    assert rows["urls/resolve", "fastdj-py"].status == "regressed"
    assert rows["urls/resolve", "fastdj-py"].change == pytest.approx(-0.5)
    assert rows["urls/resolve", "django"].status == "ok"
    assert rows["template/page", "django"].status == "missing"
    assert rows["orm/compile", "django"].status == "new"
    failing = {(r.group, r.peer) for r in gate.failures(list(rows.values()))}
    assert failing == {("urls/resolve", "fastdj-py"), ("template/page", "django")}


def test_remeasure_clears_noise_but_not_a_real_regression():
    baseline = {"a": {"django": 10.0}, "b": {"django": 10.0}, "c": {"django": 10.0}}
    first = gate.compare(
        baseline, {"a": {"django": 5.0}, "b": {"django": 5.0}, "c": {"django": 10.0}}
    )
    again = gate.compare(baseline, {"a": {"django": 9.0}, "b": {"django": 6.0}})
    rows = {r.group: r for r in gate.merge_remeasured(first, again)}
    assert (rows["a"].status, rows["a"].now, rows["a"].remeasured) == ("ok", 9.0, True)
    assert (rows["b"].status, rows["b"].now) == ("regressed", 6.0)
    assert (rows["c"].status, rows["c"].remeasured) == ("ok", False)


def test_render_pass():
    rows = gate.compare({"g": {"django": 10.0}}, {"g": {"django": 9.0}})
    text = gate.render(rows, 0.25)
    assert "PASS" in text and "FAIL" not in text
    assert "10.00x" in text and "9.00x" in text and "-10%" in text


def test_render_failure_is_readable():
    rows = gate.compare(
        {"urls/resolve-1000-last": {"django": 140.0}, "template/page": {"jinja2": 2.0}},
        {"urls/resolve-1000-last": {"django": 70.0}},
    )
    text = gate.render(rows, 0.25)
    assert "FAIL: 2 ratio(s)" in text
    assert "urls/resolve-1000-last: vs django: 140.00x -> 70.00x (-50%" in text
    assert "allowed down to 105.00x" in text
    assert "template/page: vs jinja2" in text and "not measured" in text
    assert "--update-baseline" in text


# -- the command line, on saved results -----------------------------------------


def _write(tmp_path, name, entries):
    path = tmp_path / name
    path.write_text(json.dumps({"benchmarks": entries}))
    return str(path)


def test_update_baseline_then_gate(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    runs = [
        _write(tmp_path, f"p{i}.json", run_entries(1, 2 + i * 0.1, 10))
        for i in range(3)
    ]
    assert (
        gate.main(
            ["--results", *runs, "--baseline", str(baseline), "--update-baseline"]
        )
        == 0
    )
    data = json.loads(baseline.read_text())
    assert data["ratios"] == {"urls/resolve": {"fastdj-py": 2.1, "django": 10.0}}
    assert data["stat"] == gate.STAT == "min"
    assert data["created"] and data["machine"]["python"]
    assert data["times_us"]["urls/resolve"]["fastdj-cy"] == pytest.approx(0.9)
    capsys.readouterr()

    # The same speed on a machine twice as slow: the gate passes.
    same = _write(tmp_path, "same.json", run_entries(2, 4.2, 20))
    assert gate.main(["--results", same, "--baseline", str(baseline)]) == 0
    assert "PASS" in capsys.readouterr().out

    # fastdj-cy became slower, its peers did not: the gate fails, naming them.
    slow = _write(tmp_path, "slow.json", run_entries(2, 2.1, 10))
    assert gate.main(["--results", slow, "--baseline", str(baseline)]) == 1
    out = capsys.readouterr().out
    assert "urls/resolve: vs fastdj-py: 2.10x -> 1.05x" in out
    assert "urls/resolve: vs django: 10.00x -> 5.00x" in out

    # ...unless the tolerance allows it.
    assert (
        gate.main(
            ["--results", slow, "--baseline", str(baseline), "--tolerance", "0.6"]
        )
        == 0
    )


def test_gate_fails_when_a_baseline_group_was_not_measured(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    both = run_entries() + run_entries(suite="orm", group="compile")
    assert (
        gate.main(
            [
                "--results",
                _write(tmp_path, "a.json", both),
                "--baseline",
                str(baseline),
                "--update-baseline",
            ]
        )
        == 0
    )
    capsys.readouterr()
    only = _write(tmp_path, "b.json", run_entries())
    assert gate.main(["--results", only, "--baseline", str(baseline)]) == 1
    assert "orm/compile: vs django" in capsys.readouterr().out


def test_stat_recorded_in_baseline_is_used(tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    runs = _write(tmp_path, "a.json", run_entries())
    argv = ["--baseline", str(baseline)]
    assert (
        gate.main(["--results", runs, *argv, "--update-baseline", "--stat", "median"])
        == 0
    )
    assert json.loads(baseline.read_text())["stat"] == "median"
    # Same medians, but fastdj-cy's fastest round got much slower: judged by
    # the baseline's statistic, the median, this passes.
    entries = run_entries()
    entries[0]["stats"]["min"] *= 5
    odd = _write(tmp_path, "b.json", entries)
    assert gate.main(["--results", odd, *argv]) == 0
    assert gate.main(["--results", odd, *argv, "--stat", "min"]) == 1


def test_missing_baseline_is_a_clear_error(tmp_path):
    runs = _write(tmp_path, "a.json", run_entries())
    with pytest.raises(SystemExit, match="no baseline at .*--update-baseline"):
        gate.main(["--results", runs, "--baseline", str(tmp_path / "none.json")])


@pytest.mark.parametrize("flag", [["--tolerance", "1.5"], ["--passes", "0"]])
def test_bad_flags_are_usage_errors(flag, capsys):
    with pytest.raises(SystemExit) as caught:
        gate.main(["--results", "x.json", *flag])
    assert caught.value.code == 2


# -- selection ------------------------------------------------------------------


def test_selection_wildcard_is_only_star():
    pattern = gate._pattern("test_resolve[1000-*]")
    assert pattern.fullmatch("test_resolve[1000-last-django]")
    assert not pattern.fullmatch("test_resolve[100-last-django]")
    assert not pattern.fullmatch("test_resolve1")


def test_remeasure_selects_only_the_regressed_groups():
    runs = [run_entries() + run_entries(suite="orm", group="compile")]
    selected = {
        "bench/test_bench_urls.py": [
            f"bench/test_bench_urls.py::test_x[resolve-{c}]"
            for c in ("fastdj-cy", "fastdj-py", "django")
        ]
        + ["bench/test_bench_urls.py::test_other"],
        "bench/test_bench_orm.py": ["bench/test_bench_orm.py::test_x[compile-django]"],
    }
    subset = gate.nodeids_of(runs, {"urls/resolve"}, selected)
    assert subset == {
        "bench/test_bench_urls.py": selected["bench/test_bench_urls.py"][:3]
    }


def test_default_selection_names_existing_bench_files():
    for item in gate.DEFAULT_SELECTION:
        assert (BENCH.parent / item.partition("::")[0]).is_file(), item
