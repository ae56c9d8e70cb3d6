"""BaseDatabaseWrapper: one database connection and its transaction state."""

from __future__ import annotations

import _thread
import collections
import logging
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager

from fastdj.conf import _settings_cache, settings
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db import utils as db_utils
from fastdj.db.backends import utils as backend_utils
from fastdj.db.backends.base.creation import BaseDatabaseCreation
from fastdj.db.backends.base.features import BaseDatabaseFeatures
from fastdj.db.backends.base.introspection import BaseDatabaseIntrospection
from fastdj.db.backends.base.operations import BaseDatabaseOperations
from fastdj.db.backends.base.schema import BaseDatabaseSchemaEditor
from fastdj.db.backends.base.validation import BaseDatabaseValidation
from fastdj.db.backends.signals import connection_created
from fastdj.db.transaction import TransactionManagementError

__all__ = ["NO_DB_ALIAS", "BaseDatabaseWrapper"]

NO_DB_ALIAS = "__no_db__"

# Results longer than this do not stay referenced by execute_fetchall()'s cursor.
_FETCH_CURSOR_MAX_ROWS = 100

logger = logging.getLogger("fastdj.db.backends.base")

_MISSING = object()


class BaseDatabaseWrapper:
    """Represent a database connection.

    The DB-API connection is opened lazily by ensure_connection(); the wrapper
    tracks autocommit, atomic blocks, savepoints, on_commit callbacks, the query
    log and the connection's age and health.
    """

    # Mapping of field internal types to column types, per backend.
    data_types: dict[str, str] = {}
    data_types_suffix: dict[str, str] = {}
    data_type_check_constraints: dict[str, str] = {}
    # Lookup name -> SQL operator with a %s placeholder for the right side.
    operators: dict[str, str] = {}
    pattern_esc: str | None = None
    pattern_ops: dict[str, str] = {}

    vendor = "unknown"
    display_name = "unknown"
    SchemaEditorClass = BaseDatabaseSchemaEditor
    client_class = None
    creation_class = BaseDatabaseCreation
    features_class = BaseDatabaseFeatures
    introspection_class = BaseDatabaseIntrospection
    ops_class = BaseDatabaseOperations
    validation_class = BaseDatabaseValidation

    queries_limit = 9000

    def __init__(self, settings_dict: dict, alias: str = db_utils.DEFAULT_DB_ALIAS):
        # The DB-API connection object; None until connect().
        self.connection = None
        self.settings_dict = settings_dict
        self.alias = alias
        # Queries logged when DEBUG is on or force_debug_cursor is set.
        self.queries_log = collections.deque(maxlen=self.queries_limit)
        self.force_debug_cursor = False

        # Transaction state; autocommit is read from the connection in connect().
        self.autocommit = False
        self.in_atomic_block = False
        self.savepoint_state = 0
        self.savepoint_ids: list[str | None] = []
        self.atomic_blocks: list = []
        self.commit_on_exit = True
        self.needs_rollback = False
        self.rollback_exc: BaseException | None = None

        # Connection lifetime.
        self.close_at: float | None = None
        self.closed_in_transaction = False
        self.errors_occurred = False
        self.health_check_enabled = False
        self.health_check_done = False

        self._thread_sharing_lock = _thread.allocate_lock()
        self._thread_sharing_count = 0
        self._thread_ident = _thread.get_ident()

        # (savepoint ids, callback, robust) queued until the transaction commits.
        self.run_on_commit: list = []
        self.run_commit_hooks_on_set_autocommit_on = False

        # Wrappers around every cursor.execute(), outermost first.
        self.execute_wrappers: list[Callable] = []
        # (DB-API connection, its cursor) reused by execute_fetchall().
        self._fetch_cursor: tuple | None = None

        self.client = None
        self.creation = self.creation_class(self)
        self.features = self.features_class(self)
        self.introspection = self.introspection_class(self)
        self.ops = self.ops_class(self)
        self.validation = self.validation_class(self)

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__qualname__} vendor={self.display_name!r} "
            f"alias={self.alias!r}>"
        )

    # ##### Query log #####

    @property
    def queries_logged(self) -> bool:
        return self.force_debug_cursor or settings.DEBUG

    @property
    def queries(self) -> list[dict]:
        """Return the logged queries, as dicts with "sql" and "time"."""
        if len(self.queries_log) == self.queries_log.maxlen:
            warnings.warn(
                f"Limit for query logging exceeded, only the last "
                f"{self.queries_log.maxlen} queries will be returned.",
                stacklevel=2,
            )
        return list(self.queries_log)

    # ##### Backend-specific connection methods #####

    def get_database_version(self):
        raise NotImplementedError

    def check_database_version_supported(self) -> None:
        """Raise NotSupportedError if the server is older than supported."""
        minimum = self.features.minimum_database_version
        if minimum is None:
            return
        version = self.get_database_version()
        if version < minimum:
            raise db_utils.NotSupportedError(
                f"{self.display_name} {'.'.join(map(str, minimum))} or later is "
                f"required (found {'.'.join(map(str, version))})."
            )

    def get_connection_params(self) -> dict:
        """Return the keyword arguments for get_new_connection()."""
        raise NotImplementedError

    def get_new_connection(self, conn_params: dict):
        """Open and return a DB-API connection."""
        raise NotImplementedError

    def init_connection_state(self) -> None:
        """Initialize a new connection (time zone, session settings)."""

    def create_cursor(self, name=None):
        """Return a DB-API cursor."""
        raise NotImplementedError

    # ##### Connection lifetime #####

    def connect(self) -> None:
        """Open a connection to the database and reset the transaction state."""
        self.check_settings()
        self.in_atomic_block = False
        self.savepoint_ids = []
        self.atomic_blocks = []
        self.needs_rollback = False
        max_age = self.settings_dict["CONN_MAX_AGE"]
        self.close_at = None if max_age is None else time.monotonic() + max_age
        self.closed_in_transaction = False
        self.errors_occurred = False
        # A fresh connection needs no health check before its first use.
        self.health_check_enabled = self.settings_dict["CONN_HEALTH_CHECKS"]
        self.health_check_done = True
        params = self.get_connection_params()
        self.connection = self.get_new_connection(params)
        try:
            self.set_autocommit(self.settings_dict["AUTOCOMMIT"])
            self.check_database_version_supported()
            self.init_connection_state()
        except BaseException:
            # A half set-up connection must not be used by the next query.
            self._drop_connection()
            raise
        connection_created.send(sender=self.__class__, connection=self)
        self.run_on_commit = []

    def check_settings(self) -> None:
        max_age = self.settings_dict["CONN_MAX_AGE"]
        if max_age is not None and (
            not isinstance(max_age, (int, float))
            or isinstance(max_age, bool)
            or max_age < 0
        ):
            raise ImproperlyConfigured(
                f"CONN_MAX_AGE of database {self.alias!r} must be None or a "
                f"non-negative number, not {max_age!r}."
            )

    def ensure_connection(self) -> None:
        """Open the connection if there is none."""
        if self.connection is None:
            if self.in_atomic_block and self.closed_in_transaction:
                raise db_utils.ProgrammingError(
                    "Cannot open a new connection in an atomic block."
                )
            with self.wrap_database_errors:
                self.connect()

    def _on_driver_error(self) -> None:
        """React to a driver error that was not a data or integrity error.

        A connection the server has dropped is closed at once outside atomic
        blocks (so the next query reconnects), or marked for rollback inside
        one (so the outermost block drops it on exit).
        """
        if self.connection is None or not self._is_connection_broken():
            return
        if self.in_atomic_block:
            # Keep the wrapper's connection attribute until the outermost
            # block exits (it sets it to None); queries in between raise.
            self._close_raw()
            self.closed_in_transaction = True
            self.needs_rollback = True
        else:
            self._drop_connection()

    def _is_connection_broken(self) -> bool:
        """Return True if the DB-API connection is known to be dead (cheap)."""
        return False

    def _close_raw(self) -> None:
        # Bypass error wrapping: the connection is dead already and closing it
        # is a formality that must not recurse into _on_driver_error().
        try:
            self.connection.close()
        except Exception:
            pass

    def _drop_connection(self) -> None:
        self._fetch_cursor = None
        if self.connection is not None:
            self._close_raw()
        self.connection = None

    # ##### Cursors #####

    def _prepare_cursor(self, cursor):
        self.validate_thread_sharing()
        if self.queries_logged:
            return self.make_debug_cursor(cursor)
        return self.make_cursor(cursor)

    def _cursor(self, name=None):
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(self.create_cursor(name))

    def cursor(self):
        """Return a cursor, opening the connection if needed."""
        return self._cursor()

    def chunked_cursor(self):
        """Return a cursor that fetches rows in chunks where the backend can."""
        return self.cursor()

    def execute_fetchall(self, sql: str, params, rowcount: bool = False):
        """Run the query ``sql`` with ``params`` and return all its rows.

        The same as ``cursor().execute(sql, params)`` then ``fetchall()``: the
        same checks, error translation, execute wrappers and query log. When
        nothing observes the execution (no execute wrapper, no query log) and
        the wrapper's own thread runs it, one driver cursor per connection is
        reused instead of a CursorWrapper and a new driver cursor per query.
        With ``rowcount`` the statement's ``cursor.rowcount`` is returned
        instead of rows (an UPDATE or DELETE).
        """
        debug = _settings_cache.get("DEBUG", _MISSING)
        if debug is _MISSING:
            debug = settings.DEBUG
        if (
            self.execute_wrappers
            # queries_logged, without the property's call.
            or self.force_debug_cursor
            or debug
            or self._thread_ident != _thread.get_ident()
        ):
            with self.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount if rowcount else cursor.fetchall()
        # cursor()'s and execute()'s checks, each called only when it has
        # something to do.
        if self.health_check_enabled and not self.health_check_done:
            self.close_if_health_check_failed()
        if self.connection is None:
            self.ensure_connection()
        if self.needs_rollback:
            self.validate_no_broken_transaction()
        if not params and "%" not in sql:
            # Nothing to bind: the driver can skip its placeholder pass.
            params = None
        raw = self.connection
        pair = self._fetch_cursor
        try:
            if pair is None or pair[0] is not raw:
                pair = self._fetch_cursor = (raw, self._create_fetch_cursor())
            cursor = pair[1]
            cursor.execute(sql, params)
            if rowcount:
                return cursor.rowcount
            rows = cursor.fetchall()
        except BaseException as exc:
            self._fetch_cursor = None
            if self._fetch_error_is_recoverable(exc):
                # The general path's cursor knows how to recover from it.
                with self.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.rowcount if rowcount else cursor.fetchall()
            # Translated as everywhere else: the wrapper raises fastdj's error.
            with self.wrap_database_errors:
                raise
        if len(rows) > _FETCH_CURSOR_MAX_ROWS:
            # A driver may keep its copy of the last result until the next
            # query: let go of a big one now.
            self._fetch_cursor = None
        return rows

    def _create_fetch_cursor(self):
        """Return the driver cursor that execute_fetchall() reuses."""
        return self.create_cursor()

    def _fetch_error_is_recoverable(self, exc: BaseException) -> bool:
        """Return True if the cursor()/execute() path recovers from ``exc``.

        execute_fetchall() then runs its query again through that path.
        Backends whose fetch cursor skips a recovery their cursor() does
        say so here.
        """
        return False

    def make_debug_cursor(self, cursor):
        return backend_utils.CursorDebugWrapper(cursor, self)

    def make_cursor(self, cursor):
        return backend_utils.CursorWrapper(cursor, self)

    # ##### Backend-specific transaction methods #####

    def _commit(self) -> None:
        if self.connection is not None:
            with self.wrap_database_errors:
                return self.connection.commit()

    def _rollback(self) -> None:
        if self.connection is not None:
            with self.wrap_database_errors:
                return self.connection.rollback()

    def _close(self) -> None:
        if self.connection is not None:
            with self.wrap_database_errors:
                return self.connection.close()

    def commit(self) -> None:
        """Commit a transaction and reset the dirty flag."""
        self.validate_thread_sharing()
        self.validate_no_atomic_block()
        self._commit()
        self.errors_occurred = False
        self.run_commit_hooks_on_set_autocommit_on = True

    def rollback(self) -> None:
        """Roll back a transaction and reset the dirty flag."""
        self.validate_thread_sharing()
        self.validate_no_atomic_block()
        self._rollback()
        self.errors_occurred = False
        self.needs_rollback = False
        self.run_on_commit = []

    def close(self) -> None:
        """Close the connection to the database."""
        self.validate_thread_sharing()
        self.run_on_commit = []
        self._fetch_cursor = None
        # No validate_no_atomic_block(): a broken connection must be droppable
        # anywhere; the next connect() resets the transaction state.
        if self.closed_in_transaction or self.connection is None:
            return
        try:
            self._close()
        finally:
            if self.in_atomic_block:
                self.closed_in_transaction = True
                self.needs_rollback = True
            else:
                self.connection = None

    # ##### Savepoints #####

    def _savepoint(self, sid: str) -> None:
        with self.cursor() as cursor:
            cursor.execute(self.ops.savepoint_create_sql(sid))

    def _savepoint_rollback(self, sid: str) -> None:
        with self.cursor() as cursor:
            cursor.execute(self.ops.savepoint_rollback_sql(sid))

    def _savepoint_commit(self, sid: str) -> None:
        with self.cursor() as cursor:
            cursor.execute(self.ops.savepoint_commit_sql(sid))

    def _savepoint_allowed(self) -> bool:
        # Savepoints only make sense inside a transaction.
        return self.features.uses_savepoints and not self.get_autocommit()

    def savepoint(self) -> str | None:
        """Create a savepoint inside the current transaction; return its id.

        Return None if savepoints aren't possible (autocommit mode).
        """
        if not self._savepoint_allowed():
            return None
        thread_ident = _thread.get_ident()
        tid = str(thread_ident).replace("-", "")
        self.savepoint_state += 1
        sid = f"s{tid}_x{self.savepoint_state}"
        self.validate_thread_sharing()
        self._savepoint(sid)
        return sid

    def savepoint_rollback(self, sid: str) -> None:
        """Roll back to a savepoint; drop its on_commit callbacks."""
        if not self._savepoint_allowed():
            return
        self.validate_thread_sharing()
        self._savepoint_rollback(sid)
        # Callbacks registered after the savepoint will never run.
        self.run_on_commit = [
            (sids, func, robust)
            for (sids, func, robust) in self.run_on_commit
            if sid not in sids
        ]

    def savepoint_commit(self, sid: str) -> None:
        """Release a savepoint."""
        if not self._savepoint_allowed():
            return
        self.validate_thread_sharing()
        self._savepoint_commit(sid)

    def clean_savepoints(self) -> None:
        """Reset the counter used to generate unique savepoint ids."""
        self.savepoint_state = 0

    # ##### Autocommit and atomic blocks #####

    def _set_autocommit(self, autocommit: bool) -> None:
        raise NotImplementedError

    def get_autocommit(self) -> bool:
        """Return the autocommit state of the connection (connecting if needed)."""
        self.ensure_connection()
        return self.autocommit

    def set_autocommit(
        self, autocommit: bool, force_begin_transaction_with_broken_autocommit=False
    ) -> None:
        """Enable or disable autocommit; on enable run pending on_commit hooks."""
        self.validate_no_atomic_block()
        self.close_if_health_check_failed()
        self.ensure_connection()
        self._set_autocommit(autocommit)
        self.autocommit = autocommit
        if autocommit and self.run_commit_hooks_on_set_autocommit_on:
            self.run_and_clear_commit_hooks()
            self.run_commit_hooks_on_set_autocommit_on = False

    def get_rollback(self) -> bool:
        """Return the needs_rollback flag, only valid inside an atomic block."""
        if not self.in_atomic_block:
            raise TransactionManagementError(
                "The rollback flag doesn't work outside of an 'atomic' block."
            )
        return self.needs_rollback

    def set_rollback(self, rollback: bool) -> None:
        """Set or unset the needs_rollback flag of the innermost atomic block."""
        if not self.in_atomic_block:
            raise TransactionManagementError(
                "The rollback flag doesn't work outside of an 'atomic' block."
            )
        self.needs_rollback = rollback

    def validate_no_atomic_block(self) -> None:
        """Raise if an atomic block is active."""
        if self.in_atomic_block:
            raise TransactionManagementError(
                "This is forbidden when an 'atomic' block is active."
            )

    def validate_no_broken_transaction(self) -> None:
        """Raise if the current transaction must be rolled back first."""
        if self.needs_rollback:
            raise TransactionManagementError(
                "An error occurred in the current transaction. You can't "
                "execute queries until the end of the 'atomic' block."
            ) from self.rollback_exc

    # ##### Health and age #####

    def is_usable(self) -> bool:
        """Return True if the connection can still be used (may query)."""
        raise NotImplementedError

    def close_if_health_check_failed(self) -> None:
        """Close a persistent connection that fails its health check."""
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if not self.is_usable():
            self.close()
        self.health_check_done = True

    def close_if_unusable_or_obsolete(self) -> None:
        """Close the connection if it is broken or older than CONN_MAX_AGE.

        Called at the start and end of each request.
        """
        if self.connection is None:
            return
        self.health_check_done = False
        # A connection left out of autocommit mode by someone is unsafe to reuse.
        # (The connection is open: read the flag, no ensure_connection() call.)
        if self.autocommit != self.settings_dict["AUTOCOMMIT"]:
            self.close()
            return
        if self.errors_occurred:
            if self.is_usable():
                self.errors_occurred = False
                self.health_check_done = True
            else:
                self.close()
                return
        if self.close_at is not None and time.monotonic() >= self.close_at:
            self.close()
            return

    # ##### Threads #####

    @property
    def allow_thread_sharing(self) -> bool:
        with self._thread_sharing_lock:
            return self._thread_sharing_count > 0

    def inc_thread_sharing(self) -> None:
        with self._thread_sharing_lock:
            self._thread_sharing_count += 1

    def dec_thread_sharing(self) -> None:
        with self._thread_sharing_lock:
            if self._thread_sharing_count <= 0:
                raise RuntimeError(
                    "Cannot decrement the thread sharing count below zero."
                )
            self._thread_sharing_count -= 1

    def validate_thread_sharing(self) -> None:
        """Raise if the connection is used from a thread that didn't create it.

        ConnectionHandler.close_all() closes other threads' connections at
        shutdown; that path uses _drop_connection(), which does not check.
        """
        # The thread check first: it is cheap and almost always passes.
        if self._thread_ident != _thread.get_ident() and not self.allow_thread_sharing:
            raise db_utils.DatabaseError(
                f"DatabaseWrapper objects created in a thread can only be used in "
                f"that same thread. The object with alias '{self.alias}' was "
                f"created in thread id {self._thread_ident} and this is thread "
                f"id {_thread.get_ident()}."
            )

    # ##### Miscellaneous #####

    @property
    def wrap_database_errors(self) -> db_utils.DatabaseErrorWrapper:
        """Context manager and decorator mapping driver errors to fastdj's."""
        # Stateless, so one instance serves every query (it is on the hot path).
        wrapper = self.__dict__.get("_error_wrapper")
        if wrapper is None:
            wrapper = self.__dict__["_error_wrapper"] = db_utils.DatabaseErrorWrapper(
                self
            )
        return wrapper

    @contextmanager
    def constraint_checks_disabled(self):
        """Disable foreign key checks inside the block, if the backend can."""
        disabled = self.disable_constraint_checking()
        try:
            yield
        finally:
            if disabled:
                self.enable_constraint_checking()

    def disable_constraint_checking(self) -> bool:
        return False

    def enable_constraint_checking(self) -> None:
        pass

    def check_constraints(self, table_names=None) -> None:
        """Raise IntegrityError if any row violates a foreign key (deferred)."""

    @contextmanager
    def temporary_connection(self):
        """Yield a cursor on a connection that is closed afterwards if new."""
        must_close = self.connection is None
        try:
            with self.cursor() as cursor:
                yield cursor
        finally:
            if must_close:
                self.close()

    def schema_editor(self, *args, **kwargs):
        """Return a schema editor (a context manager) for this connection."""
        if self.SchemaEditorClass is None:
            raise NotImplementedError(
                "The SchemaEditorClass attribute of this database wrapper is None"
            )
        return self.SchemaEditorClass(self, *args, **kwargs)

    def on_commit(self, func: Callable[[], object], robust: bool = False) -> None:
        """Run ``func`` when the current transaction commits (now if none)."""
        if not callable(func):
            raise TypeError("on_commit()'s callback must be a callable.")
        if self.in_atomic_block:
            # Remember the savepoints: rolling one back drops the callback.
            self.run_on_commit.append((set(self.savepoint_ids), func, robust))
        elif not self.get_autocommit():
            raise TransactionManagementError(
                "on_commit() cannot be used in manual transaction management"
            )
        else:
            # No transaction: the "commit" has already happened.
            self._run_commit_hook(func, robust)

    @staticmethod
    def _run_commit_hook(func, robust: bool) -> None:
        if not robust:
            func()
            return
        try:
            func()
        except Exception as exc:
            logger.exception(
                "Error calling %s in on_commit() (%s).",
                getattr(func, "__qualname__", func),
                exc,
            )

    def run_and_clear_commit_hooks(self) -> None:
        self.validate_no_atomic_block()
        current_run_on_commit = self.run_on_commit
        self.run_on_commit = []
        while current_run_on_commit:
            _, func, robust = current_run_on_commit.pop(0)
            self._run_commit_hook(func, robust)

    @contextmanager
    def execute_wrapper(self, wrapper: Callable):
        """Install ``wrapper(execute, sql, params, many, context)`` in the block."""
        self.execute_wrappers.append(wrapper)
        try:
            yield
        finally:
            self.execute_wrappers.pop()

    def copy(self, alias: str | None = None):
        """Return an unconnected copy of this wrapper (for another thread)."""
        settings_dict = dict(self.settings_dict)
        if alias is None:
            alias = self.alias
        return type(self)(settings_dict, alias)
