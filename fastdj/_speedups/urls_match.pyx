# cython: language_level=3, boundscheck=False, wraparound=False
"""Cython twin of ``fastdj.urls._match``: the route table.

Same API and results as the pure module. Which route goes where (trie or
fallback) is decided by the pure module's planner, so both twins agree on the
table's shape; this module owns the request-time part: the path is split by
scanning its characters once, literal segments are C-level dict lookups,
int/str/slug/uuid segments are validated on the characters without a regex,
and a match fills in precomputed kwargs plans.
"""

from cpython.dict cimport PyDict_Copy, PyDict_GetItem, PyDict_SetItem
from cpython.long cimport PyLong_FromLongLong, PyLong_FromUnsignedLongLong
from cpython.object cimport PyObject
from libc.stdlib cimport free, malloc
from libc.string cimport memcmp

import uuid

__all__ = ["KERNEL_VERSION", "RouteTable", "compile_routes"]

KERNEL_VERSION = 1

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    object PyUnicode_Substring(object text, Py_ssize_t start, Py_ssize_t end)

cdef enum:
    K_INT = 1
    K_STR = 2
    K_SLUG = 3
    K_UUID = 4
    K_CUSTOM = 5
    CONSTANT = -1
    STACK_SEGMENTS = 32
    # int() of at most this many digits fits a C long long.
    FAST_INT_DIGITS = 18
    # Up to this many literal children are compared in place, without
    # building a str for the segment and hashing it.
    SMALL_NODE = 8

cdef Py_ssize_t NO_ORDER = <Py_ssize_t>((<size_t>-1) >> 1)
cdef dict KIND_CODES = {
    "int": K_INT, "str": K_STR, "slug": K_SLUG, "uuid": K_UUID, "custom": K_CUSTOM
}
cdef object UUID = uuid.UUID
cdef object UUID_SAFE_UNKNOWN = uuid.SafeUUID.unknown
cdef object object_setattr = object.__setattr__
# convert() returns this when a converter refuses a segment (None is a value).
cdef object _REFUSED = object()


cdef struct Path:
    PyObject* text
    int kind
    void* data
    Py_ssize_t count
    Py_ssize_t* starts
    Py_ssize_t* ends


def compile_routes(entries):
    """Return a RouteTable for ``entries`` (see ``fastdj.urls._match``)."""
    return RouteTable(entries)


cdef class _Edge:
    cdef int kind
    cdef object regex
    cdef object key
    cdef _Node child


cdef class _Node:
    cdef dict literal
    cdef bint has_literal
    cdef Py_ssize_t nsmall
    cdef tuple small_keys
    cdef tuple small_nodes
    cdef list typed
    cdef list leaves
    cdef list fallbacks
    cdef Py_ssize_t min_order

    def __cinit__(self):
        self.literal = {}
        self.typed = []
        self.leaves = []
        self.fallbacks = []
        self.min_order = NO_ORDER

    cdef _Node child(self, segment):
        cdef _Node node
        cdef _Edge edge
        if isinstance(segment, str):
            node = self.literal.get(segment)
            if node is None:
                node = _Node()
                self.literal[segment] = node
                self.has_literal = True
            return node
        for edge in self.typed:
            if edge.key == segment:
                return edge.child
        edge = _Edge()
        edge.kind = KIND_CODES[segment[0]]
        edge.regex = segment[1]
        edge.key = segment
        edge.child = _Node()
        self.typed.append(edge)
        return edge.child

    cdef Py_ssize_t finish(self):
        cdef Py_ssize_t best = NO_ORDER, order
        cdef _Node node
        cdef _Edge edge
        for node in self.literal.values():
            order = node.finish()
            if order < best:
                best = order
        for edge in self.typed:
            order = edge.child.finish()
            if order < best:
                best = order
        self.typed.sort(key=_edge_order)
        self.leaves.sort(key=_leaf_order)
        self.fallbacks.sort(key=_fallback_order)
        if self.leaves and (<_Leaf>self.leaves[0]).order < best:
            best = (<_Leaf>self.leaves[0]).order
        if self.fallbacks and (<_Fallback>self.fallbacks[0]).order < best:
            best = (<_Fallback>self.fallbacks[0]).order
        self.min_order = best
        if 0 < len(self.literal) <= SMALL_NODE:
            self.nsmall = len(self.literal)
            self.small_keys = tuple(self.literal)
            self.small_nodes = tuple(self.literal.values())
        return best


def _edge_order(_Edge edge):
    return edge.child.min_order


def _leaf_order(_Leaf leaf):
    return leaf.order


def _fallback_order(_Fallback fallback):
    return fallback.order


