"""Per-request state kept by the middleware kernel, against each twin.

The thread's urlconf and script prefix (thread-locals of fastdj.urls.base) and
request.resolver_match, which the Cython twin builds without URLResolver.resolve
for a path its route table matches. Also the project's URLconf for these tests.
"""

import threading

import pytest

from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.http import HttpResponse
from fastdj.urls import (
    get_resolver,
    get_script_prefix,
    get_urlconf,
    include,
    path,
    set_urlconf,
)
from tests.core.support import common_handler, environ

SEEN: list = []


def record(request, **kwargs):
    SEEN.append((get_urlconf(), get_script_prefix(), request.resolver_match))
    return HttpResponse(b"ok", content_type="text/plain")


inner = [path("item/<int:pk>", record, {"extra": 1}, name="item")]
urlpatterns = [
    path("plain", record, name="plain"),
    path("shop/", include((inner, "shop"), namespace="store")),
]


@pytest.fixture
def app(twin):
    SEEN.clear()
    with common_handler(__name__) as handler:
        yield handler


def run(app, url, **extra):
    body = app(environ(url, **extra), lambda status, headers, exc_info=None: None)
    content = b"".join(body)
    body.close()
    return content


def test_urlconf_and_prefix_are_set_for_the_request_and_urlconf_reset(app):
    assert run(app, "/plain", SCRIPT_NAME="/app") == b"ok"
    assert SEEN[-1][:2] == (__name__, "/app/")
    assert get_urlconf() is None
    # The script prefix stays, as in Django.
    assert get_script_prefix() == "/app/"


def test_each_thread_keeps_its_own_state(app):
    """Threads come and go (their idents are often reused): each sees its own."""
    set_urlconf("main.urls")
    results = []

    def worker(n):
        assert get_urlconf() is None
        run(app, "/plain", SCRIPT_NAME=f"/t{n}")
        results.append((SEEN[-1][:2], get_urlconf(), get_script_prefix()))

    for n in range(4):
        thread = threading.Thread(target=worker, args=(n,))
        thread.start()
        thread.join()
        # A request on this thread between the others.
        run(app, "/plain")
        assert SEEN[-1][:2] == (__name__, "/")
    assert results == [((__name__, f"/t{n}/"), None, f"/t{n}/") for n in range(4)]
    assert get_urlconf() is None


def test_a_subclass_of_local_is_used_through_its_attributes(app, monkeypatch):
    from fastdj.urls import base

    writes = []

    class Logged(threading.local):
        def __setattr__(self, name, value):
            writes.append((name, value))
            super().__setattr__(name, value)

    monkeypatch.setattr(base, "_urlconfs", Logged())
    monkeypatch.setattr(base, "_prefixes", Logged())
    from fastdj.core.handlers import base as handlers_base
    from fastdj.core.handlers import wsgi

    monkeypatch.setattr(handlers_base, "urlconfs", base._urlconfs)
    monkeypatch.setattr(wsgi, "script_prefixes", base._prefixes)
    handler = WSGIHandler()
    run(handler, "/plain")
    assert ("value", __name__) in writes
    assert ("value", "/") in writes
    assert SEEN[-1][:2] == (__name__, "/")
    assert get_urlconf() is None


MATCH_FIELDS = (
    "func",
    "args",
    "kwargs",
    "url_name",
    "route",
    "app_name",
    "app_names",
    "namespace",
    "namespaces",
    "captured_kwargs",
    "extra_kwargs",
    "_func_path",
    "view_name",
)


@pytest.mark.parametrize("url", ["/plain", "/shop/item/42"])
def test_resolver_match_is_what_resolve_gives(app, url):
    run(app, url)
    match = SEEN[-1][2]
    expected = get_resolver(__name__).resolve(url)
    assert type(match) is type(expected)
    for field in MATCH_FIELDS:
        assert getattr(match, field) == getattr(expected, field), field
    assert [str(p) for p in match.tried] == [str(p) for p in expected.tried]
    assert repr(match) == repr(expected)
    assert tuple(match) == tuple(expected)
    assert match[0] is record


def test_resolver_match_of_a_nested_route(app):
    run(app, "/shop/item/7")
    match = SEEN[-1][2]
    assert (match.args, match.kwargs) == ((), {"pk": 7, "extra": 1})
    assert match.view_name == "store:item"
    assert match.route == "shop/item/<int:pk>"


def test_a_resolver_overriding_resolve_is_called(app, monkeypatch):
    from fastdj.urls.resolvers import URLResolver

    calls = []
    original = URLResolver.resolve

    class Counting(URLResolver):
        def resolve(self, path):
            calls.append(path)
            return original(self, path)

    resolver = get_resolver(__name__)
    monkeypatch.setattr(resolver, "__class__", Counting)
    run(app, "/plain")
    assert calls == ["/plain"]
    assert SEEN[-1][2].url_name == "plain"


def test_a_miss_is_still_a_404(app):
    statuses = []
    body = app(
        environ("/nope"), lambda status, headers, exc_info=None: statuses.append(status)
    )
    body.close()
    assert statuses == ["404 Not Found"]
