"""View and RedirectView, differential against Django 5.2's."""

import logging

import django.http
import django.test
import django.views.generic
import pytest

import fastdj.http
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.test import RequestFactory
from fastdj.urls import NoReverseMatch
from fastdj.views import View
from fastdj.views.generic import RedirectView

SIDES = {
    "fastdj": (View, RedirectView, fastdj.http, RequestFactory),
    "django": (
        django.views.generic.View,
        django.views.generic.RedirectView,
        django.http,
        django.test.RequestFactory,
    ),
}


def make_view(side, methods, name="MyView", base=None, **attrs):
    """Return a View subclass (of ``side``) whose handlers answer their name."""
    view_base, _, http, _ = SIDES[side]
    namespace = dict(attrs)
    for method in methods:

        def handler(self, request, *args, _m=method, **kwargs):
            return http.HttpResponse(f"{_m} {args} {sorted(kwargs.items())}")

        namespace[method] = handler
    return type(name, (base or view_base,), namespace)


def call(side, view, method, path="/x/", **kwargs):
    rf = SIDES[side][3]()
    request = rf.generic(method, path)
    return view(request, **kwargs)


def summary(response):
    return (
        response.status_code,
        response.content,
        response.get("Allow"),
        response.get("Content-Length"),
        response.get("Location"),
    )


@pytest.mark.parametrize(
    "initkwargs",
    [{"get": 1}, {"post": 1}, {"bogus": 1}, {"http_method_names": ["get"]}, {}],
    ids=["get", "post", "bogus", "known-attr", "none"],
)
def test_as_view_validation_matches_django(initkwargs):
    outcomes = []
    for side in SIDES:
        cls = make_view(side, ["get"])
        try:
            view = cls.as_view(**initkwargs)
        except TypeError as exc:
            outcomes.append(("TypeError", str(exc)))
        else:
            outcomes.append(("ok", view.view_initkwargs))
    assert outcomes[0] == outcomes[1]


def test_as_view_on_instance_refused_like_django():
    messages = []
    for side in SIDES:
        instance = make_view(side, ["get"])()
        with pytest.raises(AttributeError) as info:
            instance.as_view()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_view_function_attributes():
    def mark(func):
        func.csrf_exempt = True
        return func

    class Documented(View):
        """Docs."""

        @mark
        def dispatch(self, request, *args, **kwargs) -> fastdj.http.HttpResponse:
            return super().dispatch(request, *args, **kwargs)

    view = Documented.as_view(http_method_names=["get"])
    assert view.view_class is Documented
    assert view.view_initkwargs == {"http_method_names": ["get"]}
    assert view.__doc__ == "Docs."
    assert view.__module__ == __name__
    assert view.csrf_exempt is True
    assert view.__annotations__ == {"return": fastdj.http.HttpResponse}


def test_setup_without_super_matches_django():
    messages = []
    for side in SIDES:

        def setup(self, request, *args, **kwargs):
            pass

        cls = make_view(side, ["get"], setup=setup)
        with pytest.raises(AttributeError) as info:
            call(side, cls.as_view(), "GET")
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "methods",
    [["get"], ["get", "post"], ["post"], ["get", "put", "delete"], []],
    ids=["get", "get-post", "post", "get-put-delete", "none"],
)
@pytest.mark.parametrize(
    "method",
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO"],
)
def test_dispatch_matches_django(methods, method):
    results = [
        summary(call(side, make_view(side, methods).as_view(), method, pk=3))
        for side in SIDES
    ]
    assert results[0] == results[1]


def test_restricted_http_method_names_matches_django():
    results = []
    for side in SIDES:
        view = make_view(side, ["get", "post"]).as_view(http_method_names=["get"])
        results.append([summary(call(side, view, m)) for m in ("GET", "POST", "HEAD")])
    assert results[0] == results[1]


def test_head_falls_back_to_get_and_options_reports_allow():
    view = make_view("fastdj", ["get", "post"]).as_view()
    assert call("fastdj", view, "HEAD").content == b"get () []"
    response = call("fastdj", view, "OPTIONS")
    assert response.status_code == 200
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response["Content-Length"] == "0"


def test_405_is_logged(caplog):
    view = make_view("fastdj", ["get"]).as_view()
    with caplog.at_level(logging.WARNING, logger="fastdj.request"):
        response = call("fastdj", view, "POST", path="/where/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    [record] = caplog.records
    assert record.getMessage() == "Method Not Allowed (POST): /where/"
    assert record.status_code == 405


def test_instance_per_request():
    seen = []

    class Counting(View):
        def get(self, request):
            seen.append(self)
            self.state = "dirty"
            return fastdj.http.HttpResponse("ok")

    view = Counting.as_view()
    call("fastdj", view, "GET")
    call("fastdj", view, "GET")
    assert seen[0] is not seen[1]


def test_args_and_kwargs_stored():
    class Store(View):
        def get(self, request, *args, **kwargs):
            return fastdj.http.HttpResponse(f"{self.args}{self.kwargs}")

    rf = RequestFactory()
    response = Store.as_view()(rf.get("/"), 1, slug="s")
    assert response.content == b"(1,){'slug': 's'}"


def test_mixed_sync_async_handlers_refused():
    class Mixed(View):
        def get(self, request):
            pass

        async def post(self, request):
            pass

    with pytest.raises(ImproperlyConfigured, match="all sync or all async"):
        Mixed.as_view()


def test_view_is_async():
    class Async(View):
        async def get(self, request):
            pass

    assert Async.view_is_async is True
    assert View.view_is_async is False


# -- RedirectView -------------------------------------------------------------


def _redirect_call(side, method="GET", path="/x/", query="", **initkwargs):
    _, redirect_view, _, rf_class = SIDES[side]
    request = rf_class().generic(method, path, QUERY_STRING=query)
    return redirect_view.as_view(**initkwargs)(request, pk=7, slug="s")


@pytest.mark.parametrize(
    "initkwargs,query",
    [
        ({"url": "/target/"}, ""),
        ({"url": "/target/%(pk)s/%(slug)s/"}, ""),
        ({"url": "/target/", "permanent": True}, ""),
        ({"url": "/target/", "query_string": True}, "a=1&b=2"),
        ({"url": "/target/", "query_string": False}, "a=1"),
        ({"url": "/target/", "query_string": True}, ""),
        ({}, ""),
        ({"url": ""}, ""),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def test_redirect_view_matches_django(initkwargs, query, method):
    results = [
        summary(_redirect_call(side, method, query=query, **initkwargs))
        for side in SIDES
    ]
    assert results[0] == results[1]


def test_redirect_view_options_redirects_like_django():
    results = [summary(_redirect_call(side, "OPTIONS", url="/t/")) for side in SIDES]
    assert results[0] == results[1]
    assert results[0][0] == 302


def test_redirect_view_pattern_name():
    rf = RequestFactory()
    view = RedirectView.as_view(pattern_name="item", query_string=True)
    response = view(rf.get("/old/", {"q": "1"}), pk=5)
    assert response.status_code == 302
    assert response["Location"] == "/items/5/?q=1"


def test_redirect_view_pattern_name_unknown():
    view = RedirectView.as_view(pattern_name="no-such-name")
    with pytest.raises(NoReverseMatch):
        view(RequestFactory().get("/"))


def test_redirect_view_gone_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="fastdj.request"):
        response = RedirectView.as_view()(RequestFactory().get("/gone/"))
    assert response.status_code == 410
    assert caplog.records[0].getMessage() == "Gone: /gone/"
