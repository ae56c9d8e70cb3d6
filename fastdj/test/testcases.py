"""unittest test cases with database support, as ``django.test.testcases``.

- SimpleTestCase: no database access (queries raise).
- TransactionTestCase: real commits; every table is emptied after each test.
- TestCase: each test runs inside a transaction rolled back at its end, and
  ``setUpTestData`` runs once per class inside an outer transaction.
"""

from __future__ import annotations

import copy
import unittest
from contextlib import contextmanager

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.db import DEFAULT_DB_ALIAS, connections, transaction
from fastdj.test._queries import CaptureQueriesContext
from fastdj.test.utils import override_settings

__all__ = [
    "DatabaseOperationForbidden",
    "SimpleTestCase",
    "TestCase",
    "TestData",
    "TransactionTestCase",
]


class DatabaseOperationForbidden(AssertionError):
    """A test touched a database it did not declare in ``databases``."""


class _AssertNumQueriesContext(CaptureQueriesContext):
    def __init__(self, test_case, num: int, connection):
        self.test_case = test_case
        self.num = num
        super().__init__(connection)

    def __exit__(self, exc_type, exc_value, traceback):
        super().__exit__(exc_type, exc_value, traceback)
        if exc_type is not None:
            return
        executed = len(self)
        listing = "\n".join(
            f"{i}. {query['sql']}" for i, query in enumerate(self.captured_queries, 1)
        )
        self.test_case.assertEqual(
            executed,
            self.num,
            f"{executed} queries executed, {self.num} expected\n"
            f"Captured queries were:\n{listing}",
        )


def _deny_queries(alias: str, test_name: str):
    def wrapper(execute, sql, params, many, context):
        raise DatabaseOperationForbidden(
            f"Database queries to {alias!r} are not allowed in this test. Add "
            f"{alias!r} to {test_name}.databases to allow them."
        )

    return wrapper


class SimpleTestCase(unittest.TestCase):
    """A test case that must not touch any database not in ``databases``."""

    databases: set[str] | str = set()

    @classmethod
    def _databases_names(cls, include_mirrors: bool = True) -> list[str]:
        databases = cls.databases
        if databases == "__all__":
            return list(connections)
        unknown = set(databases) - set(connections)
        if unknown:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}.databases refers to aliases that are not in "
                f"settings.DATABASES: {', '.join(sorted(unknown))}."
            )
        return [alias for alias in connections if alias in databases]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        allowed = set(cls._databases_names())
        cls._denied = []
        for alias in connections:
            if alias in allowed:
                continue
            conn = connections[alias]
            wrapper = _deny_queries(alias, cls.__qualname__)
            conn.execute_wrappers.append(wrapper)
            cls._denied.append((conn, wrapper))

    @classmethod
    def tearDownClass(cls):
        for conn, wrapper in cls._denied:
            if wrapper in conn.execute_wrappers:
                conn.execute_wrappers.remove(wrapper)
        cls._denied = []
        super().tearDownClass()

    def settings(self, **kwargs) -> override_settings:
        """Return a context manager overriding settings for a block."""
        return override_settings(**kwargs)

    @contextmanager
    def assertRaisesMessage(self, expected_exception, expected_message: str):
        """Assert the block raises ``expected_exception`` with that text in it."""
        with self.assertRaises(expected_exception) as cm:
            yield cm
        self.assertIn(expected_message, str(cm.exception))


