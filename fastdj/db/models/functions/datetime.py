"""Date/time transforms: Extract* (year, month, ...) and TruncDate (``__date``)."""

from __future__ import annotations

from fastdj.db.models.lookups import Transform

__all__ = [
    "Extract",
    "ExtractDay",
    "ExtractHour",
    "ExtractMinute",
    "ExtractMonth",
    "ExtractQuarter",
    "ExtractSecond",
    "ExtractWeekDay",
    "ExtractYear",
    "TruncDate",
]


def _fields():
    from fastdj.db.models import fields

    return fields


# Only these names ever reach the backend's extract SQL, which interpolates
# them: anything else is rejected (CVE-2022-34265's class).
_VALID = frozenset(
    {
        "year",
        "iso_year",
        "month",
        "day",
        "week",
        "week_day",
        "iso_week_day",
        "quarter",
        "hour",
        "minute",
        "second",
    }
)
_DATE_ONLY = {
    "year",
    "iso_year",
    "month",
    "day",
    "week",
    "week_day",
    "iso_week_day",
    "quarter",
}


def _tzname(tzinfo=None):
    from fastdj.conf import settings
    from fastdj.utils import timezone

    if not settings.USE_TZ:
        return None
    if tzinfo is None:
        return timezone.get_current_timezone_name()
    return str(tzinfo)


def _mark_tz(compiler, tzname):
    # SQL that embeds the current time zone is only reusable in that zone.
    compiler.tz_dependent = tzname


class Extract(Transform):
    """Extract a component (``lookup_name``) of a date, datetime or time."""

    lookup_name: str | None = None

    def __init__(self, expression, lookup_name=None, tzinfo=None, **extra):
        if self.lookup_name is None:
            self.lookup_name = lookup_name
        if self.lookup_name is None:
            raise ValueError("lookup_name must be provided")
        if self.lookup_name not in _VALID:
            raise ValueError(f"Invalid lookup_name: {self.lookup_name}")
        self.tzinfo = tzinfo
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        internal = self.lhs.output_field.get_internal_type()
        ops = connection.ops
        if internal == "DateTimeField":
            tzname = _tzname(self.tzinfo)
            _mark_tz(compiler, tzname)
            sql, params = ops.datetime_extract_sql(
                self.lookup_name, sql, tuple(params), tzname
            )
        elif self.tzinfo is not None:
            raise ValueError("tzinfo can only be used with DateTimeField.")
        elif internal == "TimeField":
            sql, params = ops.time_extract_sql(self.lookup_name, sql, tuple(params))
        else:
            sql, params = ops.date_extract_sql(self.lookup_name, sql, tuple(params))
        return sql, list(params)

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        copy = super().resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        field = getattr(copy.lhs, "output_field", None)
        internal = field.get_internal_type() if field is not None else None
        if internal not in ("DateField", "DateTimeField", "TimeField", "DurationField"):
            raise ValueError(
                "Extract input expression must be DateField, DateTimeField, "
                "TimeField, or DurationField."
            )
        if internal == "DateField" and self.lookup_name not in _DATE_ONLY:
            raise ValueError(
                "Cannot extract time component '{}' from DateField '{}'.".format(
                    self.lookup_name, getattr(field, "name", field)
                )
            )
        if internal == "TimeField" and self.lookup_name in _DATE_ONLY:
            raise ValueError(
                "Cannot extract component '{}' from TimeField '{}'.".format(
                    self.lookup_name, getattr(field, "name", field)
                )
            )
        return copy

    def _resolve_output_field(self):
        return _fields().IntegerField()

    def _shape_key(self):
        key = super()._shape_key()
        return None if key is None else (key, self.lookup_name)


class ExtractYear(Extract):
    lookup_name = "year"


class ExtractMonth(Extract):
    lookup_name = "month"


class ExtractDay(Extract):
    lookup_name = "day"


class ExtractWeekDay(Extract):
    lookup_name = "week_day"


class ExtractQuarter(Extract):
    lookup_name = "quarter"


class ExtractHour(Extract):
    lookup_name = "hour"


class ExtractMinute(Extract):
    lookup_name = "minute"


class ExtractSecond(Extract):
    lookup_name = "second"


class TruncDate(Transform):
    """The date part of a datetime (the ``__date`` transform)."""

    lookup_name = "date"

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.lhs)
        tzname = _tzname()
        _mark_tz(compiler, tzname)
        sql, params = connection.ops.datetime_cast_date_sql(sql, tuple(params), tzname)
        return sql, list(params)

    def _resolve_output_field(self):
        return _fields().DateField()


def _register():
    fields = _fields()
    for cls in (ExtractYear, ExtractMonth, ExtractDay, ExtractWeekDay, ExtractQuarter):
        fields.DateField.register_lookup(cls)
    for cls in (ExtractHour, ExtractMinute, ExtractSecond):
        fields.DateTimeField.register_lookup(cls)
        fields.TimeField.register_lookup(cls)
    fields.DateTimeField.register_lookup(TruncDate)


_register()
