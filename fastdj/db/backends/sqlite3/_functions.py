"""Python functions registered on each SQLite connection.

SQLite has no time zones, no REGEXP and few date functions; these give the
compiler the same SQL vocabulary it has on PostgreSQL.
"""

from __future__ import annotations

import datetime
import functools
import re
import zoneinfo

__all__ = ["register"]


def _parse_datetime(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


# A fixed-offset zone reaches SQL by name, e.g. "UTC+05:00" (what
# datetime.timezone(timedelta(hours=5)).tzname() says).
_TZNAME_DELTA = re.compile(r"^(?P<name>.*?)(?P<sign>[+-])(?P<hh>\d{2}):(?P<mm>\d{2})$")


def _to_tz(dt, tzname, conn_tzname):
    """Interpret naive ``dt`` in the connection's zone, convert to ``tzname``."""
    if dt is None:
        return None
    if conn_tzname and dt.tzinfo is None:
        dt = dt.replace(tzinfo=zoneinfo.ZoneInfo(conn_tzname))
    if tzname and tzname != conn_tzname:
        fixed = _TZNAME_DELTA.match(tzname)
        if fixed:
            # Shift the instant by the offset and read it in the base zone,
            # as Django's SQLite functions do.
            delta = datetime.timedelta(hours=int(fixed["hh"]), minutes=int(fixed["mm"]))
            dt += delta if fixed["sign"] == "+" else -delta
            tzname = fixed["name"] or "UTC"
        dt = dt.astimezone(zoneinfo.ZoneInfo(tzname))
    return dt


def _extract(lookup_type: str, dt):
    if dt is None:
        return None
    if lookup_type == "week_day":
        return (dt.isoweekday() % 7) + 1
    if lookup_type == "iso_week_day":
        return dt.isoweekday()
    if lookup_type == "week":
        return dt.isocalendar()[1]
    if lookup_type == "iso_year":
        return dt.isocalendar()[0]
    if lookup_type == "quarter":
        return (dt.month - 1) // 3 + 1
    return getattr(dt, lookup_type)


def _date_extract(lookup_type, value):
    dt = _parse_datetime(value)
    if dt is None:
        try:
            dt = datetime.date.fromisoformat(str(value))
        except ValueError:
            return None
    return _extract(lookup_type, dt)


def _datetime_extract(lookup_type, value, tzname, conn_tzname):
    return _extract(lookup_type, _to_tz(_parse_datetime(value), tzname, conn_tzname))


def _time_extract(lookup_type, value):
    if value is None:
        return None
    try:
        t = datetime.time.fromisoformat(str(value))
    except ValueError:
        dt = _parse_datetime(value)
        if dt is None:
            return None
        t = dt.time()
    return getattr(t, lookup_type)


def _datetime_cast_date(value, tzname, conn_tzname):
    dt = _to_tz(_parse_datetime(value), tzname, conn_tzname)
    return None if dt is None else dt.date().isoformat()


def _datetime_cast_time(value, tzname, conn_tzname):
    dt = _to_tz(_parse_datetime(value), tzname, conn_tzname)
    return None if dt is None else dt.time().isoformat()


def _truncate(lookup_type, dt):
    if lookup_type == "year":
        return dt.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if lookup_type == "quarter":
        month = dt.month - (dt.month - 1) % 3
        return dt.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    if lookup_type == "month":
        return dt.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if lookup_type == "week":
        dt = dt - datetime.timedelta(days=dt.weekday())
        return dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if lookup_type == "day":
        return dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if lookup_type == "hour":
        return dt.replace(minute=0, second=0, microsecond=0)
    if lookup_type == "minute":
        return dt.replace(second=0, microsecond=0)
    if lookup_type == "second":
        return dt.replace(microsecond=0)
    raise ValueError(f"Unsupported lookup type: {lookup_type!r}")


def _datetime_trunc(lookup_type, value, tzname, conn_tzname):
    dt = _to_tz(_parse_datetime(value), tzname, conn_tzname)
    if dt is None:
        return None
    return _truncate(lookup_type, dt).replace(tzinfo=None).isoformat(" ")


def _date_trunc(lookup_type, value, tzname, conn_tzname):
    dt = _to_tz(_parse_datetime(value), tzname, conn_tzname)
    if dt is None:
        return None
    return _truncate(lookup_type, dt).date().isoformat()


@functools.lru_cache(maxsize=256)
def _compile(pattern: str):
    return re.compile(pattern)


def _regexp(pattern, string):
    if pattern is None or string is None:
        return None
    if not isinstance(string, str):
        string = str(string)
    return bool(_compile(pattern).search(string))


def register(connection) -> None:
    """Register fastdj's SQL functions on a sqlite3 connection."""
    create = functools.partial(connection.create_function, deterministic=True)
    create("REGEXP", 2, _regexp)
    create("fastdj_date_extract", 2, _date_extract)
    create("fastdj_datetime_extract", 4, _datetime_extract)
    create("fastdj_time_extract", 2, _time_extract)
    create("fastdj_datetime_cast_date", 3, _datetime_cast_date)
    create("fastdj_datetime_cast_time", 3, _datetime_cast_time)
    create("fastdj_datetime_trunc", 4, _datetime_trunc)
    create("fastdj_date_trunc", 4, _date_trunc)
