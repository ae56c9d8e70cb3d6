"""SQL compilation kernel (pure reference): query shapes, parameter plans, cache.

This module is the specification of the "sql" kernel; its Cython twin is
``fastdj._speedups.sql_compile``. Both export the same ``__all__``.

- :func:`q_shape` reduces a Q tree to a hashable *shape key* -- connectors,
  negations, lookup names, value types and expression structure, never the
  values -- and appends the plain values ("slots") to ``out`` in walk order.
  It returns None when the tree cannot be keyed (subquery values, expressions
  without a shape, sequences mixing types or holding None).
- :func:`value_key` does the same for one ``(name, value)`` child, and
  :func:`kwargs_shape` for the ``Q(**kwargs)`` of ``filter(**kwargs)``
  without building the Q.
- :func:`make_plan` turns the params of a recorded compilation (where slot
  parameters are SlotParam placeholders) into a parameter plan.
- :func:`bind_params` rebuilds the params of a cached shape from new values.
- :class:`ShapeCache` maps shape keys to compiled entries (bounded, FIFO);
  its ``keyed_params()`` is the whole cache hit of a keyed ``get()``: shape
  key, lookup and the entry's params for new values, in one call.

A value's SQL can depend on more than its type in two places, both kept in the
key: ``None`` (``IS NULL``) and the operand of ``__isnull``. A sequence's length
is in the key (``IN (%s, %s)``).
"""

from __future__ import annotations

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

# Types whose values are always bound as parameters, never inlined.
_PLAIN = frozenset(
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
_SEQUENCES = frozenset({list, tuple, set, frozenset, range})


def _plain_or_model(tp) -> bool:
    if tp in _PLAIN:
        return True
    # A saved model instance stands for its key; the model class is in the key.
    return hasattr(tp, "_meta") and hasattr(tp, "_do_insert")


def value_key(name, value, out):
    """Return the shape key of the filter child ``(name, value)`` or None.

    A value bound as parameter is appended to ``out`` (it becomes a slot).
    """
    if type(name) is not str:
        raise TypeError("Filter keywords must be strings.")
    tp = type(value)
    if tp in _PLAIN:
        if name.endswith("__isnull"):
            return ("=", tp, value)
        out.append(value)
        return tp
    if value is None:
        return "NULL"
    if tp in _SEQUENCES:
        if name.endswith("__isnull"):
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


def kwargs_shape(kwargs, out):
    """Return the shape key of ``Q(**kwargs)`` (values appended to ``out``) or None.

    The same key as ``q_shape(Q(**kwargs), out)``: Q sorts its keyword
    children by name.
    """
    parts = []
    for name, value in sorted(kwargs.items()):
        key = value_key(name, value, out)
        if key is None:
            return None
        parts.append((name, key))
    return ("AND", False, tuple(parts))


def q_shape(q, out):
    """Return the shape key of Q tree ``q`` (values appended to ``out``) or None."""
    parts = []
    for child in q.children:
        if type(child) is tuple and len(child) == 2 and type(child[0]) is str:
            key = value_key(child[0], child[1], out)
            if key is None:
                return None
            parts.append((child[0], key))
        elif hasattr(child, "children") and hasattr(child, "connector"):
            key = q_shape(child, out)
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


def make_plan(params, slot_param_class):
    """Return (plan, consts) for recorded ``params``.

    ``plan`` has one (slot, position) pair per parameter: slot -1 means
    ``consts[position]``; otherwise it is parameter ``position`` of the values
    bound for that slot.
    """
    plan = []
    consts = []
    for param in params:
        if type(param) is slot_param_class:
            plan.append((param.slot, param.pos))
        else:
            plan.append((-1, len(consts)))
            consts.append(param)
    return tuple(plan), tuple(consts)


def bind_params(plan, consts, fns, values, connection, ints=()):
    """Return the params of a cached shape for ``values`` (one per slot).

    A true ``ints[i]`` says slot ``i``'s lookup binds an exact int unchanged
    as its one parameter, so such a value skips the call to ``fns[i]``.
    """
    bound = []
    for i, (fn, value) in enumerate(zip(fns, values, strict=False)):
        if i < len(ints) and ints[i] and type(value) is int:
            bound.append((value,))
        else:
            bound.append(fn(value, connection))
    params = []
    for slot, pos in plan:
        if slot < 0:
            params.append(consts[pos])
        else:
            params.append(bound[slot][pos])
    return tuple(params)


class ShapeCache:
    """A bounded map from shape keys to compiled entries (oldest evicted first)."""

    __slots__ = ("_data", "maxsize", "hits", "misses")

    def __init__(self, maxsize: int = 2048):
        if maxsize <= 0:
            raise ValueError("maxsize must be positive")
        self._data: dict = {}
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    def get(self, key):
        """Return the entry stored for ``key`` or None."""
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def keyed_params(self, model, head, tail, slots, kwargs, vendor, connection):
        """Return (entry, params) of ``filter(**kwargs)`` on a cached shape, else None.

        The key is ``(model, head + (("F", shape),) + tail, "select", vendor)``
        with the shape of ``kwargs``; the values are ``slots`` and then the
        values of ``kwargs``. A ready entry is compiled (not stored as
        uncacheable) and not tied to a time zone. A hit is counted; a miss is
        not, because the caller then takes the general path, whose ``get()``
        counts it.
        """
        values = list(slots)
        shape = kwargs_shape(kwargs, values)
        if shape is None:
            return None
        entry = self._data.get((model, (*head, ("F", shape), *tail), "select", vendor))
        if not entry or entry.tzname is not None:
            return None
        self.hits += 1
        params = bind_params(
            entry.plan, entry.consts, entry.fns, tuple(values), connection, entry.ints
        )
        return entry, params

    def keyed_rows(self, model, db, head, tail, slots, kwargs, connections, run_entry):
        """Return the rows of ``filter(**kwargs)`` run as a cached shape, else None.

        What ``keyed_params()`` finds, with the vendor and connection of
        ``connections[db]``, is run by ``run_entry(entry, params, connection,
        db)``. None (no cached shape, or a ``_connector``/``_negated`` keyword
        that makes ``kwargs`` more than lookups) sends the caller down the
        general path.
        """
        if "_connector" in kwargs or "_negated" in kwargs:
            return None
        connection = connections[db]
        hit = self.keyed_params(
            model, head, tail, slots, kwargs, connection.vendor, connection
        )
        if hit is None:
            return None
        return run_entry(hit[0], hit[1], connection, db)

    def select_rows(self, model, db, key, slots, connections, run_entry):
        """Return the instances of a cached SELECT of shape ``key``, else None.

        The entry stored for ``model``'s SELECT of shape ``key`` on the vendor
        of ``connections[db]`` is bound with ``slots`` and run by
        ``run_entry(entry, params, connection, db)``. None (no entry, one known
        not to be cacheable, or one compiled for a time zone) sends the caller
        down the general path, which stores the shape.
        """
        connection = connections[db]
        entry = self._data.get((model, key, "select", connection.vendor))
        if not entry or entry.tzname is not None:
            return None
        self.hits += 1
        params = bind_params(
            entry.plan, entry.consts, entry.fns, slots, connection, entry.ints
        )
        return run_entry(entry, params, connection, db)

    def put(self, key, entry) -> None:
        """Store ``entry`` for ``key``, evicting the oldest entry when full."""
        data = self._data
        if key not in data and len(data) >= self.maxsize:
            del data[next(iter(data))]
        data[key] = entry

    def clear(self) -> None:
        """Forget every entry."""
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data
