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
  outermost layer through its cdef method.
"""

import functools
import types

cimport cython
from cpython.object cimport PyObject
from cpython.ref cimport Py_XDECREF
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

from fastdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed

__all__ = [
    "KERNEL_VERSION",
    "RequestEntry",
    "ViewPath",
    "build_chain",
    "convert_exception_to_response",
]

KERNEL_VERSION = 1

cdef object _FunctionType = types.FunctionType
cdef object _CoroutineType = types.CoroutineType
cdef object _NO_URLCONF = object()


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


cdef str _RENDER = "render"
cdef str _URLCONF = "urlconf"


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

    def __cinit__(self, get_response, response_for_exception):
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
        handler = convert_exception_to_response(instance, response_for_exception)
    return (
        handler,
        view_middleware,
        template_response_middleware,
        exception_middleware,
    )


cdef class ViewPath:
    """Resolve the request and run the view with its middleware hooks.

    ``handle(request)`` never raises an Exception: one that escapes becomes a
    response through ``response_for_exception``, as for a middleware layer.
    """

    cdef object get_resolver
    cdef object set_urlconf
    cdef object check_response
    cdef object response_for_exception
    cdef tuple view_middleware
    cdef tuple template_response_middleware
    cdef tuple exception_middleware

    def __init__(self, get_resolver, set_urlconf, check_response,
                 response_for_exception):
        self.get_resolver = get_resolver
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
            resolver = self.get_resolver()
        else:
            self.set_urlconf(urlconf)
            resolver = self.get_resolver(urlconf)
        match = resolver.resolve(request.path_info)
        request.resolver_match = match
        callback = match.func
        args = match.args
        kwargs = match.kwargs

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


cdef class RequestEntry:
    """``BaseHandler.get_response``: the chain plus per-request bookkeeping.

    The response's closers get ``request.close`` and a reset of the thread's
    urlconf (Django resets it from a request_finished receiver; a closer costs
    nothing when request_finished has no receivers).
    """

    cdef object chain
    cdef object settings
    cdef object set_urlconf
    cdef object log_response
    cdef object reset_urlconf
    # The outermost layer when it is one of ours: called without a Python call.
    cdef _Layer top_layer
    cdef ViewPath top_view

    def __init__(self, chain, settings, set_urlconf, log_response):
        self.chain = chain
        self.settings = settings
        self.set_urlconf = set_urlconf
        self.log_response = log_response
        self.reset_urlconf = functools.partial(set_urlconf, None)
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
        self.set_urlconf(self.settings.ROOT_URLCONF)
        if self.top_layer is not None:
            response = self.top_layer.call(request)
        elif self.top_view is not None:
            response = self.top_view.call(request)
        else:
            response = self.chain(request)
        closers = response._resource_closers
        closers.append(request.close)
        closers.append(self.reset_urlconf)
        if response.status_code >= 400:
            self.log_response(
                "%s: %s",
                response.reason_phrase,
                request.path,
                response=response,
                request=request,
            )
        return response
