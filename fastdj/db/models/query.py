"""Lazy QuerySets and the iterables that turn their rows into Python objects.

A QuerySet records its steps (filter, order_by, slice, ...) as a chain of
operations. When every step has a hashable *shape* (field names, lookups, value
types, expression structure -- never the values themselves), the chain's shape
key finds the compiled SQL in the shape cache: a repeated query with new values
only binds its parameters and skips building the Query and compiling it. Steps
that cannot be keyed (subquery values, unions, raw expressions) turn the
QuerySet into an ordinary Query-backed one, compiled every time as in Django.
"""

from __future__ import annotations

import copy
from collections import namedtuple
from itertools import chain, islice

from fastdj import _accel
from fastdj.core import exceptions
from fastdj.core.exceptions import FieldDoesNotExist, FieldError
from fastdj.db import DEFAULT_DB_ALIAS, connections
from fastdj.db.models import _rowplan, sql
from fastdj.db.models._rowplan import row_plan_for
from fastdj.db.models.query_utils import Q
from fastdj.db.models.sql import _shapes
from fastdj.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE, ROW_COUNT
from fastdj.db.models.sql.datastructures import EmptyResultSet

__all__ = [
    "BaseIterable",
    "EmptyQuerySet",
    "FlatValuesListIterable",
    "ModelIterable",
    "NamedValuesListIterable",
    "Prefetch",
    "QuerySet",
    "RawQuerySet",
    "ValuesIterable",
    "ValuesListIterable",
    "get_prefetcher",
    "prefetch_related_objects",
]

MAX_GET_RESULTS = 21
REPR_OUTPUT_SIZE = 20
LOOKUP_SEP = "__"


def _connections():
    from fastdj.db import connections

    return connections


# -- shape cache plumbing ------------------------------------------------------

# Chains (model, shape key) already built once without error: building them
# again only to validate is skipped.
_VALIDATED: set = set()
_VALIDATED_MAX = 20000


def _wrap_slots(q, counter):
    """Return ``q`` with every slot value wrapped in Slotted (kernel order)."""
    from fastdj.db.models.sql import _compile

    children = []
    for child in q.children:
        if type(child) is tuple and len(child) == 2:
            name, value = child
            out: list = []
            _compile.value_key(name, value, out)
            if out:
                value = _shapes.Slotted(value, counter[0])
                counter[0] += 1
            children.append((name, value))
        elif isinstance(child, Q):
            children.append(_wrap_slots(child, counter))
        else:
            children.append(child)
    return Q.create(children, q.connector, q.negated)


def _apply_filter(query, args, base):
    negate, q_args, q_kwargs = args
    q = Q(*q_args, **q_kwargs)
    if base is not None:
        q = _wrap_slots(q, [base])
    query.add_q(~q if negate else q)


# Q()'s own keyword arguments: anything else in filter(**kwargs) is a lookup.
_Q_OPTIONS = frozenset({"_connector", "_negated"})


def _apply_order_by(query, fields, base):
    query.clear_ordering(force=True, clear_default=False)
    query.add_ordering(*fields)


def _apply_slice(query, bounds, base):
    query.set_limits(*bounds)


# get()'s last steps: no ordering (unless sliced or distinct on fields) and
# room for a few more rows than one, to report how many came back.
_GET_UNORDER = (("O", ()), _apply_order_by, (), ())
_GET_LIMIT = (("L", None, MAX_GET_RESULTS), _apply_slice, (None, MAX_GET_RESULTS), ())
_GET_TAIL = (_GET_UNORDER[0], _GET_LIMIT[0])


def _apply_distinct(query, fields, base):
    query.add_distinct_fields(*fields)


def _apply_reverse(query, args, base):
    query.standard_ordering = not query.standard_ordering


def _apply_none(query, args, base):
    query.set_empty()


def _apply_select_related(query, fields, base):
    if fields == (None,):
        query.select_related = False
    elif fields:
        query.add_select_related(fields)
    else:
        query.select_related = True


def _apply_defer(query, fields, base):
    if fields == (None,):
        query.clear_deferred_loading()
    else:
        query.add_deferred_loading(fields)


def _apply_only(query, fields, base):
    query.add_immediate_loading(fields)


def _apply_annotate(query, args, base):
    annotations, select, group_by_mode = args
    for alias, annotation in annotations.items():
        query.add_annotation(annotation, alias, select=select)
    for alias, annotation in query.annotations.items():
        if alias in annotations and annotation.contains_aggregate:
            if group_by_mode:
                query.set_group_by()
            else:
                query.group_by = True
            break


def _apply_values(query, fields, base):
    query.set_values(fields)


def _apply_for_update(query, args, base):
    query.select_for_update = True
    query.select_for_update_nowait, query.select_for_update_skip_locked = args[:2]
    query.select_for_update_no_key = args[2]


def _apply_clear_ordering(query, args, base):
    query.clear_ordering(force=True)


class _Entry:
    """A compiled query shape: SQL, parameter plan and result metadata."""

    __slots__ = (
        "annotation_col_map",
        "col_count",
        "consts",
        "converters",
        "empty",
        "extra",
        "fns",
        "has_extra_select",
        "ints",
        "klass_info",
        "last_plan",
        "plan",
        "row_plans",
        "select",
        "sql",
        "tzname",
        "value_names",
    )


def _record(compiler, nslots, extra=None):
    """Compile with slot recording; return a cache entry or None if unsafe."""
    kernel = _shapes.sql_kernel()
    compiler.recording = True
    compiler.slot_fns = {}
    compiler.tz_dependent = None
    entry = _Entry()
    entry.extra = extra
    entry.row_plans = {}
    entry.last_plan = None
    try:
        sql_text, params = compiler.as_sql()
    except EmptyResultSet:
        entry.empty = True
        entry.sql, entry.plan, entry.consts, entry.fns = "", (), (), ()
        entry.ints = ()
        params = ()
    else:
        entry.empty = False
        entry.sql = sql_text
        entry.plan, entry.consts = kernel.make_plan(params, _shapes.SlotParam)
        fns = compiler.slot_fns
        # Every value slot must have been bound exactly through its lookup;
        # otherwise the SQL may depend on a value and is not reusable.
        if any(i not in fns for i in range(nslots)):
            return None, params
        entry.fns = tuple(fns[i] for i in range(nslots))
        entry.ints = tuple(_binds_ints_as_is(fn) for fn in entry.fns)
    compiler.recording = False
    entry.tzname = compiler.tz_dependent
    entry.select = compiler.select
    entry.klass_info = compiler.klass_info
    entry.annotation_col_map = compiler.annotation_col_map
    entry.col_count = compiler.col_count
    entry.has_extra_select = compiler.has_extra_select
    entry.value_names = _selected_names(compiler.query) if compiler.select else None
    if compiler.select is not None:
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        entry.converters = compiler.get_converters(fields)
    else:
        entry.converters = None
    plain = [p.value if type(p) is _shapes.SlotParam else p for p in params]
    return entry, tuple(plain)


def _binds_ints_as_is(fn) -> bool:
    # A slot's bind function is its lookup's bound params_for().
    check = getattr(getattr(fn, "__self__", None), "binds_ints_as_is", None)
    return bool(check is not None and check())


def _compiler_from_entry(entry, connection, using, params, query=None):
    from fastdj.db.models.sql.compiler import SQLCompiler

    compiler = SQLCompiler.__new__(SQLCompiler)
    compiler.query = query
    compiler.connection = connection
    compiler.using = using
    compiler.elide_empty = True
    compiler.quote_cache = {}
    compiler.select = entry.select
    compiler.klass_info = entry.klass_info
    compiler.annotation_col_map = entry.annotation_col_map
    compiler.col_count = entry.col_count
    compiler.has_extra_select = entry.has_extra_select
    compiler._meta_ordering = None
    compiler.where = compiler.having = None
    compiler.recording = False
    compiler.slot_fns = {}
    compiler._converters = entry.converters
    compiler._entry = entry
    compiler.value_names = entry.value_names
    if entry.empty:
        compiler._precompiled = None
        compiler.as_sql = _raise_empty
    else:
        compiler._precompiled = (entry.sql, params)
    return compiler


def _fresh(entry):
    """Return ``entry`` unless it was compiled for another current time zone."""
    if entry and entry.tzname is not None:
        from fastdj.utils import timezone

        if timezone.get_current_timezone_name() != entry.tzname:
            return None
    return entry


def _raise_empty(*args, **kwargs):
    raise EmptyResultSet


def _selected_names(query):
    if query is None:
        return None
    if query.selected is not None:
        return list(query.selected)
    return [*query.values_select, *query.annotation_select]


# -- iterables ---------------------------------------------------------------


class BaseIterable:
    def __init__(
        self, queryset, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE
    ):
        self.queryset = queryset
        self.chunked_fetch = chunked_fetch
        self.chunk_size = chunk_size


