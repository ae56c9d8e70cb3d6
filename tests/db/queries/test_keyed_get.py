"""Keyed get() without a QuerySet: Manager.get, flat keys, ints bound as is.

Each test runs under both SQL kernel twins (the ``kernel`` fixture) and, through
``data``, on SQLite and PostgreSQL.
"""

import pytest

from fastdj import _accel
from fastdj.db.models import Manager, Q, QuerySet
from fastdj.db.models import query as query_mod
from fastdj.db.models.lookups import Exact, In
from fastdj.db.models.sql import _shapes

from . import models as m
from .conftest import kernels


@pytest.fixture
def general(monkeypatch):
    """Record each get() that takes the general path (its kwargs)."""
    calls = []
    real = QuerySet._get_results
    monkeypatch.setattr(
        QuerySet, "_get_results", lambda qs, a, k: calls.append(k) or real(qs, a, k)
    )
    return calls


def test_manager_get_hit_builds_no_queryset(kernel, data, general, monkeypatch):
    assert m.Author.objects.get(pk=2).name == "bob"  # first sight: compiled
    assert general == [{"pk": 2}]
    built = []
    real_init = QuerySet.__init__
    monkeypatch.setattr(
        QuerySet,
        "__init__",
        lambda qs, *a, **k: built.append(1) or real_init(qs, *a, **k),
    )
    hits = _shapes.get_cache().hits
    assert [m.Author.objects.get(pk=pk).name for pk in (4, 1, 5)] == [
        "dee",
        "ann",
        "eve",
    ]
    assert _shapes.get_cache().hits == hits + 3
    assert built == []
    with pytest.raises(m.Author.DoesNotExist, match="Author matching query"):
        m.Author.objects.get(pk=99)
    assert m.Author.objects.get(name="cid", age=51).pk == 3  # first sight
    # Keyword order does not change the shape nor which value binds where.
    assert m.Author.objects.get(age=34, name="eve").pk == 5
    assert m.Author.objects.get(name="ann", age=34).pk == 1
    with pytest.raises(m.Author.MultipleObjectsReturned):
        m.Author.objects.get(age=34)
    with pytest.raises(m.Author.MultipleObjectsReturned):
        m.Author.objects.get(age=34)  # second sight: the cached path raises too
    assert general == [{"pk": 2}, {"name": "cid", "age": 51}, {"age": 34}]


def test_manager_get_values_of_other_types(kernel, data):
    # Values that keep the flat key off (None, __isnull, a list, a model) and
    # ones an int lookup must still convert (bool, str) answer as uncached.
    cases = [
        ({"mentor": None, "name": "eve"}, 5),
        ({"mentor__isnull": True, "name": "ann"}, 1),
        ({"pk__in": [3]}, 3),
        ({"mentor": 2}, 4),
        ({"pk": "4"}, 4),
        ({"pk": True}, 1),
    ]
    for _ in range(2):  # first sight, then from the cache
        for kwargs, pk in cases:
            assert m.Author.objects.get(**kwargs).pk == pk
    bob = m.Author.objects.get(pk=2)
    assert m.Author.objects.get(mentor=bob).pk == 4
    assert m.Author.objects.get(mentor=bob).pk == 4


def test_manager_get_with_own_queryset_or_get_queryset(kernel, data):
    class Active(Manager):
        def get_queryset(self):
            return super().get_queryset().filter(active=True)

    class Loud(QuerySet):
        def get(self, *args, **kwargs):
            return ("loud", super().get(*args, **kwargs).pk)

    def manager(cls):
        obj = cls()
        obj.model, obj.name = m.Author, "test"
        return obj

    active = manager(Active)
    loud = manager(Manager.from_queryset(Loud))
    for _ in range(2):
        assert m.Author.objects.get(pk=3).pk == 3
        with pytest.raises(m.Author.DoesNotExist):
            active.get(pk=3)  # cid is inactive
        assert active.get(pk=2).pk == 2
        assert loud.get(pk=3) == ("loud", 3)


def test_manager_get_positional_and_connector_arguments(kernel, data, general):
    for _ in range(2):
        assert m.Author.objects.get(Q(pk=2)).pk == 2
        assert m.Author.objects.get(Q(name="bob"), pk=2).pk == 2
        assert m.Author.objects.get(pk=2, name="nobody", _connector=Q.OR).pk == 2
        assert m.Author.objects.get(pk__lt=5, _negated=True).pk == 5
    assert len(general) == 8


