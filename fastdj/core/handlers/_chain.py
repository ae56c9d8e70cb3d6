"""Middleware chain kernel, pure Python (the reference for the Cython twin).

BaseHandler.load_middleware() builds the chain once with these pieces and every
request then runs through it:

- ``RequestEntry.handle`` is ``BaseHandler.get_response``: it sets the urlconf,
  calls the chain, registers ``request.close`` on the response and logs 4xx/5xx.
- ``convert_exception_to_response`` wraps each middleware instance so that an
  exception escaping it becomes a response at that layer.
- ``ViewPath.handle`` is ``BaseHandler._get_response`` with its own exception
  conversion: resolve, process_view, the view, process_exception,
  process_template_response and render.
- ``WSGIEntry.handle`` is ``WSGIHandler.__call__``: script prefix,
  request_started, the request, ``get_response``, start_response and the body
  iterable.

fastdj._speedups.handlers_chain implements the same names with C-level calls.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Sequence

from fastdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed

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

_CoroutineType = types.CoroutineType
# A request without its own ``urlconf`` attribute uses the default resolver.
_NO_URLCONF = object()
# Statuses whose responses never have a body, hence no Content-Length.
_BODILESS_STATUSES = frozenset({204, 304})


def convert_exception_to_response(
    get_response: Callable, response_for_exception: Callable
) -> Callable:
    """Return ``get_response`` wrapped so that any Exception becomes a response.

    ``response_for_exception(request, exc)`` makes the response.
    """
    call = _unbound_call(get_response)
    if call is None:

        def inner(request):
            try:
                return get_response(request)
            except Exception as exc:
                return response_for_exception(request, exc)

    else:

        def inner(request):
            try:
                return call(get_response, request)
            except Exception as exc:
                return response_for_exception(request, exc)

    return inner


def _unbound_call(obj):
    """Return the plain function that ``obj(...)`` runs as ``f(obj, ...)``, or None.

    Calling a middleware instance goes through its type's ``__call__`` slot,
    which looks the method up on every call; calling the function directly is
    what that slot ends up doing. Only a plain function found on the type is
    used (a staticmethod or other descriptor keeps the ordinary call), so the
    result is the same, except that a ``__call__`` replaced on the class after
    the chain is built is not seen.
    """
    for klass in type(obj).__mro__:
        namespace = klass.__dict__
        if "__call__" in namespace:
            attr = namespace["__call__"]
            return attr if type(attr) is types.FunctionType else None
    return None


def build_chain(
    inner: Callable,
    middleware: Iterable[tuple[str, Callable]],
    response_for_exception: Callable,
    not_used: Callable | None = None,
) -> tuple[Callable, list, list, list]:
    """Instantiate the middleware around ``inner`` and return the chain.

    ``middleware`` holds (dotted path, factory) pairs, outermost first. Each
    factory is called with the get_response of the layer inside it; a factory
    raising MiddlewareNotUsed is left out (``not_used(path, exc)`` is told), one
    returning None is an ImproperlyConfigured error. Return (chain,
    view_middleware, template_response_middleware, exception_middleware), the
    method lists in the order Django calls them.
    """
    view_middleware = []
    template_response_middleware = []
    exception_middleware = []
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


class ViewPath:
    """Resolve the request and run the view with its middleware hooks.

    ``handle(request)`` never raises an Exception: one that escapes becomes a
    response through ``response_for_exception``, as for a middleware layer.
    ``resolver_for(urlconf)`` returns the root resolver of a URLconf name:
    the request's ``urlconf`` if it has one, else ``settings.ROOT_URLCONF``.
    """

    __slots__ = (
        "resolver_for",
        "settings",
        "set_urlconf",
        "check_response",
        "response_for_exception",
        "view_middleware",
        "template_response_middleware",
        "exception_middleware",
    )

    def __init__(
        self,
        resolver_for: Callable,
        settings,
        set_urlconf: Callable,
        check_response: Callable,
        response_for_exception: Callable,
    ):
        self.resolver_for = resolver_for
        self.settings = settings
        self.set_urlconf = set_urlconf
        self.check_response = check_response
        self.response_for_exception = response_for_exception
        self.view_middleware = ()
        self.template_response_middleware = ()
        self.exception_middleware = ()

    def set_middleware(
        self,
        view_middleware: Sequence[Callable],
        template_response_middleware: Sequence[Callable],
        exception_middleware: Sequence[Callable],
    ) -> None:
        """Set the process_view/process_template_response/process_exception lists."""
        self.view_middleware = tuple(view_middleware)
        self.template_response_middleware = tuple(template_response_middleware)
        self.exception_middleware = tuple(exception_middleware)

    def handle(self, request, /):
        """Return the response for ``request``; exceptions become responses."""
        try:
            return self.get_response(request)
        except Exception as exc:
            return self.response_for_exception(request, exc)

    def get_response(self, request):
        """Return the view's response for ``request``; exceptions propagate."""
        urlconf = getattr(request, "urlconf", _NO_URLCONF)
        if urlconf is _NO_URLCONF:
            urlconf = self.settings.ROOT_URLCONF
        else:
            self.set_urlconf(urlconf)
            if urlconf is None:
                urlconf = self.settings.ROOT_URLCONF
        match = self.resolver_for(urlconf).resolve(request.path_info)
        request.resolver_match = match
        callback = match.func
        args = match.args
        kwargs = match.kwargs

        response = None
        for process_view in self.view_middleware:
            response = process_view(request, callback, args, kwargs)
            if response:
                break
        if response is None:
            try:
                response = callback(request, *args, **kwargs)
            except Exception as exc:
                response = self.process_exception(request, exc)
                if response is None:
                    raise
        if response is None or type(response) is _CoroutineType:
            self.check_response(response, callback)

        render = getattr(response, "render", None)
        if render is not None and callable(render):
            for process_template_response in self.template_response_middleware:
                response = process_template_response(request, response)
                if response is None or type(response) is _CoroutineType:
                    self.check_response(
                        response,
                        process_template_response,
                        name=(
                            f"{process_template_response.__self__.__class__.__name__}"
                            ".process_template_response"
                        ),
                    )
            try:
                response = response.render()
            except Exception as exc:
                response = self.process_exception(request, exc)
                if response is None:
                    raise
        return response

    def process_exception(self, request, exc):
        """Return the first response a process_exception method gives, or None."""
        for process_exception in self.exception_middleware:
            response = process_exception(request, exc)
            if response:
                return response
        return None


