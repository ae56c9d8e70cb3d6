"""Cursors: parameters, error translation, the query log, execute wrappers."""

import pytest

from fastdj.core.signals import request_started
from fastdj.db import (
    DatabaseError,
    IntegrityError,
    ProgrammingError,
    connection,
    reset_queries,
)
from fastdj.test.utils import CaptureQueriesContext, override_settings


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE item (id integer PRIMARY KEY, name varchar(50) UNIQUE, "
            "qty integer NOT NULL)"
        )
    return db


def _rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_params_are_bound_not_interpolated(table):
    hostile = "x'); DROP TABLE item; --"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO item (id, name, qty) VALUES (%s, %s, %s)", [1, hostile, 2]
        )
    assert _rows("SELECT name, qty FROM item") == [(hostile, 2)]


def test_percent_literals_and_placeholders(table):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO item (id, name, qty) VALUES (1, '100%', 1)")
        # With params, a literal percent is written %%.
        cursor.execute("SELECT name FROM item WHERE name LIKE '%%' || %s", ["%"])
        assert cursor.fetchall() == [("100%",)]


def test_executemany_and_iteration(table):
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO item (id, name, qty) VALUES (%s, %s, %s)",
            [(i, f"n{i}", i * 10) for i in range(5)],
        )
        cursor.execute("SELECT id, qty FROM item ORDER BY id")
        assert list(cursor) == [(i, i * 10) for i in range(5)]
        cursor.execute("SELECT count(*) FROM item")
        assert cursor.fetchone() == (5,)
        cursor.executemany("INSERT INTO item (id, name, qty) VALUES (%s, %s, %s)", [])


def test_integrity_error_is_translated(table):
    driver_error = connection.Database.IntegrityError
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO item (id, name, qty) VALUES (1, 'a', 1)")
        with pytest.raises(IntegrityError) as info:
            cursor.execute("INSERT INTO item (id, name, qty) VALUES (2, 'a', 1)")
    assert isinstance(info.value.__cause__, driver_error)
    assert not isinstance(info.value, driver_error)
    # A constraint error leaves the connection usable.
    assert _rows("SELECT count(*) FROM item") == [(1,)]


def test_null_violation_and_bad_sql(table):
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError):
            cursor.execute("INSERT INTO item (id, name, qty) VALUES (1, 'a', NULL)")
        with pytest.raises(DatabaseError) as info:
            cursor.execute("SELEKT 1")
        assert isinstance(info.value, (ProgrammingError, DatabaseError))
        with pytest.raises(DatabaseError):
            cursor.execute("SELECT * FROM no_such_table")
    assert _rows("SELECT 1") == [(1,)]


def test_queries_logged_only_with_debug(table):
    reset_queries()
    _rows("SELECT 1")
    assert connection.queries == []
    with override_settings(DEBUG=True):
        _rows("SELECT qty FROM item WHERE id = %s", [42])
        queries = connection.queries
    assert len(queries) == 1
    assert "SELECT qty FROM item WHERE id" in queries[0]["sql"]
    assert "42" in queries[0]["sql"]
    assert float(queries[0]["time"]) >= 0
    # request_started empties the log, as in Django.
    request_started.send(sender=None)
    assert connection.queries == []


def test_capture_queries_context(table):
    with CaptureQueriesContext(connection) as ctx:
        _rows("SELECT 1")
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO item (id, name, qty) VALUES (%s, %s, %s)",
                [(1, "a", 1), (2, "b", 2)],
            )
        # A request starting inside the block does not wipe the capture.
        request_started.send(sender=None)
    assert len(ctx) == 2
    assert ctx[1]["sql"].startswith("2 times: INSERT INTO item")
    assert [q["sql"] for q in ctx][0].startswith("SELECT 1")
    assert connection.force_debug_cursor is False
    # Nothing is captured after the block.
    _rows("SELECT 1")
    assert len(ctx) == 2


def test_execute_wrapper_sees_and_can_change_queries(table):
    calls = []

    def outer(execute, sql, params, many, context):
        calls.append(("outer", sql, many))
        assert context["connection"] is connection._connections["default"]
        return execute(sql, params, many, context)

    def inner(execute, sql, params, many, context):
        calls.append(("inner", sql, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(outer), connection.execute_wrapper(inner):
        _rows("SELECT 1")
    assert calls == [("outer", "SELECT 1", False), ("inner", "SELECT 1", False)]
    assert connection.execute_wrappers == []


def test_execute_wrapper_can_block(table):
    class Blocked(Exception):
        pass

    def blocker(execute, sql, params, many, context):
        raise Blocked(sql)

    with connection.execute_wrapper(blocker):
        with pytest.raises(Blocked):
            _rows("SELECT 1")
    # Removed even though the query raised.
    assert _rows("SELECT 1") == [(1,)]


def test_temporary_connection_closes_what_it_opened(table):
    connection.close()
    with connection.temporary_connection() as cursor:
        cursor.execute("SELECT 1")
        assert connection.connection is not None
    assert connection.connection is None
