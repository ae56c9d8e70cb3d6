"""PostgreSQL backend on psycopg 3, with optional psycopg_pool pooling."""

from __future__ import annotations

import os
import threading

import psycopg as Database
from psycopg import IsolationLevel
from psycopg.adapt import AdaptersMap
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.string import TextLoader

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db.backends.base.base import BaseDatabaseWrapper
from fastdj.db.backends.postgresql.creation import DatabaseCreation
from fastdj.db.backends.postgresql.features import DatabaseFeatures
from fastdj.db.backends.postgresql.introspection import DatabaseIntrospection
from fastdj.db.backends.postgresql.operations import DatabaseOperations
from fastdj.db.backends.postgresql.schema import DatabaseSchemaEditor

__all__ = ["Cursor", "Database", "DatabaseWrapper"]

# Settings left empty are filled from these variables, then the defaults.
_ENV_DEFAULTS = {
    "HOST": ("FASTDJ_PG_HOST", "127.0.0.1"),
    "PORT": ("FASTDJ_PG_PORT", "5432"),
    "USER": ("FASTDJ_PG_USER", "postgres"),
    "NAME": ("FASTDJ_PG_NAME", "test"),
}

# OPTIONS keys that configure fastdj, not libpq.
_FASTDJ_OPTIONS = ("pool", "server_side_binding", "isolation_level", "assume_role")


def _adapters(use_tz: bool) -> AdaptersMap:
    """Return the adapters every connection gets (built per settings)."""
    ctx = AdaptersMap(Database.adapters)
    # JSONField decodes the text itself (it may use a custom decoder).
    ctx.register_loader("jsonb", TextLoader)
    ctx.register_loader("json", TextLoader)
    # Network types stay strings, as the fields expect.
    ctx.register_loader("inet", TextLoader)
    ctx.register_loader("cidr", TextLoader)
    if not use_tz:
        ctx.register_loader("timestamptz", _NaiveTimestamptzLoader)
    return ctx


class Cursor(Database.Cursor):
    """psycopg's server-side binding cursor, surviving stale prepared statements.

    A statement psycopg prepared (on its 5th run, by default) fails for good
    with "cached plan must not change result type" once another session
    changes the type of a column it returns. Outside a transaction nothing
    was done and nothing is lost: drop every prepared statement of the
    connection and run the query again. Inside one, the error stands (the
    transaction is aborted) and the rollback drops the statements.
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        try:
            if prepare is None and binary is None:
                # psycopg's own defaults: the common call, without keywords.
                return _cursor_execute(self, query, params)
            return _cursor_execute(self, query, params, prepare=prepare, binary=binary)
        except Database.errors.FeatureNotSupported as exc:
            if not _is_stale_plan_outside_transaction(exc, self.connection):
                raise
        # DEALLOCATE ALL also empties psycopg's own record of the statements.
        self.connection.execute("DEALLOCATE ALL")
        return super().execute(query, params, prepare=prepare, binary=binary)


def _is_stale_plan_outside_transaction(exc: BaseException, conn) -> bool:
    """Return True for Cursor's recoverable error: a stale plan, no transaction."""
    return (
        isinstance(exc, Database.errors.FeatureNotSupported)
        and exc.diag.source_function == "RevalidateCachedQuery"
        and conn.info.transaction_status == _IDLE
    )


_IDLE = Database.pq.TransactionStatus.IDLE

try:
    from fastdj.db.backends.postgresql.fetch import PreparedFetcher
except ImportError:  # a psycopg without the private query class it builds on
    PreparedFetcher = Database.Cursor
_cursor_execute = Database.Cursor.execute


class _NaiveTimestamptzLoader(TimestamptzLoader):
    """Without USE_TZ, return naive datetimes in the session's time zone."""

    def load(self, data):
        return super().load(data).replace(tzinfo=None)


