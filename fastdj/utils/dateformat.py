"""PHP date()-style formatting of dates, times and datetimes.

Format characters are Django's (see the ``date`` template filter); a
backslash escapes the next character.

>>> format(datetime(2003, 10, 7, 11, 39), "jS F Y H:i")
'7th October 2003 11:39'
"""

import calendar
import re
from datetime import date, datetime, time
from email.utils import format_datetime as _format_datetime_rfc5322

from fastdj.utils.dates import (
    MONTHS,
    MONTHS_3,
    MONTHS_ALT,
    MONTHS_AP,
    WEEKDAYS,
    WEEKDAYS_ABBR,
)
from fastdj.utils.timezone import (
    _datetime_ambiguous_or_imaginary,
    get_default_timezone,
    is_naive,
    make_aware,
)

__all__ = ["Formatter", "TimeFormat", "DateFormat", "format", "time_format"]

_formatchars_re = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_escaped_re = re.compile(r"\\(.)")


class Formatter:
    """Expand format characters by calling the method of the same name."""

    def format(self, formatstr) -> str:
        """Return ``formatstr`` with every format character expanded.

        Raise TypeError for a time-related character applied to a date, and
        AttributeError for a date-related one applied to a time.
        """
        pieces = []
        for i, piece in enumerate(_formatchars_re.split(str(formatstr))):
            if i % 2:
                if type(self.data) is date and piece in _TIME_CHARS:
                    raise TypeError(
                        "The format for date objects may not contain "
                        f"time-related format specifiers (found '{piece}')."
                    )
                pieces.append(str(getattr(self, piece)()))
            elif piece:
                pieces.append(_escaped_re.sub(r"\1", piece))
        return "".join(pieces)


class TimeFormat(Formatter):
    """Formatter for the time-related characters (times and datetimes)."""

    def __init__(self, obj):
        self.data = obj
        self.timezone = None
        # Only datetimes carry a usable zone: dates have none and times'
        # offsets are not meaningful without a date.
        if isinstance(obj, datetime):
            tz = get_default_timezone() if is_naive(obj) else obj.tzinfo
            if not _datetime_ambiguous_or_imaginary(obj, tz):
                self.timezone = tz

    def a(self):
        """Return 'a.m.' or 'p.m.'."""
        return "p.m." if self.data.hour > 11 else "a.m."

    def A(self):
        """Return 'AM' or 'PM'."""
        return "PM" if self.data.hour > 11 else "AM"

    def e(self):
        """Return the time zone name, or '' if unknown."""
        if not self.timezone:
            return ""
        try:
            if getattr(self.data, "tzinfo", None):
                return self.data.tzname() or ""
        except NotImplementedError:
            pass
        return ""

    def f(self):
        """Return 12-hour hours and minutes, minutes left off when zero."""
        hour = self.data.hour % 12 or 12
        minute = self.data.minute
        return f"{hour:d}:{minute:02d}" if minute else hour

    def g(self):
        """Return the 12-hour hour without leading zero."""
        return self.data.hour % 12 or 12

    def G(self):
        """Return the 24-hour hour without leading zero."""
        return self.data.hour

    def h(self):
        """Return the 12-hour hour, two digits."""
        return f"{self.data.hour % 12 or 12:02d}"

    def H(self):
        """Return the 24-hour hour, two digits."""
        return f"{self.data.hour:02d}"

    def i(self):
        """Return minutes, two digits."""
        return f"{self.data.minute:02d}"

    def O(self):  # noqa: E743
        """Return the UTC offset as '+0200', or '' if unknown."""
        if self.timezone is None:
            return ""
        offset = self.timezone.utcoffset(self.data)
        seconds = offset.days * 86400 + offset.seconds
        sign = "-" if seconds < 0 else "+"
        seconds = abs(seconds)
        return f"{sign}{seconds // 3600:02d}{(seconds // 60) % 60:02d}"

    def P(self):
        """Return '1 a.m.', '1:30 p.m.', 'midnight' or 'noon'."""
        if self.data.minute == 0 and self.data.hour == 0:
            return "midnight"
        if self.data.minute == 0 and self.data.hour == 12:
            return "noon"
        return f"{self.f()} {self.a()}"

    def s(self):
        """Return seconds, two digits."""
        return f"{self.data.second:02d}"

    def T(self):
        """Return the time zone abbreviation, or '' if unknown."""
        if self.timezone is None:
            return ""
        return str(self.timezone.tzname(self.data))

    def u(self):
        """Return microseconds, six digits."""
        return f"{self.data.microsecond:06d}"

    def Z(self):
        """Return the UTC offset in seconds, or '' if unknown."""
        if self.timezone is None:
            return ""
        offset = self.timezone.utcoffset(self.data)
        # West of UTC only ``days`` is negative (-1), seconds stay positive.
        return offset.days * 86400 + offset.seconds


