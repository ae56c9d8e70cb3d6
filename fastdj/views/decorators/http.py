"""View decorators that restrict the HTTP methods a view accepts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from inspect import iscoroutinefunction

from fastdj.http import HttpResponseNotAllowed
from fastdj.utils.log import log_response

__all__ = ["require_GET", "require_POST", "require_http_methods", "require_safe"]


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
