"""SQLite backend on the standard library's sqlite3: the embedded default."""

from __future__ import annotations

import datetime
import decimal
import functools
import re
import sqlite3 as Database
import zoneinfo
from collections.abc import Mapping

from fastdj import _accel
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db.backends.base.base import BaseDatabaseWrapper
from fastdj.db.backends.sqlite3 import _functions
from fastdj.db.backends.sqlite3.creation import DatabaseCreation
from fastdj.db.backends.sqlite3.features import DatabaseFeatures
from fastdj.db.backends.sqlite3.introspection import DatabaseIntrospection
from fastdj.db.backends.sqlite3.operations import DatabaseOperations
from fastdj.db.backends.sqlite3.schema import DatabaseSchemaEditor

__all__ = ["Database", "DatabaseWrapper", "SQLiteCursorWrapper"]


# Column types declared by data_types are converted on fetch
# (detect_types=PARSE_DECLTYPES); registration is process-wide in sqlite3.
Database.register_converter("bool", b"1".__eq__)


def _register_date_converters() -> None:
    """Register the rows kernel's parsers for the date/time column types.

    sqlite3 hands converters the column's bytes. The rows kernel parses them
    (in C with its Cython twin), once: the backend's field converters then
    return the value unchanged (see passthrough_types in operations.py).
    Called when a connection opens, so the kernel is chosen after start-up.
    """
    rows = _accel.kernel("rows")
    Database.register_converter("date", rows.date_from_bytes)
    Database.register_converter("time", rows.time_from_bytes)
    Database.register_converter("datetime", rows.datetime_from_bytes)
    Database.register_converter("timestamp", rows.datetime_from_bytes)


Database.register_adapter(decimal.Decimal, str)
# Python 3.12 deprecates the default date adapters: state them explicitly.
Database.register_adapter(datetime.date, lambda v: v.isoformat())
Database.register_adapter(datetime.datetime, lambda v: v.isoformat(" "))
Database.register_adapter(datetime.time, lambda v: v.isoformat())

# "%s" not preceded by "%" (an escaped "%%s" stays literal).
_FORMAT_QMARK_REGEX = re.compile(r"(?<!%)%s")


class SQLiteCursorWrapper(Database.Cursor):
    """Accept the "%s" (format) paramstyle every fastdj backend speaks."""

    def execute(self, query, params=None):
        if params is None:
            return super().execute(query)
        query = self.convert_query(
            query, param_names=list(params) if isinstance(params, Mapping) else None
        )
        return super().execute(query, params)

    def executemany(self, query, param_list):
        # The first row decides the placeholder style; sqlite3 checks the rest.
        param_list = list(param_list)
        if not param_list:
            return self
        first = param_list[0]
        query = self.convert_query(
            query, param_names=list(first) if isinstance(first, Mapping) else None
        )
        return super().executemany(query, param_list)

    @staticmethod
    def convert_query(query: str, *, param_names=None) -> str:
        if param_names is None:
            return _convert_format_query(query)
        # Named "%(name)s" placeholders become ":name".
        return query % {name: f":{name}" for name in param_names}


