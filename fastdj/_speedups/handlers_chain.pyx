# cython: language_level=3
"""Middleware chain kernel, Cython twin of fastdj.core.handlers._chain.

Same names, signatures and behaviour as the pure module. The speed comes from:

- each layer is a ``cdef class`` holding the next callable in a typed field;
  middleware get the layer's bound ``handle`` (a METH_O builtin method, so the
  middleware's ``self.get_response(request)`` is a direct C call), and the layer
  calls the middleware's ``__call__`` function directly with vectorcall;
- exception conversion is a C-level try/except around that call;
- the view path (resolve, process_view, view, None check, template response
  middleware) runs with typed locals over tuples, and the entry calls the
  outermost layer through its cdef method;
- the WSGI entry calls the request entry through its cdef method, calls the
  request signals' receivers itself, and for a response that keeps
  HttpResponse's methods builds the status line and header list and iterates
  and closes the body without Python calls;
- the WSGI entry builds a stock WSGIRequest of a plain environ itself, and
  its body runs the request's closers without a bound method per request;
- attributes of long-lived objects (middleware, signals, the root resolver,
  database wrappers) are read from their instance dicts when nothing on the
  class shadows them, and a connection with nothing to close is remembered
  until its dicts or its class change.
"""

import types

cimport cython
from cpython.dict cimport (
    PyDict_Contains,
    PyDict_GetItemWithError,
    PyDict_Next,
    PyDict_Size,
)
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.method cimport PyMethod_Check, PyMethod_GET_FUNCTION, PyMethod_GET_SELF
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from cpython.unicode cimport PyUnicode_GET_LENGTH, PyUnicode_READ_CHAR

from fastdj.core import signals
from fastdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from fastdj.dispatch import Signal

__all__ = [
    "KERNEL_VERSION",
    "RequestEntry",
    "ViewPath",
    "WSGIEntry",
    "build_chain",
    "call_wsgi_entry",
    "convert_exception_to_response",
]

KERNEL_VERSION = 2

cdef object _FunctionType = types.FunctionType
cdef object _CoroutineType = types.CoroutineType
cdef object _NO_URLCONF = object()
# Statuses whose responses never have a body, hence no Content-Length.
cdef frozenset _BODILESS_STATUSES = frozenset({204, 304})


cdef extern from *:
    """
    /* Attribute lookup that reports "missing" without raising AttributeError:
       the render check misses on every plain HttpResponse. */
    #if PY_VERSION_HEX >= 0x030D0000
    #define __fastdj_LookupAttr PyObject_GetOptionalAttr
    #else
    #define __fastdj_LookupAttr _PyObject_LookupAttr
    #endif
    """
    int __fastdj_LookupAttr(object obj, object name, PyObject **result) except -1


cdef object _MISSING = object()


cdef extern from *:
    """
    /* cls.__new__(cls) for a class whose __new__ is object's, without the
       Python call to it. */
    static PyObject *__fastdj_new_instance(PyObject *cls, PyObject *args) {
        PyTypeObject *type = (PyTypeObject *)cls;
        return type->tp_new(type, args, NULL);
    }

    /* Whether the class's tp_new slot is object's own. */
    static int __fastdj_has_object_new(PyObject *cls) {
        return ((PyTypeObject *)cls)->tp_new == PyBaseObject_Type.tp_new;
    }
    """
    object _new_instance "__fastdj_new_instance"(object cls, tuple args)
    bint _has_object_new "__fastdj_has_object_new"(object cls)


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object text)


include "_version_tag.pxi"


cdef class _ClassAnswer:
    """A yes/no question about a class, answered from C and remembered.

    Reading class attributes from C walks the metaclass and the class's MRO
    (about 120 instructions each, and several cache lines that a request
    touches nowhere else). The answer for the last class asked is kept with
    that class's version tag: CPython gives a class a new tag whenever it or
    one of its bases changes, so an override added later (a subclass
    assigned a method, a monkeypatched base) is seen on the next request.
    Classes with their own metaclass are always asked, as the tag does not
    cover it. Subclasses say what is asked in ``_ask``.
    """

    cdef object last
    cdef unsigned int tag
    cdef bint answer

    cdef bint _ask(self, cls) except -1:
        raise NotImplementedError

    cdef bint of(self, cls) except -1:
        """Return the answer for the class ``cls``."""
        cdef unsigned int tag
        cdef bint answer
        if cls is self.last and self.tag != 0 and _version_tag(cls) == self.tag:
            return self.answer
        tag = _version_tag(cls) if type(cls) is type else 0
        answer = self._ask(cls)
        if tag != 0 and _version_tag(cls) == tag:
            self.last = cls
            self.tag = tag
            self.answer = answer
        return answer


@cython.final
cdef class _Stock(_ClassAnswer):
    """Whether a class's attribute ``name`` is still ``value`` (not overridden)."""

    cdef str name
    cdef object value

    def __cinit__(self, str name, value):
        self.name = name
        self.value = value

    cdef bint _ask(self, cls) except -1:
        return getattr(cls, self.name, _MISSING) is self.value


cdef object _object_getattribute = object.__getattribute__
cdef object _object_setattr = object.__setattr__

cdef extern from "Python.h":
    object PyObject_GenericGetDict(object obj, void *context)


@cython.final
cdef class _PlainAttrs(_ClassAnswer):
    """Whether attributes ``names`` of a class's instances live in their dict.

    True when the class keeps object's ``__getattribute__`` and
    ``__setattr__`` and none of the names is a data descriptor on it: then
    reading ``obj.name`` finds ``obj.__dict__[name]`` first, and setting it
    stores it there. For long-lived objects read on every request (database
    wrappers, middleware, signals), a dict lookup costs about two thirds of
    a generic attribute read, and the dict is found once for several.
    """

    cdef tuple names

    def __cinit__(self, *names):
        self.names = names

    cdef bint _ask(self, cls) except -1:
        if getattr(cls, "__getattribute__", None) is not _object_getattribute:
            return False
        if getattr(cls, "__setattr__", None) is not _object_setattr:
            return False
        for name in self.names:
            attr_type = type(getattr(cls, name, None))
            if hasattr(attr_type, "__set__") or hasattr(attr_type, "__delete__"):
                return False
        return True

    cdef dict dict_of(self, obj):
        """Return ``obj.__dict__`` when it holds the names' truth, else None."""
        if not self.of(type(obj)):
            return None
        # The dict object.__getattribute__ reads (made now if the instance
        # keeps its attributes without one), not a lookup of "__dict__".
        values = PyObject_GenericGetDict(obj, NULL)
        return <dict>values if type(values) is dict else None


cdef inline object _attr(dict values, obj, str name):
    """Return ``obj.<name>``, from ``values`` (its dict, or None) when there."""
    cdef PyObject *found
    if values is not None:
        found = PyDict_GetItemWithError(values, name)
        if found is not NULL:
            return <object>found
    return getattr(obj, name)


cdef inline _set_attr(dict values, obj, str name, value):
    """Do ``obj.<name> = value``, in ``values`` (its dict, or None) when given."""
    if values is not None:
        values[name] = value
    else:
        setattr(obj, name, value)


cdef object _settings_dict(settings):
    """Return the cache dict of a LazySettings proxy, or None for anything else.

    ``settings.NAME`` on the proxy goes through its ``__getattr__`` hook even
    when the value is cached in its ``__dict__`` (which is where a plain
    attribute read finds it first): reading that dict is the same answer.
    """
    from fastdj.conf import LazySettings

    if type(settings) is LazySettings:
        return object.__getattribute__(settings, "__dict__")
    return None


