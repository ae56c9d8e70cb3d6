# cython: language_level=3, binding=True, embedsignature=True
# cython: boundscheck=False, wraparound=False
"""The template kernel, Cython twin of ``fastdj.template._render``.

Same ``__all__``, same behaviour, same exceptions. The speed comes from
compiling each NodeList, on its first render, into a tuple of typed ops
(text, variable, if, for, include, or "call node.render") kept on the
NodeList; rendering then dispatches on a C int, reads typed fields, and
writes every piece of output into one list that is joined once, instead of
joining and wrapping a SafeString per nested block and loop iteration.
"""

from cpython.dict cimport PyDict_GetItem, PyDict_GetItemWithError, PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.long cimport PyLong_AsLongAndOverflow
from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

from inspect import signature


cdef extern from "Python.h":
    # Nested blocks and includes recurse through C here; without the
    # interpreter's depth check a self-including template would overflow
    # the C stack instead of raising RecursionError.
    int Py_EnterRecursiveCall(const char *where) except -1
    void Py_LeaveRecursiveCall()
    # For _escape(): one pass that writes the escaped copy directly.
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    void PyUnicode_WRITE(int kind, void *data, Py_ssize_t index, Py_UCS4 value)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object o)
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)

from fastdj.conf import _settings_cache, settings
from fastdj.template.base import (
    NodeList,
    Template,
    TextNode,
    VariableNode,
    _annotate_exception,
)
from fastdj.template.context import BaseContext, Context, RequestContext
from fastdj.template.defaulttags import ForNode, IfNode, TemplateLiteral
from fastdj.template.exceptions import VariableDoesNotExist
from fastdj.template.loader_tags import IncludeNode
from fastdj.utils.safestring import SafeData, SafeString, mark_safe

__all__ = [
    "KERNEL_VERSION",
    "render_for",
    "render_include",
    "render_nodelist",
    "render_value_in_context",
    "resolve_expression",
    "resolve_lookup",
]

KERNEL_VERSION = 1

cdef enum:
    _EXPECTS_LOCALTIME = 1
    _NEEDS_AUTOESCAPE = 2
    _IS_SAFE = 4

cdef enum:
    OP_TEXT = 0
    OP_VAR = 1
    OP_IF = 2
    OP_FOR = 3
    OP_INCLUDE = 4
    OP_NODE = 5

cdef object _LOOKUP_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError)
cdef object _INDEX_ERRORS = (IndexError, ValueError, KeyError, TypeError)
cdef object _Context = Context
cdef object _RequestContext = RequestContext
cdef object _SafeString = SafeString
cdef object _NodeList = NodeList
cdef object _Template = Template
cdef object _TextNode = TextNode
cdef object _VariableNode = VariableNode
cdef object _IfNode = IfNode
cdef object _ForNode = ForNode
cdef object _IncludeNode = IncludeNode
cdef object _TemplateLiteral = TemplateLiteral
cdef str _PROGRAM_ATTR = "_fastdj_cy_program"
cdef str _FORLOOP = "forloop"


cdef class _Expr:
    """A FilterExpression with its compiled parts in typed fields."""

    cdef object fe
    cdef object lookups
    cdef object literal
    cdef tuple filters
    cdef Py_ssize_t nfilters

    def __init__(self, fe):
        lookups, literal, filters = fe.compiled
        self.fe = fe
        # Normalized to the exact shapes the C code indexes without checks.
        self.lookups = None if lookups is None else tuple(lookups)
        self.literal = literal
        self.filters = tuple(
            (func, tuple((bool(a), b) for a, b in args), int(flags))
            for func, args, flags in filters
        )
        self.nfilters = len(self.filters)


cdef class _Op:
    """One node of a compiled NodeList."""

    cdef int kind
    cdef object node
    cdef str text
    cdef _Expr expr
    # OP_IF: a tuple of (_Expr or condition or None, is_literal, nodelist).
    cdef tuple branches


