"""Map request paths to views and back, as ``django.urls.resolvers``.

``URLResolver.resolve()`` gives the same ResolverMatch as Django's, but it
does not walk the patterns: on first use the resolver flattens its URLconf
(includes expanded) and compiles it with the "urls" kernel into a route table
keyed on literal path segments (see ``fastdj.urls._match``). Everything about
a match that does not depend on the path (route string, namespaces, view
name...) is computed at that time, so a request only fills in the arguments.
Django's step-by-step walk is kept for the rare things that need it: the
``tried`` lists, computed only when read.
"""

from __future__ import annotations

import functools
import re
import string
import threading
import weakref
from importlib import import_module
from pickle import PicklingError
from urllib.parse import quote

from fastdj import _accel
from fastdj.conf import settings
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.urls._regex_helper import normalize
from fastdj.urls.converters import converter_kind, get_converters
from fastdj.urls.exceptions import NoReverseMatch, Resolver404
from fastdj.urls.utils import get_callable

__all__ = [
    "RegexPattern",
    "ResolverMatch",
    "RoutePattern",
    "URLPattern",
    "URLResolver",
    "get_ns_resolver",
    "get_resolver",
]

_DEFAULT_HANDLERS = {
    "400": "fastdj.views.defaults.bad_request",
    "403": "fastdj.views.defaults.permission_denied",
    "404": "fastdj.views.defaults.page_not_found",
    "500": "fastdj.views.defaults.server_error",
}
# The pchar characters of RFC 3986 that reverse() leaves unquoted.
_URL_SAFE = "!$&'()*+,;=" + "/~:@"


class ResolverMatch:
    """The view a path resolved to, with its arguments and where it was found.

    A match made by the route table holds the arguments and its compiled route
    (``_compiled``); the other attributes are read from that route when first
    used, so building a match per request costs a few slot assignments.
    """

    __slots__ = (
        "func",
        "args",
        "kwargs",
        "captured_kwargs",
        "_compiled",
        "_path",
        "__dict__",
    )

    def __init__(
        self,
        func,
        args,
        kwargs,
        url_name=None,
        app_names=None,
        namespaces=None,
        route=None,
        tried=None,
        captured_kwargs=None,
        extra_kwargs=None,
    ):
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.url_name = url_name
        self.route = route
        self.tried = tried
        self.captured_kwargs = captured_kwargs
        self.extra_kwargs = extra_kwargs
        self._compiled = None
        # Resolvers without an app name or namespace pass empty values.
        self.app_names = [x for x in app_names if x] if app_names else []
        self.app_name = ":".join(self.app_names)
        self.namespaces = [x for x in namespaces if x] if namespaces else []
        self.namespace = ":".join(self.namespaces)
        self._func_path = _func_path(func)
        self.view_name = ":".join([*self.namespaces, url_name or self._func_path])

    def __getattr__(self, name):
        # Only reached for attributes not set yet: the lazy ones of a match
        # made by the route table.
        try:
            compiled = object.__getattribute__(self, "_compiled")
        except AttributeError:
            compiled = None
        if compiled is None or name not in _LAZY_FIELDS:
            raise AttributeError(
                f"{self.__class__.__name__!r} object has no attribute {name!r}"
            )
        state = self.__dict__
        if name == "tried":
            value = state["tried"] = compiled.tried(self._path)
        else:
            for field in _CONSTANT_FIELDS:
                state[field] = compiled.base[field]
            state["app_names"] = [*compiled.base["app_names"]]
            state["namespaces"] = [*compiled.base["namespaces"]]
            state["extra_kwargs"] = {**compiled.extra}
            value = state[name]
        return value

    def __getitem__(self, index):
        return (self.func, self.args, self.kwargs)[index]

    def __repr__(self):
        func = (
            repr(self.func)
            if isinstance(self.func, functools.partial)
            else self._func_path
        )
        captured = (
            f", captured_kwargs={self.captured_kwargs!r}"
            if self.captured_kwargs
            else ""
        )
        extra = f", extra_kwargs={self.extra_kwargs!r}" if self.extra_kwargs else ""
        return (
            f"ResolverMatch(func={func}, args={self.args!r}, kwargs={self.kwargs!r}, "
            f"url_name={self.url_name!r}, app_names={self.app_names!r}, "
            f"namespaces={self.namespaces!r}, route={self.route!r}{captured}{extra})"
        )

    def __reduce_ex__(self, protocol):
        raise PicklingError(f"Cannot pickle {self.__class__.__qualname__}.")