cdef inline object _setting(object settings, dict cache, str name):
    """Return ``settings.<name>``, from the proxy's cache when it has it."""
    if cache is not None:
        value = cache.get(name, _MISSING)
        if value is not _MISSING:
            return value
    return getattr(settings, name)


cdef str _ROOT_URLCONF = "ROOT_URLCONF"
cdef str _FORCE_SCRIPT_NAME = "FORCE_SCRIPT_NAME"
cdef str _RENDER = "render"
cdef str _URLCONF = "urlconf"
cdef str _FILE_TO_STREAM = "file_to_stream"
cdef str _COOKIES = "_cookies"
cdef _Stock _plain_send = _Stock("send", Signal.send)


# Signal.send() of a plain Signal whose receivers all take any sender: the
# receivers are cached as (reference, is weak) pairs (see Signal.send), and
# are called from here with plain keywords, without building the list of
# results, which no caller here reads. Anything else goes through send().
cdef str _RECEIVERS = "receivers"
cdef str _DEAD_RECEIVERS = "_dead_receivers"
cdef str _FOR_ANY_SENDER = "_for_any_sender"
cdef _PlainAttrs _signal_attrs = _PlainAttrs(
    _RECEIVERS, _DEAD_RECEIVERS, _FOR_ANY_SENDER
)


cdef inline tuple _any_sender_refs(signal, dict values):
    """``values`` is _signal_attrs.dict_of(signal)."""
    if _plain_send.of(type(signal)) and not _attr(values, signal, _DEAD_RECEIVERS):
        return _attr(values, signal, _FOR_ANY_SENDER)
    return None


# fastdj.db's own request-boundary receivers, run here as C loops instead of
# three Python calls per request (set by _load_db_receivers() when the first
# WSGIEntry is built; until then every receiver is called). They do what
# fastdj.db.reset_queries() and close_old_connections() do; tests run both
# twins against the same connections to keep them in step.
cdef object _db_reset_queries = None
cdef object _db_close_old_connections = None
cdef object _db_connections = None
cdef _Stock _db_stock_close_check = None
cdef str _AUTOCOMMIT = "AUTOCOMMIT"


cdef dict _db_connections_dict = None
# connections._initialized.wrappers, the thread's initialised connections:
# a threading.local read through the generic attribute path twice a request.
cdef _LocalValue _db_initialized = None
cdef str _INITIALIZED = "_initialized"
cdef str _WRAPPERS = "wrappers"


cdef tuple _thread_wrappers():
    global _db_initialized
    cdef PyObject *found = NULL
    wrappers = _MISSING
    if _db_connections_dict is not None:
        found = PyDict_GetItemWithError(_db_connections_dict, _INITIALIZED)
    if found is not NULL:
        # The handler replaces its local when its connections are redefined.
        if _db_initialized is None or _db_initialized.local is not <object>found:
            _db_initialized = _LocalValue(<object>found, _WRAPPERS)
        wrappers = _db_initialized.get(_MISSING)
    else:
        try:
            wrappers = _db_connections._initialized.wrappers
        except AttributeError:
            pass
    if wrappers is _MISSING:
        wrappers = _db_connections.all(initialized_only=True)
    return wrappers if type(wrappers) is tuple else tuple(wrappers)


cdef str _QUERIES_LOG = "queries_log"
cdef str _CONNECTION = "connection"
cdef str _CLOSE_AT = "close_at"
cdef str _ERRORS_OCCURRED = "errors_occurred"
cdef str _AUTOCOMMIT_ATTR = "autocommit"
cdef str _SETTINGS_DICT = "settings_dict"
cdef str _HEALTH_CHECK_DONE = "health_check_done"
cdef _PlainAttrs _wrapper_attrs = _PlainAttrs(
    _QUERIES_LOG,
    _CONNECTION,
    _CLOSE_AT,
    _ERRORS_OCCURRED,
    _AUTOCOMMIT_ATTR,
    _SETTINGS_DICT,
    _HEALTH_CHECK_DONE,
)


cdef _reset_queries(tuple wrappers):
    for conn in wrappers:
        log = _attr(_wrapper_attrs.dict_of(conn), conn, _QUERIES_LOG)
        if log:
            log.clear()


cdef extern from *:
    """
    /* PEP 509's dict version, which changes whenever the dict does (CPython
       3.11; later versions deprecate it, and there it is not used). */
    #if PY_VERSION_HEX < 0x030C0000
    #define __fastdj_DICT_VERSIONS 1
    #define __fastdj_dict_version(d) (((PyDictObject *)(d))->ma_version_tag)
    #else
    #define __fastdj_DICT_VERSIONS 0
    #define __fastdj_dict_version(d) ((unsigned long long)0)
    #endif
    """
    bint _DICT_VERSIONS "__fastdj_DICT_VERSIONS"
    unsigned long long _dict_version "__fastdj_dict_version"(dict d)


@cython.final
cdef class _IdleConnection:
    """A wrapper that close_old_connections() found with nothing to do.

    Connected, persistent, without errors, in its configured autocommit
    mode, with the stock close_if_unusable_or_obsolete() and with
    health_check_done already False: the check changes nothing while the
    wrapper's instance dict, its settings dict and its class are the same,
    which the dicts' versions and the class's version tag tell in a few
    instructions instead of six attribute reads.
    """

    cdef object conn
    cdef dict values
    cdef dict settings
    cdef unsigned long long values_version
    cdef unsigned long long settings_version
    cdef unsigned int tag

    cdef bint unchanged(self, dict values) noexcept:
        return (
            self.values is values
            and self.values_version == _dict_version(values)
            and self.settings_version == _dict_version(self.settings)
            and _version_tag(type(self.conn)) == self.tag
        )


# The wrappers last found idle (a process has a few connections).
cdef list _idle_connections = []
cdef Py_ssize_t _IDLE_CONNECTIONS_MAX = 8


cdef _IdleConnection _idle_entry(conn):
    cdef _IdleConnection entry
    for entry in _idle_connections:
        if entry.conn is conn:
            return entry
    return None


cdef _remember_idle(conn, dict values, settings):
    """Note that ``conn`` (instance dict ``values``) has nothing to do."""
    cdef unsigned int tag = _version_tag(type(conn))
    if tag == 0 or type(settings) is not dict:
        return
    entry = _idle_entry(conn)
    if entry is None:
        if len(_idle_connections) >= _IDLE_CONNECTIONS_MAX:
            _idle_connections.clear()
        entry = _IdleConnection()
        entry.conn = conn
        _idle_connections.append(entry)
    entry.values = values
    entry.settings = <dict>settings
    entry.values_version = _dict_version(values)
    entry.settings_version = _dict_version(<dict>settings)
    entry.tag = tag


cdef _close_old_connections(tuple wrappers):
    cdef dict values
    cdef _IdleConnection entry
    for conn in wrappers:
        values = _wrapper_attrs.dict_of(conn)
        if values is not None and _DICT_VERSIONS:
            entry = _idle_entry(conn)
            if entry is not None and entry.unchanged(values):
                continue
        if _attr(values, conn, _CONNECTION) is None:
            continue
        settings = _attr(values, conn, _SETTINGS_DICT)
        if (
            _attr(values, conn, _CLOSE_AT) is None
            and not _attr(values, conn, _ERRORS_OCCURRED)
            and _db_stock_close_check.of(type(conn))
            and _attr(values, conn, _AUTOCOMMIT_ATTR) == settings[_AUTOCOMMIT]
        ):
            # Usually False already (no query ran): a read costs less than
            # the write, with the same outcome.
            if _attr(values, conn, _HEALTH_CHECK_DONE) is not False:
                _set_attr(values, conn, _HEALTH_CHECK_DONE, False)
            if values is not None and _DICT_VERSIONS:
                _remember_idle(conn, values, settings)
        else:
            conn.close_if_unusable_or_obsolete()