_TIME_CHARS = frozenset(
    name for name in vars(TimeFormat) if len(name) == 1 and name.isalpha()
)


class DateFormat(TimeFormat):
    """Formatter for every format character (dates and datetimes)."""

    def b(self):
        """Return the month as 3 lower-case letters: 'jan'."""
        return MONTHS_3[self.data.month]

    def c(self):
        """Return the ISO 8601 representation."""
        return self.data.isoformat()

    def d(self):
        """Return the day of the month, two digits."""
        return f"{self.data.day:02d}"

    def D(self):
        """Return the weekday as 3 letters: 'Fri'."""
        return WEEKDAYS_ABBR[self.data.weekday()]

    def E(self):
        """Return the locale's alternative long month name."""
        return MONTHS_ALT[self.data.month]

    def F(self):
        """Return the long month name: 'January'."""
        return MONTHS[self.data.month]

    def I(self):  # noqa: E743
        """Return '1' during daylight saving time, '0' otherwise, '' if unknown."""
        if self.timezone is None:
            return ""
        return "1" if self.timezone.dst(self.data) else "0"

    def j(self):
        """Return the day of the month without leading zero."""
        return self.data.day

    def l(self):  # noqa: E741, E743
        """Return the long weekday name: 'Friday'."""
        return WEEKDAYS[self.data.weekday()]

    def L(self):
        """Return whether the year is a leap year."""
        return calendar.isleap(self.data.year)

    def m(self):
        """Return the month, two digits."""
        return f"{self.data.month:02d}"

    def M(self):
        """Return the month as 3 letters: 'Jan'."""
        return MONTHS_3[self.data.month].title()

    def n(self):
        """Return the month without leading zero."""
        return self.data.month

    def N(self):
        """Return the Associated Press month abbreviation."""
        return MONTHS_AP[self.data.month]

    def o(self):
        """Return the ISO 8601 week-numbering year."""
        return self.data.isocalendar().year

    def r(self):
        """Return the RFC 5322 date: 'Thu, 21 Dec 2000 16:01:07 +0200'."""
        value = self.data
        if not isinstance(value, datetime):
            # A date means midnight in the default time zone.
            value = datetime.combine(value, time.min).replace(
                tzinfo=get_default_timezone()
            )
        elif is_naive(value):
            value = make_aware(value, timezone=self.timezone)
        return _format_datetime_rfc5322(value)

    def S(self):
        """Return the English ordinal suffix of the day: 'st', 'nd', 'rd', 'th'."""
        day = self.data.day
        if day in (11, 12, 13):
            return "th"
        return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")

    def t(self):
        """Return the number of days in the month."""
        return calendar.monthrange(self.data.year, self.data.month)[1]

    def U(self):
        """Return seconds since the Unix epoch."""
        value = self.data
        if not isinstance(value, datetime):
            value = datetime.combine(value, time.min)
        return int(value.timestamp())

    def w(self):
        """Return the weekday number, 0 (Sunday) to 6 (Saturday)."""
        return (self.data.weekday() + 1) % 7

    def W(self):
        """Return the ISO 8601 week number."""
        return self.data.isocalendar().week

    def y(self):
        """Return the year, two digits."""
        return f"{self.data.year % 100:02d}"

    def Y(self):
        """Return the year, at least four digits."""
        return f"{self.data.year:04d}"

    def z(self):
        """Return the day of the year, 1 to 366."""
        return self.data.timetuple().tm_yday


def format(value, format_string) -> str:
    """Return the date or datetime ``value`` formatted with ``format_string``."""
    return DateFormat(value).format(format_string)


def time_format(value, format_string) -> str:
    """Return the time or datetime ``value`` formatted with ``format_string``."""
    return TimeFormat(value).format(format_string)
