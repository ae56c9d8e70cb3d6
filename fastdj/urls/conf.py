"""path(), re_path() and include(), for use in URLconfs."""

from __future__ import annotations

import functools
from importlib import import_module

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.urls.resolvers import RegexPattern, RoutePattern, URLPattern, URLResolver

__all__ = ["include", "path", "re_path"]


def include(arg, namespace=None):
    """Return what path()/re_path() need to mount another URLconf.

    ``arg`` is a module, its dotted path, a list of patterns, or a
    ``(patterns, app_name)`` 2-tuple; ``namespace`` names this instance.
    """
    app_name = None
    if isinstance(arg, tuple):
        try:
            urlconf_module, app_name = arg
        except ValueError:
            if namespace:
                raise ImproperlyConfigured(
                    "Cannot override the namespace for a dynamic module that "
                    "provides a namespace."
                ) from None
            raise ImproperlyConfigured(
                f"Passing a {len(arg)}-tuple to include() is not supported. Pass a "
                "2-tuple containing the list of patterns and app_name, and provide "
                "the namespace argument to include() instead."
            ) from None
    else:
        urlconf_module = arg
    if isinstance(urlconf_module, str):
        urlconf_module = import_module(urlconf_module)
    app_name = getattr(urlconf_module, "app_name", app_name)
    if namespace and not app_name:
        raise ImproperlyConfigured(
            "Specifying a namespace in include() without providing an app_name is "
            "not supported. Set the app_name attribute in the included module, or "
            "pass a 2-tuple containing the list of patterns and app_name instead."
        )
    return (urlconf_module, app_name, namespace or app_name)


def _path(route, view, kwargs=None, name=None, Pattern=None):
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(
            f"kwargs argument must be a dict, but got {kwargs.__class__.__name__}."
        )
    if isinstance(view, (list, tuple)):
        urlconf_module, app_name, namespace = view
        return URLResolver(
            Pattern(route, is_endpoint=False),
            urlconf_module,
            kwargs,
            app_name=app_name,
            namespace=namespace,
        )
    if callable(view):
        return URLPattern(
            Pattern(route, name=name, is_endpoint=True), view, kwargs, name
        )
    view_class = _view_class()
    if view_class is not None and isinstance(view, view_class):
        name = view.__class__.__name__
        raise TypeError(
            f"view must be a callable, pass {name}.as_view(), not {name}()."
        )
    raise TypeError("view must be a callable or a list/tuple in the case of include().")


def _view_class():
    try:
        from fastdj.views import View
    except ImportError:
        return None
    return View


path = functools.partial(_path, Pattern=RoutePattern)
re_path = functools.partial(_path, Pattern=RegexPattern)
