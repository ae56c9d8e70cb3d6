"""PostgreSQL specifics: server-side parameter binding, time zone, JSON text."""

import datetime

import pytest

from fastdj.db import DatabaseError, connection, transaction
from fastdj.test.utils import override_settings
from tests.db.conftest import _pg_connect


@pytest.mark.parametrize(
    ("option", "client_side"), [(None, False), (True, False), (False, True)]
)
def test_server_side_binding_by_default(pg_db, option, client_side):
    import psycopg

    conf = dict(connection.settings_dict)
    conf["OPTIONS"] = dict(conf["OPTIONS"])
    if option is not None:
        conf["OPTIONS"]["server_side_binding"] = option
    with override_settings(DATABASES={"default": conf}):
        with connection.cursor() as cursor:
            assert isinstance(cursor.cursor, psycopg.ClientCursor) is client_side
            cursor.execute("SELECT %s::int + %s", [1, 2])
            assert cursor.fetchone() == (3,)


@pytest.mark.parametrize("option", [None, False])
def test_execute_fetchall_binds_as_the_connection_does(pg_db, option):
    # Its reused cursor is a PreparedFetcher for server-side binding (psycopg's
    # Cursor, or libpq's prepared calls), psycopg's ClientCursor else.
    import psycopg

    from fastdj.db.backends.postgresql.fetch import PreparedFetcher

    conf = dict(connection.settings_dict)
    conf["OPTIONS"] = dict(conf["OPTIONS"])
    if option is not None:
        conf["OPTIONS"]["server_side_binding"] = option
    with override_settings(DATABASES={"default": conf}):
        assert connection.execute_fetchall("SELECT %s::int + %s", [1, 2]) == [(3,)]
        expected = PreparedFetcher if option is None else psycopg.ClientCursor
        assert type(connection._fetch_cursor[1]) is expected


def test_session_time_zone_and_aware_datetimes(pg_db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIME ZONE")
        assert cursor.fetchone() == ("UTC",)
        cursor.execute("SELECT %s::timestamptz", ["2024-01-01 12:00:00+02:00"])
        (value,) = cursor.fetchone()
    assert value == datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.timezone.utc)
    assert value.utcoffset() == datetime.timedelta(0)


def test_naive_datetimes_without_use_tz(pg_db):
    with override_settings(USE_TZ=False, TIME_ZONE="Asia/Tokyo"):
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", ["2024-01-01 00:00:00+00:00"])
            (value,) = cursor.fetchone()
        connection.close()
    assert value == datetime.datetime(2024, 1, 1, 9)


def test_json_comes_back_as_text(pg_db):
    # JSONField decodes (with its own decoder): the driver must not.
    with connection.cursor() as cursor:
        cursor.execute("""SELECT '{"a": [1, 2]}'::jsonb, '[1]'::json""")
        assert cursor.fetchone() == ('{"a": [1, 2]}', "[1]")


@pytest.mark.parametrize("in_transaction", [False, True])
def test_chunked_cursor_streams_from_the_server(pg_db, in_transaction):
    from fastdj.db import transaction

    def read():
        with connection.chunked_cursor() as cursor:
            # A named (server-side) cursor: rows are fetched on demand.
            assert cursor.cursor.name.startswith("_fastdj_curs_")
            cursor.execute("SELECT i FROM generate_series(1, %s) AS s(i)", [2500])
            total, chunks = 0, 0
            while rows := cursor.fetchmany(1000):
                chunks += 1
                total += sum(r[0] for r in rows)
        return total, chunks

    if in_transaction:
        with transaction.atomic():
            result = read()
    else:
        result = read()
    assert result == (2500 * 2501 // 2, 3)


def _prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("options", "prepared"), [({}, True), ({"prepare_threshold": None}, False)]
)
def test_repeated_queries_are_prepared_unless_turned_off(pg_db, options, prepared):
    conf = dict(connection.settings_dict)
    conf["OPTIONS"] = {**conf["OPTIONS"], **options}
    with override_settings(DATABASES={"default": conf}):
        # psycopg prepares a query on its 5th run on a connection.
        for i in range(4):
            assert connection.execute_fetchall("SELECT %s::int + 1", [i]) == [(i + 1,)]
        assert _prepared_statements() == 0
        for i in range(2):
            assert connection.execute_fetchall("SELECT %s::int + 1", [i]) == [(i + 1,)]
        assert (_prepared_statements() == 1) is prepared


@pytest.fixture(params=["fetcher", "psycopg"])
def stale(pg_db, request):
    """A query prepared before another session changes its column's type:
    by execute_fetchall()'s PreparedFetcher (run outside a transaction) or by
    psycopg's cursor (run inside one)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE stale (id integer PRIMARY KEY, v integer)")
        cursor.execute("INSERT INTO stale (id, v) VALUES (1, 2)")
    sql = "SELECT id, v FROM stale WHERE id = %s"
    for _ in range(6):
        if request.param == "fetcher":
            assert connection.execute_fetchall(sql, [1]) == [(1, 2)]
        else:
            with transaction.atomic():
                assert connection.execute_fetchall(sql, [1]) == [(1, 2)]
    assert _prepared_statements() == 1
    options = connection.settings_dict["OPTIONS"]["options"]
    with _pg_connect(options=options) as other:
        other.execute("ALTER TABLE stale ALTER COLUMN v TYPE text")
    return sql


def test_a_stale_prepared_statement_is_replaced(stale):
    assert connection.execute_fetchall(stale, [1]) == [(1, "2")]
    with connection.cursor() as cursor:
        cursor.execute(stale, [1])
        assert cursor.fetchall() == [(1, "2")]


def test_a_stale_prepared_statement_fails_its_transaction_once(stale, request):
    if request.node.callspec.params["stale"] == "fetcher":
        # The fetcher's statements run only outside transactions; psycopg's
        # cursor, which runs the query here, has prepared nothing stale.
        with transaction.atomic():
            assert connection.execute_fetchall(stale, [1]) == [(1, "2")]
        return
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic():
            connection.execute_fetchall(stale, [1])
    assert "cached plan" in str(info.value)
    # The rollback dropped the statement: the next run prepares it anew.
    assert connection.execute_fetchall(stale, [1]) == [(1, "2")]
