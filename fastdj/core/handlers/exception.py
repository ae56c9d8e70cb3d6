"""Turn exceptions raised while handling a request into responses.

Every middleware layer and the view path are wrapped so that an exception that
escapes them becomes a response right there (Http404 -> 404, PermissionDenied
-> 403, BadRequest and SuspiciousOperation -> 400, RequestDataTooBig -> 413,
anything else -> 500) and the layers outside always get a response back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastdj import _accel
from fastdj.conf import settings
from fastdj.core import signals
from fastdj.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from fastdj.http import Http404, HttpResponse
from fastdj.http.multipartparser import MultiPartParserError
from fastdj.urls import get_resolver, get_urlconf
from fastdj.utils.log import log_response
from fastdj.views import debug
from fastdj.views.defaults import ERROR_PAGE_TEMPLATE

__all__ = [
    "convert_exception_to_response",
    "get_exception_response",
    "handle_uncaught_exception",
    "response_for_exception",
]


def convert_exception_to_response(get_response: Callable) -> Callable:
    """Return ``get_response`` wrapped so that every Exception becomes a response.

    BaseHandler applies it to each middleware so that no middleware leaks an
    exception: the next layer out can rely on getting a response.
    """
    return _accel.kernel("middleware").convert_exception_to_response(
        get_response, response_for_exception
    )


def _exc_info(exc: BaseException) -> tuple:
    return (type(exc), exc, exc.__traceback__)


def response_for_exception(request, exc: Exception):
    """Return the response for ``exc`` raised while handling ``request``."""
    if isinstance(exc, Http404):
        if settings.DEBUG:
            response = debug.technical_404_response(request, exc)
        else:
            response = get_exception_response(
                request, get_resolver(get_urlconf()), 404, exc
            )

    elif isinstance(exc, PermissionDenied):
        response = get_exception_response(
            request, get_resolver(get_urlconf()), 403, exc
        )
        log_response(
            "Forbidden (Permission denied): %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )

    elif isinstance(exc, MultiPartParserError):
        response = get_exception_response(
            request, get_resolver(get_urlconf()), 400, exc
        )
        log_response(
            "Bad request (Unable to parse request body): %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )

    elif isinstance(exc, BadRequest):
        if settings.DEBUG:
            response = debug.technical_500_response(
                request, *_exc_info(exc), status_code=400
            )
        else:
            response = get_exception_response(
                request, get_resolver(get_urlconf()), 400, exc
            )
        log_response(
            "%s: %s",
            str(exc),
            request.path,
            response=response,
            request=request,
            exception=exc,
        )

    elif isinstance(exc, SuspiciousOperation):
        if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
            # The body cannot be read again: make request.POST raise nothing
            # new but stay empty, as Django does.
            mark = getattr(request, "_mark_post_parse_error", None)
            if mark is not None:
                mark()
        # fastdj answers an oversized body with 413 (Django says 400).
        status = 413 if isinstance(exc, RequestDataTooBig) else 400
        if settings.DEBUG:
            response = debug.technical_500_response(
                request, *_exc_info(exc), status_code=status
            )
        elif status == 413:
            response = _request_too_large()
        else:
            response = get_exception_response(
                request, get_resolver(get_urlconf()), 400, exc
            )
        _log_security(exc, request, response)

    else:
        signals.got_request_exception.send(sender=None, request=request)
        response = handle_uncaught_exception(
            request, get_resolver(get_urlconf()), _exc_info(exc)
        )
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exc,
        )

    # A TemplateResponse from an error handler must leave here rendered.
    if not getattr(response, "is_rendered", True) and callable(
        getattr(response, "render", None)
    ):
        response = response.render()
    return response


def _request_too_large():
    # Django has no handler413: answer with the same plain page as its others.
    return HttpResponse(
        ERROR_PAGE_TEMPLATE
        % {"title": "Request Entity Too Large (413)", "details": ""},
        status=413,
    )


def _log_security(exc: SuspiciousOperation, request, response) -> None:
    # SuspiciousOperation goes to fastdj.security.<Name>, at error level, so a
    # project can route security events apart from ordinary request errors.
    if getattr(response, "_has_been_logged", False):
        return
    logger = logging.getLogger(f"fastdj.security.{exc.__class__.__name__}")
    logger.error(
        str(exc),
        extra={"status_code": response.status_code, "request": request},
        exc_info=exc,
    )
    response._has_been_logged = True


def get_exception_response(request, resolver, status_code: int, exception):
    """Return the response of the handler<status_code> view for ``exception``."""
    try:
        callback = resolver.resolve_error_handler(status_code)
        response = callback(request, exception=exception)
    except Exception as exc:
        signals.got_request_exception.send(sender=None, request=request)
        response = handle_uncaught_exception(request, resolver, _exc_info(exc))
    return response


def handle_uncaught_exception(request, resolver, exc_info: tuple):
    """Return the 500 response for an otherwise unhandled exception.

    With DEBUG the technical page, else the handler500 view; with
    DEBUG_PROPAGATE_EXCEPTIONS the exception propagates instead.
    """
    if settings.DEBUG_PROPAGATE_EXCEPTIONS:
        raise exc_info[1]
    if settings.DEBUG:
        return debug.technical_500_response(request, *exc_info)
    callback = resolver.resolve_error_handler(500)
    return callback(request)
