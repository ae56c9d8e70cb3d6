"""SQL spelling for SQLite."""

from __future__ import annotations

import datetime
import decimal
import uuid

from fastdj.conf import settings
from fastdj.db.backends.base.operations import BaseDatabaseOperations
from fastdj.utils import timezone

__all__ = ["DatabaseOperations", "quote_identifier"]

_EXTRACT_FORMATS = {
    "year": "%Y",
    "month": "%m",
    "day": "%d",
    "hour": "%H",
    "minute": "%M",
    "second": "%S",
}


def quote_identifier(name: str) -> str:
    """Return ``name`` as a double-quoted identifier, safe for any input.

    An already quoted name is returned as is only if it has no other quote;
    embedded quotes are doubled, so no name can end the identifier early.
    """
    if not isinstance(name, str):
        raise TypeError(f"Identifier must be a str, not {type(name).__name__}.")
    if "\x00" in name:
        raise ValueError("Identifiers cannot contain NUL characters.")
    if not name.isascii():
        try:
            name.encode()
        except UnicodeEncodeError:
            raise ValueError(
                f"Identifier {name!r} is not valid Unicode text."
            ) from None
    if len(name) >= 2 and name[0] == name[-1] == '"' and '"' not in name[1:-1]:
        return name
    return '"' + name.replace('"', '""') + '"'