def test_flat_keys_are_forgotten_with_the_cache(kernel, data, general):
    assert m.Author.objects.get(pk=1).name == "ann"
    assert m.Author.objects.get(pk=2).name == "bob"  # flat key remembered
    _shapes.get_cache().clear()
    assert m.Author.objects.get(pk=3).name == "cid"
    assert m.Author.objects.get(pk=4).name == "dee"
    assert general == [{"pk": 1}, {"pk": 3}]


def test_filtered_queryset_get_still_hits(kernel, data, general):
    qs = m.Author.objects.filter(active=True)
    assert qs.get(name="dee").pk == 4
    assert m.Author.objects.filter(active=True).get(name="ann").pk == 1
    assert m.Author.objects.filter(active=False).get(name="eve").pk == 5
    with pytest.raises(m.Author.DoesNotExist):
        m.Author.objects.filter(active=True).get(name="eve")
    assert general == [{"name": "dee"}]


def test_binds_ints_as_is_only_where_params_for_is_identity(data):
    def lookup(cls, field_name, value):
        return cls(m.Author._meta.get_field(field_name).get_col("t"), value)

    assert lookup(Exact, "age", 1).binds_ints_as_is()
    assert lookup(Exact, "id", 1).binds_ints_as_is()
    assert not lookup(Exact, "name", "x").binds_ints_as_is()
    assert not lookup(Exact, "rating", 1.0).binds_ints_as_is()
    assert not lookup(In, "age", [1]).binds_ints_as_is()

    class Shifted(Exact):
        def params_for(self, raw, connection):
            return [raw + 1]

    assert not lookup(Shifted, "age", 1).binds_ints_as_is()


@pytest.mark.parametrize("name,twin", kernels())
def test_bind_params_skips_the_call_for_int_slots(name, twin):
    def refuse(value, conn):
        raise AssertionError("called")

    def double(value, conn):
        return [value * 2]

    plan = ((0, 0), (-1, 0), (1, 0))
    fns = (refuse, double)
    assert twin.bind_params(plan, ("c",), fns, (7, 3), None, (True, False)) == (
        7,
        "c",
        6,
    )
    # A bool (an int subclass) or a str in an int slot goes through the call.
    with pytest.raises(AssertionError):
        twin.bind_params(plan, ("c",), fns, (True, 3), None, (True, False))
    with pytest.raises(AssertionError):
        twin.bind_params(plan, ("c",), fns, ("7", 3), None, (True, False))
    assert twin.bind_params(plan, ("c",), (double, double), (7, 3), None) == (
        14,
        "c",
        6,
    )
    # Any true flag counts, as in the pure reference.
    assert twin.bind_params(plan, ("c",), fns, (7, 3), None, (1, 0)) == (7, "c", 6)


class _Entry:
    def __init__(self, sql):
        self.sql, self.tzname = sql, None
        self.plan, self.consts = ((0, 0), (1, 0)), ()
        self.fns = (lambda v, c: [v], lambda v, c: [v])
        self.ints = (True, True)
        self.empty, self.klass_info, self.has_extra_select = False, None, False
        self.last_plan = None


@pytest.mark.parametrize("name,twin", kernels())
def test_keyed_params_key_order_replacement_and_tail(name, twin):
    cache = twin.ShapeCache(8)
    tail = (("L", None, 21),)
    shape = twin.kwargs_shape({"a": 1, "b": 2}, [])
    key = ("M", (("F", shape),) + tail, "select", "v")
    first = _Entry("one")
    cache.put(key, first)
    for _ in range(2):
        assert cache.keyed_params("M", (), tail, (), {"b": 2, "a": 1}, "v", None) == (
            first,
            (1, 2),
        )
        assert cache.keyed_params("M", (), tail, (), {"a": 5, "b": 6}, "v", None) == (
            first,
            (5, 6),
        )
    # A replaced entry is used at once, including through a remembered key.
    second = _Entry("two")
    cache.put(key, second)
    assert (
        cache.keyed_params("M", (), tail, (), {"b": 2, "a": 1}, "v", None)[0] is second
    )
    # An equal tail that is another object, another vendor, another model.
    assert (
        cache.keyed_params("M", (), tuple(list(tail)), (), {"a": 1, "b": 2}, "v", None)[
            0
        ]
        is second
    )
    assert cache.keyed_params("M", (), tail, (), {"a": 1, "b": 2}, "w", None) is None
    assert cache.keyed_params("N", (), tail, (), {"a": 1, "b": 2}, "v", None) is None
    # Another value type is another shape.
    assert cache.keyed_params("M", (), tail, (), {"a": "1", "b": 2}, "v", None) is None
    # A head and its slots come first.
    head = (("F", ("AND", False, (("c", int),))),)
    key2 = ("M", head + (("F", shape),) + tail, "select", "v")
    third = _Entry("three")
    third.plan = ((0, 0), (1, 0), (2, 0))
    third.fns, third.ints = third.fns + (lambda v, c: [v],), (True,) * 3
    cache.put(key2, third)
    assert cache.keyed_params("M", head, tail, (9,), {"b": 2, "a": 1}, "v", None) == (
        third,
        (9, 1, 2),
    )
    cache.clear()
    assert cache.keyed_params("M", (), tail, (), {"a": 1, "b": 2}, "v", None) is None
    # Not ready: stored as uncacheable, or tied to a time zone.
    cache.put(key, False)
    assert cache.keyed_params("M", (), tail, (), {"a": 1, "b": 2}, "v", None) is None
    tz = _Entry("tz")
    tz.tzname = "UTC"
    cache.put(key, tz)
    assert cache.keyed_params("M", (), tail, (), {"a": 1, "b": 2}, "v", None) is None