@functools.lru_cache(maxsize=2048)
def _convert_format_query(query: str) -> str:
    # The ORM repeats the same SQL with new values: convert each text once.
    return _FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class DatabaseWrapper(BaseDatabaseWrapper):
    vendor = "sqlite"
    display_name = "SQLite"

    data_types = {
        "AutoField": "integer",
        "BigAutoField": "integer",
        "BinaryField": "BLOB",
        "BooleanField": "bool",
        "CharField": "varchar(%(max_length)s)",
        "DateField": "date",
        "DateTimeField": "datetime",
        "DecimalField": "decimal",
        "DurationField": "bigint",
        "FileField": "varchar(%(max_length)s)",
        "FilePathField": "varchar(%(max_length)s)",
        "FloatField": "real",
        "IntegerField": "integer",
        "BigIntegerField": "bigint",
        "IPAddressField": "char(15)",
        "GenericIPAddressField": "char(39)",
        "JSONField": "text",
        "OneToOneField": "integer",
        "PositiveBigIntegerField": "bigint unsigned",
        "PositiveIntegerField": "integer unsigned",
        "PositiveSmallIntegerField": "smallint unsigned",
        "SlugField": "varchar(%(max_length)s)",
        "SmallAutoField": "integer",
        "SmallIntegerField": "smallint",
        "TextField": "text",
        "TimeField": "time",
        "UUIDField": "char(32)",
    }
    data_type_check_constraints = {
        "PositiveBigIntegerField": '"%(column)s" >= 0',
        "JSONField": '(JSON_VALID("%(column)s") OR "%(column)s" IS NULL)',
        "PositiveIntegerField": '"%(column)s" >= 0',
        "PositiveSmallIntegerField": '"%(column)s" >= 0',
    }
    data_types_suffix = {
        "AutoField": "AUTOINCREMENT",
        "BigAutoField": "AUTOINCREMENT",
        "SmallAutoField": "AUTOINCREMENT",
    }
    # SQLite's LIKE is case-insensitive for ASCII, so the case-sensitive
    # lookups use it too, exactly as Django does on SQLite.
    operators = {
        "exact": "= %s",
        "iexact": "LIKE %s ESCAPE '\\'",
        "contains": "LIKE %s ESCAPE '\\'",
        "icontains": "LIKE %s ESCAPE '\\'",
        "regex": "REGEXP %s",
        "iregex": "REGEXP '(?i)' || %s",
        "gt": "> %s",
        "gte": ">= %s",
        "lt": "< %s",
        "lte": "<= %s",
        "startswith": "LIKE %s ESCAPE '\\'",
        "endswith": "LIKE %s ESCAPE '\\'",
        "istartswith": "LIKE %s ESCAPE '\\'",
        "iendswith": "LIKE %s ESCAPE '\\'",
    }
    # For a right side that is an expression (F(), a column), not a value.
    pattern_esc = r"REPLACE(REPLACE(REPLACE({}, '\', '\\'), '%%', '\%%'), '_', '\_')"
    pattern_ops = {
        "contains": r"LIKE '%%' || {} || '%%' ESCAPE '\'",
        "icontains": r"LIKE '%%' || UPPER({}) || '%%' ESCAPE '\'",
        "startswith": r"LIKE {} || '%%' ESCAPE '\'",
        "istartswith": r"LIKE UPPER({}) || '%%' ESCAPE '\'",
        "endswith": r"LIKE '%%' || {} ESCAPE '\'",
        "iendswith": r"LIKE '%%' || UPPER({}) ESCAPE '\'",
    }

    Database = Database
    SchemaEditorClass = DatabaseSchemaEditor
    creation_class = DatabaseCreation
    features_class = DatabaseFeatures
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations

    @property
    def timezone(self):
        """Return the zone naive datetimes are stored in (UTC with USE_TZ)."""
        from fastdj.conf import settings

        if not settings.USE_TZ:
            return None
        name = self.settings_dict["TIME_ZONE"]
        if name is None:
            return datetime.timezone.utc
        return zoneinfo.ZoneInfo(name)

    @property
    def timezone_name(self) -> str | None:
        from fastdj.conf import settings

        if not settings.USE_TZ:
            return None
        return self.settings_dict["TIME_ZONE"] or "UTC"

    def get_database_version(self):
        return Database.sqlite_version_info

    def get_connection_params(self) -> dict:
        settings_dict = self.settings_dict
        if not settings_dict["NAME"]:
            raise ImproperlyConfigured(
                "settings.DATABASES is improperly configured. Please supply the "
                "NAME value."
            )
        kwargs = {
            "database": settings_dict["NAME"],
            "detect_types": Database.PARSE_DECLTYPES | Database.PARSE_COLNAMES,
            **settings_dict["OPTIONS"],
        }
        # Connections are shared across threads only under the
        # inc_thread_sharing() protocol, which the wrapper enforces itself.
        kwargs["check_same_thread"] = False
        kwargs["uri"] = True
        kwargs.pop("init_command", None)
        kwargs.pop("transaction_mode", None)
        return kwargs

    def get_new_connection(self, conn_params: dict):
        _register_date_converters()
        conn = Database.connect(**conn_params)
        _functions.register(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        # The schema editor renames nothing, but a half-legacy ALTER is a trap.
        conn.execute("PRAGMA legacy_alter_table = OFF")
        init_command = self.settings_dict["OPTIONS"].get("init_command")
        if init_command:
            for statement in init_command.split(";"):
                if statement.strip():
                    conn.execute(statement)
        return conn

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)

    def _close(self) -> None:
        # An in-memory database lives only as long as its connection; closing
        # is still right, a test that wants persistence uses a file.
        if self.connection is not None:
            with self.wrap_database_errors:
                self.connection.close()

    def _set_autocommit(self, autocommit: bool) -> None:
        # isolation_level None is sqlite3's real autocommit; "" makes the
        # module open a transaction before data-changing statements.
        level = None if autocommit else ""
        with self.wrap_database_errors:
            self.connection.isolation_level = level

    def set_autocommit(
        self, autocommit: bool, force_begin_transaction_with_broken_autocommit=False
    ) -> None:
        if force_begin_transaction_with_broken_autocommit and not autocommit:
            # atomic(): stay in driver autocommit and BEGIN explicitly, so
            # reads and DDL at the start of the block are in the transaction.
            self.validate_no_atomic_block()
            self.close_if_health_check_failed()
            self.ensure_connection()
            self._start_transaction_under_autocommit()
            self.autocommit = False
            return
        super().set_autocommit(autocommit)

    def _start_transaction_under_autocommit(self) -> None:
        mode = self.settings_dict["OPTIONS"].get("transaction_mode")
        if mode is not None and mode.upper() not in (
            "DEFERRED",
            "IMMEDIATE",
            "EXCLUSIVE",
        ):
            raise ImproperlyConfigured(
                f"settings.DATABASES[{self.alias!r}]['OPTIONS']['transaction_mode'] "
                f"is improperly configured to {mode!r}. Use one of 'DEFERRED', "
                "'EXCLUSIVE', 'IMMEDIATE', or None."
            )
        with self.cursor() as cursor:
            cursor.execute(f"BEGIN {mode.upper()}" if mode else "BEGIN")

    def _savepoint(self, sid: str) -> None:
        # In manual mode sqlite3 opens a transaction only before a write; a
        # SAVEPOINT outside one would become the transaction itself, and its
        # RELEASE would commit behind the caller's back (Django has this bug).
        if not self.connection.in_transaction:
            with self.cursor() as cursor:
                cursor.execute("BEGIN")
        super()._savepoint(sid)

    def is_usable(self) -> bool:
        return True

    def disable_constraint_checking(self) -> bool:
        with self.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            # The pragma is a no-op inside a transaction; report whether it took.
            enabled = cursor.execute("PRAGMA foreign_keys").fetchone()[0]
        return not bool(enabled)

    def enable_constraint_checking(self) -> None:
        with self.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")

    def check_constraints(self, table_names=None) -> None:
        """Raise IntegrityError for any row with a dangling foreign key."""
        from fastdj.db.utils import IntegrityError

        with self.cursor() as cursor:
            if table_names is None:
                violations = cursor.execute("PRAGMA foreign_key_check").fetchall()
            else:
                violations = []
                for table in table_names:
                    violations.extend(
                        cursor.execute(
                            f"PRAGMA foreign_key_check({self.ops.quote_name(table)})"
                        ).fetchall()
                    )
        if violations:
            table, rowid, referenced, _ = violations[0]
            raise IntegrityError(
                f"The row in table {table!r} with rowid {rowid} has an invalid "
                f"foreign key referencing {referenced!r}."
            )