cdef tuple _compile(object nodelist):
    cdef list ops = []
    cdef _Op op
    cdef list branches
    for node in nodelist:
        op = _Op()
        op.node = node
        cls = type(node)
        if cls is _TextNode:
            op.kind = OP_TEXT
            op.text = node.s
        elif cls is _VariableNode:
            op.kind = OP_VAR
            op.expr = _Expr(node.filter_expression)
        elif cls is _IfNode:
            op.kind = OP_IF
            branches = []
            for condition, branch in node.conditions_nodelists:
                if type(condition) is _TemplateLiteral:
                    branches.append((_Expr(condition.value), True, branch))
                else:
                    branches.append((condition, False, branch))
            op.branches = tuple(branches)
        elif cls is _ForNode:
            op.kind = OP_FOR
        elif cls is _IncludeNode:
            op.kind = OP_INCLUDE
        else:
            op.kind = OP_NODE
        ops.append(op)
    return tuple(ops)


cdef inline tuple _program(object nodelist):
    # Kept on the NodeList; rebuilt if the list changed size since. A plain
    # list of nodes cannot keep it and is compiled on every render.
    cdef object prog = getattr(nodelist, _PROGRAM_ATTR, None)
    if type(prog) is not tuple or PyTuple_GET_SIZE(<tuple>prog) != len(nodelist):
        prog = _compile(nodelist)
        try:
            setattr(nodelist, _PROGRAM_ATTR, prog)
        except AttributeError:
            pass
    return <tuple>prog


cdef inline int _render_into(list out, object nodelist, object context) except -1:
    """Append the output of every node of ``nodelist`` to ``out``."""
    return _render_program_into(out, _program(nodelist), context)


cdef int _render_program_into(list out, tuple prog, object context) except -1:
    """Append the output of every op of the compiled ``prog`` to ``out``."""
    cdef _Op op = None
    cdef Py_ssize_t i, n
    cdef tuple branch
    cdef object value, match
    n = PyTuple_GET_SIZE(prog)
    Py_EnterRecursiveCall(" while rendering a template")
    try:
        for i in range(n):
            op = <_Op>PyTuple_GET_ITEM(prog, i)
            if op.kind == OP_TEXT:
                out.append(op.text)
            elif op.kind == OP_VAR:
                try:
                    value = _resolve(op.expr, context, False)
                except UnicodeDecodeError:
                    continue
                out.append(_render_value(value, context))
            elif op.kind == OP_IF:
                for branch in op.branches:
                    if branch[0] is None:
                        _render_into(out, branch[2], context)
                        break
                    try:
                        if branch[1]:
                            match = _resolve(<_Expr>branch[0], context, True)
                        else:
                            match = branch[0].eval(context)
                    except VariableDoesNotExist:
                        match = None
                    if match:
                        _render_into(out, branch[2], context)
                        break
            elif op.kind == OP_FOR:
                _render_for_into(out, op.node, context)
            elif op.kind == OP_INCLUDE:
                _render_include_into(out, op.node, context)
            else:
                out.append(op.node.render(context))
    except Exception as e:
        if op is not None:
            _annotate_exception(e, op.node, context)
        raise
    finally:
        Py_LeaveRecursiveCall()
    return 0


def render_nodelist(nodelist, context):
    """Return the nodes of ``nodelist`` rendered against ``context``."""
    cdef list out = []
    _render_into(out, nodelist, context)
    return _SafeString("".join(out))


def render_for(node, context):
    """Render ForNode ``node``: its loop body once per item of its sequence
    with ``forloop`` set, or its ``{% empty %}`` body.
    """
    cdef list out = []
    _render_for_into(out, node, context)
    return _SafeString("".join(out))