cdef _send_request_started(signal, sender, environ, dict values):
    """Do what ``signal.send(sender=sender, environ=environ)`` does.

    ``values`` is _signal_attrs.dict_of(signal).
    """
    refs = _any_sender_refs(signal, values)
    if refs is None:
        signal.send(sender=sender, environ=environ)
        return
    # The thread's connections, read once for fastdj.db's two receivers
    # unless another receiver runs between them (it may open a connection).
    cdef tuple wrappers = None
    for ref, weak in refs:
        receiver = ref() if weak else ref
        if receiver is None:
            continue
        if receiver is _db_close_old_connections:
            if wrappers is None:
                wrappers = _thread_wrappers()
            _close_old_connections(wrappers)
        elif receiver is _db_reset_queries:
            if wrappers is None:
                wrappers = _thread_wrappers()
            _reset_queries(wrappers)
        else:
            receiver(signal=signal, sender=sender, environ=environ)
            wrappers = None


cdef _send_request_finished(signal, sender):
    """Do what ``signal.send(sender=sender)`` does."""
    cdef dict values = _signal_attrs.dict_of(signal)
    if _plain_send.of(type(signal)) and not _attr(values, signal, _RECEIVERS):
        return
    refs = _any_sender_refs(signal, values)
    if refs is None:
        signal.send(sender=sender)
        return
    for ref, weak in refs:
        receiver = ref() if weak else ref
        if receiver is None:
            continue
        if receiver is _db_close_old_connections:
            _close_old_connections(_thread_wrappers())
        else:
            receiver(signal=signal, sender=sender)


# The response methods the body and the entry do inline for a response that
# keeps them (set when the first WSGIEntry is built: fastdj.http imports
# the handlers, not the other way round).
cdef _Stock _stock_close = None
cdef _Stock _stock_wsgi_status = None
cdef _Stock _stock_wsgi_headers = None
cdef _Stock _stock_iter = None
cdef dict _status_lines = None
cdef _Stock _stock_has_header = None
cdef _Stock _stock_content = None
cdef object _ResponseHeaders = None
cdef _Stock _stock_setdefault = None
cdef object _request_close = None
cdef _Stock _stock_get_host = None
cdef _Stock _stock_get_raw_host = None
cdef dict _valid_hosts = None
cdef _Stock _stock_request_init = None
cdef _Stock _stock_request_close = None


cdef _load_response_methods():
    global _stock_close, _stock_wsgi_status, _stock_wsgi_headers
    global _stock_iter, _status_lines
    global _stock_has_header, _stock_content, _ResponseHeaders, _request_close
    global _stock_setdefault
    global _stock_get_host, _stock_get_raw_host, _valid_hosts
    global _stock_request_init, _stock_request_close
    from fastdj.http import request as request_module
    from fastdj.http.request import HttpRequest, WSGIRequest
    from fastdj.http.response import (
        _STATUS_LINES,
        HttpResponse,
        HttpResponseBase,
        ResponseHeaders,
    )

    _stock_close = _Stock("close", HttpResponseBase.close)
    _stock_wsgi_status = _Stock("wsgi_status", HttpResponseBase.wsgi_status)
    _stock_wsgi_headers = _Stock("wsgi_headers", HttpResponseBase.wsgi_headers)
    _stock_iter = _Stock("__iter__", HttpResponse.__iter__)
    _status_lines = _STATUS_LINES
    _stock_has_header = _Stock("has_header", HttpResponseBase.has_header)
    _stock_content = _Stock("content", HttpResponse.content)
    _ResponseHeaders = ResponseHeaders
    _stock_setdefault = _Stock("setdefault", HttpResponseBase.setdefault)
    _request_close = HttpRequest.close
    _stock_get_host = _Stock("get_host", HttpRequest.get_host)
    _stock_get_raw_host = _Stock("_get_raw_host", HttpRequest._get_raw_host)
    _valid_hosts = request_module._valid_hosts
    _stock_request_init = _Stock("__init__", WSGIRequest.__init__)
    _stock_request_close = _Stock("close", HttpRequest.close)


cdef _load_db_receivers():
    global _db_reset_queries, _db_close_old_connections, _db_connections
    global _db_connections_dict
    global _db_stock_close_check
    import fastdj.db as db_module

    _db_reset_queries = db_module.reset_queries
    _db_close_old_connections = db_module.close_old_connections
    _db_connections = db_module.connections
    _db_connections_dict = getattr(_db_connections, "__dict__", None)
    if type(_db_connections_dict) is not dict:
        _db_connections_dict = None
    _db_stock_close_check = _Stock(
        "close_if_unusable_or_obsolete", db_module._stock_close_check
    )


cdef list _values_list(store):
    """Return ``list(store.values())``; a dict's is filled in one C loop."""
    cdef Py_ssize_t pos = 0, i = 0
    cdef PyObject *key
    cdef PyObject *value
    if type(store) is not dict:
        return list(store.values())
    cdef list values = PyList_New(PyDict_Size(store))
    while PyDict_Next(store, &pos, &key, &value):
        Py_INCREF(<object>value)
        PyList_SET_ITEM(values, i, <object>value)
        i += 1
    return values


# Body length -> its Content-Length header store item: str(int) and the
# tuple cost far more than a dict lookup, and most bodies of a site have a
# few lengths.
cdef dict _length_items = {}
cdef Py_ssize_t _LENGTH_ITEMS_MAX = 1024


cdef tuple _length_item(length):
    """Return ("Content-Length", str(length)) for an int length."""
    item = _length_items.get(length)
    if item is None:
        item = (_CONTENT_LENGTH, str(length))
        if len(_length_items) >= _LENGTH_ITEMS_MAX:
            _length_items.clear()
        _length_items[length] = item
    return <tuple>item


cdef object _body_length(response):
    """Return len(response.content), without joining a one-chunk body."""
    if _stock_content.of(type(response)):
        container = response._container
        if type(container) is list and len(<list>container) == 1:
            chunk = (<list>container)[0]
            if type(chunk) is bytes:
                return len(<bytes>chunk)
    return len(response.content)


cdef inline object _lookup(object obj, str name, object default):
    """Return obj.name, or ``default`` when it is missing, raising nothing."""
    cdef PyObject *result = NULL
    if __fastdj_LookupAttr(obj, name, &result) == 0:
        return default
    value = <object>result
    # _PyObject_LookupAttr gave a new reference and the cast took another.
    Py_XDECREF(result)
    return value


cdef object _unbound_call(object obj):
    """Return the plain function ``obj(...)`` runs as ``f(obj, ...)``, or None.

    See the pure module: only a plain function found on the type is used.
    """
    for klass in type(obj).__mro__:
        namespace = klass.__dict__
        if "__call__" in namespace:
            attr = namespace["__call__"]
            return attr if type(attr) is _FunctionType else None
    return None