def _entry_row_plan(entry, db, connection, kernel):
    # One RowPlan per shape, kernel and database, built on first use; the
    # last one used is kept apart (_run_entry() checks it first), since one
    # process mostly asks for one.
    plan = entry.row_plans.get((kernel, db))
    if plan is None or plan.connection is not connection:
        compiler = _compiler_from_entry(entry, connection, db, ())
        plan = entry.row_plans[(kernel, db)] = row_plan_for(compiler, db, kernel)
    entry.last_plan = (kernel, connection, plan)
    return plan


def _row_plan(compiler, db, kernel):
    entry = getattr(compiler, "_entry", None)
    if entry is not None:
        return _entry_row_plan(entry, db, compiler.connection, kernel)
    return row_plan_for(compiler, db, kernel)


def one_result(model, results):
    """Return get()'s one object from ``results``, or raise as get() does."""
    num = len(results)
    if num == 1:
        return results[0]
    if not num:
        raise model.DoesNotExist(
            f"{model._meta.object_name} matching query does not exist."
        )
    raise model.MultipleObjectsReturned(
        "get() returned more than one {} -- it returned {}!".format(
            model._meta.object_name,
            num if num < MAX_GET_RESULTS else "more than %s" % (MAX_GET_RESULTS - 1),
        )
    )


def keyed_get_rows(model, using, key, slots, kwargs):
    """Return the rows of a keyed ``get(**kwargs)`` from the shape cache, or None.

    ``key`` and ``slots`` are those of the plain QuerySet get() is called on
    (``()`` and ``()`` for ``model``'s unfiltered rows); the entry looked up
    is the one ``QuerySet._get_results()`` stores for the same call (filter,
    no ordering, LIMIT). None means not cached (or not cacheable): the caller
    takes the general path.
    """
    # _shapes.get_cache() without its call once the cache exists: per query.
    cache = _shapes._CACHES.get(_accel._active["sql"]) or _shapes.get_cache()
    return cache.keyed_rows(
        model,
        using or DEFAULT_DB_ALIAS,
        key,
        _GET_TAIL,
        slots,
        kwargs,
        connections,
        _run_entry,
    )


def _run_entry(entry, params, connection, db) -> list:
    """Run a cached SELECT entry with ``params``; return its model instances."""
    if entry.empty:
        return []
    rows = connection.execute_fetchall(entry.sql, params)
    if entry.klass_info is None:
        return []
    if entry.has_extra_select:
        rows = [row[: entry.col_count] for row in rows]
    # _rowplan.rows_kernel() without its two calls: this runs per query.
    kernel = _accel._active["rows"]
    last = entry.last_plan
    if last is not None and last[0] is kernel and last[1] is connection:
        return kernel.materialize(rows, last[2])
    return kernel.materialize(rows, _entry_row_plan(entry, db, connection, kernel))


class ModelIterable(BaseIterable):
    """Yield a model instance per row."""

    def fetch_all(self) -> list:
        """Return every instance as a list (no per-row generator step)."""
        queryset = self.queryset
        if queryset._known_related_objects:
            return list(self)
        db = queryset.db
        connection = connections[db]
        cached = queryset._cached_select(connection, db)
        if cached is not None:
            # A known shape runs its SQL directly: no compiler is built.
            return _run_entry(cached[0], cached[1], connection, db)
        kernel = _rowplan.rows_kernel()
        compiler = queryset._get_query().get_compiler(db)
        results = compiler.execute_sql()
        if compiler.klass_info is None:
            return []
        plan = row_plan_for(compiler, db, kernel)
        out: list = []
        for rows in results:
            out.extend(kernel.materialize(rows, plan))
        return out

    def __iter__(self):
        queryset = self.queryset
        db = queryset.db
        compiler = queryset._select_compiler(db)
        results = compiler.execute_sql(
            chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size
        )
        if compiler.klass_info is None:
            return
        kernel = _rowplan.rows_kernel()
        plan = _row_plan(compiler, db, kernel)
        known = queryset._known_related_objects
        for rows in results:
            objs = kernel.materialize(rows, plan)
            if known:
                for field, rel_objs in known.items():
                    for obj in objs:
                        if field.is_cached(obj):
                            continue
                        rel_obj = rel_objs.get(getattr(obj, field.attname))
                        if rel_obj is not None:
                            setattr(obj, field.name, rel_obj)
            yield from objs


def _value_names(compiler, queryset):
    names = getattr(compiler, "value_names", None)
    if names is None:
        names = _selected_names(compiler.query)
    return names


class ValuesIterable(BaseIterable):
    """Yield a dict per row."""

    def __iter__(self):
        queryset = self.queryset
        compiler = queryset._select_compiler(queryset.db)
        names = _value_names(compiler, queryset)
        for row in compiler.results_iter(
            chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size
        ):
            yield dict(zip(names, row, strict=False))


class ValuesListIterable(BaseIterable):
    """Yield a tuple per row."""

    def __iter__(self):
        queryset = self.queryset
        compiler = queryset._select_compiler(queryset.db)
        return iter(
            compiler.results_iter(
                tuple_expected=True,
                chunked_fetch=self.chunked_fetch,
                chunk_size=self.chunk_size,
            )
        )


_NAMEDTUPLES: dict = {}


class NamedValuesListIterable(ValuesListIterable):
    """Yield a namedtuple (class ``Row``) per row."""

    def __iter__(self):
        queryset = self.queryset
        compiler = queryset._select_compiler(queryset.db)
        names = tuple(_value_names(compiler, queryset))
        tuple_class = _NAMEDTUPLES.get(names)
        if tuple_class is None:
            tuple_class = _NAMEDTUPLES[names] = namedtuple("Row", names)
        new = tuple.__new__
        for row in compiler.results_iter(
            chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size
        ):
            yield new(tuple_class, row)


class FlatValuesListIterable(BaseIterable):
    """Yield the single selected value of each row."""

    def __iter__(self):
        queryset = self.queryset
        compiler = queryset._select_compiler(queryset.db)
        for row in compiler.results_iter(
            chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size
        ):
            yield row[0]


# -- QuerySet ------------------------------------------------------------------


