"""Run the same call on Django 5.2 and on fastdj and compare the outcomes.

Arguments that must be safe strings are written as ``Safe("...")``; each side
receives its own library's SafeString. Outcomes compare equal when both
return equal values with the same type family and the same SafeData-ness
(element by element for lists), or both raise the same exception type.
"""

from django.utils.safestring import SafeData as DjSafeData
from django.utils.safestring import mark_safe as dj_mark_safe

from fastdj.utils.safestring import SafeData as FdSafeData
from fastdj.utils.safestring import mark_safe as fd_mark_safe


class Safe:
    """A placeholder for a string marked safe on each side."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"Safe({self.text!r})"


def _convert(value, mark_safe):
    if isinstance(value, Safe):
        return mark_safe(value.text)
    if isinstance(value, list):
        return [_convert(v, mark_safe) for v in value]
    return value


def _outcome(func, args, kwargs, mark_safe, safe_cls):
    args = [_convert(a, mark_safe) for a in args]
    kwargs = {k: _convert(v, mark_safe) for k, v in kwargs.items()}
    try:
        result = func(*args, **kwargs)
    except Exception as exc:
        return ("raised", type(exc).__name__)
    return ("returned", _describe(result, safe_cls))


def _describe(result, safe_cls):
    if isinstance(result, (list, tuple)):
        return (type(result).__name__, [_describe(r, safe_cls) for r in result])
    if isinstance(result, str):
        return ("str", str.__str__(result), isinstance(result, safe_cls))
    return (type(result).__name__, result)


def outcomes(dj_func, fd_func, *args, **kwargs):
    """Return (django_outcome, fastdj_outcome) of calling both functions."""
    return (
        _outcome(dj_func, args, kwargs, dj_mark_safe, DjSafeData),
        _outcome(fd_func, args, kwargs, fd_mark_safe, FdSafeData),
    )


def assert_same(dj_func, fd_func, *args, **kwargs):
    """Assert both functions give the same outcome for the same arguments."""
    dj, fd = outcomes(dj_func, fd_func, *args, **kwargs)
    assert fd == dj, f"args={args!r} kwargs={kwargs!r}"
    return fd
