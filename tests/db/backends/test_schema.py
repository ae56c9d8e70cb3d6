"""The schema editor: tables, columns, constraints and indexes from models.

Models are Django 5.2 classes (tests/db/backends/dj_models.py): the editor
reads them through the same ``_meta``/field API fastdj's models provide, and
on SQLite the resulting tables are compared with the ones Django creates.
"""

import pytest

from fastdj.db import IntegrityError, connection, connections
from fastdj.db import models as fj_models
from tests.db.backends import dj_models as m
from tests.db.conftest import create_tables, drop_tables


def run(sql, params=None, using="default"):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.description:
            return cursor.fetchall()
    return None


def q(name):
    return connection.ops.quote_name(name)


@pytest.fixture
def tables(db):
    create_tables(*m.ALL)
    return db


# ##### Structure, differentially against Django on SQLite #####


def _sqlite_structure(cursor, tables):
    """Return columns, primary keys, unique sets, FKs and indexed columns."""
    out = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"PRAGMA table_info({quoted})")
        columns = sorted(
            (name, type_.lower(), bool(notnull), bool(pk))
            for _, name, type_, notnull, _, pk in cursor.fetchall()
        )
        cursor.execute(f"PRAGMA foreign_key_list({quoted})")
        fks = sorted((row[3], row[2], row[4]) for row in cursor.fetchall())
        cursor.execute(f"PRAGMA index_list({quoted})")
        uniques, indexed = set(), set()
        for _, name, unique, _origin, _partial in cursor.fetchall():
            cursor.execute(f'PRAGMA index_info("{name}")')
            cols = tuple(row[2] for row in cursor.fetchall())
            (uniques if unique else indexed).add(cols)
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        )
        (create_sql,) = cursor.fetchone()
        out[table] = {
            "columns": columns,
            "fks": fks,
            "unique": sorted(uniques),
            "indexed": sorted(indexed),
            "check": "CHECK" in create_sql.upper(),
        }
    return out


def _all_tables(models=m.ALL):
    tables = [model._meta.db_table for model in models]
    tables.append(m.Book.tags.through._meta.db_table)
    return tables


def test_tables_match_django_on_sqlite(sqlite_db):
    from django.db import connection as dj_connection

    from tests.db.conftest import django_create_tables, django_drop_tables

    create_tables(*m.COMPARABLE)
    django_create_tables(*m.COMPARABLE)
    try:
        with connection.cursor() as cursor:
            ours = _sqlite_structure(cursor.cursor, _all_tables(m.COMPARABLE))
        with dj_connection.cursor() as cursor:
            theirs = _sqlite_structure(cursor.cursor, _all_tables(m.COMPARABLE))
    finally:
        django_drop_tables(*m.COMPARABLE)
    assert ours == theirs


# ##### Behaviour on both backends #####


def test_tables_exist_with_m2m_table(tables):
    names = set(connection.introspection.table_names())
    assert set(_all_tables()) <= names


def test_not_null_unique_and_check_constraints(tables):
    a = q(m.Author._meta.db_table)
    run(f"INSERT INTO {a} (name, email, score) VALUES (%s, %s, %s)", ["x", "", 0])
    with pytest.raises(IntegrityError):
        run(f"INSERT INTO {a} (name, email, score) VALUES (%s, %s, %s)", ["x", "", 0])
    with pytest.raises(IntegrityError):
        run(f"INSERT INTO {a} (name, email, score) VALUES (NULL, '', 0)")
    # PositiveIntegerField carries a CHECK (age >= 0).
    with pytest.raises(IntegrityError):
        run(
            f"INSERT INTO {a} (name, email, score, age) VALUES (%s, %s, %s, %s)",
            ["y", "", 0, -1],
        )


def test_foreign_keys_are_enforced(tables):
    a, b = q(m.Author._meta.db_table), q(m.Book._meta.db_table)
    run(f"INSERT INTO {a} (id, name, email, score) VALUES (1, 'a', '', 0)")
    run(
        f"INSERT INTO {b} (book_title, author_id, year, rating) "
        "VALUES ('t', 1, 2000, 0)"
    )
    with pytest.raises(IntegrityError):
        run(
            f"INSERT INTO {b} (book_title, author_id, year, rating) "
            "VALUES ('u', 99, 2000, 0)"
        )
    # unique_together (author, title)
    with pytest.raises(IntegrityError):
        run(
            f"INSERT INTO {b} (book_title, author_id, year, rating) "
            "VALUES ('t', 1, 2001, 0)"
        )


def test_m2m_table_has_unique_pair_and_fks(tables):
    through = m.Book.tags.through._meta.db_table
    a, b, t = (
        q(m.Author._meta.db_table),
        q(m.Book._meta.db_table),
        q(m.Tag._meta.db_table),
    )
    run(f"INSERT INTO {a} (id, name, email, score) VALUES (1, 'a', '', 0)")
    run(
        f"INSERT INTO {b} (id, book_title, author_id, year, rating) "
        "VALUES (1, 't', 1, 2000, 0)"
    )
    run(f"INSERT INTO {t} (id, label) VALUES (1, 'x')")
    run(f"INSERT INTO {q(through)} (book_id, tag_id) VALUES (1, 1)")
    with pytest.raises(IntegrityError):
        run(f"INSERT INTO {q(through)} (book_id, tag_id) VALUES (1, 1)")
    with pytest.raises(IntegrityError):
        run(f"INSERT INTO {q(through)} (book_id, tag_id) VALUES (1, 42)")