class DatabaseOperations(BaseDatabaseOperations):
    cast_char_field_without_max_length = "text"
    cast_data_types = {
        "DateField": "TEXT",
        "DateTimeField": "TEXT",
    }
    explain_prefix = "EXPLAIN QUERY PLAN"
    # JSON values SQLite's JSON functions return as SQL values, not JSON text.
    jsonfield_datatype_values = frozenset(["null", "false", "true"])
    # SQLite's "INTERSECT" etc. exist; "EXCEPT" is "EXCEPT" as well.

    def quote_name(self, name: str) -> str:
        return quote_identifier(name)

    def no_limit_value(self):
        return -1

    def max_in_list_size(self):
        return None

    def bulk_batch_size(self, fields, objs) -> int:
        # SQLite limits the number of variables of a statement.
        limit = 999
        if len(fields) == 1:
            return 500
        if len(fields) > 1:
            return max(limit // len(fields), 1)
        return len(objs)

    def regex_lookup(self, lookup_type: str) -> str:
        if lookup_type == "regex":
            return "%s REGEXP %s"
        return "%s REGEXP '(?i)' || %s"

    def format_for_duration_arithmetic(self, sql):
        return sql

    # ##### Dates: strftime for dates, Python functions where zones matter #####

    def _tz_params(self, tzname):
        return [tzname, self.connection.timezone_name]

    def date_extract_sql(self, lookup_type: str, sql: str, params):
        fmt = _EXTRACT_FORMATS.get(lookup_type)
        if fmt is not None:
            return f"CAST(STRFTIME('{fmt}', {sql}) AS INTEGER)", params
        return f"fastdj_date_extract(%s, {sql})", (lookup_type.lower(), *params)

    def time_extract_sql(self, lookup_type: str, sql: str, params):
        return f"fastdj_time_extract(%s, {sql})", (lookup_type.lower(), *params)

    def datetime_extract_sql(self, lookup_type: str, sql: str, params, tzname):
        return (
            f"fastdj_datetime_extract(%s, {sql}, %s, %s)",
            (lookup_type.lower(), *params, *self._tz_params(tzname)),
        )

    def datetime_cast_date_sql(self, sql: str, params, tzname):
        return (
            f"fastdj_datetime_cast_date({sql}, %s, %s)",
            (*params, *self._tz_params(tzname)),
        )

    def datetime_cast_time_sql(self, sql: str, params, tzname):
        return (
            f"fastdj_datetime_cast_time({sql}, %s, %s)",
            (*params, *self._tz_params(tzname)),
        )

    def date_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        return (
            f"fastdj_date_trunc(%s, {sql}, %s, %s)",
            (lookup_type.lower(), *params, *self._tz_params(tzname)),
        )

    def datetime_trunc_sql(self, lookup_type: str, sql: str, params, tzname):
        return (
            f"fastdj_datetime_trunc(%s, {sql}, %s, %s)",
            (lookup_type.lower(), *params, *self._tz_params(tzname)),
        )

    def time_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        fmt = {"hour": "%H:00:00", "minute": "%H:%M:00", "second": "%H:%M:%S"}
        if lookup_type not in fmt:
            raise ValueError(f"Unsupported lookup type: {lookup_type!r}")
        return f"STRFTIME('{fmt[lookup_type]}', {sql})", params

    # ##### Flush #####

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = [f"DELETE FROM {self.quote_name(table)};" for table in tables]
        if reset_sequences and tables and self._has_sequence_table():
            names = ", ".join("'{}'".format(t.replace("'", "''")) for t in tables)
            statements.append(
                f'UPDATE "sqlite_sequence" SET "seq" = 0 WHERE "name" IN ({names});'
            )
        return statements

    def _has_sequence_table(self) -> bool:
        # SQLite creates sqlite_sequence with the first AUTOINCREMENT table.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                "AND name = 'sqlite_sequence'"
            )
            return cursor.fetchone() is not None

    def last_executed_query(self, cursor, sql: str, params) -> str:
        """Return ``sql`` with its params inlined as SQLite literals (for logs)."""
        if not params:
            return sql
        if isinstance(params, (list, tuple)):
            try:
                return sql % tuple(self._quote_param(p) for p in params)
            except (TypeError, ValueError):
                return super().last_executed_query(cursor, sql, params)
        try:
            return sql % {k: self._quote_param(v) for k, v in params.items()}
        except (TypeError, ValueError, KeyError):
            return super().last_executed_query(cursor, sql, params)

    @staticmethod
    def _quote_param(value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float, decimal.Decimal)):
            return str(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return f"X'{bytes(value).hex()}'"
        return "'{}'".format(str(value).replace("'", "''"))

    # ##### Values in #####

    def adapt_datetimefield_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        if timezone.is_aware(value):
            if settings.USE_TZ:
                value = timezone.make_naive(value, self.connection.timezone)
            else:
                raise ValueError(
                    "SQLite backend does not support timezone-aware datetimes when "
                    "USE_TZ is False."
                )
        return str(value)

    def adapt_timefield_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        if timezone.is_aware(value):
            raise ValueError("SQLite backend does not support timezone-aware times.")
        return str(value)

    def adapt_decimalfield_value(self, value, max_digits=None, decimal_places=None):
        return value

    # ##### Values out #####

    def get_db_converters(self, expression) -> list:
        converters = super().get_db_converters(expression)
        internal_type = expression.output_field.get_internal_type()
        if internal_type == "DateTimeField":
            converters.append(self.convert_datetimefield_value)
        elif internal_type == "DateField":
            converters.append(self.convert_datefield_value)
        elif internal_type == "TimeField":
            converters.append(self.convert_timefield_value)
        elif internal_type == "DecimalField":
            converters.append(self.get_decimalfield_converter(expression))
        elif internal_type == "UUIDField":
            converters.append(self.convert_uuidfield_value)
        elif internal_type == "BooleanField":
            converters.append(self.convert_booleanfield_value)
        return converters

    def convert_datetimefield_value(self, value, expression, connection):
        if value is not None:
            if not isinstance(value, datetime.datetime):
                value = datetime.datetime.fromisoformat(str(value))
            if settings.USE_TZ and not timezone.is_aware(value):
                value = timezone.make_aware(value, self.connection.timezone)
        return value

    def convert_datefield_value(self, value, expression, connection):
        if value is not None and not isinstance(value, datetime.date):
            value = datetime.date.fromisoformat(str(value)[:10])
        return value

    def convert_timefield_value(self, value, expression, connection):
        if value is not None and not isinstance(value, datetime.time):
            value = datetime.time.fromisoformat(str(value))
        return value

    def get_decimalfield_converter(self, expression):
        # SQLite keeps 15 significant digits; drop float noise beyond them.
        create_decimal = decimal.Context(prec=15).create_decimal_from_float
        output_field = expression.output_field
        places = getattr(output_field, "decimal_places", None)
        if places is not None and type(expression).__name__ == "Col":
            quantize_value = decimal.Decimal(1).scaleb(-places)
            context = getattr(output_field, "context", None)

            def converter(value, expression, connection):
                if value is None:
                    return None
                if isinstance(value, float):
                    value = create_decimal(value)
                else:
                    value = decimal.Decimal(value)
                return value.quantize(quantize_value, context=context)

        else:

            def converter(value, expression, connection):
                if value is None:
                    return None
                if isinstance(value, float):
                    return create_decimal(value)
                return decimal.Decimal(value)

        return converter

    def convert_uuidfield_value(self, value, expression, connection):
        if value is not None and not isinstance(value, uuid.UUID):
            value = uuid.UUID(value)
        return value

    def convert_booleanfield_value(self, value, expression, connection):
        return bool(value) if value in (1, 0) else value

    # sqlite3 already parses the columns declared "bool", "date" and "time"
    # (detect_types, see base.py): tell the rows kernel which value types
    # these converters return unchanged, so each value is converted once.
    convert_booleanfield_value.passthrough_types = (bool, type(None))
    convert_datefield_value.passthrough_types = (
        datetime.date,
        datetime.datetime,
        type(None),
    )
    convert_timefield_value.passthrough_types = (datetime.time, type(None))

    def combine_expression(self, connector, sub_expressions):
        # SQLite has "^" as nothing and "#" as nothing: map Django's connectors.
        if connector == "^":
            return "POWER({})".format(",".join(sub_expressions))
        if connector == "#":
            a, b = sub_expressions
            return f"(({a}) | ({b})) - (({a}) & ({b}))"
        return super().combine_expression(connector, sub_expressions)

    def return_insert_columns(self, fields):
        # SQLite >= 3.35 supports RETURNING.
        if not fields:
            return "", ()
        columns = [
            f"{self.quote_name(field.model._meta.db_table)}."
            f"{self.quote_name(field.column)}"
            for field in fields
        ]
        return "RETURNING {}".format(", ".join(columns)), ()

    def fetch_returned_insert_rows(self, cursor):
        return cursor.fetchall()

    def insert_statement(self, on_conflict=None) -> str:
        if on_conflict is not None and getattr(on_conflict, "name", "") == "IGNORE":
            return "INSERT OR IGNORE INTO"
        return super().insert_statement(on_conflict=on_conflict)

    def last_insert_id(self, cursor, table_name: str, pk_name: str):
        return cursor.lastrowid
