"""Database aliases, backend loading and the DB-API exception hierarchy.

As ``django.db.utils``: every driver error is re-raised as the fastdj exception
of the same PEP 249 name, with the driver's exception as ``__cause__``.
"""

from __future__ import annotations

import importlib
import threading
import weakref
from collections.abc import Iterator

from fastdj.core.exceptions import ImproperlyConfigured

__all__ = [
    "DEFAULT_DB_ALIAS",
    "ConnectionDoesNotExist",
    "ConnectionHandler",
    "DataError",
    "DatabaseError",
    "DatabaseErrorWrapper",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "load_backend",
]

DEFAULT_DB_ALIAS = "default"


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class ConnectionDoesNotExist(Exception):
    pass


# Most specific first: a driver's IntegrityError is also its DatabaseError.
_WRAPPED = (
    DataError,
    OperationalError,
    IntegrityError,
    InternalError,
    ProgrammingError,
    NotSupportedError,
    DatabaseError,
    InterfaceError,
    Error,
)


class DatabaseErrorWrapper:
    """Context manager and decorator turning driver errors into fastdj's.

    It also records, on the connection wrapper, that an error happened, so the
    wrapper can find out later whether the connection is still usable.
    """

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def __enter__(self):
        return None

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None:
            return
        module = self.wrapper.Database
        for fastdj_exc in _WRAPPED:
            db_exc = getattr(module, fastdj_exc.__name__, None)
            if db_exc is not None and issubclass(exc_type, db_exc):
                new = fastdj_exc(*exc_value.args)
                # Constraint and data errors leave the connection healthy.
                if fastdj_exc not in (DataError, IntegrityError):
                    self.wrapper.errors_occurred = True
                    self.wrapper._on_driver_error()
                raise new.with_traceback(traceback) from exc_value

    def __call__(self, func):
        def inner(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return inner


def load_backend(backend_name: str):
    """Return the ``base`` module of the backend package ``backend_name``.

    Django's built-in engine names map to fastdj's, so a ported settings
    module keeps working unchanged.
    """
    if backend_name.startswith("django.db.backends."):
        backend_name = "fastdj" + backend_name.removeprefix("django")
    try:
        return importlib.import_module(f"{backend_name}.base")
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{backend_name!r} isn't an available database backend or couldn't be "
            f"imported ({exc}). Try 'fastdj.db.backends.sqlite3' or "
            "'fastdj.db.backends.postgresql'."
        ) from exc


_DEFAULTS = {
    "ENGINE": "fastdj.db.backends.sqlite3",
    "ATOMIC_REQUESTS": False,
    "AUTOCOMMIT": True,
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": False,
    "OPTIONS": {},
    "TIME_ZONE": None,
    "NAME": "",
    "USER": "",
    "PASSWORD": "",
    "HOST": "",
    "PORT": "",
}

_TEST_DEFAULTS = {"CHARSET": None, "COLLATION": None, "MIRROR": None, "NAME": None}


