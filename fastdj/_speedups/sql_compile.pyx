# cython: language_level=3
"""SQL compilation kernel (Cython twin of fastdj.db.models.sql._compile).

Same names, signatures, results and exceptions as the pure module, which is
the specification: query shape keys, parameter plans, the shape cache.
"""

cimport cython
from cpython.dict cimport PyDict_Next
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM

import datetime
import decimal
import uuid

__all__ = [
    "KERNEL_VERSION",
    "ShapeCache",
    "bind_params",
    "kwargs_shape",
    "make_plan",
    "q_shape",
    "value_key",
]

KERNEL_VERSION = 5

cdef frozenset _PLAIN = frozenset(
    {
        int,
        str,
        float,
        bool,
        bytes,
        decimal.Decimal,
        datetime.date,
        datetime.datetime,
        datetime.time,
        datetime.timedelta,
        uuid.UUID,
    }
)
cdef frozenset _SEQUENCES = frozenset({list, tuple, set, frozenset, range})
cdef str _ISNULL = "__isnull"


cdef inline bint _is_plain(object tp):
    # The common types first: a pointer compare beats a set lookup.
    if tp is int or tp is str:
        return True
    return tp in _PLAIN


cdef bint _plain_or_model(object tp):
    if _is_plain(tp):
        return True
    return hasattr(tp, "_meta") and hasattr(tp, "_do_insert")


cdef object _value_key(str name, object value, list out):
    cdef object tp = type(value)
    cdef object first
    cdef object item
    cdef object shape
    cdef object key
    cdef Py_ssize_t n
    if _is_plain(tp):
        if name.endswith(_ISNULL):
            return ("=", tp, value)
        out.append(value)
        return tp
    if value is None:
        return "NULL"
    if tp in _SEQUENCES:
        if name.endswith(_ISNULL):
            return None
        n = len(value)
        if n == 0:
            out.append(value)
            return (tp, 0)
        first = None
        for item in value:
            if first is None:
                first = type(item)
                if not _plain_or_model(first):
                    return None
            elif type(item) is not first:
                return None
        out.append(value)
        return (tp, n, first)
    shape = getattr(value, "_shape_key", None)
    if shape is not None:
        if isinstance(value, type):
            return None
        key = shape()
        if key is None:
            return None
        return ("X", key)
    if _plain_or_model(tp) and not isinstance(value, type):
        out.append(value)
        return tp
    return None


cpdef object value_key(object name, object value, list out):
    """Return the shape key of the filter child ``(name, value)`` or None."""
    if type(name) is not str:
        raise TypeError("Filter keywords must be strings.")
    return _value_key(<str>name, value, out)


cdef str _AND = "AND"


cpdef object kwargs_shape(dict kwargs, list out):
    """Return the shape key of ``Q(**kwargs)`` (values appended to ``out``) or None."""
    cdef list names = sorted(kwargs)
    cdef Py_ssize_t n = len(names)
    cdef list items = [None] * n
    cdef Py_ssize_t i
    cdef object name
    cdef object key
    for i in range(n):
        name = names[i]
        if type(name) is not str:
            raise TypeError("Filter keywords must be strings.")
        key = _value_key(<str>name, kwargs[name], out)
        if key is None:
            return None
        items[i] = (name, key)
    return (_AND, False, tuple(items))


cdef object _q_shape(object q, list out):
    cdef list children = q.children
    cdef list parts = []
    cdef object child
    cdef object key
    cdef object shape
    cdef object name
    for child in children:
        if type(child) is tuple and len(<tuple>child) == 2:
            name = (<tuple>child)[0]
            if type(name) is str:
                key = _value_key(<str>name, (<tuple>child)[1], out)
                if key is None:
                    return None
                parts.append((name, key))
                continue
        if hasattr(child, "children") and hasattr(child, "connector"):
            key = _q_shape(child, out)
            if key is None:
                return None
            parts.append(key)
        else:
            shape = getattr(child, "_shape_key", None)
            if shape is None or isinstance(child, type):
                return None
            key = shape()
            if key is None:
                return None
            parts.append(("X", key))
    return (q.connector, q.negated, tuple(parts))


cpdef object q_shape(object q, list out):
    """Return the shape key of Q tree ``q`` (values appended to ``out``) or None."""
    return _q_shape(q, out)


cpdef tuple make_plan(object params, object slot_param_class):
    """Return (plan, consts) for recorded ``params``."""
    cdef list plan = []
    cdef list consts = []
    cdef object param
    for param in params:
        if type(param) is slot_param_class:
            plan.append((param.slot, param.pos))
        else:
            plan.append((-1, len(consts)))
            consts.append(param)
    return tuple(plan), tuple(consts)