_CONSTANT_FIELDS = (
    "url_name",
    "route",
    "app_name",
    "namespace",
    "_func_path",
    "view_name",
)
_LAZY_FIELDS = frozenset(
    [*_CONSTANT_FIELDS, "app_names", "namespaces", "extra_kwargs", "tried"]
)


def _func_path(func) -> str:
    if hasattr(func, "view_class"):
        func = func.view_class
    if not hasattr(func, "__name__"):  # a callable instance
        return f"{func.__class__.__module__}.{func.__class__.__name__}"
    return f"{func.__module__}.{func.__name__}"


class _LazyTried(list):
    """The ``tried`` list of a Resolver404, filled in on first use.

    A miss is cheap with the route table; listing every pattern tried (as the
    debug 404 page does) costs Django's full walk, so it is deferred.
    """

    __slots__ = ("_resolver", "_path")

    def _fill(self):
        resolver = self._resolver
        if resolver is not None:
            self._resolver = None
            list.extend(self, _tried(resolver, self._path))
        return self

    def __iter__(self):
        return list.__iter__(self._fill())

    def __len__(self):
        return list.__len__(self._fill())

    def __getitem__(self, index):
        return list.__getitem__(self._fill(), index)

    def __contains__(self, item):
        return list.__contains__(self._fill(), item)

    def __eq__(self, other):
        return list.__eq__(self._fill(), other)

    def __ne__(self, other):
        return list.__ne__(self._fill(), other)

    def __bool__(self):
        return bool(list.__len__(self._fill()))

    def __reversed__(self):
        return list.__reversed__(self._fill())

    def __repr__(self):
        return list.__repr__(self._fill())

    def __reduce__(self):
        return (list, (list(self._fill()),))

    __hash__ = None


def _lazy_tried(resolver, path):
    tried = _new_tried(_LazyTried)
    tried._resolver = resolver
    tried._path = path
    return tried


_new_tried = list.__new__


def _tried(resolver, path):
    """Return Django's ``tried`` list for resolving ``path`` with ``resolver``."""
    try:
        return resolver._resolve_linear(path).tried
    except Resolver404 as exc:
        return exc.args[0].get("tried", [])


def get_resolver(urlconf=None) -> URLResolver:
    """Return the (cached) root resolver of ``urlconf`` or ROOT_URLCONF."""
    if urlconf is None:
        urlconf = settings.ROOT_URLCONF
    return _get_cached_resolver(urlconf)


@functools.cache
def _get_cached_resolver(urlconf=None):
    return URLResolver(RegexPattern(r"^/"), urlconf)


@functools.cache
def get_ns_resolver(ns_pattern, resolver, converters):
    """Return a root resolver for reversing inside a namespace prefix."""
    pattern = RegexPattern(ns_pattern)
    pattern.converters = dict(converters)
    inner = URLResolver(pattern, resolver.url_patterns)
    return URLResolver(RegexPattern(r"^/"), [inner])


# Every resolver that compiled a table, so clear_url_caches() can drop them all
# (included resolvers live in URLconf modules and outlive the cache).
_compiled_resolvers = weakref.WeakSet()


def _drop_compiled_tables():
    for resolver in list(_compiled_resolvers):
        resolver._table = None
    _compiled_resolvers.clear()