# The ``handle`` methods below are METH_O builtin methods (binding=False), so a
# middleware's ``self.get_response(request)`` is a direct C call. Their
# docstrings start with a hand-written text signature ("name(...)\n--\n\n")
# because inspect.signature() of a builtin method reads it from there: it
# must match the pure module's ``handle(self, request, /)``.
cdef class _Layer:
    """A callable (a middleware instance) whose exceptions become responses."""

    cdef object target
    cdef object instance
    cdef object response_for_exception
    cdef bint unbound

    def __cinit__(self, get_response, response_for_exception, *args):
        call = _unbound_call(get_response)
        self.unbound = call is not None
        self.target = call if self.unbound else get_response
        self.instance = get_response
        self.response_for_exception = response_for_exception

    cdef object call(self, request):
        try:
            if self.unbound:
                return self.target(self.instance, request)
            return self.target(request)
        except Exception as exc:
            return self.response_for_exception(request, exc)

    @cython.binding(False)
    @cython.always_allow_keywords(False)
    @cython.embedsignature(False)
    def handle(self, request):
        """handle(self, request, /)
--

Return the wrapped callable's response for ``request``."""
        return self.call(request)


cdef str _DISALLOWED_USER_AGENTS = "DISALLOWED_USER_AGENTS"
cdef str _PREPEND_WWW = "PREPEND_WWW"
cdef str _CONTENT_LENGTH_KEY = "content-length"
cdef str _CONTENT_LENGTH = "Content-Length"
cdef str _USE_X_FORWARDED_HOST = "USE_X_FORWARDED_HOST"
cdef str _ALLOWED_HOSTS = "ALLOWED_HOSTS"
cdef str _DEBUG = "DEBUG"
cdef str _HTTP_HOST = "HTTP_HOST"


cdef str _OWN_PROCESS_REQUEST = "_own_process_request"
cdef str _OWN_PROCESS_RESPONSE = "_own_process_response"
cdef str _GET_RESPONSE = "get_response"
cdef str _REDIRECT = "redirect"
cdef str _STS_SECONDS = "sts_seconds"
cdef str _CONTENT_TYPE_NOSNIFF = "content_type_nosniff"
cdef str _REFERRER_POLICY_ATTR = "referrer_policy"
cdef str _COOP_ATTR = "cross_origin_opener_policy"
# The attributes of a stock CommonMiddleware or SecurityMiddleware that their
# layers read on every request.
cdef tuple _MIDDLEWARE_ATTRS = (
    _OWN_PROCESS_REQUEST,
    _OWN_PROCESS_RESPONSE,
    _GET_RESPONSE,
    _REDIRECT,
    _STS_SECONDS,
    _CONTENT_TYPE_NOSNIFF,
    _REFERRER_POLICY_ATTR,
    _COOP_ATTR,
)


cdef class _InlineLayer(_Layer):
    """The layer of a stock fastdj middleware whose ``__call__`` runs in C.

    Its subclass's ``call`` does what the middleware's ``__call__`` does, step
    for step (the same attribute reads, the same settings, the same fallbacks
    to process_request/process_response), without its Python frame; it calls
    the layer inside directly when ``get_response`` is still that layer's.
    """

    cdef object settings
    cdef dict settings_dict
    cdef object inner_handle
    cdef _Layer inner_layer
    cdef ViewPath inner_view
    # One per layer: it remembers the answer for one class.
    cdef _PlainAttrs instance_attrs

    def __init__(self, get_response, response_for_exception, inner_handle):
        from fastdj.conf import settings

        self.instance_attrs = _PlainAttrs(*_MIDDLEWARE_ATTRS)

        if _stock_close is None:
            _load_response_methods()
        self.settings = settings
        self.settings_dict = _settings_dict(settings)
        self.inner_handle = inner_handle
        owner = getattr(inner_handle, "__self__", None)
        if getattr(inner_handle, "__name__", None) == "handle":
            if isinstance(owner, _Layer):
                self.inner_layer = owner
            elif isinstance(owner, ViewPath):
                self.inner_view = owner

    cdef object call_inner(self, request, get_response):
        """Return ``get_response(request)``, the instance's get_response."""
        if get_response is self.inner_handle:
            if self.inner_layer is not None:
                return self.inner_layer.call(request)
            if self.inner_view is not None:
                return self.inner_view.call(request)
        return get_response(request)


cdef class _CommonLayer(_InlineLayer):
    """The layer of a CommonMiddleware whose ``__call__`` is the stock one."""

    cdef object call(self, request):
        cdef dict values
        instance = self.instance
        try:
            values = self.instance_attrs.dict_of(instance)
            if (
                _attr(values, instance, _OWN_PROCESS_REQUEST)
                and not _setting(
                    self.settings, self.settings_dict, _DISALLOWED_USER_AGENTS
                )
                and not _setting(self.settings, self.settings_dict, _PREPEND_WWW)
            ):
                self.validate_host(request)
                response = self.call_inner(
                    request, _attr(values, instance, _GET_RESPONSE)
                )
            else:
                response = instance.process_request(request)
                if not response:
                    response = instance.get_response(request)
            # Read again: the inner layers ran code that may have changed it.
            values = self.instance_attrs.dict_of(instance)
            if (
                _attr(values, instance, _OWN_PROCESS_RESPONSE)
                and response.status_code != 404
                and not response.streaming
                and _stock_has_header.of(type(response))
            ):
                headers = response.headers
                if type(headers) is _ResponseHeaders:
                    store = headers._store
                    if _CONTENT_LENGTH_KEY not in store:
                        store[_CONTENT_LENGTH_KEY] = _length_item(
                            _body_length(response)
                        )
                    return response
            return instance.process_response(request, response)
        except Exception as exc:
            return self.response_for_exception(request, exc)

    cdef validate_host(self, request):
        """Do what ``request.get_host()`` does, its result unused.

        A host that HttpRequest.get_host() already found valid for the same
        ALLOWED_HOSTS (the answer it caches in fastdj.http.request's
        _valid_hosts) is taken as valid here, reading what it reads;
        anything else is left to get_host() itself.
        """
        cdef object settings = self.settings
        cdef dict cache = self.settings_dict
        cls = type(request)
        if (
            _stock_get_host.of(cls)
            and _stock_get_raw_host.of(cls)
            and not _setting(settings, cache, _USE_X_FORWARDED_HOST)
        ):
            meta = request.META
            if type(meta) is dict:
                host = (<dict>meta).get(_HTTP_HOST)
                if host is not None:
                    allowed_hosts = _setting(settings, cache, _ALLOWED_HOSTS)
                    if allowed_hosts or not _setting(settings, cache, _DEBUG):
                        valid_for = _valid_hosts.get(host)
                        if valid_for is not None and valid_for == allowed_hosts:
                            return
        request.get_host()


cdef str _NOSNIFF_KEY = "x-content-type-options"
cdef tuple _NOSNIFF_ITEM = ("X-Content-Type-Options", "nosniff")
cdef str _REFERRER_POLICY_KEY = "referrer-policy"
cdef str _REFERRER_POLICY = "Referrer-Policy"
cdef str _COOP_KEY = "cross-origin-opener-policy"
cdef str _COOP = "Cross-Origin-Opener-Policy"


