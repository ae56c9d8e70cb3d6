"""Time zone helpers built on zoneinfo and the TIME_ZONE / USE_TZ settings."""

import functools
import zoneinfo
from contextlib import ContextDecorator
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone, tzinfo

from fastdj.conf import settings
from fastdj.core.signals import setting_changed

__all__ = [
    "get_fixed_timezone",
    "get_default_timezone",
    "get_default_timezone_name",
    "get_current_timezone",
    "get_current_timezone_name",
    "activate",
    "deactivate",
    "override",
    "localtime",
    "localdate",
    "now",
    "is_aware",
    "is_naive",
    "make_aware",
    "make_naive",
    "template_localtime",
]

# Per thread and per asyncio task, like Django's asgiref Local.
_active: ContextVar[tzinfo | None] = ContextVar("fastdj_active_timezone", default=None)


def get_fixed_timezone(offset) -> timezone:
    """Return a tzinfo with a fixed offset from UTC (minutes or a timedelta)."""
    if isinstance(offset, timedelta):
        offset = offset.total_seconds() // 60
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(int(abs(offset)), 60)
    name = f"{sign}{hours:02d}{minutes:02d}"
    return timezone(timedelta(minutes=offset), name)


@functools.lru_cache
def get_default_timezone() -> tzinfo:
    """Return the tzinfo named by settings.TIME_ZONE."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _clear_default_timezone(*, setting, **kwargs):
    if setting == "TIME_ZONE":
        get_default_timezone.cache_clear()


setting_changed.connect(_clear_default_timezone, weak=False)


def _get_timezone_name(tz) -> str:
    # Fixed-offset zones have a name only through tzname().
    return tz.tzname(None) or str(tz)


def get_default_timezone_name() -> str:
    """Return the name of the default time zone."""
    return _get_timezone_name(get_default_timezone())


def get_current_timezone() -> tzinfo:
    """Return the active time zone, or the default one if none is active."""
    tz = _active.get()
    return get_default_timezone() if tz is None else tz


def get_current_timezone_name() -> str:
    """Return the name of the active time zone."""
    return _get_timezone_name(get_current_timezone())


def activate(timezone) -> None:
    """Make ``timezone`` (a tzinfo or a zone name) the active time zone."""
    if isinstance(timezone, tzinfo):
        _active.set(timezone)
    elif isinstance(timezone, str):
        _active.set(zoneinfo.ZoneInfo(timezone))
    else:
        raise ValueError(f"Invalid timezone: {timezone!r}")


def deactivate() -> None:
    """Unset the active time zone: settings.TIME_ZONE applies again."""
    _active.set(None)


class override(ContextDecorator):
    """Activate a time zone (or, with None, the default) for a block."""

    def __init__(self, timezone):
        self.timezone = timezone

    def __enter__(self):
        self.old_timezone = _active.get()
        if self.timezone is None:
            deactivate()
        else:
            activate(self.timezone)

    def __exit__(self, exc_type, exc_value, traceback):
        _active.set(self.old_timezone)


def template_localtime(value, use_tz=None):
    """Return ``value`` in local time if it is an aware datetime to convert.

    ``use_tz`` overrides settings.USE_TZ when not None; a value whose
    ``convert_to_local_time`` attribute is false is left alone.
    """
    should_convert = (
        isinstance(value, datetime)
        and (settings.USE_TZ if use_tz is None else use_tz)
        and not is_naive(value)
        and getattr(value, "convert_to_local_time", True)
    )
    return localtime(value) if should_convert else value


def localtime(value=None, timezone=None) -> datetime:
    """Return the aware datetime ``value`` (default: now) in local time.

    Local time is ``timezone`` or the active time zone. Raise ValueError for a
    naive datetime.
    """
    if value is None:
        value = now()
    if timezone is None:
        timezone = get_current_timezone()
    if is_naive(value):
        raise ValueError("localtime() cannot be applied to a naive datetime")
    return value.astimezone(timezone)


def localdate(value=None, timezone=None):
    """Return the date of localtime(value, timezone)."""
    return localtime(value, timezone).date()


def now() -> datetime:
    """Return the current datetime: aware in UTC if USE_TZ, else naive local."""
    return datetime.now(tz=timezone.utc if settings.USE_TZ else None)


def is_aware(value) -> bool:
    """Return True if the datetime or time ``value`` has a UTC offset."""
    return value.utcoffset() is not None


def is_naive(value) -> bool:
    """Return True if the datetime or time ``value`` has no UTC offset."""
    return value.utcoffset() is None


def make_aware(value, timezone=None) -> datetime:
    """Return the naive datetime ``value`` made aware in ``timezone``."""
    if timezone is None:
        timezone = get_current_timezone()
    if is_aware(value):
        raise ValueError(f"make_aware expects a naive datetime, got {value}")
    return value.replace(tzinfo=timezone)


def make_naive(value, timezone=None) -> datetime:
    """Return the aware datetime ``value`` as naive local time in ``timezone``."""
    if timezone is None:
        timezone = get_current_timezone()
    if is_naive(value):
        raise ValueError("make_naive() cannot be applied to a naive datetime")
    return value.astimezone(timezone).replace(tzinfo=None)


def _datetime_ambiguous_or_imaginary(dt, tz) -> bool:
    # Ambiguous (DST fall-back) or imaginary (spring-forward) wall times give
    # a different offset when the fold is flipped.
    return tz.utcoffset(dt.replace(fold=not dt.fold)) != tz.utcoffset(dt)
