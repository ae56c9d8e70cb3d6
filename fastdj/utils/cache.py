"""Conditional requests (RFC 9110 section 13), as ``django.utils.cache``.

Only the conditional-GET part of Django's module is here so far: the cache
header helpers arrive with the cache framework.
"""

from __future__ import annotations

from fastdj.http import HttpResponse, HttpResponseNotModified
from fastdj.utils.http import parse_etags, parse_http_date_safe
from fastdj.utils.log import log_response

__all__ = ["get_conditional_response"]

_SAFE_METHODS = ("GET", "HEAD")
# What a 304 keeps of the response it replaces (RFC 9110 15.4.5), plus
# Last-Modified, as Django does.
_NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
)


def get_conditional_response(
    request, etag: str | None = None, last_modified: int | None = None, response=None
):
    """Return a 304 or 412 response if the request's preconditions say so.

    ``etag`` is the quoted ETag and ``last_modified`` the epoch seconds of the
    resource. Otherwise return ``response`` (None when not given). The
    preconditions are evaluated in RFC 9110's order; If-Range is not supported.
    """
    if response is not None and not 200 <= response.status_code < 300:
        return response
    meta = request.META
    if_match = parse_etags(meta.get("HTTP_IF_MATCH", ""))
    if_none_match = parse_etags(meta.get("HTTP_IF_NONE_MATCH", ""))
    if_unmodified_since = _header_date(meta, "HTTP_IF_UNMODIFIED_SINCE")
    if_modified_since = _header_date(meta, "HTTP_IF_MODIFIED_SINCE")

    if if_match:
        if not _strong_match(etag, if_match):
            return _precondition_failed(request)
    elif if_unmodified_since is not None and not (
        last_modified and last_modified <= if_unmodified_since
    ):
        return _precondition_failed(request)

    if if_none_match:
        if _weak_match(etag, if_none_match):
            if request.method in _SAFE_METHODS:
                return _not_modified(response)
            return _precondition_failed(request)
    elif (
        if_modified_since is not None
        and last_modified
        and last_modified <= if_modified_since
        and request.method in _SAFE_METHODS
    ):
        return _not_modified(response)
    return response


def _header_date(meta, key: str) -> int | None:
    # An unparsable date makes the condition absent, not failed (RFC 9110).
    value = meta.get(key)
    return parse_http_date_safe(value) if value else None


def _strong_match(etag: str | None, etags: list[str]) -> bool:
    # If-Match compares strongly: a weak ETag matches no listed tag, while
    # "*" matches any representation that has an ETag at all.
    if not etag:
        return False
    if etags == ["*"]:
        return True
    return not etag.startswith("W/") and etag in etags


def _weak_match(etag: str | None, etags: list[str]) -> bool:
    # If-None-Match compares weakly: W/"x" and "x" are the same.
    if not etag:
        return False
    if etags == ["*"]:
        return True
    return _opaque(etag) in {_opaque(candidate) for candidate in etags}


def _opaque(etag: str) -> str:
    # Django strips the characters "W" and "/" from both ends, not just the
    # "W/" prefix; the same here, so both compare the same tags.
    return etag.strip("W/")


def _precondition_failed(request) -> HttpResponse:
    response = HttpResponse(status=412)
    log_response(
        "Precondition Failed: %s", request.path, response=response, request=request
    )
    return response


def _not_modified(response=None) -> HttpResponseNotModified:
    not_modified = HttpResponseNotModified()
    if response is not None:
        for header in _NOT_MODIFIED_HEADERS:
            if header in response:
                not_modified.headers[header] = response.headers[header]
        # Cookies travel with a 304 as with a 200 (RFC 6265 section 3).
        not_modified.cookies = response.cookies
    return not_modified
