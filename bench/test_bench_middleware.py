"""Middleware chain: one request through BaseHandler.get_response.

Groups "chain-{n}" run a GET through n pass-through middleware to a trivial
view, for fastdj with its Cython kernels (fastdj-cy), fastdj pure Python
(fastdj-py) and Django 5.2 (django). The request is built once, outside the
timing, from the same environ for each framework; the URLconf has a handful of
routes and the view builds a small HttpResponse.

Group "stock" runs the same request through SecurityMiddleware and
CommonMiddleware, each framework's own (the first two of a Django
startproject's MIDDLEWARE).

Groups "floor-{n}" time the same pass-through middleware calling each other's
bound ``__call__`` directly, with no handler and no exception conversion: the
cost of the middleware's own Python code, which no chain can remove. The glue
a chain adds per layer is its slope minus the floor's slope.

Run: pytest bench/test_bench_middleware.py --benchmark-json=bench/last.json
"""

from __future__ import annotations

import io
import sys
import types

import pytest

from fastdj import _accel
from fastdj.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=None,
        MIDDLEWARE=[],
    )


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False,
            SECRET_KEY="bench",
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=None,
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
        )
        django.setup()


_configure_django()

SIZES = (0, 5, 10, 20)
CONTESTANTS = ("fastdj-cy", "fastdj-py", "django")
PATH = "/hello/"


_PASS_THROUGH = """
class PassThrough{i}:
    \"\"\"The simplest new-style middleware: hand the request inward.\"\"\"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
"""

# Distinct classes with their own code, as distinct middleware in a project
# are: one __call__ shared by all layers would make its attribute lookups
# megamorphic and slow every contestant down alike.
for _i in range(max(SIZES)):
    exec(_PASS_THROUGH.format(i=_i))


def _environ():
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }


def _urlconf(name: str, urls, http) -> str:
    """Register a URLconf module called ``name``; return its name."""

    def hello(request):
        return http.HttpResponse("Hello, world")

    def other(request, pk):
        return http.HttpResponse("other")

    module = types.ModuleType(name)
    module.urlpatterns = [
        urls.path("", other, kwargs={"pk": 0}),
        urls.path("items/<int:pk>/", other),
        urls.path("about/", other, kwargs={"pk": 1}),
        urls.path("hello/", hello),
    ]
    sys.modules[name] = module
    return name


def _middleware(n: int) -> list[str]:
    return [f"{__name__}.PassThrough{i}" for i in range(n)]


def _fastdj_get_response(twin: str, middleware: list[str]):
    import fastdj.http
    import fastdj.urls
    from fastdj.core.handlers.base import BaseHandler
    from fastdj.http.request import WSGIRequest

    # Plain assignments, not override_settings: leaving that would send
    # setting_changed, drop the URL caches and recompile the route table later
    # with whichever twin is active then.
    settings.ROOT_URLCONF = _urlconf(f"_bench_mw_urls_{twin}", fastdj.urls, fastdj.http)
    settings.MIDDLEWARE = middleware
    with _accel.using(twin):
        handler = BaseHandler()
        handler.load_middleware()
        request = WSGIRequest(_environ())
        # The route table is compiled on first use: do it with this twin.
        assert handler.get_response(request).status_code == 200
    return handler.get_response, request


def _django_get_response(middleware: list[str]):
    import django.http
    import django.urls
    from django.conf import settings as dj_settings
    from django.core.handlers.base import BaseHandler
    from django.core.handlers.wsgi import WSGIRequest

    dj_settings.ROOT_URLCONF = _urlconf(
        "_bench_mw_urls_django", django.urls, django.http
    )
    dj_settings.MIDDLEWARE = middleware
    handler = BaseHandler()
    handler.load_middleware()
    request = WSGIRequest(_environ())
    assert handler.get_response(request).status_code == 200
    return handler.get_response, request


def _get_response(contestant: str, middleware: list[str]):
    if contestant == "django":
        return _django_get_response(middleware)
    twin = contestant.split("-")[1]
    if twin not in _accel.available():
        pytest.fail(f"twin {twin!r} is not built")
    return _fastdj_get_response(twin, middleware)


@pytest.mark.parametrize("contestant", CONTESTANTS)
@pytest.mark.parametrize("n", SIZES)
def test_chain(benchmark, n, contestant):
    get_response, request = _get_response(contestant, _middleware(n))
    benchmark.group = f"chain-{n}"
    benchmark.extra_info["contestant"] = contestant
    response = benchmark(get_response, request)
    assert response.status_code == 200
    assert response.content == b"Hello, world"


@pytest.mark.parametrize("contestant", CONTESTANTS)
def test_stock(benchmark, contestant):
    # The first two middleware of a Django startproject, each framework's own:
    # the Cython twin runs both stock __call__ methods as C layers.
    package = "django" if contestant == "django" else "fastdj"
    middleware = [
        f"{package}.middleware.security.SecurityMiddleware",
        f"{package}.middleware.common.CommonMiddleware",
    ]
    get_response, request = _get_response(contestant, middleware)
    benchmark.group = "stock"
    benchmark.extra_info["contestant"] = contestant
    response = benchmark(get_response, request)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == "12"


@pytest.mark.parametrize("n", SIZES)
def test_floor(benchmark, n):
    def view(request):
        return request

    handler = view
    for i in range(n):
        # Bound __call__: each layer is a plain Python-to-Python call.
        handler = globals()[f"PassThrough{i}"](handler).__call__
    benchmark.group = f"floor-{n}"
    benchmark.extra_info["contestant"] = "python-floor"
    assert benchmark(handler, 1) == 1
