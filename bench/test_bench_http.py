"""HTTP layer: request construction/access and response building, fastdj vs Django.

Groups:
- "request-ctor": WSGIRequest(environ) alone (the per-request floor).
- "request-route": build, then read path_info and method (what routing needs).
- "request-query": build, then read GET, COOKIES and headers.
- "response-wsgi": HttpResponse("...") plus the status line and header list a
  WSGI handler passes to start_response().
- "json-response": JsonResponse({...}).

Run: pytest bench/test_bench_http.py --benchmark-group-by=group
"""

from __future__ import annotations

import io

import pytest

from fastdj.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, SECRET_KEY="bench", ALLOWED_HOSTS=["testserver"])


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False,
            SECRET_KEY="bench",
            ALLOWED_HOSTS=["testserver"],
            INSTALLED_APPS=[],
        )
        django.setup()


_configure_django()

CONTESTANTS = ("fastdj", "django")


def _environ():
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/articles/2024/hello-world/",
        "QUERY_STRING": "page=2&sort=-date&tag=a&tag=b",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": "sessionid=abc123; csrftoken=xyz",
        "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "text/html,*/*;q=0.8",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }


def _request_class(who):
    if who == "fastdj":
        from fastdj.http.request import WSGIRequest
    else:
        from django.core.handlers.wsgi import WSGIRequest
    return WSGIRequest


def _http(who):
    if who == "fastdj":
        import fastdj.http as module
    else:
        import django.http as module
    return module


@pytest.mark.parametrize("who", CONTESTANTS)
def test_request_ctor(benchmark, who):
    benchmark.group = "request-ctor"
    cls, environ = _request_class(who), _environ()
    benchmark(cls, environ)


@pytest.mark.parametrize("who", CONTESTANTS)
def test_request_route(benchmark, who):
    benchmark.group = "request-route"
    cls, environ = _request_class(who), _environ()

    def run():
        request = cls(environ)
        return request.path_info, request.method

    assert benchmark(run) == ("/articles/2024/hello-world/", "GET")


@pytest.mark.parametrize("who", CONTESTANTS)
def test_request_query(benchmark, who):
    benchmark.group = "request-query"
    cls, environ = _request_class(who), _environ()

    def run():
        request = cls(environ)
        return (
            request.GET.getlist("tag"),
            request.COOKIES["sessionid"],
            request.headers["User-Agent"],
        )

    assert benchmark(run) == (["a", "b"], "abc123", "bench")


@pytest.mark.parametrize("who", CONTESTANTS)
def test_response_wsgi(benchmark, who):
    benchmark.group = "response-wsgi"
    http = _http(who)
    if who == "fastdj":

        def run():
            response = http.HttpResponse("Hello, world")
            return response.wsgi_status(), response.wsgi_headers()

    else:

        def run():
            # What django.core.handlers.wsgi.WSGIHandler does.
            response = http.HttpResponse("Hello, world")
            status = f"{response.status_code} {response.reason_phrase}"
            headers = [
                *response.items(),
                *(
                    ("Set-Cookie", c.output(header=""))
                    for c in response.cookies.values()
                ),
            ]
            return status, headers

    status, headers = benchmark(run)
    assert status == "200 OK" and headers[0][0] == "Content-Type"


@pytest.mark.parametrize("who", CONTESTANTS)
def test_json_response(benchmark, who):
    benchmark.group = "json-response"
    http = _http(who)
    data = {"id": 1, "title": "Hello", "tags": ["a", "b"], "score": 1.5}
    benchmark(http.JsonResponse, data)