cdef int _render_for_into(list out, object node, object context) except -1:
    cdef object parentloop, d
    cdef list dicts
    cdef Py_ssize_t k
    cdef PyObject *found
    if type(context) is not _Context and type(context) is not _RequestContext:
        parentloop = context["forloop"] if "forloop" in context else {}
        with context.push():
            _render_loop_into(out, node, context, parentloop, False)
        return 0
    # The same for fastdj's own contexts, without a ContextDict and a
    # ``with`` block per loop: a nested loop runs this once per outer item.
    dicts = context.dicts
    parentloop = {}
    k = PyList_GET_SIZE(dicts) - 1
    # The bound is checked again each step: ``in`` on a mapping that is not
    # a dict runs Python code, which may shrink the list (reversed() stops).
    while 0 <= k < PyList_GET_SIZE(dicts):
        d = <object>PyList_GET_ITEM(dicts, k)
        if type(d) is dict:
            found = PyDict_GetItemWithError(d, "forloop")
            if found is not NULL:
                parentloop = <object>found
                break
        elif "forloop" in d:
            parentloop = d["forloop"]
            break
        k -= 1
    dicts.append({})
    try:
        _render_loop_into(out, node, context, parentloop, True)
    finally:
        dicts.pop()
    return 0


cdef int _render_loop_into(
    list out, object node, object context, object parentloop, bint own_context
) except -1:
    # render_for() once the loop's own dict is on top of the context;
    # ``own_context``: a fastdj Context, whose dicts may be pushed directly.
    cdef object values, item, loop_dict, body, loopvar, unpacked, top
    cdef list dicts
    cdef tuple body_prog
    cdef Py_ssize_t i, len_values, last, num_loopvars, len_item
    cdef bint unpack, keep_forloop
    values = _resolve(_expr_of(node.sequence), context, True)
    if values is None:
        values = []
    if not hasattr(values, "__len__"):
        values = list(values)
    len_values = len(values)
    if len_values < 1:
        _render_into(out, node.nodelist_empty, context)
        return 0
    if node.is_reversed:
        values = reversed(values)
    loopvars = node.loopvars
    num_loopvars = len(loopvars)
    unpack = num_loopvars > 1
    loopvar = loopvars[0]
    body = node.nodelist_loop
    # Compiled once per loop, not once per item: the body does not change
    # while its own loop runs.
    body_prog = _program(body)
    dicts = context.dicts
    # A body of text and variables that do not name it cannot see
    # ``forloop``: it is neither made nor counted then.
    keep_forloop = _may_read_forloop(body_prog)
    if keep_forloop:
        loop_dict = {"parentloop": parentloop}
        dicts[len(dicts) - 1]["forloop"] = loop_dict
    last = len_values - 1
    i = 0
    for item in values:
        if keep_forloop:
            PyDict_SetItem(loop_dict, "counter0", i)
            PyDict_SetItem(loop_dict, "counter", i + 1)
            PyDict_SetItem(loop_dict, "revcounter", len_values - i)
            PyDict_SetItem(loop_dict, "revcounter0", last - i)
            # first/last change twice per loop: when the dict already holds
            # the value (the same bool object), a lookup is cheaper than a
            # store and leaves the same dict.
            _set_bool(loop_dict, "first", i == 0)
            _set_bool(loop_dict, "last", i == last)
        if unpack:
            try:
                len_item = len(item)
            except TypeError:
                len_item = 1
            if num_loopvars != len_item:
                raise ValueError(
                    f"Need {num_loopvars} values to unpack in for loop; "
                    f"got {len_item}. "
                )
            unpacked = dict(zip(loopvars, item))
            if own_context:
                dicts.append(unpacked)
                try:
                    _render_program_into(out, body_prog, context)
                finally:
                    dicts.pop()
            else:
                with context.update(unpacked):
                    _render_program_into(out, body_prog, context)
        else:
            # context[loopvar] = item: the top dict, read every time since a
            # tag in the body may leave one pushed (or, emptying the stack,
            # get Django's IndexError).
            if PyList_GET_SIZE(dicts) == 0:
                raise IndexError("list index out of range")
            top = <object>PyList_GET_ITEM(dicts, PyList_GET_SIZE(dicts) - 1)
            if type(top) is dict:
                PyDict_SetItem(top, loopvar, item)
            else:
                top[loopvar] = item
            _render_program_into(out, body_prog, context)
        i += 1
    return 0


