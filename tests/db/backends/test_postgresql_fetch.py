"""execute_fetchall()'s PreparedFetcher on PostgreSQL: libpq's prepared calls
for a query run often enough outside a transaction, psycopg's cursor for the
rest, with the same rows, row counts, errors and recovery either way."""

import datetime
import decimal

import pytest

from fastdj.db import DataError, ProgrammingError, connection, transaction
from fastdj.db.backends.postgresql.fetch import PreparedFetcher
from fastdj.test.utils import override_settings

# psycopg's default prepare_threshold: the 5th run of a query is prepared.
THRESHOLD = 5


def _ours():
    """Names of this session's statements prepared by the fetcher."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pg_prepared_statements WHERE name LIKE %s", ["_fastdj%"]
        )
        return [row[0] for row in cursor.fetchall()]


def _cursor_rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def table(pg_db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE f (id integer PRIMARY KEY, t text, n numeric, "
            "at timestamptz, ok boolean)"
        )
        cursor.execute(
            "INSERT INTO f VALUES (1, 'a&b', 1.50, '2024-01-01 10:00+00', true), "
            "(2, NULL, NULL, NULL, NULL), (3, 'フレーム', -2, "
            "'2024-06-01 00:00+02', false)"
        )
    return "SELECT id, t, n, at, ok FROM f WHERE id >= %s ORDER BY id"


def test_rows_are_the_cursors_before_and_after_preparing(table):
    expected = _cursor_rows(table, [1])
    assert expected[0] == (
        1,
        "a&b",
        decimal.Decimal("1.50"),
        datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.timezone.utc),
        True,
    )
    for run in range(1, THRESHOLD + 3):
        assert connection.execute_fetchall(table, [1]) == expected
        assert len(_ours()) == (run >= THRESHOLD)
    assert isinstance(connection._fetch_cursor[1], PreparedFetcher)
    # Other values of the same shape use the same statement.
    assert connection.execute_fetchall(table, [3]) == expected[2:]
    assert len(_ours()) == 1


def test_transactions_and_no_preparing_go_through_the_cursor(table):
    with transaction.atomic():
        for _ in range(THRESHOLD + 1):
            assert len(connection.execute_fetchall(table, [2])) == 2
    assert _ours() == []
    conf = dict(connection.settings_dict)
    conf["OPTIONS"] = {**conf["OPTIONS"], "prepare_threshold": None}
    with override_settings(DATABASES={"default": conf}):
        for _ in range(THRESHOLD + 1):
            assert len(connection.execute_fetchall(table, [2])) == 2
        assert _ours() == []


def test_deallocated_statements_are_prepared_again(table):
    for _ in range(THRESHOLD):
        connection.execute_fetchall(table, [1])
    assert len(_ours()) == 1
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert len(connection.execute_fetchall(table, [1])) == 3  # through the cursor
    for _ in range(THRESHOLD):
        connection.execute_fetchall(table, [1])
    assert len(_ours()) == 1


def test_errors_are_translated_and_the_connection_stays_usable(table):
    sql = "SELECT 10 / %s::int"
    for _ in range(THRESHOLD):
        assert connection.execute_fetchall(sql, [2]) == [(5,)]
    assert len(_ours()) == 1
    with pytest.raises(DataError, match="division by zero"):
        connection.execute_fetchall(sql, [0])
    assert connection.execute_fetchall(sql, [5]) == [(2,)]


def test_row_counts_and_statements_without_rows(table):
    sql = "UPDATE f SET ok = %s WHERE id > %s"
    for _ in range(THRESHOLD + 1):
        assert connection.execute_fetchall(sql, [True, 1], rowcount=True) == 2
    assert len(_ours()) == 1
    # Run, then refused by fetchall(), as through the cursor.
    with pytest.raises(ProgrammingError, match="didn.t produce a result"):
        connection.execute_fetchall(sql, [False, 1])
    assert _cursor_rows("SELECT ok FROM f ORDER BY id", []) == [
        (True,),
        (False,),
        (False,),
    ]


def test_a_new_fetcher_reuses_the_connections_statements(table):
    # execute_fetchall() drops its fetcher after a large result; the next one
    # finds the statements already prepared instead of preparing more.
    big = "SELECT g FROM generate_series(1, %s) AS g"
    for _ in range(THRESHOLD + 3):
        assert len(connection.execute_fetchall(big, [150])) == 150
    assert len(_ours()) == 1


def test_a_query_text_is_converted_once_and_dumped_per_run(pg_db, monkeypatch):
    from psycopg._queries import PostgresQuery

    converted = []
    convert = PostgresQuery.convert

    def counting(self, query, params):
        converted.append(query)
        return convert(self, query, params)

    monkeypatch.setattr(PostgresQuery, "convert", counting)
    sql = "SELECT %s, %s, 'a%%b'"
    # Parameter types change from run to run (int2, int8, text, NULL); each
    # run's values and types come from its own parameters.
    runs = [(1, "x"), (2**40, "y"), ("z", None), (3, "w")] * THRESHOLD
    for _ in range(2):
        # The first pass prepares a statement per parameter types (the cursor
        # converts its runs below the threshold); the second runs only those.
        converted.clear()
        for first, second in runs:
            assert connection.execute_fetchall(sql, [first, second]) == [
                (first, second, "a%b")
            ]
    assert converted == []
    assert len(_ours()) == 3
    with pytest.raises(ProgrammingError, match="query has 2 placeholders"):
        connection.execute_fetchall(sql, [1])
    assert connection.execute_fetchall(sql, (7, "v")) == [(7, "v", "a%b")]
    with pytest.raises(TypeError, match="positional placeholders"):
        connection.execute_fetchall(sql, {"a": 1})
    # Named placeholders take psycopg's full way every run, prepared as well.
    named = "SELECT %(a)s, %(b)s, %(a)s"
    for n in range(THRESHOLD + 2):
        assert connection.execute_fetchall(named, {"b": "x", "a": n}) == [(n, "x", n)]
    assert len(_ours()) == 4


def test_a_composed_query_runs_and_is_not_remembered(pg_db):
    from psycopg import sql as pgsql

    query = pgsql.SQL("SELECT {} + %s").format(pgsql.Literal(1))
    for n in range(THRESHOLD + 2):
        assert connection.execute_fetchall(query, [n]) == [(n + 1,)]


def _raw_prepared_max(value):
    connection.ensure_connection()
    raw = connection.connection
    old = raw.prepared_max
    raw.prepared_max = value
    return raw, old


def test_prepared_max_none_means_no_limit(table):
    raw, old = _raw_prepared_max(None)
    try:
        for _ in range(THRESHOLD + 1):
            assert len(connection.execute_fetchall(table, [1])) == 3
        assert len(_ours()) == 1
    finally:
        raw.prepared_max = old


def test_a_full_registry_stops_counting_and_preparing(table):
    from fastdj.db.backends.postgresql.fetch import _STATEMENTS

    raw, old = _raw_prepared_max(2)
    try:
        for n in range(10):
            for _ in range(THRESHOLD):
                # Distinct texts: one registry entry each until it is full.
                assert connection.execute_fetchall(f"SELECT {n} + %s", [1]) == [
                    (n + 1,)
                ]
        # Two texts prepared; the third's first run made the registry full.
        assert len(_STATEMENTS[raw]) == 3
        assert len(_ours()) == 2
    finally:
        raw.prepared_max = old
