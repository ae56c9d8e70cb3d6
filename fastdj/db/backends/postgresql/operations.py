"""SQL spelling for PostgreSQL."""

from __future__ import annotations

import json

from fastdj.conf import settings
from fastdj.db.backends.base.operations import BaseDatabaseOperations
from fastdj.db.backends.sqlite3.operations import quote_identifier

__all__ = ["DatabaseOperations"]

_EXTRACT_FIELDS = {
    "week_day": "DOW",
    "iso_week_day": "ISODOW",
    "iso_year": "ISOYEAR",
}
_VALID_EXTRACT = frozenset(
    {
        "year",
        "quarter",
        "month",
        "week",
        "day",
        "hour",
        "minute",
        "second",
        "week_day",
        "iso_week_day",
        "iso_year",
    }
)
_VALID_TRUNC = frozenset(
    {"year", "quarter", "month", "week", "day", "hour", "minute", "second"}
)
_PATTERN_LOOKUPS = frozenset(
    {
        "iexact",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "regex",
        "iregex",
    }
)


def _check_lookup(lookup_type: str, valid) -> str:
    # lookup_type is interpolated into SQL: only known names may pass.
    if lookup_type not in valid:
        raise ValueError(f"Invalid lookup type: {lookup_type!r}")
    return lookup_type


# Column types whose bulk_update arrays of ints go as array literals.
_INT_ARRAY_TYPES = frozenset({"integer", "bigint", "smallint"})