cdef bint _may_read_forloop(tuple prog):
    """Return False if no op of ``prog`` can read ``forloop`` from the context.

    Text cannot; a variable can only through its own name or a variable
    filter argument. Any tag may (an include, a custom tag, ifchanged...).
    """
    cdef _Op op
    cdef _Expr expr
    for item in prog:
        op = <_Op>item
        if op.kind == OP_TEXT:
            continue
        if op.kind != OP_VAR:
            return True
        expr = op.expr
        if expr.lookups is not None and expr.lookups[0] == _FORLOOP:
            return True
        for flt in expr.filters:
            for is_var, _ in (<tuple>flt)[1]:
                if is_var:
                    return True
    return False


cdef inline int _set_bool(dict d, str key, bint flag) except -1:
    cdef object value = flag
    cdef PyObject *found = PyDict_GetItemWithError(d, key)
    if found is not <PyObject *>value:
        PyDict_SetItem(d, key, value)
    return 0


cdef _Expr _expr_of(object fe):
    # Compiled on first use and kept in the FilterExpression's kernel slot;
    # look-alike objects without the slot are compiled every time.
    cdef object expr = getattr(fe, "kernel_cache", None)
    if type(expr) is not _Expr:
        expr = _Expr(fe)
        try:
            fe.kernel_cache = expr
        except AttributeError:
            pass
    return <_Expr>expr


def render_include(node, context):
    """Render IncludeNode ``node``: its template with the current context
    plus its ``with`` values (or only those, with ``only``).
    """
    cdef list out = []
    _render_include_into(out, node, context)
    return _SafeString("".join(out))


cdef int _render_include_into(list out, object node, object context) except -1:
    cdef object template, render_cache, cache, key, found, render_context
    cdef object initial, nodelist
    cdef dict values
    cdef list dicts, rc_dicts
    template = _resolve(_expr_of(node.template), context, False)
    if not callable(getattr(template, "render", None)):
        render_cache = context.render_context.dicts[0]
        cache = render_cache.get(node)
        if cache is None:
            cache = render_cache[node] = {}
        key = template if isinstance(template, str) else tuple(template or ())
        found = cache.get(key)
        if found is None:
            found = cache[key] = _find_included(node, template, context)
        template = found
    elif hasattr(template, "template"):
        template = template.template
    values = {name: var.resolve(context) for name, var in node.extra_context.items()}
    if node.isolated_context:
        out.append(template.render(context.new(values)))
        return 0
    dicts = context.dicts
    dicts.append(values)
    try:
        if type(template) is not _Template or context.template is None:
            out.append(template.render(context))
            return 0
        render_context = context.render_context
        initial = render_context.template
        render_context.template = template
        rc_dicts = render_context.dicts
        rc_dicts.append({})
        try:
            nodelist = template.nodelist
            if type(nodelist) is _NodeList:
                # The included template's output goes through one join, as
                # Template.render would return it.
                out.append(render_nodelist(nodelist, context))
            else:
                out.append(nodelist.render(context))
        finally:
            render_context.template = initial
            rc_dicts.pop()
    finally:
        dicts.pop()
    return 0


def _find_included(node, template_name, context):
    from fastdj.template.loader_tags import construct_relative_path

    if isinstance(template_name, str):
        names = (construct_relative_path(node.origin.template_name, template_name),)
    else:
        names = tuple(template_name or ())
    return context.template.engine.select_template(names)


cdef object _string_if_invalid(object context):
    # Variable.resolve() also accepts a plain dict, which has no template.
    template = getattr(context, "template", None)
    if template is None:
        return ""
    return template.engine.string_if_invalid


