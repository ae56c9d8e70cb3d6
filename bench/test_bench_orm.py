"""ORM: building + compiling six representative queries, and fetching 1000 rows.

Groups "compile-<query>": build the QuerySet (statement) with fresh values and
produce its (sql, params), the shape cache / compiled cache warm:

- pk_get: ``filter(pk=i)``
- q_tree: ``filter(Q(a) | Q(b) & ~Q(c))``
- filter_order_slice: three filters, ``order_by(-x, y)``, ``[10:20]``
- fk_select_related: ``filter(author__name=n).select_related("author")``
- annotate_count: ``annotate(n=Count("books")).values("name", "n").order_by("-n")``
- pk_in_50: ``filter(pk__in=<50 ids>)``

Group "fetch-1000": ``list(Book.objects.all())`` as model instances, against the
sqlite3 ``fetchall()`` floor of the same SELECT.

Contestants: fastdj with the Cython twins (fastdj-cy) and the pure kernels
(fastdj-py), Django 5.2 (django), SQLAlchemy 2.x (sqlalchemy: Core statements
through its compiled-statement cache for compiling, the ORM Session for fetching).

Run: pytest bench/test_bench_orm.py --benchmark-only --benchmark-columns=median
"""

from __future__ import annotations

import importlib
import itertools
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
PATH = Path(tempfile.mkdtemp(prefix="fastdj-bench-orm-")) / "orm.sqlite3"
ALIAS = "bench_orm"
BOOK_COLUMNS = "id, title, pages, price, pubdate, author_id"


def _fastdj_models():
    from fastdj.db import models

    class Author(models.Model):
        name = models.CharField(max_length=50)
        age = models.IntegerField()

        class Meta:
            app_label = "bench_orm"
            db_table = "author"

    class Book(models.Model):
        title = models.CharField(max_length=50)
        pages = models.IntegerField()
        price = models.FloatField()
        pubdate = models.DateField()
        author = models.ForeignKey(Author, models.CASCADE, related_name="books")

        class Meta:
            app_label = "bench_orm"
            db_table = "book"

    return Author, Book


def _django_models():
    from django.db import models

    class DjAuthor(models.Model):
        name = models.CharField(max_length=50)
        age = models.IntegerField()

        class Meta:
            app_label = "bench_orm_dj"
            db_table = "author"

    class DjBook(models.Model):
        title = models.CharField(max_length=50)
        pages = models.IntegerField()
        price = models.FloatField()
        pubdate = models.DateField()
        author = models.ForeignKey(DjAuthor, models.CASCADE, related_name="books")

        class Meta:
            app_label = "bench_orm_dj"
            db_table = "book"

    _install_django_app("bench_orm_dj")
    return DjAuthor, DjBook


def _install_django_app(label):
    # Django wires reverse relations (author.books) only for installed apps.
    import sys

    from django.apps import AppConfig, apps

    class BenchConfig(AppConfig):
        name = __name__
        path = str(Path(__file__).parent)

    BenchConfig.label = label
    config = BenchConfig(__name__, sys.modules[__name__])
    config.apps = apps
    config.models = apps.all_models[label]
    apps.app_configs[label] = config
    apps.clear_cache()


def _sqlalchemy_models():
    from sqlalchemy import Date, Float, ForeignKey, Integer, String
    from sqlalchemy.orm import DeclarativeBase, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class SaAuthor(Base):
        __tablename__ = "author"
        id = mapped_column(Integer, primary_key=True)
        name = mapped_column(String(50))
        age = mapped_column(Integer)
        books = relationship("SaBook", back_populates="author")

    class SaBook(Base):
        __tablename__ = "book"
        id = mapped_column(Integer, primary_key=True)
        title = mapped_column(String(50))
        pages = mapped_column(Integer)
        price = mapped_column(Float)
        pubdate = mapped_column(Date)
        author_id = mapped_column(ForeignKey("author.id"))
        author = relationship("SaAuthor", back_populates="books")

    return SaAuthor, SaBook


def create_database(con, books=N):
    """Create the author/book tables in ``con``: 100 authors, ``books`` books."""
    con.executescript(
        "DROP TABLE IF EXISTS book; DROP TABLE IF EXISTS author;"
        "CREATE TABLE author (id integer PRIMARY KEY, name varchar(50), age integer);"
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50), pages integer,"
        " price real, pubdate date, author_id integer REFERENCES author(id));"
    )
    con.executemany(
        "INSERT INTO author VALUES (?, ?, ?)",
        [(i, f"author {i}", 20 + i % 50) for i in range(1, 101)],
    )
    con.executemany(
        "INSERT INTO book VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                f"title {i}",
                i % 700,
                i * 1.25,
                f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
                1 + i % 100,
            )
            for i in range(1, books + 1)
        ],
    )
    con.commit()


