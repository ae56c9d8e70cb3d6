"""Database access, as ``django.db``: connections, exceptions, signals wiring.

``connections[alias]`` is the connection wrapper of that alias for the current
thread; ``connection`` is a proxy to ``connections["default"]``.
"""

from fastdj.core import signals
from fastdj.db.utils import (
    DEFAULT_DB_ALIAS,
    ConnectionDoesNotExist,
    ConnectionHandler,
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)

__all__ = [
    "DEFAULT_DB_ALIAS",
    "ConnectionDoesNotExist",
    "DataError",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "close_old_connections",
    "connection",
    "connections",
    "reset_queries",
]

connections = ConnectionHandler()


class ConnectionProxy:
    """Proxy for the connection of one alias, looked up on every access."""

    def __init__(self, connections: ConnectionHandler, alias: str):
        self.__dict__["_connections"] = connections
        self.__dict__["_alias"] = alias

    def __getattr__(self, item):
        return getattr(self._connections[self._alias], item)

    def __setattr__(self, name, value):
        return setattr(self._connections[self._alias], name, value)

    def __delattr__(self, name):
        return delattr(self._connections[self._alias], name)

    def __contains__(self, key):
        return key in self._connections[self._alias]

    def __eq__(self, other):
        return self._connections[self._alias] == other

    def __hash__(self):
        return hash(self._connections[self._alias])

    def __repr__(self):
        return repr(self._connections[self._alias])


connection = ConnectionProxy(connections, DEFAULT_DB_ALIAS)


# The receivers below run two or three times per request: they read the
# thread's cached wrappers directly rather than through connections.all(),
# which builds them on a miss.


# The receivers name the keywords the request signals pass, so that a call
# binds them without building a keyword dict.


def reset_queries(signal=None, sender=None, environ=None, **kwargs) -> None:
    """Empty the query log of this thread's connections (request start)."""
    try:
        wrappers = connections._initialized.wrappers
    except AttributeError:
        wrappers = connections.all(initialized_only=True)
    for conn in wrappers:
        if conn.queries_log:
            conn.queries_log.clear()


def close_old_connections(signal=None, sender=None, environ=None, **kwargs) -> None:
    """Close connections that are broken or past CONN_MAX_AGE.

    Connected to request_started and request_finished, as in Django.
    """
    try:
        wrappers = connections._initialized.wrappers
    except AttributeError:
        wrappers = connections.all(initialized_only=True)
    for conn in wrappers:
        if conn.connection is None:
            continue
        if (
            conn.close_at is None
            and not conn.errors_occurred
            and type(conn).close_if_unusable_or_obsolete is _stock_close_check
            and conn.autocommit == conn.settings_dict["AUTOCOMMIT"]
        ):
            # All that close_if_unusable_or_obsolete() would do for a healthy,
            # persistent connection, without its call (this runs twice per
            # request).
            conn.health_check_done = False
        else:
            conn.close_if_unusable_or_obsolete()


def _databases_changed(*, setting, **kwargs) -> None:
    if setting == "DATABASES":
        connections.reset()


# Imported last: the base backend imports names defined above.
from fastdj.db.backends.base.base import BaseDatabaseWrapper  # noqa: E402

_stock_close_check = BaseDatabaseWrapper.close_if_unusable_or_obsolete

signals.request_started.connect(reset_queries)
signals.request_started.connect(close_old_connections)
signals.request_finished.connect(close_old_connections)
signals.setting_changed.connect(_databases_changed)
