"""Strings that are known to be safe to output in HTML without escaping.

A value is safe when it is an instance of ``SafeData`` or, for interoperation
with MarkupSafe/Jinja2 and similar libraries, when it has an ``__html__``
method: ``mark_safe`` and ``conditional_escape`` leave such values alone.
"""

from functools import wraps

__all__ = ["SafeData", "SafeString", "SafeText", "mark_safe", "is_safe"]


class SafeData:
    """Mixin that marks a value as safe for HTML output."""

    __slots__ = ()

    def __html__(self):
        """Return the value itself: it needs no further escaping."""
        return self


class SafeString(str, SafeData):
    """A str subclass that has been marked safe for HTML output."""

    __slots__ = ()

    def __add__(self, rhs):
        """Concatenate; the result stays safe only if ``rhs`` is safe too."""
        joined = str.__add__(self, rhs)
        if isinstance(rhs, SafeData):
            return SafeString(joined)
        return joined

    def __str__(self):
        return self


# Django keeps this alias for backwards compatibility.
SafeText = SafeString


def _safety_decorator(safety_marker, func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        return safety_marker(func(*args, **kwargs))

    return wrapper


def mark_safe(s):
    """Return ``s`` marked as safe for HTML output.

    Objects with an ``__html__`` method are returned unchanged; a callable is
    wrapped so that its return value is marked safe (usable as a decorator).
    """
    if hasattr(s, "__html__"):
        return s
    if callable(s):
        return _safety_decorator(mark_safe, s)
    return SafeString(s)


def is_safe(value) -> bool:
    """Return True if ``value`` needs no escaping (SafeData or has __html__)."""
    return isinstance(value, SafeData) or hasattr(value, "__html__")
