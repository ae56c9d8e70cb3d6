"""fastdj.test.Client: requests through the real handler and middleware."""

import io
import json

import pytest

from fastdj.core.signals import request_finished, request_started
from fastdj.http.request import WSGIRequest
from fastdj.test import Client, override_settings
from fastdj.test.client import RedirectCycleError
from fastdj.urls import Resolver404
from tests.test_client import middleware as test_middleware

MW = "tests.test_client.middleware."


@pytest.fixture
def client(twin):
    return Client()


def test_get(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == b"index"
    assert isinstance(response.wsgi_request, WSGIRequest)
    assert response.request["PATH_INFO"] == "/"


def test_path_converters_and_resolver_match(client):
    response = client.get("/hello/world/")
    assert response.content == b"Hello, world!"
    assert response.resolver_match.url_name == "hello"
    assert response.resolver_match.kwargs == {"name": "world"}
    assert client.get("/items/12/").json() == {"pk": 12}


def test_404_and_lazy_resolver_match(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    with pytest.raises(Resolver404):
        _ = response.resolver_match.url_name


def test_http404_and_permission_denied(client):
    assert client.get("/not-found/").status_code == 404
    assert client.get("/forbidden/").status_code == 403


def test_get_query(client):
    data = client.get("/echo/", {"a": ["1", "2"], "b": "x"}).json()
    assert data["GET"] == {"a": ["1", "2"], "b": ["x"]}
    data = client.get("/echo/?c=3", query_params={"d": "4"}).json()
    assert data["GET"] == {"d": ["4"]}
    data = client.get("/echo/?c=3").json()
    assert data["GET"] == {"c": ["3"]}


def test_post_multipart_with_file(client):
    upload = io.BytesIO(b"file body")
    upload.name = "notes.txt"
    data = client.post("/echo/", {"title": "t", "tags": ["a", "b"], "f": upload}).json()
    assert data["POST"] == {"title": ["t"], "tags": ["a", "b"]}
    assert data["FILES"] == {
        "f": [{"name": "notes.txt", "size": 9, "content": "file body"}]
    }
    assert data["content_type"] == "multipart/form-data"


def test_post_json(client):
    payload = {"a": [1, 2], "b": {"c": None}}
    data = client.post("/echo/", payload, content_type="application/json").json()
    assert json.loads(data["body"]) == payload
    assert data["content_type"] == "application/json"
    assert data["POST"] == {}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_methods_with_json_body(client, method):
    data = getattr(client, method)(
        "/echo/", {"k": method}, content_type="application/json"
    ).json()
    assert data["method"] == method.upper()
    assert json.loads(data["body"]) == {"k": method}


def test_options_and_trace(client):
    assert client.options("/echo/").json()["method"] == "OPTIONS"
    assert client.trace("/echo/").json()["method"] == "TRACE"
    response = client.options("/cbv/")
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.content == b""


def test_head_has_headers_and_no_content(client):
    response = client.head("/cbv/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"].startswith("text/html")


def test_class_based_view_and_405(client):
    assert client.get("/cbv/").content == b"cbv get"
    assert client.post("/cbv/").content == b"cbv post"
    response = client.put("/cbv/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    response = client.post("/get-only/")
    assert (response.status_code, response["Allow"]) == (405, "GET")


def test_headers_secure_and_extra(client):
    data = client.get(
        "/echo/", headers={"X-Api-Key": "k"}, secure=True, HTTP_X_EXTRA="e"
    ).json()
    assert data["headers"]["x-api-key"] == "k"
    assert data["headers"]["x-extra"] == "e"
    assert data["secure"] is True


def test_default_headers_and_query_params(twin):
    client = Client(headers={"X-Default": "d"}, query_params={"q": "1"})
    data = client.get("/echo/").json()
    assert data["headers"]["x-default"] == "d"
    # As in Django 5.2, the request's own (empty) query string wins over a
    # constructor-level query_params; see test_factory_defaults_matches_django.
    assert data["GET"] == {}


def test_cookies_kept_across_requests(client):
    assert client.get("/cookie/get/").json() == {}
    client.get("/cookie/set/")
    assert client.cookies["flavour"].value == "chocolate"
    assert client.get("/cookie/get/").json() == {"flavour": "chocolate"}
    client.get("/cookie/set/", {"value": "mint"})
    assert client.get("/cookie/get/").json() == {"flavour": "mint"}


def test_cookies_not_shared_between_clients(twin):
    first, second = Client(), Client()
    first.get("/cookie/set/")
    assert second.get("/cookie/get/").json() == {}


def test_follow_redirects(client):
    response = client.get("/redirect/", follow=True)
    assert response.status_code == 200
    assert response.content == b"Hello, redirected!"
    assert response.redirect_chain == [("/hello/redirected/", 302)]
    assert response.request["PATH_INFO"] == "/hello/redirected/"


def test_follow_chain_of_redirects(client):
    response = client.get(
        "/redirect-to/", {"to": "/redirect-to/?to=/redirect/"}, follow=True
    )
    assert response.redirect_chain == [
        ("/redirect-to/?to=/redirect/", 302),
        ("/redirect/", 302),
        ("/hello/redirected/", 302),
    ]
    assert response.content == b"Hello, redirected!"


def test_follow_absolute_redirect_sets_host(client):
    response = client.get(
        "/redirect-to/", {"to": "https://localhost/hello/abs/"}, follow=True
    )
    assert response.content == b"Hello, abs!"
    assert response.wsgi_request.is_secure()
    assert response.wsgi_request.get_host() == "localhost"


def test_post_redirect_followed_with_get(client):
    response = client.post("/redirect/", {"a": "1"}, follow=True)
    assert response.redirect_chain == [("/hello/redirected/", 302)]
    assert response.wsgi_request.method == "GET"


def test_307_redirect_repeats_method_and_body(client):
    response = client.post("/redirect-307/", {"a": "1"}, follow=True)
    assert response.redirect_chain == [("/echo/?from=307", 307)]
    data = response.json()
    assert data["method"] == "POST"
    assert data["POST"] == {"a": ["1"]}
    assert data["GET"] == {"from": ["307"]}


def test_307_redirect_json_body(client):
    response = client.put(
        "/redirect-307/", {"k": 1}, content_type="application/json", follow=True
    )
    data = response.json()
    assert (data["method"], json.loads(data["body"])) == ("PUT", {"k": 1})


def test_no_follow(client):
    response = client.get("/redirect/")
    assert response.status_code == 302
    assert response["Location"] == "/hello/redirected/"
    assert not hasattr(response, "redirect_chain")


def test_redirect_loop_detected(client):
    with pytest.raises(RedirectCycleError, match="Redirect loop detected") as info:
        client.get("/loop/", follow=True)
    assert info.value.redirect_chain == [("/loop/", 302), ("/loop/", 302)]


def test_view_exception_reraised(client):
    with pytest.raises(ValueError, match="raised by the view"):
        client.get("/raise/")
    # The stored exception does not leak into the next request.
    assert client.get("/").status_code == 200


def test_view_exception_as_500(twin):
    client = Client(raise_request_exception=False)
    response = client.get("/raise/")
    assert response.status_code == 500
    assert response.exc_info[0] is ValueError
    assert client.get("/").exc_info is None


def test_json_requires_json_content_type(client):
    with pytest.raises(ValueError, match='not "application/json"'):
        client.get("/").json()


def test_signals_fire(client):
    seen = []

    def started(sender, **kwargs):
        seen.append(("started", kwargs["environ"]["PATH_INFO"]))

    def finished(sender, **kwargs):
        seen.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        client.get("/hello/sig/")
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert seen == [("started", "/hello/sig/"), "finished"]


def test_streaming_response_closed_once_consumed(client):
    finished = []

    def on_finished(sender, **kwargs):
        finished.append(sender)

    request_finished.connect(on_finished)
    try:
        response = client.get("/stream/")
        assert response.streaming
        assert finished == []  # still streaming: not finished yet
        assert b"".join(response.streaming_content) == b"chunk1-chunk2"
        assert len(finished) == 1
    finally:
        request_finished.disconnect(on_finished)


def test_head_streaming_response_is_empty(client):
    response = client.head("/stream/")
    assert b"".join(response.streaming_content) == b""


def test_middleware_runs(twin):
    test_middleware.calls.clear()
    with override_settings(
        MIDDLEWARE=[MW + "TagMiddleware", MW + "ShortCircuitMiddleware"]
    ):
        client = Client()
        response = client.get("/")
        assert response["X-Tag"] == "tagged"
        assert test_middleware.calls == ["tag:request", "tag:response"]
        response = client.get("/short/")
        assert response.content == b"short-circuited"
        assert response["X-Tag"] == "tagged"


def test_middleware_loaded_once_per_client(twin):
    with override_settings(MIDDLEWARE=[MW + "CountingMiddleware"]):
        before = test_middleware.CountingMiddleware.instances
        client = Client()
        for _ in range(3):
            client.get("/")
        assert test_middleware.CountingMiddleware.instances == before + 1


def test_404_through_middleware(twin):
    with override_settings(MIDDLEWARE=[MW + "TagMiddleware"]):
        response = Client().get("/missing/")
    assert response.status_code == 404
    assert response["X-Tag"] == "tagged"


def test_urlconf_reset_once_the_response_is_closed(client):
    from fastdj.urls import get_urlconf, set_urlconf

    set_urlconf("tests.urls")
    response = client.get("/")
    assert response.status_code == 200
    assert get_urlconf() is None
