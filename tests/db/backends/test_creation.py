"""connection.creation: create and destroy a test database with every table."""

import os

import pytest

from fastdj.core.management.commands import createtables
from fastdj.db import connection, connections
from fastdj.test.utils import override_settings
from tests.db.backends.tables_app.models import Author, Book, Tag
from tests.db.conftest import pg_settings, require_postgres


@pytest.fixture
def app_models(monkeypatch):
    monkeypatch.setattr(createtables, "installed_models", lambda: [Book, Author, Tag])


def _exercise(conn):
    assert {"tables_app_author", "tables_app_book_tags"} <= set(
        conn.introspection.table_names()
    )
    Author.objects.create(name="in the test db")
    assert Author.objects.count() == 1


def test_sqlite_in_memory_test_db(tmp_path, app_models):
    databases = {"default": {"NAME": str(tmp_path / "real.sqlite3")}}
    with override_settings(DATABASES=databases):
        old_name = connection.settings_dict["NAME"]
        name = connection.creation.create_test_db(verbosity=0)
        assert "mode=memory" in name
        _exercise(connection)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        assert connection.settings_dict["NAME"] == old_name
        # The real database was never touched.
        assert not os.path.exists(old_name)


def test_sqlite_file_test_db(tmp_path, app_models):
    test_file = tmp_path / "test.sqlite3"
    databases = {
        "default": {
            "NAME": str(tmp_path / "real.sqlite3"),
            "TEST": {"NAME": str(test_file)},
        }
    }
    with override_settings(DATABASES=databases):
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0)
        _exercise(connection)
        assert test_file.exists()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        assert not test_file.exists()


def test_postgres_test_db(app_models):
    require_postgres()
    conf = pg_settings()
    test_name = f"fastdj_creation_{os.getpid()}"
    databases = {
        "default": {
            "ENGINE": "fastdj.db.backends.postgresql",
            **conf,
            "TEST": {"NAME": test_name},
        }
    }
    with override_settings(DATABASES=databases):
        old_name = connection.settings_dict["NAME"]
        try:
            assert connection.creation.create_test_db(verbosity=0) == test_name
            assert connection.settings_dict["NAME"] == test_name
            _exercise(connection)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        assert connection.settings_dict["NAME"] == old_name
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [test_name])
            assert cursor.fetchone() is None
