"""condition/etag/last_modified and get_conditional_response, against Django."""

import datetime
import itertools
import logging

import django.http as dj_http
import django.test as dj_test
import django.utils.cache as dj_cache
import django.views.decorators.http as dj_decorators
import pytest

import fastdj.http as fd_http
import fastdj.test as fd_test
import fastdj.utils.cache as fd_cache
import fastdj.views.decorators.http as fd_decorators

MODIFIED = datetime.datetime(2024, 5, 1, 12, 0, 0)
BEFORE = "Tue, 30 Apr 2024 12:00:00 GMT"
SAME = "Wed, 01 May 2024 12:00:00 GMT"
AFTER = "Thu, 02 May 2024 12:00:00 GMT"

ETAGS = [None, "abc", '"abc"', 'W/"abc"', ""]
LAST_MODIFIED = [
    None,
    MODIFIED,
    MODIFIED.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
]
HEADERS = [
    {},
    {"HTTP_IF_NONE_MATCH": '"abc"'},
    {"HTTP_IF_NONE_MATCH": 'W/"abc"'},
    {"HTTP_IF_NONE_MATCH": '"xyz", "abc"'},
    {"HTTP_IF_NONE_MATCH": '"xyz"'},
    {"HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_NONE_MATCH": "garbage"},
    {"HTTP_IF_MATCH": '"abc"'},
    {"HTTP_IF_MATCH": 'W/"abc"'},
    {"HTTP_IF_MATCH": "*"},
    {"HTTP_IF_MATCH": '"xyz"'},
    {"HTTP_IF_MODIFIED_SINCE": BEFORE},
    {"HTTP_IF_MODIFIED_SINCE": SAME},
    {"HTTP_IF_MODIFIED_SINCE": AFTER},
    {"HTTP_IF_MODIFIED_SINCE": "not a date"},
    {"HTTP_IF_UNMODIFIED_SINCE": BEFORE},
    {"HTTP_IF_UNMODIFIED_SINCE": AFTER},
    {"HTTP_IF_UNMODIFIED_SINCE": "not a date"},
    {"HTTP_IF_NONE_MATCH": '"xyz"', "HTTP_IF_MODIFIED_SINCE": AFTER},
    {"HTTP_IF_MATCH": '"abc"', "HTTP_IF_UNMODIFIED_SINCE": BEFORE},
    {"HTTP_IF_MATCH": "*", "HTTP_IF_NONE_MATCH": "*"},
]
METHODS = ["get", "head", "post", "put"]


def _view_for(http, decorators, tag, modified, which):
    def view(request):
        return http.HttpResponse("body")

    def etag_func(request):
        return tag

    def last_modified_func(request):
        return modified

    if which == "condition":
        return decorators.condition(etag_func, last_modified_func)(view)
    if which == "etag":
        return decorators.etag(etag_func)(view)
    return decorators.last_modified(last_modified_func)(view)


def _outcome(http, test, decorators, method, tag, modified, which, headers):
    view = _view_for(http, decorators, tag, modified, which)
    request = getattr(test.RequestFactory(), method)("/r/", **headers)
    response = view(request)
    return (
        response.status_code,
        response.get("ETag"),
        response.get("Last-Modified"),
        response.content,
    )


@pytest.fixture(autouse=True)
def quiet_logs():
    # 412 answers are logged as warnings on purpose.
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("which", ["condition", "etag", "last_modified"])
@pytest.mark.parametrize("method", METHODS)
def test_decorators_match_django(which, method):
    for tag, modified, headers in itertools.product(ETAGS, LAST_MODIFIED, HEADERS):
        expected = _outcome(
            dj_http, dj_test, dj_decorators, method, tag, modified, which, headers
        )
        got = _outcome(
            fd_http, fd_test, fd_decorators, method, tag, modified, which, headers
        )
        assert got == expected, (tag, modified, headers)


def test_view_headers_are_kept():
    @fd_decorators.condition(lambda r: "new", lambda r: MODIFIED)
    def view(request):
        response = fd_http.HttpResponse("x")
        response["ETag"] = '"own"'
        response["Last-Modified"] = SAME
        return response

    response = view(fd_test.RequestFactory().get("/"))
    assert (response["ETag"], response["Last-Modified"]) == ('"own"', SAME)


@pytest.mark.parametrize("status", [200, 204, 301, 404])
@pytest.mark.parametrize("headers", HEADERS[:6] + HEADERS[11:13])
def test_get_conditional_response_with_a_response_matches_django(status, headers):
    def answer(http, test, cache):
        response = http.HttpResponse("x", status=status)
        for name, value in [
            ("ETag", '"abc"'),
            ("Vary", "Cookie"),
            ("Cache-Control", "max-age=3"),
            ("X-Dropped", "1"),
        ]:
            response[name] = value
        response.set_cookie("c", "v")
        request = test.RequestFactory().get("/", **headers)
        result = cache.get_conditional_response(
            request,
            etag='"abc"',
            last_modified=int(MODIFIED.replace(tzinfo=datetime.UTC).timestamp()),
            response=response,
        )
        return (
            result.status_code,
            sorted(result.items()),
            sorted(m.OutputString() for m in result.cookies.values()),
        )

    expected = answer(dj_http, dj_test, dj_cache)
    assert answer(fd_http, fd_test, fd_cache) == expected


def test_async_view_is_decorated_as_a_coroutine():
    import inspect

    @fd_decorators.etag(lambda request: "abc")
    async def view(request):
        return fd_http.HttpResponse("x")

    assert inspect.iscoroutinefunction(view)
