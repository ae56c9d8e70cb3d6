"""execute_fetchall(): the ORM's fully fetched SELECTs, on one reused cursor.

It must behave as ``cursor().execute()`` then ``fetchall()``: same checks,
same error translation, and every query seen by the query log and the
execute wrappers.
"""

import threading

import pytest

from fastdj.db import DatabaseError, connection, connections, transaction
from fastdj.db.transaction import TransactionManagementError
from fastdj.test.utils import CaptureQueriesContext, override_settings

SELECT = "SELECT id, name FROM item WHERE id >= %s ORDER BY id"


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE item (id integer PRIMARY KEY, name varchar(20))")
        cursor.executemany(
            "INSERT INTO item (id, name) VALUES (%s, %s)",
            [(i, f"n{i}") for i in range(1, 4)],
        )
    return db


def test_rows_come_from_one_cursor_per_connection(table):
    assert connection.execute_fetchall(SELECT, [2]) == [(2, "n2"), (3, "n3")]
    raw, cursor = connection._fetch_cursor
    assert raw is connection.connection
    assert connection.execute_fetchall(SELECT, (3,)) == [(3, "n3")]
    assert connection._fetch_cursor[1] is cursor
    # A new connection gets a new cursor.
    connection.close()
    assert connection._fetch_cursor is None
    assert len(connection.execute_fetchall(SELECT, [1])) == 3
    assert connection._fetch_cursor[1] is not cursor


def test_percent_signs_without_params(table):
    assert connection.execute_fetchall("SELECT '100%%' FROM item WHERE id = 1", ()) == [
        ("100%",)
    ]
    assert connection.execute_fetchall("SELECT name FROM item WHERE id = 1", ()) == [
        ("n1",)
    ]


def test_a_big_result_is_not_kept_by_the_cursor(table):
    sql = "SELECT a.id FROM item a, item b, item c, item d, item e"
    assert len(connection.execute_fetchall(sql, ())) == 3**5
    assert connection._fetch_cursor is None
    assert connection.execute_fetchall(SELECT, [3]) == [(3, "n3")]
    assert connection._fetch_cursor is not None


def test_queries_are_logged_and_wrapped(table):
    with CaptureQueriesContext(connection) as ctx:
        connection.execute_fetchall(SELECT, [2])
    assert len(ctx) == 1 and "FROM item" in ctx[0]["sql"]
    with override_settings(DEBUG=True):
        connection.queries_log.clear()
        assert connection.execute_fetchall(SELECT, [3]) == [(3, "n3")]
        assert len(connection.queries) == 1
    calls = []

    def wrapper(execute, sql, params, many, context):
        calls.append((sql, tuple(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert connection.execute_fetchall(SELECT, [3]) == [(3, "n3")]
    assert calls == [(SELECT, (3,))]


UPDATE = "UPDATE item SET name = %s WHERE id >= %s"


def test_rowcount_of_a_statement_on_either_path(table):
    assert connection.execute_fetchall(UPDATE, ["x", 2], rowcount=True) == 2
    assert connection._fetch_cursor is not None
    calls = []

    def wrapper(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert connection.execute_fetchall(UPDATE, ["y", 3], rowcount=True) == 1
    assert calls == [UPDATE]
    with CaptureQueriesContext(connection) as ctx:
        assert connection.execute_fetchall(UPDATE, ["z", 9], rowcount=True) == 0
    assert len(ctx) == 1
    assert connection.execute_fetchall(SELECT, [1]) == [(1, "n1"), (2, "x"), (3, "y")]


def test_errors_are_translated_and_the_connection_stays_usable(table):
    with pytest.raises(DatabaseError) as info:
        connection.execute_fetchall("SELECT * FROM no_such_table", ())
    assert isinstance(info.value.__cause__, connection.Database.Error)
    assert not isinstance(info.value, connection.Database.Error)
    assert connection._fetch_cursor is None
    assert connection.execute_fetchall(SELECT, [3]) == [(3, "n3")]


def test_a_broken_transaction_refuses_queries(table):
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            connection.execute_fetchall(SELECT, [1])
    assert connection.execute_fetchall(SELECT, [3]) == [(3, "n3")]


def test_other_threads_never_share_the_cursor(table):
    wrapper = connections["default"]
    wrapper.execute_fetchall(SELECT, [1])
    mine = wrapper._fetch_cursor
    results = []

    def run():
        try:
            results.append(wrapper.execute_fetchall(SELECT, [3]))
        except DatabaseError as exc:
            results.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert isinstance(results[0], DatabaseError) and "thread" in str(results[0])
    wrapper.inc_thread_sharing()
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        wrapper.dec_thread_sharing()
    assert results[1] == [(3, "n3")]
    assert wrapper._fetch_cursor is mine
