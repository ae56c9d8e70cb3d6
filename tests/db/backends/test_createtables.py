"""``createtables``: create the missing tables of the installed apps' models."""

import io

import pytest

from fastdj.core.management import call_command
from fastdj.core.management.base import CommandError
from fastdj.core.management.commands import createtables
from fastdj.core.management.commands.createtables import create_tables
from fastdj.db import connection
from tests.db.backends import dj_models as m


@pytest.fixture
def installed(db, monkeypatch):
    # Book first: the command must order tables by their references itself.
    models = [m.Book, m.Odd, m.Author, m.Tag]
    monkeypatch.setattr(createtables, "installed_models", lambda: models)
    return db


def table_names():
    return set(connection.introspection.table_names())


def test_creates_every_missing_table_in_dependency_order(installed):
    out = io.StringIO()
    call_command("createtables", "-v", "2", stdout=out)
    expected = {model._meta.db_table for model in m.ALL}
    expected.add(m.Book.tags.through._meta.db_table)
    assert expected <= table_names()
    text = out.getvalue()
    assert "Created 5 table(s)" in text
    assert text.index("Creating table tests_backends_dj_author") < text.index(
        "Creating table tests_backends_dj_book"
    )


def test_existing_tables_are_left_alone(installed):
    create_tables(models=[m.Author, m.Tag])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(m.Tag._meta.db_table)} "
            "(label) VALUES ('keep')"
        )
    created = create_tables()
    assert sorted(created) == sorted(
        [
            m.Book._meta.db_table,
            m.Odd._meta.db_table,
            m.Book.tags.through._meta.db_table,
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT label FROM {connection.ops.quote_name(m.Tag._meta.db_table)}"
        )
        assert cursor.fetchall() == [("keep",)]
    out = io.StringIO()
    call_command("createtables", stdout=out)
    assert out.getvalue().strip() == "No missing tables."


def test_missing_m2m_table_of_existing_model_is_created(installed):
    create_tables(models=m.ALL)
    through = m.Book.tags.through._meta.db_table
    with connection.schema_editor() as editor:
        editor.delete_model(m.Book.tags.through)
    assert through not in table_names()
    assert create_tables() == [through]
    assert through in table_names()


def test_other_database_and_unknown_alias(installed):
    from fastdj.db import connections

    call_command("createtables", "--database", "other", "-v", "0")
    assert m.Author._meta.db_table in connections["other"].introspection.table_names()
    assert m.Author._meta.db_table not in table_names()
    with pytest.raises(CommandError, match="doesn't exist"):
        call_command("createtables", "--database", "nope")


def test_command_line_end_to_end(tmp_path):
    """``python -m fastdj createtables`` on a real installed app's models."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    env = dict(os.environ)
    env["FASTDJ_TEST_DB_PATH"] = str(tmp_path / "app.sqlite3")
    env["PYTHONPATH"] = str(root)
    command = [
        sys.executable,
        "-m",
        "fastdj",
        "createtables",
        "--settings",
        "tests.db.backends.createtables_settings",
    ]
    first = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root)
    assert first.returncode == 0, first.stderr
    assert "Created 4 table(s)" in first.stdout
    with sqlite3.connect(env["FASTDJ_TEST_DB_PATH"]) as conn:
        names = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {
        "tables_app_author",
        "tables_app_tag",
        "tables_app_book",
        "tables_app_book_tags",
    } <= names
    second = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root)
    assert second.returncode == 0, second.stderr
    assert "No missing tables." in second.stdout
