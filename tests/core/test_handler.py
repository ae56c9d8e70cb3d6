"""BaseHandler: chain building, exception conversion, error views, logging."""

import logging

import pytest

from fastdj import _accel
from fastdj.core import signals
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.core.handlers.base import BaseHandler
from fastdj.core.handlers.exception import (
    convert_exception_to_response,
    response_for_exception,
)
from fastdj.http import HttpResponse
from fastdj.http.request import WSGIRequest
from fastdj.test.utils import override_settings
from fastdj.urls import get_urlconf
from tests.core import mw
from tests.core.support import LOG, Fastdj, environ

HOOKS = {"view": True, "exception": True, "template": True}


def request(path="/ok/", method="GET", **extra):
    return WSGIRequest(environ(path, method, **extra))


def handler_for(*specs, handler_class=None, **settings):
    paths = [mw.define("fastdj", name, **behaviour) for name, behaviour in specs]
    return Fastdj.handler(paths, handler_class=handler_class, **settings)


def test_chain_comes_from_the_active_twin(twin):
    with handler_for(("a", {})) as get:
        entry = get.handler.get_response
        expected = _accel.kernel("middleware")
        assert type(entry.__self__).__module__ == expected.__name__
        assert get("/ok/").content == b"ok"


def test_python_get_response_matches_the_compiled_entry(twin):
    with handler_for(("a", HOOKS), ("b", HOOKS)) as get:
        handler = get.handler
        compiled = handler.get_response(request("/kwargs/3/z/"))
        compiled_log = list(LOG)
        LOG.clear()
        plain = BaseHandler.get_response(handler, request("/kwargs/3/z/"))
        assert LOG == compiled_log
        assert plain.content == compiled.content == b"3-'z'"


def test_get_response_registers_request_close(twin):
    with handler_for() as get:
        req = request()
        response = get.handler.get_response(req)
        assert req.close in response._resource_closers


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        ("Http404", 404),
        ("PermissionDenied", 403),
        ("BadRequest", 400),
        ("SuspiciousOperation", 400),
        ("DisallowedHost", 400),
        ("TooManyFieldsSent", 400),
        ("MultiPartParserError", 400),
        ("RequestDataTooBig", 413),
        ("ValueError", 500),
        ("ZeroDivisionError", 500),
    ],
)
@pytest.mark.parametrize("where", ["view", "inner-call", "outer-call-after"])
def test_exception_becomes_status_where_it_escapes(twin, exc, status, where):
    specs = [("outer", {}), ("inner", {})]
    path = "/ok/"
    if where == "view":
        path = f"/raise/{exc}/"
    elif where == "inner-call":
        specs[1] = ("inner", {"raise_before": exc})
    else:
        specs[0] = ("outer", {"raise_after": exc})
    with handler_for(*specs) as get:
        response = get(path)
    assert response.status_code == status
    if where != "outer-call-after":
        # The outer middleware got a response, not the exception.
        assert LOG[-1] == f"outer:after:{status}"


def test_request_data_too_big_is_413_not_400(twin):
    with handler_for() as get:
        response = get("/raise/RequestDataTooBig/")
    assert response.status_code == 413
    assert b"Request Entity Too Large" in response.content


def test_middleware_not_used_is_dropped_and_logged_in_debug(twin, caplog):
    caplog.set_level(logging.DEBUG, logger="fastdj.request")
    with handler_for(("a", {}), ("b", {"not_used": True}), DEBUG=True) as get:
        get("/ok/")
    assert LOG == ["a:before", "view:ok", "a:after:200"]
    assert any(
        "MiddlewareNotUsed(" in r.getMessage() and "b unused" in r.getMessage()
        for r in caplog.records
    )


def test_middleware_not_used_is_silent_without_debug(twin, caplog):
    caplog.set_level(logging.DEBUG, logger="fastdj.request")
    with handler_for(("b", {"not_used": True})) as get:
        get("/ok/")
    assert not [r for r in caplog.records if "MiddlewareNotUsed" in r.getMessage()]


def test_factory_returning_none_names_it(twin):
    with pytest.raises(
        ImproperlyConfigured, match=r"Middleware factory .* returned None"
    ):
        with handler_for(("a", {"returns_none": True, "function": True})):
            pass


@pytest.mark.parametrize(
    "path", ["no_such_package.Middleware", "tests.core.mw.NoSuchMiddleware", "flat"]
)
def test_unimportable_middleware_names_the_setting(twin, path):
    with override_settings(MIDDLEWARE=[path]):
        with pytest.raises(
            ImproperlyConfigured, match="MIDDLEWARE setting names"
        ) as info:
            BaseHandler().load_middleware()
    assert repr(path) in str(info.value)
    assert isinstance(info.value.__cause__, ImportError)


