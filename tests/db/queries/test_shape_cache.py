"""The SQL shape cache: reuse only across values, never across structure.

Every test runs with both twins of the "sql" kernel (pure and Cython).
"""

import datetime
import decimal
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastdj import _accel
from fastdj.db import NotSupportedError, connection
from fastdj.db.models import Count, F, Q, Sum, Value
from fastdj.db.models.functions import ExtractYear
from fastdj.db.models.sql import _shapes
from fastdj.db.models.sql.datastructures import EmptyResultSet
from fastdj.utils import timezone

from . import models as m
from .conftest import kernels

KERNELS = kernels()


def cached_sql(qs):
    """Return (sql, params) through the shape cache path."""
    assert qs._key is not None, "this QuerySet is not shape-cacheable"
    compiler = qs._select_compiler("default")
    try:
        return compiler.as_sql()
    except EmptyResultSet:
        return "EMPTY"


def fresh_sql(qs):
    """Return (sql, params) compiled from scratch, bypassing the cache."""
    query = qs._build_query()
    try:
        return query.get_compiler("default").as_sql()
    except EmptyResultSet:
        return "EMPTY"


def test_same_shape_reuses_sql_with_new_params(kernel, data):
    cache = _shapes.get_cache()
    first = m.Book.objects.filter(pages__gt=100, title__startswith="a")
    assert [b.pk for b in first] == [2, 7]
    misses = cache.misses
    second = m.Book.objects.filter(pages__gt=400, title__startswith="d")
    assert [b.pk for b in second] == [5]
    assert cache.misses == misses  # compiled SQL reused
    sql1, params1 = cached_sql(first)
    sql2, params2 = cached_sql(second)
    assert sql1 == sql2
    assert params1 != params2
    assert (sql2, params2) == fresh_sql(second)


def test_get_by_pk_is_cached(kernel, data):
    cache = _shapes.get_cache()
    assert m.Author.objects.get(pk=1).name == "ann"
    hits = cache.hits
    assert m.Author.objects.get(pk=4).name == "dee"
    assert cache.hits == hits + 1
    with pytest.raises(m.Author.DoesNotExist):
        m.Author.objects.get(pk=404)


