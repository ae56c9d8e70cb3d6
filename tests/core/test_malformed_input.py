"""Malformed requests through the whole WSGIHandler, fastdj against Django.

Each raw environ goes through fastdj's WSGIHandler and Django's. Where Django
answers sensibly, fastdj must answer the same status and body. Where Django
accepts a broken body (a truncated multipart body, a Content-Length that lies),
fastdj answers 400 instead. Either way the same handler then serves a good
request: one bad client never breaks the server.
"""

import logging

import pytest

from fastdj.core.handlers.wsgi import WSGIHandler
from fastdj.test.utils import override_settings
from tests.core.support import environ

BOUNDARY = "----fastdj"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
FORM = "application/x-www-form-urlencoded"


def _part(headers: str, body: str) -> str:
    return f"--{BOUNDARY}\r\n{headers}\r\n\r\n{body}"


def _end() -> str:
    return f"\r\n--{BOUNDARY}--\r\n"


def post(content_type, body, content_length=None, path="/p/"):
    body = body.encode("latin-1") if isinstance(body, str) else body
    length = str(len(body)) if content_length is None else content_length
    return (
        path,
        "POST",
        body,
        {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": length},
    )


def get(path, **extra):
    return (path, "GET", b"", extra)


# Django's answer is the spec for these.
SAME_AS_DJANGO = {
    "bad-percent-in-path": get("/a%zz/"),
    "latin-1-path": get("/caf\xe9/"),
    "utf-8-path": get("/caf\xc3\xa9/"),
    "percent-encoded-non-utf8-path": get("/a%FF/"),
    "bad-percent-in-query": get("/a/?a=%zz&b=%"),
    "non-utf8-query": get("/a/?a=\xff\xfe"),
    "percent-encoded-non-utf8-query": get("/a/?a=%FF"),
    "cookie-empty-pairs": get("/a/", HTTP_COOKIE='a=b; ;; =c; d="x; e=\xff'),
    "cookie-without-equals": get("/a/", HTTP_COOKIE="a"),
    "cookie-control-chars": get("/a/", HTTP_COOKIE="a=b\x00c; x=y"),
    "cookie-bad-percent": get("/a/", HTTP_COOKIE="a=%FF%zz"),
    "multipart-without-boundary": post("multipart/form-data", "xx"),
    "multipart-non-ascii-boundary": post("multipart/form-data; boundary=\xff", "xx"),
    "multipart-part-without-headers": post(
        MULTIPART, f"--{BOUNDARY}\r\n\r\nv" + _end()
    ),
    "multipart-bad-disposition": post(
        MULTIPART, _part("Content-Disposition: garbage", "v") + _end()
    ),
    "multipart-bad-base64": post(
        MULTIPART,
        _part(
            'Content-Disposition: form-data; name="a"\r\n'
            "Content-Transfer-Encoding: base64",
            "!!!*",
        )
        + _end(),
    ),
    "multipart-non-utf8-name": post(
        MULTIPART,
        _part('Content-Disposition: form-data; name="\xff"', "v\xff") + _end(),
    ),
    "multipart-unknown-charset": post(
        f"{MULTIPART}; charset=no-such-codec",
        _part('Content-Disposition: form-data; name="a"', "v") + _end(),
    ),
    "form-unknown-charset": post(f"{FORM}; charset=no-such-codec", "a=1"),
    "form-too-many-fields": post(FORM, "&".join(f"a={i}" for i in range(1001))),
    "content-length-shorter-than-body": post(FORM, "a=1&b=2", content_length="3"),
    "host-not-allowed": get("/host/", HTTP_HOST="evil.example"),
    "host-garbage": get("/host/", HTTP_HOST="a b\xff"),
    "host-empty": get("/host/", HTTP_HOST=""),
    "host-bad-port": get("/host/", HTTP_HOST="testserver:abc"),
    "host-with-userinfo": get("/host/", HTTP_HOST="user@testserver"),
    "header-value-crlf": get("/set-header/?name=X-A&value=a%0d%0aSet-Cookie:%20x"),
    "header-value-lf": get("/set-header/?name=X-A&value=a%0aB"),
    "header-name-crlf": get("/set-header/?name=X%0d%0aA&value=a"),
    "cookie-value-crlf": get("/set-cookie/?name=a&value=b%0d%0aX:y"),
    "cookie-name-crlf": get("/set-cookie/?name=a%0d%0ab&value=c"),
    "cookie-name-semicolon": get("/set-cookie/?name=a%3Bb&value=c"),
}

_FILE = 'Content-Disposition: form-data; name="f"; filename="x.txt"'
_FIELD = 'Content-Disposition: form-data; name="a"'

# Django accepts these (200 with whatever it could read, or a 500): a body
# that is cut short or lies about its length is the client's error, so 400.
FASTDJ_STRICTER = {
    "multipart-truncated-field": post(MULTIPART, _part(_FIELD, "hello")),
    "multipart-truncated-file": post(MULTIPART, _part(_FILE, "abcdef")),
    "multipart-garbage": post(MULTIPART, "garbage garbage"),
    "content-length-longer-than-body": post(FORM, "a=1", content_length="100"),
    "content-length-negative": post(FORM, "a=1", content_length="-5"),
    "content-length-not-a-number": post(FORM, "a=1", content_length="abc"),
    "multipart-content-length-longer": post(
        MULTIPART, _part(_FIELD, "v") + _end(), content_length="1000"
    ),
    "multipart-content-length-shorter": post(
        MULTIPART, _part(_FIELD, "v") + _end(), content_length="10"
    ),
}


def _call(app, path, method, body, extra):
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = headers

    result = app(environ(path, method, body, **extra), start_response)
    try:
        content = b"".join(result)
    finally:
        result.close()
    return captured["status"], captured["headers"], content


@pytest.fixture
def fastdj_app(twin):
    with override_settings(ROOT_URLCONF="tests.core.urls_echo", MIDDLEWARE=[]):
        yield WSGIHandler()


@pytest.fixture
def django_app():
    from django.core.handlers.wsgi import WSGIHandler as DjangoWSGIHandler
    from django.test.utils import override_settings as dj_override_settings

    with dj_override_settings(ROOT_URLCONF="tests.core.dj_urls_echo", MIDDLEWARE=[]):
        yield DjangoWSGIHandler()


@pytest.fixture(autouse=True)
def quiet_logs():
    # Every case logs a 4xx/5xx on purpose.
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


def _assert_keeps_serving(app):
    status, _, content = _call(app, *get("/still/?x=1"))
    assert status == "200 OK"
    assert content == b"/still/ | [('x', ['1'])] | []"


@pytest.mark.parametrize("case", sorted(SAME_AS_DJANGO))
def test_same_answer_as_django(case, fastdj_app, django_app):
    expected = _call(django_app, *SAME_AS_DJANGO[case])
    status, headers, content = _call(fastdj_app, *SAME_AS_DJANGO[case])
    assert (status, content) == (expected[0], expected[2])
    # An injected header must never reach the server, whatever the status.
    assert all("\r" not in v and "\n" not in v for _, v in headers)
    assert all(k.lower() != "x" for k, _ in headers)
    _assert_keeps_serving(fastdj_app)


@pytest.mark.parametrize("case", sorted(FASTDJ_STRICTER))
def test_broken_body_is_400(case, fastdj_app):
    status, _, content = _call(fastdj_app, *FASTDJ_STRICTER[case])
    assert status == "400 Bad Request"
    assert b"Bad Request (400)" in content
    _assert_keeps_serving(fastdj_app)


def test_body_over_the_limit_is_413(fastdj_app):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        status, _, _ = _call(fastdj_app, *post(FORM, "a=" + "x" * 20))
    assert status == "413 Request Entity Too Large"
    _assert_keeps_serving(fastdj_app)


def test_injected_header_gives_500_without_the_header(fastdj_app):
    status, headers, _ = _call(fastdj_app, *SAME_AS_DJANGO["header-value-crlf"])
    assert status == "500 Internal Server Error"
    assert [k for k, _ in headers if k.lower() in ("x-a", "set-cookie")] == []