cdef class _Leaf:
    cdef Py_ssize_t order
    cdef object handle
    cdef Py_ssize_t ncaptures
    cdef Py_ssize_t* capture_segment
    cdef int* capture_kind
    cdef list converters
    cdef Py_ssize_t nplan
    cdef list plan_names
    cdef Py_ssize_t* plan_capture
    cdef list plan_constants
    cdef Py_ssize_t ncaptured
    cdef list captured_names
    cdef Py_ssize_t* captured_capture
    # Each capture is one kwarg, in order, with no defaults: the common case.
    cdef bint simple

    def __dealloc__(self):
        free(self.capture_segment)
        free(self.capture_kind)
        free(self.plan_capture)
        free(self.captured_capture)

    cdef setup(self, Py_ssize_t order, handle, captures, plan, captured_plan):
        cdef Py_ssize_t i
        self.order = order
        self.handle = handle
        self.ncaptures = len(captures)
        self.nplan = len(plan)
        self.ncaptured = len(captured_plan)
        # +1: malloc(0) may return NULL, which is fine but confusing.
        self.capture_segment = <Py_ssize_t*>malloc((self.ncaptures + 1) * sizeof(Py_ssize_t))
        self.capture_kind = <int*>malloc((self.ncaptures + 1) * sizeof(int))
        self.plan_capture = <Py_ssize_t*>malloc((self.nplan + 1) * sizeof(Py_ssize_t))
        self.captured_capture = <Py_ssize_t*>malloc((self.ncaptured + 1) * sizeof(Py_ssize_t))
        if (
            self.capture_segment == NULL or self.capture_kind == NULL
            or self.plan_capture == NULL or self.captured_capture == NULL
        ):
            raise MemoryError()
        self.converters = []
        for i, (segment, kind, converter) in enumerate(captures):
            self.capture_segment[i] = segment
            self.capture_kind[i] = KIND_CODES[kind]
            self.converters.append(converter)
        self.plan_names = []
        self.plan_constants = []
        for i, (name, capture, constant) in enumerate(plan):
            self.plan_names.append(name)
            self.plan_capture[i] = capture
            self.plan_constants.append(constant)
        self.captured_names = []
        for i, (name, capture) in enumerate(captured_plan):
            self.captured_names.append(name)
            self.captured_capture[i] = capture
        self.simple = (
            self.nplan == self.ncaptures == self.ncaptured
            and all(self.plan_capture[i] == i for i in range(self.nplan))
            and self.plan_names == self.captured_names
        )

    cdef object build(self, Path* path):
        cdef Py_ssize_t i, start, end, index
        cdef object value, text = <object>path.text
        cdef list values
        cdef dict kwargs = {}
        cdef dict captured
        if self.simple:
            for i in range(self.ncaptures):
                value = self.convert(path, i)
                if value is _REFUSED:
                    return None
                PyDict_SetItem(kwargs, self.plan_names[i], value)
            return (self.handle, (), kwargs, PyDict_Copy(kwargs))
        values = [None] * self.ncaptures
        for i in range(self.ncaptures):
            value = self.convert(path, i)
            if value is _REFUSED:
                return None
            values[i] = value
        for i in range(self.nplan):
            index = self.plan_capture[i]
            PyDict_SetItem(
                kwargs,
                self.plan_names[i],
                self.plan_constants[i] if index == CONSTANT else values[index],
            )
        captured = {}
        for i in range(self.ncaptured):
            PyDict_SetItem(captured, self.captured_names[i], values[self.captured_capture[i]])
        return (self.handle, (), kwargs, captured)

    cdef object convert(self, Path* path, Py_ssize_t i):
        """Return capture ``i`` converted, or _REFUSED."""
        cdef Py_ssize_t index = self.capture_segment[i]
        cdef Py_ssize_t start = path.starts[index]
        cdef Py_ssize_t end = path.ends[index]
        cdef int kind = self.capture_kind[i]
        if kind == K_INT:
            return _to_int(path, start, end)
        if kind == K_STR or kind == K_SLUG:
            return PyUnicode_Substring(<object>path.text, start, end)
        if kind == K_UUID:
            if FAST_UUID:
                return _to_uuid(path, start)
            return UUID(PyUnicode_Substring(<object>path.text, start, end))
        try:
            return self.converters[i].to_python(
                PyUnicode_Substring(<object>path.text, start, end)
            )
        except ValueError:
            return _REFUSED


cdef class _Fallback:
    cdef Py_ssize_t order
    cdef object handle
    cdef tuple levels

    cdef object match(self, str path):
        cdef list found = []
        cdef dict merged
        cdef object args, kwargs
        for matcher, defaults in self.levels:
            result = matcher.match(path)
            if result is None:
                return None
            path, args, kwargs = result
            found.append((args, kwargs, defaults))
        args, captured, defaults = found[len(found) - 1]
        kwargs = {**captured, **defaults}
        for outer_args, outer_kwargs, outer_defaults in reversed(found[: len(found) - 1]):
            merged = {**outer_kwargs, **outer_defaults}
            merged.update(kwargs)
            # Django drops positional args as soon as any kwarg exists.
            if not merged:
                args = tuple(outer_args) + tuple(args)
            kwargs = merged
        return (self.handle, args, kwargs, captured)


