"""Parse ISO-ish date, time, datetime and duration strings (Django's formats)."""

from __future__ import annotations

import datetime
import re

from fastdj.utils.timezone import get_fixed_timezone

__all__ = ["parse_date", "parse_datetime", "parse_duration", "parse_time"]

_DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")
_TIME_RE = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?$"
)
_DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:[.,](?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"\s*(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_STANDARD_DURATION_RE = re.compile(
    r"^"
    r"(?:(?P<days>-?\d+) (days?, )?)?"
    r"(?P<sign>-?)"
    r"((?:(?P<hours>\d+):)(?=\d+:\d+))?"
    r"(?:(?P<minutes>\d+):)?"
    r"(?P<seconds>\d+)"
    r"(?:[.,](?P<microseconds>\d{1,6})\d{0,6})?"
    r"$"
)
_ISO8601_DURATION_RE = re.compile(
    r"^(?P<sign>[-+]?)"
    r"P"
    r"(?:(?P<days>\d+(.\d+)?)D)?"
    r"(?:T"
    r"(?:(?P<hours>\d+(.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(.\d+)?)S)?"
    r")?"
    r"$"
)
_POSTGRES_INTERVAL_RE = re.compile(
    r"^"
    r"(?:(?P<days>-?\d+) (days? ?))?"
    r"(?:(?P<sign>[-+])?"
    r"(?P<hours>\d+):"
    r"(?P<minutes>\d\d):"
    r"(?P<seconds>\d\d)"
    r"(?:\.(?P<microseconds>\d{1,6}))?"
    r")?$"
)


def parse_date(value: str) -> datetime.date | None:
    """Return a date for a well formatted string, None if the format is wrong.

    Raise ValueError if the format is right but the date is invalid.
    """
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        match = _DATE_RE.match(value)
        if match:
            return datetime.date(**{k: int(v) for k, v in match.groupdict().items()})
    return None


def parse_time(value: str) -> datetime.time | None:
    """Return a naive time for a well formatted string, else None.

    Raise ValueError if the format is right but the time is invalid.
    """
    try:
        # fromisoformat accepts offsets; a time from a string here is naive.
        return datetime.time.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        match = _TIME_RE.match(value)
        if match:
            kw = match.groupdict()
            kw["microsecond"] = kw["microsecond"] and kw["microsecond"].ljust(6, "0")
            return datetime.time(**{k: int(v) for k, v in kw.items() if v})
    return None


def parse_datetime(value: str) -> datetime.datetime | None:
    """Return a datetime (aware when the string has an offset), else None.

    Raise ValueError if the format is right but the datetime is invalid.
    """
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        match = _DATETIME_RE.match(value)
        if match:
            kw = match.groupdict()
            kw["microsecond"] = kw["microsecond"] and kw["microsecond"].ljust(6, "0")
            tzinfo = kw.pop("tzinfo")
            if tzinfo == "Z":
                tz = datetime.timezone.utc
            elif tzinfo is not None:
                offset_mins = int(tzinfo[-2:]) if len(tzinfo) > 3 else 0
                offset = 60 * int(tzinfo[1:3]) + offset_mins
                if tzinfo[0] == "-":
                    offset = -offset
                tz = get_fixed_timezone(offset)
            else:
                tz = None
            parts = {k: int(v) for k, v in kw.items() if v is not None}
            return datetime.datetime(**parts, tzinfo=tz)
    return None


def parse_duration(value: str) -> datetime.timedelta | None:
    """Return a timedelta for Django's, ISO 8601 or PostgreSQL formats, else None."""
    match = (
        _STANDARD_DURATION_RE.match(value)
        or _ISO8601_DURATION_RE.match(value)
        or _POSTGRES_INTERVAL_RE.match(value)
    )
    if not match:
        return None
    kw = match.groupdict()
    sign = -1 if kw.pop("sign", "+") == "-" else 1
    if kw.get("microseconds"):
        kw["microseconds"] = kw["microseconds"].ljust(6, "0")
    kw = {k: float(v.replace(",", ".")) for k, v in kw.items() if v is not None}
    days = datetime.timedelta(kw.pop("days", 0.0) or 0.0)
    if match.re == _ISO8601_DURATION_RE:
        days *= sign
    return days + sign * datetime.timedelta(**kw)
