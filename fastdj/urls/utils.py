"""Helpers shared by the resolver and reverse()."""

from __future__ import annotations

import functools
from importlib import import_module

from fastdj.core.exceptions import ViewDoesNotExist

__all__ = ["get_callable", "get_mod_func"]


@functools.cache
def get_callable(lookup_view):
    """Return the callable ``lookup_view`` names (itself, or a dotted path).

    Raise ImportError or ViewDoesNotExist when the path names no callable.
    """
    if callable(lookup_view):
        return lookup_view
    if not isinstance(lookup_view, str):
        raise ViewDoesNotExist(
            f"'{lookup_view}' is not a callable or a dot-notation path"
        )
    mod_name, func_name = get_mod_func(lookup_view)
    if not func_name:
        raise ImportError(
            f"Could not import '{lookup_view}'. The path must be fully qualified."
        )
    try:
        mod = import_module(mod_name)
    except ImportError:
        parent, submodule = get_mod_func(mod_name)
        if submodule and not _has_submodule(parent, submodule):
            raise ViewDoesNotExist(
                f"Could not import '{lookup_view}'. Parent module {mod_name} does "
                "not exist."
            ) from None
        raise
    try:
        view = getattr(mod, func_name)
    except AttributeError:
        raise ViewDoesNotExist(
            f"Could not import '{lookup_view}'. View does not exist in module "
            f"{mod_name}."
        ) from None
    if not callable(view):
        raise ViewDoesNotExist(
            f"Could not import '{mod_name}.{func_name}'. View is not callable."
        )
    return view


def get_mod_func(callback: str) -> tuple[str, str]:
    """Split 'a.b.view' into ('a.b', 'view'); ('name', '') without a dot."""
    module, dot, name = callback.rpartition(".")
    return (module, name) if dot else (callback, "")


def _has_submodule(parent: str, name: str) -> bool:
    import importlib.util

    try:
        package = import_module(parent)
    except ImportError:
        return False
    if not hasattr(package, "__path__"):
        return False
    return importlib.util.find_spec(f"{parent}.{name}") is not None
