"""Cookie parsing, as ``django.http.cookie``."""

from __future__ import annotations

from http import cookies

__all__ = ["SimpleCookie", "parse_cookie"]

SimpleCookie = cookies.SimpleCookie

_unquote = cookies._unquote


def parse_cookie(cookie: str) -> dict[str, str]:
    """Return a dict parsed from a ``Cookie:`` header value.

    Never raise: browsers send what they like. A chunk without '=' is a value
    with an empty name (as browsers do), and a later name wins.
    """
    result: dict[str, str] = {}
    if not cookie:
        return result
    for chunk in cookie.split(";"):
        key, sep, val = chunk.partition("=")
        if not sep:
            key, val = "", chunk
        key = key.strip()
        val = val.strip()
        if key or val:
            # _unquote only changes a value wrapped in double quotes.
            result[key] = _unquote(val) if val[:1] == '"' else val
    return result
