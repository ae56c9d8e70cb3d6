"""Fixtures: the same rows in fastdj (both backends) and in Django's oracle."""

import datetime
import decimal
import importlib
import os

import pytest

from fastdj import _accel
from fastdj.db.models.sql import _compile, _shapes
from tests.db.conftest import create_tables, django_create_tables, django_drop_tables

from . import dj_models, models

UTC = datetime.timezone.utc

PUBLISHERS = [(1, "alpha", "paris"), (2, "beta", None), (3, "gamma", "rome")]
TAGS = [(1, "py"), (2, "db"), (3, "web"), (4, "misc")]
# id, name, age, rating, active, joined, mentor
AUTHORS = [
    (1, "ann", 34, 4.5, True, datetime.datetime(2020, 1, 5, 10, 0, tzinfo=UTC), None),
    (2, "bob", None, 3.0, True, datetime.datetime(2021, 6, 15, 23, 30, tzinfo=UTC), 1),
    (3, "cid", 51, 2.5, False, None, 1),
    (4, "dee", 28, 5.0, True, datetime.datetime(2019, 12, 31, 8, 15, tzinfo=UTC), 2),
    (5, "eve", 34, 0.0, False, datetime.datetime(2022, 3, 1, 0, 0, tzinfo=UTC), None),
]
# id, title, pages, price, pubdate, author, publisher, tags
BOOKS = [
    (1, "python basics", 320, "29.99", (2019, 5, 1), 1, 1, [1]),
    (2, "advanced db", 510, "49.50", (2020, 11, 20), 1, 2, [2, 1]),
    (3, "web_dev 100%", 220, "19.00", (2021, 2, 14), 2, None, [3]),
    (4, "zen of data", 150, "9.99", (2018, 7, 7), 3, 3, []),
    (5, "deep learning", 700, "89.00", (2022, 1, 30), 4, 1, [1, 2, 3]),
    (6, "misc notes", 90, "5.00", (2020, 2, 29), 4, None, [4]),
    (7, "alpha and omega", 410, "39.00", (2019, 5, 1), 2, 3, [2]),
]
ITEMS = [
    (1, 1, 2, "x"),
    (2, None, 2, "y"),
    (3, 3, None, "x"),
    (4, 4, 4, "z"),
    (5, None, None, "y"),
    (6, 2, 5, "x"),
    (7, 5, 1, "z"),
    (8, 3, 3, "w"),
]


def populate(mod):
    """Insert the dataset through ``mod`` (fastdj or Django models)."""
    for pk, name, city in PUBLISHERS:
        mod.Publisher.objects.create(id=pk, name=name, city=city)
    for pk, name in TAGS:
        mod.Tag.objects.create(id=pk, name=name)
    for pk, name, age, rating, active, joined, mentor in AUTHORS:
        mod.Author.objects.create(
            id=pk,
            name=name,
            age=age,
            rating=rating,
            active=active,
            joined=joined,
            mentor_id=mentor,
        )
    for pk, title, pages, price, pubdate, author, publisher, tags in BOOKS:
        book = mod.Book.objects.create(
            id=pk,
            title=title,
            pages=pages,
            price=decimal.Decimal(price),
            pubdate=datetime.date(*pubdate),
            author_id=author,
            publisher_id=publisher,
        )
        for tag in tags:
            book.tags.through.objects.create(book_id=pk, tag_id=tag)
    for pk, a, b, s in ITEMS:
        mod.Item.objects.create(id=pk, a=a, b=b, s=s)


@pytest.fixture(scope="module")
def oracle():
    """Django's models with the dataset in its in-memory SQLite database."""
    django_create_tables(*dj_models.MODELS)
    populate(dj_models)
    yield dj_models
    django_drop_tables(*dj_models.MODELS)


@pytest.fixture
def data(db):
    """fastdj's models with the dataset, on the backend of ``db``."""
    create_tables(*models.MODELS)
    populate(models)
    _reset_sequences()
    return models


def _reset_sequences():
    """Move PostgreSQL's id sequences past the explicit ids inserted above."""
    from fastdj.db import connection

    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in models.MODELS]
    tables.append(models.Book.tags.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'
            )


def kernels():
    """Return [(name, module)] of the available SQL kernel twins."""
    out = [("py", _compile)]
    try:
        twin = importlib.import_module("fastdj._speedups.sql_compile")
    except ImportError:
        if os.environ.get("FASTDJ_REQUIRE_EXTENSIONS"):
            raise
    else:
        out.append(("cy", twin))
    return out


@pytest.fixture(params=[k for k, _ in kernels()])
def kernel(request, monkeypatch):
    """Make the shape cache use one twin; start from an empty cache."""
    module = dict(kernels())[request.param]
    # The active "sql" kernel, which sql_kernel() and get_cache() read.
    monkeypatch.setitem(_accel._active, "sql", module)
    _shapes.get_cache().clear()
    yield module
    _shapes.get_cache().clear()
