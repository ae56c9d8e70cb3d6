"""Helpers for the URL tests: twin kernels, shared views, Django comparison.

tests/urls/ has no __init__.py on purpose: tests/urls.py is the suite's root
URLconf (module ``tests.urls``) and a package of the same name would shadow it.
Helpers live here and every URLconf is built in code.
"""

from __future__ import annotations

import importlib
import itertools
import types

import django.urls as dj

import fastdj.urls as fd
from fastdj.urls.resolvers import RegexPattern, URLResolver

KERNELS = {"py": importlib.import_module("fastdj.urls._match")}
try:
    KERNELS["cy"] = importlib.import_module("fastdj._speedups.urls_match")
except ImportError:  # CI requires the twins (FASTDJ_REQUIRE_EXTENSIONS)
    pass


def view_a(request, *args, **kwargs):
    return "a"


def view_b(request, *args, **kwargs):
    return "b"


def view_c(request, *args, **kwargs):
    return "c"


class CallableView:
    def __call__(self, request, *args, **kwargs):
        return "callable"


callable_view = CallableView()
VIEWS = [view_a, view_b, view_c]

_counter = itertools.count()


class FourDigits:
    """A custom converter that cannot match "/" and rejects some values."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        if value == "0000":
            raise ValueError("year zero")
        return int(value)

    def to_url(self, value):
        if value == 0:
            raise ValueError("year zero")
        return f"{value:04d}"


class Pairs:
    """A custom converter whose regex can span a "/" (needs the regex fallback)."""

    regex = "[a-z]+(?:/[a-z]+)?"

    def to_python(self, value):
        return value.upper()

    def to_url(self, value):
        return value.lower()


for _side in (dj, fd):
    if "four" not in _side.converters.get_converters():
        _side.register_converter(FourDigits, "four")
        _side.register_converter(Pairs, "pairs")


def module(urlpatterns, **attrs):
    """Return a new URLconf module holding ``urlpatterns``."""
    mod = types.ModuleType(f"urlconf_{next(_counter)}")
    mod.urlpatterns = urlpatterns
    for name, value in attrs.items():
        setattr(mod, name, value)
    return mod


def pair(build):
    """Return (django module, fastdj module) from ``build(urls_module)``."""
    return module(build(dj)), module(build(fd))


def resolver_for(conf, kernel):
    """Return a fresh fastdj root resolver for ``conf`` compiled with ``kernel``."""
    resolver = URLResolver(RegexPattern(r"^/"), conf)
    resolver._compile(kernel)
    return resolver


def _tried(tried):
    return [[str(p.pattern) for p in attempt] for attempt in tried]


def summary(match, with_tried=False):
    """Return what must agree between Django and fastdj for one match."""
    result = (
        match.func,
        match.args,
        match.kwargs,
        match.url_name,
        match.app_names,
        match.app_name,
        match.namespaces,
        match.namespace,
        match.route,
        match.view_name,
        match.captured_kwargs,
        match.extra_kwargs,
        match._func_path,
    )
    if with_tried:
        result += (_tried(match.tried),)
    return result


def django_outcome(path, conf, with_tried=False):
    try:
        match = dj.resolve(path, urlconf=conf)
    except dj.Resolver404 as exc:
        info = exc.args[0]
        return (
            "404",
            info.get("path"),
            _tried(info.get("tried", [])) if with_tried else None,
        )
    return summary(match, with_tried)


def fastdj_outcome(path, resolver, with_tried=False):
    try:
        match = resolver.resolve(path)
    except fd.Resolver404 as exc:
        info = exc.args[0]
        return (
            "404",
            info.get("path"),
            _tried(info.get("tried", [])) if with_tried else None,
        )
    return summary(match, with_tried)


def reverse_outcome(side, conf, *args, **kwargs):
    try:
        return side.reverse(*args, urlconf=conf, **kwargs)
    except side.NoReverseMatch as exc:
        return ("NoReverseMatch", str(exc))
    except Exception as exc:  # the same error on both sides is fine
        return (type(exc).__name__, str(exc))
