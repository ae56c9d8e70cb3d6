"""A connection lost mid-request: clean error, rollback, reconnect next time.

The server end of our own connection is killed with pg_terminate_backend()
from a second connection, in the middle of a transaction and between requests.
"""

import pytest

from fastdj.core.signals import request_finished, request_started
from fastdj.db import InterfaceError, OperationalError, connection, transaction
from fastdj.test import Client, override_settings
from tests.db.conftest import _pg_connect

LOST = (OperationalError, InterfaceError)


@pytest.fixture
def table(pg_db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY)")
    return pg_db


def backend_pid():
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def terminate(pid):
    with _pg_connect() as admin:
        # The timeout makes the call wait until the backend is gone.
        (done,) = admin.execute(
            "SELECT pg_terminate_backend(%s, 10000)", [pid]
        ).fetchone()
    assert done


def ids():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def insert(i):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (id) VALUES (%s)", [i])


def test_lost_mid_transaction_rolls_back_and_reconnects(table):
    insert(1)
    with pytest.raises(LOST) as info:
        with transaction.atomic():
            insert(2)
            terminate(backend_pid())
            insert(3)
    # The driver's error is the cause, fastdj's is what the caller sees.
    assert isinstance(info.value.__cause__, connection.Database.Error)
    assert connection.connection is None
    assert not connection.in_atomic_block
    # Next use: a new connection, in autocommit, and row 2 was rolled back.
    assert ids() == [1]
    assert transaction.get_autocommit() is True
    insert(4)
    assert ids() == [1, 4]


def test_lost_in_nested_block_fails_every_level(table):
    pid = backend_pid()
    seen = []
    with pytest.raises(LOST):
        with transaction.atomic():
            insert(1)
            try:
                with transaction.atomic():
                    terminate(pid)
                    insert(2)
            except LOST as exc:
                seen.append(type(exc))
            # Anything else in the dead transaction is refused, cleanly.
            with pytest.raises(transaction.TransactionManagementError):
                insert(3)
            raise OperationalError("caller gives up")
    assert seen
    assert ids() == []


def test_lost_while_idle_in_autocommit(table):
    insert(1)
    terminate(backend_pid())
    with pytest.raises(LOST):
        ids()
    # The dead connection was dropped at once: the next query reconnects.
    assert connection.connection is None
    assert ids() == [1]


def test_lost_before_an_orm_read_reconnects(table):
    # ORM reads run on a cursor the wrapper keeps: it must die with its
    # connection, not outlive it.
    insert(1)
    sql = "SELECT id FROM t ORDER BY id"
    assert connection.execute_fetchall(sql, ()) == [(1,)]
    terminate(backend_pid())
    with pytest.raises(LOST):
        connection.execute_fetchall(sql, ())
    assert connection.connection is None
    assert connection.execute_fetchall(sql, ()) == [(1,)]


def test_lost_during_commit_leaves_nothing(table):
    pid = backend_pid()
    with pytest.raises(LOST):
        with transaction.atomic():
            insert(1)
            transaction.on_commit(lambda: pytest.fail("must not run"))
            terminate(pid)
    assert ids() == []


@pytest.fixture
def persistent(table):
    conf = dict(connection.settings_dict)
    conf.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True)
    conf["OPTIONS"] = dict(conf["OPTIONS"])
    from fastdj.conf import settings

    databases = dict(settings.DATABASES)
    databases["default"] = conf
    with override_settings(
        DATABASES=databases, ROOT_URLCONF="tests.db.backends.urls_db"
    ):
        yield


def test_request_cycle_health_check_replaces_a_dead_connection(persistent):
    client = Client()
    first = client.get("/count/").json()
    second = client.get("/count/").json()
    # CONN_MAX_AGE=None: the same server process serves both requests.
    assert first["pid"] == second["pid"]
    terminate(second["pid"])
    # The health check at the first query of the next request notices.
    third = client.get("/count/").json()
    assert third["count"] == 0
    assert third["pid"] != second["pid"]


def test_request_cycle_without_health_checks(table):
    conf = dict(connection.settings_dict)
    conf.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=False)
    with override_settings(
        DATABASES={"default": conf}, ROOT_URLCONF="tests.db.backends.urls_db"
    ):
        client = Client(raise_request_exception=False)
        pid = client.get("/count/").json()["pid"]
        terminate(pid)
        # Without health checks the request that finds it dead fails cleanly...
        assert client.get("/count/").status_code == 500
        # ...and the next one has reconnected.
        response = client.get("/count/")
        assert response.status_code == 200
        assert response.json()["pid"] != pid


def test_conn_max_age_zero_closes_at_request_end(table):
    conf = dict(connection.settings_dict)
    conf.update(CONN_MAX_AGE=0)
    with override_settings(
        DATABASES={"default": conf}, ROOT_URLCONF="tests.db.backends.urls_db"
    ):
        client = Client()
        a = client.get("/count/").json()["pid"]
        assert connection.connection is None
        b = client.get("/count/").json()["pid"]
        assert a != b


def test_close_old_connections_on_signals_closes_broken(table):
    conf = dict(connection.settings_dict)
    conf.update(CONN_MAX_AGE=None)
    with override_settings(DATABASES={"default": conf}):
        pid = backend_pid()
        request_started.send(sender=None)
        assert connection.connection is not None
        # An error flag plus a dead connection: closed at request end.
        connection.errors_occurred = True
        terminate(pid)
        request_finished.send(sender=None)
        assert connection.connection is None
        assert backend_pid() != pid


def test_pool_reuses_and_discards(table):
    conf = dict(connection.settings_dict)
    conf["OPTIONS"] = {**conf["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    with override_settings(DATABASES={"default": conf}):
        try:
            pid = backend_pid()
            connection.close()
            assert backend_pid() == pid
            # A pooled connection goes back clean: autocommit, no transaction.
            with transaction.atomic():
                insert(1)
                transaction.set_rollback(True)
            connection.close()
            assert ids() == []
            terminate(backend_pid())
            with pytest.raises(LOST):
                ids()
            # The pool hands out a live connection next.
            assert ids() == []
        finally:
            connection.close()
            type(connection._connections["default"]).close_pools()


def test_pool_refuses_persistent_connections(table):
    from fastdj.core.exceptions import ImproperlyConfigured

    conf = dict(connection.settings_dict)
    conf["CONN_MAX_AGE"] = 60
    conf["OPTIONS"] = {**conf["OPTIONS"], "pool": True}
    with override_settings(DATABASES={"default": conf}):
        with pytest.raises(ImproperlyConfigured, match="Pooling"):
            connection.cursor()
