"""The WSGI entry's shortcuts: the handler's __call__, skipped closers.

Also the project's URLconf for these tests (ROOT_URLCONF = this module).
"""

import inspect

import pytest

from fastdj.core import signals
from fastdj.core.handlers import _chain
from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.http import HttpResponse
from fastdj.http.request import WSGIRequest
from fastdj.http.response import BadHeaderError, HttpResponseBase
from fastdj.test.utils import override_settings
from fastdj.urls import get_urlconf, path
from fastdj.utils.datastructures import MultiValueDict
from tests.core.support import common_handler, environ
from tests.core.test_wsgi import Server

CLOSED: list[str] = []


class _Upload:
    def __init__(self, name):
        self.name = name

    def close(self):
        CLOSED.append(self.name)


def with_upload(request):
    # What parsing a multipart body leaves on the request.
    request._files = MultiValueDict({"f": [_Upload("a"), _Upload("b")]})
    return HttpResponse(b"ok")


def plain(request):
    return HttpResponse(b"ok", content_type="text/plain")


# The response class the "patched" view returns; each test sets its own.
RESPONSE_CLASS = [HttpResponse]


def patched(request):
    return RESPONSE_CLASS[0](b"ok", content_type="text/plain")


# What the "ordered" view's closers and the request's close record.
ORDER: list[str] = []


def ordered(request):
    response = RESPONSE_CLASS[0](b"ok", content_type="text/plain")
    response._resource_closers.append(lambda: ORDER.append(("own", get_urlconf())))
    return response


class _LoggedRequest(WSGIRequest):
    def close(self):
        ORDER.append(("request", get_urlconf()))
        super().close()


MATCHES: list = []


def matched(request, pk, extra):
    MATCHES.append(request.resolver_match)
    return HttpResponse(b"ok")


urlpatterns = [
    path("upload", with_upload),
    path("plain", plain),
    path("patched", patched),
    path("matched/<int:pk>", matched, {"extra": 1}, name="matched"),
    path("ordered", ordered),
]


@pytest.fixture
def app(twin):
    CLOSED.clear()
    with common_handler(__name__) as handler:
        yield handler


@pytest.fixture
def finished():
    events = []

    def receiver(sender, **kwargs):
        events.append(sender)

    signals.request_finished.connect(receiver)
    yield events
    signals.request_finished.disconnect(receiver)


def test_uploaded_files_are_closed_with_the_response(app, finished):
    status, headers, body = Server(app)(environ("/upload"))
    assert (status, body) == ("200 OK", b"ok")
    assert CLOSED == ["a", "b"]
    assert finished == [WSGIHandler]


def test_a_request_without_uploads_still_finishes(app, finished):
    status, headers, body = Server(app)(environ("/plain"))
    assert (status, body) == ("200 OK", b"ok")
    assert ("Content-Length", "2") in headers
    assert CLOSED == []
    assert finished == [WSGIHandler]


def test_request_close_is_called_when_overridden(app):
    calls = []

    class Request(WSGIRequest):
        def close(self):
            calls.append(self.path)
            super().close()

    app.request_class = Request
    app.load_middleware()
    Server(app)(environ("/plain"))
    assert calls == ["/plain"]


@pytest.fixture
def logged(app, finished):
    ORDER.clear()
    RESPONSE_CLASS[0] = HttpResponse
    app.request_class = _LoggedRequest
    app.load_middleware()
    yield app
    RESPONSE_CLASS[0] = HttpResponse


def test_request_closers_run_after_the_responses_own(logged, finished):
    status, _, body = Server(logged)(environ("/ordered"))
    assert (status, body) == ("200 OK", b"ok")
    # The urlconf is reset after both, then request_finished is sent.
    assert ORDER == [("own", __name__), ("request", __name__)]
    assert get_urlconf() is None
    assert finished == [WSGIHandler]


def test_request_closers_run_for_a_response_overriding_close(logged, finished):
    class Response(HttpResponse):
        def close(self):
            ORDER.append(("response", get_urlconf()))
            super().close()

    RESPONSE_CLASS[0] = Response
    Server(logged)(environ("/ordered"))
    assert ORDER == [
        ("response", __name__),
        ("own", __name__),
        ("request", __name__),
    ]
    assert get_urlconf() is None
    assert finished == [WSGIHandler]


def test_request_closers_run_for_a_head_request(logged, finished):
    status, _, body = Server(logged)(environ("/ordered", method="HEAD"))
    assert (status, body) == ("200 OK", b"")
    assert ORDER == [("own", __name__), ("request", __name__)]
    assert get_urlconf() is None


def test_request_closers_run_when_start_response_fails(logged, finished):
    def start_response(status, headers, exc_info=None):
        raise RuntimeError("client gone")

    with pytest.raises(RuntimeError, match="client gone"):
        logged(environ("/ordered"), start_response)
    assert ORDER == [("own", __name__), ("request", __name__)]
    assert get_urlconf() is None
    assert finished == [WSGIHandler]


def test_get_response_gives_the_response_the_request_closers(app):
    request = WSGIRequest(environ("/plain"))
    response = app.get_response(request)
    closers = response._resource_closers
    assert len(closers) == 2 and closers[0] == request.close
    response.close()
    assert get_urlconf() is None


def test_handler_call_is_the_kernel_function():
    params = list(inspect.signature(WSGIHandler.__call__).parameters)
    assert params == ["handler", "environ", "start_response"]
    assert callable(WSGIHandler.__call__)