cdef class _SecurityLayer(_InlineLayer):
    """The layer of a SecurityMiddleware whose ``__call__`` is the stock one.

    Without HSTS (which reads the request's scheme) and with the stock
    process_response, the headers it would set with setdefault() go straight
    into the response's header store, after the same "not already set" test;
    a value is checked by ResponseHeaders' own __setitem__ the first time.
    """

    # The last SECURE_REFERRER_POLICY and SECURE_CROSS_ORIGIN_OPENER_POLICY
    # (when str) and the header store items ResponseHeaders made of them: the
    # same for every response, so later responses get the items as they are.
    cdef object policy_source
    cdef object policy_item
    cdef object opener_source
    cdef object opener_item

    cdef object call(self, request):
        cdef dict values
        instance = self.instance
        try:
            values = self.instance_attrs.dict_of(instance)
            if _attr(values, instance, _OWN_PROCESS_REQUEST) and not _attr(
                values, instance, _REDIRECT
            ):
                response = self.call_inner(
                    request, _attr(values, instance, _GET_RESPONSE)
                )
            else:
                response = instance.process_request(request)
                if not response:
                    response = instance.get_response(request)
            # Read again: the inner layers ran code that may have changed it.
            values = self.instance_attrs.dict_of(instance)
            if _attr(values, instance, _OWN_PROCESS_RESPONSE) and not _attr(
                values, instance, _STS_SECONDS
            ):
                headers = response.headers
                if (
                    type(headers) is _ResponseHeaders
                    and _stock_setdefault.of(type(response))
                ):
                    self.set_headers(instance, values, headers)
                    return response
            return instance.process_response(request, response)
        except Exception as exc:
            return self.response_for_exception(request, exc)

    cdef set_headers(self, instance, dict values, headers):
        """``values`` is self.instance_attrs.dict_of(instance)."""
        cdef dict store = headers._store
        if _attr(values, instance, _CONTENT_TYPE_NOSNIFF) and _NOSNIFF_KEY not in store:
            store[_NOSNIFF_KEY] = _NOSNIFF_ITEM
        policy = _attr(values, instance, _REFERRER_POLICY_ATTR)
        if policy and _REFERRER_POLICY_KEY not in store:
            if policy is self.policy_source:
                store[_REFERRER_POLICY_KEY] = self.policy_item
            else:
                headers[_REFERRER_POLICY] = _referrer_policy_value(policy)
                if type(policy) is str:
                    self.policy_source = policy
                    self.policy_item = store[_REFERRER_POLICY_KEY]
        opener = _attr(values, instance, _COOP_ATTR)
        if opener and _COOP_KEY not in store:
            if opener is self.opener_source:
                store[_COOP_KEY] = self.opener_item
            else:
                headers[_COOP] = opener
                if type(opener) is str:
                    self.opener_source = opener
                    self.opener_item = store[_COOP_KEY]


cdef object _common_call = None
cdef object _security_call = None
cdef object _referrer_policy_value = None


cdef _Layer _layer_for(instance, response_for_exception, inner_handle):
    """Return the layer for a middleware instance built around inner_handle."""
    global _common_call, _security_call, _referrer_policy_value
    if _common_call is None:
        from fastdj.middleware import security
        from fastdj.middleware.common import CommonMiddleware

        _common_call = CommonMiddleware.__call__
        _security_call = security.SecurityMiddleware.__call__
        _referrer_policy_value = security.referrer_policy_value
    call = _unbound_call(instance)
    if call is _common_call:
        return _CommonLayer(instance, response_for_exception, inner_handle)
    if call is _security_call:
        return _SecurityLayer(instance, response_for_exception, inner_handle)
    return _Layer(instance, response_for_exception)


def convert_exception_to_response(get_response, response_for_exception):
    """Return ``get_response`` wrapped so that any Exception becomes a response.

    ``response_for_exception(request, exc)`` makes the response.
    """
    return _Layer(get_response, response_for_exception).handle


def build_chain(inner, middleware, response_for_exception, not_used=None):
    """Instantiate the middleware around ``inner`` and return the chain.

    ``middleware`` holds (dotted path, factory) pairs, outermost first. Each
    factory is called with the get_response of the layer inside it; a factory
    raising MiddlewareNotUsed is left out (``not_used(path, exc)`` is told), one
    returning None is an ImproperlyConfigured error. Return (chain,
    view_middleware, template_response_middleware, exception_middleware), the
    method lists in the order Django calls them.
    """
    cdef list view_middleware = []
    cdef list template_response_middleware = []
    cdef list exception_middleware = []
    handler = inner
    for path, factory in reversed(list(middleware)):
        try:
            instance = factory(handler)
        except MiddlewareNotUsed as exc:
            if not_used is not None:
                not_used(path, exc)
            continue
        if instance is None:
            raise ImproperlyConfigured(f"Middleware factory {path} returned None.")
        if hasattr(instance, "process_view"):
            view_middleware.insert(0, instance.process_view)
        if hasattr(instance, "process_template_response"):
            template_response_middleware.append(instance.process_template_response)
        if hasattr(instance, "process_exception"):
            exception_middleware.append(instance.process_exception)
        handler = _layer_for(instance, response_for_exception, handler).handle
    return (
        handler,
        view_middleware,
        template_response_middleware,
        exception_middleware,
    )


cdef _Stock _stock_resolve = None
cdef object _ResolverMatch = None
cdef object _new_object = object.__new__
# The byte offsets in a ResolverMatch of its slots func, args, kwargs,
# captured_kwargs, _compiled and _path, read for the class's version tag
# _match_tag: while the tag is unchanged, a match built here gets its slots
# written directly (six generic setattr calls cost about 150 instructions
# each). _match_direct is False when a slot's descriptor is not a plain
# member (replaced on the class): the match is then built with setattr.
cdef Py_ssize_t[6] _match_offsets
cdef unsigned int _match_tag = 0
cdef bint _match_direct = False
cdef tuple _MATCH_SLOTS = ("func", "args", "kwargs", "captured_kwargs", "_compiled", "_path")


cdef extern from "structmember.h":
    ctypedef struct PyMemberDef:
        Py_ssize_t offset
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member


cdef _load_match_slots():
    global _match_tag, _match_direct
    cdef Py_ssize_t i
    cdef unsigned int tag
    # A class attribute lookup gives the class a version tag if it has none.
    member_type = type(getattr(_ResolverMatch, "func"))
    tag = _version_tag(_ResolverMatch)
    direct = True
    for i in range(6):
        descr = _ResolverMatch.__dict__.get(_MATCH_SLOTS[i])
        if type(descr) is not member_type:
            direct = False
            break
        _match_offsets[i] = (<PyMemberDescrObject *>descr).d_member.offset
    # Remembered only for a tag that held while the slots were read.
    if tag != 0 and _version_tag(_ResolverMatch) == tag:
        _match_tag = tag
        _match_direct = direct
    else:
        _match_tag = 0
        _match_direct = False


cdef inline void _set_slot(object obj, Py_ssize_t offset, object value):
    cdef PyObject **slot = <PyObject **>((<char *><PyObject *>obj) + offset)
    cdef PyObject *old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject *>value
    Py_XDECREF(old)


cdef object _build_match(func, args, kwargs, captured, compiled, path):
    """Return a ResolverMatch as the route table's matches are built."""
    if _has_object_new(_ResolverMatch):
        match = _new_instance(_ResolverMatch, ())
    else:
        match = _new_object(_ResolverMatch)
    if _match_tag == 0 or _version_tag(_ResolverMatch) != _match_tag:
        _load_match_slots()
    if _match_direct and _version_tag(_ResolverMatch) == _match_tag:
        _set_slot(match, _match_offsets[0], func)
        _set_slot(match, _match_offsets[1], args)
        _set_slot(match, _match_offsets[2], kwargs)
        _set_slot(match, _match_offsets[3], captured)
        _set_slot(match, _match_offsets[4], compiled)
        _set_slot(match, _match_offsets[5], path)
        return match
    match.func = func
    match.args = args
    match.kwargs = kwargs
    match.captured_kwargs = captured
    match._compiled = compiled
    match._path = path
    return match


