# cython: language_level=3
"""Cython twin of fastdj.db.models._rows: database rows -> model instances.

Same API and behaviour as the pure module (the specification); here a RowPlan
is a cdef class and the per-row loop creates instances with tp_new and sets
their ``__dict__`` directly: a presized dict filled by a typed C loop, the
state object a bare allocation (its db/adding live on the per-database state
class), and the model's own columns converted inside that dict, so the row is
copied only when a related model's or an annotation's column needs a converter.
"""

from cpython.dict cimport PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

cdef extern from *:
    """
    static PyObject *fastdj_rows_new_instance(PyObject *cls, PyObject *args) {
        return ((PyTypeObject *)cls)->tp_new((PyTypeObject *)cls, args, NULL);
    }
    """
    object fastdj_rows_new_instance(object cls, object args)

cdef extern from "Python.h":
    int PyObject_GenericSetDict(object o, object value, void *context) except -1
    dict _PyDict_NewPresized(Py_ssize_t minused)

__all__ = ["KERNEL_VERSION", "RowPlan", "materialize"]

KERNEL_VERSION = 1

cdef tuple _EMPTY = ()


cdef object _setter_cache_name(object setter):
    if setter is None:
        return None
    owner = getattr(setter, "__self__", None)
    if getattr(setter, "__name__", "") == "set_cached_value" and owner is not None:
        return owner.cache_name
    return None


cdef class RowPlan:
    """How the rows of one query shape become instances of ``model``."""

    cdef readonly object model
    cdef readonly tuple attnames
    cdef readonly Py_ssize_t start
    cdef readonly Py_ssize_t end
    cdef readonly object db
    cdef readonly object connection
    cdef readonly tuple converters
    cdef readonly tuple related
    cdef readonly tuple annotations
    cdef readonly Py_ssize_t pk_index
    cdef readonly Py_ssize_t width
    cdef readonly object local_setter
    cdef readonly object remote_setter
    cdef readonly object local_cache_name
    cdef readonly object remote_cache_name
    cdef readonly bint fast
    cdef readonly object state_cls
    cdef readonly object pre_init
    cdef readonly object post_init
    # Converters of the model's own columns, as (attname, convs, expression):
    # on the fast path they rewrite the new instance's dict in place, so the
    # row needs no copy; _other_convs (columns of related models,
    # annotations) still go through a converted copy of the row.
    cdef tuple _own_convs
    cdef tuple _other_convs
    # Per materialize() call: the signal-dependent choices.
    cdef bint _use_fast
    cdef bint _send_post_init

    def __init__(
        self,
        model,
        attnames,
        start,
        db,
        connection=None,
        converters=(),
        related=(),
        annotations=(),
        pk_index=-1,
        local_setter=None,
        remote_setter=None,
    ):
        from fastdj.db.models import signals
        from fastdj.db.models.base import Model, loaded_state_class

        self.model = model
        self.attnames = tuple(attnames)
        self.start = int(start)
        self.end = self.start + len(self.attnames)
        self.db = db
        self.connection = connection
        self.converters = tuple(
            (int(pos), tuple(convs), expr) for pos, convs, expr in converters
        )
        self.related = tuple(related)
        for plan in self.related:
            if not isinstance(plan, RowPlan):
                raise TypeError("related plans must be RowPlan instances")
        self.annotations = tuple((str(n), int(p)) for n, p in annotations)
        self.pk_index = int(pk_index)
        for plan in self.related:
            if plan.pk_index < 0:
                raise ValueError("a related plan needs the row index of its pk")
        widths = [self.end, self.pk_index + 1]
        widths.extend([plan.width for plan in self.related])
        self.width = max(widths)
        self.local_setter = local_setter
        self.remote_setter = remote_setter
        self.local_cache_name = _setter_cache_name(local_setter)
        self.remote_cache_name = _setter_cache_name(remote_setter)
        self.fast = (
            model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__
            and not any(
                isinstance(getattr(model, name, None), property)
                or hasattr(getattr(model, name, None), "__set__")
                for name, _ in self.annotations
            )
        )
        self.state_cls = loaded_state_class(db)
        own, other = [], []
        for pos, convs, expr in self.converters:
            if self.start <= pos < self.end:
                own.append((self.attnames[pos - self.start], convs, expr))
            else:
                other.append((pos, convs, expr))
        self._own_convs = tuple(own)
        self._other_convs = tuple(other)
        self.pre_init = signals.pre_init
        self.post_init = signals.post_init

    def __repr__(self):
        return (
            f"<RowPlan {self.model.__name__} cols {self.start}:{self.end} "
            f"related={len(self.related)}>"
        )

    cdef void _prepare(self) except *:
        cdef RowPlan sub
        self._use_fast = self.fast and not self.pre_init.has_listeners(self.model)
        self._send_post_init = bool(self.post_init.has_listeners(self.model))
        for sub in self.related:
            sub._prepare()

    cdef object _build(self, object row, bint is_tuple, bint top=False):
        cdef dict data
        cdef Py_ssize_t i, n = self.end - self.start
        cdef object obj, value
        if not self._use_fast:
            return self.model.from_db(self.db, self.attnames, row[self.start:self.end])
        data = _PyDict_NewPresized(n + 1)
        if is_tuple:
            for i in range(n):
                value = <object>PyTuple_GET_ITEM(row, self.start + i)
                PyDict_SetItem(data, <object>PyTuple_GET_ITEM(self.attnames, i), value)
        else:
            for i in range(n):
                value = <object>PyList_GET_ITEM(row, self.start + i)
                PyDict_SetItem(data, <object>PyTuple_GET_ITEM(self.attnames, i), value)
        PyDict_SetItem(data, "_state", fastdj_rows_new_instance(self.state_cls, _EMPTY))
        obj = fastdj_rows_new_instance(self.model, _EMPTY)
        if top and self._own_convs:
            _convert_dict(data, self._own_convs, self.connection)
        PyObject_GenericSetDict(obj, data, NULL)
        if self._send_post_init:
            self.post_init.send(sender=self.model, instance=obj)
        return obj

    cdef void _populate_related(self, object row, bint is_tuple, object from_obj) except *:
        cdef RowPlan sub
        cdef object obj, pk
        for sub in self.related:
            if is_tuple:
                pk = <object>PyTuple_GET_ITEM(row, sub.pk_index)
            else:
                pk = <object>PyList_GET_ITEM(row, sub.pk_index)
            if pk is None:
                obj = None
            else:
                obj = sub._build(row, is_tuple)
                if sub.related:
                    sub._populate_related(row, is_tuple, obj)
            if sub.local_cache_name is not None:
                from_obj._state.fields_cache[sub.local_cache_name] = obj
            elif sub.local_setter is not None:
                sub.local_setter(from_obj, obj)
            if obj is not None:
                if sub.remote_cache_name is not None:
                    obj._state.fields_cache[sub.remote_cache_name] = from_obj
                elif sub.remote_setter is not None:
                    sub.remote_setter(obj, from_obj)