class _UrlconfReset:
    """A response closer doing what ``set_urlconf(None)`` does."""

    __slots__ = ("urlconfs",)

    def __init__(self, urlconfs):
        self.urlconfs = urlconfs

    def __call__(self):
        try:
            del self.urlconfs.value
        except AttributeError:
            pass


class RequestEntry:
    """``BaseHandler.get_response``: the chain plus per-request bookkeeping.

    ``urlconfs`` is the thread-local whose ``value`` is the thread's urlconf
    (fastdj.urls.base): it is set to ROOT_URLCONF as ``set_urlconf`` does,
    and the response's closers get ``request.close`` and its reset (Django
    resets it from a request_finished receiver; a closer costs nothing when
    request_finished has no receivers).
    """

    __slots__ = ("chain", "settings", "urlconfs", "log_response", "reset_urlconf")

    def __init__(
        self,
        chain: Callable,
        settings,
        urlconfs,
        log_response: Callable,
    ):
        self.chain = chain
        self.settings = settings
        self.urlconfs = urlconfs
        self.log_response = log_response
        self.reset_urlconf = _UrlconfReset(urlconfs)

    def handle(self, request, /):
        """Return the response for ``request`` from the middleware chain."""
        urlconf = self.settings.ROOT_URLCONF
        if urlconf:
            self.urlconfs.value = urlconf
        else:
            self.reset_urlconf()
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


