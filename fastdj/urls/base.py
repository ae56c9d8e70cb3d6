"""resolve(), reverse() and the per-thread URLconf and script prefix."""

from __future__ import annotations

import threading
from urllib.parse import urlencode

from fastdj.core.signals import setting_changed
from fastdj.urls.exceptions import NoReverseMatch, Resolver404
from fastdj.urls.resolvers import (
    _drop_compiled_tables,
    _get_cached_resolver,
    get_ns_resolver,
    get_resolver,
)
from fastdj.urls.utils import get_callable

__all__ = [
    "clear_script_prefix",
    "clear_url_caches",
    "get_script_prefix",
    "get_urlconf",
    "is_valid_path",
    "resolve",
    "reverse",
    "reverse_lazy",
    "set_script_prefix",
    "set_urlconf",
]

# SCRIPT_NAME prefix and URLconf override of the current thread.
_prefixes = threading.local()
_urlconfs = threading.local()


def resolve(path, urlconf=None):
    """Return the ResolverMatch for ``path``; raise Resolver404 if none."""
    if urlconf is None:
        urlconf = get_urlconf()
    return get_resolver(urlconf).resolve(path)


def reverse(
    viewname,
    urlconf=None,
    args=None,
    kwargs=None,
    current_app=None,
    *,
    query=None,
    fragment=None,
) -> str:
    """Return the URL path of the view ``viewname`` ("ns:name" or a callable).

    ``query`` (a mapping, QueryDict or sequence of pairs) adds a query string,
    ``fragment`` a "#fragment". Raise NoReverseMatch if no pattern fits.
    """
    if urlconf is None:
        urlconf = get_urlconf()
    resolver = get_resolver(urlconf)
    args = args or []
    kwargs = kwargs or {}
    prefix = get_script_prefix()

    if not isinstance(viewname, str):
        view = viewname
    else:
        *path, view = viewname.split(":")
        current_path = current_app.split(":")[::-1] if current_app else None
        resolved_path = []
        ns_pattern = ""
        ns_converters = {}
        for ns in path:
            current_ns = current_path.pop() if current_path else None
            # The name may be an application namespace: pick an instance.
            instances = resolver.app_dict.get(ns)
            if instances is not None:
                if current_ns and current_ns in instances:
                    ns = current_ns
                elif ns not in instances:
                    ns = instances[0]
            if ns != current_ns:
                current_path = None
            try:
                extra, resolver = resolver.namespace_dict[ns]
            except KeyError as key:
                if resolved_path:
                    raise NoReverseMatch(
                        f"{key} is not a registered namespace inside "
                        f"'{':'.join(resolved_path)}'"
                    ) from None
                raise NoReverseMatch(f"{key} is not a registered namespace") from None
            resolved_path.append(ns)
            ns_pattern += extra
            ns_converters.update(resolver.pattern.converters)
        if ns_pattern:
            resolver = get_ns_resolver(
                ns_pattern, resolver, tuple(ns_converters.items())
            )

    url = resolver._reverse_with_prefix(view, prefix, *args, **kwargs)
    if query is not None:
        if hasattr(query, "urlencode") and callable(query.urlencode):
            query_string = query.urlencode()  # a QueryDict
        else:
            query_string = urlencode(query, doseq=True)
        if query_string:
            url += "?" + query_string
    if fragment is not None:
        url += "#" + fragment
    return url


class _LazyURL:
    """A reverse() call made when the URL is first used as a string."""

    __slots__ = ("_call", "_url")

    def __init__(self, call):
        self._call = call
        self._url = None

    def __str__(self):
        if self._url is None:
            self._url = self._call()
        return self._url

    def __repr__(self):
        return f"<lazy URL {str(self)!r}>"

    def __eq__(self, other):
        return str(self) == (str(other) if isinstance(other, _LazyURL) else other)

    def __lt__(self, other):
        return str(self) < str(other)

    def __hash__(self):
        return hash(str(self))

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __mod__(self, other):
        return str(self) % other

    def __len__(self):
        return len(str(self))

    def __contains__(self, item):
        return item in str(self)

    def __getattr__(self, name):
        # str methods (startswith, encode, format...) act on the URL.
        return getattr(str(self), name)


def reverse_lazy(*args, **kwargs) -> _LazyURL:
    """Return a string-like object that calls reverse() when first used."""
    return _LazyURL(lambda: reverse(*args, **kwargs))


def clear_url_caches() -> None:
    """Forget cached resolvers and their compiled route and reverse tables."""
    get_callable.cache_clear()
    _get_cached_resolver.cache_clear()
    get_ns_resolver.cache_clear()
    _drop_compiled_tables()


def set_script_prefix(prefix: str) -> None:
    """Set the script prefix (SCRIPT_NAME) of the current thread."""
    if not prefix.endswith("/"):
        prefix += "/"
    _prefixes.value = prefix


def get_script_prefix() -> str:
    """Return the script prefix of the current thread ("/" by default)."""
    return getattr(_prefixes, "value", "/")


def clear_script_prefix() -> None:
    """Unset the script prefix of the current thread."""
    try:
        del _prefixes.value
    except AttributeError:
        pass


def set_urlconf(urlconf_name) -> None:
    """Use ``urlconf_name`` instead of ROOT_URLCONF in this thread (None resets)."""
    if urlconf_name:
        _urlconfs.value = urlconf_name
    elif hasattr(_urlconfs, "value"):
        del _urlconfs.value


def get_urlconf(default=None):
    """Return the URLconf set for this thread by set_urlconf(), or ``default``."""
    return getattr(_urlconfs, "value", default)


def is_valid_path(path, urlconf=None):
    """Return the ResolverMatch if ``path`` resolves, else False."""
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return False


def _root_urlconf_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        clear_url_caches()
        set_urlconf(None)


setting_changed.connect(_root_urlconf_changed, dispatch_uid="fastdj.urls.root_urlconf")