class _Connection:
    vendor = "v"

    def __init__(self):
        self.executed = []

    def execute_fetchall(self, sql, params):
        self.executed.append((sql, params))
        return [(sql, *params)]


class _RowsKernel:
    @staticmethod
    def materialize(rows, plan):
        return [(plan, row) for row in rows]


class _Local:
    pass


class _Connections:
    """connections[alias], with its thread's connections on ``_local``."""

    def __init__(self, **by_alias):
        self._local = _Local()
        self.by_alias = by_alias

    def __getitem__(self, alias):
        setattr(self._local, alias, self.by_alias[alias])
        return self.by_alias[alias]


def _one_slot_entry(sql):
    """An entry of one int slot whose rows are model instances."""
    entry = _Entry(sql)
    entry.plan, entry.fns, entry.ints = ((0, 0),), entry.fns[:1], (True,)
    entry.klass_info = object()
    return entry


def _fake_rows_path(monkeypatch):
    """Return a default connection, connections with it and an "other" one,
    and the fake rows kernel made active for the test."""
    connection = _Connection()
    connections = _Connections(default=connection, other=_Connection())
    kernel = _RowsKernel()
    monkeypatch.setitem(_accel._active, "rows", kernel)
    return connection, connections, kernel


@pytest.mark.parametrize("name,twin", kernels())
def test_keyed_rows_runs_the_entry_as_run_entry_does(name, twin, monkeypatch):
    cache = twin.ShapeCache(8)
    tail = (("L", None, 21),)
    shape = twin.kwargs_shape({"a": 1}, [])
    entry = _one_slot_entry("one")
    cache.put(("M", (("F", shape),) + tail, "select", "v"), entry)
    connection, connections, kernel = _fake_rows_path(monkeypatch)
    ran = []

    def run_entry(entry, params, connection, db):
        ran.append((entry, params, connection, db))
        entry.last_plan = (kernel, connection, "plan")
        rows = connection.execute_fetchall(entry.sql, params)
        return kernel.materialize(rows, "plan")

    def rows(db="default", **kwargs):
        return cache.keyed_rows("M", db, (), tail, (), kwargs, connections, run_entry)

    # Lookups only: a connector or negation keyword is the general path's.
    assert rows(a=1, _connector="OR") is None
    assert rows(a=1, _negated=True) is None
    assert rows(b=1) is None
    assert rows(a=7) == [("plan", ("one", 7))]
    assert ran == [(entry, (7,), connection, "default")]
    # Again: the same rows, whether run_entry runs or its common case inline.
    assert rows(a=8) == [("plan", ("one", 8))]
    assert connection.executed == [("one", (7,)), ("one", (8,))]
    # Another connection, rows kernel or entry state goes through run_entry.
    ran.clear()
    assert rows("other", a=9) == [("plan", ("one", 9))]
    monkeypatch.setitem(_accel._active, "rows", _RowsKernel())
    assert rows(a=10) == [("plan", ("one", 10))]
    # Rows that need trimming (an extra select) always go through run_entry.
    extra = _Entry("extra")
    extra.plan, extra.fns, extra.ints = entry.plan, entry.fns, entry.ints
    extra.empty, extra.klass_info, extra.has_extra_select = False, object(), True
    extra.last_plan = (kernel, connection, "plan")
    shape = twin.kwargs_shape({"c": 1}, [])
    cache.put(("M", (("F", shape),) + tail, "select", "v"), extra)
    assert rows(c=11) == [("plan", ("extra", 11))]
    assert rows(c=12) == [("plan", ("extra", 12))]
    assert [r[1:] for r in ran] == [
        ((9,), connections.by_alias["other"], "other"),
        ((10,), connection, "default"),
        ((11,), connection, "default"),
        ((12,), connection, "default"),
    ]
    # A mapping without _local is indexed.
    assert cache.keyed_rows(
        "M", "default", (), tail, (), {"a": 2}, {"default": connection}, run_entry
    ) == [("plan", ("one", 2))]