class TransactionTestCase(SimpleTestCase):
    """A test case whose writes really commit; tables are emptied afterwards."""

    databases: set[str] | str = {DEFAULT_DB_ALIAS}
    reset_sequences = False

    def _pre_setup(self) -> None:
        """Prepare the databases before setUp()."""

    def _post_teardown(self) -> None:
        """Empty the tables of every registered model (after tearDown())."""
        for alias in self._databases_names():
            conn = connections[alias]
            tables = conn.introspection.registered_table_names(only_existing=True)
            statements = conn.ops.sql_flush(
                None,
                tables,
                reset_sequences=self.reset_sequences,
                allow_cascade=True,
            )
            if statements:
                conn.ops.execute_sql_flush(statements)

    def _callSetUp(self):  # noqa: N802 - unittest's name
        self._pre_setup()
        # A cleanup runs even when setUp() fails, unlike tearDown().
        self.addCleanup(self._post_teardown)
        super()._callSetUp()

    def assertNumQueries(
        self, num: int, func=None, *args, using=DEFAULT_DB_ALIAS, **kwargs
    ):
        """Assert ``func(*args, **kwargs)`` (or the block) runs ``num`` queries."""
        context = _AssertNumQueriesContext(self, num, connections[using])
        if func is None:
            return context
        with context:
            func(*args, **kwargs)
        return None


class TestData:
    """Descriptor giving each test a deep copy of a setUpTestData attribute.

    Tests may then mutate model instances created in setUpTestData without
    affecting the other tests of the class.
    """

    memo_attr = "_testdata_memo"

    def __init__(self, name: str, data):
        self.name = name
        self.data = data

    def get_memo(self, testcase) -> dict:
        try:
            return getattr(testcase, self.memo_attr)
        except AttributeError:
            memo = {}
            setattr(testcase, self.memo_attr, memo)
            return memo

    def __get__(self, instance, owner):
        if instance is None:
            return self.data
        memo = self.get_memo(instance)
        data = copy.deepcopy(self.data, memo)
        setattr(instance, self.name, data)
        return data

    def __repr__(self) -> str:
        return f"<TestData: name={self.name!r}, data={self.data!r}>"


class TestCase(TransactionTestCase):
    """Each test runs in a transaction rolled back at its end."""

    @classmethod
    def _enter_atomics(cls) -> dict:
        atomics = {}
        for alias in cls._databases_names():
            atomic = transaction.atomic(using=alias)
            # A durable block inside the test is about the code under test,
            # not about this wrapper: let it through.
            atomic._from_testcase = True
            atomic.__enter__()
            atomics[alias] = atomic
        return atomics

    @classmethod
    def _rollback_atomics(cls, atomics: dict) -> None:
        for alias, atomic in reversed(list(atomics.items())):
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cls_atomics = cls._enter_atomics()
        before = dict(vars(cls))
        try:
            cls.setUpTestData()
        except Exception:
            cls._rollback_atomics(cls.cls_atomics)
            super().tearDownClass()
            raise
        for name, value in list(vars(cls).items()):
            if name not in before or before[name] is not value:
                setattr(cls, name, TestData(name, value))

    @classmethod
    def tearDownClass(cls):
        cls._rollback_atomics(cls.cls_atomics)
        for conn in (connections[alias] for alias in cls._databases_names()):
            conn.close()
        super().tearDownClass()

    @classmethod
    def setUpTestData(cls):
        """Load class-level data shared (read-only, copied) by every test."""

    def _pre_setup(self) -> None:
        self.atomics = self._enter_atomics()

    def _post_teardown(self) -> None:
        # Roll back instead of emptying tables: that is the point of TestCase.
        self._rollback_atomics(self.atomics)

    @classmethod
    @contextmanager
    def captureOnCommitCallbacks(cls, *, using=DEFAULT_DB_ALIAS, execute=False):
        """Capture the on_commit callbacks registered in the block.

        With execute=True, run them (and any they register) at exit.
        """
        callbacks: list = []
        conn = connections[using]
        start = len(conn.run_on_commit)
        try:
            yield callbacks
        finally:
            while True:
                new = conn.run_on_commit[start:]
                if not new:
                    break
                start = len(conn.run_on_commit)
                for _, callback, robust in new:
                    callbacks.append(callback)
                    if execute:
                        conn._run_commit_hook(callback, robust)
                if not execute:
                    break
