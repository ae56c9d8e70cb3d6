"""fastdj.utils.dateformat against django.utils.dateformat, every format char."""

import datetime
import zoneinfo

import pytest
from django.utils import dateformat as dj
from hypothesis import given
from hypothesis import strategies as st

from fastdj.utils import dateformat as fd

from .differential import assert_same

FORMAT_CHARS = "aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
UTC = datetime.timezone.utc
FIXED = datetime.timezone(datetime.timedelta(hours=-3, minutes=-30), "X-0330")

DATETIMES = [
    datetime.datetime(2003, 10, 7, 11, 39, 12, 123456),
    datetime.datetime(2000, 1, 1, 0, 0),
    datetime.datetime(1999, 12, 31, 12, 0, 59),
    datetime.datetime(2024, 2, 29, 23, 5),
    datetime.datetime(1, 1, 1, 1, 1, 1),
    datetime.datetime(9999, 12, 31, 13, 30),
    datetime.datetime(2021, 1, 3, 12, 1),  # ISO week 53 of 2020
    datetime.datetime(2024, 3, 10, 2, 30),  # imaginary in Chicago
    datetime.datetime(2024, 11, 3, 1, 30),  # ambiguous in Chicago
    datetime.datetime(2024, 11, 3, 1, 30, fold=1),
    datetime.datetime(2024, 7, 4, 12, 0, tzinfo=CHICAGO),
    datetime.datetime(2024, 1, 11, 0, 0, tzinfo=UTC),
    datetime.datetime(2024, 6, 12, 18, 45, tzinfo=KOLKATA),
    datetime.datetime(2024, 6, 13, 6, 7, 8, tzinfo=FIXED),
    datetime.datetime(2024, 11, 3, 1, 30, tzinfo=CHICAGO),
    datetime.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=CHICAGO),
    datetime.datetime(2024, 3, 10, 2, 30, tzinfo=CHICAGO),
]
DATES = [
    datetime.date(2003, 10, 7),
    datetime.date(2024, 2, 29),
    datetime.date(1, 1, 1),
    datetime.date(2021, 1, 3),
    datetime.date(2022, 12, 22),
    datetime.date(2023, 3, 11),
    datetime.date(2023, 3, 12),
    datetime.date(2023, 3, 13),
]
TIMES = [
    datetime.time(0, 0),
    datetime.time(12, 0),
    datetime.time(12, 30, 5, 7),
    datetime.time(23, 59, 59, 999999),
    datetime.time(7, 5, tzinfo=UTC),
]


def _ids(v):
    return repr(v)[:60]


@pytest.mark.parametrize("value", DATETIMES + DATES, ids=_ids)
@pytest.mark.parametrize("char", list(FORMAT_CHARS))
def test_each_format_char(value, char):
    assert_same(dj.format, fd.format, value, char)


@pytest.mark.parametrize("value", TIMES + DATETIMES[:4], ids=_ids)
@pytest.mark.parametrize("char", list(FORMAT_CHARS))
def test_time_format_each_char(value, char):
    assert_same(dj.time_format, fd.time_format, value, char)


@pytest.mark.parametrize("value", DATETIMES + DATES, ids=_ids)
@pytest.mark.parametrize(
    "fmt",
    [
        FORMAT_CHARS,
        "jS F Y H:i",
        r"\j\S \\F \Y literal text",
        "N j, Y, P",
        "D, d M Y H:i:s O",
        "",
        "\\",
        "trailing backslash \\",
        "ünïcode {} %s %d",
        r"\\\Y",
    ],
)
def test_format_strings(value, fmt):
    assert_same(dj.format, fd.format, value, fmt)


@given(
    st.datetimes(
        min_value=datetime.datetime(1, 1, 2),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.sampled_from([None, UTC, CHICAGO, KOLKATA, FIXED]),
    ),
    st.text(alphabet=FORMAT_CHARS + "\\ :-x", max_size=12),
)
def test_format_hypothesis(value, fmt):
    assert_same(dj.format, fd.format, value, fmt)


@given(st.dates(), st.text(alphabet=FORMAT_CHARS + "\\ ", max_size=8))
def test_date_format_hypothesis(value, fmt):
    assert_same(dj.format, fd.format, value, fmt)


def test_date_with_time_char_raises_type_error():
    with pytest.raises(TypeError) as exc:
        fd.format(datetime.date(2020, 1, 1), "H")
    with pytest.raises(TypeError) as dj_exc:
        dj.format(datetime.date(2020, 1, 1), "H")
    assert str(exc.value) == str(dj_exc.value)


def test_time_with_date_char_raises_attribute_error():
    with pytest.raises(AttributeError):
        fd.time_format(datetime.time(1, 2), "Y")
