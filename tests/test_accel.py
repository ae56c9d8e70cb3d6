"""The twin registry: every Cython twin is registered, built and shaped like
its reference."""

import importlib
import inspect
import json
import pathlib
import re
import subprocess
import sys
import types
import warnings

import pytest

from fastdj import _accel

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEEDUPS = ROOT / "fastdj" / "_speedups"


def test_every_pyx_is_registered_in_accel_and_setup():
    pyx = {p.stem for p in SPEEDUPS.glob("*.pyx")}
    registered = {twin.rsplit(".", 1)[1] for _, twin in _accel.KERNELS.values()}
    setup_src = (ROOT / "setup.py").read_text()
    in_setup = set(
        re.findall(r'"(\w+)"', re.search(r"EXTENSIONS = \[(.*?)\]", setup_src)[1])
    )
    assert pyx == registered == in_setup


def _public_shape(obj):
    """Return a comparable description of a function's or class's public API."""
    if inspect.isclass(obj):
        return {
            name: _signature(member)
            for name, member in vars(obj).items()
            if not name.startswith("_") and callable(member)
        }
    return _signature(obj)


def _signature(func):
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize("name", sorted(_accel.KERNELS))
def test_twins_export_the_same_api(name):
    if "cy" not in _accel.available():
        pytest.fail("Cython twins are not built; run `pip install -e .`")
    pure = importlib.import_module(_accel.KERNELS[name][0])
    twin = importlib.import_module(_accel.KERNELS[name][1])
    assert sorted(pure.__all__) == sorted(twin.__all__)
    assert pure.KERNEL_VERSION == twin.KERNEL_VERSION
    for export in pure.__all__:
        assert _public_shape(getattr(pure, export)) == _public_shape(
            getattr(twin, export)
        ), export


def test_cython_twin_is_compiled_not_python():
    for _, twin_path in _accel.KERNELS.values():
        twin = importlib.import_module(twin_path)
        assert twin.__file__.endswith((".so", ".pyd")), twin.__file__


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        ("on", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
    ],
)
def test_env_flag_parses_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("FASTDJ_X", raw)
    assert _accel.env_flag("FASTDJ_X") is expected


def test_env_flag_rejects_garbage(monkeypatch):
    monkeypatch.setenv("FASTDJ_X", "maybe")
    with pytest.raises(ValueError, match="FASTDJ_X='maybe' is not a boolean"):
        _accel.env_flag("FASTDJ_X")


def test_env_flag_unset_is_false(monkeypatch):
    monkeypatch.delenv("FASTDJ_X", raising=False)
    assert _accel.env_flag("FASTDJ_X") is False


@pytest.fixture
def broken_twin(monkeypatch):
    """Register a twin for "urls" whose version disagrees with its reference."""
    fake = types.ModuleType("fastdj._speedups._fake_urls")
    fake.KERNEL_VERSION = -1
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    kernels = dict(_accel.KERNELS)
    kernels["urls"] = (kernels["urls"][0], fake.__name__)
    monkeypatch.setattr(_accel, "KERNELS", kernels)
    monkeypatch.delenv("FASTDJ_PURE_PYTHON", raising=False)
    monkeypatch.delenv("FASTDJ_REQUIRE_EXTENSIONS", raising=False)


def test_mismatched_twin_falls_back_whole_with_warning(broken_twin):
    with pytest.warns(_accel.SpeedupsWarning, match="kernel version -1"):
        active, _ = _accel._select()
    # Never half-loaded: a bad "urls" twin also turns "middleware" pure.
    for name, module in active.items():
        assert module.__name__ == _accel.KERNELS[name][0]


def test_require_extensions_turns_a_bad_twin_into_an_error(broken_twin, monkeypatch):
    monkeypatch.setenv("FASTDJ_REQUIRE_EXTENSIONS", "1")
    with pytest.raises(ImportError, match="FASTDJ_REQUIRE_EXTENSIONS"):
        _accel._select()


def test_pure_python_flag_in_a_fresh_process():
    code = "import fastdj, json; print(json.dumps(fastdj.speedups()))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"FASTDJ_PURE_PYTHON": "1", "PATH": ""},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == dict.fromkeys(_accel.KERNELS, "python")


def test_using_switches_and_restores():
    before = _accel.speedups()
    with _accel.using("py"):
        assert set(_accel.speedups().values()) == {"python"}
    assert _accel.speedups() == before


def test_using_unknown_twin():
    with pytest.raises(LookupError):
        with _accel.using("rust"):
            pass


def test_no_warning_on_normal_import():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.reload(importlib.import_module("fastdj"))
