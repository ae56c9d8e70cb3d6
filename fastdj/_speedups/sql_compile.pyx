# cython: language_level=3
"""SQL compilation kernel (Cython twin of fastdj.db.models.sql._compile).

Same names, signatures, results and exceptions as the pure module, which is
the specification: query shape keys, parameter plans, the shape cache.
"""

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

KERNEL_VERSION = 2

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


cpdef tuple bind_params(tuple plan, tuple consts, tuple fns, tuple values, object connection):
    """Return the params of a cached shape for ``values`` (one per slot)."""
    cdef Py_ssize_t nslots = min(len(fns), len(values))
    cdef Py_ssize_t nplan = len(plan)
    cdef list bound = [None] * nslots
    cdef Py_ssize_t i
    cdef Py_ssize_t slot
    cdef Py_ssize_t pos
    cdef tuple step
    cdef list params
    for i in range(nslots):
        bound[i] = fns[i](values[i], connection)
    params = [None] * nplan
    for i in range(nplan):
        step = <tuple>plan[i]
        slot = step[0]
        pos = step[1]
        if slot < 0:
            params[i] = consts[pos]
        else:
            params[i] = bound[slot][pos]
    return tuple(params)


cdef class ShapeCache:
    """A bounded map from shape keys to compiled entries (oldest evicted first)."""

    cdef dict _data
    cdef public Py_ssize_t maxsize
    cdef public Py_ssize_t hits
    cdef public Py_ssize_t misses

    def __init__(self, Py_ssize_t maxsize=2048):
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        self._data = {}
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

    cpdef object cached_params(self, object key, tuple values, object connection):
        """Return (entry, params) of a ready entry for ``key``, else None."""
        entry = self._data.get(key)
        if not entry or entry.tzname is not None:
            return None
        self.hits += 1
        return entry, bind_params(entry.plan, entry.consts, entry.fns, values, connection)

    cpdef put(self, object key, object entry):
        """Store ``entry`` for ``key``, evicting the oldest entry when full."""
        cdef dict data = self._data
        if key not in data and len(data) >= self.maxsize:
            del data[next(iter(data))]
        data[key] = entry

    cpdef clear(self):
        """Forget every entry."""
        self._data.clear()

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data