class QuerySet:
    """A lazy database lookup for a set of objects."""

    # The state every new QuerySet starts with, as class defaults: every
    # Manager call makes a QuerySet, and each attribute assigned in __init__
    # costs more than its later reads through the class. Only immutable
    # values live here; assignments go to the instance as usual.
    _result_cache = None
    _sticky_filter = False
    _for_write = False
    _prefetch_related_lookups = ()
    _prefetch_done = False
    _iterable_class = ModelIterable
    _fields = None
    _defer_next_filter = False
    _deferred_filter = None
    _slots = ()
    _sliced = False

    def __init__(self, model=None, query=None, using=None, hints=None):
        self.model = model
        self._db = using
        self._hints = hints or {}
        self._query = query
        self._known_related_objects = {}
        # Shape-cache state: None when this QuerySet is Query-backed.
        if query is None:
            self._ops = self._key = ()
        else:
            self._ops = self._key = None

    # -- the Query -----------------------------------------------------------

    def _build_query(self):
        query = sql.Query(self.model)
        base = 0
        for apply, args, nvalues, sticky in self._ops:
            # Each step starts like a chained Query: join reuse is per filter()
            # call unless the previous QuerySet was made sticky.
            if not sticky:
                query.used_aliases = set()
            apply(query, args, base)
            base += nvalues
        return query

    def _get_query(self):
        """Return the Query without giving up the shape cache."""
        if self._query is None:
            self._query = self._build_query()
        return self._query

    @property
    def query(self):
        self._get_query()
        # The caller may mutate it: from now on this QuerySet is Query-backed.
        self._ops = self._key = None
        if self._deferred_filter:
            negate, args, kwargs = self._deferred_filter
            self._deferred_filter = None
            self._filter_or_exclude_inplace(negate, args, kwargs)
        return self._query

    @query.setter
    def query(self, value):
        if value.values_select:
            self._iterable_class = ValuesIterable
        self._query = value
        self._ops = self._key = None

    def _is_sliced(self) -> bool:
        if self._key is not None:
            return self._sliced
        return self._get_query().is_sliced

    def as_manager(cls):
        """Return a Manager whose methods include this QuerySet's."""
        from fastdj.db.models.manager import Manager

        manager = Manager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True
    as_manager = classmethod(as_manager)

    # -- Python protocols ----------------------------------------------------

    def __deepcopy__(self, memo):
        obj = self.__class__()
        for k, v in self.__dict__.items():
            if k == "_result_cache":
                obj.__dict__[k] = None
            else:
                obj.__dict__[k] = copy.deepcopy(v, memo)
        return obj

    def __getstate__(self):
        self._fetch_all()
        state = self.__dict__.copy()
        state["_query"] = self._get_query()
        state["_ops"] = state["_key"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        data = list(self[: REPR_OUTPUT_SIZE + 1])
        if len(data) > REPR_OUTPUT_SIZE:
            data[-1] = "...(remaining elements truncated)..."
        return f"<{self.__class__.__name__} {data!r}>"

    def __len__(self):
        self._fetch_all()
        return len(self._result_cache)

    def __iter__(self):
        self._fetch_all()
        return iter(self._result_cache)

    def __bool__(self):
        self._fetch_all()
        return bool(self._result_cache)

    def __getitem__(self, k):
        """Return an item or a sliced QuerySet."""
        if not isinstance(k, (int, slice)):
            raise TypeError(
                f"QuerySet indices must be integers or slices, not {type(k).__name__}."
            )
        if (isinstance(k, int) and k < 0) or (
            isinstance(k, slice)
            and (
                (k.start is not None and k.start < 0)
                or (k.stop is not None and k.stop < 0)
            )
        ):
            raise ValueError("Negative indexing is not supported.")
        if self._result_cache is not None:
            return self._result_cache[k]
        if isinstance(k, slice):
            if k.step not in (None, 1) and (not isinstance(k.step, int) or k.step < 1):
                raise (
                    ValueError("Slice step must be a positive integer.")
                    if isinstance(k.step, int)
                    else TypeError("Slice step must be an integer.")
                )
            start = int(k.start) if k.start is not None else None
            stop = int(k.stop) if k.stop is not None else None
            qs = self._chain_op(("L", start, stop), _apply_slice, (start, stop))
            qs._sliced = True
            return list(qs)[:: k.step] if k.step else qs
        qs = self._chain_op(("L", k, k + 1), _apply_slice, (k, k + 1))
        qs._sliced = True
        qs._fetch_all()
        return qs._result_cache[0]

    def __class_getitem__(cls, *args, **kwargs):
        return cls

    def __and__(self, other):
        self._check_operator_queryset(other, "&")
        self._merge_sanity_check(other)
        if isinstance(other, EmptyQuerySet):
            return other
        if isinstance(self, EmptyQuerySet):
            return self
        combined = self._chain()
        combined._merge_known_related_objects(other)
        combined.query.combine(other.query, sql.AND)
        return combined

    def __or__(self, other):
        self._check_operator_queryset(other, "|")
        self._merge_sanity_check(other)
        if isinstance(self, EmptyQuerySet):
            return other
        if isinstance(other, EmptyQuerySet):
            return self
        combined = self._chain()
        combined._merge_known_related_objects(other)
        combined.query.combine(other.query, sql.OR)
        return combined

    def _check_operator_queryset(self, other, operator_):
        if self._combinator() or other._combinator():
            raise TypeError(f"Cannot use {operator_} operator with combined queryset.")

    def _merge_sanity_check(self, other):
        if self._fields is not None and (
            set(self._get_query().values_select)
            != set(other._get_query().values_select)
        ):
            raise TypeError(
                f"Merging '{self.__class__.__name__}' classes must involve the "
                "same values in each case."
            )

    def _merge_known_related_objects(self, other):
        for field, objects in other._known_related_objects.items():
            self._known_related_objects.setdefault(field, {}).update(objects)

    # -- evaluation ----------------------------------------------------------

    def _cached_select(self, connection, db):
        """Return (entry, params) of this SELECT from the shape cache, or None.

        A shape seen for the first time is compiled and stored; None means
        the QuerySet has no shape key or its shape cannot be cached.
        """
        if self._key is None:
            return None
        # _shapes.sql_kernel() without its two calls: this runs per query.
        kernel = _accel._active["sql"]
        cache = _shapes.get_cache(kernel)
        full_key = (self.model, self._key, "select", connection.vendor)
        entry = cache.get(full_key)
        if entry and entry.tzname is not None:
            entry = _fresh(entry)
        if entry is None:
            query = self._get_query().clone()
            compiler = query.get_compiler(connection=connection)
            compiler.using = db
            entry, params = _record(compiler, len(self._slots))
            cache.put(full_key, entry if entry is not None else False)
            if entry is None:
                return None
            return entry, params
        if entry is False:
            return None
        params = kernel.bind_params(
            entry.plan, entry.consts, entry.fns, self._slots, connection, entry.ints
        )
        return entry, params

    def _select_compiler(self, db):
        """Return a compiler ready to execute this QuerySet's SELECT."""
        connection = connections[db]
        cached = self._cached_select(connection, db)
        if cached is not None:
            return _compiler_from_entry(cached[0], connection, db, cached[1])
        return self._get_query().get_compiler(db)

    def _fetch_all(self):
        if self._result_cache is None:
            rows = None
            if (
                self._iterable_class is ModelIterable
                and self._key is not None
                and not self._known_related_objects
            ):
                # ModelIterable.fetch_all() of a known shape, run by the shape
                # cache itself: no iterable, entry lookup or run_entry frames.
                cache = (
                    _shapes._CACHES.get(_accel._active["sql"]) or _shapes.get_cache()
                )
                rows = cache.select_rows(
                    self.model,
                    self._db or DEFAULT_DB_ALIAS,
                    self._key,
                    self._slots,
                    connections,
                    _run_entry,
                )
            if rows is None:
                iterable = self._iterable_class(self)
                fetch_all = getattr(iterable, "fetch_all", None)
                rows = fetch_all() if fetch_all else list(iterable)
            self._result_cache = rows
        if self._prefetch_related_lookups and not self._prefetch_done:
            self._prefetch_related_objects()

    def _iterator(self, use_chunked_fetch, chunk_size):
        iterable = self._iterable_class(
            self, chunked_fetch=use_chunked_fetch, chunk_size=chunk_size or 2000
        )
        if not self._prefetch_related_lookups or chunk_size is None:
            yield from iterable
            return
        iterator = iter(iterable)
        while results := list(islice(iterator, chunk_size)):
            prefetch_related_objects(results, *self._prefetch_related_lookups)
            yield from results

    def iterator(self, chunk_size=None):
        """Yield results without caching them, fetching ``chunk_size`` at a time."""
        if chunk_size is None:
            if self._prefetch_related_lookups:
                raise ValueError(
                    "chunk_size must be provided when using QuerySet.iterator() after "
                    "prefetch_related()."
                )
        elif chunk_size <= 0:
            raise ValueError("Chunk size must be strictly positive.")
        use_chunked_fetch = True
        return self._iterator(use_chunked_fetch, chunk_size)

    def _scalar(self, mode, build):
        """Run a one-row query (count/exists/aggregate) through the shape cache."""
        db = self.db
        connection = connections[db]
        if self._key is not None and mode is not None:
            cache = _shapes.get_cache()
            full_key = (self.model, self._key, mode, connection.vendor)
            entry = _fresh(cache.get(full_key))
            if entry is None:
                query, extra = build(self._get_query().clone())
                compiler = query.get_compiler(connection=connection, elide_empty=False)
                compiler.using = db
                entry, params = _record(compiler, len(self._slots), extra)
                cache.put(full_key, entry if entry is not None else False)
                if entry is not None:
                    return _compiler_from_entry(
                        entry, connection, db, params, query
                    ), extra
            elif entry is not False:
                params = _shapes.sql_kernel().bind_params(
                    entry.plan,
                    entry.consts,
                    entry.fns,
                    self._slots,
                    connection,
                    entry.ints,
                )
                return _compiler_from_entry(entry, connection, db, params), entry.extra
        query, extra = build(self._get_query().clone())
        return query.get_compiler(db, elide_empty=False), extra

    def aggregate(self, *args, **kwargs):
        """Return a dict of aggregate values over the QuerySet."""
        if self._distinct_fields():
            raise NotImplementedError("aggregate() + distinct(fields) not implemented.")
        self._validate_values_are_expressions(
            (*args, *kwargs.values()), method_name="aggregate"
        )
        for arg in args:
            try:
                kwargs[arg.default_alias] = arg
            except (AttributeError, TypeError):
                raise TypeError("Complex aggregates require an alias") from None
        for alias, annotation in kwargs.items():
            if not getattr(annotation, "contains_aggregate", False):
                raise TypeError(f"{alias} is not an aggregate expression")
        keys = []
        for alias, annotation in kwargs.items():
            key = annotation._shape_key() if hasattr(annotation, "_shape_key") else None
            if key is None:
                keys = None
                break
            keys.append((alias, key))
        mode = ("aggregate", tuple(keys)) if keys is not None else None
        return self._run_aggregation(mode, kwargs)

    def _run_aggregation(self, mode, exprs):
        def build(query):
            agg_query, aggregates, empty = query.build_aggregation(exprs)
            return agg_query, (tuple(aggregates), tuple(aggregates.values()), empty)

        compiler, (names, aggregates, empty) = self._scalar(mode, build)
        try:
            row = compiler.execute_sql("single")
        except EmptyResultSet:
            row = None
        if row is None:
            return dict(empty)
        converters = compiler.get_converters(list(aggregates))
        row = next(compiler.apply_converters((row,), converters))
        return dict(zip(names, row, strict=False))

    def count(self):
        """Return the number of rows (uses the result cache when filled)."""
        if self._result_cache is not None:
            return len(self._result_cache)
        from fastdj.db.models.aggregates import Count

        return self._run_aggregation(("count",), {"__count": Count("*")})["__count"]

    def exists(self):
        """Return True if the QuerySet matches at least one row."""
        if self._result_cache is not None:
            return bool(self._result_cache)

        def build(query):
            return query.exists(), None

        compiler, _ = self._scalar(("exists",), build)
        try:
            return bool(compiler.execute_sql("single"))
        except EmptyResultSet:
            return False

    def contains(self, obj):
        """Return True if ``obj`` is in the QuerySet."""
        if self._fields is not None:
            raise TypeError(
                "Cannot call QuerySet.contains() after .values() or .values_list()."
            )
        try:
            if obj._meta.concrete_model != self.model._meta.concrete_model:
                return False
        except AttributeError:
            raise TypeError("'obj' must be a model instance.") from None
        if obj.pk is None:
            raise ValueError("QuerySet.contains() cannot be used on unsaved objects.")
        if self._result_cache is not None:
            return obj in self._result_cache
        return self.filter(pk=obj.pk).exists()

    def get(self, *args, **kwargs):
        """Return the one object matching the lookups."""
        results = None
        if kwargs and not args:
            results = self._get_from_shape_cache(kwargs)
        if results is None:
            results = self._get_results(args, kwargs)
        return one_result(self.model, results)

    def _get_results(self, args, kwargs) -> list:
        """Return the rows get() counts, fetched through a clone."""
        combinator = self._combinator()
        if combinator and (args or kwargs):
            from fastdj.db.utils import NotSupportedError

            raise NotSupportedError(
                "Calling QuerySet.get(...) with filters after "
                f"{combinator}() is not supported."
            )
        steps = []
        if not combinator:
            step = self._filter_step(False, args, kwargs)
            if step is not None:
                steps.append(step)
        if not self._is_sliced() and not self._distinct_fields():
            steps.append(_GET_UNORDER)
        steps.append(_GET_LIMIT)
        # Evaluated at once: a chain that cannot be built fails right here
        # either way, so it needs no separate validation.
        clone = self._chain_ops(steps, evaluate=True)
        clone._sliced = True
        clone._fetch_all()
        return clone._result_cache

    def _get_from_shape_cache(self, kwargs):
        """Return get(**kwargs)'s rows when its shape is cached, else None.

        The common keyed get() runs its remembered SQL straight from this
        QuerySet's key and the new values: no clone, no iterable, no step
        list. Its key is the one ``_get_results()`` builds for the same
        call (filter, no ordering, LIMIT). Anything else -- a shape seen for
        the first time, prefetching, known related objects, another
        iterable, a slice, DISTINCT ON, time-zone-dependent SQL -- returns
        None and takes the general path.
        """
        if (
            self._key is None
            or self._sliced
            or self._sticky_filter
            or self._iterable_class is not ModelIterable
            or self._prefetch_related_lookups
            or self._known_related_objects
            or self._deferred_filter
            or (self._ops and self._distinct_fields())
        ):
            return None
        return keyed_get_rows(self.model, self._db, self._key, self._slots, kwargs)

    def create(self, **kwargs):
        """Create, save and return an object."""
        reverse_one_to_one_fields = frozenset(kwargs).intersection(
            getattr(self.model._meta, "_reverse_one_to_one_field_names", ())
        )
        if reverse_one_to_one_fields:
            raise ValueError(
                "The following fields do not exist in this model: {}".format(
                    ", ".join(reverse_one_to_one_fields)
                )
            )
        obj = self.model(**kwargs)
        self._for_write = True
        obj.save(force_insert=True, using=self.db)
        return obj

    def _prepare_for_bulk_create(self, objs):
        for obj in objs:
            if obj.pk is None:
                pk = obj._meta.pk
                getter = getattr(pk, "get_pk_value_on_save", None)
                if getter is not None:
                    obj.pk = getter(obj)
            prepare = getattr(obj, "_prepare_related_fields_for_save", None)
            if prepare is not None:
                prepare(operation_name="bulk_create")

    def bulk_create(
        self,
        objs,
        batch_size=None,
        ignore_conflicts=False,
        update_conflicts=False,
        update_fields=None,
        unique_fields=None,
    ):
        """Insert ``objs`` in as few queries as possible; set their primary keys."""
        from fastdj.db import transaction

        if batch_size is not None and batch_size <= 0:
            raise ValueError("Batch size must be a positive integer.")
        if ignore_conflicts and update_conflicts:
            raise ValueError(
                "ignore_conflicts and update_conflicts are mutually exclusive."
            )
        objs = list(objs)
        if not objs:
            return objs
        opts = self.model._meta
        on_conflict = None
        if ignore_conflicts:
            on_conflict = "ignore"
        elif update_conflicts:
            if not update_fields:
                raise ValueError(
                    "Fields that will be updated when a row insertion fails on "
                    "conflicts must be provided."
                )
            on_conflict = "update"
            update_fields = [opts.get_field(n) for n in update_fields]
            unique_fields = [
                opts.pk if n == "pk" else opts.get_field(n)
                for n in (unique_fields or ())
            ]
        fields = [f for f in opts.concrete_fields if not getattr(f, "generated", False)]
        self._for_write = True
        self._prepare_for_bulk_create(objs)
        returning = list(getattr(opts, "db_returning_fields", [opts.pk]))
        with transaction.atomic(using=self.db, savepoint=False):
            with_pk = [o for o in objs if o.pk is not None]
            without_pk = [o for o in objs if o.pk is None]
            if with_pk:
                self._batched_insert(
                    with_pk,
                    fields,
                    batch_size,
                    on_conflict,
                    update_fields,
                    unique_fields,
                )
                for obj in with_pk:
                    obj._state.adding = False
                    obj._state.db = self.db
            if without_pk:
                auto = [f for f in fields if f is not opts.pk]
                rows = self._batched_insert(
                    without_pk,
                    auto,
                    batch_size,
                    on_conflict,
                    update_fields,
                    unique_fields,
                    returning=returning if on_conflict is None else None,
                )
                if on_conflict is None:
                    for obj, row in zip(without_pk, rows, strict=False):
                        for value, field in zip(row, returning, strict=False):
                            setattr(obj, field.attname, value)
                for obj in without_pk:
                    obj._state.adding = False
                    obj._state.db = self.db
        return objs

    def _batched_insert(
        self,
        objs,
        fields,
        batch_size,
        on_conflict=None,
        update_fields=None,
        unique_fields=None,
        returning=None,
    ):
        connection = connections[self.db]
        max_batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
        batch_size = min(batch_size, max_batch) if batch_size else max_batch
        inserted = []
        for start in range(0, len(objs), batch_size):
            item = objs[start : start + batch_size]
            rows = self._insert(
                item,
                fields=fields,
                using=self.db,
                returning_fields=returning,
                on_conflict=on_conflict,
                update_fields=update_fields,
                unique_fields=unique_fields,
            )
            if returning:
                inserted.extend(rows)
        return inserted

    def _insert(
        self,
        objs,
        fields,
        returning_fields=None,
        raw=False,
        using=None,
        on_conflict=None,
        update_fields=None,
        unique_fields=None,
    ):
        """Insert ``objs`` (internal API used by Model.save and bulk_create)."""
        self._for_write = True
        if using is None:
            using = self.db
        query = sql.InsertQuery(
            self.model,
            on_conflict=on_conflict,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )
        query.insert_values(fields, objs, raw=raw)
        return query.get_compiler(using=using).execute_sql(returning_fields)

    _insert.alters_data = True
    _insert.queryset_only = False

    def bulk_update(self, objs, fields, batch_size=None):
        """Update ``fields`` of ``objs`` with one CASE query per batch."""
        if batch_size is not None and batch_size <= 0:
            raise ValueError("Batch size must be a positive integer.")
        if not fields:
            raise ValueError("Field names must be given to bulk_update().")
        objs = tuple(objs)
        if any(obj.pk is None for obj in objs):
            raise ValueError("All bulk_update() objects must have a primary key set.")
        fields = [self.model._meta.get_field(name) for name in fields]
        if any(not f.concrete or f.many_to_many for f in fields):
            raise ValueError("bulk_update() can only be used with concrete fields.")
        if any(f.primary_key for f in fields):
            raise ValueError("bulk_update() cannot be used with primary key fields.")
        if not objs:
            return 0
        for obj in objs:
            prepare = getattr(obj, "_prepare_related_fields_for_save", None)
            if prepare is not None:
                prepare(operation_name="bulk_update", fields=fields)
        # After the preparation, which may set a primary key that is a
        # relation from its related object.
        pks = [obj.pk for obj in objs]
        from fastdj.db import transaction
        from fastdj.db.models._bulk_update import update_batch

        self._for_write = True
        connection = _connections()[self.db]
        max_batch = max(connection.ops.bulk_batch_size(["pk", "pk", *fields], objs), 1)
        batch_size = min(batch_size, max_batch) if batch_size else max_batch
        starts = range(0, len(objs), batch_size)
        if len(starts) == 1:
            # One statement is atomic by itself: no transaction round trips.
            return update_batch(self, fields, objs, pks, connection)
        with transaction.atomic(using=self.db, savepoint=False):
            return sum(
                update_batch(
                    self,
                    fields,
                    objs[i : i + batch_size],
                    pks[i : i + batch_size],
                    connection,
                )
                for i in starts
            )

    bulk_update.alters_data = True

    def get_or_create(self, defaults=None, **kwargs):
        """Return (object, created), creating the object if it does not exist."""
        from fastdj.db import IntegrityError, transaction

        self._for_write = True
        try:
            return self.get(**kwargs), False
        except self.model.DoesNotExist:
            params = self._extract_model_params(defaults, **kwargs)
            try:
                with transaction.atomic(using=self.db):
                    params = {k: v() if callable(v) else v for k, v in params.items()}
                    return self.create(**params), True
            except IntegrityError:
                try:
                    return self.get(**kwargs), False
                except self.model.DoesNotExist:
                    pass
                raise

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        """Update the object matching ``kwargs`` with ``defaults``, or create it."""
        from fastdj.db import transaction

        update_defaults = defaults or {}
        if create_defaults is None:
            create_defaults = update_defaults
        self._for_write = True
        with transaction.atomic(using=self.db):
            obj, created = self.get_or_create(create_defaults, **kwargs)
            if created:
                return obj, created
            for k, v in update_defaults.items():
                setattr(obj, k, v() if callable(v) else v)
            update_fields = set(update_defaults)
            names = getattr(self.model._meta, "_non_pk_concrete_field_names", None)
            if names is not None and names.issuperset(update_fields):
                for field in self.model._meta.local_concrete_fields:
                    if not (
                        field.primary_key
                        or field.__class__.pre_save
                        is type(field).__mro__[-2].__dict__.get("pre_save")
                    ):
                        update_fields.add(field.name)
                        if field.name != field.attname:
                            update_fields.add(field.attname)
                obj.save(using=self.db, update_fields=update_fields)
            else:
                obj.save(using=self.db)
        return obj, False

    def _extract_model_params(self, defaults, **kwargs):
        defaults = defaults or {}
        params = {k: v for k, v in kwargs.items() if LOOKUP_SEP not in k}
        params.update(defaults)
        opts = self.model._meta
        property_names = getattr(opts, "_property_names", frozenset())
        invalid = []
        for param in params:
            try:
                field = opts.get_field(param)
            except FieldDoesNotExist:
                if param not in property_names:
                    invalid.append(param)
                continue
            if getattr(field, "attname", None) == param or field.name == param:
                continue
        if invalid:
            raise FieldError(
                "Invalid field name(s) for model {}: '{}'.".format(
                    opts.object_name, "', '".join(sorted(invalid))
                )
            )
        return params

    def _earliest(self, *fields):
        if fields:
            order_by = fields
        else:
            order_by = getattr(self.model._meta, "get_latest_by", None)
            if order_by and not isinstance(order_by, (tuple, list)):
                order_by = (order_by,)
        if order_by is None:
            raise ValueError(
                "earliest() and latest() require either fields as positional "
                "arguments or 'get_latest_by' in the model's Meta."
            )
        obj = self.order_by(*order_by)
        obj = obj._chain_op(("L", None, 1), _apply_slice, (None, 1))
        obj._sliced = True
        return obj.get()

    def earliest(self, *fields):
        """Return the first object by ``fields`` (or Meta.get_latest_by)."""
        if self._is_sliced():
            raise TypeError("Cannot change a query once a slice has been taken.")
        return self._earliest(*fields)

    def latest(self, *fields):
        """Return the last object by ``fields`` (or Meta.get_latest_by)."""
        if self._is_sliced():
            raise TypeError("Cannot change a query once a slice has been taken.")
        return self.reverse()._earliest(*fields)

    def first(self):
        """Return the first object (by pk if unordered) or None."""
        queryset = self if self.ordered else self.order_by("pk")
        for obj in queryset[:1]:
            return obj
        return None

    def last(self):
        """Return the last object (by pk if unordered) or None."""
        queryset = self.reverse() if self.ordered else self.order_by("-pk")
        for obj in queryset[:1]:
            return obj
        return None

    def in_bulk(self, id_list=None, *, field_name="pk"):
        """Return {field value: object} for ``id_list`` (or every object)."""
        if self._is_sliced():
            raise TypeError("Cannot use 'limit' or 'offset' with in_bulk().")
        opts = self.model._meta
        if field_name != "pk":
            field = opts.get_field(field_name)
            unique_by_constraint = any(
                len(c.fields) == 1 and c.fields[0] == field_name
                for c in getattr(opts, "total_unique_constraints", ())
            )
            if not (field.unique or unique_by_constraint):
                raise ValueError(
                    "in_bulk()'s field_name must be a unique field but "
                    f"{field_name!r} isn't."
                )
        if id_list is not None:
            if not id_list:
                return {}
            id_list = tuple(id_list)
            batch = 900
            if len(id_list) > batch:
                qs = []
                for start in range(0, len(id_list), batch):
                    qs.extend(
                        self.filter(
                            **{f"{field_name}__in": id_list[start : start + batch]}
                        ).order_by()
                    )
            else:
                qs = self.filter(**{f"{field_name}__in": id_list}).order_by()
        else:
            qs = self._chain()
        return {getattr(obj, field_name): obj for obj in qs}

    def delete(self):
        """Delete the records (cascading); return (total, {label: count})."""
        combinator = self._combinator()
        if combinator:
            raise TypeError(
                f"Calling QuerySet.delete() after {combinator}() is not supported."
            )
        if self._is_sliced():
            raise TypeError("Cannot use 'limit' or 'offset' with delete().")
        if self._distinct_fields():
            raise TypeError("Cannot call delete() after .distinct(*fields).")
        if self._fields is not None:
            raise TypeError("Cannot call delete() after .values() or .values_list()")
        from fastdj.db.models.deletion import Collector

        del_query = self._chain()
        del_query._for_write = True
        q = del_query.query
        q.select_for_update = False
        q.select_related = False
        q.clear_ordering(force=True)
        collector = Collector(using=del_query.db, origin=self)
        collector.collect(del_query)
        deleted, per_model = collector.delete()
        self._result_cache = None
        return deleted, per_model

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        """Delete without signals or cascades; return the row count."""
        query = self._get_query().clone()
        query.__class__ = sql.DeleteQuery
        return query.get_compiler(using).execute_sql(ROW_COUNT)

    _raw_delete.alters_data = True

    def update(self, **kwargs):
        """Update every matching row with ``kwargs``; return the row count."""
        from fastdj.db import transaction

        if self._is_sliced():
            raise TypeError("Cannot update a query once a slice has been taken.")
        self._for_write = True
        query = self._get_query().chain(sql.UpdateQuery)
        query.add_update_values(kwargs)
        query.annotations = {}
        with transaction.mark_for_rollback_on_error(using=self.db):
            rows = query.get_compiler(self.db).execute_sql(ROW_COUNT)
        self._result_cache = None
        return rows

    update.alters_data = True

    def _update(self, values):
        """Update with (field, model, value) triples (Model.save's API)."""
        if self._is_sliced():
            raise TypeError("Cannot update a query once a slice has been taken.")
        query = self._get_query().chain(sql.UpdateQuery)
        query.add_update_fields(values)
        query.annotations = {}
        self._result_cache = None
        return query.get_compiler(self.db).execute_sql(ROW_COUNT)

    _update.alters_data = True
    _update.queryset_only = False

    # -- building ------------------------------------------------------------

    def all(self):
        """Return a copy of this QuerySet."""
        return self._chain()

    def none(self):
        """Return an empty QuerySet."""
        clone = self._chain_op(("N",), _apply_none, None)
        return clone

    def filter(self, *args, **kwargs):
        """Return a QuerySet narrowed by the lookups (ANDed)."""
        return self._filter_or_exclude(False, args, kwargs)

    def exclude(self, *args, **kwargs):
        """Return a QuerySet without the rows matching the lookups."""
        return self._filter_or_exclude(True, args, kwargs)

    def _filter_or_exclude(self, negate, args, kwargs):
        step = self._filter_step(negate, args, kwargs)
        if step is None:
            return self._chain()
        return self._chain_op(*step)

    def _filter_step(self, negate, args, kwargs):
        """Return the build step of filter()/exclude(); None without lookups."""
        if (args or kwargs) and self._is_sliced():
            raise TypeError("Cannot filter a query once a slice has been taken.")
        if not args and not kwargs:
            return None
        for arg in args:
            if not isinstance(arg, Q) and not getattr(arg, "conditional", False):
                if hasattr(arg, "resolve_expression"):
                    raise TypeError(
                        "Cannot filter against a non-conditional expression."
                    )
                raise (
                    TypeError(
                        f"'{type(arg).__name__}' object is not a Q object or "
                        "conditional expression."
                    )
                    if not isinstance(arg, (tuple, dict))
                    else FieldError(f"Cannot parse keyword query {arg!r}")
                )
        values: list = []
        key = None
        if self._key is not None:
            kernel = _shapes.sql_kernel()
            if args or _Q_OPTIONS.intersection(kwargs):
                shape = kernel.q_shape(Q(*args, **kwargs), values)
            else:
                shape = kernel.kwargs_shape(kwargs, values)
            if shape is not None:
                key = ("E" if negate else "F", shape)
        # The Q is made when the step is applied (a keyed chain seldom is).
        return key, _apply_filter, (negate, args, kwargs), values

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        q = Q(*args, **kwargs)
        self._query.add_q(~q if negate else q)

    def complex_filter(self, filter_obj):
        """Filter by a Q object or a dict of lookups."""
        if isinstance(filter_obj, Q):
            return self.filter(filter_obj)
        if hasattr(filter_obj, "add_to_query"):
            clone = self._chain()
            filter_obj.add_to_query(clone.query, None)
            return clone
        # A copy: the step keeps its lookups until it is applied.
        return self._filter_or_exclude(False, (), {**filter_obj})

    def _combinator_query(self, combinator, *other_qs, all=False):
        clone = self._chain()
        clone._ops = clone._key = None
        clone._query = self._get_query().chain()
        clone._query.clear_ordering(force=True)
        clone._query.clear_limits()
        clone._query.combined_queries = (self._get_query(),) + tuple(
            qs._get_query() for qs in other_qs
        )
        clone._query.combinator = combinator
        clone._query.combinator_all = all
        return clone

    def union(self, *other_qs, all=False):
        """Return the UNION of this QuerySet with ``other_qs``."""
        if isinstance(self, EmptyQuerySet):
            qs = [q for q in other_qs if not isinstance(q, EmptyQuerySet)]
            if not qs:
                return self
            if len(qs) == 1:
                return qs[0]
            return qs[0]._combinator_query("union", *qs[1:], all=all)
        return self._combinator_query("union", *other_qs, all=all)

    def intersection(self, *other_qs):
        """Return the INTERSECT of this QuerySet with ``other_qs``."""
        if isinstance(self, EmptyQuerySet):
            return self
        for other in other_qs:
            if isinstance(other, EmptyQuerySet):
                return other
        return self._combinator_query("intersection", *other_qs)

    def difference(self, *other_qs):
        """Return this QuerySet EXCEPT ``other_qs``."""
        if isinstance(self, EmptyQuerySet):
            return self
        return self._combinator_query("difference", *other_qs)

    def select_for_update(self, nowait=False, skip_locked=False, of=(), no_key=False):
        """Lock the selected rows until the end of the transaction."""
        if nowait and skip_locked:
            raise ValueError("The nowait option cannot be used with skip_locked.")
        if of:
            raise NotImplementedError("select_for_update(of=...) is not supported.")
        obj = self._chain_op(
            ("U", nowait, skip_locked, no_key),
            _apply_for_update,
            (nowait, skip_locked, no_key),
        )
        obj._for_write = True
        return obj

    def raw(self, raw_query, params=(), translations=None, using=None):
        """Return a RawQuerySet of this model for ``raw_query``."""
        return RawQuerySet(
            raw_query,
            model=self.model,
            params=params,
            translations=translations,
            using=using or self._db,
        )

    def select_related(self, *fields):
        """Follow foreign keys in the same query."""
        if self._fields is not None:
            raise TypeError(
                "Cannot call select_related() after .values() or .values_list()"
            )
        if not all(isinstance(f, str) for f in fields) and fields != (None,):
            raise TypeError("select_related() arguments must be field names.")
        return self._chain_op(("R", fields), _apply_select_related, fields)

    def prefetch_related(self, *lookups):
        """Fetch the related objects of ``lookups`` in one query each."""
        clone = self._chain()
        if lookups == (None,):
            clone._prefetch_related_lookups = ()
        else:
            for lookup in lookups:
                if isinstance(lookup, Prefetch):
                    lookup = lookup.prefetch_to
                lookup = lookup.split(LOOKUP_SEP, 1)[0]
            clone._prefetch_related_lookups = clone._prefetch_related_lookups + lookups
        return clone

    def annotate(self, *args, **kwargs):
        """Add an expression (aggregate or not) to each object."""
        return self._annotate(args, kwargs, select=True)

    def alias(self, *args, **kwargs):
        """Add a filterable expression that is not selected."""
        return self._annotate(args, kwargs, select=False)

    def _annotate(self, args, kwargs, select=True):
        self._validate_values_are_expressions(
            args + tuple(kwargs.values()), method_name="annotate"
        )
        annotations = {}
        for arg in args:
            try:
                alias = arg.default_alias
            except (AttributeError, TypeError):
                raise TypeError("Complex annotations require an alias") from None
            if alias in kwargs:
                raise ValueError(
                    f"The named annotation '{alias}' conflicts with the default "
                    "name for "
                    "another annotation."
                )
            annotations[alias] = arg
        annotations.update(kwargs)
        names = self._fields
        if names is None:
            names = set(
                chain.from_iterable(
                    (field.name, field.attname)
                    if hasattr(field, "attname")
                    else (field.name,)
                    for field in self.model._meta.get_fields()
                )
            )
        for alias in annotations:
            if alias in names:
                raise ValueError(
                    f"The annotation '{alias}' conflicts with a field on the model."
                )
            sql.query.check_alias(alias)
        keys = []
        for alias, annotation in annotations.items():
            key = annotation._shape_key() if hasattr(annotation, "_shape_key") else None
            if key is None:
                keys = None
                break
            keys.append((alias, key))
        group_by_mode = self._fields is not None
        op_key = ("A", select, group_by_mode, tuple(keys)) if keys is not None else None
        return self._chain_op(
            op_key, _apply_annotate, (annotations, select, group_by_mode)
        )

    def order_by(self, *field_names):
        """Return a QuerySet ordered by ``field_names``."""
        if self._is_sliced():
            raise TypeError("Cannot reorder a query once a slice has been taken.")
        keys = []
        for name in field_names:
            if isinstance(name, str):
                keys.append(name)
            else:
                key = name._shape_key() if hasattr(name, "_shape_key") else None
                if key is None:
                    keys = None
                    break
                keys.append(key)
        op_key = ("O", tuple(keys)) if keys is not None else None
        return self._chain_op(op_key, _apply_order_by, field_names)

    def distinct(self, *field_names):
        """Return a QuerySet with SELECT DISTINCT [ON (field_names)]."""
        if self._is_sliced():
            raise TypeError(
                "Cannot create distinct fields once a slice has been taken."
            )
        if not all(isinstance(f, str) for f in field_names):
            raise TypeError("distinct() arguments must be field names.")
        return self._chain_op(("D", field_names), _apply_distinct, field_names)

    def extra(self, *args, **kwargs):
        raise NotImplementedError("QuerySet.extra() is not supported by fastdj.")

    def reverse(self):
        """Return a QuerySet in the opposite order."""
        if self._is_sliced():
            raise TypeError("Cannot reverse a query once a slice has been taken.")
        return self._chain_op(("REV",), _apply_reverse, None)

    def defer(self, *fields):
        """Do not load ``fields`` until they are accessed."""
        if self._fields is not None:
            raise TypeError("Cannot call defer() after .values() or .values_list()")
        if not all(isinstance(f, str) for f in fields) and fields != (None,):
            raise TypeError("defer() arguments must be field names.")
        return self._chain_op(("Y", fields), _apply_defer, fields)

    def only(self, *fields):
        """Load only ``fields`` (and the primary key) now."""
        if self._fields is not None:
            raise TypeError("Cannot call only() after .values() or .values_list()")
        if fields == (None,):
            raise TypeError("Cannot pass None as an argument to only().")
        if not all(isinstance(f, str) for f in fields):
            raise TypeError("only() arguments must be field names.")
        return self._chain_op(("Z", fields), _apply_only, fields)

    def using(self, alias):
        """Return a QuerySet that runs on database ``alias``."""
        clone = self._chain()
        clone._db = alias
        return clone

    def _values(self, *fields, **expressions):
        clone = self._chain()
        if expressions:
            clone = clone.annotate(**expressions)
        clone._fields = fields
        for name in fields:
            if not isinstance(name, str):
                raise TypeError("values() field names must be strings.")
            # Selected names double as column aliases (CVE-2022-28346).
            sql.query.check_alias(name)
        return clone._chain_op(("V", clone._fields), _apply_values, clone._fields)

    def values(self, *fields, **expressions):
        """Return dicts instead of model instances."""
        fields += tuple(expressions)
        clone = self._values(*fields, **expressions)
        clone._iterable_class = ValuesIterable
        return clone

    def values_list(self, *fields, flat=False, named=False):
        """Return tuples (or single values with flat=True) instead of instances."""
        if flat and named:
            raise TypeError("'flat' and 'named' can't be used together.")
        if flat and len(fields) > 1:
            raise TypeError(
                "'flat' is not valid when values_list is called with more than one "
                "field."
            )
        field_names = {f for f in fields if not hasattr(f, "resolve_expression")}
        _fields = []
        expressions = {}
        counter = 1
        for field in fields:
            if hasattr(field, "resolve_expression"):
                field_id_prefix = getattr(
                    field, "default_alias", field.__class__.__name__.lower()
                )
                while True:
                    field_id = field_id_prefix + str(counter)
                    counter += 1
                    if field_id not in field_names:
                        break
                expressions[field_id] = field
                _fields.append(field_id)
            else:
                _fields.append(field)
        clone = self._values(*_fields, **expressions)
        clone._iterable_class = (
            NamedValuesListIterable
            if named
            else FlatValuesListIterable
            if flat
            else ValuesListIterable
        )
        return clone

    # -- state ---------------------------------------------------------------

    @property
    def ordered(self) -> bool:
        """Return True if the QuerySet has an ORDER BY (explicit or Meta)."""
        if isinstance(self, EmptyQuerySet):
            return True
        query = self._get_query()
        if query.order_by:
            return True
        if (
            query.default_ordering
            and query.get_meta().ordering
            and query.group_by is None
        ):
            return True
        return False

    @property
    def db(self) -> str:
        """Return the database alias this QuerySet uses."""
        return self._db or DEFAULT_DB_ALIAS

    def _chain(self):
        obj = self._clone()
        if obj._sticky_filter:
            if obj._key is None and obj._query is not None:
                obj._query.filter_is_sticky = True
            obj._sticky_filter = False
        return obj

    def _clone(self):
        c = self.__class__.__new__(self.__class__)
        c.model = self.model
        c._db = self._db
        c._hints = self._hints
        c._query = (
            self._query.chain()
            if (self._query is not None and self._key is None)
            else self._query
        )
        c._result_cache = None
        c._sticky_filter = self._sticky_filter
        c._for_write = self._for_write
        c._prefetch_related_lookups = self._prefetch_related_lookups[:]
        c._prefetch_done = False
        c._known_related_objects = self._known_related_objects
        c._iterable_class = self._iterable_class
        c._fields = self._fields
        c._defer_next_filter = False
        c._deferred_filter = None
        c._ops = self._ops
        c._key = self._key
        c._slots = self._slots
        c._sliced = self._sliced
        return c

    def _chain_op(self, key, apply, args, values=()):
        """Return a clone with one more build step (keyed when ``key`` is set)."""
        clone = self._chain()
        if key is not None and self._key is not None:
            sticky = self._sticky_filter
            base = len(self._slots)
            new_key = self._key + ((key, "sticky") if sticky else key,)
            clone._ops = self._ops + ((apply, args, len(values), sticky),)
            clone._key = new_key
            clone._slots = self._slots + tuple(values)
            marker = (self.model, new_key)
            if marker in _VALIDATED:
                clone._query = None
                return clone
            previous = self._get_query()
            query = previous.chain()
            query.used_aliases = set(previous.used_aliases) if sticky else set()
            apply(query, args, base)
            clone._query = query
            if len(_VALIDATED) > _VALIDATED_MAX:
                _VALIDATED.clear()
            _VALIDATED.add(marker)
            return clone
        query = (
            self._get_query().chain() if clone._query is self._query else clone._query
        )
        if query is None:
            query = self._get_query().chain()
        apply(query, args, None)
        clone._query = query
        clone._ops = clone._key = None
        clone._slots = ()
        return clone

    def _chain_ops(self, steps, evaluate=False):
        """Return a clone with several build steps, copying this QuerySet once.

        ``steps`` are ``_chain_op()``'s arguments. A keyed chain whose result
        was validated before, or that the caller evaluates at once
        (``evaluate``), needs no step applied; anything else goes through
        ``_chain_op()`` step by step.
        """
        if self._key is not None:
            key, ops, slots = self._key, self._ops, self._slots
            sticky = self._sticky_filter
            for op_key, apply, args, values in steps:
                if op_key is None:
                    break
                key += ((op_key, "sticky") if sticky else op_key,)
                ops += ((apply, args, len(values), sticky),)
                slots += tuple(values)
                sticky = False
            else:
                if evaluate or (self.model, key) in _VALIDATED:
                    clone = self._chain()
                    clone._key, clone._ops, clone._slots = key, ops, slots
                    clone._query = None
                    return clone
        if not steps:
            return self._chain()
        clone = self
        for step in steps:
            clone = clone._chain_op(*step)
        return clone

    def _combinator(self):
        # A keyed QuerySet has none: union() and its kin give up the key.
        if self._key is not None:
            return None
        return self._get_query().combinator

    def _distinct_fields(self):
        if self._key is None:
            return self._get_query().distinct_fields
        for apply, args, _, _ in reversed(self._ops):
            if apply is _apply_distinct:
                return args
        return ()

    def _next_is_sticky(self):
        self._sticky_filter = True
        return self

    def _add_hints(self, **hints):
        self._hints.update(hints)

    def _has_filters(self):
        return bool(self._get_query().where)

    @staticmethod
    def _validate_values_are_expressions(values, method_name):
        invalid_args = sorted(
            str(arg) for arg in values if not hasattr(arg, "resolve_expression")
        )
        if invalid_args:
            raise TypeError(
                "QuerySet.{}() received non-expression(s): {}.".format(
                    method_name, ", ".join(invalid_args)
                )
            )

    def resolve_expression(self, *args, **kwargs):
        """Return this QuerySet's Query resolved as a subquery."""
        if self._fields and len(self._fields) > 1:
            raise TypeError("Cannot use multi-field values as a filter value.")
        query = self._get_query().resolve_expression(*args, **kwargs)
        query._db = self._db
        return query

    resolve_expression.queryset_only = True

    def _prefetch_related_objects(self):
        prefetch_related_objects(self._result_cache, *self._prefetch_related_lookups)
        self._prefetch_done = True

    def explain(self, *, format=None, **options):
        raise NotImplementedError("explain() is not supported by fastdj.")


class InstanceCheckMeta(type):
    def __instancecheck__(self, instance):
        return isinstance(instance, QuerySet) and instance._get_query().is_empty()


class EmptyQuerySet(metaclass=InstanceCheckMeta):
    """Marker: ``isinstance(qs, EmptyQuerySet)`` is True for ``qs.none()``."""

    def __init__(self, *args, **kwargs):
        raise TypeError("EmptyQuerySet can't be instantiated")


class RawQuerySet:
    """The objects built from a raw SQL query."""

    def __init__(
        self,
        raw_query,
        model=None,
        query=None,
        params=(),
        translations=None,
        using=None,
        hints=None,
    ):
        self.raw_query = raw_query
        self.model = model
        self._db = using
        self._hints = hints or {}
        self.query = query or sql.RawQuery(sql=raw_query, using=self.db, params=params)
        self.params = params
        self.translations = translations or {}
        self._result_cache = None

    @property
    def db(self):
        return self._db or DEFAULT_DB_ALIAS

    def __iter__(self):
        if self._result_cache is None:
            self._result_cache = list(self.iterator())
        return iter(self._result_cache)

    def __len__(self):
        return len(list(iter(self)))

    def iterator(self):
        query = self.query.chain(self.db)
        cursor_rows = iter(query)
        columns = [self.translations.get(c, c) for c in query.get_columns()]
        opts = self.model._meta
        names = {f.attname: f for f in opts.concrete_fields}
        names.update({f.column: f for f in opts.concrete_fields})
        model_cols = [
            (i, names[c].attname) for i, c in enumerate(columns) if c in names
        ]
        extra = [(i, c) for i, c in enumerate(columns) if c not in names]
        for row in cursor_rows:
            obj = self.model.from_db(
                self.db, [n for _, n in model_cols], [row[i] for i, _ in model_cols]
            )
            for i, c in extra:
                setattr(obj, c, row[i])
            yield obj


class Prefetch:
    """A prefetch_related() lookup with an optional queryset and target attribute."""

    def __init__(self, lookup, queryset=None, to_attr=None):
        self.prefetch_through = lookup
        self.prefetch_to = lookup
        if queryset is not None and (
            isinstance(queryset, RawQuerySet)
            or (
                hasattr(queryset, "_iterable_class")
                and not issubclass(queryset._iterable_class, ModelIterable)
            )
        ):
            raise ValueError(
                "Prefetch querysets cannot use raw(), values(), and values_list()."
            )
        if to_attr:
            self.prefetch_to = LOOKUP_SEP.join(
                lookup.split(LOOKUP_SEP)[:-1] + [to_attr]
            )
        self.queryset = queryset
        self.to_attr = to_attr

    def __getstate__(self):
        obj_dict = self.__dict__.copy()
        if self.queryset is not None:
            queryset = self.queryset._chain()
            queryset._result_cache = []
            queryset._prefetch_done = True
            obj_dict["queryset"] = queryset
        return obj_dict

    def add_prefix(self, prefix):
        self.prefetch_through = prefix + LOOKUP_SEP + self.prefetch_through
        self.prefetch_to = prefix + LOOKUP_SEP + self.prefetch_to

    def get_current_prefetch_to(self, level):
        return LOOKUP_SEP.join(self.prefetch_to.split(LOOKUP_SEP)[: level + 1])

    def get_current_to_attr(self, level):
        parts = self.prefetch_to.split(LOOKUP_SEP)
        to_attr = parts[level]
        as_attr = self.to_attr and level == len(parts) - 1
        return to_attr, as_attr

    def get_current_querysets(self, level):
        if (
            self.get_current_prefetch_to(level) == self.prefetch_to
            and self.queryset is not None
        ):
            return [self.queryset]
        return None

    def __eq__(self, other):
        if not isinstance(other, Prefetch):
            return NotImplemented
        return self.prefetch_to == other.prefetch_to

    def __hash__(self):
        return hash((self.__class__, self.prefetch_to))


def normalize_prefetch_lookups(lookups, prefix=None):
    ret = []
    for lookup in lookups:
        if not isinstance(lookup, Prefetch):
            lookup = Prefetch(lookup)
        if prefix:
            lookup.add_prefix(prefix)
        ret.append(lookup)
    return ret


def prefetch_related_objects(model_instances, *related_lookups):
    """Populate prefetched caches of ``model_instances`` for ``related_lookups``."""
    if not model_instances:
        return
    done_queries = {}
    auto_lookups = set()
    followed_descriptors = set()
    all_lookups = normalize_prefetch_lookups(reversed(related_lookups))
    while all_lookups:
        lookup = all_lookups.pop()
        if lookup.prefetch_to in done_queries:
            if lookup.queryset is not None:
                raise ValueError(
                    f"'{lookup.prefetch_to}' lookup was already seen with a "
                    "different queryset. "
                    "You may need to adjust the ordering of your lookups."
                )
            continue
        obj_list = model_instances
        through_attrs = lookup.prefetch_through.split(LOOKUP_SEP)
        for level, through_attr in enumerate(through_attrs):
            if not obj_list:
                break
            prefetch_to = lookup.get_current_prefetch_to(level)
            if prefetch_to in done_queries:
                obj_list = done_queries[prefetch_to]
                continue
            good_objects = True
            for obj in obj_list:
                if not hasattr(obj, "_prefetched_objects_cache"):
                    try:
                        obj._prefetched_objects_cache = {}
                    except (AttributeError, TypeError):
                        good_objects = False
                        break
            if not good_objects:
                break
            first_obj = obj_list[0]
            to_attr = lookup.get_current_to_attr(level)[0]
            prefetcher, descriptor, attr_found, is_fetched = get_prefetcher(
                first_obj, through_attr, to_attr
            )
            if not attr_found:
                raise AttributeError(
                    f"Cannot find '{through_attr}' on "
                    f"{first_obj.__class__.__name__} object, "
                    f"'{lookup.prefetch_through}' is an invalid parameter to "
                    "prefetch_related()"
                )
            if level == len(through_attrs) - 1 and prefetcher is None:
                raise ValueError(
                    f"'{lookup.prefetch_through}' does not resolve to an item that "
                    "supports prefetching - this "
                    "is an invalid parameter to prefetch_related()."
                )
            obj_to_fetch = None
            if prefetcher is not None:
                obj_to_fetch = [obj for obj in obj_list if not is_fetched(obj)]
            if obj_to_fetch:
                obj_list, additional_lookups = prefetch_one_level(
                    obj_to_fetch, prefetcher, lookup, level
                )
                if not (
                    prefetch_to in done_queries
                    and lookup in auto_lookups
                    and descriptor in followed_descriptors
                ):
                    done_queries[prefetch_to] = obj_list
                    new_lookups = normalize_prefetch_lookups(
                        reversed(additional_lookups), prefetch_to
                    )
                    auto_lookups.update(new_lookups)
                    all_lookups.extend(new_lookups)
                followed_descriptors.add(descriptor)
            else:
                new_obj_list = []
                for obj in obj_list:
                    if through_attr in getattr(obj, "_prefetched_objects_cache", ()):
                        new_obj = list(obj._prefetched_objects_cache.get(through_attr))
                    else:
                        try:
                            new_obj = getattr(obj, through_attr)
                        except exceptions.ObjectDoesNotExist:
                            continue
                    if new_obj is None:
                        continue
                    if isinstance(new_obj, list):
                        new_obj_list.extend(new_obj)
                    else:
                        new_obj_list.append(new_obj)
                obj_list = new_obj_list


def get_prefetcher(instance, through_attr, to_attr):
    """Return (prefetcher, descriptor, attr_found, is_fetched) for an attribute."""

    def is_to_attr_fetched(model, to_attr):
        def in_prefetched_cache(instance):
            return to_attr in instance._prefetched_objects_cache or (
                to_attr in instance.__dict__
            )

        return in_prefetched_cache

    def has_cached_value(descriptor):
        field = getattr(descriptor, "field", None) or getattr(
            descriptor, "related", None
        )
        if field is not None and hasattr(field, "is_cached"):
            return field.is_cached
        return lambda instance: False

    prefetcher = None
    is_fetched = is_to_attr_fetched(instance.__class__, to_attr)
    rel_obj_descriptor = getattr(instance.__class__, through_attr, None)
    if rel_obj_descriptor is None:
        attr_found = hasattr(instance, through_attr)
    else:
        attr_found = True
        if rel_obj_descriptor:
            if hasattr(rel_obj_descriptor, "get_prefetch_querysets"):
                prefetcher = rel_obj_descriptor
                is_fetched = has_cached_value(rel_obj_descriptor)
            else:
                rel_obj = getattr(instance, through_attr)
                if hasattr(rel_obj, "get_prefetch_querysets"):
                    prefetcher = rel_obj
                if through_attr != to_attr:
                    is_fetched = is_to_attr_fetched(instance.__class__, to_attr)
    return prefetcher, rel_obj_descriptor, attr_found, is_fetched


def prefetch_one_level(instances, prefetcher, lookup, level):
    """Run one prefetch query and attach its results to ``instances``."""
    (
        rel_qs,
        rel_obj_attr,
        instance_attr,
        single,
        cache_name,
        is_descriptor,
    ) = prefetcher.get_prefetch_querysets(
        instances, lookup.get_current_querysets(level)
    )
    additional_lookups = [
        copy.copy(additional_lookup)
        for additional_lookup in getattr(rel_qs, "_prefetch_related_lookups", ())
    ]
    if additional_lookups:
        rel_qs._prefetch_related_lookups = ()
    all_related_objects = list(rel_qs)
    rel_obj_cache = {}
    for rel_obj in all_related_objects:
        rel_attr_val = rel_obj_attr(rel_obj)
        rel_obj_cache.setdefault(rel_attr_val, []).append(rel_obj)
    to_attr, as_attr = lookup.get_current_to_attr(level)
    if as_attr and instances:
        model = instances[0].__class__
        try:
            model._meta.get_field(to_attr)
        except FieldDoesNotExist:
            pass
        else:
            raise ValueError(
                f"to_attr={to_attr} conflicts with a field on the {model.__name__} "
                "model."
            )
    leaf = len(lookup.prefetch_through.split(LOOKUP_SEP)) - 1 == level
    for obj in instances:
        instance_attr_val = instance_attr(obj)
        vals = rel_obj_cache.get(instance_attr_val, [])
        if single:
            val = vals[0] if vals else None
            if as_attr:
                setattr(obj, to_attr, val)
            elif is_descriptor:
                setattr(obj, cache_name, val)
            else:
                obj._state.fields_cache[cache_name] = val
        else:
            if as_attr:
                setattr(obj, to_attr, vals)
            else:
                manager = getattr(obj, to_attr)
                if leaf and lookup.queryset is not None:
                    qs = manager._apply_rel_filters(lookup.queryset)
                else:
                    qs = manager.get_queryset()
                qs._result_cache = vals
                qs._prefetch_done = True
                obj._prefetched_objects_cache[cache_name] = qs
    return all_related_objects, additional_lookups
