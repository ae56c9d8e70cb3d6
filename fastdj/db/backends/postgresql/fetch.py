"""The cursor that ``execute_fetchall()`` reuses on a PostgreSQL connection.

psycopg's ``Cursor.execute()`` drives each query through about twenty-five
Python frames of generators (query conversion, the prepared-statement
bookkeeping, waiting, result checks) around the libpq calls. For a query this
connection has already run ``prepare_threshold`` times, outside a transaction,
``PreparedFetcher`` makes the same libpq calls itself: it prepares the
statement once under its own name, then runs ``PQexecPrepared`` and loads the
rows with psycopg's own Transformer (the connection's loaders, so the rows are
the ones the cursor would return). It parses a query text's placeholders once
(psycopg's PostgresQuery) and only dumps each later run's parameters.
Everything else goes through a psycopg cursor, unchanged: a transaction
(psycopg starts it and tracks its state), pipeline mode, another row factory,
preparing turned off (``prepare_threshold=None``, as for transaction-mode
poolers), and the statements it has no room left to prepare.

The statements prepared are the connection's, kept for it whatever fetcher
asked for them (execute_fetchall() drops its fetcher after an error or a large
result). Only in autocommit mode outside a transaction can a failed prepared
call be retried, since nothing was done: a statement the server no longer
knows (``DEALLOCATE ALL``, ``DISCARD ALL``) or whose plan went stale (another
session changed a column's type) makes the connection's statements forgotten
and deallocated, and the query runs through the cursor.
"""

from __future__ import annotations

import itertools
import weakref

import psycopg
from psycopg import errors, pq
from psycopg._queries import PostgresQuery
from psycopg.adapt import Transformer
from psycopg.rows import tuple_row

__all__ = ["PreparedFetcher"]

_IDLE = pq.TransactionStatus.IDLE
_PIPELINE_OFF = pq.PipelineStatus.OFF
_TUPLES_OK = pq.ExecStatus.TUPLES_OK
_COMMAND_OK = pq.ExecStatus.COMMAND_OK
_CONNECTION_OK = pq.ConnStatus.OK
_SQLSTATE = pq.DiagnosticField.SQLSTATE
# invalid_sql_statement_name (a deallocated statement) and
# feature_not_supported ("cached plan must not change result type").
_FORGOTTEN = frozenset({b"26000", b"0A000"})
# fetchall() after a statement without rows.
_NO_RESULT = object()
# A psycopg connection -> {(converted query, parameter types): statement
# name, or the number of runs so far below the prepare threshold, or None
# for a query that could not be prepared}.
_STATEMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_names = itertools.count()
# Converted queries a fetcher keeps; the usual application has far fewer.
_MAX_CONVERTED = 512