def test_async_only_middleware_is_refused(twin):
    class AsyncOnly:
        sync_capable = False
        async_capable = True

    class Neither:
        sync_capable = False
        async_capable = False

    mw.AsyncOnly, mw.Neither = AsyncOnly, Neither
    with pytest.raises(ImproperlyConfigured, match="async-only"):
        with Fastdj.handler(["tests.core.mw.AsyncOnly"]):
            pass
    with pytest.raises(RuntimeError, match="sync_capable/async_capable"):
        with Fastdj.handler(["tests.core.mw.Neither"]):
            pass
    with pytest.raises(ImproperlyConfigured, match="async"):
        BaseHandler().load_middleware(is_async=True)


def test_view_returning_none_is_a_value_error(twin, caplog):
    with handler_for() as get:
        response = get("/none/")
        cbv_response = get("/none-cbv/")
    assert response.status_code == cbv_response.status_code == 500
    messages = [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
    assert (
        "The view tests.core.views.none didn't return an HttpResponse object. "
        "It returned None instead." in messages
    )
    assert (
        "The view tests.core.views.NoneView.__call__ didn't return an HttpResponse "
        "object. It returned None instead." in messages
    )


def test_template_response_middleware_returning_none(twin, caplog):
    class Broken:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            return self.get_response(request)

        def process_template_response(self, request, response):
            return None

    mw.Broken = Broken
    with Fastdj.handler(["tests.core.mw.Broken"]) as get:
        assert get("/template/").status_code == 500
    assert any(
        r.exc_info
        and str(r.exc_info[1])
        == "Broken.process_template_response didn't return an HttpResponse object. "
        "It returned None instead."
        for r in caplog.records
    )


def test_debug_technical_500_page(twin):
    with handler_for(("a", {}), DEBUG=True) as get:
        response = get("/raise/ValueError/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>ValueError" in page
    assert "view says no" in page
    assert "raising" in page  # the view's frame
    assert "tests/core/views.py" in page
    assert "Request Method" in page


def test_debug_technical_500_page_escapes_everything(twin):
    with handler_for(DEBUG=True) as get:
        response = get("/raise/ValueError/?q=<script>alert(1)</script>")
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_debug_400_for_suspicious_operation_is_technical(twin):
    with handler_for(DEBUG=True) as get:
        response = get("/raise/DisallowedHost/")
    assert response.status_code == 400
    assert "DisallowedHost" in response.content.decode()


def test_debug_technical_404_lists_tried_patterns(twin):
    with handler_for(DEBUG=True) as get:
        response = get("/missing/<b>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "kwargs/&lt;int:a&gt;/&lt;str:b&gt;/" in page
    assert "missing/&lt;b&gt;/" in page
    assert "<b>" not in page


def test_debug_technical_404_raised_by_view(twin):
    with handler_for(DEBUG=True) as get:
        response = get("/raise/Http404/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "view says no" in page
    assert "tests.core.views" in page


def test_not_debug_pages_show_no_details(twin):
    with handler_for() as get:
        for path in ("/raise/ValueError/", "/raise/Http404/", "/missing/"):
            content = get(path).content.decode()
            assert "view says no" not in content
            assert "Traceback" not in content


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/raise/BadRequest/", 400, b"custom 400: BadRequest"),
        ("/raise/PermissionDenied/", 403, b"custom 403: view says no"),
        ("/missing/", 404, b"custom 404: /missing/"),
        ("/raise/ValueError/", 500, b"custom 500"),
    ],
)
def test_handler_overrides(twin, path, status, body):
    with handler_for(urlconf="tests.core.urls_custom_handlers") as get:
        response = get(path)
    assert (response.status_code, response.content) == (status, body)


def test_broken_error_handler_gives_500(twin):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs["request"].path)

    signals.got_request_exception.connect(receiver)
    try:
        with handler_for(urlconf="tests.core.urls_broken_handler") as get:
            response = get("/missing/")
    finally:
        signals.got_request_exception.disconnect(receiver)
    assert response.status_code == 500
    assert received == ["/missing/"]


def test_got_request_exception_only_for_500(twin):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs["request"].path))

    signals.got_request_exception.connect(receiver)
    try:
        with handler_for() as get:
            get("/raise/Http404/")
            get("/raise/PermissionDenied/")
            get("/raise/KeyError/")
    finally:
        signals.got_request_exception.disconnect(receiver)
    assert received == [(None, "/raise/KeyError/")]