# Pairs of QuerySets that differ only structurally; each pair shares nothing.
STRUCTURAL = [
    lambda: m.Item.objects.filter(a=1),
    lambda: m.Item.objects.filter(a__gt=1),
    lambda: m.Item.objects.filter(b=1),
    lambda: m.Item.objects.exclude(a=1),
    lambda: m.Item.objects.filter(~Q(a=1)),
    lambda: m.Item.objects.filter(Q(a=1) | Q(b=2)),
    lambda: m.Item.objects.filter(Q(a=1) & Q(b=2)),
    lambda: m.Item.objects.filter(Q(a=1) ^ Q(b=2)),
    lambda: m.Item.objects.filter(a=None),
    lambda: m.Item.objects.filter(a__isnull=True),
    lambda: m.Item.objects.filter(a__isnull=False),
    lambda: m.Item.objects.filter(a__in=[1]),
    lambda: m.Item.objects.filter(a__in=[1, 2]),
    lambda: m.Item.objects.filter(a__in=[1, 2, 3]),
    lambda: m.Item.objects.filter(a__in=[]),
    lambda: m.Item.objects.filter(a__in=(1, 2)),
    lambda: m.Item.objects.filter(s="x"),
    lambda: m.Item.objects.filter(s__contains="x"),
    lambda: m.Item.objects.filter(s__icontains="x"),
    lambda: m.Item.objects.filter(a=F("b")),
    lambda: m.Item.objects.filter(a=F("b") + 1),
    lambda: m.Item.objects.filter(a=True),
    lambda: m.Item.objects.filter(a=1.0),
    lambda: m.Item.objects.filter(a="1"),
    lambda: m.Item.objects.filter(a=1).order_by("b"),
    lambda: m.Item.objects.filter(a=1).order_by("-b"),
    lambda: m.Item.objects.filter(a=1).order_by("b").reverse(),
    lambda: m.Item.objects.filter(a=1)[:2],
    lambda: m.Item.objects.filter(a=1)[1:3],
    lambda: m.Item.objects.filter(a=1).values("s"),
    lambda: m.Item.objects.filter(a=1).values("a", "s"),
    lambda: m.Item.objects.filter(a=1).only("s"),
    lambda: m.Item.objects.filter(a=1).defer("s"),
    lambda: m.Item.objects.filter(a=1).distinct(),
    lambda: m.Item.objects.filter(a=1).annotate(v=Value(1)),
    lambda: m.Item.objects.filter(a=1).annotate(v=Value(2)),
    lambda: m.Item.objects.filter(a=1).annotate(v=Value(True)),
    lambda: m.Item.objects.filter(a=1).annotate(v=Value("1")),
    lambda: m.Item.objects.filter(a=1).annotate(v=F("b")),
    lambda: m.Item.objects.filter(a=1).alias(v=F("b")).filter(v=2),
    lambda: m.Item.objects.filter(a=1).filter(b=2),
    lambda: m.Item.objects.filter(a=1, b=2),
    lambda: m.Item.objects.none(),
    lambda: m.Book.objects.filter(author__name="ann"),
    lambda: m.Book.objects.filter(author__mentor__name="ann"),
    lambda: m.Book.objects.filter(author=1),
    lambda: m.Book.objects.filter(tags__name="py"),
    lambda: m.Book.objects.exclude(tags__name="py"),
    lambda: m.Book.objects.filter(tags__name="py").filter(tags__name="db"),
    lambda: m.Book.objects.filter(tags__name="py", tags__id=2),
    lambda: m.Book.objects.select_related("author"),
    lambda: m.Book.objects.select_related("author", "publisher"),
    lambda: m.Book.objects.select_related(),
    lambda: m.Book.objects.filter(pubdate__year=2019),
    lambda: m.Book.objects.filter(pubdate__month=2019),
    lambda: m.Book.objects.filter(pubdate=datetime.date(2019, 5, 1)),
    lambda: m.Book.objects.filter(price=decimal.Decimal("9.99")),
    lambda: m.Author.objects.annotate(n=Count("books")),
    lambda: m.Author.objects.annotate(n=Count("books", distinct=True)),
    lambda: m.Author.objects.annotate(n=Sum("books__pages")),
    lambda: m.Author.objects.values("active").annotate(n=Count("pk")),
    lambda: m.Book.objects.annotate(y=ExtractYear("pubdate")).filter(y=2019),
]


def test_structurally_different_querysets_never_share_sql(kernel, data):
    querysets = [make() for make in STRUCTURAL]
    # Evaluate all (filling the cache), then again in reverse order.
    for qs in querysets + querysets[::-1]:
        assert cached_sql(qs) == fresh_sql(qs)
    keys = [(qs.model, qs._key) for qs in querysets]
    assert len(set(keys)) == len(keys)
    sqls = {}
    for qs in querysets:
        sqls.setdefault(cached_sql(qs), []).append(qs)
    # Two distinct shapes may only share text if their fresh SQL is equal too.
    for compiled, group in sqls.items():
        for qs in group:
            assert fresh_sql(qs) == compiled


def test_results_equal_uncached(kernel, data):
    for make in STRUCTURAL:
        warm = list(make())
        again = make()
        assert list(again) == warm
        assert again.count() == len(warm)
        assert again.exists() == bool(warm)


def test_count_exists_aggregate_cached(kernel, data):
    cache = _shapes.get_cache()
    assert m.Book.objects.filter(pages__gt=300).count() == 4
    assert m.Book.objects.filter(pages__gt=300).exists()
    assert m.Book.objects.filter(pages__gt=300).aggregate(s=Sum("pages")) == {"s": 1940}
    hits = cache.hits
    assert m.Book.objects.filter(pages__gt=600).count() == 1
    assert not m.Book.objects.filter(pages__gt=6000).exists()
    assert m.Book.objects.filter(pages__gt=600).aggregate(s=Sum("pages")) == {"s": 700}
    assert cache.hits == hits + 3
    assert m.Book.objects.filter(pk__in=[]).count() == 0