def resolve_expression(fe, context, ignore_failures=False):
    """Return the value of FilterExpression ``fe`` in ``context``, filters
    applied; a failed lookup gives string_if_invalid (or None if
    ``ignore_failures``).
    """
    return _resolve(_expr_of(fe), context, ignore_failures)


cdef object _resolve(_Expr expr, object context, bint ignore_failures):
    cdef object obj, string_if_invalid, func, arg, new_obj
    cdef tuple spec, args
    cdef list arg_vals
    cdef Py_ssize_t i, j, nargs
    cdef int flags
    if expr.lookups is not None:
        try:
            obj = _lookup(context, <tuple>expr.lookups)
        except VariableDoesNotExist:
            if ignore_failures:
                obj = None
            else:
                string_if_invalid = _string_if_invalid(context)
                if string_if_invalid:
                    if "%s" in string_if_invalid:
                        return string_if_invalid % expr.fe.var
                    return string_if_invalid
                obj = string_if_invalid
    else:
        obj = expr.literal
    for i in range(expr.nfilters):
        spec = <tuple>PyTuple_GET_ITEM(expr.filters, i)
        func = <object>PyTuple_GET_ITEM(spec, 0)
        args = <tuple>PyTuple_GET_ITEM(spec, 1)
        flags = <int>(<object>PyTuple_GET_ITEM(spec, 2))
        nargs = PyTuple_GET_SIZE(args)
        arg_vals = []
        for j in range(nargs):
            is_lookup, arg = <tuple>PyTuple_GET_ITEM(args, j)
            if is_lookup:
                if arg.lookups is None:
                    arg_vals.append(arg.literal)
                else:
                    arg_vals.append(_lookup(context, arg.lookups))
            else:
                arg_vals.append(arg)
        if flags & _EXPECTS_LOCALTIME:
            obj = _template_localtime(obj, context.use_tz)
        if flags & _NEEDS_AUTOESCAPE:
            new_obj = func(obj, *arg_vals, autoescape=context.autoescape)
        elif nargs == 0:
            new_obj = func(obj)
        elif nargs == 1:
            new_obj = func(obj, arg_vals[0])
        else:
            new_obj = func(obj, *arg_vals)
        if flags & _IS_SAFE and isinstance(obj, SafeData):
            obj = mark_safe(new_obj)
        else:
            obj = new_obj
    return obj


def resolve_lookup(context, lookups):
    """Return the value that the dotted ``lookups`` reach from ``context``."""
    return _lookup(context, tuple(lookups))


cdef object _lookup(object context, tuple lookups):
    cdef object current = context
    cdef object bit, cls, d
    cdef list dicts
    cdef Py_ssize_t i, k, n = PyTuple_GET_SIZE(lookups)
    cdef PyObject *found
    try:
        for i in range(n):
            bit = <object>PyTuple_GET_ITEM(lookups, i)
            cls = type(current)
            if cls is _Context or cls is _RequestContext:
                dicts = current.dicts
                k = PyList_GET_SIZE(dicts) - 1
                while True:
                    # Bound checked each step, as in _render_for_into().
                    if not 0 <= k < PyList_GET_SIZE(dicts):
                        raise VariableDoesNotExist(
                            "Failed lookup for key [%s] in %r", (bit, current)
                        )
                    d = <object>PyList_GET_ITEM(dicts, k)
                    if type(d) is dict:
                        # WithError: an error comparing keys propagates, as
                        # ``bit in d`` lets it in the reference.
                        found = PyDict_GetItemWithError(d, bit)
                        if found is not NULL:
                            current = <object>found
                            break
                    elif bit in d:
                        current = d[bit]
                        break
                    k -= 1
            elif cls is dict:
                found = PyDict_GetItemWithError(current, bit)
                if found is not NULL:
                    current = <object>found
                else:
                    current = _lookup_attribute(current, bit)
            elif not _subscriptable(cls):
                try:
                    current = getattr(current, bit)
                except (TypeError, AttributeError) as e:
                    current = _lookup_after_getattr(current, bit, e)
            else:
                try:
                    current = current[bit]
                except _LOOKUP_ERRORS:
                    current = _lookup_attribute(current, bit)
            if callable(current):
                current = _call(current, context)
    except Exception as e:
        if getattr(e, "silent_variable_failure", False):
            return _string_if_invalid(context)
        raise
    return current