@pytest.fixture(scope="module")
def env():
    con = sqlite3.connect(PATH)
    create_database(con)
    from django.db import connections as dj_connections

    dj_connections.settings[ALIAS] = dj_connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(PATH)},
        }
    )[ALIAS]
    databases = dict(getattr(settings, "DATABASES", {}) or {})
    databases.setdefault(
        "default", {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": str(PATH)}
    )
    databases[ALIAS] = {"ENGINE": "fastdj.db.backends.sqlite3", "NAME": str(PATH)}
    settings.DATABASES = databases
    from fastdj.db import connections

    connections.reset()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{PATH}")
    env = {
        "con": con,
        "fastdj": _fastdj_models(),
        "django": _django_models(),
        "sqlalchemy": _sqlalchemy_models(),
        "engine": engine,
    }
    yield env
    engine.dispose()
    con.close()


def _twin(name, kind):
    pure = {"sql": "fastdj.db.models.sql._compile", "rows": "fastdj.db.models._rows"}
    cy = {"sql": "fastdj._speedups.sql_compile", "rows": "fastdj._speedups.db_rows"}
    module = (cy if name == "cy" else pure)[kind]
    try:
        return importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{module} is not built")


@pytest.fixture
def use_twin(monkeypatch):
    from fastdj.db.models import _rowplan
    from fastdj.db.models.sql import _shapes

    def use(name):
        sql_kernel, rows_kernel = _twin(name, "sql"), _twin(name, "rows")
        monkeypatch.setattr(_shapes, "sql_kernel", lambda: sql_kernel)
        monkeypatch.setattr(_rowplan, "rows_kernel", lambda: rows_kernel)

    return use


# -- the six queries, per framework --------------------------------------------

IDS50 = list(range(1, 1000, 20))


def _fastdj_queries(Author, Book):
    from fastdj.db.models import Count, Q

    return {
        "pk_get": lambda i: Book.objects.using(ALIAS).filter(pk=i),
        "q_tree": lambda i: Book.objects.using(ALIAS).filter(
            Q(pages__gt=i) | Q(price__lt=i * 2) & ~Q(title__startswith=str(i))
        ),
        "filter_order_slice": lambda i: (
            Book.objects.using(ALIAS)
            .filter(pages__gt=i, price__lt=i * 3, author_id=i % 100)
            .order_by("-pubdate", "title")[10:20]
        ),
        "fk_select_related": lambda i: (
            Book.objects.using(ALIAS)
            .filter(author__name=f"author {i}")
            .select_related("author")
        ),
        "annotate_count": lambda i: (
            Author.objects.using(ALIAS)
            .filter(age__gt=i % 50)
            .annotate(n=Count("books"))
            .values("name", "n")
            .order_by("-n")
        ),
        "pk_in_50": lambda i: Book.objects.using(ALIAS).filter(
            pk__in=[x + i % 7 for x in IDS50]
        ),
    }


def _django_queries(Author, Book):
    from django.db.models import Count, Q

    return {
        "pk_get": lambda i: Book.objects.using(ALIAS).filter(pk=i),
        "q_tree": lambda i: Book.objects.using(ALIAS).filter(
            Q(pages__gt=i) | Q(price__lt=i * 2) & ~Q(title__startswith=str(i))
        ),
        "filter_order_slice": lambda i: (
            Book.objects.using(ALIAS)
            .filter(pages__gt=i, price__lt=i * 3, author_id=i % 100)
            .order_by("-pubdate", "title")[10:20]
        ),
        "fk_select_related": lambda i: (
            Book.objects.using(ALIAS)
            .filter(author__name=f"author {i}")
            .select_related("author")
        ),
        "annotate_count": lambda i: (
            Author.objects.using(ALIAS)
            .filter(age__gt=i % 50)
            .annotate(n=Count("books"))
            .values("name", "n")
            .order_by("-n")
        ),
        "pk_in_50": lambda i: Book.objects.using(ALIAS).filter(
            pk__in=[x + i % 7 for x in IDS50]
        ),
    }


def _sqlalchemy_queries(Author, Book):
    from sqlalchemy import and_, desc, func, not_, or_, select

    return {
        "pk_get": lambda i: select(Book).where(Book.id == i),
        "q_tree": lambda i: select(Book).where(
            or_(
                Book.pages > i,
                and_(Book.price < i * 2, not_(Book.title.startswith(str(i)))),
            )
        ),
        "filter_order_slice": lambda i: (
            select(Book)
            .where(Book.pages > i, Book.price < i * 3, Book.author_id == i % 100)
            .order_by(desc(Book.pubdate), Book.title)
            .limit(10)
            .offset(10)
        ),
        "fk_select_related": lambda i: (
            select(Book, Author).join(Book.author).where(Author.name == f"author {i}")
        ),
        "annotate_count": lambda i: (
            select(Author.name, func.count(Book.id).label("n"))
            .outerjoin(Book, Book.author_id == Author.id)
            .where(Author.age > i % 50)
            .group_by(Author.id)
            .order_by(desc("n"))
        ),
        "pk_in_50": lambda i: select(Book).where(
            Book.id.in_([x + i % 7 for x in IDS50])
        ),
    }


QUERIES = [
    "pk_get",
    "q_tree",
    "filter_order_slice",
    "fk_select_related",
    "annotate_count",
    "pk_in_50",
]


def _counter():
    return itertools.cycle(range(1, 500))


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("contestant", ["fastdj-cy", "fastdj-py"])
def test_compile_fastdj(benchmark, env, use_twin, contestant, query):
    use_twin(contestant.split("-")[1])
    make = _fastdj_queries(*env["fastdj"])[query]
    counter = _counter()

    def run():
        return make(next(counter))._select_compiler(ALIAS).as_sql()

    for _ in range(3):
        run()  # warm the shape cache
    benchmark.group = f"compile-{query}"
    benchmark.name = contestant
    sql, params = benchmark(run)
    assert sql.startswith("SELECT")


@pytest.mark.parametrize("query", QUERIES)
def test_compile_django(benchmark, env, query):
    make = _django_queries(*env["django"])[query]
    counter = _counter()

    def run():
        return make(next(counter)).query.get_compiler(ALIAS).as_sql()

    benchmark.group = f"compile-{query}"
    benchmark.name = "django"
    sql, params = benchmark(run)
    assert sql.startswith("SELECT")


@pytest.mark.parametrize("query", QUERIES)
def test_compile_sqlalchemy(benchmark, env, query):
    make = _sqlalchemy_queries(*env["sqlalchemy"])[query]
    dialect = env["engine"].dialect
    cache: dict = {}
    counter = _counter()

    def run():
        stmt = make(next(counter))
        compiled, extracted, _, _ = stmt._compile_w_cache(
            dialect, compiled_cache=cache, column_keys=[]
        )
        return compiled.string, compiled.construct_params(
            extracted_parameters=extracted
        )

    for _ in range(3):
        run()
    benchmark.group = f"compile-{query}"
    benchmark.name = "sqlalchemy"
    sql, params = benchmark(run)
    assert sql.startswith("SELECT")


# -- fetching 1000 rows as model instances --------------------------------------


@pytest.mark.parametrize("contestant", ["fastdj-cy", "fastdj-py"])
def test_fetch_fastdj(benchmark, env, use_twin, contestant):
    use_twin(contestant.split("-")[1])
    _, Book = env["fastdj"]
    benchmark.group = "fetch-1000"
    benchmark.name = contestant
    objs = benchmark(lambda: list(Book.objects.using(ALIAS).all()))
    assert len(objs) == N and objs[0].title == "title 1"


def test_fetch_django(benchmark, env):
    _, Book = env["django"]
    benchmark.group = "fetch-1000"
    benchmark.name = "django"
    objs = benchmark(lambda: list(Book.objects.using(ALIAS).all()))
    assert len(objs) == N


def test_fetch_sqlalchemy(benchmark, env):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    _, Book = env["sqlalchemy"]
    stmt = select(Book)

    def run():
        with Session(env["engine"]) as session:
            return session.scalars(stmt).all()

    benchmark.group = "fetch-1000"
    benchmark.name = "sqlalchemy"
    objs = benchmark(run)
    assert len(objs) == N


def test_fetch_sqlite3_floor(benchmark, env):
    con = sqlite3.connect(PATH)
    benchmark.group = "fetch-1000"
    benchmark.name = "sqlite3-fetchall"
    rows = benchmark(lambda: con.execute(f"SELECT {BOOK_COLUMNS} FROM book").fetchall())
    assert len(rows) == N
