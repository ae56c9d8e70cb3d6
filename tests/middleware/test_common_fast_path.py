"""CommonMiddleware's inline paths (its __call__, the Cython twin's layer).

Each test runs under both twins: the Cython twin replaces the stock
CommonMiddleware.__call__ by a C layer that must do exactly what it does,
including every fallback to process_request/process_response/get_host.
"""

import re

import pytest

import tests.middleware as package
from fastdj.core.exceptions import DisallowedHost
from fastdj.http import HttpResponse
from fastdj.http.request import WSGIRequest
from fastdj.middleware.common import CommonMiddleware, _content_length
from fastdj.test.utils import override_settings
from tests.core.support import Fastdj, environ

FASTDJ_MW = ["fastdj.middleware.common.CommonMiddleware"]


def test_content_length_is_set_and_not_overwritten(twin):
    with Fastdj.handler(FASTDJ_MW, ALLOWED_HOSTS=["testserver"]) as get:
        response = get("/ok/")
        assert response["Content-Length"] == str(len(response.content))


def test_settings_changed_after_the_chain_is_built_are_seen(twin):
    with Fastdj.handler(FASTDJ_MW, ALLOWED_HOSTS=["testserver"]) as get:
        assert get("/ok/").status_code == 200
        with override_settings(DISALLOWED_USER_AGENTS=[re.compile("^Evil")]):
            assert get("/ok/", HTTP_USER_AGENT="EvilBot").status_code == 403
            assert get("/ok/", HTTP_USER_AGENT="Good").status_code == 200
        with override_settings(PREPEND_WWW=True):
            response = get("/ok/")
            assert response.status_code == 301
            assert response["Location"] == "http://www.testserver/ok/"
        assert get("/ok/").status_code == 200


def test_a_host_valid_once_is_refused_when_allowed_hosts_change(twin):
    allowed = ["testserver"]
    with Fastdj.handler(FASTDJ_MW, ALLOWED_HOSTS=allowed) as get:
        assert get("/ok/").status_code == 200
        # Changed in place: the validity cache must see it.
        allowed[0] = "other.example"
        assert get("/ok/").status_code == 400
        allowed[0] = "testserver"
        assert get("/ok/").status_code == 200
        with override_settings(ALLOWED_HOSTS=["elsewhere"]):
            assert get("/ok/").status_code == 400
        with override_settings(ALLOWED_HOSTS=[], DEBUG=True):
            assert get("/ok/", HTTP_HOST="localhost").status_code == 200
            assert get("/ok/").status_code == 400
        with override_settings(USE_X_FORWARDED_HOST=True, ALLOWED_HOSTS=["testserver"]):
            response = get("/ok/", HTTP_X_FORWARDED_HOST="evil.example")
            assert response.status_code == 400


def test_request_class_with_its_own_get_host_is_asked(twin):
    calls = []

    class Request(WSGIRequest):
        def get_host(self):
            calls.append(self.path)
            return super().get_host()

    with Fastdj.handler(FASTDJ_MW, ALLOWED_HOSTS=["testserver"]) as get:
        response = get.handler.get_response(Request(environ("/ok/")))
    assert response.status_code == 200
    assert calls == ["/ok/"]


def test_overridden_hooks_are_called(twin):
    log = []

    class Logged(CommonMiddleware):
        def process_request(self, request):
            log.append("request")
            return super().process_request(request)

        def process_response(self, request, response):
            log.append("response")
            return super().process_response(request, response)

    package.Logged = Logged
    with Fastdj.handler(["tests.middleware.Logged"]) as get:
        response = get("/ok/")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(response.content))
    assert log == ["request", "response"]


def test_get_response_replaced_on_the_instance_is_used(twin):
    class Replaced(CommonMiddleware):
        def __init__(self, get_response):
            super().__init__(get_response)
            self.get_response = lambda request: HttpResponse(b"replaced")

    package.Replaced = Replaced
    with Fastdj.handler(["tests.middleware.Replaced"]) as get:
        response = get("/ok/")
    assert response.content == b"replaced"
    assert response["Content-Length"] == "8"


def test_an_existing_content_length_is_kept(twin):
    middleware = CommonMiddleware(
        lambda request: HttpResponse(b"abc", headers={"Content-Length": "99"})
    )
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = middleware(WSGIRequest(environ("/")))
    assert response["Content-Length"] == "99"


def test_an_invalid_host_raises_from_the_middleware_itself():
    middleware = CommonMiddleware(lambda request: HttpResponse())
    with override_settings(ALLOWED_HOSTS=["elsewhere"]):
        with pytest.raises(DisallowedHost):
            middleware(WSGIRequest(environ("/")))


@pytest.mark.parametrize(
    "chunks", [[b"abc"], [b"ab", b"c"], [], [bytearray(b"abcd")], [memoryview(b"x")]]
)
def test_content_length_of_any_container(chunks):
    response = HttpResponse()
    response._container = chunks
    assert _content_length(response) == len(response.content)
