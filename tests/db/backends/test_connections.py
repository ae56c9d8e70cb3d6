"""ConnectionHandler, aliases, settings validation and backend loading."""

import threading

import pytest

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db import (
    DEFAULT_DB_ALIAS,
    ConnectionDoesNotExist,
    connection,
    connections,
)
from fastdj.db.utils import ConnectionHandler, load_backend
from fastdj.test.utils import override_settings


def test_default_alias_and_proxy(db):
    assert db == DEFAULT_DB_ALIAS
    assert connection.alias == "default"
    assert connection.vendor in ("sqlite", "postgresql")
    # The proxy forwards to the current thread's wrapper of "default".
    assert connection == connections["default"]
    assert repr(connection) == repr(connections["default"])


def test_several_aliases_are_separate_databases(db):
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE only_in_default (id integer)")
    assert connections["default"] is not connections["other"]
    assert "only_in_default" in connections["default"].introspection.table_names()
    assert "only_in_default" not in connections["other"].introspection.table_names()
    assert sorted(connections) == ["default", "other"]
    assert "other" in connections
    assert len(connections.all()) == 2


def test_unknown_alias(db):
    with pytest.raises(ConnectionDoesNotExist):
        connections["nope"]


def test_connections_are_per_thread(db):
    seen = {}

    def work():
        seen["conn"] = connections["default"]
        with seen["conn"].cursor() as cursor:
            cursor.execute("SELECT 1")
            seen["row"] = cursor.fetchone()
        seen["conn"].close()

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["row"] == (1,)
    assert seen["conn"] is not connections["default"]


def test_wrapper_rejects_use_from_another_thread(db):
    from fastdj.db import DatabaseError

    conn = connections["default"]
    errors = []

    def work():
        try:
            conn.cursor()
        except DatabaseError as exc:
            errors.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert errors and "same thread" in str(errors[0])
    # With thread sharing declared, it is allowed.
    conn.inc_thread_sharing()
    try:
        t = threading.Thread(target=lambda: conn.cursor().close())
        t.start()
        t.join()
    finally:
        conn.dec_thread_sharing()


def test_settings_defaults_are_filled():
    handler = ConnectionHandler({"default": {"NAME": ":memory:"}})
    conf = handler.settings["default"]
    assert conf["ENGINE"] == "fastdj.db.backends.sqlite3"
    assert conf["CONN_MAX_AGE"] == 0
    assert conf["AUTOCOMMIT"] is True
    assert conf["ATOMIC_REQUESTS"] is False
    assert conf["OPTIONS"] == {}
    assert conf["TEST"]["NAME"] is None


@pytest.mark.parametrize(
    "databases",
    [
        {"other": {"NAME": ":memory:"}},
        {"default": "sqlite"},
        ["default"],
    ],
)
def test_bad_databases_setting(databases):
    with pytest.raises(ImproperlyConfigured):
        _ = ConnectionHandler(databases).settings


def test_empty_databases_gives_a_dummy_that_explains():
    handler = ConnectionHandler({})
    with pytest.raises(ImproperlyConfigured, match="ENGINE"):
        handler["default"].cursor()


def test_unknown_engine():
    with pytest.raises(ImproperlyConfigured, match="isn't an available database"):
        load_backend("fastdj.db.backends.nosuchdb")
    handler = ConnectionHandler({"default": {"ENGINE": "no.such.backend"}})
    with pytest.raises(ImproperlyConfigured):
        handler["default"]


@pytest.mark.parametrize("max_age", [-1, "10", True])
def test_bad_conn_max_age(tmp_path, max_age):
    databases = {
        "default": {
            "ENGINE": "fastdj.db.backends.sqlite3",
            "NAME": str(tmp_path / "x.db"),
            "CONN_MAX_AGE": max_age,
        }
    }
    with override_settings(DATABASES=databases):
        with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE"):
            connection.cursor()


def test_missing_sqlite_name():
    with override_settings(
        DATABASES={"default": {"ENGINE": "fastdj.db.backends.sqlite3"}}
    ):
        with pytest.raises(ImproperlyConfigured, match="NAME"):
            connection.cursor()


def test_changing_databases_setting_closes_and_reloads(tmp_path):
    first = {"default": {"NAME": str(tmp_path / "a.db")}}
    second = {"default": {"NAME": str(tmp_path / "b.db")}}
    with override_settings(DATABASES=first):
        wrapper = connections["default"]
        wrapper.ensure_connection()
        with override_settings(DATABASES=second):
            assert connections["default"].settings_dict["NAME"].endswith("b.db")
            # The old wrapper was closed when the setting changed.
            assert wrapper.connection is None
        assert connections["default"].settings_dict["NAME"].endswith("a.db")