cdef inline object _to_int(Path* path, Py_ssize_t start, Py_ssize_t end):
    cdef long long value = 0
    cdef Py_ssize_t i
    if end - start > FAST_INT_DIGITS:
        return int(PyUnicode_Substring(<object>path.text, start, end))
    for i in range(start, end):
        value = value * 10 + (<long long>PyUnicode_READ(path.kind, path.data, i) - 48)
    return PyLong_FromLongLong(value)


cdef inline int _hex_value(Py_UCS4 ch) noexcept:
    return <int>ch - 48 if ch <= 57 else <int>ch - 87


cdef object _to_uuid(Path* path, Py_ssize_t start):
    """Return uuid.UUID of a validated segment, skipping UUID's str parsing."""
    cdef unsigned long long high = 0, low = 0
    cdef Py_ssize_t i
    cdef int digits = 0
    cdef Py_UCS4 ch
    for i in range(start, start + 36):
        ch = PyUnicode_READ(path.kind, path.data, i)
        if ch == 45:
            continue
        if digits < 16:
            high = high * 16 + _hex_value(ch)
        else:
            low = low * 16 + _hex_value(ch)
        digits += 1
    value = (PyLong_FromUnsignedLongLong(high) << 64) | PyLong_FromUnsignedLongLong(low)
    # What UUID.__init__ does once it has the int.
    result = UUID.__new__(UUID)
    object_setattr(result, "int", value)
    object_setattr(result, "is_safe", UUID_SAFE_UNKNOWN)
    return result


def _fast_uuid_works():
    sample = "0123abcd-4567-89ef-fedc-ba9876543210"
    cdef Py_ssize_t starts[1]
    cdef Py_ssize_t ends[1]
    cdef Path p
    p.text = <PyObject*>sample
    p.kind = PyUnicode_KIND(sample)
    p.data = PyUnicode_DATA(sample)
    p.count = 1
    p.starts = starts
    p.ends = ends
    try:
        made = _to_uuid(&p, 0)
    except Exception:
        return False
    expected = UUID(sample)
    return type(made) is UUID and made == expected and hash(made) == hash(expected) and (
        made.is_safe is expected.is_safe
    )


# Building UUIDs from their int relies on UUID's slots; check it once.
cdef bint FAST_UUID = _fast_uuid_works()


