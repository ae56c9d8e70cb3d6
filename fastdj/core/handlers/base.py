"""BaseHandler: build the middleware chain once, then run requests through it."""

from __future__ import annotations

import functools
import logging
import types

from fastdj import _accel
from fastdj.conf import settings
from fastdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from fastdj.core.handlers.exception import response_for_exception
from fastdj.urls import get_resolver, set_urlconf
from fastdj.urls.base import _urlconfs as urlconfs
from fastdj.urls.resolvers import _get_cached_resolver
from fastdj.utils.log import log_response
from fastdj.utils.module_loading import import_string

__all__ = ["BaseHandler", "reset_urlconf"]

logger = logging.getLogger("fastdj.request")

# Methods of BaseHandler that the compiled view path replaces. A subclass that
# overrides any of them gets the chain around its own _get_response instead.
_VIEW_PATH_METHODS = (
    "_get_response",
    "resolve_request",
    "check_response",
    "make_view_atomic",
    "process_exception_by_middleware",
)


class BaseHandler:
    """Turn a request into a response through settings.MIDDLEWARE and the view.

    load_middleware() builds the chain once from the active kernel (pure Python
    or Cython, see fastdj._accel); get_response() then runs a request through it.
    """

    _view_middleware = None
    _template_response_middleware = None
    _exception_middleware = None
    _middleware_chain = None

    def load_middleware(self, is_async: bool = False) -> None:
        """Build the middleware chain from settings.MIDDLEWARE.

        Call it once the settings are final (WSGIHandler does in __init__).
        """
        if is_async:
            raise ImproperlyConfigured("fastdj does not support async handlers yet.")
        kernel = _accel.kernel("middleware")
        cls = type(self)
        if all(
            getattr(cls, name) is getattr(BaseHandler, name)
            for name in _VIEW_PATH_METHODS
        ):
            view_path = kernel.ViewPath(
                _get_cached_resolver,
                settings,
                set_urlconf,
                self.check_response,
                response_for_exception,
            )
            inner = view_path.handle
        else:
            view_path = None
            inner = kernel.convert_exception_to_response(
                self._get_response, response_for_exception
            )

        factories = []
        for path in settings.MIDDLEWARE:
            try:
                factory = import_string(path)
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"The MIDDLEWARE setting names {path!r}, which cannot be "
                    f"imported: {exc}"
                ) from exc
            can_sync = getattr(factory, "sync_capable", True)
            can_async = getattr(factory, "async_capable", False)
            if not can_sync and not can_async:
                raise RuntimeError(
                    f"Middleware {path} must have at least one of "
                    "sync_capable/async_capable set to True."
                )
            if not can_sync:
                raise ImproperlyConfigured(
                    f"Middleware {path} is async-only; fastdj runs middleware "
                    "synchronously."
                )
            factories.append((path, factory))

        chain, view_mw, template_mw, exception_mw = kernel.build_chain(
            inner, factories, response_for_exception, self._middleware_not_used
        )
        self._view_middleware = view_mw
        self._template_response_middleware = template_mw
        self._exception_middleware = exception_mw
        if view_path is not None:
            view_path.set_middleware(view_mw, template_mw, exception_mw)
        if cls.get_response is BaseHandler.get_response:
            # The compiled entry does exactly what get_response() does; as an
            # instance attribute it saves a Python frame on every request.
            self.get_response = kernel.RequestEntry(
                chain, settings, urlconfs, log_response
            ).handle
        # Assigned last: it doubles as the "chain is ready" flag, as in Django.
        self._middleware_chain = chain

    def _middleware_not_used(self, path: str, exc: MiddlewareNotUsed) -> None:
        if settings.DEBUG:
            if str(exc):
                logger.debug("MiddlewareNotUsed(%r): %s", path, exc)
            else:
                logger.debug("MiddlewareNotUsed: %r", path)

    def get_response(self, request):
        """Return an HttpResponse for ``request``."""
        set_urlconf(settings.ROOT_URLCONF)
        response = self._middleware_chain(request)
        response._resource_closers.append(request.close)
        response._resource_closers.append(reset_urlconf_closer)
        if response.status_code >= 400:
            log_response(
                "%s: %s",
                response.reason_phrase,
                request.path,
                response=response,
                request=request,
            )
        return response

    def _get_response(self, request):
        """Resolve and call the view, applying the view, exception and template
        response middleware: everything that happens inside the middleware.
        """
        response = None
        match = self.resolve_request(request)
        callback, callback_args, callback_kwargs = match.func, match.args, match.kwargs

        for middleware_method in self._view_middleware:
            response = middleware_method(
                request, callback, callback_args, callback_kwargs
            )
            if response:
                break

        if response is None:
            wrapped_callback = self.make_view_atomic(callback)
            try:
                response = wrapped_callback(request, *callback_args, **callback_kwargs)
            except Exception as exc:
                response = self.process_exception_by_middleware(exc, request)
                if response is None:
                    raise

        self.check_response(response, callback)

        if hasattr(response, "render") and callable(response.render):
            for middleware_method in self._template_response_middleware:
                response = middleware_method(request, response)
                self.check_response(
                    response,
                    middleware_method,
                    name=(
                        f"{middleware_method.__self__.__class__.__name__}"
                        ".process_template_response"
                    ),
                )
            try:
                response = response.render()
            except Exception as exc:
                response = self.process_exception_by_middleware(exc, request)
                if response is None:
                    raise
        return response

    def resolve_request(self, request):
        """Return the ResolverMatch for ``request`` and set request.resolver_match.

        A request with its own ``urlconf`` attribute is resolved against it.
        """
        if hasattr(request, "urlconf"):
            urlconf = request.urlconf
            set_urlconf(urlconf)
            resolver = get_resolver(urlconf)
        else:
            resolver = get_resolver()
        resolver_match = resolver.resolve(request.path_info)
        request.resolver_match = resolver_match
        return resolver_match

    def check_response(self, response, callback, name: str | None = None) -> None:
        """Raise ValueError if the view returned None or an unawaited coroutine."""
        if not (response is None or isinstance(response, types.CoroutineType)):
            return
        if not name:
            if isinstance(callback, types.FunctionType):
                name = f"The view {callback.__module__}.{callback.__name__}"
            else:
                name = (
                    f"The view {callback.__module__}."
                    f"{callback.__class__.__name__}.__call__"
                )
        if response is None:
            raise ValueError(
                f"{name} didn't return an HttpResponse object. It returned None "
                "instead."
            )
        raise ValueError(
            f"{name} didn't return an HttpResponse object. It returned an "
            "unawaited coroutine instead. You may need to add an 'await' "
            "into your view."
        )

    def make_view_atomic(self, view):
        """Return ``view``; the ORM will wrap it for ATOMIC_REQUESTS here."""
        return view

    def process_exception_by_middleware(self, exception: Exception, request):
        """Return the first response a process_exception method gives, or None."""
        for middleware_method in self._exception_middleware:
            response = middleware_method(request, exception)
            if response:
                return response
        return None


def reset_urlconf(sender=None, **kwargs) -> None:
    """Reset the thread's urlconf after each request is finished."""
    set_urlconf(None)


# Django connects reset_urlconf to request_finished. fastdj's get_response()
# adds it to the response's closers instead, so request_finished has no
# receivers unless the project adds some, and sending it costs nothing.
reset_urlconf_closer = functools.partial(set_urlconf, None)