cdef str _TABLE = "_table"
cdef str _ROOT = "_root"
cdef _PlainAttrs _resolver_attrs = _PlainAttrs(_TABLE, _ROOT)


# The last route table matched against and its bound match method: a
# method looked up and bound on every call costs a third of a static match.
cdef object _last_table = None
cdef object _last_table_match = None


cdef tuple _resolve(resolver, path):
    """Return ``resolver.resolve(path)`` and its func, args and kwargs.

    For a root URLResolver that keeps URLResolver.resolve and has compiled
    its route table, a path the table matches gets its ResolverMatch built
    here, exactly as resolve() builds it, without resolve()'s Python frame;
    anything else (a miss, a lazy path, another resolver) goes to resolve().
    """
    global _stock_resolve, _ResolverMatch, _last_table, _last_table_match
    if _stock_resolve is None:
        from fastdj.urls.resolvers import ResolverMatch, URLResolver

        _stock_resolve = _Stock("resolve", URLResolver.resolve)
        _ResolverMatch = ResolverMatch
    cdef dict values
    if type(path) is str and _stock_resolve.of(type(resolver)):
        values = _resolver_attrs.dict_of(resolver)
        table = _attr(values, resolver, _TABLE)
        if table is not None and _attr(values, resolver, _ROOT):
            if table is not _last_table:
                _last_table_match = table.match
                _last_table = table
            found = _last_table_match(path)
            if found is not None:
                compiled, args, kwargs, captured = <tuple>found
                func = compiled.func
                match = _build_match(func, args, kwargs, captured, compiled, path)
                return match, func, args, kwargs
    match = resolver.resolve(path)
    return match, match.func, match.args, match.kwargs


cdef class ViewPath:
    """Resolve the request and run the view with its middleware hooks.

    ``handle(request)`` never raises an Exception: one that escapes becomes a
    response through ``response_for_exception``, as for a middleware layer.
    ``resolver_for(urlconf)`` returns the root resolver of a URLconf name:
    the request's ``urlconf`` if it has one, else ``settings.ROOT_URLCONF``.
    """

    cdef object resolver_for
    cdef object settings
    cdef dict settings_dict
    cdef object set_urlconf
    cdef object check_response
    cdef object response_for_exception
    cdef tuple view_middleware
    cdef tuple template_response_middleware
    cdef tuple exception_middleware

    def __init__(self, resolver_for, settings, set_urlconf, check_response,
                 response_for_exception):
        self.resolver_for = resolver_for
        self.settings = settings
        self.settings_dict = _settings_dict(settings)
        self.set_urlconf = set_urlconf
        self.check_response = check_response
        self.response_for_exception = response_for_exception
        self.view_middleware = ()
        self.template_response_middleware = ()
        self.exception_middleware = ()

    def set_middleware(self, view_middleware, template_response_middleware,
                       exception_middleware):
        """Set the process_view/process_template_response/process_exception lists."""
        self.view_middleware = tuple(view_middleware)
        self.template_response_middleware = tuple(template_response_middleware)
        self.exception_middleware = tuple(exception_middleware)

    cdef object call(self, request):
        try:
            return self._get_response(request)
        except Exception as exc:
            return self.response_for_exception(request, exc)

    @cython.binding(False)
    @cython.always_allow_keywords(False)
    @cython.embedsignature(False)
    def handle(self, request):
        """handle(self, request, /)
--

Return the response for ``request``; exceptions become responses."""
        return self.call(request)

    def get_response(self, request):
        """Return the view's response for ``request``; exceptions propagate."""
        return self._get_response(request)

    def process_exception(self, request, exc):
        """Return the first response a process_exception method gives, or None."""
        return self._process_exception(request, exc)

    cdef object _get_response(self, request):
        cdef Py_ssize_t i, n
        cdef tuple methods
        urlconf = _lookup(request, _URLCONF, _NO_URLCONF)
        if urlconf is _NO_URLCONF:
            urlconf = _setting(self.settings, self.settings_dict, _ROOT_URLCONF)
        else:
            self.set_urlconf(urlconf)
            if urlconf is None:
                urlconf = _setting(self.settings, self.settings_dict, _ROOT_URLCONF)
        match, callback, args, kwargs = _resolve(
            self.resolver_for(urlconf), request.path_info
        )
        request.resolver_match = match

        response = None
        methods = self.view_middleware
        n = PyTuple_GET_SIZE(methods)
        for i in range(n):
            response = (<object>PyTuple_GET_ITEM(methods, i))(
                request, callback, args, kwargs
            )
            if response:
                break
        if response is None:
            try:
                if not kwargs:
                    if not args:
                        response = callback(request)
                    else:
                        response = callback(request, *args)
                else:
                    response = callback(request, *args, **kwargs)
            except Exception as exc:
                response = self._process_exception(request, exc)
                if response is None:
                    raise
        if response is None or type(response) is _CoroutineType:
            self.check_response(response, callback)

        render = _lookup(response, _RENDER, None)
        if render is not None and callable(render):
            methods = self.template_response_middleware
            n = PyTuple_GET_SIZE(methods)
            for i in range(n):
                method = <object>PyTuple_GET_ITEM(methods, i)
                response = method(request, response)
                if response is None or type(response) is _CoroutineType:
                    self.check_response(
                        response,
                        method,
                        name=(
                            f"{method.__self__.__class__.__name__}"
                            ".process_template_response"
                        ),
                    )
            try:
                response = response.render()
            except Exception as exc:
                response = self._process_exception(request, exc)
                if response is None:
                    raise
        return response

    cdef object _process_exception(self, request, exc):
        cdef Py_ssize_t i, n
        cdef tuple methods = self.exception_middleware
        n = PyTuple_GET_SIZE(methods)
        for i in range(n):
            response = (<object>PyTuple_GET_ITEM(methods, i))(request, exc)
            if response:
                return response
        return None


cdef extern from "Python.h":
    PyObject* PyThreadState_GetDict()


cdef object _thread_local_type = None
cdef str _VALUE = "value"
cdef str _SCRIPT_NAME = "SCRIPT_NAME"
cdef str _REQUEST_METHOD = "REQUEST_METHOD"
cdef str _PATH_INFO = "PATH_INFO"
cdef str _SCRIPT_URL = "SCRIPT_URL"
cdef str _REDIRECT_URL = "REDIRECT_URL"
cdef str _SLASH = "/"


cdef bint _is_upper_ascii(text) except -1:
    """Return whether ``text`` is an ASCII str that str.upper() leaves as is."""
    cdef Py_ssize_t i
    cdef Py_UCS4 char
    if type(text) is not str or not PyUnicode_IS_ASCII(text):
        return False
    for i in range(PyUnicode_GET_LENGTH(text)):
        char = PyUnicode_READ_CHAR(text, i)
        if 97 <= char <= 122:
            return False
    return True


cdef inline bint _is_ascii_path(path_info) except -1:
    """Return whether ``path_info`` is an ASCII str starting with "/"."""
    return (
        type(path_info) is str
        and PyUnicode_IS_ASCII(path_info)
        and PyUnicode_GET_LENGTH(path_info) > 0
        and PyUnicode_READ_CHAR(path_info, 0) == 47
    )


