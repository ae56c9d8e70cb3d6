"""Default error views (handler400/403/404/500), as ``django.views.defaults``.

fastdj has no template engine yet, so these render the same built-in HTML that
Django falls back to when 404.html, 500.html, ... do not exist. The
``template_name`` arguments are accepted for compatibility; naming a template
other than the default is an error until templates land.
"""

from __future__ import annotations

from urllib.parse import quote

from fastdj.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)

__all__ = [
    "ERROR_400_TEMPLATE_NAME",
    "ERROR_403_TEMPLATE_NAME",
    "ERROR_404_TEMPLATE_NAME",
    "ERROR_500_TEMPLATE_NAME",
    "ERROR_PAGE_TEMPLATE",
    "bad_request",
    "page_not_found",
    "permission_denied",
    "server_error",
]

ERROR_404_TEMPLATE_NAME = "404.html"
ERROR_403_TEMPLATE_NAME = "403.html"
ERROR_400_TEMPLATE_NAME = "400.html"
ERROR_500_TEMPLATE_NAME = "500.html"
ERROR_PAGE_TEMPLATE = """
<!doctype html>
<html lang="en">
<head>
  <title>%(title)s</title>
</head>
<body>
  <h1>%(title)s</h1><p>%(details)s</p>
</body>
</html>
"""


class TemplateDoesNotExist(Exception):
    """A custom error template was asked for, but fastdj has no templates yet."""


def _page(title: str, details: str, template_name: str, default: str) -> str:
    if template_name != default:
        raise TemplateDoesNotExist(template_name)
    return ERROR_PAGE_TEMPLATE % {"title": title, "details": details}


def page_not_found(request, exception, template_name=ERROR_404_TEMPLATE_NAME):
    """Return the default 404 response.

    The would-be template context, as Django builds it, is kept on the
    response as ``context_data``: the quoted request path and the exception's
    message (or class name).
    """
    exception_repr = exception.__class__.__name__
    # The message if it is a plain string, not Resolver404's dict of tries.
    try:
        message = exception.args[0]
    except (AttributeError, IndexError):
        pass
    else:
        if isinstance(message, str):
            exception_repr = message
    body = _page(
        "Not Found",
        "The requested resource was not found on this server.",
        template_name,
        ERROR_404_TEMPLATE_NAME,
    )
    response = HttpResponseNotFound(body)
    response.context_data = {
        "request_path": quote(request.path),
        "exception": exception_repr,
    }
    return response


def server_error(request, template_name=ERROR_500_TEMPLATE_NAME):
    """Return the default 500 response."""
    body = _page("Server Error (500)", "", template_name, ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(body)


def bad_request(request, exception, template_name=ERROR_400_TEMPLATE_NAME):
    """Return the default 400 response (nothing about the exception is shown)."""
    body = _page("Bad Request (400)", "", template_name, ERROR_400_TEMPLATE_NAME)
    return HttpResponseBadRequest(body)


def permission_denied(request, exception, template_name=ERROR_403_TEMPLATE_NAME):
    """Return the default 403 response."""
    body = _page("403 Forbidden", "", template_name, ERROR_403_TEMPLATE_NAME)
    return HttpResponseForbidden(body)