class RegexPattern:
    """A ``re_path()`` pattern."""

    def __init__(self, regex, name=None, is_endpoint=False):
        self._regex = regex
        self._is_endpoint = is_endpoint
        self.name = name
        self.converters = {}

    @functools.cached_property
    def regex(self):
        try:
            return re.compile(str(self._regex))
        except re.error as exc:
            raise ImproperlyConfigured(
                f'"{self._regex}" is not a valid regular expression: {exc}'
            ) from exc

    @functools.cached_property
    def _fullmatch(self):
        return self._is_endpoint and self.regex.pattern.endswith("$")

    def match(self, path):
        """Return (remaining path, args, kwargs) or None."""
        regex = self.regex
        found = regex.fullmatch(path) if self._fullmatch else regex.search(path)
        if found is None:
            return None
        # Named groups become kwargs and then the unnamed ones are dropped.
        kwargs = found.groupdict()
        args = () if kwargs else found.groups()
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        return path[found.end() :], args, kwargs

    def check(self):
        return []

    def describe(self):
        return f"'{self}'" + (f" [name='{self.name}']" if self.name else "")

    def __str__(self):
        return str(self._regex)


_PARAMETER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_WHITESPACE = frozenset(string.whitespace)


@functools.lru_cache
def _route_to_regex(route, is_endpoint):
    """Return (regex source, converters by name, pieces) for a path() route.

    ``pieces`` is what the route table needs: literal strings and
    ``(name, kind, converter, compiled converter regex)`` captures.
    """
    converters = get_converters()
    regex = ["^"]
    found = {}
    pieces = []
    end = 0
    for param in _PARAMETER_RE.finditer(route):
        if not _WHITESPACE.isdisjoint(param[0]):
            raise ImproperlyConfigured(
                f"URL route {route!r} cannot contain whitespace in angle brackets <…>."
            )
        type_name, name = param.groups(default="str")
        if not name.isidentifier():
            raise ImproperlyConfigured(
                f"URL route {route!r} uses parameter name {name!r} which isn't a "
                "valid Python identifier."
            )
        try:
            converter = converters[type_name]
        except KeyError:
            raise ImproperlyConfigured(
                f"URL route {route!r} uses invalid converter {type_name!r}."
            ) from None
        found[name] = converter
        literal = route[end : param.start()]
        regex.append(re.escape(literal))
        regex.append(f"(?P<{name}>{converter.regex})")
        if literal:
            pieces.append(literal)
        kind = converter_kind(converter)
        compiled = re.compile(converter.regex) if kind == "custom" else None
        pieces.append((name, kind, converter, compiled))
        end = param.end()
    literal = route[end:]
    regex.append(re.escape(literal))
    if literal:
        pieces.append(literal)
    if is_endpoint:
        regex.append(r"\Z")
    return "".join(regex), found, tuple(pieces)


class RoutePattern:
    """A ``path()`` route such as ``"articles/<int:year>/"``."""

    def __init__(self, route, name=None, is_endpoint=False):
        self._route = route
        # Equal routes share one converters dict, as in Django, where reverse()
        # adds a namespace's converters to it (visible to every equal route).
        self._regex, self.converters, self._pieces = _route_to_regex(
            str(route), is_endpoint
        )
        self._is_endpoint = is_endpoint
        self.name = name

    @functools.cached_property
    def regex(self):
        return re.compile(self._regex)

    def match(self, path):
        """Return (remaining path, (), kwargs) or None."""
        found = self.regex.search(path)
        if found is None:
            return None
        kwargs = found.groupdict()
        for key, value in kwargs.items():
            try:
                kwargs[key] = self.converters[key].to_python(value)
            except ValueError:
                return None
        return path[found.end() :], (), kwargs

    def check(self):
        return []

    def describe(self):
        return f"'{self}'" + (f" [name='{self.name}']" if self.name else "")

    def __str__(self):
        return str(self._route)


class URLPattern:
    """A pattern leading to a view."""

    def __init__(self, pattern, callback, default_args=None, name=None):
        self.pattern = pattern
        self.callback = callback
        self.default_args = default_args or {}
        self.name = name

    def __repr__(self):
        return f"<{self.__class__.__name__} {self.pattern.describe()}>"

    def check(self):
        return []

    def resolve(self, path) -> ResolverMatch | None:
        """Return a ResolverMatch if this pattern matches ``path``, else None."""
        found = self.pattern.match(path)
        if found:
            _, args, captured = found
            return ResolverMatch(
                self.callback,
                args,
                {**captured, **self.default_args},
                self.pattern.name,
                route=str(self.pattern),
                captured_kwargs=captured,
                extra_kwargs=self.default_args,
            )
        return None

    @functools.cached_property
    def lookup_str(self):
        """Return the dotted path of the view (function or class)."""
        callback = self.callback
        if isinstance(callback, functools.partial):
            callback = callback.func
        if hasattr(callback, "view_class"):
            callback = callback.view_class
        elif not hasattr(callback, "__name__"):
            return f"{callback.__module__}.{callback.__class__.__name__}"
        return f"{callback.__module__}.{callback.__qualname__}"