def test_debug_propagate_exceptions(twin):
    with handler_for(DEBUG_PROPAGATE_EXCEPTIONS=True) as get:
        with pytest.raises(ZeroDivisionError):
            get("/raise/ZeroDivisionError/")


def test_logging(twin, caplog):
    caplog.set_level(logging.INFO)
    with handler_for() as get:
        get("/raise/ValueError/")
        get("/raise/DisallowedHost/")
        get("/missing/")
        get("/raise/PermissionDenied/")
        get("/ok/")
    got = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert got == [
        ("fastdj.request", "ERROR", "Internal Server Error: /raise/ValueError/"),
        ("fastdj.security.DisallowedHost", "ERROR", "view says no"),
        ("fastdj.request", "WARNING", "Not Found: /missing/"),
        (
            "fastdj.request",
            "WARNING",
            "Forbidden (Permission denied): /raise/PermissionDenied/",
        ),
    ]
    assert caplog.records[0].exc_info[0] is ValueError
    assert caplog.records[0].status_code == 500


def test_request_urlconf_set_by_middleware(twin):
    class PickUrlconf:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            request.urlconf = "tests.core.urls_custom_handlers"
            return self.get_response(request)

    mw.PickUrlconf = PickUrlconf
    with Fastdj.handler(["tests.core.mw.PickUrlconf"], urlconf="tests.urls") as get:
        # /kwargs/ is not in tests.urls: found only through request.urlconf.
        response = get("/kwargs/1/x/")
        assert response.content == b"1-'x'"
        assert get_urlconf() == "tests.core.urls_custom_handlers"
        # Closing the response resets the thread's urlconf, as Django's
        # request_finished receiver does.
        response.close()
        assert get_urlconf() is None
        # Its error handlers are used too.
        assert get("/missing/").content == b"custom 404: /missing/"


@pytest.mark.parametrize("compiled", [True, False])
def test_get_response_resets_the_urlconf_on_close(twin, compiled):
    from fastdj.urls import set_urlconf

    with handler_for() as get:
        handler = get.handler
        get_response = (
            handler.get_response
            if compiled
            else lambda r: BaseHandler.get_response(handler, r)
        )
        response = get_response(request())
        assert get_urlconf() == "tests.core.urls_handlers"
        response.close()
        assert get_urlconf() is None
    set_urlconf(None)


def test_subclass_overriding_resolve_request_is_honoured(twin):
    class Handler(BaseHandler):
        def resolve_request(self, request):
            LOG.append("custom-resolve")
            return super().resolve_request(request)

    with handler_for(("a", HOOKS), handler_class=Handler) as get:
        assert get("/kwargs/5/y/").content == b"5-'y'"
        assert get("/none/").status_code == 500
        assert get("/raise/PermissionDenied/").status_code == 403
    assert LOG.count("custom-resolve") == 3
    assert "a:exception:PermissionDenied" in LOG


def test_subclass_overriding_get_response_is_honoured(twin):
    class Handler(BaseHandler):
        def get_response(self, request):
            response = super().get_response(request)
            response["X-Sub"] = "yes"
            return response

    with handler_for(handler_class=Handler) as get:
        assert get("/ok/")["X-Sub"] == "yes"


def test_exception_in_process_view_is_converted(twin):
    class BadView:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            response = self.get_response(request)
            LOG.append(f"outer:{response.status_code}")
            return response

        def process_view(self, request, view, args, kwargs):
            raise PermissionDenied("process_view says no")

    from fastdj.core.exceptions import PermissionDenied

    mw.BadView = BadView
    with Fastdj.handler(["tests.core.mw.BadView"]) as get:
        assert get("/ok/").status_code == 403
    assert LOG == ["outer:403"]


def test_convert_exception_to_response_public_helper(twin):
    def explode(request):
        raise PermissionDenied("nope")

    from fastdj.core.exceptions import PermissionDenied

    wrapped = convert_exception_to_response(explode)
    with override_settings(ROOT_URLCONF="tests.core.urls_handlers"):
        assert wrapped(request()).status_code == 403
        ok = convert_exception_to_response(lambda r: HttpResponse("fine"))
        assert ok(request()).content == b"fine"


def test_response_for_exception_renders_template_responses(twin):
    class Lazy(HttpResponse):
        is_rendered = False

        def render(self):
            self.is_rendered = True
            self.content = b"rendered"
            return self

    import tests.core.urls_custom_handlers as module

    original = module.handler404
    module.handler404 = lambda request, exception: Lazy(status=404)
    try:
        from fastdj.http import Http404

        with override_settings(ROOT_URLCONF="tests.core.urls_custom_handlers"):
            response = response_for_exception(request(), Http404("x"))
    finally:
        module.handler404 = original
    assert response.content == b"rendered"