cdef class _LocalValue:
    """``local.<name>`` of a threading.local, read and written in its dict.

    ``local.value = x`` finds the calling thread's dict of the local on each
    access (a lookup in the thread state's dict, then the generic attribute
    machinery). The dict of a thread never changes while the thread lives,
    so it is kept with the thread-state dict it belongs to; that dict is held
    (a strong reference), so no other thread's can have its address, and a
    thread whose thread-state dict differs looks its own up again. A local of
    another type (a subclass may define ``__setattr__`` or descriptors) is
    always accessed as an attribute.
    """

    cdef readonly object local
    cdef str name
    cdef bint plain
    cdef object owner
    cdef dict values

    def __init__(self, local, str name):
        global _thread_local_type
        if _thread_local_type is None:
            import threading

            _thread_local_type = threading.local
        self.local = local
        self.name = name
        self.plain = type(local) is _thread_local_type

    cdef dict _thread_values(self):
        cdef PyObject *owner
        if not self.plain:
            return None
        owner = PyThreadState_GetDict()
        if owner is NULL:
            return None
        if owner is not <PyObject *>self.owner:
            values = self.local.__dict__
            if type(values) is not dict:
                return None
            self.values = values
            self.owner = <object>owner
        return self.values

    cdef get(self, default):
        """Return ``getattr(local, name, default)``."""
        cdef dict values = self._thread_values()
        if values is None:
            return getattr(self.local, self.name, default)
        return values.get(self.name, default)

    cdef set(self, value):
        """Do ``setattr(local, name, value)``."""
        cdef dict values = self._thread_values()
        if values is None:
            setattr(self.local, self.name, value)
        else:
            values[self.name] = value

    cdef clear(self):
        """Do ``delattr(local, name)``, if it is set."""
        cdef dict values = self._thread_values()
        if values is None:
            try:
                delattr(self.local, self.name)
            except AttributeError:
                pass
        else:
            values.pop(self.name, None)


cdef class _UrlconfReset:
    """A response closer doing what ``set_urlconf(None)`` does."""

    cdef readonly object urlconfs
    cdef _LocalValue value

    def __init__(self, urlconfs):
        self.urlconfs = urlconfs
        self.value = _LocalValue(urlconfs, _VALUE)

    def __call__(self):
        self.value.clear()


cdef class RequestEntry:
    """``BaseHandler.get_response``: the chain plus per-request bookkeeping.

    ``urlconfs`` is the thread-local whose ``value`` is the thread's urlconf
    (fastdj.urls.base): it is set to ROOT_URLCONF as ``set_urlconf`` does,
    and the response's closers get ``request.close`` and its reset (Django
    resets it from a request_finished receiver; a closer costs nothing when
    request_finished has no receivers).
    """

    cdef object chain
    cdef object settings
    cdef dict settings_dict
    cdef object urlconfs
    cdef object log_response
    cdef _UrlconfReset reset_urlconf
    # The outermost layer when it is one of ours: called without a Python call.
    cdef _Layer top_layer
    cdef ViewPath top_view

    def __init__(self, chain, settings, urlconfs, log_response):
        self.chain = chain
        self.settings = settings
        self.settings_dict = _settings_dict(settings)
        self.urlconfs = urlconfs
        self.log_response = log_response
        self.reset_urlconf = _UrlconfReset(urlconfs)
        owner = getattr(chain, "__self__", None)
        if getattr(chain, "__name__", None) == "handle":
            if isinstance(owner, _Layer):
                self.top_layer = owner
            elif isinstance(owner, ViewPath):
                self.top_view = owner

    @cython.binding(False)
    @cython.always_allow_keywords(False)
    @cython.embedsignature(False)
    def handle(self, request):
        """handle(self, request, /)
--

Return the response for ``request`` from the middleware chain."""
        return self.call(request)

    cdef object call(self, request, bint add_closers=True):
        """Return the response; ``add_closers`` False leaves the request's
        closers to the caller, which must run them (see add_closers())."""
        urlconf = _setting(self.settings, self.settings_dict, _ROOT_URLCONF)
        if urlconf:
            self.reset_urlconf.value.set(urlconf)
        else:
            self.reset_urlconf.value.clear()
        if self.top_layer is not None:
            response = self.top_layer.call(request)
        elif self.top_view is not None:
            response = self.top_view.call(request)
        else:
            response = self.chain(request)
        if add_closers:
            self.add_closers(response, request)
        if response.status_code >= 400:
            self.log_response(
                "%s: %s",
                response.reason_phrase,
                request.path,
                response=response,
                request=request,
            )
        return response

    cdef add_closers(self, response, request):
        """Give the response the request's closers, as get_response does."""
        closers = response._resource_closers
        closers.append(request.close)
        closers.append(self.reset_urlconf)


# fastdj.core.signals.request_finished is read on every request, as the pure
# twin reads it; a module attribute read costs four times a dict lookup.
cdef dict _signals_dict = signals.__dict__
cdef str _REQUEST_FINISHED = "request_finished"


cdef _hand_over(response, request, RequestEntry entry, handler_class):
    """Make ``response.close()`` do all of the request's closing: the
    request's closers (``entry`` left them out, when given) and
    request_finished with ``handler_class`` as sender."""
    response._handler_class = handler_class
    if entry is not None:
        entry.add_closers(response, request)


cdef class _EmptyBody:
    """The body of a HEAD response: nothing to send, but close() still runs."""

    cdef public object close

    def __init__(self, close):
        self.close = close

    def __iter__(self):
        return iter(())


cdef class _ResponseBody:
    """The body of a response, as WSGIEntry hands it to the server.

    Iterating it iterates the response; closing it closes the response (its
    resources, then request_finished). For a response that keeps
    HttpResponse's ``__iter__`` and HttpResponseBase's ``close`` both are
    done here, without a Python call.

    When ``entry`` is given, WSGIEntry left the request's closers (its
    ``close`` and ``entry``'s urlconf reset, which get_response adds last to
    the response's) to the body: they run after the response's own closers,
    as from that list, without a bound method made and called per request.
    ``handler_class`` is the sender of request_finished; the response's
    ``_handler_class`` is set only if its own close() runs.
    """

    cdef readonly object response
    cdef object handler_class
    cdef object request
    cdef RequestEntry entry

    def __init__(self, response, handler_class, request, RequestEntry entry):
        self.response = response
        self.handler_class = handler_class
        self.request = request
        self.entry = entry

    def __iter__(self):
        response = self.response
        if _stock_iter.of(type(response)):
            return iter(response._container)
        return iter(response)

    def close(self):
        response = self.response
        entry = self.entry
        # The request's closers run once, even if the server closes twice.
        self.entry = None
        if not _stock_close.of(type(response)):
            _hand_over(response, self.request, entry, self.handler_class)
            response.close()
            return
        closers = response._resource_closers
        for closer in closers:
            try:
                if (
                    PyMethod_Check(closer)
                    and <object>PyMethod_GET_FUNCTION(closer) is _request_close
                    and (<object>PyMethod_GET_SELF(closer))._files is None
                ):
                    # HttpRequest.close() of a request that parsed no upload
                    # does nothing: skip its Python call.
                    continue
                closer()
            except Exception:
                pass
        if entry is not None:
            request = self.request
            try:
                if not _stock_request_close.of(type(request)) or (
                    request._files is not None
                ):
                    request.close()
            except Exception:
                pass
            entry.reset_urlconf.value.clear()
        closers.clear()
        response.closed = True
        _send_request_finished(
            _attr(_signals_dict, signals, _REQUEST_FINISHED), self.handler_class
        )


