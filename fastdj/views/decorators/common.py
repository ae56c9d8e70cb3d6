"""View decorators that adjust what CommonMiddleware does, as Django's."""

from __future__ import annotations

import functools
from collections.abc import Callable
from inspect import iscoroutinefunction

__all__ = ["no_append_slash"]


def no_append_slash(view_func: Callable) -> Callable:
    """Mark a view so that APPEND_SLASH never redirects a request to it.

    CommonMiddleware reads the ``should_append_slash`` attribute of the view
    that the slash URL resolves to.
    """
    if iscoroutinefunction(view_func):

        async def _view_wrapper(request, *args, **kwargs):
            return await view_func(request, *args, **kwargs)

    else:

        def _view_wrapper(request, *args, **kwargs):
            return view_func(request, *args, **kwargs)

    functools.update_wrapper(_view_wrapper, view_func)
    _view_wrapper.should_append_slash = False
    return _view_wrapper