cpdef tuple bind_params(tuple plan, tuple consts, tuple fns, tuple values, object connection, tuple ints=()):
    """Return the params of a cached shape for ``values`` (one per slot)."""
    cdef Py_ssize_t nslots = min(len(fns), len(values))
    cdef Py_ssize_t nints = len(ints)
    cdef Py_ssize_t nplan = len(plan)
    cdef list bound = [None] * nslots
    cdef Py_ssize_t i
    cdef Py_ssize_t slot
    cdef Py_ssize_t pos
    cdef tuple step
    cdef object value
    cdef object got
    cdef tuple params
    for i in range(nslots):
        value = values[i]
        # None in ``bound`` marks an int that binds as itself: no call, no list.
        if type(value) is int and i < nints and ints[i]:
            continue
        bound[i] = fns[i](value, connection)
    params = PyTuple_New(nplan)
    for i in range(nplan):
        step = <tuple>plan[i]
        slot = step[0]
        pos = step[1]
        if slot < 0:
            got = consts[pos]
        else:
            got = bound[slot]
            got = values[slot] if got is None else got[pos]
        Py_INCREF(got)
        PyTuple_SET_ITEM(params, i, got)
    return params


cdef tuple _flat_key(object model, dict kwargs, object vendor):
    # A one-level key for keyword filters on a model's unfiltered rows whose
    # every value is a plain scalar: its items compare by identity, where the
    # nested shape key costs a hash and a deep comparison on every lookup.
    # Names stay in call order (no sort).
    cdef Py_ssize_t n = len(kwargs)
    cdef tuple flat = PyTuple_New(2 + 2 * n)
    cdef Py_ssize_t i = 2
    cdef object name
    cdef object value
    cdef object tp
    Py_INCREF(model)
    PyTuple_SET_ITEM(flat, 0, model)
    Py_INCREF(vendor)
    PyTuple_SET_ITEM(flat, 1, vendor)
    for name, value in kwargs.items():
        tp = type(value)
        if type(name) is not str or not _is_plain(tp) or (<str>name).endswith(_ISNULL):
            return None
        Py_INCREF(name)
        PyTuple_SET_ITEM(flat, i, name)
        Py_INCREF(tp)
        PyTuple_SET_ITEM(flat, i + 1, tp)
        i += 2
    return flat


cdef str _CONNECTOR = "_connector"
cdef str _NEGATED = "_negated"
cdef str _ROWS = "rows"
cdef str _SELECT = "select"
cdef dict _kernels = None


cdef dict _active_kernels():
    # fastdj._accel's active kernel per hot path; imported on first use, since
    # _accel imports this module.
    global _kernels
    if _kernels is None:
        from fastdj import _accel

        _kernels = _accel._active
    return _kernels


cdef object _run_direct(object entry, str sql, object params, object connection, object db, object run_entry):
    # run_entry()'s common case without its Python frame, for an entry whose
    # rows need no trimming: the rows kernel and connection of its last row
    # plan are still the ones in use.
    cdef tuple last
    plan = entry.last_plan
    if type(plan) is tuple and len(<tuple>plan) == 3:
        last = <tuple>plan
        kernel = last[0]
        if last[1] is connection and kernel is _active_kernels()[_ROWS]:
            rows = connection.execute_fetchall(sql, params)
            return kernel.materialize(rows, last[2])
    return run_entry(entry, params, connection, db)


cdef object _connection(object connections, object db):
    # connections[db] without ConnectionHandler.__getitem__'s Python frame
    # when the thread already has the connection (its first step).
    try:
        return getattr(connections._local, db)
    except AttributeError:
        return connections[db]


@cython.final
cdef class _Keyed:
    # What a flat key leads to: the entry, its binding plan unpacked, the tail
    # it was found with and the order of the kwargs' values (None: as given).
    cdef object entry
    cdef object tail
    cdef tuple plan
    cdef tuple consts
    cdef tuple fns
    cdef tuple ints
    cdef tuple perm
    # The entry's SQL, and whether its rows need no trimming (not empty, a
    # model to build, no extra select): fixed when the entry is recorded.
    cdef object sql
    cdef bint direct

    cdef tuple params(self, dict kwargs, object connection):
        return bind_params(
            self.plan, self.consts, self.fns, self.values(kwargs), connection, self.ints
        )

    cdef tuple values(self, dict kwargs):
        cdef tuple given = PyTuple_New(len(kwargs))
        cdef Py_ssize_t pos = 0
        cdef Py_ssize_t i = 0
        cdef PyObject *key
        cdef PyObject *value
        while PyDict_Next(kwargs, &pos, &key, &value):
            Py_INCREF(<object>value)
            PyTuple_SET_ITEM(given, i, <object>value)
            i += 1
        if self.perm is None:
            return given
        return tuple([given[i] for i in self.perm])