# type -> whether it has __getitem__. hasattr() on a type that lacks the
# attribute builds and discards an AttributeError; this is asked for every
# attribute lookup on a plain object, so the answer is remembered.
cdef dict _SUBSCRIPTABLE = {}


cdef inline int _subscriptable(object cls) except -1:
    cdef PyObject *found = PyDict_GetItemWithError(_SUBSCRIPTABLE, cls)
    if found is not NULL:
        return <object>found is True
    answer = hasattr(cls, "__getitem__")
    if len(_SUBSCRIPTABLE) > 4096:
        # Types created on the fly must not grow this without bound.
        _SUBSCRIPTABLE.clear()
    _SUBSCRIPTABLE[cls] = answer
    return answer


cdef object _lookup_attribute(object current, object bit):
    try:
        if isinstance(current, BaseContext) and getattr(type(current), bit):
            raise AttributeError
        return getattr(current, bit)
    except (TypeError, AttributeError) as e:
        return _lookup_after_getattr(current, bit, e)


cdef object _lookup_after_getattr(object current, object bit, object exc):
    # An AttributeError from inside a property is a bug to show, not a miss.
    if not isinstance(current, BaseContext) and bit in dir(current):
        raise exc
    try:
        return current[int(bit)]
    except _INDEX_ERRORS:
        pass
    raise VariableDoesNotExist("Failed lookup for key [%s] in %r", (bit, current))


cdef object _call(object current, object context):
    if getattr(current, "do_not_call_in_templates", False):
        return current
    if getattr(current, "alters_data", False):
        return _string_if_invalid(context)
    try:
        return current()
    except TypeError:
        try:
            sig = signature(current)
        except ValueError:
            return _string_if_invalid(context)
        try:
            sig.bind()
        except TypeError:
            return _string_if_invalid(context)
        raise


# How many characters escaping each ASCII character adds (0: left as is).
cdef unsigned char _ESCAPE_EXTRA[256]
_ESCAPE_EXTRA[:] = [0] * 256
_ESCAPE_EXTRA[ord("&")] = 4
_ESCAPE_EXTRA[ord("<")] = 3
_ESCAPE_EXTRA[ord(">")] = 3
_ESCAPE_EXTRA[ord('"')] = 5
_ESCAPE_EXTRA[ord("'")] = 5


cdef inline const char *_escaped(Py_UCS4 ch) noexcept:
    # The entity for one of the five characters that _ESCAPE_EXTRA marks.
    if ch == u"&":
        return b"&amp;"
    if ch == u"<":
        return b"&lt;"
    if ch == u">":
        return b"&gt;"
    if ch == u'"':
        return b"&quot;"
    return b"&#x27;"