class _Route:
    """What the route table returns for a view: the constant part of its match."""

    __slots__ = ("func", "base", "extra", "resolver")

    def __init__(self, resolver, chain, leaf):
        self.resolver = resolver
        self.func = leaf.callback
        route = str(leaf.pattern)
        for outer in reversed(chain):
            route = _join_route(str(outer.pattern), route)
        app_names = [x for x in [resolver.app_name, *(r.app_name for r in chain)] if x]
        namespaces = [
            x for x in [resolver.namespace, *(r.namespace for r in chain)] if x
        ]
        url_name = leaf.pattern.name
        func_path = _func_path(leaf.callback)
        self.base = {
            "url_name": url_name,
            "route": route,
            "app_names": app_names,
            "app_name": ":".join(app_names),
            "namespaces": namespaces,
            "namespace": ":".join(namespaces),
            "_func_path": func_path,
            "view_name": ":".join([*namespaces, url_name or func_path]),
        }
        extra = dict(resolver.default_kwargs)
        for outer in chain:
            extra.update(outer.default_kwargs)
        extra.update(leaf.default_args)
        self.extra = extra

    def tried(self, path):
        return _tried(self.resolver, path)


_new_match = object.__new__


def _join_route(route1, route2):
    if not route1:
        return route2
    return route1 + route2.removeprefix("^")