def test_close_all(db):
    a, b = connections["default"], connections["other"]
    a.ensure_connection()
    b.ensure_connection()
    connections.close_all()
    assert a.connection is None and b.connection is None


def test_postgres_env_defaults(monkeypatch):
    from fastdj.db.backends.postgresql.base import DatabaseWrapper

    monkeypatch.setenv("FASTDJ_PG_HOST", "db.example")
    monkeypatch.setenv("FASTDJ_PG_PORT", "6543")
    monkeypatch.delenv("FASTDJ_PG_USER", raising=False)
    monkeypatch.delenv("FASTDJ_PG_NAME", raising=False)
    conf = ConnectionHandler.configure_settings(
        {"default": {"ENGINE": "fastdj.db.backends.postgresql"}}
    )["default"]
    wrapper = DatabaseWrapper(conf)
    params = wrapper.get_connection_params()
    assert (params["host"], params["port"]) == ("db.example", "6543")
    assert (params["user"], params["dbname"]) == ("postgres", "test")
    # Explicit settings win over the environment.
    conf["HOST"] = "explicit"
    assert DatabaseWrapper(conf).get_connection_params()["host"] == "explicit"


def test_postgres_name_too_long():
    from fastdj.db.backends.postgresql.base import DatabaseWrapper

    conf = ConnectionHandler.configure_settings(
        {"default": {"ENGINE": "fastdj.db.backends.postgresql", "NAME": "x" * 64}}
    )["default"]
    with pytest.raises(ImproperlyConfigured, match="longer than"):
        DatabaseWrapper(conf).get_connection_params()


def test_connection_created_signal(db):
    from fastdj.db.backends.signals import connection_created

    seen = []

    def receiver(sender, connection, **kwargs):
        seen.append((sender, connection.alias))

    connection_created.connect(receiver)
    try:
        connection.close()
        connection.ensure_connection()
        connection.ensure_connection()
    finally:
        connection_created.disconnect(receiver)
    assert seen == [(type(connections["default"]), "default")]


def test_finished_threads_do_not_pin_wrappers(db):
    import gc

    def work():
        connections["default"].close()

    for _ in range(5):
        t = threading.Thread(target=work)
        t.start()
        t.join()
    gc.collect()
    # Only this thread's wrappers remain referenced.
    assert len(connections._all) <= 2


def test_server_version_is_checked(db, monkeypatch):
    from fastdj.db import NotSupportedError

    wrapper = connections["default"]
    assert wrapper.get_database_version() >= wrapper.features.minimum_database_version
    monkeypatch.setattr(
        type(wrapper.features), "minimum_database_version", (999,), raising=False
    )
    wrapper.close()
    with pytest.raises(NotSupportedError, match="or later is required"):
        wrapper.ensure_connection()
    # The refused connection was not kept half-initialized.
    assert wrapper.connection is None


@pytest.mark.parametrize("vendor", ["sqlite3", "postgresql"])
def test_django_engine_names_load_fastdj_backends(vendor):
    ported = load_backend(f"django.db.backends.{vendor}")
    assert ported is load_backend(f"fastdj.db.backends.{vendor}")
    assert ported.__name__ == f"fastdj.db.backends.{vendor}.base"


def test_unknown_engine_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="isn't an available database"):
        load_backend("django.db.backends.oracle")


def test_initialized_only_follows_creation_assignment_and_deletion(tmp_path):
    handler = ConnectionHandler(
        {
            "default": {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": ":memory:"},
            "other": {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": ":memory:"},
        }
    )
    assert handler.all(initialized_only=True) == []
    other = handler["other"]
    assert handler.all(initialized_only=True) == [other]
    default = handler["default"]
    # DATABASES order, not creation order; a fresh list each time.
    assert handler.all(initialized_only=True) == [default, other]
    handler.all(initialized_only=True).clear()
    assert handler.all(initialized_only=True) == [default, other]
    del handler["default"]
    assert handler.all(initialized_only=True) == [other]
    handler["default"] = default
    assert handler.all(initialized_only=True) == [default, other]
    seen = []
    thread = threading.Thread(
        target=lambda: seen.append(handler.all(initialized_only=True))
    )
    thread.start()
    thread.join()
    assert seen == [[]]
    handler.settings = {
        "default": {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": ":memory:"}
    }
    assert handler.all(initialized_only=True) == [default]
    handler.reset()
    assert handler.all(initialized_only=True) == []
    other.close()
