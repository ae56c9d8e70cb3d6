"""View decorators about HTTP: allowed methods and conditional requests."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable
from inspect import iscoroutinefunction

from fastdj.http import HttpResponseNotAllowed
from fastdj.utils.cache import get_conditional_response
from fastdj.utils.http import http_date, quote_etag
from fastdj.utils.log import log_response

__all__ = [
    "condition",
    "etag",
    "last_modified",
    "require_GET",
    "require_POST",
    "require_http_methods",
    "require_safe",
]


def require_http_methods(request_method_list: Iterable[str]) -> Callable:
    """Decorate a view to answer 405 to any method not in ``request_method_list``.

    Method names are case-sensitive and must be upper case, as in Django::

        @require_http_methods(["GET", "POST"])
        def my_view(request): ...
    """
    allowed = list(request_method_list)

    def decorator(func):
        def _refuse(request):
            response = HttpResponseNotAllowed(allowed)
            log_response(
                "Method Not Allowed (%s): %s",
                request.method,
                request.path,
                response=response,
                request=request,
            )
            return response

        if iscoroutinefunction(func):

            @functools.wraps(func)
            async def inner(request, *args, **kwargs):
                if request.method not in allowed:
                    return _refuse(request)
                return await func(request, *args, **kwargs)

        else:

            @functools.wraps(func)
            def inner(request, *args, **kwargs):
                if request.method not in allowed:
                    return _refuse(request)
                return func(request, *args, **kwargs)

        return inner

    return decorator


require_GET = require_http_methods(["GET"])
require_GET.__doc__ = "Decorate a view to accept only the GET method."

require_POST = require_http_methods(["POST"])
require_POST.__doc__ = "Decorate a view to accept only the POST method."

require_safe = require_http_methods(["GET", "HEAD"])
require_safe.__doc__ = "Decorate a view to accept only the GET and HEAD methods."


def condition(
    etag_func: Callable | None = None, last_modified_func: Callable | None = None
) -> Callable:
    """Decorate a view to answer conditional requests (304 Not Modified, 412).

    ``etag_func(request, *args, **kwargs)`` returns the resource's ETag (quoted
    or not) or None; ``last_modified_func`` returns its last modification as a
    datetime (naive means UTC) or None. When the request's If-* headers are
    satisfied the view is not called. On GET and HEAD responses the ETag and
    Last-Modified headers are set unless the view set them.
    """

    def decorator(func):
        def _preconditions(request, args, kwargs):
            modified = None
            if last_modified_func is not None:
                moment = last_modified_func(request, *args, **kwargs)
                if moment:
                    if moment.utcoffset() is None:
                        moment = moment.replace(tzinfo=datetime.timezone.utc)
                    modified = int(moment.timestamp())
            tag = etag_func(request, *args, **kwargs) if etag_func else None
            if tag is not None:
                tag = quote_etag(tag)
            answer = get_conditional_response(request, etag=tag, last_modified=modified)
            return answer, tag, modified

        def _describe(request, response, tag, modified):
            if request.method in ("GET", "HEAD"):
                if modified and not response.has_header("Last-Modified"):
                    response.headers["Last-Modified"] = http_date(modified)
                if tag:
                    response.headers.setdefault("ETag", tag)
            return response

        if iscoroutinefunction(func):

            @functools.wraps(func)
            async def inner(request, *args, **kwargs):
                response, tag, modified = _preconditions(request, args, kwargs)
                if response is None:
                    response = await func(request, *args, **kwargs)
                return _describe(request, response, tag, modified)

        else:

            @functools.wraps(func)
            def inner(request, *args, **kwargs):
                response, tag, modified = _preconditions(request, args, kwargs)
                if response is None:
                    response = func(request, *args, **kwargs)
                return _describe(request, response, tag, modified)

        return inner

    return decorator


def etag(etag_func: Callable) -> Callable:
    """Decorate a view with condition(etag_func=etag_func)."""
    return condition(etag_func=etag_func)


def last_modified(last_modified_func: Callable) -> Callable:
    """Decorate a view with condition(last_modified_func=last_modified_func)."""
    return condition(last_modified_func=last_modified_func)