class ConnectionHandler:
    """Map database aliases to connection wrappers, one per thread.

    The aliases come from ``settings.DATABASES`` (read on first use); changing
    that setting through override_settings closes every connection and reloads
    the aliases.
    """

    def __init__(self, settings: dict | None = None):
        # Explicit settings (tests) are kept raw and checked on first use.
        self._databases = settings
        self._settings: dict | None = None
        self._local = threading.local()
        # The thread's wrappers in DATABASES order (all(initialized_only=True),
        # twice per request): rebuilt after the thread's wrappers or the
        # aliases change, a new local dropping every thread's.
        self._initialized = threading.local()
        self._lock = threading.Lock()
        # Every live wrapper, so close_all() reaches other threads' too; weak,
        # so a finished thread's wrappers go away with it.
        self._all: weakref.WeakSet = weakref.WeakSet()

    @property
    def settings(self) -> dict:
        if self._settings is None:
            databases = self._databases
            if databases is None:
                from fastdj.conf import settings

                databases = settings.DATABASES
            self._settings = self.configure_settings(databases)
        return self._settings

    @settings.setter
    def settings(self, value: dict) -> None:
        self._settings = self.configure_settings(value)
        self._initialized = threading.local()

    @staticmethod
    def configure_settings(databases: dict | None) -> dict:
        """Return a copy of ``databases`` with every key filled in."""
        if databases is None:
            databases = {}
        if not isinstance(databases, dict):
            raise ImproperlyConfigured("The DATABASES setting must be a dict.")
        if databases and DEFAULT_DB_ALIAS not in databases:
            raise ImproperlyConfigured(
                f"You must define a '{DEFAULT_DB_ALIAS}' database."
            )
        if not databases:
            databases = {DEFAULT_DB_ALIAS: {"ENGINE": "fastdj.db.backends.dummy"}}
        configured = {}
        for alias, conf in databases.items():
            if not isinstance(conf, dict):
                raise ImproperlyConfigured(
                    f"DATABASES[{alias!r}] must be a dict, not {type(conf).__name__}."
                )
            conf = {**_DEFAULTS, **conf}
            conf["OPTIONS"] = dict(conf["OPTIONS"] or {})
            conf["TEST"] = {**_TEST_DEFAULTS, **(conf.get("TEST") or {})}
            if not conf["ENGINE"]:
                conf["ENGINE"] = "fastdj.db.backends.dummy"
            configured[alias] = conf
        return configured

    def reset(self) -> None:
        """Close every connection and forget the aliases (settings changed).

        Connection pools of the old settings are closed too: nothing would
        ever hand their connections out again.
        """
        with self._lock:
            backends = {type(conn) for conn in self._all}
        self.close_all()
        for backend in backends:
            close_pools = getattr(backend, "close_pools", None)
            if close_pools is not None:
                close_pools()
        with self._lock:
            self._all = weakref.WeakSet()
        self._local = threading.local()
        self._initialized = threading.local()
        self._settings = None

    def create_connection(self, alias: str):
        conf = self.settings[alias]
        backend = load_backend(conf["ENGINE"])
        return backend.DatabaseWrapper(conf, alias)

    def __getitem__(self, alias: str):
        try:
            return getattr(self._local, alias)
        except AttributeError:
            pass
        if alias not in self.settings:
            raise ConnectionDoesNotExist(f"The connection '{alias}' doesn't exist.")
        conn = self.create_connection(alias)
        setattr(self._local, alias, conn)
        self._initialized.__dict__.clear()
        with self._lock:
            self._all.add(conn)
        return conn

    def __setitem__(self, alias: str, value) -> None:
        setattr(self._local, alias, value)
        self._initialized.__dict__.clear()

    def __delitem__(self, alias: str) -> None:
        delattr(self._local, alias)
        self._initialized.__dict__.clear()

    def __iter__(self) -> Iterator[str]:
        return iter(self.settings)

    def __contains__(self, alias: object) -> bool:
        return alias in self.settings

    def all(self, initialized_only: bool = False) -> list:
        """Return this thread's wrappers (only those created if asked)."""
        if initialized_only:
            try:
                return list(self._initialized.wrappers)
            except AttributeError:
                pass
            # The thread's own attributes are exactly its wrappers by alias.
            created = self._local.__dict__
            wrappers = tuple(created[a] for a in self.settings if a in created)
            self._initialized.wrappers = wrappers
            return list(wrappers)
        return [self[alias] for alias in self]

    def close_all(self) -> None:
        """Close every connection this handler opened, in any thread."""
        with self._lock:
            wrappers = list(self._all)
        me = threading.get_ident()
        for conn in wrappers:
            if conn._thread_ident != me:
                # Another thread's connection: close it without its checks.
                conn._drop_connection()
                continue
            try:
                conn.close()
            except Error:
                # A connection that cannot close cleanly is dropped anyway.
                conn._drop_connection()
