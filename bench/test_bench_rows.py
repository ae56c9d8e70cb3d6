"""Rows to model instances: 1000 rows of a 6-column table on SQLite.

Group "fetch-1000": the whole fetch, ``list(Item.objects.all())``, against the
floor of the same SELECT through the sqlite3 module (``fetchall()``, raw tuples).
Group "materialize-1000": the row loop alone on already fetched rows: the rows
kernel (``materialize(rows, plan)``) against Django's per-row ``from_db``.

Contestants: fastdj with the Cython rows kernel (fastdj-cy) and the pure one
(fastdj-py), Django 5.2 (django), raw sqlite3 (sqlite3-fetchall).

Run: pytest bench/test_bench_rows.py --benchmark-only --benchmark-columns=median
"""

from __future__ import annotations

import importlib
import sqlite3
import tempfile
from pathlib import Path

import pytest

from fastdj.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=None)


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False,
            SECRET_KEY="bench",
            ROOT_URLCONF=None,
            INSTALLED_APPS=[],
            DATABASES={},
            USE_TZ=True,
        )
        django.setup()


_configure_django()

N = 1000
PATH = Path(tempfile.mkdtemp(prefix="fastdj-bench-rows-")) / "rows.sqlite3"
ALIAS = "bench_rows"
COLUMNS = "id, name, qty, price, flag, note"


def _models():
    from django.db import models as dj_models

    from fastdj.db import models

    class Item(models.Model):
        name = models.CharField(max_length=50)
        qty = models.IntegerField()
        price = models.FloatField()
        flag = models.BooleanField()
        note = models.TextField()

        class Meta:
            app_label = "bench_rows"
            db_table = "item"

    class DjItem(dj_models.Model):
        name = dj_models.CharField(max_length=50)
        qty = dj_models.IntegerField()
        price = dj_models.FloatField()
        flag = dj_models.BooleanField()
        note = dj_models.TextField()

        class Meta:
            app_label = "bench_rows_dj"
            db_table = "item"

    return Item, DjItem


@pytest.fixture(scope="module")
def data():
    con = sqlite3.connect(PATH)
    con.execute(
        "CREATE TABLE IF NOT EXISTS item (id integer PRIMARY KEY, name varchar(50),"
        " qty integer, price real, flag bool, note text)"
    )
    con.execute("DELETE FROM item")
    con.executemany(
        "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)",
        [(i, f"name {i}", i, i * 1.5, i % 2, "n" * 40) for i in range(1, N + 1)],
    )
    con.commit()
    Item, DjItem = _models()
    from django.db import connections as dj_connections

    dj_connections.settings[ALIAS] = dj_connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(PATH)},
        }
    )[ALIAS]
    settings.DATABASES = {
        "default": {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": str(PATH)}
    }
    from fastdj.db import connections

    # Another suite in the same process may already hold a "default" connection.
    connections.reset()
    yield con, Item, DjItem
    con.close()


def _kernel(twin):
    name = "fastdj._speedups.db_rows" if twin == "cy" else "fastdj.db.models._rows"
    try:
        return importlib.import_module(name)
    except ImportError:
        pytest.skip(f"{name} is not built")


@pytest.fixture
def use_kernel(monkeypatch):
    from fastdj.db.models import _rowplan

    def use(twin):
        kernel = _kernel(twin)
        monkeypatch.setattr(_rowplan, "rows_kernel", lambda: kernel)
        return kernel

    return use


@pytest.mark.parametrize("contestant", ["fastdj-cy", "fastdj-py"])
def test_fetch_fastdj(benchmark, data, use_kernel, contestant):
    _, Item, _ = data
    use_kernel(contestant.split("-")[1])
    benchmark.group = "fetch-1000"
    benchmark.name = contestant
    # Warm up outside the timing: the first run opens the connection and
    # compiles the query shape, which would make pytest-benchmark calibrate
    # to a handful of rounds.
    list(Item.objects.all())
    objs = benchmark(lambda: list(Item.objects.all()))
    assert len(objs) == N and objs[0].name == "name 1"


def test_fetch_django(benchmark, data):
    _, _, DjItem = data
    benchmark.group = "fetch-1000"
    benchmark.name = "django"
    list(DjItem.objects.using(ALIAS).all())
    objs = benchmark(lambda: list(DjItem.objects.using(ALIAS).all()))
    assert len(objs) == N


def test_fetch_sqlite3_floor(benchmark, data):
    con = sqlite3.connect(PATH)
    benchmark.group = "fetch-1000"
    benchmark.name = "sqlite3-fetchall"
    rows = benchmark(lambda: con.execute(f"SELECT {COLUMNS} FROM item").fetchall())
    assert len(rows) == N


@pytest.mark.parametrize("contestant", ["fastdj-cy", "fastdj-py"])
def test_materialize(benchmark, data, contestant):
    con, Item, _ = data
    kernel = _kernel(contestant.split("-")[1])
    rows = con.execute(f"SELECT {COLUMNS} FROM item").fetchall()
    plan = kernel.RowPlan(Item, ("id", "name", "qty", "price", "flag", "note"), 0, "d")
    benchmark.group = "materialize-1000"
    benchmark.name = contestant
    objs = benchmark(kernel.materialize, rows, plan)
    assert len(objs) == N


def test_materialize_django_from_db(benchmark, data):
    con, _, DjItem = data
    rows = con.execute(f"SELECT {COLUMNS} FROM item").fetchall()
    names = ["id", "name", "qty", "price", "flag", "note"]
    benchmark.group = "materialize-1000"
    benchmark.name = "django"
    objs = benchmark(lambda: [DjItem.from_db(ALIAS, names, row) for row in rows])
    assert len(objs) == N