cdef inline bint _equals(str key, Path* path, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef Py_ssize_t length = end - start, i
    cdef int kind
    cdef void* data
    if PyUnicode_GET_LENGTH(key) != length:
        return False
    kind = PyUnicode_KIND(key)
    data = PyUnicode_DATA(key)
    if kind == path.kind:
        return memcmp(data, <char*>path.data + start * kind, length * kind) == 0
    for i in range(length):
        if PyUnicode_READ(kind, data, i) != PyUnicode_READ(path.kind, path.data, start + i):
            return False
    return True


cdef inline bint _is_hex(Py_UCS4 ch) noexcept:
    return (48 <= ch <= 57) or (97 <= ch <= 102)


cdef bint _test(_Edge edge, Path* path, Py_ssize_t start, Py_ssize_t end) except -1:
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    cdef int kind = edge.kind
    if end <= start:
        return kind == K_CUSTOM and edge.regex.fullmatch("") is not None
    if kind == K_STR:
        return True
    if kind == K_INT:
        for i in range(start, end):
            ch = PyUnicode_READ(path.kind, path.data, i)
            if ch < 48 or ch > 57:
                return False
        return True
    if kind == K_SLUG:
        for i in range(start, end):
            ch = PyUnicode_READ(path.kind, path.data, i)
            if not (
                (48 <= ch <= 57) or (97 <= ch <= 122) or (65 <= ch <= 90)
                or ch == 45 or ch == 95
            ):
                return False
        return True
    if kind == K_UUID:
        if end - start != 36:
            return False
        for i in range(36):
            ch = PyUnicode_READ(path.kind, path.data, start + i)
            if i == 8 or i == 13 or i == 18 or i == 23:
                if ch != 45:
                    return False
            elif not _is_hex(ch):
                return False
        return True
    return edge.regex.fullmatch(PyUnicode_Substring(<object>path.text, start, end)) is not None


cdef object _search(_Node node, Path* path, Py_ssize_t depth, Py_ssize_t* bound):
    """Return the result of the first route under ``node`` before ``bound[0]``."""
    cdef object found = None, sub, result
    cdef _Leaf leaf
    cdef _Edge edge
    cdef _Node child
    cdef _Fallback fallback
    cdef PyObject* hit
    cdef Py_ssize_t start, end, i
    if depth == path.count:
        for i in range(len(node.leaves)):
            leaf = <_Leaf>node.leaves[i]
            if leaf.order >= bound[0]:
                break
            result = leaf.build(path)
            if result is not None:
                bound[0] = leaf.order
                found = result
                break
    else:
        start = path.starts[depth]
        end = path.ends[depth]
        child = None
        if node.nsmall:
            for i in range(node.nsmall):
                if _equals(<str>node.small_keys[i], path, start, end):
                    child = <_Node>node.small_nodes[i]
                    break
        elif node.has_literal:
            hit = PyDict_GetItem(
                node.literal, PyUnicode_Substring(<object>path.text, start, end)
            )
            if hit != NULL:
                child = <_Node>hit
        if child is not None:
            if child.min_order < bound[0]:
                sub = _search(child, path, depth + 1, bound)
                if sub is not None:
                    found = sub
        for i in range(len(node.typed)):
            edge = <_Edge>node.typed[i]
            child = edge.child
            if child.min_order >= bound[0]:
                break
            if _test(edge, path, start, end):
                sub = _search(child, path, depth + 1, bound)
                if sub is not None:
                    found = sub
    for i in range(len(node.fallbacks)):
        fallback = <_Fallback>node.fallbacks[i]
        if fallback.order >= bound[0]:
            break
        result = fallback.match(<str>path.text)
        if result is not None:
            bound[0] = fallback.order
            return result
    return found


cdef class RouteTable:
    """A compiled URLconf: ``match(path)`` returns Django's winner or None."""

    cdef _Node _root
    cdef readonly Py_ssize_t size

    def __init__(self, entries):
        cdef _Node root = _Node(), node
        cdef _Leaf leaf
        cdef _Fallback fallback
        # Imported here, not at module level: importing fastdj.urls runs its
        # package, which imports fastdj._accel, which imports this module.
        from fastdj.urls._match import _plan_routes

        planned = _plan_routes(entries)
        for where, order, handle, segments, spec in planned:
            node = root
            for segment in segments:
                node = node.child(segment)
            if where == "trie":
                leaf = _Leaf()
                leaf.setup(order, handle, spec[0], spec[1], spec[2])
                node.leaves.append(leaf)
            else:
                fallback = _Fallback()
                fallback.order = order
                fallback.handle = handle
                fallback.levels = tuple(spec)
                node.fallbacks.append(fallback)
        root.finish()
        self._root = root
        self.size = len(planned)

    def match(self, path):
        """Return ``(handle, args, kwargs, captured_kwargs)`` or None."""
        cdef Path p
        cdef Py_ssize_t length, count = 1, i, start = 0, seg = 0
        cdef Py_ssize_t stack_starts[STACK_SEGMENTS]
        cdef Py_ssize_t stack_ends[STACK_SEGMENTS]
        cdef Py_ssize_t bound = NO_ORDER
        cdef int kind
        cdef void* data
        if not isinstance(path, str):
            raise TypeError(f"path must be a str, not {type(path).__name__}")
        length = PyUnicode_GET_LENGTH(path)
        kind = PyUnicode_KIND(path)
        data = PyUnicode_DATA(path)
        p.text = <PyObject*>path
        p.kind = kind
        p.data = data
        p.starts = stack_starts
        p.ends = stack_ends
        # One pass records segment bounds on the stack; a path with more
        # segments than that is rare and gets heap arrays and a second pass.
        for i in range(length):
            if PyUnicode_READ(kind, data, i) == 47:
                if seg == STACK_SEGMENTS - 1:
                    seg = -1
                    break
                p.starts[seg] = start
                p.ends[seg] = i
                seg += 1
                start = i + 1
        if seg == -1:
            for i in range(length):
                if PyUnicode_READ(kind, data, i) == 47:
                    count += 1
            p.starts = <Py_ssize_t*>malloc(count * sizeof(Py_ssize_t))
            p.ends = <Py_ssize_t*>malloc(count * sizeof(Py_ssize_t))
            if p.starts == NULL or p.ends == NULL:
                free(p.starts)
                free(p.ends)
                raise MemoryError()
            seg = 0
            start = 0
            for i in range(length):
                if PyUnicode_READ(kind, data, i) == 47:
                    p.starts[seg] = start
                    p.ends[seg] = i
                    seg += 1
                    start = i + 1
        p.starts[seg] = start
        p.ends[seg] = length
        p.count = seg + 1
        try:
            return _search(self._root, &p, 0, &bound)
        finally:
            if p.starts != stack_starts:
                free(p.starts)
                free(p.ends)
