"""The backends under fastdj's ORM: transactions, query capture, errors.

These run the ORM's own queries (INSERT ... RETURNING, SELECT count, DELETE
cascades) through the connection layer on both backends.
"""

import pytest

from fastdj.db import IntegrityError, OperationalError, connection, transaction
from fastdj.test import TestCase
from fastdj.test.utils import CaptureQueriesContext
from tests.db.backends.tables_app.models import Author, Book, Tag
from tests.db.conftest import create_tables


@pytest.fixture
def schema(db):
    create_tables(Author, Tag, Book)
    return db


def test_orm_writes_are_atomic(schema):
    Author.objects.create(name="kept")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Author.objects.create(name="gone")
            Author.objects.create(name="kept")
    assert sorted(a.name for a in Author.objects.all()) == ["kept"]


def test_savepoint_recovers_from_orm_integrity_error(schema):
    with transaction.atomic():
        a = Author.objects.create(name="a")
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                Book.objects.create(title="t", author=a)
                Book.objects.create(title="t", author=a)
        Book.objects.create(title="u", author=a)
    assert Book.objects.count() == 1


def test_on_commit_after_orm_save(schema):
    seen = []
    with transaction.atomic():
        author = Author.objects.create(name="a")
        transaction.on_commit(lambda: seen.append(Author.objects.count()))
        assert seen == []
    assert seen == [1]
    assert author.pk is not None


def test_capture_orm_queries(schema):
    with CaptureQueriesContext(connection) as ctx:
        author = Author.objects.create(name="a")
        Author.objects.get(pk=author.pk)
    assert len(ctx) == 2
    assert "INSERT INTO" in ctx[0]["sql"]
    assert "SELECT" in ctx[1]["sql"]


def test_testcase_with_orm_fixtures(schema):
    import unittest

    seen = []

    class Case(TestCase):
        @classmethod
        def setUpTestData(cls):
            cls.author = Author.objects.create(name="shared")

        def test_one(self):
            self.author.name = "changed"
            self.author.save()
            Book.objects.create(title="x", author=self.author)
            seen.append(Book.objects.count())

        def test_two(self):
            seen.append((self.author.name, Book.objects.count()))
            with self.assertNumQueries(1):
                Author.objects.count()

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.errors == [] and result.failures == []
    assert sorted(seen, key=str) == sorted([1, ("shared", 0)], key=str)
    assert Author.objects.count() == 0


def test_orm_query_on_lost_connection(pg_db):
    # Only a server connection can be lost: PostgreSQL only.
    from tests.db.backends.test_lost_connection import backend_pid, terminate

    create_tables(Author, Tag, Book)
    Author.objects.create(name="a")
    with pytest.raises(OperationalError):
        with transaction.atomic():
            Author.objects.create(name="b")
            terminate(backend_pid())
            Author.objects.create(name="c")
    assert [a.name for a in Author.objects.all()] == ["a"]
