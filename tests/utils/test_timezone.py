"""fastdj.utils.timezone against django.utils.timezone."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone as dj

from fastdj.utils import timezone as fd

from .differential import assert_same

UTC = datetime.timezone.utc
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NAIVE = datetime.datetime(2024, 7, 1, 12, 30)
AWARE = datetime.datetime(2024, 7, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "offset", [0, 60, -300, 330, -90, datetime.timedelta(hours=5, minutes=45)]
)
def test_get_fixed_timezone(offset):
    dj_tz = dj.get_fixed_timezone(offset)
    fd_tz = fd.get_fixed_timezone(offset)
    assert fd_tz.tzname(None) == dj_tz.tzname(None)
    assert fd_tz.utcoffset(None) == dj_tz.utcoffset(None)


def test_default_timezone_follows_settings(both_settings):
    assert fd.get_default_timezone_name() == dj.get_default_timezone_name()
    with both_settings(TIME_ZONE="Asia/Tokyo"):
        assert fd.get_default_timezone_name() == "Asia/Tokyo"
        assert fd.get_current_timezone_name() == dj.get_current_timezone_name()
    assert fd.get_default_timezone_name() == "America/Chicago"


def test_activate_override_deactivate():
    fd.activate("Europe/Paris")
    try:
        assert fd.get_current_timezone_name() == "Europe/Paris"
        with fd.override(UTC):
            assert fd.get_current_timezone() is UTC
            with fd.override(None):
                assert fd.get_current_timezone_name() == "America/Chicago"
            assert fd.get_current_timezone() is UTC
        assert fd.get_current_timezone_name() == "Europe/Paris"
    finally:
        fd.deactivate()
    assert fd.get_current_timezone_name() == "America/Chicago"
    with pytest.raises(ValueError):
        fd.activate(5)


def test_override_as_decorator():
    @fd.override("Asia/Kolkata")
    def current():
        return fd.get_current_timezone_name()

    assert current() == "Asia/Kolkata"
    assert fd.get_current_timezone_name() == "America/Chicago"


@pytest.mark.parametrize("value", [NAIVE, AWARE])
@pytest.mark.parametrize("tz", [None, PARIS, UTC])
def test_conversions(value, tz):
    assert_same(dj.localtime, fd.localtime, value, tz)
    assert_same(dj.make_aware, fd.make_aware, value, tz)
    assert_same(dj.make_naive, fd.make_naive, value, tz)
    assert_same(dj.is_aware, fd.is_aware, value)
    assert_same(dj.is_naive, fd.is_naive, value)


@pytest.mark.parametrize("use_tz", [None, True, False])
@pytest.mark.parametrize(
    "value", [NAIVE, AWARE, datetime.date(2024, 1, 1), "text", None]
)
def test_template_localtime(value, use_tz):
    assert_same(dj.template_localtime, fd.template_localtime, value, use_tz)


def test_template_localtime_respects_convert_flag():
    class NoConvert(datetime.datetime):
        convert_to_local_time = False

    value = NoConvert(2024, 1, 1, tzinfo=UTC)
    assert fd.template_localtime(value) is value


def test_now_follows_use_tz(both_settings):
    assert fd.is_aware(fd.now())
    with both_settings(USE_TZ=False):
        assert fd.is_naive(fd.now())


def test_localdate():
    assert fd.localdate(AWARE, PARIS) == dj.localdate(AWARE, PARIS)
    with pytest.raises(ValueError):
        fd.localdate(NAIVE)