class DatabaseWrapper(BaseDatabaseWrapper):
    vendor = "postgresql"
    display_name = "PostgreSQL"

    data_types = {
        "AutoField": "integer",
        "BigAutoField": "bigint",
        "BinaryField": "bytea",
        "BooleanField": "boolean",
        "CharField": "varchar(%(max_length)s)",
        "DateField": "date",
        "DateTimeField": "timestamp with time zone",
        "DecimalField": "numeric(%(max_digits)s, %(decimal_places)s)",
        "DurationField": "interval",
        "FileField": "varchar(%(max_length)s)",
        "FilePathField": "varchar(%(max_length)s)",
        "FloatField": "double precision",
        "IntegerField": "integer",
        "BigIntegerField": "bigint",
        "IPAddressField": "inet",
        "GenericIPAddressField": "inet",
        "JSONField": "jsonb",
        "OneToOneField": "integer",
        "PositiveBigIntegerField": "bigint",
        "PositiveIntegerField": "integer",
        "PositiveSmallIntegerField": "smallint",
        "SlugField": "varchar(%(max_length)s)",
        "SmallAutoField": "smallint",
        "SmallIntegerField": "smallint",
        "TextField": "text",
        "TimeField": "time",
        "UUIDField": "uuid",
    }
    data_type_check_constraints = {
        "PositiveBigIntegerField": '"%(column)s" >= 0',
        "PositiveIntegerField": '"%(column)s" >= 0',
        "PositiveSmallIntegerField": '"%(column)s" >= 0',
    }
    data_types_suffix = {
        "AutoField": "GENERATED BY DEFAULT AS IDENTITY",
        "BigAutoField": "GENERATED BY DEFAULT AS IDENTITY",
        "SmallAutoField": "GENERATED BY DEFAULT AS IDENTITY",
    }
    # Case-insensitive pattern lookups use ILIKE (index-friendly with
    # pg_trgm); iexact keeps Django's "= UPPER(...)" so "%" and "_" in the
    # value are not wildcards.
    operators = {
        "exact": "= %s",
        "iexact": "= UPPER(%s)",
        "contains": "LIKE %s",
        "icontains": "ILIKE %s",
        "regex": "~ %s",
        "iregex": "~* %s",
        "gt": "> %s",
        "gte": ">= %s",
        "lt": "< %s",
        "lte": "<= %s",
        "startswith": "LIKE %s",
        "endswith": "LIKE %s",
        "istartswith": "ILIKE %s",
        "iendswith": "ILIKE %s",
    }
    pattern_esc = (
        r"REPLACE(REPLACE(REPLACE({}, E'\\', E'\\\\'), E'%%', E'\\%%'), E'_', E'\\_')"
    )
    pattern_ops = {
        "contains": "LIKE '%%' || {} || '%%'",
        "icontains": "ILIKE '%%' || {} || '%%'",
        "startswith": "LIKE {} || '%%'",
        "istartswith": "ILIKE {} || '%%'",
        "endswith": "LIKE '%%' || {}",
        "iendswith": "ILIKE '%%' || {}",
    }

    Database = Database
    SchemaEditorClass = DatabaseSchemaEditor
    creation_class = DatabaseCreation
    features_class = DatabaseFeatures
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations

    # One pool per alias and settings, shared by every thread's wrapper.
    _pools: dict = {}
    _pools_lock = threading.Lock()

    def __init__(self, settings_dict: dict, alias: str = "default"):
        settings_dict = dict(settings_dict)
        for key, (env, default) in _ENV_DEFAULTS.items():
            if not settings_dict.get(key):
                settings_dict[key] = os.environ.get(env) or default
        super().__init__(settings_dict, alias)
        # The pool the current connection came from (None: not pooled).
        self._connection_pool = None
        self._named_cursor_idx = 0

    @property
    def timezone_name(self) -> str:
        from fastdj.conf import settings

        if not settings.USE_TZ:
            return settings.TIME_ZONE
        return self.settings_dict["TIME_ZONE"] or "UTC"

    # ##### Connection parameters and pool #####

    def get_database_version(self):
        """Return (major, minor) of the server, read from the connection."""
        if self.connection is None:
            with self.temporary_connection():
                return self.get_database_version()
        return divmod(self.connection.info.server_version, 10000)

    def _libpq_params(self) -> dict:
        settings_dict = self.settings_dict
        name = settings_dict["NAME"]
        if len(name) > self.ops.max_name_length():
            raise ImproperlyConfigured(
                f"The database name {name!r} ({len(name)} characters) is longer "
                f"than PostgreSQL's limit of {self.ops.max_name_length()} characters."
            )
        params = {
            "dbname": name,
            "user": settings_dict["USER"],
            "host": settings_dict["HOST"],
            "port": str(settings_dict["PORT"]),
            "client_encoding": "UTF8",
        }
        if settings_dict["PASSWORD"]:
            params["password"] = settings_dict["PASSWORD"]
        for key, value in settings_dict["OPTIONS"].items():
            if key not in _FASTDJ_OPTIONS:
                params[key] = value
        return params

    def get_connection_params(self) -> dict:
        from fastdj.conf import settings

        params = self._libpq_params()
        binding = self.settings_dict["OPTIONS"].get("server_side_binding", True)
        # Server-side binding (the default) sends values apart from the SQL;
        # False interpolates them client-side (for poolers like pgbouncer).
        params["cursor_factory"] = (
            Cursor if binding is not False else Database.ClientCursor
        )
        params["context"] = _adapters(settings.USE_TZ)
        # OPTIONS "prepare_threshold" (psycopg's, default 5) decides when a
        # query is prepared on the server; None turns preparing off, as
        # transaction-mode poolers without prepared statement support need.
        return params

    @property
    def pool_options(self) -> dict | None:
        pool = self.settings_dict["OPTIONS"].get("pool")
        if not pool:
            return None
        if self.settings_dict["CONN_MAX_AGE"] != 0:
            raise ImproperlyConfigured(
                "Pooling doesn't support persistent connections: set CONN_MAX_AGE "
                f"of database {self.alias!r} to 0."
            )
        return {} if pool is True else dict(pool)

    @property
    def pool(self):
        """Return this alias's psycopg_pool.ConnectionPool, or None."""
        options = self.pool_options
        if options is None:
            return None
        key = (self.alias, repr(sorted(self._libpq_params().items())), repr(options))
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is None:
                from psycopg_pool import ConnectionPool

                params = self.get_connection_params()
                # Health checks cost a round trip per checkout: only if asked.
                check = (
                    ConnectionPool.check_connection
                    if self.settings_dict["CONN_HEALTH_CHECKS"]
                    else None
                )
                options.setdefault("min_size", 1)
                options.setdefault("max_size", 10)
                options.setdefault("timeout", 10)
                pool = ConnectionPool(
                    kwargs=params,
                    open=True,
                    name=f"fastdj-{self.alias}",
                    # Give connections back clean: nothing pending, autocommit.
                    reset=_reset_pooled,
                    check=check,
                    **options,
                )
                # Fail now, with the server's error, if it is unreachable.
                pool.wait(timeout=options["timeout"])
                self._pools[key] = pool
        return pool

    @classmethod
    def close_pools(cls) -> None:
        """Close every pool (at shutdown or between tests)."""
        with cls._pools_lock:
            pools = list(cls._pools.values())
            cls._pools.clear()
        for pool in pools:
            pool.close()

    def get_new_connection(self, conn_params: dict):
        pool = self.pool
        if pool is not None:
            conn = pool.getconn()
        else:
            conn = Database.connect(**conn_params)
        self._connection_pool = pool
        level = self.settings_dict["OPTIONS"].get("isolation_level")
        if level is not None:
            try:
                conn.isolation_level = IsolationLevel(level)
            except ValueError:
                raise ImproperlyConfigured(
                    f"Invalid transaction isolation level {level!r} specified. "
                    "Use one of the psycopg.IsolationLevel values."
                ) from None
        return conn

    def init_connection_state(self) -> None:
        tz = self.timezone_name
        if tz and self.connection.info.parameter_status("TimeZone") != tz:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('TimeZone', %s, false)", [tz])
            if not self.get_autocommit():
                self.connection.commit()
        role = self.settings_dict["OPTIONS"].get("assume_role")
        if role:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SET ROLE {self.ops.quote_name(role)}")

    def create_cursor(self, name=None):
        if name:
            # A server-side cursor; outside a transaction it must survive the
            # implicit commit of each statement (WITH HOLD).
            return self.connection.cursor(
                name, scrollable=False, withhold=self.connection.autocommit
            )
        return self.connection.cursor()

    def _create_fetch_cursor(self):
        # With server-side binding (Cursor), a PreparedFetcher: psycopg's
        # cursor, but a query run often enough outside a transaction goes
        # straight to libpq's prepared-statement call (see fetch.py).
        # execute_fetchall() asks _fetch_error_is_recoverable() about the one
        # error Cursor recovers from.
        raw = self.connection
        if raw.cursor_factory is Cursor:
            return PreparedFetcher(raw)
        return raw.cursor()

    def _fetch_error_is_recoverable(self, exc: BaseException) -> bool:
        return _is_stale_plan_outside_transaction(exc, self.connection)

    def chunked_cursor(self):
        """Return a server-side cursor: rows stream in fetchmany() chunks."""
        self._named_cursor_idx += 1
        return self._cursor(
            name=f"_fastdj_curs_{threading.get_ident()}_{self._named_cursor_idx}"
        )

    def _close(self) -> None:
        if self.connection is None:
            return
        if self._connection_pool is not None:
            with self.wrap_database_errors:
                # The pool discards broken connections and resets the others.
                self._connection_pool.putconn(self.connection)
            return
        with self.wrap_database_errors:
            self.connection.close()

    def _close_raw(self) -> None:
        try:
            if self._connection_pool is not None:
                self._connection_pool.putconn(self.connection)
            else:
                self.connection.close()
        except Exception:
            pass

    def _set_autocommit(self, autocommit: bool) -> None:
        with self.wrap_database_errors:
            self.connection.autocommit = autocommit

    def _is_connection_broken(self) -> bool:
        conn = self.connection
        return bool(conn.closed or conn.broken)

    def is_usable(self) -> bool:
        if self.connection is None or self._is_connection_broken():
            return False
        try:
            # Don't touch the error wrapper: a failed check is a plain "no".
            self.connection.execute("SELECT 1")
        except Database.Error:
            return False
        return True

    def disable_constraint_checking(self) -> bool:
        return False

    def check_constraints(self, table_names=None) -> None:
        # Foreign keys are DEFERRABLE: force the deferred checks now.
        with self.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _reset_pooled(conn) -> None:
    # A connection returned mid-transaction must not leak its state.
    if conn.info.transaction_status != Database.pq.TransactionStatus.IDLE:
        conn.rollback()
    conn.autocommit = True