cdef class WSGIEntry:
    """``WSGIHandler.__call__``: one WSGI request, from environ to body iterable.

    ``get_response(request)`` is the handler's; ``request_started`` is the
    signal, sent with ``handler_class`` as sender when it has receivers.
    ``script_prefixes`` is the thread-local whose ``value`` is the thread's
    script prefix (fastdj.urls.base); ``get_script_name(environ)`` gives the
    script name when ``settings`` or the environ make it more than SCRIPT_NAME.
    """

    cdef object handler_class
    cdef object request_class
    cdef object get_response
    cdef object get_script_name
    cdef object script_prefixes
    cdef object settings
    cdef dict settings_dict
    cdef object request_started
    cdef _LocalValue prefix_value
    # get_response when it is a RequestEntry's: called without a Python call.
    cdef RequestEntry entry

    def __init__(self, handler_class, request_class, get_response,
                 get_script_name, script_prefixes, settings, request_started):
        self.handler_class = handler_class
        self.request_class = request_class
        self.get_response = get_response
        self.get_script_name = get_script_name
        self.script_prefixes = script_prefixes
        self.settings = settings
        self.settings_dict = _settings_dict(settings)
        self.request_started = request_started
        self.prefix_value = _LocalValue(script_prefixes, _VALUE)
        if _stock_close is None:
            _load_response_methods()
        if _db_connections is None:
            _load_db_receivers()
        owner = getattr(get_response, "__self__", None)
        if (
            isinstance(owner, RequestEntry)
            and getattr(get_response, "__name__", None) == "handle"
        ):
            self.entry = owner

    cdef object _new_request(self, environ, bint rewritten):
        """Return ``request_class(environ)``.

        WSGIRequest.__init__ (kept, with object's tp_new) of an environ in
        the shape most servers give (an upper-case method, an ASCII PATH_INFO
        starting with "/", an empty SCRIPT_NAME, no FORCE_SCRIPT_NAME and no
        mod_rewrite variables) sets five attributes from it and changes
        nothing in it: they are set here in the same order, without the
        Python call to the class (about two thirds of that call's cost).
        Anything else goes to the class. ``rewritten`` is what
        _script_name_rewritten(environ) answered.
        """
        cdef PyObject *method
        cdef PyObject *path_info
        cdef PyObject *script_name
        cls = self.request_class
        if (
            type(environ) is dict
            and _stock_request_init.of(cls)
            and _has_object_new(cls)
        ):
            method = PyDict_GetItemWithError(environ, _REQUEST_METHOD)
            path_info = PyDict_GetItemWithError(environ, _PATH_INFO)
            script_name = PyDict_GetItemWithError(environ, _SCRIPT_NAME)
            if (
                method is not NULL
                and path_info is not NULL
                and script_name is not NULL
                and _is_upper_ascii(<object>method)
                and _is_ascii_path(<object>path_info)
                and type(<object>script_name) is str
                and PyUnicode_GET_LENGTH(<object>script_name) == 0
                and not rewritten
            ):
                request = _new_instance(cls, ())
                request.environ = environ
                request.META = environ
                request.method = <object>method
                request.path = <object>path_info
                request.path_info = <object>path_info
                return request
        return cls(environ)

    cdef bint _script_name_rewritten(self, environ) except -1:
        """Return whether the script name is more than SCRIPT_NAME.

        FORCE_SCRIPT_NAME and mod_rewrite's SCRIPT_URL and REDIRECT_URL make
        it so; get_script_name() then works it out.
        """
        if _setting(self.settings, self.settings_dict, _FORCE_SCRIPT_NAME) is not None:
            return True
        if type(environ) is dict:
            return PyDict_Contains(environ, _SCRIPT_URL) or PyDict_Contains(
                environ, _REDIRECT_URL
            )
        return _SCRIPT_URL in environ or _REDIRECT_URL in environ

    cdef object _script_prefix(self, environ, bint rewritten):
        """Return the script prefix of ``environ``, ending with "/"."""
        cdef PyObject *found
        cdef Py_ssize_t length
        if type(environ) is dict:
            found = PyDict_GetItemWithError(environ, _SCRIPT_NAME)
            prefix = <object>found if found is not NULL else ""
        else:
            prefix = environ.get(_SCRIPT_NAME, "")
        if rewritten:
            prefix = self.get_script_name(environ)
        elif type(prefix) is str and PyUnicode_IS_ASCII(prefix):
            # Most servers mount at the root: SCRIPT_NAME is "" and the prefix
            # is "/", with no string method called.
            length = PyUnicode_GET_LENGTH(prefix)
            if length == 0:
                return _SLASH
            if PyUnicode_READ_CHAR(prefix, length - 1) == 47:
                return prefix
            return <str>prefix + _SLASH
        elif not prefix.isascii():
            prefix = self.get_script_name(environ)
        if not prefix.endswith(_SLASH):
            prefix += _SLASH
        return prefix

    def handle(self, environ, start_response, /):
        """Run the request of ``environ``; return the iterable the server sends.

        The server closes it, which closes the response (and sends
        request_finished) exactly once.
        """
        return self.call(environ, start_response)

    cdef object call(self, environ, start_response):
        cdef bint rewritten = self._script_name_rewritten(environ)
        self.prefix_value.set(self._script_prefix(environ, rewritten))
        request_started = self.request_started
        signal_values = _signal_attrs.dict_of(request_started)
        if _attr(signal_values, request_started, _RECEIVERS):
            _send_request_started(
                request_started, self.handler_class, environ, signal_values
            )
        request = self._new_request(environ, rewritten)
        # When the entry is ours, it leaves the request's closers to the body.
        if self.entry is not None:
            response = self.entry.call(request, False)
        else:
            response = self.get_response(request)

        cdef bint is_head = request.method == "HEAD"
        if is_head:
            status_code = response.status_code
            if (
                not response.streaming
                and status_code not in _BODILESS_STATUSES
                and status_code >= 200
                and not response.has_header("Content-Length")
            ):
                response.headers["Content-Length"] = str(len(response.content))
        cls = type(response)
        try:
            # wsgi_status() and wsgi_headers() inline when not overridden: a
            # standard status without a custom reason, and no cookies.
            status = None
            if (
                _stock_wsgi_status.of(cls)
                and response._reason_phrase is None
            ):
                status_code = response.status_code
                if type(status_code) is int:
                    status = _status_lines.get(status_code)
            if status is None:
                status = response.wsgi_status()
            if _stock_wsgi_headers.of(cls) and not _lookup(
                response, _COOKIES, None
            ):
                headers = _values_list(response.headers._store)
            else:
                headers = response.wsgi_headers()
            start_response(status, headers)
        except BaseException:
            _hand_over(response, request, self.entry, self.handler_class)
            response.close()
            raise
        if is_head:
            _hand_over(response, request, self.entry, self.handler_class)
            return _EmptyBody(response.close)

        file_to_stream = _lookup(response, _FILE_TO_STREAM, None)
        if file_to_stream is not None:
            file_wrapper = environ.get("wsgi.file_wrapper")
            if file_wrapper:
                _hand_over(response, request, self.entry, self.handler_class)
                file_to_stream.close = response.close
                return file_wrapper(file_to_stream, response.block_size)
        return _ResponseBody(response, self.handler_class, request, self.entry)


def call_wsgi_entry(handler, environ, start_response, /):
    """Return ``handler._wsgi_entry(environ, start_response)``.

    ``WSGIHandler.__call__``: a server calls the handler, and this function
    (a method descriptor, so bound without a bound-method object) runs that
    call without a Python frame.
    """
    return handler._wsgi_entry(environ, start_response)

