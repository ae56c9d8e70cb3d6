"""Transaction management, as ``django.db.transaction``.

``atomic`` opens a transaction (outermost block) or a savepoint (nested block);
leaving it normally commits or releases, leaving it with an exception rolls
back. ``on_commit`` callbacks run after the outermost commit.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ContextDecorator, contextmanager

from fastdj.db.utils import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    Error,
    ProgrammingError,
)

__all__ = [
    "Atomic",
    "TransactionManagementError",
    "atomic",
    "clean_savepoints",
    "commit",
    "get_autocommit",
    "get_connection",
    "get_rollback",
    "mark_for_rollback_on_error",
    "non_atomic_requests",
    "on_commit",
    "rollback",
    "savepoint",
    "savepoint_commit",
    "savepoint_rollback",
    "set_autocommit",
    "set_rollback",
]


class TransactionManagementError(ProgrammingError):
    """Transaction management is used improperly."""


def get_connection(using: str | None = None):
    """Return the connection wrapper for ``using`` (default: "default")."""
    from fastdj.db import connections

    if using is None:
        using = DEFAULT_DB_ALIAS
    return connections[using]


def get_autocommit(using: str | None = None) -> bool:
    """Return the autocommit state of a connection."""
    return get_connection(using).get_autocommit()


def set_autocommit(autocommit: bool, using: str | None = None) -> None:
    """Set the autocommit state of a connection."""
    return get_connection(using).set_autocommit(autocommit)


def commit(using: str | None = None) -> None:
    """Commit the current transaction."""
    get_connection(using).commit()


def rollback(using: str | None = None) -> None:
    """Roll back the current transaction."""
    get_connection(using).rollback()


def savepoint(using: str | None = None) -> str | None:
    """Create a savepoint; return its id (None in autocommit mode)."""
    return get_connection(using).savepoint()


def savepoint_rollback(sid: str, using: str | None = None) -> None:
    """Roll back to the savepoint ``sid``."""
    get_connection(using).savepoint_rollback(sid)


def savepoint_commit(sid: str, using: str | None = None) -> None:
    """Release the savepoint ``sid``."""
    get_connection(using).savepoint_commit(sid)


def clean_savepoints(using: str | None = None) -> None:
    """Reset the counter that generates savepoint ids."""
    get_connection(using).clean_savepoints()


def get_rollback(using: str | None = None) -> bool:
    """Return the needs_rollback flag (inside an atomic block only)."""
    return get_connection(using).get_rollback()


def set_rollback(rollback: bool, using: str | None = None) -> None:
    """Force (or cancel) a rollback when the innermost atomic block exits.

    Setting it to False after a database error inside the block, without
    rolling back to a savepoint first, risks committing a broken transaction.
    """
    return get_connection(using).set_rollback(rollback)


@contextmanager
def mark_for_rollback_on_error(using: str | None = None):
    """Mark the transaction for rollback if the block raises.

    For code that catches errors itself inside an atomic block but must not
    let the transaction commit afterwards.
    """
    try:
        yield
    except Exception as exc:
        connection = get_connection(using)
        if connection.in_atomic_block:
            connection.needs_rollback = True
            connection.rollback_exc = exc
        raise


def on_commit(
    func: Callable[[], object], using: str | None = None, robust: bool = False
) -> None:
    """Register ``func`` to run after the current transaction commits.

    Outside a transaction it runs immediately; if the transaction rolls back
    it never runs. With robust=True its exceptions are logged, not raised.
    """
    get_connection(using).on_commit(func, robust)


class Atomic(ContextDecorator):
    """Guarantee atomic execution of a block (see ``atomic``).

    The outermost block opens a transaction and commits or rolls it back on
    exit; a nested block uses a savepoint unless savepoint=False, in which
    case an error marks the outer transaction for rollback. The state lives
    on the connection, so one Atomic instance may be re-entered (decorators).
    """

    def __init__(self, using: str | None, savepoint: bool, durable: bool):
        self.using = using
        self.savepoint = savepoint
        self.durable = durable
        self._from_testcase = False

    def __enter__(self):
        connection = get_connection(self.using)

        if (
            self.durable
            and connection.atomic_blocks
            and not connection.atomic_blocks[-1]._from_testcase
        ):
            raise RuntimeError(
                "A durable atomic block cannot be nested within another atomic block."
            )
        if not connection.in_atomic_block:
            # The outermost block: remember where commit hooks stand.
            connection.commit_on_exit = True
            connection.needs_rollback = False
            if not connection.get_autocommit():
                # Manual transaction management: this block runs inside the
                # caller's transaction and must not commit it.
                connection.in_atomic_block = True
                connection.commit_on_exit = False

        if connection.in_atomic_block:
            # Nested: a savepoint, unless disabled or the transaction is
            # already doomed (no point in a savepoint then).
            if self.savepoint and not connection.needs_rollback:
                sid = connection.savepoint()
                connection.savepoint_ids.append(sid)
            else:
                connection.savepoint_ids.append(None)
        else:
            connection.set_autocommit(
                False, force_begin_transaction_with_broken_autocommit=True
            )
            connection.in_atomic_block = True

        if connection.in_atomic_block:
            connection.atomic_blocks.append(self)

    def __exit__(self, exc_type, exc_value, traceback):
        connection = get_connection(self.using)

        if connection.in_atomic_block:
            connection.atomic_blocks.pop()

        sid = None
        if connection.savepoint_ids:
            sid = connection.savepoint_ids.pop()
        else:
            # The outermost block: clear the flag now so commit()/rollback()
            # are allowed below.
            connection.in_atomic_block = False

        try:
            if connection.closed_in_transaction:
                # The connection died; the server rolled back by itself.
                pass
            elif exc_type is None and not connection.needs_rollback:
                self._exit_success(connection, sid)
            else:
                self._exit_failure(connection, sid)
        finally:
            if not connection.in_atomic_block:
                # Left the outermost block that turned autocommit off.
                if connection.closed_in_transaction:
                    connection.connection = None
                else:
                    connection.set_autocommit(True)
            elif not connection.savepoint_ids and not connection.commit_on_exit:
                # Left the outermost block inside a manual transaction.
                if connection.closed_in_transaction:
                    connection.connection = None
                else:
                    connection.in_atomic_block = False

    @staticmethod
    def _exit_success(connection, sid) -> None:
        if connection.in_atomic_block:
            if sid is None:
                return
            try:
                connection.savepoint_commit(sid)
            except DatabaseError:
                try:
                    connection.savepoint_rollback(sid)
                    # Release it too: it will never be used again.
                    connection.savepoint_commit(sid)
                except Error:
                    # Roll back at a higher level; keep the original error.
                    connection.needs_rollback = True
                raise
            return
        try:
            connection.commit()
        except DatabaseError:
            try:
                connection.rollback()
            except Error:
                # A failed rollback means the connection is broken: drop it.
                connection.close()
            raise

    @staticmethod
    def _exit_failure(connection, sid) -> None:
        # Set again below if this level cannot roll back by itself.
        connection.needs_rollback = False
        if connection.in_atomic_block:
            if sid is None:
                connection.needs_rollback = True
                return
            try:
                connection.savepoint_rollback(sid)
                connection.savepoint_commit(sid)
            except Error:
                connection.needs_rollback = True
            return
        try:
            connection.rollback()
        except Error:
            connection.close()


def atomic(using=None, savepoint: bool = True, durable: bool = False):
    """Return an atomic block: ``@atomic``, ``@atomic(using=...)`` or ``with``."""
    # Bare decorator: the "using" argument is the decorated function.
    if callable(using):
        return Atomic(DEFAULT_DB_ALIAS, savepoint, durable)(using)
    return Atomic(using, savepoint, durable)


def _non_atomic_requests(view, using):
    try:
        view._non_atomic_requests.add(using)
    except AttributeError:
        view._non_atomic_requests = {using}
    return view


def non_atomic_requests(using=None):
    """Exempt a view from ATOMIC_REQUESTS."""
    if callable(using):
        return _non_atomic_requests(using, DEFAULT_DB_ALIAS)
    if using is None:
        using = DEFAULT_DB_ALIAS
    return lambda view: _non_atomic_requests(view, using)
