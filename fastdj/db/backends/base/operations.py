"""BaseDatabaseOperations: the SQL each backend spells its own way."""

from __future__ import annotations

import datetime
import decimal
import importlib
import json
from collections.abc import Sequence

from fastdj.db.backends import utils as backend_utils
from fastdj.utils import timezone

__all__ = ["BaseDatabaseOperations"]


class BaseDatabaseOperations:
    """SQL snippets, value adaptation and result conversion for one backend.

    Method names and signatures are Django 5.2's, so the compiler and the
    fields call them the way Django's do.
    """

    compiler_module = "fastdj.db.models.sql.compiler"

    # Inclusive (min, max) per integer field type.
    integer_field_ranges = {
        "SmallIntegerField": (-32768, 32767),
        "IntegerField": (-2147483648, 2147483647),
        "BigIntegerField": (-9223372036854775808, 9223372036854775807),
        "PositiveBigIntegerField": (0, 9223372036854775807),
        "PositiveSmallIntegerField": (0, 32767),
        "PositiveIntegerField": (0, 2147483647),
        "SmallAutoField": (-32768, 32767),
        "AutoField": (-2147483648, 2147483647),
        "BigAutoField": (-9223372036854775808, 9223372036854775807),
    }
    set_operators = {
        "union": "UNION",
        "intersection": "INTERSECT",
        "difference": "EXCEPT",
    }
    cast_data_types: dict[str, str] = {}
    cast_char_field_without_max_length: str | None = None

    PRECEDING = "PRECEDING"
    FOLLOWING = "FOLLOWING"
    UNBOUNDED_PRECEDING = "UNBOUNDED " + PRECEDING
    UNBOUNDED_FOLLOWING = "UNBOUNDED " + FOLLOWING
    CURRENT_ROW = "CURRENT ROW"

    explain_prefix: str | None = None

    def __init__(self, connection):
        self.connection = connection
        self._cache = None

    # ##### Identifiers and placeholders #####

    def quote_name(self, name: str) -> str:
        """Return ``name`` quoted as an identifier (idempotent)."""
        raise NotImplementedError

    def max_name_length(self) -> int | None:
        return None

    def compiler(self, compiler_name: str):
        """Return the SQLCompiler subclass named ``compiler_name``."""
        if self._cache is None:
            self._cache = importlib.import_module(self.compiler_module)
        return getattr(self._cache, compiler_name)

    def pk_default_value(self) -> str:
        return "DEFAULT"

    def binary_placeholder_sql(self, value) -> str:
        return "%s"

    def modify_insert_params(self, placeholder, params):
        return params

    # ##### Lookups and patterns #####

    def lookup_cast(self, lookup_type: str, internal_type: str | None = None) -> str:
        """Return the SQL wrapping the left side of ``lookup_type`` (with %s)."""
        return "%s"

    def field_cast_sql(self, db_type, internal_type) -> str:
        return "%s"

    def prep_for_like_query(self, x) -> str:
        """Escape LIKE's wildcards and the escape character in ``x``."""
        return str(x).replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")

    prep_for_iexact_query = prep_for_like_query

    def regex_lookup(self, lookup_type: str) -> str:
        raise NotImplementedError(
            "subclasses of BaseDatabaseOperations may require a regex_lookup() method"
        )

    def max_in_list_size(self) -> int | None:
        return None

    # ##### Dates and times #####

    def date_extract_sql(self, lookup_type: str, sql: str, params):
        raise NotImplementedError

    def date_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        raise NotImplementedError

    def datetime_cast_date_sql(self, sql: str, params, tzname):
        raise NotImplementedError

    def datetime_cast_time_sql(self, sql: str, params, tzname):
        raise NotImplementedError

    def datetime_extract_sql(self, lookup_type: str, sql: str, params, tzname):
        raise NotImplementedError

    def datetime_trunc_sql(self, lookup_type: str, sql: str, params, tzname):
        raise NotImplementedError

    def time_trunc_sql(self, lookup_type: str, sql: str, params, tzname=None):
        raise NotImplementedError

    def time_extract_sql(self, lookup_type: str, sql: str, params):
        return self.date_extract_sql(lookup_type, sql, params)

    def format_for_duration_arithmetic(self, sql):
        raise NotImplementedError

    def year_lookup_bounds_for_date_field(self, value: int, iso_year=False):
        """Return [first, last] day of year ``value`` as adapted values."""
        if iso_year:
            first = datetime.date.fromisocalendar(value, 1, 1)
            second = datetime.date.fromisocalendar(
                value + 1, 1, 1
            ) - datetime.timedelta(days=1)
        else:
            first = datetime.date(value, 1, 1)
            second = datetime.date(value, 12, 31)
        return [self.adapt_datefield_value(first), self.adapt_datefield_value(second)]

    def year_lookup_bounds_for_datetime_field(self, value: int, iso_year=False):
        """Return [first, last] instant of year ``value`` as adapted values."""
        if iso_year:
            first = datetime.datetime.fromisocalendar(value, 1, 1)
            second = datetime.datetime.fromisocalendar(
                value + 1, 1, 1
            ) - datetime.timedelta(microseconds=1)
        else:
            first = datetime.datetime(value, 1, 1)
            second = datetime.datetime(value, 12, 31, 23, 59, 59, 999999)
        from fastdj.conf import settings

        if settings.USE_TZ:
            tz = timezone.get_current_timezone()
            first = timezone.make_aware(first, tz)
            second = timezone.make_aware(second, tz)
        return [
            self.adapt_datetimefield_value(first),
            self.adapt_datetimefield_value(second),
        ]

    # ##### Query clauses #####

    def distinct_sql(self, fields, params):
        """Return (sql parts, params) for SELECT DISTINCT [ON (fields)]."""
        if fields:
            from fastdj.db.utils import NotSupportedError

            raise NotSupportedError(
                "DISTINCT ON fields is not supported by this database backend"
            )
        return ["DISTINCT"], []

    def force_no_ordering(self):
        return []

    def force_group_by(self):
        return []

    def for_update_sql(self, nowait=False, skip_locked=False, of=(), no_key=False):
        return "FOR{} UPDATE{}{}{}".format(
            " NO KEY" if no_key else "",
            " OF {}".format(", ".join(of)) if of else "",
            " NOWAIT" if nowait else "",
            " SKIP LOCKED" if skip_locked else "",
        )

    def no_limit_value(self):
        """Return the LIMIT value meaning "no limit" (None: omit LIMIT)."""
        raise NotImplementedError

    def _get_limit_offset_params(self, low_mark, high_mark):
        offset = low_mark or 0
        if high_mark is not None:
            return (high_mark - offset), offset
        if offset:
            return self.connection.ops.no_limit_value(), offset
        return None, offset

    def limit_offset_sql(self, low_mark, high_mark) -> str:
        """Return LIMIT/OFFSET SQL for a slice [low_mark:high_mark]."""
        limit, offset = self._get_limit_offset_params(low_mark, high_mark)
        parts = []
        if limit is not None:
            parts.append(f"LIMIT {int(limit)}")
        if offset:
            parts.append(f"OFFSET {int(offset)}")
        return " ".join(parts)

    def bulk_insert_sql(self, fields, placeholder_rows) -> str:
        rows = ", ".join(f"({', '.join(row)})" for row in placeholder_rows)
        return f"VALUES {rows}"

    def bulk_batch_size(self, fields, objs) -> int:
        return len(objs)

    def bulk_update_from_arrays_sql(self, model, fields) -> str | None:
        """Return an UPDATE of ``fields`` fed one array parameter per column, or None.

        The first array holds primary keys, the others the new values, in
        order. A backend that can join a table to arrays (PostgreSQL's unnest)
        updates a whole bulk_update() batch with SQL whose text and parameter
        count do not depend on the batch size; the others return None and
        bulk_update() sends Django's CASE statement.
        """
        return None

    def bulk_update_array_param(self, db_type: str, values: list):
        """Return the parameter carrying ``values`` as an array of ``db_type``.

        One per column of bulk_update_from_arrays_sql()'s statement; the
        default is the list itself, which the driver adapts to an array.
        """
        return values

    def insert_statement(self, on_conflict=None) -> str:
        return "INSERT INTO"

    def on_conflict_suffix_sql(self, fields, on_conflict, update_fields, unique_fields):
        return ""

    def return_insert_columns(self, fields):
        """Return (sql, params) of a RETURNING clause for ``fields``, if any."""
        return "", ()

    def fetch_returned_insert_columns(self, cursor, returning_params):
        return cursor.fetchone()

    def last_insert_id(self, cursor, table_name: str, pk_name: str):
        """Return the id of the row the last INSERT on ``cursor`` created."""
        return cursor.lastrowid

    def last_executed_query(self, cursor, sql: str, params) -> str:
        """Return the SQL with its params inlined, for logging only."""

        def to_string(s):
            if isinstance(s, bytes):
                return s.decode(errors="replace")
            return str(s)

        if isinstance(params, (list, tuple)):
            u_params = tuple(to_string(val) for val in params)
        elif params is None:
            u_params = ()
        else:
            u_params = {to_string(k): to_string(v) for k, v in params.items()}
        return f"QUERY = {sql!r} - PARAMS = {u_params!r}"

    def explain_query_prefix(self, format=None, **options) -> str:
        from fastdj.db.utils import NotSupportedError

        if not self.connection.features.supports_explaining_query_execution:
            raise NotSupportedError(
                "This backend does not support explaining query execution."
            )
        if format:
            raise ValueError(f"Unknown format {format!r}.")
        if options:
            raise ValueError(f"Unknown options: {', '.join(sorted(options))}")
        return self.explain_prefix

    def prepare_sql_script(self, sql: str) -> list[str]:
        """Split a script into statements (naively, on semicolons at line ends)."""
        statements = []
        current: list[str] = []
        for line in sql.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("--"):
                continue
            current.append(line)
            if stripped.endswith(";"):
                statements.append("\n".join(current))
                current = []
        if current:
            statements.append("\n".join(current))
        return statements

    def combine_expression(self, connector: str, sub_expressions: Sequence[str]) -> str:
        """Join ``sub_expressions`` with the arithmetic ``connector``."""
        conn = f" {connector} "
        return conn.join(sub_expressions)

    def combine_duration_expression(self, connector, sub_expressions):
        return self.combine_expression(connector, sub_expressions)

    def unification_cast_sql(self, output_field) -> str:
        return "%s"

    def check_expression_support(self, expression) -> None:
        """Raise NotSupportedError if ``expression`` can't run on this backend."""

    def conditional_expression_supported_in_where_clause(self, expression) -> bool:
        return True

    def subtract_temporals(self, internal_type, lhs, rhs):
        from fastdj.db.utils import NotSupportedError

        if self.connection.features.supports_temporal_subtraction:
            lhs_sql, lhs_params = lhs
            rhs_sql, rhs_params = rhs
            return f"({lhs_sql} - {rhs_sql})", (*lhs_params, *rhs_params)
        raise NotSupportedError(
            f"This backend does not support {internal_type} subtraction."
        )

    def integer_field_range(self, internal_type: str):
        """Return the (min, max) of ``internal_type``, None meaning unbounded."""
        return self.integer_field_ranges[internal_type]

    def prepare_join_on_clause(self, lhs_table, lhs_field, rhs_table, rhs_field):
        from fastdj.db.models.expressions import Col

        lhs_expr = Col(lhs_table, lhs_field)
        rhs_expr = Col(rhs_table, rhs_field)
        return lhs_expr, rhs_expr

    # ##### Savepoints and transactions #####

    def savepoint_create_sql(self, sid: str) -> str:
        return f"SAVEPOINT {self.quote_name(sid)}"

    def savepoint_commit_sql(self, sid: str) -> str:
        return f"RELEASE SAVEPOINT {self.quote_name(sid)}"

    def savepoint_rollback_sql(self, sid: str) -> str:
        return f"ROLLBACK TO SAVEPOINT {self.quote_name(sid)}"

    def start_transaction_sql(self) -> str:
        return "BEGIN;"

    def end_transaction_sql(self, success: bool = True) -> str:
        return "COMMIT;" if success else "ROLLBACK;"

    def set_time_zone_sql(self) -> str:
        return ""

    def deferrable_sql(self) -> str:
        return ""

    def tablespace_sql(self, tablespace, inline=False) -> str:
        return ""

    # ##### Flush and sequences #####

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Return the statements that empty ``tables``."""
        raise NotImplementedError

    def execute_sql_flush(self, sql_list) -> None:
        """Run the statements of sql_flush() atomically."""
        from fastdj.db import transaction

        with transaction.atomic(
            using=self.connection.alias,
            savepoint=self.connection.features.can_rollback_ddl,
        ):
            with self.connection.cursor() as cursor:
                for sql in sql_list:
                    cursor.execute(sql)

    def sequence_reset_by_name_sql(self, style, sequences):
        return []

    def sequence_reset_sql(self, style, model_list):
        return []

    def autoinc_sql(self, table, column):
        return None

    # ##### Value adaptation (Python -> database) #####

    def validate_autopk_value(self, value):
        return value

    def adapt_unknown_value(self, value):
        """Adapt a value whose field is unknown, by its Python type."""
        if isinstance(value, datetime.datetime):
            return self.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return self.adapt_datefield_value(value)
        if isinstance(value, datetime.time):
            return self.adapt_timefield_value(value)
        if isinstance(value, decimal.Decimal):
            return self.adapt_decimalfield_value(value)
        return value

    def adapt_integerfield_value(self, value, internal_type):
        return value

    def adapt_datefield_value(self, value):
        if value is None:
            return None
        return str(value)

    def adapt_datetimefield_value(self, value):
        if value is None:
            return None
        # Expressions (e.g. F() or a function) pass through untouched.
        if hasattr(value, "resolve_expression"):
            return value
        return str(value)

    def adapt_timefield_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        if timezone.is_aware(value):
            raise ValueError("Database backend does not support timezone-aware times.")
        return str(value)

    def adapt_decimalfield_value(self, value, max_digits=None, decimal_places=None):
        return value

    def adapt_ipaddressfield_value(self, value):
        return value or None

    def adapt_json_value(self, value, encoder):
        return json.dumps(value, cls=encoder)

    # ##### Result conversion (database -> Python) #####

    def get_db_converters(self, expression) -> list:
        """Return converters(value, expression, connection) for ``expression``."""
        return []

    def convert_durationfield_value(self, value, expression, connection):
        if value is not None:
            return datetime.timedelta(0, 0, value)
        return None

    def format_number(self, value, max_digits, decimal_places):
        return backend_utils.format_number(value, max_digits, decimal_places)
