"""The request a WSGI handler builds equals ``request_class(environ)``.

The Cython entry builds a stock WSGIRequest of a plain environ itself; these
tests hold both twins to what the class's own ``__init__`` makes of the same
environ. Also the project's URLconf for these tests (ROOT_URLCONF = this
module).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.http import HttpResponse
from fastdj.http.request import WSGIRequest
from fastdj.test.utils import override_settings
from fastdj.urls import re_path
from tests.core.support import common_handler, environ
from tests.core.test_wsgi import Server

SEEN: list = []

# What WSGIRequest.__init__ sets, in its order.
INIT_ATTRS = ("environ", "META", "method", "path", "path_info")


def recorder(get_response):
    """Middleware noting each request as the chain receives it."""

    def middleware(request):
        attrs = {name: request.__dict__[name] for name in INIT_ATTRS}
        SEEN.append((type(request), attrs))
        SEEN.append(list(request.__dict__)[: len(INIT_ATTRS)])
        return get_response(request)

    return middleware


def ok(request):
    return HttpResponse(b"ok")


urlpatterns = [re_path(r"", ok)]


@pytest.fixture
def app(twin):
    SEEN.clear()
    with (
        common_handler(__name__),
        override_settings(
            MIDDLEWARE=[
                f"{__name__}.recorder",
                "fastdj.middleware.common.CommonMiddleware",
            ]
        ),
    ):
        yield WSGIHandler()


def built(handler, env):
    """Return (request type, init attributes, attribute order) of one request."""
    SEEN.clear()
    Server(handler)(env)
    (cls, attrs), order = SEEN
    return cls, attrs, order


def expected(env):
    """Return what WSGIRequest's own __init__ makes of a copy of ``env``."""
    env = dict(env)
    request = WSGIRequest(env)
    return {name: request.__dict__[name] for name in INIT_ATTRS}, env


def check(handler, env):
    want, want_environ = expected(env)
    cls, attrs, order = built(handler, env)
    assert cls is WSGIRequest
    assert order == list(INIT_ATTRS)
    assert attrs["environ"] is env and attrs["META"] is env
    assert {k: v for k, v in attrs.items() if k not in ("environ", "META")} == {
        k: v for k, v in want.items() if k not in ("environ", "META")
    }
    # The environ is left as __init__ leaves it (PATH_INFO and SCRIPT_NAME
    # normalised); the handler's own additions are not compared.
    assert env["PATH_INFO"] == want_environ["PATH_INFO"]
    assert env["SCRIPT_NAME"] == want_environ["SCRIPT_NAME"]


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"REQUEST_METHOD": "get"},
        {"REQUEST_METHOD": "Post"},
        {"REQUEST_METHOD": "M-SEARCH"},
        {"PATH_INFO": ""},
        {"PATH_INFO": "caf\u00c3\u00a9"},
        {"PATH_INFO": "/caf\u00c3\u00a9"},
        {"SCRIPT_NAME": "/app"},
        {"SCRIPT_NAME": "/app/"},
        {"SCRIPT_NAME": "/caf\u00c3\u00a9"},
        {"SCRIPT_URL": "/app/x/", "PATH_INFO": "/x/"},
        {"REDIRECT_URL": "/app/x/", "PATH_INFO": "/x/"},
    ],
)
def test_request_matches_the_class_init(app, extra):
    check(app, environ("/x/", **extra))


def test_request_matches_the_class_init_with_force_script_name(app):
    with override_settings(FORCE_SCRIPT_NAME="/forced"):
        check(app, environ("/x/"))


def test_missing_path_info_and_script_name(app):
    env = environ("/x/")
    del env["PATH_INFO"], env["SCRIPT_NAME"]
    check(app, env)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "get", "pAtch", "Ü"]),
    path=st.text(alphabet="/abcé%~\u00c3 .", max_size=12),
    script=st.sampled_from(["", "/", "/app", "/app/"]),
)
def test_request_matches_the_class_init_hypothesis(app, method, path, script):
    env = environ("/", REQUEST_METHOD=method, SCRIPT_NAME=script)
    env["PATH_INFO"] = path
    check(app, env)


def test_a_subclass_init_runs(app):
    inits = []

    class Request(WSGIRequest):
        def __init__(self, environ):
            super().__init__(environ)
            inits.append(self)

    app.request_class = Request
    app.load_middleware()
    cls, attrs, order = built(app, environ("/x/"))
    assert cls is Request and attrs["path"] == "/x/"
    assert order == list(INIT_ATTRS)
    assert len(inits) == 1 and type(inits[0]) is Request


def test_a_subclass_keeping_init_is_built_like_the_class(app):
    class Request(WSGIRequest):
        pass

    app.request_class = Request
    app.load_middleware()
    cls, attrs, order = built(app, environ("/x/"))
    assert cls is Request and order == list(INIT_ATTRS)
    assert (attrs["method"], attrs["path"], attrs["path_info"]) == ("GET", "/x/", "/x/")


def test_a_subclass_with_its_own_new_gets_it(app):
    made = []

    class Request(WSGIRequest):
        def __new__(cls, environ):
            made.append(environ["PATH_INFO"])
            return super().__new__(cls)

    app.request_class = Request
    app.load_middleware()
    cls, attrs, _ = built(app, environ("/x/"))
    assert cls is Request and made == ["/x/"]


def test_init_patched_after_a_request_is_used(app, monkeypatch):
    built(app, environ("/x/"))
    original = WSGIRequest.__init__

    def patched(self, environ):
        original(self, environ)
        self.method = "PATCHED"

    monkeypatch.setattr(WSGIRequest, "__init__", patched)
    _, attrs, _ = built(app, environ("/x/"))
    assert attrs["method"] == "PATCHED"


def test_a_method_that_is_not_a_str_is_an_error_as_from_the_class(app):
    # The class raises on it (no upper()); the entry must not build a request.
    env = environ("/x/")
    env["REQUEST_METHOD"] = 5
    with pytest.raises(AttributeError):
        WSGIRequest(dict(env))
    with pytest.raises(AttributeError):
        Server(app)(env)
