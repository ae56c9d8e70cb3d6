"""atomic(), savepoints, on_commit and the rollback flag, on both backends."""

import pytest

from fastdj.db import IntegrityError, connection, transaction
from fastdj.db.transaction import TransactionManagementError


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY)")
    return db


def insert(i):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (id) VALUES (%s)", [i])


def ids():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


class Boom(Exception):
    pass


def test_autocommit_by_default(table):
    assert transaction.get_autocommit() is True
    insert(1)
    # Visible from another connection: it was committed.
    from fastdj.db import connections

    other = connections["default"].copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM t")
            assert cursor.fetchall() == [(1,)]
    finally:
        other.close()


def test_atomic_commits_and_rolls_back(table):
    with transaction.atomic():
        assert transaction.get_autocommit() is False
        assert connection.in_atomic_block
        insert(1)
    assert transaction.get_autocommit() is True
    with pytest.raises(Boom):
        with transaction.atomic():
            insert(2)
            raise Boom
    assert ids() == [1]


def test_atomic_as_decorator_forms(table):
    @transaction.atomic
    def bare(i):
        insert(i)
        if i == 2:
            raise Boom

    @transaction.atomic(using="default", savepoint=False)
    def called(i):
        insert(i)

    bare(1)
    with pytest.raises(Boom):
        bare(2)
    called(3)
    assert bare.__name__ == "bare"
    assert ids() == [1, 3]


def test_nested_savepoints(table):
    with transaction.atomic():
        insert(1)
        try:
            with transaction.atomic():
                insert(2)
                with transaction.atomic():
                    insert(3)
                raise Boom
        except Boom:
            pass
        with transaction.atomic():
            insert(4)
    assert ids() == [1, 4]


def test_nested_without_savepoint_dooms_the_outer_block(table):
    with transaction.atomic():
        insert(1)
        try:
            with transaction.atomic(savepoint=False):
                insert(2)
                raise Boom
        except Boom:
            pass
        assert transaction.get_rollback() is True
        with pytest.raises(TransactionManagementError):
            insert(3)
    assert ids() == []


def test_integrity_error_inside_savepoint_is_recoverable(table):
    with transaction.atomic():
        insert(1)
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                insert(1)
        insert(2)
    assert ids() == [1, 2]


def test_error_without_savepoint_breaks_the_transaction(table):
    with transaction.atomic():
        insert(1)
        with pytest.raises(IntegrityError):
            insert(1)
        # On PostgreSQL the transaction is aborted at the server; both
        # backends report it the same way once the flag is set.
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            insert(2)
    assert ids() == []


def test_set_rollback_forces_rollback(table):
    with transaction.atomic():
        insert(1)
        transaction.set_rollback(True)
    assert ids() == []
    with transaction.atomic():
        insert(2)
        with transaction.atomic():
            insert(3)
            transaction.set_rollback(True)
        insert(4)
    assert ids() == [2, 4]


def test_rollback_flag_outside_atomic(table):
    with pytest.raises(TransactionManagementError):
        transaction.get_rollback()
    with pytest.raises(TransactionManagementError):
        transaction.set_rollback(True)


def test_mark_for_rollback_on_error(table):
    with transaction.atomic():
        insert(1)
        with pytest.raises(Boom):
            with transaction.mark_for_rollback_on_error():
                raise Boom
        assert transaction.get_rollback() is True
    assert ids() == []
    # Outside atomic it only re-raises.
    with pytest.raises(Boom):
        with transaction.mark_for_rollback_on_error():
            raise Boom


def test_commit_and_rollback_forbidden_inside_atomic(table):
    with transaction.atomic():
        with pytest.raises(TransactionManagementError):
            transaction.commit()
        with pytest.raises(TransactionManagementError):
            transaction.rollback()
        with pytest.raises(TransactionManagementError):
            transaction.set_autocommit(True)


def test_durable(table):
    with transaction.atomic(durable=True):
        insert(1)
    with pytest.raises(RuntimeError, match="durable"):
        with transaction.atomic():
            with transaction.atomic(durable=True):
                insert(2)
    assert ids() == [1]


def test_manual_transaction_management(table):
    transaction.set_autocommit(False)
    try:
        insert(1)
        transaction.rollback()
        insert(2)
        transaction.commit()
        with transaction.atomic():
            insert(3)
        # The atomic block did not commit the manual transaction.
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert ids() == [2]


def test_on_commit_runs_after_outermost_commit(table):
    calls = []
    with transaction.atomic():
        transaction.on_commit(lambda: calls.append("a"))
        with transaction.atomic():
            transaction.on_commit(lambda: calls.append("b"))
        assert calls == []
    assert calls == ["a", "b"]


def test_on_commit_dropped_on_rollback(table):
    calls = []
    with pytest.raises(Boom):
        with transaction.atomic():
            transaction.on_commit(lambda: calls.append("a"))
            raise Boom
    with transaction.atomic():
        transaction.on_commit(lambda: calls.append("kept"))
        try:
            with transaction.atomic():
                transaction.on_commit(lambda: calls.append("dropped"))
                raise Boom
        except Boom:
            pass
    assert calls == ["kept"]


def test_on_commit_outside_transaction_runs_now(table):
    calls = []
    transaction.on_commit(lambda: calls.append(1))
    assert calls == [1]
    with pytest.raises(TypeError):
        transaction.on_commit("not callable")


def test_on_commit_robust(table, caplog):
    calls = []

    def bad():
        raise Boom("callback failed")

    with transaction.atomic():
        transaction.on_commit(bad, robust=True)
        transaction.on_commit(lambda: calls.append("after"))
    assert calls == ["after"]
    assert "callback failed" in caplog.text
    with pytest.raises(Boom):
        with transaction.atomic():
            transaction.on_commit(bad)
    # The failing callback ran after the commit: the data stays.


def test_on_commit_in_manual_mode_is_an_error(table):
    transaction.set_autocommit(False)
    try:
        with pytest.raises(TransactionManagementError):
            transaction.on_commit(lambda: None)
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)


def test_savepoint_api(table):
    with transaction.atomic():
        insert(1)
        sid = transaction.savepoint()
        assert sid
        insert(2)
        transaction.savepoint_rollback(sid)
        sid2 = transaction.savepoint()
        insert(3)
        transaction.savepoint_commit(sid2)
        transaction.clean_savepoints()
    assert ids() == [1, 3]
    # No savepoints in autocommit mode.
    assert transaction.savepoint() is None


def test_other_alias_is_independent(table):
    from fastdj.db import connections

    with connections["other"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY)")
    with transaction.atomic(using="other"):
        with connections["other"].cursor() as cursor:
            cursor.execute("INSERT INTO t (id) VALUES (7)")
        assert connections["default"].in_atomic_block is False
        insert(1)
        transaction.set_rollback(True, using="other")
    assert ids() == [1]
    with connections["other"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_failed_transaction_leaves_no_partial_writes(table):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            insert(1)
            insert(2)
            insert(1)
    assert ids() == []
