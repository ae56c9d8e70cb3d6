"""Path converters for ``path()`` routes, as ``django.urls.converters``.

A converter has a ``regex`` (what a captured piece of the path must look like),
``to_python(value)`` (may raise ValueError to reject the piece, so that the
resolver goes on with the next pattern) and ``to_url(value)``.
"""

from __future__ import annotations

import functools
import uuid
import warnings

__all__ = [
    "DEFAULT_CONVERTERS",
    "IntConverter",
    "PathConverter",
    "REGISTERED_CONVERTERS",
    "SlugConverter",
    "StringConverter",
    "UUIDConverter",
    "get_converters",
    "register_converter",
]


class IntConverter:
    """Match a non-negative integer; convert it to int."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class StringConverter:
    """Match any non-empty segment without a slash."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return value


class UUIDConverter:
    """Match a lower-case hyphenated UUID; convert it to uuid.UUID."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value) -> str:
        return str(value)


class SlugConverter(StringConverter):
    """Match letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"


class PathConverter(StringConverter):
    """Match any non-empty path, slashes included."""

    regex = ".+"


DEFAULT_CONVERTERS = {
    "int": IntConverter(),
    "path": PathConverter(),
    "slug": SlugConverter(),
    "str": StringConverter(),
    "uuid": UUIDConverter(),
}

REGISTERED_CONVERTERS: dict[str, object] = {}


def register_converter(converter: type, type_name: str) -> None:
    """Make ``<type_name:...>`` usable in routes, backed by ``converter()``.

    Overriding a registered name works but warns, as in Django 5.2.
    """
    if type_name in REGISTERED_CONVERTERS or type_name in DEFAULT_CONVERTERS:
        warnings.warn(
            f"Converter {type_name!r} is already registered. Support for overriding "
            "registered converters is deprecated and will be removed in Django 6.0.",
            DeprecationWarning,
            stacklevel=2,
        )
    REGISTERED_CONVERTERS[type_name] = converter()
    get_converters.cache_clear()
    from fastdj.urls.resolvers import _route_to_regex

    _route_to_regex.cache_clear()


@functools.cache
def get_converters() -> dict[str, object]:
    """Return every converter by name: the defaults, then registered ones."""
    return {**DEFAULT_CONVERTERS, **REGISTERED_CONVERTERS}


def converter_kind(converter) -> str:
    """Return how the route trie can test ``converter`` on one path segment.

    "int", "str", "slug" and "uuid" have fast character-level tests; "custom"
    is a converter whose regex cannot match "/", so testing it against a whole
    segment is equivalent to Django's regex; "other" (``path`` and regexes that
    might span "/") needs the regex fallback.
    """
    kind = _BUILTIN_KINDS.get(type(converter))
    if kind is not None and converter.regex == type(converter).regex:
        return kind
    return "custom" if _segment_safe(str(converter.regex)) else "other"


_BUILTIN_KINDS = {
    IntConverter: "int",
    StringConverter: "str",
    SlugConverter: "slug",
    UUIDConverter: "uuid",
}

# Escapes that never match "/" (character classes and escaped metacharacters).
_SAFE_ESCAPES = frozenset("dws-_.^$*+?()[]{}|\\")


def _segment_safe(regex: str) -> bool:
    # Conservative: anything that might match "/" sends the route to the regex
    # fallback, which is always right, only slower.
    if "/" in regex or "[^" in regex:
        return False
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            if i + 1 >= len(regex) or regex[i + 1] not in _SAFE_ESCAPES:
                return False
            i += 2
            continue
        if ch == ".":
            return False
        i += 1
    return True