def test_cached_reads_build_no_query(kernel, data, monkeypatch):
    from fastdj.db.models.query import QuerySet

    def reads():
        return (
            m.Author.objects.get(pk=4).name,
            m.Author.objects.filter(active=True).get(name="bob").pk,
            [b.pk for b in m.Book.objects.filter(pages__gt=400).order_by("pk")],
        )

    assert reads() == ("dee", 2, [2, 5, 7])
    built = []
    build = QuerySet._build_query
    monkeypatch.setattr(
        QuerySet, "_build_query", lambda qs: built.append(qs) or build(qs)
    )
    assert reads() == ("dee", 2, [2, 5, 7])
    assert built == []


def test_keyed_get_hit_skips_the_general_path(kernel, data, monkeypatch):
    from fastdj.db.models.query import QuerySet

    cache = _shapes.get_cache()
    misses = cache.misses
    assert m.Author.objects.filter(active=True).get(name="bob").pk == 2
    assert cache.misses == misses + 1  # a first sight is counted once
    general = []
    real = QuerySet._get_results
    monkeypatch.setattr(
        QuerySet,
        "_get_results",
        lambda qs, a, k: general.append(k) or real(qs, a, k),
    )
    hits = cache.hits
    assert m.Author.objects.filter(active=True).get(name="dee").pk == 4
    assert cache.hits == hits + 1
    with pytest.raises(m.Author.DoesNotExist):
        m.Author.objects.filter(active=True).get(name="nobody")
    with pytest.raises(m.Author.MultipleObjectsReturned):
        m.Author.objects.filter(active=True).get(age__gt=0)
    with pytest.raises(m.Author.MultipleObjectsReturned):
        m.Author.objects.filter(active=True).get(age__gt=1)
    assert general == [{"age__gt": 0}]
    # States the shortcut leaves to the general path, with the same answers.
    with pytest.raises(TypeError):
        m.Author.objects.order_by("pk")[:3].get(name="bob")
    assert m.Author.objects.prefetch_related("books").get(pk=2).pk == 2
    assert m.Author.objects.values("name").get(pk=2) == {"name": "bob"}
    assert m.Author.objects.get(Q(pk=2)).pk == 2
    assert m.Author.objects.get(pk=2, _connector=Q.OR).pk == 2
    assert len(general) == 6


@pytest.mark.parametrize(
    "kwargs",
    [
        {"id": 5},
        {"name": "ann", "age__gt": 3, "active": True},
        {"age": None, "name__in": ["a", "b"]},
        {"age__isnull": True},
        {"pk__in": [1, "2"]},
        {"name": F("email")},
        {"joined__year": datetime.date.today},
    ],
)
def test_keyword_filters_are_keyed_as_their_q(kernel, kwargs):
    out, expected_out = [], []
    expected = kernel.q_shape(Q(**kwargs), expected_out)
    assert kernel.kwargs_shape(kwargs, out) == expected
    if expected is not None:
        assert out == expected_out


def test_complex_filter_keeps_its_lookups(kernel, data):
    lookups = {"pages__gt": 400}
    qs = m.Book.objects.complex_filter(lookups)
    lookups["pages__gt"] = 0
    lookups["title"] = "x"
    assert sorted(b.pk for b in qs) == [2, 5, 7]


@pytest.mark.parametrize(
    "make",
    [
        lambda: m.Author.objects.all(),
        lambda: m.Author.objects.distinct(),
        lambda: m.Author.objects.distinct("name"),
        lambda: m.Author.objects.distinct("name").filter(age=3).distinct("age"),
        lambda: m.Author.objects.order_by("name").distinct("name")[:3],
        lambda: m.Author.objects.filter(pk=1).union(m.Author.objects.all()),
    ],
)
def test_keyed_state_answers_as_the_query(make):
    qs = make()
    query = qs._build_query() if qs._key is not None else qs.query
    assert qs._distinct_fields() == query.distinct_fields
    assert qs._combinator() == query.combinator
    assert qs._is_sliced() == query.is_sliced


