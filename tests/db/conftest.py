"""Database fixtures shared by every ORM test (tests/db/**).

Usage
-----
Request the ``db`` fixture: the test runs twice, once on SQLite and once on
PostgreSQL, each time with an EMPTY database (a fresh SQLite file; a fresh
PostgreSQL schema on the search_path). The fixture yields the alias
``"default"``; ``fastdj.db.connection`` / ``connections["default"]`` point at
it for the test's duration. A second alias, ``"other"``, is configured on the
same backend (another file / schema) for multi-database tests. Tables are
created by the test itself, through the schema editor::

    from tests.db.conftest import create_tables

    @pytest.fixture
    def schema(db):
        create_tables(Author, Book)  # any order; auto M2M tables included
        return db

    def test_something(schema):
        Author.objects.create(name="x")

Nothing needs dropping afterwards: the next test gets a new, empty database.
``drop_tables(*models)`` exists for tests of deletion itself.
``connection.vendor`` says which backend runs ("sqlite" or "postgresql"); the
param id is "sqlite" / "postgresql" (``pytest -k sqlite`` selects one).

PostgreSQL is reached at FASTDJ_PG_HOST:FASTDJ_PG_PORT as FASTDJ_PG_USER, database
FASTDJ_PG_NAME (defaults 127.0.0.1, 5432, postgres, test; trust auth, optional
FASTDJ_PG_PASSWORD). If it is unreachable the postgresql half of each test
is skipped -- or FAILS when the environment has CI=true.

``django_create_tables(*models)`` creates Django models' tables in Django's
in-memory SQLite oracle database (configured in tests/conftest.py) for
differential tests; ``django_drop_tables(*models)`` removes them.

Other fixtures: ``sqlite_db`` (SQLite only, for backend-specific tests) and
``pg_db`` (PostgreSQL only, same skip/fail rule).
"""

from __future__ import annotations

import os
import uuid

import pytest

from fastdj.db import connections
from fastdj.test.utils import override_settings

__all__ = [
    "create_tables",
    "django_create_tables",
    "django_drop_tables",
    "drop_tables",
    "pg_settings",
    "postgres_available",
]

BACKENDS = ["sqlite", "postgresql"]


def pg_settings() -> dict:
    """Return the connection settings of the test PostgreSQL server."""
    return {
        "HOST": os.environ.get("FASTDJ_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("FASTDJ_PG_PORT", "5432"),
        "USER": os.environ.get("FASTDJ_PG_USER", "postgres"),
        "NAME": os.environ.get("FASTDJ_PG_NAME", "test"),
        "PASSWORD": os.environ.get("FASTDJ_PG_PASSWORD", ""),
    }


def _pg_connect(**kwargs):
    import psycopg

    conf = pg_settings()
    return psycopg.connect(
        host=conf["HOST"],
        port=conf["PORT"],
        user=conf["USER"],
        dbname=conf["NAME"],
        password=conf["PASSWORD"] or None,
        connect_timeout=5,
        autocommit=True,
        **kwargs,
    )


_pg_state: dict = {}


def postgres_available() -> tuple[bool, str]:
    """Return (reachable, reason), probing the server once per session."""
    if "ok" not in _pg_state:
        try:
            conn = _pg_connect()
            conn.close()
        except Exception as exc:  # any failure means "not reachable"
            _pg_state["ok"], _pg_state["why"] = False, f"{type(exc).__name__}: {exc}"
        else:
            _pg_state["ok"], _pg_state["why"] = True, ""
    return _pg_state["ok"], _pg_state["why"]


def require_postgres() -> None:
    """Skip the test if PostgreSQL is unreachable; fail instead under CI=true."""
    ok, why = postgres_available()
    if ok:
        return
    conf = pg_settings()
    msg = f"PostgreSQL at {conf['HOST']}:{conf['PORT']} is unreachable ({why})"
    if os.environ.get("CI") == "true":
        pytest.fail(msg + " and CI=true: PostgreSQL tests must run.")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def _pg_admin():
    """A session-wide autocommit connection for creating and dropping schemas."""
    if not postgres_available()[0]:
        yield None
        return
    conn = _pg_connect()
    conn.execute("SET lock_timeout = '20s'")
    yield conn
    conn.close()


def _sqlite_databases(tmp_path) -> dict:
    return {
        alias: {
            "ENGINE": "fastdj.db.backends.sqlite3",
            "NAME": str(tmp_path / f"{alias}.sqlite3"),
        }
        for alias in ("default", "other")
    }


def _pg_databases(admin, tag: str) -> tuple[dict, list[str]]:
    conf = pg_settings()
    databases, schemas = {}, []
    for alias in ("default", "other"):
        schema = f"fastdj_t_{tag}_{alias}"
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        databases[alias] = {
            "ENGINE": "fastdj.db.backends.postgresql",
            **conf,
            "OPTIONS": {
                "options": f"-c search_path={schema}",
                "application_name": f"fastdj-test-{tag}",
            },
        }
    return databases, schemas


def _pg_cleanup(admin, tag: str, schemas: list[str]) -> None:
    # A connection the test leaked (another thread, a pool) would block
    # DROP SCHEMA on its locks: end such sessions first.
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = %s AND pid <> pg_backend_pid()",
        [f"fastdj-test-{tag}"],
    )
    for schema in schemas:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _databases_fixture(request, tmp_path, backend: str):
    if backend == "sqlite":
        with override_settings(DATABASES=_sqlite_databases(tmp_path)):
            yield "default"
        return
    require_postgres()
    admin = request.getfixturevalue("_pg_admin")
    # Unique per test and per process: several pytest runs share the server.
    tag = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
    databases, schemas = _pg_databases(admin, tag)
    try:
        with override_settings(DATABASES=databases):
            yield "default"
    finally:
        _pg_cleanup(admin, tag, schemas)


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    """Yield "default", configured on an empty SQLite or PostgreSQL database."""
    yield from _databases_fixture(request, tmp_path, request.param)


@pytest.fixture
def sqlite_db(request, tmp_path):
    """Yield "default", configured on an empty SQLite database only."""
    yield from _databases_fixture(request, tmp_path, "sqlite")


@pytest.fixture
def pg_db(request, tmp_path):
    """Yield "default", configured on an empty PostgreSQL schema only."""
    yield from _databases_fixture(request, tmp_path, "postgresql")


def create_tables(*models, using: str = "default") -> None:
    """Create the tables of ``models`` (and their auto M2M tables), in order."""
    with connections[using].schema_editor() as editor:
        for model in models:
            editor.create_model(model)


def drop_tables(*models, using: str = "default") -> None:
    """Drop the tables of ``models``, in reverse order."""
    with connections[using].schema_editor() as editor:
        for model in reversed(models):
            editor.delete_model(model)


def django_create_tables(*models, using: str = "default") -> None:
    """Create Django models' tables in Django's oracle database."""
    from django.db import connections as dj_connections

    with dj_connections[using].schema_editor() as editor:
        for model in models:
            editor.create_model(model)


def django_drop_tables(*models, using: str = "default") -> None:
    """Drop Django models' tables from Django's oracle database."""
    from django.db import connections as dj_connections

    with dj_connections[using].schema_editor() as editor:
        for model in reversed(models):
            editor.delete_model(model)