def test_a_subclass_may_override_call(app):
    class Logged(WSGIHandler):
        def __call__(self, environ, start_response):
            self.seen = environ["PATH_INFO"]
            return super().__call__(environ, start_response)

    with override_settings(
        ROOT_URLCONF=__name__, MIDDLEWARE=[], ALLOWED_HOSTS=["testserver"]
    ):
        handler = Logged()
        status, _, body = Server(handler)(environ("/plain"))
    assert (status, body, handler.seen) == ("200 OK", b"ok", "/plain")


def test_pure_call_wsgi_entry_delegates():
    class Handler:
        def _wsgi_entry(self, environ, start_response):
            return (environ, start_response)

    assert _chain.call_wsgi_entry(Handler(), 1, 2) == (1, 2)


class _ViaBase(HttpResponse):
    """An HttpResponse whose __init__ runs HttpResponseBase.__init__."""

    def __init__(self, content, content_type):
        HttpResponseBase.__init__(self, content_type)
        self.content = content


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "text/html; charset=latin-1"]
)
def test_inline_response_init_matches_the_base_init(content_type):
    fast = HttpResponse(b"x", content_type=content_type)
    slow = _ViaBase(b"x", content_type)
    assert list(vars(fast)) == list(vars(slow))
    assert fast.headers._store == slow.headers._store
    assert (fast.charset, fast._reason_phrase, fast.closed) == (
        slow.charset,
        slow._reason_phrase,
        slow.closed,
    )


def test_inline_response_init_checks_the_content_type():
    with pytest.raises(BadHeaderError):
        HttpResponse(b"x", content_type="text/plain\r\nX-Evil: 1")
    response = HttpResponse(b"x", content_type="text/plain; name=\u00e9")
    assert response["Content-Type"] == "text/plain; name=\u00e9"
    response = HttpResponse(b"x", content_type="text/plain; name=\u20ac")
    assert response["Content-Type"].startswith("=?utf-8?")


def _patch_iter(cls, calls):
    cls.__iter__ = lambda self: iter([b"patched"])
    return lambda status, headers, body: body == b"patched"


def _patch_close(cls, calls):
    def close(self):
        calls.append("close")
        HttpResponseBase.close(self)

    cls.close = close
    return lambda status, headers, body: calls == ["close"]


def _patch_wsgi_status(cls, calls):
    cls.wsgi_status = lambda self: "299 Patched"
    return lambda status, headers, body: status == "299 Patched"


def _patch_wsgi_headers(cls, calls):
    cls.wsgi_headers = lambda self: [("X-Patched", "1")]
    return lambda status, headers, body: headers == [("X-Patched", "1")]


def _patch_has_header(cls, calls):
    # CommonMiddleware then believes Content-Length is set already.
    cls.has_header = lambda self, header: True
    return lambda status, headers, body: "Content-Length" not in dict(headers)


@pytest.mark.parametrize(
    "patch",
    [
        _patch_iter,
        _patch_close,
        _patch_wsgi_status,
        _patch_wsgi_headers,
        _patch_has_header,
    ],
)
def test_a_method_assigned_after_a_request_is_used(app, patch):
    # The Cython entry remembers that a response class keeps the stock
    # methods; an assignment to the class afterwards must be seen at once.
    class Response(HttpResponse):
        pass

    RESPONSE_CLASS[0] = Response
    try:
        server = Server(app)
        status, headers, body = server(environ("/patched"))
        assert (status, body) == ("200 OK", b"ok")
        assert ("Content-Length", "2") in headers
        calls = []
        check = patch(Response, calls)
        assert check(*server(environ("/patched")))
    finally:
        RESPONSE_CLASS[0] = HttpResponse


def test_a_base_method_patched_after_a_request_is_used(app, monkeypatch):
    server = Server(app)
    assert server(environ("/plain"))[0] == "200 OK"
    calls = []
    base_close = HttpResponseBase.close

    def close(self):
        calls.append(type(self))
        base_close(self)

    monkeypatch.setattr(HttpResponseBase, "close", close)
    assert server(environ("/plain"))[0] == "200 OK"
    assert calls == [HttpResponse]


def test_get_host_assigned_after_a_request_is_used(app):
    class Request(WSGIRequest):
        pass

    app.request_class = Request
    app.load_middleware()
    server = Server(app)
    assert server(environ("/plain"))[0] == "200 OK"
    hosts = []

    def get_host(self):
        hosts.append(self.path)
        return WSGIRequest.get_host(self)

    Request.get_host = get_host
    assert server(environ("/plain"))[0] == "200 OK"
    assert hosts == ["/plain"]


def _match_fields(match):
    return (
        match.func,
        match.args,
        match.kwargs,
        match.captured_kwargs,
        match.route,
        match.url_name,
        match.view_name,
    )


def test_the_resolver_match_equals_resolve_before_and_after_a_class_change(
    app, monkeypatch
):
    # The Cython view path writes a match's slots directly while the class is
    # unchanged; a change to ResolverMatch must not change what it holds.
    from fastdj.urls import resolve
    from fastdj.urls.resolvers import ResolverMatch

    MATCHES.clear()
    server = Server(app)
    assert server(environ("/matched/6"))[0] == "200 OK"
    assert server(environ("/matched/7"))[0] == "200 OK"
    monkeypatch.setattr(ResolverMatch, "marker", True, raising=False)
    assert server(environ("/matched/8"))[0] == "200 OK"
    expected = [_match_fields(resolve(f"/matched/{pk}", __name__)) for pk in (6, 7, 8)]
    assert [_match_fields(m) for m in MATCHES] == expected
    assert (MATCHES[2].kwargs, MATCHES[2].captured_kwargs) == (
        {"pk": 8, "extra": 1},
        {"pk": 8},
    )
