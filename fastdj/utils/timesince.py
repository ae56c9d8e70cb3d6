"""Human-readable time spans: "3 days, 2 hours"."""

import datetime

from fastdj.utils.html import avoid_wrapping
from fastdj.utils.timezone import is_aware

__all__ = ["TIME_STRINGS", "timesince", "timeuntil"]

TIME_STRINGS = {
    "year": ("%(num)d year", "%(num)d years"),
    "month": ("%(num)d month", "%(num)d months"),
    "week": ("%(num)d week", "%(num)d weeks"),
    "day": ("%(num)d day", "%(num)d days"),
    "hour": ("%(num)d hour", "%(num)d hours"),
    "minute": ("%(num)d minute", "%(num)d minutes"),
}
_TIME_STRINGS_KEYS = list(TIME_STRINGS)

# Seconds in a week, a day, an hour and a minute.
_TIME_CHUNKS = [604800, 86400, 3600, 60]

_MONTHS_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _time_string(time_strings, name, num) -> str:
    entry = time_strings[name]
    if isinstance(entry, tuple):
        entry = entry[0] if num == 1 else entry[1]
    return entry % {"num": num}


def timesince(d, now=None, reversed=False, time_strings=None, depth=2) -> str:
    """Return the time from ``d`` to ``now`` as text, e.g. "10 minutes".

    Use years, months, weeks, days, hours and minutes, up to ``depth``
    adjacent units ("2 weeks, 3 days" but never "2 weeks, 3 hours"). Years
    and months follow the calendar. If ``d`` is after ``now`` return
    "0 minutes". ``time_strings`` maps unit names to replacement strings
    (a "%(num)d ..." string or a (singular, plural) pair).
    """
    if time_strings is None:
        time_strings = TIME_STRINGS
    if depth <= 0:
        raise ValueError("depth must be greater than 0.")
    if not isinstance(d, datetime.datetime):
        d = datetime.datetime(d.year, d.month, d.day)
    if now and not isinstance(now, datetime.datetime):
        now = datetime.datetime(now.year, now.month, now.day)
    # Compare in one time zone.
    if not now:
        now = datetime.datetime.now(d.tzinfo if is_aware(d) else None)
    elif is_aware(now) and is_aware(d):
        now = now.astimezone(d.tzinfo)
    if reversed:
        d, now = now, d
    delta = now - d
    # Seconds and microseconds never show.
    since = delta.days * 86400 + delta.seconds
    if since <= 0:
        return avoid_wrapping(_time_string(time_strings, "minute", 0))

    total_months = (now.year - d.year) * 12 + (now.month - d.month)
    if d.day > now.day or (d.day == now.day and d.time() > now.time()):
        total_months -= 1
    years, months = divmod(total_months, 12)
    # Shift d by whole years and months, then measure the rest in fixed units.
    if years or months:
        pivot_year = d.year + years
        pivot_month = d.month + months
        if pivot_month > 12:
            pivot_month -= 12
            pivot_year += 1
        pivot = datetime.datetime(
            pivot_year,
            pivot_month,
            min(_MONTHS_DAYS[pivot_month - 1], d.day),
            d.hour,
            d.minute,
            d.second,
            tzinfo=d.tzinfo,
        )
    else:
        pivot = d
    remaining = (now - pivot).total_seconds()
    partials = [years, months]
    for chunk in _TIME_CHUNKS:
        count = int(remaining // chunk)
        partials.append(count)
        remaining -= chunk * count

    i = next((i for i, value in enumerate(partials) if value != 0), None)
    if i is None:
        return avoid_wrapping(_time_string(time_strings, "minute", 0))

    result = []
    while i < len(_TIME_STRINGS_KEYS) and len(result) < depth:
        value = partials[i]
        if value == 0:
            break
        result.append(
            avoid_wrapping(_time_string(time_strings, _TIME_STRINGS_KEYS[i], value))
        )
        i += 1
    return ", ".join(result)


def timeuntil(d, now=None, time_strings=None, depth=2) -> str:
    """Return the time from ``now`` until ``d`` as text (see timesince())."""
    return timesince(d, now, reversed=True, time_strings=time_strings, depth=depth)
