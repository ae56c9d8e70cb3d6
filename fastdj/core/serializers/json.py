"""JSON encoding of Python values Django knows, as ``django.core.serializers.json``."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

__all__ = ["DjangoJSONEncoder"]


def _duration_iso_string(duration: datetime.timedelta) -> str:
    # ISO 8601 duration as Django writes it: [-]P{days}DT{HH}H{MM}M{SS}[.ffffff]S
    sign = ""
    if duration < datetime.timedelta(0):
        sign = "-"
        duration = -duration
    minutes, seconds = divmod(duration.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    us = duration.microseconds
    frac = f".{us:06d}" if us else ""
    return f"{sign}P{duration.days}DT{hours:02d}H{minutes:02d}M{seconds:02d}{frac}S"


class DjangoJSONEncoder(json.JSONEncoder):
    """A JSONEncoder that also encodes dates, times, durations, Decimal and UUID."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            r = o.isoformat()
            if o.microsecond:
                # ECMA-262 has millisecond precision: drop the last 3 digits.
                r = r[:23] + r[26:]
            if r.endswith("+00:00"):
                r = r.removesuffix("+00:00") + "Z"
            return r
        if isinstance(o, datetime.date):
            return o.isoformat()
        if isinstance(o, datetime.time):
            if o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            r = o.isoformat()
            if o.microsecond:
                r = r[:12]
            return r
        if isinstance(o, datetime.timedelta):
            return _duration_iso_string(o)
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        return super().default(o)