def test_identifiers_needing_quotes(tables):
    table = q(m.Odd._meta.db_table)
    column = q('we"ird col')
    run(f"INSERT INTO {table} ({column}) VALUES (%s)", [5])
    assert run(f"SELECT {column} FROM {table}") == [(5,)]
    assert 'odd "table" name' in connection.introspection.table_names()


def test_index_and_constraint_introspection(tables):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, m.Book._meta.db_table
        )
    by_columns = {tuple(c["columns"]): c for c in constraints.values()}
    assert by_columns[("year",)]["index"]
    assert "book_year_idx" in constraints
    assert by_columns[("author_id", "book_title")]["unique"]
    fks = [c["foreign_key"] for c in constraints.values() if c["foreign_key"]]
    assert (m.Author._meta.db_table, "id") in fks
    with connection.cursor() as cursor:
        assert (
            connection.introspection.get_primary_key_column(
                cursor, m.Book._meta.db_table
            )
            == "id"
        )
        relations = connection.introspection.get_relations(
            cursor, m.Book._meta.db_table
        )
    assert relations["author_id"] == ("id", m.Author._meta.db_table)


def test_add_field_fills_existing_rows_then_remove(tables):
    from django.db import models as dj

    a = q(m.Author._meta.db_table)
    run(f"INSERT INTO {a} (name, email, score) VALUES ('x', '', 0)")
    field = dj.IntegerField(default=7)
    field.set_attributes_from_name("rank")
    field.model = m.Author
    with connection.schema_editor() as editor:
        editor.add_field(m.Author, field)
    assert run(f"SELECT rank FROM {a}") == [(7,)]
    nullable = dj.CharField(max_length=5, null=True)
    nullable.set_attributes_from_name("nick")
    nullable.model = m.Author
    with connection.schema_editor() as editor:
        editor.add_field(m.Author, nullable)
    assert run(f"SELECT nick FROM {a}") == [(None,)]
    with connection.schema_editor() as editor:
        editor.remove_field(m.Author, field)
    columns = [
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), m.Author._meta.db_table
        )
    ]
    assert "rank" not in columns and "nick" in columns


def test_add_foreign_key_field(tables):
    from django.db import models as dj

    fk = dj.ForeignKey(m.Author, null=True, on_delete=dj.CASCADE)
    fk.set_attributes_from_name("owner")
    fk.model = m.Tag
    # A field created outside class creation needs its target resolved.
    fk.remote_field.model = m.Author
    with connection.schema_editor() as editor:
        editor.add_field(m.Tag, fk)
    t = q(m.Tag._meta.db_table)
    with pytest.raises(IntegrityError):
        run(f"INSERT INTO {t} (label, owner_id) VALUES ('x', 12345)")


def test_delete_model_drops_table_and_m2m(tables):
    drop_tables(m.Book)
    names = set(connection.introspection.table_names())
    assert m.Book._meta.db_table not in names
    assert m.Book.tags.through._meta.db_table not in names
    assert m.Author._meta.db_table in names


def test_schema_editor_is_atomic(db):
    with pytest.raises(ZeroDivisionError):
        with connection.schema_editor() as editor:
            editor.create_model(m.Author)
            raise ZeroDivisionError
    assert m.Author._meta.db_table not in connection.introspection.table_names()


def test_collect_sql_runs_nothing(db):
    with connection.schema_editor(collect_sql=True) as editor:
        editor.create_model(m.Author)
        editor.create_model(m.Book)
    assert any("CREATE TABLE" in sql for sql in editor.collected_sql)
    assert all(sql.endswith(";") for sql in editor.collected_sql)
    assert connection.introspection.table_names() == []


def test_each_alias_gets_its_own_tables(db):
    create_tables(m.Tag, using="other")
    assert m.Tag._meta.db_table in connections["other"].introspection.table_names()
    assert m.Tag._meta.db_table not in connection.introspection.table_names()


class WithDbDefault(fj_models.Model):
    n = fj_models.IntegerField(db_default=42)
    s = fj_models.CharField(max_length=10, db_default="it's")

    class Meta:
        app_label = "tests_backends_dbdefault"


def test_db_default_literal(db):
    create_tables(WithDbDefault)
    table = q(WithDbDefault._meta.db_table)
    run(f"INSERT INTO {table} (id) VALUES (1)")
    assert run(f"SELECT n, s FROM {table}") == [(42, "it's")]


def test_schema_editor_inside_atomic(db):
    from fastdj.db import transaction

    with transaction.atomic():
        create_tables(m.Author)
        transaction.set_rollback(True)
    assert m.Author._meta.db_table not in connection.introspection.table_names()
    with transaction.atomic():
        create_tables(m.Author)
    assert m.Author._meta.db_table in connection.introspection.table_names()


def test_drop_referenced_table_with_rows(tables):
    a, b = q(m.Author._meta.db_table), q(m.Book._meta.db_table)
    run(f"INSERT INTO {a} (id, name, email, score) VALUES (1, 'a', '', 0)")
    run(
        f"INSERT INTO {b} (book_title, author_id, year, rating) "
        "VALUES ('t', 1, 2000, 0)"
    )
    drop_tables(m.Author)
    assert m.Author._meta.db_table not in connection.introspection.table_names()
    assert run(f"SELECT count(*) FROM {b}") == [(1,)]