class DatabaseOperations(BaseDatabaseOperations):
    cast_char_field_without_max_length = "varchar"
    explain_prefix = "EXPLAIN"
    cast_data_types = {
        "AutoField": "integer",
        "BigAutoField": "bigint",
        "SmallAutoField": "smallint",
    }

    def quote_name(self, name: str) -> str:
        return quote_identifier(name)

    def max_name_length(self) -> int:
        return 63

    def no_limit_value(self):
        return None

    def pk_default_value(self) -> str:
        return "DEFAULT"

    def deferrable_sql(self) -> str:
        return " DEFERRABLE INITIALLY DEFERRED"

    def lookup_cast(self, lookup_type: str, internal_type: str | None = None) -> str:
        lookup = "%s"
        if lookup_type in _PATTERN_LOOKUPS:
            if internal_type in ("GenericIPAddressField", "IPAddressField"):
                lookup = "HOST(%s)"
            else:
                lookup = "%s::text"
        # The other i-lookups use ILIKE; iexact compares upper-cased values so
        # that LIKE wildcards in the value stay literal, as in Django.
        if lookup_type == "iexact":
            lookup = f"UPPER({lookup})"
        return lookup

    def prep_for_iexact_query(self, x):
        return x

    def regex_lookup(self, lookup_type: str) -> str:
        return "%s ~ %s" if lookup_type == "regex" else "%s ~* %s"

    def format_for_duration_arithmetic(self, sql):
        return f"INTERVAL '1 microsecond' * ({sql})"

    # ##### Dates #####

    def _field(self, lookup_type: str) -> str:
        _check_lookup(lookup_type, _VALID_EXTRACT)
        return _EXTRACT_FIELDS.get(lookup_type, lookup_type.upper())

    def date_extract_sql(self, lookup_type: str, sql: str, params):
        field = self._field(lookup_type)
        if lookup_type == "week_day":
            # Django's week_day: 1 = Sunday ... 7 = Saturday.
            return f"EXTRACT(DOW FROM {sql}) + 1", params
        return f"EXTRACT({field} FROM {sql})", params

    time_extract_sql = date_extract_sql

    def _prepare_tzname_delta(self, tzname: str) -> str:
        # PostgreSQL reads "+05" as west of Greenwich (POSIX): flip the sign.
        if "+" in tzname:
            return tzname.replace("+", "-")
        if "-" in tzname:
            return tzname.replace("-", "+")
        return tzname

    def _convert_sql_to_tz(self, sql: str, params, tzname):
        if tzname and settings.USE_TZ:
            return f"{sql} AT TIME ZONE %s", (
                *params,
                self._prepare_tzname_delta(tzname),
            )
        return sql, params

    def datetime_extract_sql(self, lookup_type: str, sql: str, params, tzname):
        sql, params = self._convert_sql_to_tz(sql, params, tzname)
        return self.date_extract_sql(lookup_type, sql, params)

    def datetime_cast_date_sql(self, sql: str, params, tzname):
        sql, params = self._convert_sql_to_tz(sql, params, tzname)
        return f"({sql})::date", params

    def datetime_cast_time_sql(self, sql: str, params, tzname):
        sql, params = self._convert_sql_to_tz(sql, params, tzname)
        return f"({sql})::time", params

    def date_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        _check_lookup(lookup_type, _VALID_TRUNC)
        sql, params = self._convert_sql_to_tz(sql, params, tzname)
        return f"DATE_TRUNC(%s, {sql})", (lookup_type, *params)

    def datetime_trunc_sql(self, lookup_type: str, sql: str, params, tzname):
        return self.date_trunc_sql(lookup_type, sql, params, tzname)

    def time_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        _check_lookup(lookup_type, _VALID_TRUNC)
        sql, params = self._convert_sql_to_tz(sql, params, tzname)
        return f"DATE_TRUNC(%s, {sql})::time", (lookup_type, *params)

    # ##### Clauses #####

    def distinct_sql(self, fields, params):
        if fields:
            flat = [p for group in params for p in group]
            return [f"DISTINCT ON ({', '.join(fields)})"], flat
        return ["DISTINCT"], []

    def return_insert_columns(self, fields):
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

    def bulk_insert_sql(self, fields, placeholder_rows) -> str:
        rows = ", ".join(f"({', '.join(row)})" for row in placeholder_rows)
        return f"VALUES {rows}"

    def bulk_update_from_arrays_sql(self, model, fields) -> str:
        qn = self.quote_name
        conn = self.connection
        table = qn(model._meta.db_table)
        columns = [model._meta.pk, *fields]
        arrays = ", ".join(f"%s::{f.db_type(conn)}[]" for f in columns)
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        sets = ", ".join(
            f"{qn(f.column)} = fastdj_bulk.c{i}" for i, f in enumerate(fields, 1)
        )
        pk_column = qn(model._meta.pk.column)
        return (
            f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS fastdj_bulk({names}) "
            f"WHERE {table}.{pk_column} = fastdj_bulk.c0"
        )

    def bulk_update_array_param(self, db_type: str, values: list):
        # psycopg adapts a list element by element in Python (in text format,
        # a regular expression per element): for 20 ints that is most of the
        # statement's client-side cost. Ints written as an array literal are
        # one str, which the statement's ``%s::<type>[]`` cast parses.
        if db_type in _INT_ARRAY_TYPES and all(type(v) is int for v in values):
            return "{" + ",".join(map(str, values)) + "}"
        return values

    def insert_statement(self, on_conflict=None) -> str:
        return "INSERT INTO"

    def on_conflict_suffix_sql(self, fields, on_conflict, update_fields, unique_fields):
        name = getattr(on_conflict, "name", None)
        if name == "IGNORE":
            return "ON CONFLICT DO NOTHING"
        if name == "UPDATE":
            targets = ", ".join(self.quote_name(f) for f in unique_fields)
            updates = ", ".join(
                f"{self.quote_name(f)} = EXCLUDED.{self.quote_name(f)}"
                for f in update_fields
            )
            return f"ON CONFLICT({targets}) DO UPDATE SET {updates}"
        return ""

    def last_insert_id(self, cursor, table_name: str, pk_name: str):
        # The compiler uses RETURNING on PostgreSQL; this is the fallback.
        cursor.execute(
            "SELECT CURRVAL(pg_get_serial_sequence(%s, %s))", [table_name, pk_name]
        )
        return cursor.fetchone()[0]

    def last_executed_query(self, cursor, sql: str, params) -> str:
        """Return the query as psycopg sent it (parameters shown inline)."""
        try:
            query = cursor._query
            if query is not None and getattr(query, "query", None) is not None:
                text = query.query.decode(errors="replace")
                if params:
                    return f"{text} -- params: {tuple(params)!r}"
                return text
        except AttributeError:
            pass
        return super().last_executed_query(cursor, sql, params)

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables:
            return []
        names = ", ".join(self.quote_name(t) for t in tables)
        sql = f"TRUNCATE {names}"
        if reset_sequences:
            sql += " RESTART IDENTITY"
        if allow_cascade:
            sql += " CASCADE"
        return [sql + ";"]

    def sequence_reset_by_name_sql(self, style, sequences):
        return [
            "SELECT setval(pg_get_serial_sequence('{}','{}'), 1, false);".format(
                self.quote_name(seq["table"]).replace("'", "''"),
                seq["column"].replace("'", "''"),
            )
            for seq in sequences
        ]

    def subtract_temporals(self, internal_type, lhs, rhs):
        if internal_type == "DateField":
            lhs_sql, lhs_params = lhs
            rhs_sql, rhs_params = rhs
            return (
                f"(interval '1 day' * ({lhs_sql} - {rhs_sql}))",
                (*lhs_params, *rhs_params),
            )
        return super().subtract_temporals(internal_type, lhs, rhs)

    def explain_query_prefix(self, format=None, **options) -> str:
        extra = {}
        if format:
            if format.upper() not in self.connection.features.supported_explain_formats:
                raise ValueError(f"Unknown format {format!r}.")
            extra["FORMAT"] = format.upper()
        allowed = {
            "ANALYZE",
            "BUFFERS",
            "COSTS",
            "SETTINGS",
            "SUMMARY",
            "TIMING",
            "VERBOSE",
            "WAL",
        }
        for name, value in options.items():
            if name.upper() not in allowed:
                raise ValueError(f"Unknown options: {name}")
            extra[name.upper()] = "true" if value else "false"
        if extra:
            inner = ", ".join(f"{k} {v}" for k, v in extra.items())
            return f"{self.explain_prefix} ({inner})"
        return self.explain_prefix

    # ##### Values #####

    def adapt_datefield_value(self, value):
        return value

    def adapt_datetimefield_value(self, value):
        # psycopg adapts datetimes itself (timestamptz for aware values).
        return value

    def adapt_timefield_value(self, value):
        return value

    def adapt_decimalfield_value(self, value, max_digits=None, decimal_places=None):
        return value

    def adapt_ipaddressfield_value(self, value):
        return value or None

    def adapt_json_value(self, value, encoder):
        from psycopg.types.json import Jsonb

        return Jsonb(value, dumps=lambda obj: json.dumps(obj, cls=encoder))
