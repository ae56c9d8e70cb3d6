# cython: language_level=3
"""Cython twin of fastdj.db.models._rows: database rows -> model instances.

Same API and behaviour as the pure module (the specification); here a RowPlan
is a cdef class and the per-row loop creates instances with tp_new and sets
their ``__dict__`` directly: a presized dict filled by a typed C loop, the
state object a bare allocation (its db/adding live on the per-database state
class), and the model's own columns converted inside that dict, so the row is
copied only when a related model's or an annotation's column needs a converter.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.datetime cimport date_new, datetime_new, import_datetime, time_new
from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.object cimport PyObject
from cpython.ref cimport Py_TYPE
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

import inspect

cdef extern from *:
    """
    static PyObject *fastdj_rows_new_instance(PyObject *cls, PyObject *args) {
        return ((PyTypeObject *)cls)->tp_new((PyTypeObject *)cls, args, NULL);
    }
    """
    object fastdj_rows_new_instance(object cls, object args)

cdef extern from "Python.h":
    int PyObject_GenericSetDict(object o, object value, void *context) except -1
    int PyObject_GenericSetAttr(object o, object name, object value) except -1
    dict _PyDict_NewPresized(Py_ssize_t minused)

__all__ = [
    "KERNEL_VERSION",
    "ManagerDescriptor",
    "RowPlan",
    "materialize",
    "date_from_bytes",
    "datetime_from_bytes",
    "time_from_bytes",
]

KERNEL_VERSION = 2

import_datetime()


include "_version_tag.pxi"


cdef class ManagerDescriptor:
    """Give the manager on the model class; refuse access through instances.

    The answer for the last model class asked is kept with that class's
    version tag and its metaclass's: CPython renews a tag whenever the class,
    a base or the metaclass changes, and a model's managers change only with
    its class (a manager is set on the class as Options.add_manager runs).
    """

    cdef public object manager
    cdef object last_cls
    cdef object last_manager
    cdef unsigned int tag
    cdef unsigned int meta_tag

    def __init__(self, manager):
        self.manager = manager

    def __get__(self, instance, cls):
        cdef unsigned int tag, meta_tag
        if instance is not None:
            raise AttributeError(
                f"Manager isn't accessible via {cls.__name__} instances"
            )
        if (
            cls is self.last_cls
            and self.tag != 0
            and _version_tag(cls) == self.tag
            and _version_tag(type(cls)) == self.meta_tag
        ):
            return self.last_manager
        tag = _version_tag(cls) if isinstance(cls, type) else 0
        meta_tag = _version_tag(type(cls)) if tag != 0 else 0
        meta = cls._meta
        if meta.abstract:
            raise AttributeError(
                f"Manager isn't available; {meta.object_name} is abstract"
            )
        manager = meta.managers_map[self.manager.name]
        self.last_cls = None
        if (
            tag != 0
            and meta_tag != 0
            and _version_tag(cls) == tag
            and _version_tag(type(cls)) == meta_tag
        ):
            self.last_cls = cls
            self.last_manager = manager
            self.tag = tag
            self.meta_tag = meta_tag
        return manager

cdef object _pure_module = None


cdef object _pure():
    # The reference module, imported on first need: importing it at module
    # load would start the import of fastdj.db.models from inside _accel's
    # selection of this twin.
    global _pure_module
    if _pure_module is None:
        from fastdj.db.models import _rows
        _pure_module = _rows
    return _pure_module


# -- column parsers ---------------------------------------------------------
# The canonical spellings the backends store (YYYY-MM-DD, HH:MM:SS[.ffffff],
# and the two joined by " " or "T") are read by C code; anything else, and
# any value the C constructors reject, goes to the pure functions (the
# specification), so both give the same answer for every input.

cdef inline int _digits(const unsigned char *s, Py_ssize_t n) noexcept:
    # Return the value of n ASCII digits at s, or -1.
    cdef int out = 0
    cdef Py_ssize_t i
    for i in range(n):
        if s[i] < 48 or s[i] > 57:
            return -1
        out = out * 10 + (s[i] - 48)
    return out


cdef inline bint _read_date(const unsigned char *s, int *y, int *m, int *d) noexcept:
    if s[4] != 45 or s[7] != 45:
        return False
    y[0] = _digits(s, 4)
    m[0] = _digits(s + 5, 2)
    d[0] = _digits(s + 8, 2)
    if y[0] < 1 or m[0] < 1 or m[0] > 12 or d[0] < 1:
        return False
    if d[0] <= 28:
        return True
    if m[0] == 2:
        return d[0] == 29 and y[0] % 4 == 0 and (y[0] % 100 != 0 or y[0] % 400 == 0)
    if m[0] == 4 or m[0] == 6 or m[0] == 9 or m[0] == 11:
        return d[0] <= 30
    return d[0] <= 31


cdef inline bint _read_time(
    const unsigned char *s, Py_ssize_t n, int *hh, int *mm, int *ss, int *us
) noexcept:
    # n is 8 (HH:MM:SS) or 15 (HH:MM:SS.ffffff).
    if s[2] != 58 or s[5] != 58:
        return False
    hh[0] = _digits(s, 2)
    mm[0] = _digits(s + 3, 2)
    ss[0] = _digits(s + 6, 2)
    if n == 15:
        if s[8] != 46:
            return False
        us[0] = _digits(s + 9, 6)
    else:
        us[0] = 0
    return (
        hh[0] >= 0 and hh[0] <= 23 and mm[0] >= 0 and mm[0] <= 59
        and ss[0] >= 0 and ss[0] <= 59 and us[0] >= 0
    )


def date_from_bytes(value):
    """Return the date in ISO text ``value`` (bytes), or None if it has none."""
    cdef int y, m, d
    cdef const unsigned char *s
    if type(value) is bytes and PyBytes_GET_SIZE(value) == 10:
        s = <const unsigned char *>PyBytes_AS_STRING(value)
        if _read_date(s, &y, &m, &d):
            return date_new(y, m, d)
    return _pure().date_from_bytes(value)


def datetime_from_bytes(value):
    """Return the datetime in ISO text ``value`` (bytes), or None if invalid."""
    cdef int y, m, d, hh, mm, ss, us
    cdef const unsigned char *s
    cdef Py_ssize_t n
    if type(value) is bytes:
        n = PyBytes_GET_SIZE(value)
        if n == 19 or n == 26:
            s = <const unsigned char *>PyBytes_AS_STRING(value)
            if (
                (s[10] == 32 or s[10] == 84)
                and _read_date(s, &y, &m, &d)
                and _read_time(s + 11, n - 11, &hh, &mm, &ss, &us)
            ):
                return datetime_new(y, m, d, hh, mm, ss, us, None)
    return _pure().datetime_from_bytes(value)


def time_from_bytes(value):
    """Return the time in ISO text ``value`` (bytes), or None if invalid."""
    cdef int hh, mm, ss, us
    cdef const unsigned char *s
    cdef Py_ssize_t n
    if type(value) is bytes:
        n = PyBytes_GET_SIZE(value)
        if n == 8 or n == 15:
            s = <const unsigned char *>PyBytes_AS_STRING(value)
            if _read_time(s, n, &hh, &mm, &ss, &us):
                return time_new(hh, mm, ss, us, None)
    return _pure().time_from_bytes(value)

cdef tuple _EMPTY = ()


cdef object _setter_cache_name(object setter):
    if setter is None:
        return None
    owner = getattr(setter, "__self__", None)
    if getattr(setter, "__name__", "") == "set_cached_value" and owner is not None:
        return owner.cache_name
    return None


cdef object _passthrough(object conv):
    types = getattr(conv, "passthrough_types", None)
    if types is None:
        return None
    types = tuple(types)
    if not all(isinstance(t, type) for t in types):
        raise TypeError("passthrough_types must be a tuple of types")
    return types


cdef inline bint _passes(object value, object skip):
    # True when ``value``'s exact type is in the converter's passthrough types.
    cdef Py_ssize_t i
    cdef PyObject *tp
    if skip is None:
        return False
    tp = <PyObject *>Py_TYPE(value)
    for i in range(PyTuple_GET_SIZE(skip)):
        if PyTuple_GET_ITEM(skip, i) == tp:
            return True
    return False


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
    # All converters as (pos, ((conv, passthrough types or None), ...), expr).
    cdef tuple _all_convs
    # Per materialize() call: the signal-dependent choices.
    cdef bint _use_fast
    cdef bint _send_post_init
    # Plain attributes (no data descriptor, no converter of their own): set
    # one by one into the instance's inline values (3.11+ shared-key layout),
    # which costs less than building a dict and swapping it in.
    cdef bint _by_attr

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
        self._by_attr = not any(
            hasattr(type(inspect.getattr_static(model, name, None)), "__set__")
            for name in (*self.attnames, "_state")
        )
        own, other, every = [], [], []
        for pos, convs, expr in self.converters:
            steps = tuple([(conv, _passthrough(conv)) for conv in convs])
            every.append((pos, steps, expr))
            if self.start <= pos < self.end:
                own.append((self.attnames[pos - self.start], steps, expr))
            else:
                other.append((pos, steps, expr))
        self._own_convs = tuple(own)
        self._other_convs = tuple(other)
        self._all_convs = tuple(every)
        self.pre_init = signals.pre_init
        self.post_init = signals.post_init

    def __repr__(self):
        return (
            f"<RowPlan {self.model.__name__} cols {self.start}:{self.end} "
            f"related={len(self.related)}>"
        )

    cdef void _prepare(self) except *:
        cdef RowPlan sub
        # A signal without receivers has none for this model: skip the lookup.
        self._use_fast = self.fast and not (
            self.pre_init.receivers and self.pre_init.has_listeners(self.model)
        )
        self._send_post_init = bool(
            self.post_init.receivers and self.post_init.has_listeners(self.model)
        )
        for sub in self.related:
            sub._prepare()

    cdef object _build(self, object row, bint is_tuple, bint top=False):
        cdef dict data
        cdef Py_ssize_t i, n = self.end - self.start
        cdef object obj, value
        if not self._use_fast:
            return self.model.from_db(self.db, self.attnames, row[self.start:self.end])
        if self._by_attr and not (top and self._own_convs):
            obj = fastdj_rows_new_instance(self.model, _EMPTY)
            for i in range(n):
                if is_tuple:
                    value = <object>PyTuple_GET_ITEM(row, self.start + i)
                else:
                    value = <object>PyList_GET_ITEM(row, self.start + i)
                PyObject_GenericSetAttr(obj, <object>PyTuple_GET_ITEM(self.attnames, i), value)
            PyObject_GenericSetAttr(obj, "_state", fastdj_rows_new_instance(self.state_cls, _EMPTY))
            if self._send_post_init:
                self.post_init.send(sender=self.model, instance=obj)
            return obj
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
    # Copy the row only when a converter changed a value.
    cdef list out = None
    cdef tuple entry, convs, step
    cdef Py_ssize_t pos, i
    cdef object value, original, expression
    for entry in converters:
        pos = <object>PyTuple_GET_ITEM(entry, 0)
        convs = <tuple>PyTuple_GET_ITEM(entry, 1)
        expression = <object>PyTuple_GET_ITEM(entry, 2)
        value = original = row[pos]
        for i in range(PyTuple_GET_SIZE(convs)):
            step = <tuple>PyTuple_GET_ITEM(convs, i)
            if not _passes(value, <object>PyTuple_GET_ITEM(step, 1)):
                value = (<object>PyTuple_GET_ITEM(step, 0))(value, expression, connection)
        if value is not original:
            if out is None:
                out = list(row)
            out[pos] = value
    return row if out is None else out


cdef void _convert_dict(dict data, tuple converters, object connection) except *:
    cdef tuple entry, convs, step
    cdef Py_ssize_t i
    cdef object name, value, original, expression
    for entry in converters:
        name = <object>PyTuple_GET_ITEM(entry, 0)
        convs = <tuple>PyTuple_GET_ITEM(entry, 1)
        expression = <object>PyTuple_GET_ITEM(entry, 2)
        value = original = <object>PyDict_GetItem(data, name)
        for i in range(PyTuple_GET_SIZE(convs)):
            step = <tuple>PyTuple_GET_ITEM(convs, i)
            if not _passes(value, <object>PyTuple_GET_ITEM(step, 1)):
                value = (<object>PyTuple_GET_ITEM(step, 0))(value, expression, connection)
        if value is not original:
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
    cdef tuple converters = p._other_convs if p._use_fast else p._all_convs
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