cdef object _convert(object row, tuple converters, object connection):
    cdef list out = list(row)
    cdef tuple entry, convs
    cdef Py_ssize_t pos
    cdef object value, expression, conv
    for entry in converters:
        pos = entry[0]
        convs = entry[1]
        expression = entry[2]
        value = out[pos]
        for conv in convs:
            value = conv(value, expression, connection)
        out[pos] = value
    return out


cdef void _convert_dict(dict data, tuple converters, object connection) except *:
    cdef tuple entry, convs
    cdef object name, value, expression, conv
    for entry in converters:
        name = <object>PyTuple_GET_ITEM(entry, 0)
        convs = <tuple>PyTuple_GET_ITEM(entry, 1)
        expression = <object>PyTuple_GET_ITEM(entry, 2)
        value = data[name]
        for conv in convs:
            value = conv(value, expression, connection)
        PyDict_SetItem(data, name, value)


def materialize(rows, plan):
    """Return the model instances built from ``rows`` following ``plan``."""
    if not isinstance(plan, RowPlan):
        raise TypeError(f"plan must be a RowPlan, not {type(plan).__name__}")
    cdef RowPlan p = <RowPlan>plan
    p._prepare()
    cdef list result = []
    cdef tuple annotations = p.annotations
    # The fast path converts the model's own columns in the instance dict.
    cdef tuple converters = p._other_convs if p._use_fast else p.converters
    cdef bint has_conv = len(converters) > 0
    cdef bint has_related = len(p.related) > 0
    cdef bint has_ann = len(annotations) > 0
    cdef bint is_tuple
    cdef object row, obj
    cdef tuple ann
    for row in rows:
        if has_conv:
            row = _convert(row, converters, p.connection)
        is_tuple = type(row) is tuple
        if not is_tuple and type(row) is not list:
            row = tuple(row)
            is_tuple = True
        if p.width > (PyTuple_GET_SIZE(row) if is_tuple else PyList_GET_SIZE(row)):
            raise IndexError("row has fewer columns than the plan expects")
        obj = p._build(row, is_tuple, True)
        if has_related:
            p._populate_related(row, is_tuple, obj)
        if has_ann:
            for ann in annotations:
                setattr(obj, ann[0], row[ann[1]])
        result.append(obj)
    return result
