"""Database functions."""

from fastdj.db.models.functions.comparison import Cast, Coalesce, Greatest, Least
from fastdj.db.models.functions.datetime import (
    Extract,
    ExtractDay,
    ExtractHour,
    ExtractMinute,
    ExtractMonth,
    ExtractQuarter,
    ExtractSecond,
    ExtractWeekDay,
    ExtractYear,
    TruncDate,
)
from fastdj.db.models.functions.text import Length, Lower, Upper

__all__ = [
    "Cast",
    "Coalesce",
    "Extract",
    "ExtractDay",
    "ExtractHour",
    "ExtractMinute",
    "ExtractMonth",
    "ExtractQuarter",
    "ExtractSecond",
    "ExtractWeekDay",
    "ExtractYear",
    "Greatest",
    "Least",
    "Length",
    "Lower",
    "TruncDate",
    "Upper",
]