def test_get_after_union_and_after_distinct_fields(kernel, data):
    union = m.Author.objects.filter(pk=1).union(m.Author.objects.filter(name="ann"))
    assert union.get().name == "ann"
    with pytest.raises(m.Author.MultipleObjectsReturned):
        m.Author.objects.filter(pk=1).union(m.Author.objects.filter(pk=2)).get()
    with pytest.raises(NotSupportedError):
        union.get(pk=1)
    if connection.vendor == "postgresql":
        qs = m.Author.objects.order_by("age", "name").distinct("age")
        # get() keeps the ordering DISTINCT ON needs.
        assert qs.get(age=34).name == "ann"


def test_type_errors_still_raised_on_cache_hit(kernel, data):
    list(m.Book.objects.filter(pages="320"))
    with pytest.raises(ValueError):
        list(m.Book.objects.filter(pages="abc"))


def test_timezone_dependent_sql_is_recompiled(kernel, data):
    with timezone.override(datetime.timezone.utc):
        utc = sorted(a.pk for a in m.Author.objects.filter(joined__hour=23))
    with timezone.override(zoneinfo.ZoneInfo("Asia/Karachi")):  # UTC+5, no DST
        plus5 = sorted(a.pk for a in m.Author.objects.filter(joined__hour=4))
    assert utc == [2]
    assert plus5 == [2]


def test_register_lookup_clears_cache(kernel, data):
    from fastdj.db.models import CharField, Lookup

    list(m.Item.objects.filter(s="x"))
    assert len(_shapes.get_cache())

    class NotEqual(Lookup):
        lookup_name = "ne"

        def as_sql(self, compiler, connection):
            lhs, lhs_params = self.process_lhs(compiler, connection)
            rhs, rhs_params = self.process_rhs(compiler, connection)
            return f"{lhs} <> {rhs}", lhs_params + rhs_params

    CharField.register_lookup(NotEqual)
    try:
        assert len(_shapes.get_cache()) == 0
        assert sorted(i.pk for i in m.Item.objects.filter(s__ne="x")) == [2, 4, 5, 7, 8]
        assert sorted(i.pk for i in m.Item.objects.filter(s__ne="y")) == [
            1,
            3,
            4,
            6,
            7,
            8,
        ]
    finally:
        CharField._unregister_lookup(NotEqual)


# -- twin parity of the kernel -------------------------------------------------

LEAF_VALUES = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.booleans(),
    st.text(max_size=3),
    st.floats(allow_nan=False, width=32),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.dates(),
    st.lists(st.integers(0, 3), max_size=3),
    st.tuples(st.integers(), st.text(max_size=1)),
    st.just(F("a")),
    st.just(Value(3)),
    st.just(object()),
)
NAMES = st.sampled_from(["a", "b", "s", "a__gt", "a__in", "b__isnull", "s__contains"])


def _q_trees():
    leaf = st.builds(lambda n, v: Q((n, v)), NAMES, LEAF_VALUES)
    return st.recursive(
        leaf,
        lambda children: st.builds(
            lambda items, conn, neg: Q.create(items, conn, neg),
            st.lists(children, min_size=1, max_size=3),
            st.sampled_from(["AND", "OR", "XOR"]),
            st.booleans(),
        ),
        max_leaves=8,
    )


def _run(fn, *args):
    try:
        return "ok", fn(*args)
    except Exception as exc:  # noqa: BLE001 - compared between twins
        return "error", type(exc).__name__, str(exc)


@pytest.mark.skipif(len(KERNELS) < 2, reason="Cython twin not built")
@settings(max_examples=300, deadline=None)
@given(_q_trees())
def test_twins_give_same_shapes(q):
    py, cy = dict(KERNELS)["py"], dict(KERNELS)["cy"]
    out_py, out_cy = [], []
    assert _run(py.q_shape, q, out_py) == _run(cy.q_shape, q, out_cy)
    assert out_py == out_cy


