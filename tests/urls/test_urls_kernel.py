"""The route-table kernel twins: same API, same results, same errors."""

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from urls_support import KERNELS, FourDigits

from fastdj import _accel
from fastdj.urls.resolvers import RegexPattern, RoutePattern

PY = KERNELS["py"]
TWINS = sorted(KERNELS)


def test_twins_export_the_same_api():
    assert _accel.KERNELS["urls"] == (
        "fastdj.urls._match",
        "fastdj._speedups.urls_match",
    )
    assert "cy" in KERNELS, "the Cython twin of the URL kernel is not built"
    cy = KERNELS["cy"]
    assert (
        cy.__all__ == PY.__all__ == ["KERNEL_VERSION", "RouteTable", "compile_routes"]
    )
    assert cy.KERNEL_VERSION == PY.KERNEL_VERSION == 1
    for name in ("compile_routes",):
        assert inspect.signature(getattr(cy, name)).parameters.keys() == (
            inspect.signature(getattr(PY, name)).parameters.keys()
        )
    assert list(inspect.signature(cy.RouteTable.match).parameters) == ["self", "path"]
    assert list(inspect.signature(PY.RouteTable.match).parameters) == ["self", "path"]


def _level(pattern, defaults=None):
    return (pattern, getattr(pattern, "_pieces", None), defaults or {})


def route(text, endpoint=True, defaults=None):
    return _level(RoutePattern(text, is_endpoint=endpoint), defaults)


def regex(text, endpoint=True, defaults=None):
    return _level(RegexPattern(text, is_endpoint=endpoint), defaults)


def entries_fixture():
    return [
        ("home", [route("")]),
        ("int", [route("n/<int:x>/")]),
        ("lit", [route("n/7/")]),
        ("slug", [route("n/<slug:x>/")]),
        ("uuid", [route("u/<uuid:u>/")]),
        ("four", [route("y/<four:y>/")]),
        ("str", [route("y/<str:y>/", defaults={"d": 1})]),
        (
            "inc",
            [route("i/<int:a>/", False, {"k": 1}), route("<int:b>/", True, {"a": 0})],
        ),
        ("re", [regex(r"^r/(\d+)/(\d+)$")]),
        ("re-inc", [regex(r"^ri/(\d+)/", False), regex(r"^(\d+)/$")]),
        ("re-named", [regex(r"^ri/(?P<x>\d+)/", False), regex(r"^(\d+)/$")]),
        ("glued", [route("g-<slug:s>/")]),
        ("path", [route("p/<path:rest>")]),
        ("deep", [route("/".join(["d"] * 40) + "/<int:x>")]),
    ]


PATHS = [
    "",
    "n/1/",
    "n/7/",
    "n/007/",
    "n/a-b/",
    "n/١٢/",
    "n//",
    "u/12345678-1234-1234-1234-123456789abc/",
    "u/12345678-1234-1234-1234-123456789abg/",
    "u/12345678-1234-1234-1234-123456789abcd/",
    "u/12345678x1234-1234-1234-123456789abc/",
    "y/2024/",
    "y/0000/",
    "i/1/2/",
    "i/x/2/",
    "r/1/2",
    "ri/1/2/",
    "g-x/",
    "p/a/b/c",
    "n/" + "9" * 40 + "/",
    "/".join(["d"] * 40) + "/5",
    "/".join(["d"] * 40) + "/x",
    "x/" * 50,
    "é/ü/",
    "\U0001f600/",
]


@pytest.mark.parametrize("path", PATHS)
def test_twins_agree_on_fixture_table(path):
    results = {
        name: KERNELS[name].compile_routes(entries_fixture()).match(path)
        for name in TWINS
    }
    assert len(set(map(repr, results.values()))) == 1, results


@pytest.mark.parametrize("twin_name", TWINS)
def test_fixture_table_results(twin_name):
    table = KERNELS[twin_name].compile_routes(entries_fixture())
    assert table.size == len(entries_fixture())
    assert table.match("n/7/") == ("int", (), {"x": 7}, {"x": 7})
    assert table.match("n/١٢/") is None  # int and slug are ASCII-only
    assert table.match("y/0000/") == ("str", (), {"y": "0000", "d": 1}, {"y": "0000"})
    assert table.match("i/1/2/") == ("inc", (), {"a": 0, "k": 1, "b": 2}, {"b": 2})
    assert table.match("r/1/2") == ("re", ("1", "2"), {}, {})
    assert table.match("ri/1/2/") == ("re-inc", ("1", "2"), {}, {})
    assert table.match("n/" + "9" * 40 + "/")[2] == {"x": int("9" * 40)}
    assert table.match("nope/") is None


@pytest.mark.parametrize("twin_name", TWINS)
@pytest.mark.parametrize("bad", [None, b"n/1/", 5])
def test_match_rejects_non_str(twin_name, bad):
    table = KERNELS[twin_name].compile_routes([])
    with pytest.raises(TypeError) as info:
        table.match(bad)
    assert str(info.value) == f"path must be a str, not {type(bad).__name__}"


@pytest.mark.parametrize("twin_name", TWINS)
def test_compile_rejects_entry_without_levels(twin_name):
    with pytest.raises(ValueError, match="a route entry needs at least one level"):
        KERNELS[twin_name].compile_routes([("h", [])])


class Boom:
    regex = "[0-9]+"

    def to_python(self, value):
        raise KeyError(value)

    def to_url(self, value):
        return str(value)


@pytest.mark.parametrize("twin_name", TWINS)
def test_converter_errors_other_than_value_error_propagate(twin_name):
    pattern = RoutePattern("b/<int:x>/", is_endpoint=True)
    pieces = ("b/", ("x", "custom", Boom(), __import__("re").compile("[0-9]+")), "/")
    table = KERNELS[twin_name].compile_routes([("h", [(pattern, pieces, {})])])
    with pytest.raises(KeyError):
        table.match("b/1/")


segment = st.sampled_from(
    ["n", "7", "007", "a-b", "2024", "0000", "", "i", "x", "ri", "r", "y", "u", "é"]
    + ["12345678-1234-1234-1234-123456789abc"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(segment, max_size=6), st.booleans())
def test_twins_agree_on_generated_paths(segments, slash):
    path = "/".join(segments) + ("/" if slash else "")
    tables = [KERNELS[name].compile_routes(entries_fixture()) for name in TWINS]
    results = [repr(table.match(path)) for table in tables]
    assert len(set(results)) == 1, (path, results)


def test_four_digits_is_a_trie_edge():
    # A segment-safe custom converter does not need the regex fallback.
    pieces = RoutePattern("y/<four:y>/", is_endpoint=True)._pieces
    assert pieces[1][1] == "custom" and isinstance(pieces[1][2], FourDigits)


def test_twin_imported_first_in_a_fresh_process():
    # The twin must not import fastdj.urls at import time: that package
    # imports fastdj._accel, which imports the twin (a cycle that would leave
    # the twin half-initialised and quietly select the pure kernels).
    code = (
        "import warnings; warnings.simplefilter('error');"
        "import fastdj._speedups.urls_match as twin;"
        "from fastdj import _accel;"
        "assert twin.KERNEL_VERSION == 1;"
        "assert _accel.implementation('urls') == 'cython', _accel.speedups()"
    )
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "FASTDJ_PURE_PYTHON"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
