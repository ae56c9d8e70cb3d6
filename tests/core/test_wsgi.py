"""WSGIHandler called as a WSGI server calls it: environ in, iterable out."""

import pytest

from fastdj.core import signals
from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.core.wsgi import get_wsgi_application
from fastdj.test.utils import override_settings
from fastdj.urls import get_script_prefix, get_urlconf, set_script_prefix
from tests.core import mw
from tests.core.support import LOG, environ


class Server:
    """A minimal WSGI server: start_response, then iterate, then close."""

    def __init__(self, app):
        self.app = app

    def __call__(self, env):
        self.status = self.headers = None

        def start_response(status, headers, exc_info=None):
            self.status, self.headers = status, headers

        result = self.app(env, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return self.status, self.headers, body


@pytest.fixture
def signal_log():
    """Record request_started/request_finished sends."""
    events = []

    def started(sender, environ, **kwargs):
        events.append(("started", sender, environ["PATH_INFO"]))

    def finished(sender, **kwargs):
        events.append(("finished", sender))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield events
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


@pytest.fixture
def app(twin):
    with override_settings(ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=[]):
        yield WSGIHandler()
    set_script_prefix("/")


def test_get(app):
    status, headers, body = Server(app)(environ("/ok/"))
    assert status == "200 OK"
    assert ("Content-Type", "text/html; charset=utf-8") in headers
    assert body == b"ok"


def test_not_found(app):
    status, _, body = Server(app)(environ("/missing/"))
    assert status == "404 Not Found"
    assert b"Not Found" in body


@pytest.mark.parametrize(
    "path", ["/ok/", "/cookie/", "/missing/", "/raise/PermissionDenied/", "/stream/"]
)
def test_same_status_headers_body_as_django(app, path):
    from django.core.handlers.wsgi import WSGIHandler as DjangoWSGIHandler
    from django.test.utils import override_settings as dj_override_settings

    with dj_override_settings(ROOT_URLCONF="tests.core.dj_urls", MIDDLEWARE=[]):
        expected = Server(DjangoWSGIHandler())(environ(path))
    LOG.clear()
    got = Server(app)(environ(path))
    assert got[0] == expected[0]
    assert sorted(got[1]) == sorted(expected[1])
    assert got[2] == expected[2]


def test_signals_fire_in_order(app, signal_log):
    Server(app)(environ("/ok/"))
    assert signal_log == [
        ("started", WSGIHandler, "/ok/"),
        ("finished", WSGIHandler),
    ]


def test_request_finished_waits_for_close(app, signal_log):
    start_calls = []
    result = app(environ("/ok/"), lambda s, h: start_calls.append(s))
    assert [e[0] for e in signal_log] == ["started"]
    result.close()
    assert [e[0] for e in signal_log] == ["started", "finished"]


def test_close_runs_when_view_raises(app, signal_log):
    status, _, _ = Server(app)(environ("/raise/ValueError/"))
    assert status == "500 Internal Server Error"
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_close_runs_when_middleware_raises(twin, signal_log):
    path = mw.define("fastdj", "boom", raise_before="KeyError")
    with override_settings(ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=[path]):
        status, _, _ = Server(WSGIHandler())(environ("/ok/"))
    assert status.startswith("500")
    assert signal_log[-1] == ("finished", WSGIHandler)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_close_runs_when_start_response_raises(app, signal_log, method):
    def refusing_start_response(status, headers, exc_info=None):
        raise OSError("client went away")

    with pytest.raises(OSError, match="client went away"):
        app(environ("/ok/", method), refusing_start_response)
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_streaming_iterator_closed(app, signal_log):
    _, _, body = Server(app)(environ("/stream/"))
    assert body == b"one,two"
    assert LOG == ["stream:closed"]
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_close_runs_when_the_iterator_raises(app, signal_log):
    with pytest.raises(ValueError, match="broken stream"):
        Server(app)(environ("/stream-raise/"))
    assert LOG == ["stream:closed"]
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_unconsumed_stream_still_closed(app, signal_log):
    result = app(environ("/stream/"), lambda s, h: None)
    next(iter(result))
    result.close()
    assert LOG == ["stream:closed"]
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_head_sends_headers_but_no_body(app, signal_log):
    status, headers, body = Server(app)(environ("/ok/", "HEAD"))
    assert status == "200 OK"
    assert ("Content-Length", "2") in headers
    assert body == b""
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_head_on_streaming_response_closes_the_iterator(app, signal_log):
    result = app(environ("/stream/", "HEAD"), lambda s, h: None)
    assert list(result) == []
    result.close()
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_head_on_file_response(app):
    env = environ("/file/", "HEAD")
    env["wsgi.file_wrapper"] = lambda f, size: pytest.fail("file sent for HEAD")
    _, headers, body = Server(app)(env)
    assert ("Content-Length", "9") in headers
    assert body == b""
    assert LOG == ["file:closed"]


def test_file_response_uses_wsgi_file_wrapper(app, signal_log):
    wrapped = []

    class FileWrapper:
        def __init__(self, filelike, block_size):
            wrapped.append(block_size)
            self.filelike = filelike

        def __iter__(self):
            return iter(lambda: self.filelike.read(4), b"")

        def close(self):
            self.filelike.close()

    env = environ("/file/")
    env["wsgi.file_wrapper"] = FileWrapper
    status, headers, body = Server(app)(env)
    assert body == b"file data"
    assert wrapped == [4096]
    assert ("Content-Length", "9") in headers
    assert LOG == ["file:closed"]
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_file_response_without_file_wrapper(app):
    _, _, body = Server(app)(environ("/file/"))
    assert body == b"file data"
    assert LOG == ["file:closed"]


def test_script_name_sets_the_script_prefix(app):
    _, _, body = Server(app)(environ("/prefix/", SCRIPT_NAME="/mount"))
    assert body == b"/mount/|/mount/ok/"
    Server(app)(environ("/ok/"))
    assert get_script_prefix() == "/"


def test_urlconf_reset_after_the_response_closes(twin):
    class PickUrlconf:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            request.urlconf = "tests.core.urls_custom_handlers"
            return self.get_response(request)

    mw.PickUrlconf2 = PickUrlconf
    with override_settings(
        ROOT_URLCONF="tests.urls", MIDDLEWARE=["tests.core.mw.PickUrlconf2"]
    ):
        _, _, body = Server(WSGIHandler())(environ("/kwargs/1/x/"))
    assert body == b"1-'x'"
    assert get_urlconf() is None


def test_invalid_host_is_400(twin):
    class NeedsHost:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            request.get_host()
            return self.get_response(request)

    mw.NeedsHost = NeedsHost
    with override_settings(
        ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=["tests.core.mw.NeedsHost"]
    ):
        status, _, _ = Server(WSGIHandler())(environ("/ok/", HTTP_HOST="evil.example"))
    assert status == "400 Bad Request"


def test_get_wsgi_application(twin):
    with override_settings(ROOT_URLCONF="tests.core.urls_handlers"):
        application = get_wsgi_application()
        assert isinstance(application, WSGIHandler)
        assert Server(application)(environ("/ok/"))[2] == b"ok"


def test_head_on_204_adds_no_content_length(twin):
    from fastdj.http import HttpResponse

    def no_content(request):
        return HttpResponse(status=204)

    mw.NoContent = type(
        "NoContent",
        (),
        {"__init__": lambda self, gr: None, "__call__": lambda self, r: no_content(r)},
    )
    with override_settings(
        ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=["tests.core.mw.NoContent"]
    ):
        status, headers, body = Server(WSGIHandler())(environ("/ok/", "HEAD"))
    assert status == "204 No Content"
    assert "Content-Length" not in dict(headers)
    assert body == b""


def _answering(respond):
    """Return a WSGIHandler whose one middleware answers with respond(request)."""

    class Answer:
        def __init__(self, get_response):
            pass

        def __call__(self, request):
            return respond(request)

    mw.Answer = Answer
    with override_settings(
        ROOT_URLCONF="tests.core.urls_handlers", MIDDLEWARE=["tests.core.mw.Answer"]
    ):
        return WSGIHandler()


def test_body_iterates_and_closes_the_response_once(twin, signal_log):
    from fastdj.http import HttpResponse

    responses = []

    def respond(request):
        responses.append(HttpResponse(b"abc"))
        return responses[-1]

    result = _answering(respond)(environ("/ok/"), lambda s, h: None)
    assert b"".join(result) == b"abc"
    assert not responses[0].closed
    result.close()
    assert responses[0].closed
    assert responses[0]._resource_closers == []
    assert [e[0] for e in signal_log] == ["started", "finished"]


def test_body_uses_overridden_iter_and_close(twin, signal_log):
    from fastdj.http import HttpResponse

    class Custom(HttpResponse):
        def __iter__(self):
            return iter([b"custom"])

        def close(self):
            LOG.append("custom close")
            super().close()

    status, _, body = Server(_answering(lambda r: Custom(b"x")))(environ("/ok/"))
    assert (status, body) == ("200 OK", b"custom")
    assert LOG == ["custom close"]
    assert signal_log[-1] == ("finished", WSGIHandler)


def test_status_line_and_headers_of_overrides_cookies_and_reasons(twin):
    from fastdj.http import HttpResponse

    class Teapot(HttpResponse):
        def wsgi_status(self):
            return "418 Short And Stout"

        def wsgi_headers(self):
            return [*super().wsgi_headers(), ("X-Spout", "yes")]

    def reason(request):
        return HttpResponse(b"", status=299, reason="Fine")

    def cookie(request):
        response = HttpResponse(b"")
        response.set_cookie("a", "1")
        return response

    server = Server(_answering(lambda r: Teapot(b"")))
    status, headers, _ = server(environ("/ok/"))
    assert status == "418 Short And Stout"
    assert ("X-Spout", "yes") in headers
    status, _, _ = Server(_answering(reason))(environ("/ok/"))
    assert status == "299 Fine"
    _, headers, _ = Server(_answering(cookie))(environ("/ok/"))
    # As Django's handler: Morsel.output(header="") keeps a leading space.
    assert ("Set-Cookie", " a=1; Path=/") in headers


def test_urlconf_is_root_urlconf_until_the_response_closes(twin):
    from fastdj.http import HttpResponse

    seen = []

    def respond(request):
        seen.append(get_urlconf())
        return HttpResponse(b"")

    result = _answering(respond)(environ("/ok/"), lambda s, h: None)
    assert seen == ["tests.urls"]  # the ROOT_URLCONF of the request's time
    assert get_urlconf() == "tests.urls"
    result.close()
    assert get_urlconf() is None


@pytest.mark.parametrize(
    ("extra", "forced", "prefix"),
    [
        ({"SCRIPT_NAME": ""}, None, "/"),
        ({"SCRIPT_NAME": "/mount"}, None, "/mount/"),
        ({"SCRIPT_NAME": "/mount/"}, None, "/mount/"),
        ({"SCRIPT_NAME": "/caf\xc3\xa9"}, None, "/café/"),
        ({"SCRIPT_NAME": "/x", "SCRIPT_URL": "/from-url/ok/"}, None, "/from-url/"),
        ({"SCRIPT_NAME": "/x", "REDIRECT_URL": "/redir/ok/"}, None, "/redir/"),
        ({"SCRIPT_NAME": "/x"}, "/forced", "/forced/"),
    ],
)
def test_script_prefix_as_get_script_name_gives_it(twin, extra, forced, prefix):
    from fastdj.http import HttpResponse

    seen = []

    def respond(request):
        seen.append(get_script_prefix())
        return HttpResponse(b"")

    app = _answering(respond)
    with override_settings(FORCE_SCRIPT_NAME=forced):
        Server(app)(environ("/ok/", **extra))
    assert seen == [prefix]
    set_script_prefix("/")


def test_request_started_reaches_sender_filtered_and_weak_receivers(twin):
    calls = []

    def for_handler(sender, environ, **kwargs):
        calls.append(("handler", sender))

    def for_other(sender, **kwargs):
        calls.append(("other", sender))

    def weak(sender, **kwargs):
        calls.append(("weak", sender))

    signals.request_started.connect(for_handler, sender=WSGIHandler)
    signals.request_started.connect(for_other, sender=object)
    signals.request_started.connect(weak)
    try:
        with override_settings(ROOT_URLCONF="tests.core.urls_handlers"):
            app = WSGIHandler()
        Server(app)(environ("/ok/"))
        del weak
        Server(app)(environ("/ok/"))
    finally:
        signals.request_started.disconnect(for_handler, sender=WSGIHandler)
        signals.request_started.disconnect(for_other, sender=object)
    assert calls == [("handler", WSGIHandler), ("weak", WSGIHandler)] + [
        ("handler", WSGIHandler)
    ]
