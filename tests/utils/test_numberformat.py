"""fastdj.utils.numberformat and formats against Django's."""

import datetime
import decimal

import pytest
from django.utils import formats as dj_formats
from django.utils import numberformat as dj
from hypothesis import given
from hypothesis import strategies as st

from fastdj.utils import formats as fd_formats
from fastdj.utils import numberformat as fd

from .differential import assert_same

D = decimal.Decimal
NUMBERS = [
    0,
    1,
    -1,
    1234567,
    -1234567.891,
    0.5,
    1e-10,
    1.5e20,
    -7e-5,
    float("inf"),
    D("1234.5678"),
    D("-0.0001"),
    D("1e-250"),
    D("9" * 210),
    D("1E+300"),
    "1234.50",
    "-98765",
    "",
    None,
]


@pytest.mark.parametrize("number", NUMBERS, ids=repr)
@pytest.mark.parametrize("decimal_pos", [None, 0, 2, 5])
@pytest.mark.parametrize("grouping", [0, 3, (3, 2, 0), (2, 0)])
@pytest.mark.parametrize("force_grouping", [False, True])
def test_format(number, decimal_pos, grouping, force_grouping):
    assert_same(
        dj.format,
        fd.format,
        number,
        ",",
        decimal_pos,
        grouping,
        ".",
        force_grouping,
    )


def test_format_with_thousand_separator_setting(both_settings):
    with both_settings(USE_THOUSAND_SEPARATOR=True):
        for n in (1234567, -12345.678, D("1000000.5")):
            assert_same(dj.format, fd.format, n, ".", 2, 3, ",")
            assert_same(dj.format, fd.format, n, ".", 2, 3, ",", use_l10n=False)


@given(
    st.one_of(
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False),
    ),
    st.one_of(st.none(), st.integers(0, 8)),
    st.sampled_from([0, 1, 3, (3, 2, 0), (4,)]),
)
def test_format_hypothesis(number, decimal_pos, grouping):
    assert_same(dj.format, fd.format, number, ".", decimal_pos, grouping, " ", True)


FORMAT_NAMES = [
    "DATE_FORMAT",
    "TIME_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "FIRST_DAY_OF_WEEK",
    "DECIMAL_SEPARATOR",
    "THOUSAND_SEPARATOR",
    "NUMBER_GROUPING",
    "Y-m-d",
]


@pytest.mark.parametrize("name", FORMAT_NAMES)
@pytest.mark.parametrize("use_l10n", [None, False])
def test_get_format(name, use_l10n):
    assert_same(dj_formats.get_format, fd_formats.get_format, name, use_l10n=use_l10n)


def test_settings_apply_only_where_the_locale_has_no_format(both_settings):
    with both_settings(DATE_FORMAT="Y/m/d", NUMBER_GROUPING=2):
        for name in ("DATE_FORMAT", "NUMBER_GROUPING"):
            assert_same(dj_formats.get_format, fd_formats.get_format, name)
            assert_same(
                dj_formats.get_format, fd_formats.get_format, name, use_l10n=False
            )


VALUES = [
    datetime.datetime(2024, 7, 4, 15, 30),
    datetime.datetime(2024, 7, 4, 0, 0),
    datetime.date(2024, 12, 25),
    datetime.time(12, 0),
    datetime.time(9, 5),
    1234567,
    -1234.5678,
    D("12345.60"),
    True,
    "text",
    None,
    [1, 2],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("use_l10n", [None, False])
def test_localize(value, use_l10n):
    assert_same(dj_formats.localize, fd_formats.localize, value, use_l10n)


@pytest.mark.parametrize("value", VALUES[:5], ids=repr)
@pytest.mark.parametrize("fmt", [None, "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "jS"])
def test_date_and_time_format(value, fmt):
    assert_same(dj_formats.date_format, fd_formats.date_format, value, fmt)
    assert_same(dj_formats.time_format, fd_formats.time_format, value, fmt)


@pytest.mark.parametrize("value", [1234567.891, -5, D("1000"), 0.000001])
@pytest.mark.parametrize("decimal_pos", [None, 2])
@pytest.mark.parametrize("force_grouping", [False, True])
def test_number_format(value, decimal_pos, force_grouping, both_settings):
    args = (value, decimal_pos)
    kw = {"force_grouping": force_grouping}
    assert_same(dj_formats.number_format, fd_formats.number_format, *args, **kw)
    with both_settings(USE_THOUSAND_SEPARATOR=True):
        assert_same(dj_formats.number_format, fd_formats.number_format, *args, **kw)
        assert_same(
            dj_formats.number_format,
            fd_formats.number_format,
            *args,
            use_l10n=False,
            **kw,
        )


@pytest.mark.parametrize(
    "name", ["DATE_FORMAT", "SHORT_DATE_FORMAT", "NUMBER_GROUPING", "TIME_FORMAT"]
)
def test_format_module_path(name, both_settings):
    with both_settings(FORMAT_MODULE_PATH="tests.utils.custom_formats"):
        assert_same(dj_formats.get_format, fd_formats.get_format, name)
        assert_same(
            dj_formats.date_format,
            fd_formats.date_format,
            datetime.date(2024, 5, 6),
            "SHORT_DATE_FORMAT",
        )
        assert_same(
            dj_formats.number_format,
            fd_formats.number_format,
            1234567.5,
            1,
            force_grouping=True,
        )
    # The override ends: back to the built-in English formats.
    assert fd_formats.get_format("DATE_FORMAT") == "N j, Y"
