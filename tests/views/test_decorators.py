"""require_http_methods and friends, differential against Django 5.2."""

import asyncio
import logging

import django.http
import django.test
import django.views.decorators.http as dj_decorators
import pytest

import fastdj.http
import fastdj.views.decorators.http as decorators
from fastdj.test import RequestFactory

SIDES = {
    "fastdj": (decorators, fastdj.http, RequestFactory),
    "django": (dj_decorators, django.http, django.test.RequestFactory),
}

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"]


def decorated(side, name, *args):
    module, http, _ = SIDES[side]
    decorator = getattr(module, name)
    if args:
        decorator = decorator(*args)

    def my_view(request, *view_args, **kwargs):
        """My docstring."""
        return http.HttpResponse(f"ok {view_args} {kwargs}")

    return decorator(my_view)


def run(side, view, method):
    request = SIDES[side][2]().generic(method, "/p/")
    response = view(request, 1, a=2)
    return response.status_code, response.content, response.get("Allow")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "name,args",
    [
        ("require_GET", ()),
        ("require_POST", ()),
        ("require_safe", ()),
        ("require_http_methods", (["GET", "POST"],)),
        ("require_http_methods", (("PUT", "DELETE"),)),
        ("require_http_methods", ([],)),
    ],
)
def test_matches_django(name, args, method):
    results = [run(side, decorated(side, name, *args), method) for side in SIDES]
    assert results[0] == results[1]


def test_wraps_view():
    view = decorated("fastdj", "require_POST")
    assert view.__name__ == "my_view"
    assert view.__doc__ == "My docstring."
    assert view.__wrapped__(None) is not None


def test_405_logged_once(caplog):
    view = decorated("fastdj", "require_GET")
    with caplog.at_level(logging.WARNING, logger="fastdj.request"):
        response = view(RequestFactory().post("/p/"))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    [record] = caplog.records
    assert record.getMessage() == "Method Not Allowed (POST): /p/"
    assert record.levelno == logging.WARNING
    assert response._has_been_logged is True


def test_async_view_stays_async():
    @decorators.require_POST
    async def view(request):
        return fastdj.http.HttpResponse("async ok")

    assert asyncio.iscoroutinefunction(view)
    rf = RequestFactory()
    assert asyncio.run(view(rf.post("/"))).content == b"async ok"
    assert asyncio.run(view(rf.get("/"))).status_code == 405
