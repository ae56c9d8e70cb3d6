"""CommonMiddleware, differentially against Django's."""

import re

import pytest

from fastdj.middleware.common import CommonMiddleware
from fastdj.test.utils import override_settings
from tests.core.support import Django, Fastdj, environ

FASTDJ_MW = ["fastdj.middleware.common.CommonMiddleware"]
DJANGO_MW = ["django.middleware.common.CommonMiddleware"]

CASES = [
    ("GET", "/ok", {}, {}),
    ("GET", "/ok/", {}, {}),
    ("GET", "/ok?x=1&y=%C3%A9", {}, {}),
    ("GET", "/kwargs/1/abc", {}, {}),
    ("GET", "/missing", {}, {}),
    ("GET", "/missing/", {}, {}),
    ("GET", "/stream", {}, {}),
    ("GET", "/stream/", {}, {}),
    ("GET", "/no-slash", {}, {}),
    ("GET", "/raise/Http404", {}, {}),
    ("GET", "/ok", {"APPEND_SLASH": False}, {}),
    ("GET", "/ok", {"PREPEND_WWW": True}, {}),
    ("GET", "/ok/", {"PREPEND_WWW": True}, {}),
    ("GET", "/ok/", {"PREPEND_WWW": True}, {"HTTP_HOST": "www.testserver"}),
    ("POST", "/ok", {}, {}),
    ("POST", "/ok", {"DEBUG": True}, {}),
    ("PUT", "/ok/", {"DEBUG": True}, {}),
    ("GET", "/ok/", {}, {"HTTP_HOST": "evil.example"}),
    (
        "GET",
        "/ok/",
        {"DISALLOWED_USER_AGENTS": [re.compile(r"^EvilBot")]},
        {"HTTP_USER_AGENT": "EvilBot/1.0"},
    ),
    (
        "GET",
        "/ok/",
        {"DISALLOWED_USER_AGENTS": [re.compile(r"^EvilBot")]},
        {"HTTP_USER_AGENT": "GoodBot/1.0"},
    ),
]


def outcome(fw_class, middleware, method, path, settings, extra):
    allowed = {"ALLOWED_HOSTS": ["testserver", "www.testserver"]}
    with fw_class.handler(middleware, **allowed, **settings) as get:
        response = get(path, method, **extra)
    return (
        response.status_code,
        response.get("Location"),
        response.get("Content-Length"),
    )


@pytest.mark.parametrize(("method", "path", "settings", "extra"), CASES)
def test_same_as_django(twin, method, path, settings, extra):
    expected = outcome(Django, DJANGO_MW, method, path, settings, extra)
    got = outcome(Fastdj, FASTDJ_MW, method, path, settings, extra)
    assert got == expected


def test_append_slash_redirect_is_301_to_the_slash_url(twin):
    with Fastdj.handler(FASTDJ_MW) as get:
        response = get("/ok")
    assert response.status_code == 301
    assert response["Location"] == "/ok/"


def test_no_redirect_when_the_slash_url_does_not_resolve(twin):
    with Fastdj.handler(FASTDJ_MW) as get:
        assert get("/missing").status_code == 404


def test_post_with_append_slash_in_debug_raises_runtime_error(twin):
    from fastdj.http import HttpResponseNotFound
    from fastdj.http.request import WSGIRequest

    with override_settings(DEBUG=True, ROOT_URLCONF=Fastdj.urlconf):
        middleware = CommonMiddleware(lambda request: HttpResponseNotFound())
        request = WSGIRequest(environ("/ok", "POST"))
        with pytest.raises(RuntimeError, match="You called this URL via POST"):
            middleware(request)
        with Fastdj.handler(FASTDJ_MW, DEBUG=True) as get:
            response = get("/ok", "POST")
    assert response.status_code == 500
    assert "RuntimeError" in response.content.decode()


def test_leading_slashes_are_escaped(twin):
    with Fastdj.handler(FASTDJ_MW, urlconf="tests.middleware.urls_slashes") as get:
        response = get("//evil.example/page")
    with Django.handler(DJANGO_MW, urlconf="tests.middleware.dj_urls_slashes") as get:
        expected = get("//evil.example/page")
    assert response.status_code == expected.status_code == 301
    assert response["Location"] == expected["Location"] == "/%2Fevil.example/page/"


def test_redirect_class_can_be_overridden(twin):
    from fastdj.http import HttpResponseRedirect

    class Temporary(CommonMiddleware):
        response_redirect_class = HttpResponseRedirect

    import tests.middleware as package

    package.Temporary = Temporary
    with Fastdj.handler(["tests.middleware.Temporary"]) as get:
        response = get("/ok")
    assert (response.status_code, response["Location"]) == (302, "/ok/")


def test_get_response_is_required():
    with pytest.raises(ValueError):
        CommonMiddleware(None)


@pytest.mark.parametrize("path", ["/exempt", "/exempt/", "/plain", "/plain/"])
def test_no_append_slash_view_is_not_redirected_to(twin, path):
    def answer(fw_class, middleware, urlconf):
        with fw_class.handler(middleware, urlconf=urlconf) as get:
            response = get(path)
        return response.status_code, response.get("Location")

    expected = answer(Django, DJANGO_MW, "tests.middleware.dj_urls_no_append")
    got = answer(Fastdj, FASTDJ_MW, "tests.middleware.urls_no_append")
    assert got == expected
    assert got[0] == {"/exempt": 404, "/plain": 301}.get(path, 200)


def test_no_append_slash_keeps_the_view_identity():
    from fastdj.views.decorators.common import no_append_slash

    async def async_view(request):
        return "async"

    def view(request):
        """Doc."""
        return "sync"

    wrapped = no_append_slash(view)
    assert wrapped.should_append_slash is False
    assert (wrapped.__name__, wrapped.__doc__, wrapped(None)) == (
        "view",
        "Doc.",
        "sync",
    )
    import inspect

    assert inspect.iscoroutinefunction(no_append_slash(async_view))
