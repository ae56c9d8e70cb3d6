"""URL resolving: resolve() on route tables of 10, 100 and 1000 routes.

Groups "resolve-{n}-{position}" resolve one path against a table of n routes:
nested include prefixes ("sec{b}/sub/", ten routes per block) holding static
routes and int, slug and uuid converters in turn. Positions: "first" (route 0),
"middle" and "last" (the int route nearest the middle and the end of the
table) and "missing" (a path under the last block that matches nothing).

Contestants: fastdj with its Cython kernel (fastdj-cy) and pure Python
(fastdj-py), Django 5.2 (django), and Falcon 4's CompiledRouter with the same
templates (falcon), each timed on its own resolve call: ``resolver.resolve()``
(a ResolverMatch, or Resolver404 for the miss) and ``router.find()``.

Run: pytest bench/test_bench_urls.py --benchmark-only --benchmark-columns=mean,median
"""

from __future__ import annotations

import types

import pytest

from fastdj import _accel
from fastdj.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=None)


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=None, INSTALLED_APPS=[]
        )
        django.setup()


_configure_django()

SIZES = (10, 100, 1000)
POSITIONS = ("first", "middle", "last", "missing")
CONTESTANTS = ("fastdj-cy", "fastdj-py", "django", "falcon")
KINDS = ("int", "slug", "uuid", "static")
UUID = "12345678-1234-1234-1234-123456789abc"
BLOCK = 10


def view(request, **kwargs):
    return None


def _route(i):
    kind = KINDS[i % len(KINDS)]
    return kind, {
        "int": (f"items{i}/<int:pk>/", f"items{i}/{{pk:int}}/", f"items{i}/42/"),
        "slug": (f"blog{i}/<slug:slug>/", f"blog{i}/{{slug}}/", f"blog{i}/a-b/"),
        "uuid": (f"obj{i}/<uuid:id>/", f"obj{i}/{{id:uuid}}/", f"obj{i}/{UUID}/"),
        "static": (f"static{i}/page/", f"static{i}/page/", f"static{i}/page/"),
    }[kind]


def _urlconf(urls, n):
    blocks = []
    for start in range(0, n, BLOCK):
        routes = [
            urls.path(_route(i)[1][0], view, name=f"r{i}")
            for i in range(start, min(start + BLOCK, n))
        ]
        sub = [urls.path("sub/", urls.include(routes))]
        blocks.append(urls.path(f"sec{start // BLOCK}/", urls.include(sub)))
    module = types.ModuleType(f"bench_urls_{urls.__name__}_{n}")
    module.urlpatterns = blocks
    return module


def _path(n, position):
    if position == "missing":
        return f"/sec{(n - 1) // BLOCK}/sub/missing/1/"
    index = {"first": 0, "middle": n // 2 // 4 * 4, "last": (n - 1) // 4 * 4}[position]
    return f"/sec{index // BLOCK}/sub/{_route(index)[1][2]}"


class _Resource:
    def on_get(self, req, resp, **params):
        pass


def _falcon_router(n):
    from falcon.routing import CompiledRouter

    router = CompiledRouter()
    resource = _Resource()
    for i in range(n):
        router.add_route(f"/sec{i // BLOCK}/sub/{_route(i)[1][1]}", resource)
    router.find("/")  # compiles the router
    return router


def _fastdj_resolver(twin, n):
    import fastdj.urls as urls
    from fastdj.urls.resolvers import RegexPattern, URLResolver

    with _accel.using(twin):
        resolver = URLResolver(RegexPattern(r"^/"), _urlconf(urls, n))
        resolver._compile()
    return resolver, urls.Resolver404


def _django_resolver(n):
    import django.urls as urls

    return urls.get_resolver(_urlconf(urls, n)), urls.Resolver404


def _catching(resolve, not_found):
    # Django's API reports a miss with Resolver404: catching it is part of the
    # cost, as checking for None is for Falcon.
    def resolve_or_none(path):
        try:
            return resolve(path)
        except not_found:
            return None

    return resolve_or_none


def _make(contestant, n):
    """Return (resolve for a hit, resolve for a miss) of ``contestant``."""
    if contestant == "falcon":
        find = _falcon_router(n).find
        return find, find
    if contestant == "django":
        resolver, not_found = _django_resolver(n)
    else:
        resolver, not_found = _fastdj_resolver(contestant.split("-")[1], n)
    return resolver.resolve, _catching(resolver.resolve, not_found)


_cache = {}


@pytest.mark.parametrize("contestant", CONTESTANTS)
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("n", SIZES)
def test_resolve(benchmark, n, position, contestant):
    if contestant == "fastdj-cy" and "cy" not in _accel.available():
        pytest.fail("the Cython twins are not built")
    key = (contestant, n)
    if key not in _cache:
        _cache[key] = _make(contestant, n)
    hit, miss = _cache[key]
    resolve = miss if position == "missing" else hit
    path = _path(n, position)
    found = resolve(path)
    # Every contestant must do the same work: find the route, or not.
    assert (found is None) == (position == "missing"), (contestant, path)
    benchmark.group = f"resolve-{n}-{position}"
    benchmark.extra_info["contestant"] = contestant
    benchmark(resolve, path)
