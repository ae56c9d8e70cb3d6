"""Transaction semantics, differentially against Django 5.2 on SQLite.

Hypothesis generates programs of nested atomic blocks (with or without
savepoints, durable or not, caught or propagating exceptions), inserts,
duplicate inserts, set_rollback() and on_commit() callbacks. Each program runs
on fastdj and on Django's in-memory SQLite oracle; the event logs (exceptions
seen where, callbacks run and when) and the committed rows must be identical.
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastdj.db
from fastdj.db import transaction as fj_transaction

leaf = st.sampled_from([("insert",), ("dup",), ("on_commit",), ("set_rollback",)])


def _atomic(children):
    return st.tuples(
        st.just("atomic"),
        st.booleans(),  # savepoint
        st.booleans(),  # catch the block's exception
        st.booleans(),  # raise at the end of the block
        st.lists(children, max_size=4),
        st.sampled_from([False, False, False, True]),  # durable
    )


programs = st.lists(
    st.recursive(leaf, _atomic, max_leaves=12),
    min_size=1,
    max_size=5,
)


class Boom(Exception):
    pass


class _Api:
    def __init__(self, connection, transaction, exceptions):
        self.connection = connection
        self.transaction = transaction
        self.exceptions = exceptions

    def execute(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            if sql.startswith("SELECT"):
                return cursor.fetchall()
        return None


def _run(program, api):
    log = []
    ids = itertools.count(1)
    callbacks = itertools.count(1)

    def run(nodes):
        for node in nodes:
            kind = node[0]
            if kind == "insert":
                api.execute("INSERT INTO tx (id) VALUES (%s)", [next(ids)])
            elif kind == "dup":
                api.execute("INSERT INTO tx (id) VALUES (%s)", [0])
            elif kind == "on_commit":
                n = next(callbacks)
                api.transaction.on_commit(lambda n=n: log.append(("callback", n)))
            elif kind == "set_rollback":
                api.transaction.set_rollback(True)
            else:
                _, savepoint, catch, raise_after, children, *rest = node
                durable = bool(rest and rest[0])
                try:
                    with api.transaction.atomic(savepoint=savepoint, durable=durable):
                        run(children)
                        if raise_after:
                            raise Boom
                except Exception as exc:
                    log.append(("caught", type(exc).__name__))
                    if not catch:
                        raise

    api.execute("CREATE TABLE tx (id integer PRIMARY KEY)")
    try:
        api.execute("INSERT INTO tx (id) VALUES (0)")
        try:
            run(program)
        except Exception as exc:
            log.append(("top", type(exc).__name__))
        rows = api.execute("SELECT id FROM tx ORDER BY id")
        state = (
            api.connection.in_atomic_block,
            api.connection.get_autocommit(),
            api.connection.needs_rollback,
        )
    finally:
        api.execute("DROP TABLE tx")
    return log, rows, state


@pytest.fixture
def apis(sqlite_db):
    from django.db import connection as dj_connection
    from django.db import transaction as dj_transaction

    return (
        _Api(fastdj.db.connection, fj_transaction, fastdj.db),
        _Api(dj_connection, dj_transaction, None),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(program=programs)
def test_same_as_django(apis, program):
    fastdj_api, django_api = apis
    assert _run(program, fastdj_api) == _run(program, django_api)


@pytest.mark.parametrize(
    "program",
    [
        # A caught error inside a savepoint-less block dooms the outer one.
        [
            (
                "atomic",
                True,
                True,
                False,
                [
                    ("insert",),
                    ("atomic", False, True, True, [("insert",)]),
                    ("insert",),
                ],
            )
        ],
        # A duplicate key inside a savepoint, caught: the outer block commits.
        [
            (
                "atomic",
                True,
                True,
                False,
                [
                    ("insert",),
                    ("atomic", True, True, False, [("dup",)]),
                    ("on_commit",),
                ],
            )
        ],
        # set_rollback in a nested savepoint drops only that level.
        [
            (
                "atomic",
                True,
                True,
                False,
                [
                    ("on_commit",),
                    (
                        "atomic",
                        True,
                        True,
                        False,
                        [("insert",), ("on_commit",), ("set_rollback",)],
                    ),
                ],
            )
        ],
        # set_rollback outside any block raises.
        [("set_rollback",), ("insert",)],
        # A durable block nested in another one refuses to start.
        [
            (
                "atomic",
                True,
                True,
                False,
                [
                    ("insert",),
                    ("atomic", True, True, False, [("insert",)], True),
                    ("insert",),
                ],
            )
        ],
    ],
)
def test_known_programs_same_as_django(apis, program):
    fastdj_api, django_api = apis
    result = _run(program, fastdj_api)
    assert result == _run(program, django_api)
    assert result[0], "the program should have produced events"