class URLResolver:
    """A pattern leading to more patterns (the root URLconf or an include())."""

    def __init__(
        self, pattern, urlconf_name, default_kwargs=None, app_name=None, namespace=None
    ):
        self.pattern = pattern
        # A dotted module path, a module, or a list of patterns.
        self.urlconf_name = urlconf_name
        self.callback = None
        self.default_kwargs = default_kwargs or {}
        self.namespace = namespace
        self.app_name = app_name
        self._table = None
        self._kernel = None
        self._root = False
        self._reverse_dict = None
        self._namespace_dict = None
        self._app_dict = None
        self._callback_strs = set()
        self._populated = False
        self._local = threading.local()
        self._lock = threading.RLock()

    def __repr__(self):
        if isinstance(self.urlconf_name, list) and self.urlconf_name:
            # The whole list can be huge.
            conf = f"<{self.urlconf_name[0].__class__.__name__} list>"
        else:
            conf = repr(self.urlconf_name)
        return (
            f"<{self.__class__.__name__} {conf} ({self.app_name}:{self.namespace}) "
            f"{self.pattern.describe()}>"
        )

    def check(self):
        return []

    @functools.cached_property
    def urlconf_module(self):
        """Return the URLconf module (or the list of patterns given in its place)."""
        if isinstance(self.urlconf_name, str):
            try:
                return import_module(self.urlconf_name)
            except ImportError as exc:
                # include() imports at once, so a name imported here came
                # from ROOT_URLCONF or a request's urlconf: say which.
                source = (
                    "The ROOT_URLCONF setting"
                    if self.urlconf_name == settings.ROOT_URLCONF
                    else "request.urlconf"
                )
                raise ImproperlyConfigured(
                    f"{source} names {self.urlconf_name!r}, which cannot be "
                    f"imported: {exc}"
                ) from exc
        return self.urlconf_name

    @functools.cached_property
    def url_patterns(self):
        """Return the urlpatterns of the URLconf, checked to be iterable."""
        if self.urlconf_name is None:
            raise ImproperlyConfigured(
                "The ROOT_URLCONF setting is not set: name the module holding "
                "your urlpatterns."
            )
        # The "module" may be the list of patterns itself.
        patterns = getattr(self.urlconf_module, "urlpatterns", self.urlconf_module)
        try:
            iter(patterns)
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"The included URLconf '{self.urlconf_name}' does not appear to have "
                "any patterns in it. If you see the 'urlpatterns' variable with "
                "valid patterns in the file then the issue is probably caused by a "
                "circular import."
            ) from exc
        return patterns

    # -- resolving ---------------------------------------------------------

    def resolve(self, path) -> ResolverMatch:
        """Return the ResolverMatch for ``path`` or raise Resolver404."""
        if type(path) is not str:
            path = str(path)  # may be a reverse_lazy() object
        table = self._table
        if table is None:
            table = self._compile()
        if self._root:
            # The root table includes the leading "/" (see _compile).
            found = table.match(path)
            if found is None:
                if path[:1] != "/":
                    raise Resolver404({"path": path})
                tried = _new_tried(_LazyTried)
                tried._resolver = self
                tried._path = path
                raise Resolver404({"tried": tried, "path": path[1:]})
            compiled, args, kwargs, captured = found
            match = _new_match(ResolverMatch)
            match.func = compiled.func
            match.args = args
            match.kwargs = kwargs
            match.captured_kwargs = captured
            match._compiled = compiled
            match._path = path
            return match
        own = self.pattern.match(path)
        if not own:
            raise Resolver404({"path": path})
        rest, own_args, own_kwargs = own
        found = table.match(rest)
        if found is None:
            raise Resolver404({"tried": _lazy_tried(self, path), "path": rest})
        compiled, args, kwargs, captured = found
        merged = {**own_kwargs, **self.default_kwargs, **kwargs}
        if not merged:
            args = tuple(own_args) + tuple(args)
        match = _new_match(ResolverMatch)
        match.func = compiled.func
        match.args = args
        match.kwargs = merged
        match.captured_kwargs = captured
        match._compiled = compiled
        match._path = path
        return match

    def _compile(self, kernel=None):
        """Build the route table of this resolver with the active "urls" kernel.

        Tests pass ``kernel`` to build it (now and after a cache clear) with a
        given twin.
        """
        with self._lock:
            if kernel is not None:
                self._kernel = kernel
            elif self._table is not None:
                return self._table
            pattern = self.pattern
            # The root "^/" goes into the table as a literal "/" level, so a
            # request needs no regex and no slicing before the table lookup.
            root = (
                type(pattern) is RegexPattern
                and pattern._regex == "^/"
                and not self.default_kwargs
            )
            entries = []
            head = [(pattern, ("/",), {})] if root else []
            self._flatten(self.url_patterns, [], entries, set(), head)
            kernel = self._kernel or _accel.kernel("urls")
            table = kernel.compile_routes(entries)
            self._root = root
            self._table = table
            _compiled_resolvers.add(self)
            return table

    def _flatten(self, patterns, chain, entries, seen, head):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                levels = [*head, *(_level(r.pattern, r.default_kwargs) for r in chain)]
                levels.append(_level(pattern.pattern, pattern.default_args))
                entries.append((_Route(self, chain, pattern), levels))
            elif isinstance(pattern, URLResolver):
                if id(pattern) in seen:
                    raise ImproperlyConfigured(
                        f"URL resolver {pattern!r} includes itself."
                    )
                seen.add(id(pattern))
                self._flatten(
                    pattern.url_patterns, [*chain, pattern], entries, seen, head
                )
                seen.discard(id(pattern))
            else:
                raise ImproperlyConfigured(
                    f"{pattern!r} in the URLconf is neither a URL pattern made by "
                    "fastdj.urls.path()/re_path() nor an include()."
                )

    def _resolve_linear(self, path):
        """Resolve like Django, trying each pattern in turn and recording ``tried``.

        Only used to produce ``tried`` lists; resolve() gives the same match.
        """
        path = str(path)
        tried = []
        own = self.pattern.match(path)
        if not own:
            raise Resolver404({"path": path})
        rest, args, kwargs = own
        for pattern in self.url_patterns:
            try:
                if isinstance(pattern, URLResolver):
                    sub = pattern._resolve_linear(rest)
                else:
                    sub = pattern.resolve(rest)
            except Resolver404 as exc:
                sub_tried = exc.args[0].get("tried")
                if sub_tried is None:
                    tried.append([pattern])
                else:
                    tried.extend([pattern, *t] for t in sub_tried)
                continue
            if not sub:
                tried.append([pattern])
                continue
            merged = {**kwargs, **self.default_kwargs, **sub.kwargs}
            sub_args = sub.args if merged else tuple(args) + tuple(sub.args)
            if sub.tried is None:
                tried.append([pattern])
            else:
                tried.extend([pattern, *t] for t in sub.tried)
            current = "" if isinstance(pattern, URLPattern) else str(pattern.pattern)
            return ResolverMatch(
                sub.func,
                sub_args,
                merged,
                sub.url_name,
                [self.app_name, *sub.app_names],
                [self.namespace, *sub.namespaces],
                _join_route(current, sub.route),
                tried,
                captured_kwargs=sub.captured_kwargs,
                extra_kwargs={**self.default_kwargs, **sub.extra_kwargs},
            )
        raise Resolver404({"tried": tried, "path": rest})

    def resolve_error_handler(self, view_type: int | str):
        """Return the view for handler400/403/404/500 of this URLconf."""
        callback = getattr(self.urlconf_module, f"handler{view_type}", None)
        if not callback:
            try:
                callback = _DEFAULT_HANDLERS[str(view_type)]
            except KeyError:
                raise ValueError(
                    f"There is no default handler for status {view_type!r}; use "
                    "400, 403, 404 or 500."
                ) from None
        return get_callable(callback)

    # -- reversing ---------------------------------------------------------

    def _populate(self):
        # A URLconf may reach this resolver again while it populates (through
        # reverse_lazy in a module being imported); that inner call returns.
        if getattr(self._local, "populating", False):
            return
        try:
            self._local.populating = True
            lookups = {}
            namespaces = {}
            apps = {}
            for url_pattern in reversed(self.url_patterns):
                prefix = url_pattern.pattern.regex.pattern.removeprefix("^")
                if isinstance(url_pattern, URLPattern):
                    self._callback_strs.add(url_pattern.lookup_str)
                    entry = _reverse_entry(
                        url_pattern.pattern.regex.pattern,
                        prefix,
                        url_pattern.default_args,
                        url_pattern.pattern.converters,
                    )
                    lookups.setdefault(url_pattern.callback, []).append(entry)
                    if url_pattern.name is not None:
                        lookups.setdefault(url_pattern.name, []).append(entry)
                    continue
                url_pattern._populate()
                if url_pattern.app_name:
                    apps.setdefault(url_pattern.app_name, []).append(
                        url_pattern.namespace
                    )
                    namespaces[url_pattern.namespace] = (prefix, url_pattern)
                else:
                    for name, entries in url_pattern.reverse_dict.items():
                        for _, pattern, defaults, converters in entries:
                            lookups.setdefault(name, []).append(
                                _reverse_entry(
                                    prefix + pattern,
                                    prefix + pattern,
                                    {**defaults, **url_pattern.default_kwargs},
                                    {
                                        **self.pattern.converters,
                                        **url_pattern.pattern.converters,
                                        **converters,
                                    },
                                )
                            )
                    for namespace, (
                        sub_prefix,
                        sub_resolver,
                    ) in url_pattern.namespace_dict.items():
                        converters = sub_resolver.pattern.converters
                        before = dict(converters)
                        converters.update(url_pattern.pattern.converters)
                        if converters != before:
                            # Django's resolve() sees the new converters too.
                            _drop_compiled_tables()
                        namespaces[namespace] = (prefix + sub_prefix, sub_resolver)
                    for app_name, instances in url_pattern.app_dict.items():
                        apps.setdefault(app_name, []).extend(instances)
                self._callback_strs.update(url_pattern._callback_strs)
            self._namespace_dict = namespaces
            self._app_dict = apps
            self._reverse_dict = lookups
            self._populated = True
        finally:
            self._local.populating = False

    @property
    def reverse_dict(self):
        if self._reverse_dict is None:
            self._populate()
        return self._reverse_dict

    @property
    def namespace_dict(self):
        if self._namespace_dict is None:
            self._populate()
        return self._namespace_dict

    @property
    def app_dict(self):
        if self._app_dict is None:
            self._populate()
        return self._app_dict

    def _is_callback(self, name):
        if not self._populated:
            self._populate()
        return name in self._callback_strs

    def reverse(self, lookup_view, *args, **kwargs):
        """Return the URL path for the view or URL name ``lookup_view``."""
        return self._reverse_with_prefix(lookup_view, "", *args, **kwargs)

    def _reverse_with_prefix(self, lookup_view, _prefix, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Don't mix *args and **kwargs in call to reverse()!")
        if not self._populated:
            self._populate()
        possibilities = self.reverse_dict.get(lookup_view, [])
        for forms, pattern, defaults, converters in possibilities:
            for template, params in forms:
                url = _try_reverse(
                    template,
                    params,
                    pattern,
                    defaults,
                    converters,
                    _prefix,
                    args,
                    kwargs,
                )
                if url is not None:
                    return url
        module = getattr(lookup_view, "__module__", None)
        name = getattr(lookup_view, "__name__", None)
        view = (
            f"{module}.{name}"
            if module is not None and name is not None
            else lookup_view
        )
        patterns = [pattern for _, pattern, _, _ in possibilities]
        if patterns:
            if args:
                arg_msg = f"arguments '{args}'"
            elif kwargs:
                arg_msg = f"keyword arguments '{kwargs}'"
            else:
                arg_msg = "no arguments"
            msg = (
                f"Reverse for '{view}' with {arg_msg} not found. "
                f"{len(patterns)} pattern(s) tried: {patterns}"
            )
        else:
            msg = (
                f"Reverse for '{view}' not found. '{view}' is not a valid view "
                "function or pattern name."
            )
        raise NoReverseMatch(msg)


def _level(pattern, defaults):
    pieces = getattr(pattern, "_pieces", None)
    if pieces is not None:
        pieces = tuple(_current_piece(piece, pattern.converters) for piece in pieces)
    return (pattern, pieces, defaults)


def _current_piece(piece, converters):
    if isinstance(piece, str):
        return piece
    name, kind, converter, regex = piece
    current = converters.get(name, converter)
    if current is converter:
        return piece
    # reverse() swapped the converter (see _populate): Django keeps matching
    # the original regex but converts with the new converter.
    if kind == "other":
        return (name, "other", current, None)
    return (name, "custom", current, re.compile(converter.regex))


def _reverse_entry(source, pattern, defaults, converters):
    # (forms, pattern, defaults, converters), computed once per resolver, so
    # reverse() is a dict lookup plus a check of the few candidates of a name.
    return (normalize(source), pattern, defaults, converters)


@functools.lru_cache(maxsize=4096)
def _check_regex(prefix, pattern):
    return re.compile(f"^{re.escape(prefix)}{pattern}")


def _try_reverse(template, params, pattern, defaults, converters, prefix, args, kwargs):
    """Return the URL for one reverse template, or None if the arguments don't fit."""
    if args:
        if len(args) != len(params):
            return None
        candidate = dict(zip(params, args, strict=False))
    else:
        if set(kwargs).symmetric_difference(params).difference(defaults):
            return None
        for key, value in defaults.items():
            if key not in params and kwargs.get(key, value) != value:
                return None
        candidate = kwargs
    text = {}
    for key, value in candidate.items():
        if key in converters:
            try:
                text[key] = converters[key].to_url(value)
            except ValueError:
                return None
        else:
            text[key] = str(value)
    # Paths are matched decoded (as WSGI gives them), so check the unquoted
    # URL against the pattern, then quote it.
    template = prefix.replace("%", "%%") + template
    url = template % text
    if not _check_regex(prefix, pattern).search(url):
        return None
    url = quote(url, safe=_URL_SAFE)
    # "//host" would be a scheme-relative URL.
    if url.startswith("//"):
        url = "/%2F" + url[2:]
    return url