@pytest.mark.skipif(len(KERNELS) < 2, reason="Cython twin not built")
def test_twins_same_plans_bind_and_cache():
    py, cy = dict(KERNELS)["py"], dict(KERNELS)["cy"]
    SP = _shapes.SlotParam
    params = (SP(0, 0, 1), "const", SP(1, 1, "b"), SP(1, 0, "a"), 5)
    assert py.make_plan(params, SP) == cy.make_plan(params, SP)
    plan, consts = py.make_plan(params, SP)
    fns = (lambda v, c: [v * 2], lambda v, c: [v, v + "!"])
    assert (
        py.bind_params(plan, consts, fns, (3, "x"), None)
        == cy.bind_params(plan, consts, fns, (3, "x"), None)
        == (6, "const", "x!", "x", 5)
    )
    for name in ("a", 1, None):
        assert _run(py.value_key, name, 1, []) == _run(cy.value_key, name, 1, [])
    caches = [py.ShapeCache(2), cy.ShapeCache(2)]
    for cache in caches:
        cache.put("a", 1)
        cache.put("b", 2)
        cache.put("c", 3)
    assert [(c.get("a"), c.get("b"), c.get("c"), len(c)) for c in caches] == [
        (None, 2, 3, 2)
    ] * 2
    assert [(c.hits, c.misses) for c in caches] == [(2, 1)] * 2
    for mod in (py, cy):
        with pytest.raises(ValueError):
            mod.ShapeCache(0)


# -- generated filter trees against Django ---------------------------------------

ITEM_LEAVES = st.one_of(
    st.builds(lambda v: Q(a=v), st.one_of(st.none(), st.integers(0, 6))),
    st.builds(lambda v: Q(b__gt=v), st.integers(0, 6)),
    st.builds(lambda v: Q(a__lte=v), st.integers(0, 6)),
    st.builds(lambda v: Q(b__in=v), st.lists(st.integers(0, 6), max_size=3)),
    st.builds(lambda v: Q(a__isnull=v), st.booleans()),
    st.builds(lambda v: Q(s=v), st.sampled_from(["x", "y", "z", "w", "q"])),
    st.builds(
        lambda lo, hi: Q(a__range=(lo, hi)), st.integers(0, 6), st.integers(0, 6)
    ),
    st.just(Q(a=F("b"))),
    st.just(Q(a__gt=F("b"))),
)


def _item_trees():
    return st.recursive(
        ITEM_LEAVES,
        lambda children: st.builds(
            lambda items, conn, neg: Q.create(items, conn, neg),
            st.lists(children, min_size=1, max_size=3),
            st.sampled_from(["AND", "OR"]),
            st.booleans(),
        ),
        max_leaves=6,
    )


def _to_django(q):
    from django.db.models import F as DF
    from django.db.models import Q as DQ

    children = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_to_django(child))
        else:
            name, value = child
            if isinstance(value, F):
                value = DF(value.name)
            children.append((name, value))
    return DQ.create(children, connector=q.connector, negated=q.negated)


@pytest.mark.parametrize("twin_name", [k for k, _ in KERNELS])
def test_generated_trees_match_django(twin_name, sqlite_db, oracle, monkeypatch):
    from tests.db.conftest import create_tables

    from .conftest import populate

    module = dict(KERNELS)[twin_name]
    monkeypatch.setitem(_accel._active, "sql", module)
    _shapes.get_cache().clear()
    create_tables(*m.MODELS)
    populate(m)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(_item_trees(), st.booleans())
    def check(q, negate):
        dj = oracle.Item.objects
        ours = m.Item.objects
        dq = _to_django(q)
        expected = sorted(
            (dj.exclude(dq) if negate else dj.filter(dq)).values_list("pk", flat=True)
        )
        qs = ours.exclude(q) if negate else ours.filter(q)
        assert sorted(qs.values_list("pk", flat=True)) == expected
        # Same again through a warm cache, and the cached SQL is the fresh SQL.
        qs2 = ours.exclude(q) if negate else ours.filter(q)
        assert sorted(i.pk for i in qs2) == expected
        if qs2._key is not None:
            assert cached_sql(qs2) == fresh_sql(qs2)

    check()
    assert connection.vendor == "sqlite"