cdef object _escape(object s):
    # html.escape(s): & < > " ' become &amp; &lt; &gt; &quot; &#x27;. One
    # pass counts what the escaped copy needs, a second writes it straight
    # into a new str of the same kind; text with nothing to escape (most of
    # it) is returned as it is after the first pass.
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s)
    cdef int kind = PyUnicode_KIND(s)
    cdef void *data = PyUnicode_DATA(s)
    cdef Py_ssize_t i, j, extra = 0
    cdef Py_UCS4 ch
    cdef object result
    cdef int rkind
    cdef void *rdata
    cdef const char *rep
    cdef const Py_UCS1 *ucs1
    cdef const Py_UCS2 *ucs2
    cdef const Py_UCS4 *ucs4
    cdef Py_UCS1 *out1
    # A table lookup per character, on a pointer of the string's own width
    # (no PyUnicode_READ kind switch per character).
    if kind == 1:
        ucs1 = <const Py_UCS1 *>data
        for i in range(n):
            extra += _ESCAPE_EXTRA[ucs1[i]]
    elif kind == 2:
        ucs2 = <const Py_UCS2 *>data
        for i in range(n):
            if ucs2[i] < 128:
                extra += _ESCAPE_EXTRA[ucs2[i]]
    else:
        ucs4 = <const Py_UCS4 *>data
        for i in range(n):
            if ucs4[i] < 128:
                extra += _ESCAPE_EXTRA[ucs4[i]]
    if extra == 0:
        return s
    # The copy has the same maximum character, so the same kind.
    result = PyUnicode_New(n + extra, PyUnicode_MAX_CHAR_VALUE(s))
    rkind = PyUnicode_KIND(result)
    rdata = PyUnicode_DATA(result)
    j = 0
    if kind == 1 and rkind == 1:
        ucs1 = <const Py_UCS1 *>data
        out1 = <Py_UCS1 *>rdata
        for i in range(n):
            if _ESCAPE_EXTRA[ucs1[i]] == 0:
                out1[j] = ucs1[i]
                j += 1
                continue
            rep = _escaped(ucs1[i])
            while rep[0] != 0:
                out1[j] = <Py_UCS1>rep[0]
                j += 1
                rep += 1
        return result
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        if ch == u"&":
            rep = b"&amp;"
        elif ch == u"<":
            rep = b"&lt;"
        elif ch == u">":
            rep = b"&gt;"
        elif ch == u'"':
            rep = b"&quot;"
        elif ch == u"'":
            rep = b"&#x27;"
        else:
            PyUnicode_WRITE(rkind, rdata, j, ch)
            j += 1
            continue
        while rep[0] != 0:
            PyUnicode_WRITE(rkind, rdata, j, <Py_UCS4>rep[0])
            j += 1
            rep += 1
    return result


def render_value_in_context(value, context):
    """Return ``value`` as text for ``context``: converted to the current
    time zone, localized, and escaped when autoescaping unless it is safe.
    """
    return _render_value(value, context)


# str(i) for small non-negative ints (ids, counters): str() of an int costs
# more than the rest of rendering it.
cdef tuple _SMALL_INT_STRS = tuple([str(i) for i in range(1024)])


cdef object _render_value(object value, object context):
    cdef long iv
    cdef int overflow
    cls = type(value)
    if cls is str:
        if context.autoescape:
            return _escape(value)
        return value
    if cls is _SafeString:
        return value
    if cls is int:
        if not _thousand_separator():
            iv = PyLong_AsLongAndOverflow(value, &overflow)
            if overflow == 0 and 0 <= iv < 1024:
                return <object>PyTuple_GET_ITEM(_SMALL_INT_STRS, iv)
            return str(value)
    value = _template_localtime(value, context.use_tz)
    value = _localize(value, context.use_l10n)
    if context.autoescape:
        if not isinstance(value, str):
            value = str(value)
        if hasattr(value, "__html__"):
            return value.__html__()
        return _escape(value)
    return str(value)


cdef inline bint _thousand_separator() except -1:
    # settings.USE_THOUSAND_SEPARATOR, read from the proxy's cache when it is
    # there: through the proxy, every integer rendered pays its __getattr__.
    cdef PyObject *found = PyDict_GetItem(_settings_cache, "USE_THOUSAND_SEPARATOR")
    if found is not NULL:
        return bool(<object>found)
    return bool(getattr(settings, "USE_THOUSAND_SEPARATOR", False))


cdef object _template_localtime(object value, object use_tz):
    from datetime import datetime

    if not isinstance(value, datetime):
        return value
    from fastdj.utils.timezone import template_localtime

    return template_localtime(value, use_tz)


cdef object _localize(object value, object use_l10n):
    if isinstance(value, str):
        return value
    from fastdj.utils.formats import localize

    return localize(value, use_l10n=use_l10n)