class _EmptyBody:
    """The body of a HEAD response: nothing to send, but close() still runs."""

    __slots__ = ("close",)

    def __init__(self, close):
        self.close = close

    def __iter__(self):
        return iter(())


class _ResponseBody:
    """The body of a response, as WSGIEntry hands it to the server.

    Iterating it iterates the response; closing it closes the response (its
    resources, then request_finished).
    """

    __slots__ = ("response",)

    def __init__(self, response):
        self.response = response

    def __iter__(self):
        return iter(self.response)

    def close(self):
        self.response.close()


class WSGIEntry:
    """``WSGIHandler.__call__``: one WSGI request, from environ to body iterable.

    ``get_response(request)`` is the handler's; ``request_started`` is the
    signal, sent with ``handler_class`` as sender when it has receivers.
    ``script_prefixes`` is the thread-local whose ``value`` is the thread's
    script prefix (fastdj.urls.base); ``get_script_name(environ)`` gives the
    script name when ``settings`` or the environ make it more than SCRIPT_NAME.
    """

    __slots__ = (
        "handler_class",
        "request_class",
        "get_response",
        "get_script_name",
        "script_prefixes",
        "settings",
        "request_started",
    )

    def __init__(
        self,
        handler_class: type,
        request_class: Callable,
        get_response: Callable,
        get_script_name: Callable,
        script_prefixes,
        settings,
        request_started,
    ):
        self.handler_class = handler_class
        self.request_class = request_class
        self.get_response = get_response
        self.get_script_name = get_script_name
        self.script_prefixes = script_prefixes
        self.settings = settings
        self.request_started = request_started

    def handle(self, environ, start_response, /):
        """Run the request of ``environ``; return the iterable the server sends.

        The server closes it, which closes the response (and sends
        request_finished) exactly once.
        """
        # set_script_prefix(get_script_name(environ)), the usual script name
        # taken without the call.
        prefix = environ.get("SCRIPT_NAME", "")
        if (
            self.settings.FORCE_SCRIPT_NAME is not None
            or "SCRIPT_URL" in environ
            or "REDIRECT_URL" in environ
            or not prefix.isascii()
        ):
            prefix = self.get_script_name(environ)
        if not prefix.endswith("/"):
            prefix += "/"
        self.script_prefixes.value = prefix
        request_started = self.request_started
        # Signal.send is cheap when empty, but not free: skip it outright.
        if request_started.receivers:
            request_started.send(sender=self.handler_class, environ=environ)
        request = self.request_class(environ)
        response = self.get_response(request)
        response._handler_class = self.handler_class

        is_head = request.method == "HEAD"
        if is_head:
            # Headers as for GET, including the length of the body not sent
            # (except where a GET would have no body either).
            if (
                not response.streaming
                and response.status_code not in _BODILESS_STATUSES
                and response.status_code >= 200
                and not response.has_header("Content-Length")
            ):
                response.headers["Content-Length"] = str(len(response.content))
        try:
            start_response(response.wsgi_status(), response.wsgi_headers())
        except BaseException:
            # The server refused the response and will never close it: close it
            # here, so its resources are freed and request_finished is sent.
            response.close()
            raise
        if is_head:
            return _EmptyBody(response.close)

        file_to_stream = getattr(response, "file_to_stream", None)
        if file_to_stream is not None:
            file_wrapper = environ.get("wsgi.file_wrapper")
            if file_wrapper:
                # The server then closes the wrapper, not the response: route
                # that close to the response, which closes every resource.
                file_to_stream.close = response.close
                return file_wrapper(file_to_stream, response.block_size)
        return _ResponseBody(response)


def call_wsgi_entry(handler, environ, start_response, /):
    """Return ``handler._wsgi_entry(environ, start_response)``.

    ``WSGIHandler.__call__``, which a server calls on every request; the
    Cython twin runs it without a Python frame.
    """
    return handler._wsgi_entry(environ, start_response)
