"""Cursor wrappers and small helpers shared by the backends."""

from __future__ import annotations

import decimal
import functools
import hashlib
import logging
import time
from contextlib import contextmanager

__all__ = [
    "CursorDebugWrapper",
    "CursorWrapper",
    "format_number",
    "names_digest",
    "split_identifier",
    "truncate_name",
]

logger = logging.getLogger("fastdj.db.backends")


class CursorWrapper:
    """Wrap a DB-API cursor: translate errors and run the execute wrappers."""

    def __init__(self, cursor, db):
        self.cursor = cursor
        self.db = db

    def __getattr__(self, attr):
        value = getattr(self.cursor, attr)
        if attr == "nextset":
            return self.db.wrap_database_errors(value)
        return value

    # Fetches are explicit methods, not __getattr__ wrappers: they are on the
    # ORM's hot path.
    def fetchone(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchmany(self, size=None):
        with self.db.wrap_database_errors:
            if size is None:
                return self.cursor.fetchmany()
            return self.cursor.fetchmany(size)

    def fetchall(self):
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    def __iter__(self):
        with self.db.wrap_database_errors:
            yield from self.cursor

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        # A cursor whose connection died cannot be closed; that is not news.
        try:
            self.close()
        except self.db.Database.Error:
            pass

    def close(self) -> None:
        with self.db.wrap_database_errors:
            self.cursor.close()

    def callproc(self, procname, params=None):
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            if params is None:
                return self.cursor.callproc(procname)
            return self.cursor.callproc(procname, params)

    def execute(self, sql, params=None):
        """Run ``sql`` with ``params`` through the connection's execute wrappers."""
        return self._execute_with_wrappers(
            sql, params, many=False, executor=self._execute
        )

    def executemany(self, sql, param_list):
        """Run ``sql`` once per parameter sequence in ``param_list``."""
        return self._execute_with_wrappers(
            sql, param_list, many=True, executor=self._executemany
        )

    def _execute_with_wrappers(self, sql, params, many, executor):
        wrappers = self.db.execute_wrappers
        if not wrappers:
            return executor(sql, params, many, None)
        context = {"connection": self.db, "cursor": self}
        for wrapper in reversed(wrappers):
            executor = functools.partial(wrapper, executor)
        return executor(sql, params, many, context)

    def _execute(self, sql, params, *ignored):
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            if params is None:
                return self.cursor.execute(sql)
            return self.cursor.execute(sql, params)

    def _executemany(self, sql, param_list, *ignored):
        self.db.validate_no_broken_transaction()
        with self.db.wrap_database_errors:
            return self.cursor.executemany(sql, param_list)


class CursorDebugWrapper(CursorWrapper):
    """Record every statement, with its duration, in ``connection.queries_log``."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params, use_last_executed_query=True):
            return super().execute(sql, params)

    def executemany(self, sql, param_list):
        with self.debug_sql(sql, param_list, many=True):
            return super().executemany(sql, param_list)

    @contextmanager
    def debug_sql(
        self, sql=None, params=None, use_last_executed_query=False, many=False
    ):
        start = time.monotonic()
        try:
            yield
        finally:
            duration = time.monotonic() - start
            if use_last_executed_query:
                try:
                    sql = self.db.ops.last_executed_query(self.cursor, sql, params)
                except Exception:
                    # Logging must never turn a successful query into an error.
                    pass
            try:
                times = len(params) if many else ""
            except TypeError:
                # params may be an iterator: its length is unknown.
                times = "?"
            self.db.queries_log.append(
                {
                    "sql": f"{times} times: {sql}" if many else sql,
                    "time": f"{duration:.3f}",
                }
            )
            logger.debug(
                "(%.3f) %s; args=%s; alias=%s",
                duration,
                sql,
                params,
                self.db.alias,
                extra={
                    "duration": duration,
                    "sql": sql,
                    "params": params,
                    "alias": self.db.alias,
                },
            )


def split_identifier(identifier: str) -> tuple[str, str]:
    """Split ``'namespace"."name'`` into its parts (namespace may be '')."""
    try:
        namespace, name = identifier.split('"."')
    except ValueError:
        namespace, name = "", identifier
    return namespace.strip('"'), name.strip('"')


def names_digest(*args: str, length: int) -> str:
    """Return a short, stable hex digest of ``args`` (for generated names)."""
    h = hashlib.md5(usedforsecurity=False)
    for arg in args:
        h.update(arg.encode())
    return h.hexdigest()[:length]


def truncate_name(identifier: str, length: int | None = None, hash_len: int = 4) -> str:
    """Shorten ``identifier`` to ``length`` characters, keeping it unique by a hash."""
    namespace, name = split_identifier(identifier)
    if length is None or len(name) <= length:
        return identifier
    digest = names_digest(name, length=hash_len)
    short = f"{name[: length - hash_len]}{digest}"
    return f'{namespace}"."{short}' if namespace else short


def format_number(value, max_digits, decimal_places):
    """Return ``value`` as a string with at most the given digits and places."""
    if value is None:
        return None
    context = decimal.getcontext().copy()
    if max_digits is not None:
        context.prec = max_digits
    if decimal_places is not None:
        value = value.quantize(
            decimal.Decimal(1).scaleb(-decimal_places), context=context
        )
    else:
        context.traps[decimal.Rounded] = 1
        value = context.create_decimal(value)
    return f"{value:f}"
