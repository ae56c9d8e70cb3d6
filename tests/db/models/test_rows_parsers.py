"""The rows kernel's SQLite text parsers: both twins give the same answer."""

import datetime
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastdj import _accel

PARSERS = ["date_from_bytes", "datetime_from_bytes", "time_from_bytes"]


def _twins():
    pure_path, twin_path = _accel.KERNELS["rows"]
    twins = {"py": importlib.import_module(pure_path)}
    if "cy" in _accel.available():
        twins["cy"] = importlib.import_module(twin_path)
    return twins


def _outcome(func, value):
    try:
        return ("ok", func(value))
    except Exception as exc:  # the exception type is part of the contract
        return ("raised", type(exc))


def _assert_twins_agree(name, value):
    outcomes = {
        twin: _outcome(getattr(mod, name), value) for twin, mod in _twins().items()
    }
    assert len(set(outcomes.values())) == 1, (name, value, outcomes)
    return outcomes["py"]


_ISO = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(" ")),
    st.datetimes().map(lambda d: d.isoformat("T")),
    st.times().map(lambda t: t.isoformat()),
)


@pytest.mark.parametrize("name", PARSERS)
@given(text=_ISO)
def test_twins_agree_on_iso_text(name, text):
    _assert_twins_agree(name, text.encode())


@pytest.mark.parametrize("name", PARSERS)
@given(raw=st.binary(max_size=40))
def test_twins_agree_on_arbitrary_bytes(name, raw):
    _assert_twins_agree(name, raw)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("date_from_bytes", b"2024-02-29", datetime.date(2024, 2, 29)),
        ("date_from_bytes", b"2023-02-29", None),
        ("date_from_bytes", b"2024-02-29 10:00:00", datetime.date(2024, 2, 29)),
        ("datetime_from_bytes", b"0001-01-01 00:00:00", datetime.datetime(1, 1, 1)),
        (
            "datetime_from_bytes",
            b"9999-12-31T23:59:59.999999",
            datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
        ),
        ("datetime_from_bytes", b"2024-13-01 00:00:00", None),
        ("time_from_bytes", b"23:59:59.5", datetime.time(23, 59, 59, 500000)),
        ("time_from_bytes", b"24:00:00", None),
    ],
)
def test_known_values(name, raw, expected):
    assert _assert_twins_agree(name, raw) == ("ok", expected)