@pytest.mark.parametrize("name,twin", kernels())
def test_select_rows_runs_a_cached_select_as_run_entry_does(name, twin, monkeypatch):
    cache = twin.ShapeCache(8)
    key = (("F", "shape"),)
    entry = _one_slot_entry("sel")
    connection, connections, kernel = _fake_rows_path(monkeypatch)
    ran = []

    def run_entry(entry, params, connection, db):
        ran.append((entry.sql, params, db))
        if entry.empty:
            return []
        entry.last_plan = (kernel, connection, "plan")
        rows = connection.execute_fetchall(entry.sql, params)
        return kernel.materialize(rows, "plan")

    def rows(db="default", slots=(3,), key=key):
        return cache.select_rows("M", db, key, slots, connections, run_entry)

    assert rows() is None  # not cached: the caller compiles and stores it
    cache.put(("M", key, "select", "v"), entry)
    hits = cache.hits
    assert rows() == [("plan", ("sel", 3))]
    assert rows(slots=(4,)) == [("plan", ("sel", 4))]
    assert cache.hits == hits + 2
    assert connection.executed == [("sel", (3,)), ("sel", (4,))]
    assert rows("other", (5,)) == [("plan", ("sel", 5))]
    # The first run and another connection go through run_entry (the pure
    # twin always does; the Cython twin runs the common case inline).
    assert ran[0] == ("sel", (3,), "default")
    assert ran[-1] == ("sel", (5,), "other")
    # Another key or vendor, an uncacheable shape or a time zone's: None.
    assert rows(key=(("F", "other"),)) is None
    cache.put(("M", key, "select", "v"), False)
    assert rows() is None
    entry.tzname = "UTC"
    cache.put(("M", key, "select", "v"), entry)
    assert rows() is None
    # An empty shape, even one with a row plan from an iterator, runs nothing.
    empty = _Entry("")
    empty.plan, empty.fns, empty.ints = (), (), ()
    empty.empty, empty.klass_info = True, object()
    empty.last_plan = (kernel, connection, "plan")
    cache.put(("M", key, "select", "v"), empty)
    assert rows(slots=()) == []
    # Rows to trim (an extra select) go through run_entry.
    extra = _Entry("extra")
    extra.plan, extra.fns, extra.ints = entry.plan, entry.fns, entry.ints
    extra.klass_info, extra.has_extra_select = object(), True
    extra.last_plan = (kernel, connection, "plan")
    cache.put(("M", key, "select", "v"), extra)
    ran.clear()
    assert rows(slots=(6,)) == [("plan", ("extra", 6))]
    assert ran == [("extra", (6,), "default")]


def test_iterating_a_known_shape_uses_select_rows(kernel, data, monkeypatch):
    cache = _shapes.get_cache()
    calls = []
    real = type(cache).select_rows

    class Spy(type(cache)):
        def select_rows(self, *args):
            rows = real(self, *args)
            calls.append(rows is not None)
            return rows

    spy = Spy(64)
    monkeypatch.setitem(_shapes._CACHES, _accel._active["sql"], spy)
    qs = m.Author.objects.filter(age__gte=30).order_by("pk")
    assert [a.name for a in qs] == ["ann", "cid", "eve"]  # first sight: compiled
    assert [a.name for a in m.Author.objects.filter(age__gte=50).order_by("pk")] == [
        "cid"
    ]
    assert [a.pk for a in m.Author.objects.all().order_by("pk")] == [1, 2, 3, 4, 5]
    assert [a.pk for a in m.Author.objects.all().order_by("pk")] == [1, 2, 3, 4, 5]
    assert calls == [False, True, False, True]
    # values() rows and known related objects keep their own iterables.
    assert list(
        m.Author.objects.filter(age__gte=50).values_list("name", flat=True)
    ) == ["cid"]
    assert calls == [False, True, False, True]


def test_one_result_messages_match_get(data):
    with pytest.raises(m.Author.MultipleObjectsReturned) as info:
        query_mod.one_result(m.Author, [1] * 25)
    assert str(info.value) == (
        "get() returned more than one Author -- it returned more than 20!"
    )
    with pytest.raises(m.Author.DoesNotExist):
        query_mod.one_result(m.Author, [])
    assert query_mod.one_result(m.Author, ["x"]) == "x"
