"""fastdj.test's TestCase, TransactionTestCase and SimpleTestCase.

Each scenario defines unittest classes and runs them with unittest's runner
inside the ``db`` fixture, then inspects their results and the database.
"""

import unittest

import pytest

from fastdj.db import connection, transaction
from fastdj.test import SimpleTestCase, TestCase, TransactionTestCase
from fastdj.test.testcases import DatabaseOperationForbidden


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id integer PRIMARY KEY, v varchar(10))")
    return db


def insert(i, v="x"):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO t (id, v) VALUES (%s, %s)", [i, v])


def ids():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM t ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def run_case(case):
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    problems = [str(x[1]) for x in result.errors + result.failures]
    return result, problems


def test_testcase_rolls_back_each_test_and_the_class_data(table):
    seen = []

    class Case(TestCase):
        @classmethod
        def setUpTestData(cls):
            insert(1)
            cls.shared = {"items": [1]}

        def test_a(self):
            seen.append(ids())
            insert(2)
            self.shared["items"].append(2)
            seen.append(self.shared["items"])

        def test_b(self):
            seen.append(ids())
            insert(3)
            # Each test gets its own deep copy of class-level data.
            seen.append(self.shared["items"])

    result, problems = run_case(Case)
    assert problems == []
    assert result.testsRun == 2
    assert seen == [[1], [1, 2], [1], [1]]
    # Everything, setUpTestData included, was rolled back.
    assert ids() == []
    assert transaction.get_autocommit() is True
    assert not connection.in_atomic_block


def test_testcase_runs_inside_atomic_and_on_commit_is_captured(table):
    seen = []

    class Case(TestCase):
        def test_inside(self):
            seen.append(connection.in_atomic_block)
            # Durable blocks in the code under test are allowed.
            with transaction.atomic(durable=True):
                insert(1)
            with self.captureOnCommitCallbacks(execute=True) as callbacks:
                transaction.on_commit(lambda: seen.append("ran"))
            seen.append(len(callbacks))

    _, problems = run_case(Case)
    assert problems == []
    assert seen == [True, "ran", 1]
    assert ids() == []


def test_testcase_failing_setup_test_data_rolls_back(table):
    class Case(TestCase):
        @classmethod
        def setUpTestData(cls):
            insert(1)
            raise RuntimeError("broken fixture")

        def test_never(self):
            pass

    result, problems = run_case(Case)
    assert any("broken fixture" in p for p in problems)
    assert ids() == []
    assert not connection.in_atomic_block


def test_assert_num_queries(table):
    class Case(TestCase):
        def test_ok(self):
            with self.assertNumQueries(2):
                insert(1)
                ids()
            self.assertNumQueries(1, ids)

        def test_wrong(self):
            with self.assertNumQueries(1):
                insert(1)
                ids()

    result, problems = run_case(Case)
    assert result.testsRun == 2
    assert len(result.failures) == 1
    assert "2 queries executed, 1 expected" in result.failures[0][1]
    assert "INSERT INTO t" in result.failures[0][1]


def test_transaction_test_case_commits_and_flushes(table, monkeypatch):
    from fastdj.db.backends.base.introspection import BaseDatabaseIntrospection

    # The tables test cases empty are those of the registered models.
    monkeypatch.setattr(
        BaseDatabaseIntrospection,
        "registered_table_names",
        lambda self, only_existing=False: ["t"],
    )
    seen = []

    class Case(TransactionTestCase):
        def test_commit(self):
            seen.append(connection.in_atomic_block)
            with transaction.atomic():
                insert(1)
            seen.append(ids())

    _, problems = run_case(Case)
    assert problems == []
    assert seen == [False, [1]]
    assert ids() == []


def test_simple_test_case_forbids_queries(table):
    class Case(SimpleTestCase):
        def test_query(self):
            with self.assertRaises(DatabaseOperationForbidden):
                ids()

        def test_settings_and_message(self):
            with self.settings(DEBUG=True):
                from fastdj.conf import settings

                self.assertTrue(settings.DEBUG)
            with self.assertRaisesMessage(ValueError, "bad thing"):
                raise ValueError("a bad thing happened")

    class AllowedOther(SimpleTestCase):
        databases = {"other"}

        def test_other_ok_default_not(self):
            from fastdj.db import connections

            with connections["other"].cursor() as cursor:
                cursor.execute("SELECT 1")
            with self.assertRaises(DatabaseOperationForbidden):
                ids()

    for case in (Case, AllowedOther):
        result, problems = run_case(case)
        assert problems == [], problems
    # The guard is gone after the class.
    assert ids() == []


def test_all_databases(table):
    seen = []

    class Case(TestCase):
        databases = "__all__"

        def test_both(self):
            from fastdj.db import connections

            seen.append(
                (
                    connections["default"].in_atomic_block,
                    connections["other"].in_atomic_block,
                )
            )

    _, problems = run_case(Case)
    assert problems == []
    assert seen == [(True, True)]


def test_unknown_alias_in_databases_is_an_error(table):
    class Case(TestCase):
        databases = {"default", "missing"}

        def test_nothing(self):
            pass

    result, problems = run_case(Case)
    assert result.testsRun == 0 or problems
    assert any("missing" in p for p in problems)
