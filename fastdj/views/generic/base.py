"""The base class-based views: View (dispatch by HTTP method) and RedirectView."""

from __future__ import annotations

import inspect
import logging

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.http import (
    HttpResponse,
    HttpResponseGone,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from fastdj.urls import reverse

__all__ = ["RedirectView", "View"]

logger = logging.getLogger("fastdj.request")

# Python 3.12+ only. On 3.10/3.11 the view function of an async class is not
# marked, and callers find out from view.view_class.view_is_async.
_markcoroutinefunction = getattr(inspect, "markcoroutinefunction", None)


class classonlymethod(classmethod):
    """A classmethod that refuses to be called on an instance."""

    def __get__(self, instance, cls=None):
        if instance is not None:
            raise AttributeError(
                "This method is available only on the class, not on instances."
            )
        return super().__get__(instance, cls)


class _classproperty:
    """A read-only property computed on the class."""

    def __init__(self, method):
        self.fget = method

    def __get__(self, instance, cls=None):
        return self.fget(cls)


class View:
    """Dispatch a request to the method named after its HTTP verb.

    ``as_view()`` turns the class into a view function; each request gets a
    fresh instance, so per-request state on ``self`` is safe.
    """

    http_method_names = [
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
    ]

    def __init__(self, **kwargs):
        # as_view() has already checked the names, so just store them.
        for key, value in kwargs.items():
            setattr(self, key, value)

    @_classproperty
    def view_is_async(cls) -> bool:
        """Return True if the HTTP handlers are coroutines (all or none must be)."""
        handlers = [
            getattr(cls, method)
            for method in cls.http_method_names
            if method != "options" and hasattr(cls, method)
        ]
        if not handlers:
            return False
        is_async = inspect.iscoroutinefunction(handlers[0])
        if any(inspect.iscoroutinefunction(h) != is_async for h in handlers[1:]):
            raise ImproperlyConfigured(
                f"{cls.__qualname__} HTTP handlers must either be all sync or all "
                "async."
            )
        return is_async

    @classonlymethod
    def as_view(cls, **initkwargs):
        """Return a view function that instantiates the class per request."""
        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(
                    f"The method name {key} is not accepted as a keyword argument "
                    f"to {cls.__name__}()."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}() received an invalid keyword {key!r}. as_view "
                    "only accepts arguments that are already attributes of the "
                    "class."
                )

        def view(request, *args, **kwargs):
            self = cls(**initkwargs)
            self.setup(request, *args, **kwargs)
            if not hasattr(self, "request"):
                raise AttributeError(
                    f"{cls.__name__} instance has no 'request' attribute. Did you "
                    "override setup() and forget to call super()?"
                )
            return self.dispatch(request, *args, **kwargs)

        view.view_class = cls
        view.view_initkwargs = initkwargs
        # The name stays "view": view_class is the reliable way to find the
        # class, as in Django. Doc, module and decorator marks (e.g.
        # csrf_exempt set on dispatch) are carried over.
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.__annotations__ = cls.dispatch.__annotations__
        view.__dict__.update(cls.dispatch.__dict__)
        # Evaluated even when unused: a class mixing sync and async handlers
        # is refused here, at URLconf load, not on its first request.
        if cls.view_is_async and _markcoroutinefunction is not None:
            _markcoroutinefunction(view)
        return view

    def setup(self, request, *args, **kwargs) -> None:
        """Store the request and URL arguments on the instance."""
        if hasattr(self, "get") and not hasattr(self, "head"):
            self.head = self.get
        self.request = request
        self.args = args
        self.kwargs = kwargs

    def dispatch(self, request, *args, **kwargs):
        """Call the handler method for request.method, or refuse with 405."""
        method = request.method.lower()
        if method in self.http_method_names:
            handler = getattr(self, method, self.http_method_not_allowed)
        else:
            handler = self.http_method_not_allowed
        return handler(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        """Return a 405 response listing the allowed methods."""
        logger.warning(
            "Method Not Allowed (%s): %s",
            request.method,
            request.path,
            extra={"status_code": 405, "request": request},
        )
        return HttpResponseNotAllowed(self._allowed_methods())

    def options(self, request, *args, **kwargs):
        """Answer an OPTIONS request with the Allow header and an empty body."""
        response = HttpResponse()
        response.headers["Allow"] = ", ".join(self._allowed_methods())
        response.headers["Content-Length"] = "0"
        return response

    def _allowed_methods(self) -> list[str]:
        return [m.upper() for m in self.http_method_names if hasattr(self, m)]


class RedirectView(View):
    """Redirect to ``url`` (%-formatted with the URL kwargs) or ``pattern_name``.

    With neither, or when the URL cannot be built, answer 410 Gone.
    """

    permanent = False
    url: str | None = None
    pattern_name: str | None = None
    query_string = False

    def get_redirect_url(self, *args, **kwargs) -> str | None:
        """Return the URL to redirect to, or None for 410 Gone."""
        if self.url:
            url = self.url % kwargs
        elif self.pattern_name:
            url = reverse(self.pattern_name, args=args, kwargs=kwargs)
        else:
            return None
        query = self.request.META.get("QUERY_STRING", "")
        if query and self.query_string:
            url = f"{url}?{query}"
        return url

    def get(self, request, *args, **kwargs):
        url = self.get_redirect_url(*args, **kwargs)
        if url:
            if self.permanent:
                return HttpResponsePermanentRedirect(url)
            return HttpResponseRedirect(url)
        logger.warning(
            "Gone: %s", request.path, extra={"status_code": 410, "request": request}
        )
        return HttpResponseGone()

    def head(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def options(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def delete(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def put(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def patch(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)