cdef class ShapeCache:
    """A bounded map from shape keys to compiled entries (oldest evicted first)."""

    cdef dict _data
    # Flat keys of keyed filters on unfiltered rows -> _Keyed.
    cdef dict _flat
    cdef public Py_ssize_t maxsize
    cdef public Py_ssize_t hits
    cdef public Py_ssize_t misses

    def __init__(self, Py_ssize_t maxsize=2048):
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        self._data = {}
        self._flat = {}
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    cpdef object get(self, object key):
        """Return the entry stored for ``key`` or None."""
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    cpdef object keyed_params(self, object model, tuple head, tuple tail, tuple slots, dict kwargs, object vendor, object connection):
        """Return (entry, params) of ``filter(**kwargs)`` on a cached shape, else None."""
        cdef tuple flat = None
        cdef _Keyed known
        if not head and not slots:
            flat = _flat_key(model, kwargs, vendor)
        if flat is not None:
            known = self._known(flat, tail)
            if known is not None:
                return known.entry, known.params(kwargs, connection)
        return self._shaped_params(model, head, tail, slots, kwargs, vendor, connection, flat)

    cdef object _shaped_params(self, object model, tuple head, tuple tail, tuple slots, dict kwargs, object vendor, object connection, tuple flat):
        # keyed_params() past its flat key (None: the call has none), which
        # it remembers when the shape is found.
        cdef _Keyed known
        cdef list values
        cdef list names
        cdef list ordered
        values = list(slots)
        shape = kwargs_shape(kwargs, values)
        if shape is None:
            return None
        entry = self._data.get((model, head + (("F", shape),) + tail, "select", vendor))
        if not entry or entry.tzname is not None:
            return None
        self.hits += 1
        if flat is not None:
            known = _Keyed.__new__(_Keyed)
            known.entry = entry
            known.tail = tail
            known.plan = entry.plan
            known.consts = entry.consts
            known.fns = entry.fns
            known.ints = entry.ints
            known.sql = entry.sql
            known.direct = (
                not entry.empty
                and entry.klass_info is not None
                and not entry.has_extra_select
                and type(entry.sql) is str
            )
            names = list(kwargs)
            ordered = sorted(names)
            known.perm = None
            if names != ordered:
                known.perm = tuple([names.index(name) for name in ordered])
            if len(self._flat) >= self.maxsize:
                self._flat.clear()
            self._flat[flat] = known
        return entry, bind_params(
            entry.plan, entry.consts, entry.fns, tuple(values), connection, entry.ints
        )

    cpdef object keyed_rows(self, object model, object db, tuple head, tuple tail, tuple slots, dict kwargs, object connections, object run_entry):
        """Return the rows of ``filter(**kwargs)`` run as a cached shape, else None."""
        cdef tuple flat = None
        cdef _Keyed known = None
        if _CONNECTOR in kwargs or _NEGATED in kwargs:
            return None
        connection = _connection(connections, db)
        vendor = connection.vendor
        if not head and not slots:
            flat = _flat_key(model, kwargs, vendor)
            if flat is not None:
                known = self._known(flat, tail)
        if known is None:
            hit = self._shaped_params(
                model, head, tail, slots, kwargs, vendor, connection, flat
            )
            if hit is None:
                return None
            return run_entry((<tuple>hit)[0], (<tuple>hit)[1], connection, db)
        entry = known.entry
        params = known.params(kwargs, connection)
        if known.direct:
            return _run_direct(entry, known.sql, params, connection, db, run_entry)
        return run_entry(entry, params, connection, db)

    cpdef object select_rows(self, object model, object db, tuple key, tuple slots, object connections, object run_entry):
        """Return the instances of a cached SELECT of shape ``key``, else None."""
        connection = _connection(connections, db)
        entry = self._data.get((model, key, _SELECT, connection.vendor))
        if not entry or entry.tzname is not None:
            return None
        self.hits += 1
        params = bind_params(
            entry.plan, entry.consts, entry.fns, slots, connection, entry.ints
        )
        # The entry's ``direct`` (see _Keyed), asked of the entry itself; a
        # row plan exists only for an entry with rows to build (klass_info).
        sql = entry.sql
        if type(sql) is str and not entry.empty and not entry.has_extra_select:
            return _run_direct(entry, sql, params, connection, db, run_entry)
        return run_entry(entry, params, connection, db)

    cdef _Keyed _known(self, tuple flat, tuple tail):
        """Return the _Keyed remembered for ``flat`` with ``tail`` (a hit), or None."""
        cdef _Keyed known = self._flat.get(flat)
        if known is not None and known.tail is tail:
            self.hits += 1
            return known
        return None

    cpdef put(self, object key, object entry):
        """Store ``entry`` for ``key``, evicting the oldest entry when full."""
        cdef dict data = self._data
        if key in data:
            # The flat keys may lead to the entry being replaced.
            self._flat.clear()
        elif len(data) >= self.maxsize:
            del data[next(iter(data))]
        data[key] = entry

    cpdef clear(self):
        """Forget every entry."""
        self._data.clear()
        self._flat.clear()

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data
