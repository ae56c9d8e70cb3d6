"""fastdj.utils.timesince against django.utils.timesince."""

import datetime
import zoneinfo

import pytest
from django.utils import timesince as dj
from hypothesis import given
from hypothesis import strategies as st

from fastdj.utils import timesince as fd

from .differential import assert_same

UTC = datetime.timezone.utc
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
BASE = datetime.datetime(2007, 8, 14, 13, 46, 0)

DELTAS = [
    datetime.timedelta(0),
    datetime.timedelta(microseconds=1),
    datetime.timedelta(seconds=59),
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=61),
    datetime.timedelta(hours=23, minutes=59),
    datetime.timedelta(days=1),
    datetime.timedelta(days=6, hours=5),
    datetime.timedelta(days=13),
    datetime.timedelta(days=30),
    datetime.timedelta(days=31),
    datetime.timedelta(days=364),
    datetime.timedelta(days=365),
    datetime.timedelta(days=400, hours=3),
    datetime.timedelta(days=3000),
    datetime.timedelta(days=-1),
    datetime.timedelta(minutes=-5),
]


@pytest.mark.parametrize("delta", DELTAS, ids=str)
@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_timesince_and_timeuntil(delta, depth):
    assert_same(dj.timesince, fd.timesince, BASE, BASE + delta, depth=depth)
    assert_same(dj.timeuntil, fd.timeuntil, BASE + delta, BASE, depth=depth)
    assert_same(
        dj.timesince, fd.timesince, BASE, BASE + delta, reversed=True, depth=depth
    )


@pytest.mark.parametrize(
    "d,now",
    [
        (datetime.date(2020, 1, 31), datetime.date(2020, 3, 1)),
        (datetime.date(2019, 2, 28), datetime.datetime(2020, 2, 29, 5)),
        (datetime.datetime(2013, 2, 10), datetime.datetime(2014, 3, 10)),
        (datetime.datetime(2007, 8, 10), datetime.datetime(2008, 9, 10)),
        (datetime.datetime(2020, 1, 31, 10), datetime.datetime(2020, 2, 29, 9)),
        (datetime.datetime(2020, 12, 31), datetime.datetime(2021, 12, 30)),
        (
            datetime.datetime(2024, 3, 30, 12, tzinfo=PARIS),
            datetime.datetime(2024, 4, 1, 12, tzinfo=UTC),
        ),
        (datetime.datetime(2024, 1, 1, tzinfo=UTC), datetime.datetime(2024, 1, 2)),
    ],
)
def test_calendar_edges(d, now):
    assert_same(dj.timesince, fd.timesince, d, now)
    assert_same(dj.timeuntil, fd.timeuntil, now, d)


def test_invalid_depth():
    assert_same(dj.timesince, fd.timesince, BASE, BASE, depth=0)
    with pytest.raises(ValueError, match="depth must be greater than 0."):
        fd.timesince(BASE, depth=0)


def test_defaults_to_now():
    past = datetime.datetime.now(UTC) - datetime.timedelta(days=2, minutes=5)
    assert fd.timesince(past) == dj.timesince(past)


def test_custom_time_strings():
    strings = {
        "year": "%(num)d y",
        "month": "%(num)d mo",
        "week": "%(num)d w",
        "day": "%(num)d d",
        "hour": "%(num)d h",
        "minute": "%(num)d m",
    }
    later = BASE + datetime.timedelta(days=9, hours=2)
    assert fd.timesince(BASE, later, time_strings=strings) == dj.timesince(
        BASE, later, time_strings=strings
    )


@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(2100, 1, 1),
    ),
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(2100, 1, 1),
    ),
    st.integers(1, 6),
)
def test_timesince_hypothesis(d, now, depth):
    assert_same(dj.timesince, fd.timesince, d, now, depth=depth)
