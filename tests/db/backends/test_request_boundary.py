"""fastdj.db's request_started/request_finished receivers, through a WSGI handler.

The middleware kernel's Cython twin runs the two stock receivers
(reset_queries, close_old_connections) as C loops rather than calling them;
these tests run real requests under both twins and on both databases, so the
two ways keep doing what the Python receivers do.
"""

import pytest

from fastdj.core import signals
from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.db import close_old_connections, connections, reset_queries
from fastdj.test.utils import override_settings
from tests.core.support import environ
from tests.core.test_wsgi import Server


@pytest.fixture
def request_ok(twin, db):
    """Return a function running one GET /ok/ through a fresh WSGIHandler.

    Connections persist (CONN_MAX_AGE None) unless a test makes them obsolete.
    """
    databases = {
        alias: {**connections[alias].settings_dict, "CONN_MAX_AGE": None}
        for alias in connections
    }
    with override_settings(
        ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=[], DATABASES=databases
    ):
        app = Server(WSGIHandler())

        def run():
            status, _, _ = app(environ("/ok/"))
            assert status == "200 OK"

        # A first request: a send right after a connect() or disconnect()
        # goes through Signal.send(); the sends of the tests' requests take
        # the handler's own loop.
        run()
        yield run


@pytest.fixture
def receivers():
    """Let a test reorder the request signals' receivers; restore them after."""
    started = signals.request_started
    finished = signals.request_finished
    added = []

    def connect(signal, receiver):
        signal.connect(receiver)
        added.append((signal, receiver))

    yield connect
    for signal, receiver in added:
        signal.disconnect(receiver)
    # Back to fastdj.db's order: reset_queries, then close_old_connections.
    for signal, receiver in (
        (started, reset_queries),
        (started, close_old_connections),
        (finished, close_old_connections),
    ):
        signal.disconnect(receiver)
        signal.connect(receiver)


def open_connection(alias="default"):
    conn = connections[alias]
    conn.ensure_connection()
    return conn


def test_kept_connection_has_its_health_check_reset(request_ok):
    conn = open_connection()
    raw = conn.connection
    conn.health_check_done = True
    request_ok()
    assert conn.connection is raw
    assert conn.health_check_done is False


def test_obsolete_connection_is_closed(request_ok):
    conn = open_connection()
    conn.close_at = 0.0
    request_ok()
    assert conn.connection is None


def test_a_property_on_the_wrapper_class_is_read_as_the_property(
    request_ok, monkeypatch
):
    # The Cython twin reads the wrapper's attributes from its instance dict,
    # where close_at is still None: a data descriptor on the class wins over
    # that dict, as for any attribute read, so the connection is obsolete.
    conn = open_connection()
    assert conn.__dict__["close_at"] is None
    monkeypatch.setattr(
        type(conn),
        "close_at",
        property(lambda self: 0.0, lambda self, value: None),
        raising=False,
    )
    request_ok()
    assert conn.connection is None


def _obsolete(conn, monkeypatch):
    conn.close_at = 0.0


def _settings_out_of_autocommit(conn, monkeypatch):
    # The settings dict changed in place: the wrapper's own dict did not.
    monkeypatch.setitem(conn.settings_dict, "AUTOCOMMIT", False)


def _class_check_replaced(conn, monkeypatch):
    stock = type(conn).close_if_unusable_or_obsolete

    def check(self):
        stock(self)
        self.close()

    monkeypatch.setattr(type(conn), "close_if_unusable_or_obsolete", check)


def _errors(conn, monkeypatch):
    conn.errors_occurred = True
    monkeypatch.setattr(conn, "is_usable", lambda: False)


@pytest.mark.parametrize(
    "change", [_obsolete, _settings_out_of_autocommit, _class_check_replaced, _errors]
)
def test_a_change_after_requests_with_nothing_to_do_is_seen(
    request_ok, monkeypatch, change
):
    # The Cython twin remembers a wrapper with nothing to do, for as long as
    # its dict, its settings dict and its class are unchanged.
    conn = open_connection()
    raw = conn.connection
    request_ok()
    request_ok()
    assert conn.connection is raw
    change(conn, monkeypatch)
    request_ok()
    assert conn.connection is None


def test_broken_connection_is_closed(request_ok, monkeypatch):
    conn = open_connection()
    conn.errors_occurred = True
    monkeypatch.setattr(conn, "is_usable", lambda: False)
    request_ok()
    assert conn.connection is None


def test_errors_on_a_usable_connection_are_forgotten(request_ok):
    conn = open_connection()
    raw = conn.connection
    conn.errors_occurred = True
    request_ok()
    assert conn.connection is raw
    assert conn.errors_occurred is False


def test_connection_out_of_autocommit_is_closed(request_ok):
    conn = open_connection()
    conn.set_autocommit(False)
    request_ok()
    assert conn.connection is None


def test_query_log_is_emptied_when_a_request_starts(request_ok):
    conn = open_connection()
    conn.queries_log.append({"sql": "SELECT 1", "time": "0.000"})
    request_ok()
    assert len(conn.queries_log) == 0


def test_overridden_close_check_runs_for_each_signal(request_ok, monkeypatch):
    conn = open_connection()
    open_connection("other")
    calls = []
    real = type(conn).close_if_unusable_or_obsolete

    def spy(self):
        calls.append(self.alias)
        real(self)

    monkeypatch.setattr(type(conn), "close_if_unusable_or_obsolete", spy)
    request_ok()
    assert sorted(calls) == ["default", "default", "other", "other"]


def test_disconnected_receivers_do_not_run(request_ok, receivers):
    conn = open_connection()
    conn.close_at = 0.0
    conn.queries_log.append({"sql": "SELECT 1", "time": "0.000"})
    signals.request_started.disconnect(reset_queries)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request_ok()
    assert conn.connection is not None
    assert len(conn.queries_log) == 1


def test_connection_opened_by_an_earlier_receiver_is_checked(request_ok, receivers):
    # reset_queries, then a receiver making a new "other" wrapper, then
    # close_old_connections: the last must see the wrapper that did not exist
    # when reset_queries looked.
    open_connection()
    seen = []

    def open_other(**kwargs):
        for conn in connections.all(initialized_only=True):
            if conn.alias == "other":
                conn.close()
                del connections["other"]
        open_connection("other").close_at = 0.0

    def check(**kwargs):
        seen.append(connections["other"].connection)

    signals.request_started.disconnect(close_old_connections)
    receivers(signals.request_started, open_other)
    receivers(signals.request_started, close_old_connections)
    receivers(signals.request_started, check)
    # Two requests: the first send after a connect() goes through
    # Signal.send(), which caches the receivers the second one loops over.
    request_ok()
    request_ok()
    assert seen == [None, None]
