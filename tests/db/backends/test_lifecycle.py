"""Connection lifetime across requests: CONN_MAX_AGE, health, autocommit."""

import pytest

from fastdj.core.signals import request_finished, request_started
from fastdj.db import connection, connections
from fastdj.db.backends.base import base as base_module
from fastdj.test.utils import override_settings


@pytest.fixture
def with_options(db):
    def apply(**options):
        databases = {
            alias: {**connections[alias].settings_dict, **options}
            for alias in connections
        }
        return override_settings(DATABASES=databases)

    return apply


def raw():
    connection.ensure_connection()
    return connection.connection


def test_conn_max_age_zero_closes_after_each_request(with_options):
    with with_options(CONN_MAX_AGE=0):
        request_started.send(sender=None)
        raw()
        request_finished.send(sender=None)
        assert connection.connection is None


def test_persistent_connection_lives_until_max_age(with_options, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(base_module.time, "monotonic", lambda: now[0])
    with with_options(CONN_MAX_AGE=30):
        first = raw()
        request_finished.send(sender=None)
        request_started.send(sender=None)
        assert raw() is first
        now[0] += 31
        request_finished.send(sender=None)
        assert connection.connection is None
        assert raw() is not first


def test_unlimited_persistence(with_options, monkeypatch):
    with with_options(CONN_MAX_AGE=None):
        first = raw()
        for _ in range(3):
            request_started.send(sender=None)
            request_finished.send(sender=None)
        assert raw() is first


def test_connection_left_out_of_autocommit_is_closed(with_options):
    with with_options(CONN_MAX_AGE=None):
        raw()
        connection.set_autocommit(False)
        request_finished.send(sender=None)
        assert connection.connection is None
        # A new connection starts in autocommit again.
        assert connection.get_autocommit() is True


def test_errors_on_a_healthy_connection_keep_it(with_options):
    from fastdj.db import DatabaseError

    with with_options(CONN_MAX_AGE=None):
        first = raw()
        with pytest.raises(DatabaseError):
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM missing_table")
        assert connection.errors_occurred is True
        request_finished.send(sender=None)
        # The health check passed: the connection stays, the flag is reset.
        assert raw() is first
        assert connection.errors_occurred is False


def test_health_check_runs_once_per_request(with_options, monkeypatch):
    calls = []
    wrapper = connections["default"]
    with with_options(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=True):
        wrapper = connections["default"]
        real = wrapper.is_usable
        monkeypatch.setattr(wrapper, "is_usable", lambda: calls.append(1) or real())
        raw()
        # No check for a brand new connection.
        with connection.cursor():
            pass
        assert calls == []
        request_started.send(sender=None)
        for _ in range(3):
            with connection.cursor():
                pass
        assert calls == [1]


def test_overridden_close_check_is_called_on_each_request_signal(
    with_options, monkeypatch
):
    # close_old_connections() checks a healthy persistent connection inline
    # only when its wrapper keeps the stock close_if_unusable_or_obsolete().
    calls = []
    with with_options(CONN_MAX_AGE=None):
        first = raw()
        wrapper_class = type(connections["default"])
        real = wrapper_class.close_if_unusable_or_obsolete

        def spy(self):
            calls.append(self.alias)
            real(self)

        monkeypatch.setattr(wrapper_class, "close_if_unusable_or_obsolete", spy)
        request_started.send(sender=None)
        request_finished.send(sender=None)
        assert calls == ["default", "default"]
        assert raw() is first


def test_request_boundary_resets_the_health_check_of_a_kept_connection(
    with_options,
):
    with with_options(CONN_MAX_AGE=None):
        first = raw()
        connection.health_check_done = True
        request_finished.send(sender=None)
        assert raw() is first
        assert connection.health_check_done is False