class PreparedFetcher:
    """``execute(sql, params)``, ``fetchall()`` and ``rowcount``, as a psycopg
    cursor of ``connection`` gives them (see the module docstring)."""

    def __init__(self, connection: psycopg.Connection):
        self._conn = connection
        self._pgconn = connection.pgconn
        self._cursor = psycopg.Cursor(connection)
        self._tx = Transformer(self._cursor)
        seen = _STATEMENTS.get(connection)
        if seen is None:
            seen = _STATEMENTS[connection] = {}
        self._seen = seen
        # SQL text -> its converted query (without parameters), or
        # (converted query, wanted formats, number of parameters).
        self._plain = {}
        self._positional = {}
        self._rows = None
        self.rowcount = -1

    def execute(self, sql, params=None):
        """Run ``sql`` with ``params``; its rows are then ``fetchall()``'s."""
        conn = self._conn
        pgconn = self._pgconn
        threshold = conn.prepare_threshold
        if (
            threshold is None
            or not conn.autocommit
            or pgconn.transaction_status != _IDLE
            or pgconn.pipeline_status != _PIPELINE_OFF
            or conn.row_factory is not tuple_row
        ):
            return self._through_cursor(sql, params)
        query, types, dumped, formats = self._convert(sql, params)
        key = (query, types)
        seen = self._seen
        name = seen.get(key, 0)
        if name.__class__ is not bytes:
            if name is None:
                return self._through_cursor(sql, params)
            # prepared_max None: no limit. Once the registry holds more than
            # the limit nothing new is counted or prepared, so it stops growing.
            limit = conn.prepared_max
            if limit is not None and len(seen) > limit:
                return self._through_cursor(sql, params)
            if name + 1 < threshold:
                seen[key] = name + 1
                return self._through_cursor(sql, params)
            name = b"_fastdj_%d" % next(_names)
            if pgconn.prepare(name, query, types).status != _COMMAND_OK:
                # The cursor runs it (or reports why it cannot).
                seen[key] = None
                return self._through_cursor(sql, params)
            seen[key] = name
        result = pgconn.exec_prepared(name, dumped, formats)
        status = result.status
        if status == _TUPLES_OK:
            tx = self._tx
            tx.set_pgresult(result)
            self._rows = tx.load_rows(0, result.ntuples, tuple)
            tx.set_pgresult(None)
            self.rowcount = result.ntuples
            return self
        if status == _COMMAND_OK:
            self._rows = _NO_RESULT
            tuples = result.command_tuples
            self.rowcount = -1 if tuples is None else tuples
            return self
        return self._failed(result, sql, params)

    def _convert(self, sql, params) -> tuple:
        """Return (query, types, parameters, formats) for libpq.

        psycopg's PostgresQuery parses a text's placeholders once; later runs
        of a text with positional placeholders only dump their parameters, as
        PostgresQuery.dump() does after its checks, which a list or tuple of
        the remembered length passes. Anything else takes the full way.
        """
        tx = self._tx
        # Only str texts are remembered: psycopg's sql.Composed is unhashable.
        text = sql.__class__ is str
        sequence = params.__class__ is list or params.__class__ is tuple
        if text and params is None:
            bquery = self._plain.get(sql)
            if bquery is not None:
                return bquery, (), None, None
        elif text and sequence:
            known = self._positional.get(sql)
            if known is not None and known[2] == len(params):
                dumped = tx.dump_sequence(params, known[1])
                return known[0], tx.types or (), dumped, tx.formats
        query = PostgresQuery(tx)
        query.convert(sql, params)
        if text and params is None and len(self._plain) < _MAX_CONVERTED:
            self._plain[sql] = query.query
        elif (
            text
            and sequence
            and query._order is None
            and len(self._positional) < _MAX_CONVERTED
        ):
            self._positional[sql] = (query.query, query._want_formats, len(params))
        return query.query, query.types, query.params, query.formats

    def fetchall(self) -> list:
        """Return the rows of the last query (as ``Cursor.fetchall()``)."""
        rows = self._rows
        if rows is None:
            return self._cursor.fetchall()
        if rows is _NO_RESULT:
            raise psycopg.ProgrammingError("the last operation didn't produce a result")
        self._rows = []
        return rows

    def _through_cursor(self, sql, params):
        self._rows = None
        self._cursor.execute(sql, params)
        self.rowcount = self._cursor.rowcount
        return self

    def _failed(self, result, sql, params):
        self._rows = None
        pgconn = self._pgconn
        if pgconn.status != _CONNECTION_OK:
            # A lost connection: psycopg's cursor reports it as psycopg does.
            return self._through_cursor(sql, params)
        if (
            result.error_field(_SQLSTATE) in _FORGOTTEN
            and pgconn.transaction_status == _IDLE
        ):
            # Nothing was done: drop the connection's statements (psycopg's
            # too, through a command it recognises) and let the cursor run it.
            self._seen.clear()
            self._conn.execute("DEALLOCATE ALL")
            return self._through_cursor(sql, params)
        raise errors.error_from_result(result, encoding=self._conn.info.encoding)
