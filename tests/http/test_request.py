"""WSGIRequest / HttpRequest, differentially against Django's WSGIRequest."""

import io

import pytest
from django.core.handlers.wsgi import WSGIRequest as DjWSGIRequest
from django.test.utils import override_settings as dj_override
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.core.exceptions import (
    BadRequest,
    DisallowedHost,
    ImproperlyConfigured,
    RequestDataTooBig,
)
from fastdj.http import (
    HttpRequest,
    QueryDict,
    RawPostDataException,
    UnreadablePostError,
)
from fastdj.http.request import HttpHeaders, LimitedStream, WSGIRequest
from fastdj.test.utils import override_settings

from .conftest import make_environ, outcome, twin_requests


def describe(request):
    """Return the observable state of a request (same for fastdj and Django)."""
    return {
        "method": request.method,
        "path": request.path,
        "path_info": request.path_info,
        "GET": list(request.GET.lists()),
        "COOKIES": request.COOKIES,
        "headers": dict(request.headers),
        "content_type": request.content_type,
        "content_params": request.content_params,
        "encoding": request.encoding,
        "scheme": request.scheme,
        "is_secure": request.is_secure(),
        "port": request.get_port(),
        "full_path": outcome(request.get_full_path),
        "full_path_slash": outcome(request.get_full_path, force_append_slash=True),
        "full_path_info": outcome(request.get_full_path_info),
        "host": outcome(request.get_host),
        "abs": outcome(request.build_absolute_uri),
        "abs_rel": outcome(request.build_absolute_uri, "../x?y=1"),
        "abs_path": outcome(request.build_absolute_uri, "/a b/é"),
        "abs_full": outcome(request.build_absolute_uri, "https://other/é"),
        "abs_scheme_rel": outcome(request.build_absolute_uri, "//h/p"),
        "repr": repr(request),
        "meta_path_info": request.META["PATH_INFO"],
        "meta_script_name": request.META["SCRIPT_NAME"],
    }


ENVIRONS = [
    {},
    {"method": "post"},
    {"path": "/a/b/"},
    {"path": "/caf\xc3\xa9/"},  # UTF-8 bytes as PEP 3333 latin-1 str
    {"path": "/bad\xff\xfe/x"},  # broken UTF-8
    {"path": '/%E2%99%A5/ /"<>/'},
    {"path": "//double//slash"},
    {"path": ""},
    {"path": "/x", "SCRIPT_NAME": "/mount"},
    {"path": "/x", "SCRIPT_NAME": "/mount/"},
    {"path": "/x", "SCRIPT_NAME": "/caf\xc3\xa9"},
    {"path": "/x", "SCRIPT_URL": "/mount/x", "SCRIPT_NAME": "/ignored"},
    {"path": "/x", "REDIRECT_URL": "//mount//x"},
    {"query_string": "a=1&a=2&b=%E2%99%A5"},
    {"query_string": "bad=%ff%fe&raw=\xe9"},
    {"query_string": "q=caf\xc3\xa9"},
    {"query_string": "%"},
    {"headers": {"Cookie": 'a=1; b="quoted\\"x"; nameless'}},
    {"headers": {"Cookie": "caf\xc3\xa9=\xff"}},
    {"headers": {"User-Agent": "UA", "X-Custom-Thing": "v", "Accept": "*/*"}},
    {"content_type": "text/plain; charset=latin-1"},
    {"content_type": "text/plain; charset=bogus"},
    {"content_type": "application/json"},
    {"content_type": 'multipart/form-data; boundary="abc"'},
    {"content_type": "TEXT/HTML;CHARSET=UTF-8"},
    {"content_type": ""},
    {"HTTP_HOST": "example.com"},
    {"HTTP_HOST": "EXAMPLE.com:8000"},
    {"HTTP_HOST": "localhost"},
    {"HTTP_HOST": "sub.localhost"},
    {"HTTP_HOST": "[::1]:80"},
    {"HTTP_HOST": "bad host"},
    {"HTTP_HOST": "testserver."},
    {"HTTP_HOST": "testserver:abc"},
    {"HTTP_HOST": ""},
    {"wsgi.url_scheme": "https", "SERVER_PORT": "443"},
    {"SERVER_PORT": 8080},
]


def _drop_host(env):
    env = dict(env)
    if env.get("HTTP_HOST") == "":
        env["HTTP_HOST"] = None
    return env


@pytest.mark.parametrize("kwargs", ENVIRONS, ids=range(len(ENVIRONS)))
@pytest.mark.parametrize(
    "hosts, debug",
    [
        (["testserver", ".example.com", "[::1]"], False),
        ([], True),
        ([], False),
        (["*"], False),
    ],
)
def test_wsgirequest_matches_django(kwargs, hosts, debug):
    extra = {k: v for k, v in kwargs.items() if k.isupper() or k.startswith("wsgi.")}
    rest = {k: v for k, v in kwargs.items() if k not in extra}
    with (
        override_settings(ALLOWED_HOSTS=hosts, DEBUG=debug),
        dj_override(ALLOWED_HOSTS=hosts, DEBUG=debug),
    ):
        ours = WSGIRequest(make_environ(**rest, **extra))
        theirs = DjWSGIRequest(make_environ(**rest, **extra))
        assert describe(ours) == describe(theirs)


def test_no_host_header_uses_server_name():
    for env in (
        {"SERVER_NAME": "testserver", "SERVER_PORT": "80"},
        {"SERVER_NAME": "testserver", "SERVER_PORT": "8000"},
        {"SERVER_NAME": "testserver", "SERVER_PORT": "443", "wsgi.url_scheme": "https"},
    ):
        e1, e2 = make_environ(**env), make_environ(**env)
        del e1["HTTP_HOST"], e2["HTTP_HOST"]
        assert WSGIRequest(e1).get_host() == DjWSGIRequest(e2).get_host()


def test_forwarded_host_and_port_and_proxy_ssl():
    env = dict(
        HTTP_X_FORWARDED_HOST="example.com",
        HTTP_X_FORWARDED_PORT="8443",
        HTTP_X_FORWARDED_PROTO="https, http",
    )
    opts = dict(
        USE_X_FORWARDED_HOST=True,
        USE_X_FORWARDED_PORT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
        ALLOWED_HOSTS=["example.com"],
    )
    with override_settings(**opts), dj_override(**opts):
        ours, theirs = (
            WSGIRequest(make_environ(**env)),
            DjWSGIRequest(make_environ(**env)),
        )
        assert describe(ours) == describe(theirs)
        assert ours.get_host() == "example.com"
        assert ours.get_port() == "8443"
        assert ours.is_secure()
    with override_settings(SECURE_PROXY_SSL_HEADER="bad"):
        with pytest.raises(ImproperlyConfigured):
            _ = WSGIRequest(make_environ()).scheme


def test_disallowed_host():
    request = WSGIRequest(make_environ(HTTP_HOST="evil.com"))
    with pytest.raises(DisallowedHost, match="evil.com"):
        request.get_host()
    with override_settings(DEBUG=True, ALLOWED_HOSTS=[]):
        assert WSGIRequest(make_environ(HTTP_HOST="localhost:8000")).get_host() == (
            "localhost:8000"
        )
        with pytest.raises(DisallowedHost):
            WSGIRequest(make_environ(HTTP_HOST="example.com")).get_host()
    with pytest.raises(DisallowedHost, match="not valid according to RFC"):
        WSGIRequest(make_environ(HTTP_HOST="a/b")).get_host()


def test_host_validation_follows_allowed_hosts_changes():
    with override_settings(ALLOWED_HOSTS=["a.example"]):
        assert host_of("a.example") == "a.example"
    # A host valid under the old setting is checked again under the new one.
    with override_settings(ALLOWED_HOSTS=["b.example"]):
        with pytest.raises(DisallowedHost):
            host_of("a.example")


def test_remembered_hosts_stay_bounded():
    from fastdj.http import request as request_module

    with override_settings(ALLOWED_HOSTS=["*"]):
        for i in range(request_module._VALID_HOSTS_MAX * 2 + 10):
            assert host_of(f"h{i}.example") == f"h{i}.example"
    assert len(request_module._valid_hosts) <= request_module._VALID_HOSTS_MAX


def host_of(value):
    return WSGIRequest(make_environ(HTTP_HOST=value)).get_host()


def test_construction_is_lazy():
    environ = make_environ(
        query_string="a=1", headers={"Cookie": "a=1"}, content_type="text/plain"
    )
    request = WSGIRequest(environ)
    assert set(vars(request)) == {"environ", "META", "method", "path", "path_info"}
    assert request.method == "GET"
    assert request.path_info == "/"
    assert "GET" not in vars(request) and "COOKIES" not in vars(request)
    assert request.GET["a"] == "1"
    assert request.COOKIES == {"a": "1"}
    assert "GET" in vars(request)


def test_lazy_attributes_can_be_assigned():
    request = WSGIRequest(make_environ(path="/x"))
    request.path_info = "/changed"
    request.method = "PUT"
    request.GET = QueryDict("z=1")
    assert request.path_info == "/changed"
    assert request.path == "/x"
    assert request.method == "PUT"
    assert request.GET["z"] == "1"


def test_encoding_setter_resets_get_and_post():
    request = WSGIRequest(
        make_environ(
            method="POST",
            query_string="q=%E9",
            body=b"a=1",
            content_type="application/x-www-form-urlencoded",
        )
    )
    assert request.GET["q"] == "\ufffd"
    request.encoding = "latin-1"
    assert request.GET["q"] == "é"
    with pytest.raises(BadRequest):
        _ = request.POST  # a form body must be UTF-8
    request.encoding = "utf-8"
    assert request.POST["a"] == "1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "method": "POST",
            "body": b"a=1&b=%E2%99%A5&a=2",
            "content_type": "application/x-www-form-urlencoded",
        },
        {
            "method": "POST",
            "body": b"a=1",
            "content_type": "application/x-www-form-urlencoded; charset=utf-8",
        },
        {"method": "POST", "body": b'{"a": 1}', "content_type": "application/json"},
        {"method": "POST", "body": b"a=1", "content_type": "text/plain"},
        {
            "method": "PUT",
            "body": b"a=1",
            "content_type": "application/x-www-form-urlencoded",
        },
        {"method": "POST", "body": b"a=1"},
        {
            "method": "POST",
            "body": b"\xff=\xfe",
            "content_type": "application/x-www-form-urlencoded",
        },
        {"method": "GET", "body": b"raw body"},
    ],
)
def test_body_and_post_match_django(kwargs):
    ours, theirs = twin_requests(**kwargs)
    assert outcome(lambda: ours.body) == outcome(lambda: theirs.body)
    assert list(ours.POST.lists()) == list(theirs.POST.lists())
    assert ours.FILES == theirs.FILES == {}


def test_stream_reading_matches_django():
    body = b"line1\nline2\r\nline3"
    ours, theirs = twin_requests(method="POST", body=body)
    assert ours.readline() == theirs.readline()
    assert ours.read(3) == theirs.read(3)
    assert list(ours) == list(theirs)
    assert ours.read() == theirs.read() == b""
    ours, theirs = twin_requests(method="POST", body=body)
    assert ours.readlines() == theirs.readlines()
    with pytest.raises(RawPostDataException):
        _ = ours.body


def test_body_can_be_read_twice_and_then_streamed():
    request = WSGIRequest(make_environ(method="POST", body=b"abc"))
    assert request.body == b"abc"
    assert request.body == b"abc"
    assert request.read() == b"abc"


def test_body_too_big():
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        # Declared too big: refused before reading.
        request = WSGIRequest(make_environ(method="POST", body=b"x" * 11))
        with pytest.raises(RequestDataTooBig):
            _ = request.body
        assert request.environ["wsgi.input"].tell() == 0
        # Content-Length understated: the read stops at the limit anyway.
        request = WSGIRequest(make_environ(method="POST", body=b"x" * 10))
        assert request.body == b"x" * 10
        form = WSGIRequest(
            make_environ(
                method="POST",
                body=b"a=" + b"x" * 20,
                content_type="application/x-www-form-urlencoded",
            )
        )
        with pytest.raises(RequestDataTooBig):
            _ = form.POST
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None):
        request = WSGIRequest(make_environ(method="POST", body=b"x" * 5000))
        assert len(request.body) == 5000


def test_lying_content_length_does_not_hang():
    class NeverEndingInput:
        """Blocks (fails the test) if asked for more than the body holds."""

        def __init__(self, data):
            self.data = io.BytesIO(data)

        def read(self, size=-1):
            if size is None or size < 0:
                raise AssertionError("unbounded read would block on a socket")
            return self.data.read(size)

        def readline(self, size=-1):
            return self.data.readline(size)

    # Declared 100, sent 5: a clear error, not a hang and not a short body.
    environ = make_environ(method="POST", body=b"hello", content_length=100)
    environ["wsgi.input"] = NeverEndingInput(b"hello")
    request = WSGIRequest(environ)
    with pytest.raises(UnreadablePostError, match="5 of the 100"):
        _ = request.body
    assert isinstance(UnreadablePostError(), BadRequest)

    environ = make_environ(
        method="POST",
        body=b"a=1",
        content_length=50,
        content_type="application/x-www-form-urlencoded",
    )
    request = WSGIRequest(environ)
    with pytest.raises(UnreadablePostError):
        _ = request.POST

    # Declared 3, sent more: only 3 bytes are ever read.
    environ = make_environ(method="POST", body=b"abcdef", content_length=3)
    environ["wsgi.input"] = NeverEndingInput(b"abcdef")
    assert WSGIRequest(environ).body == b"abc"


def test_missing_or_bad_content_length():
    request = WSGIRequest(make_environ(method="POST", body=b"data", content_length=""))
    assert request.body == b""
    # Django raises ValueError (a 500) for "abc" and reads nothing for "-5".
    for cl in ("abc", "-5", "1.5"):
        request = WSGIRequest(
            make_environ(method="POST", body=b"data", content_length=cl)
        )
        with pytest.raises(BadRequest, match="Invalid Content-Length"):
            _ = request.body
    environ = make_environ(method="POST")
    del environ["wsgi.input"]
    assert WSGIRequest(environ).body == b""


def test_limited_stream():
    stream = LimitedStream(io.BytesIO(b"ab\ncd\nef"), 7)
    assert stream.readline() == b"ab\n"
    assert stream.readline(1) == b"c"
    assert stream.read(0) == b""
    assert stream.read() == b"d\ne"
    assert stream.read() == b""
    assert stream.readline() == b""
    short = LimitedStream(io.BytesIO(b"abc"), 10)
    with pytest.raises(UnreadablePostError):
        short.read()
    short = LimitedStream(io.BytesIO(b"abc"), 10)
    with pytest.raises(UnreadablePostError):
        short.readline()

    class Trickle:
        """Returns one byte per read, as a socket may."""

        def __init__(self, data):
            self.data = io.BytesIO(data)

        def read(self, size=-1):
            return self.data.read(1)

        def readline(self, size=-1):
            return self.data.readline(size)

    assert LimitedStream(Trickle(b"abcdef"), 4).read() == b"abcd"


def test_headers_mapping():
    headers = HttpHeaders(
        {
            "HTTP_USER_AGENT": "ua",
            "CONTENT_TYPE": "text/plain",
            "CONTENT_LENGTH": "3",
            "SERVER_NAME": "x",
            "HTTP_X_A_B": "1",
        }
    )
    assert (
        headers["User-Agent"] == headers["user_agent"] == headers["USER-AGENT"] == "ua"
    )
    assert "user_agent" in headers and "Content-Type" in headers
    assert "Server-Name" not in headers
    assert headers.get("x-a-b") == "1"
    assert headers.get("missing", "d") == "d"
    assert sorted(headers) == ["Content-Length", "Content-Type", "User-Agent", "X-A-B"]
    assert HttpHeaders.to_wsgi_name("Content-Type") == "CONTENT_TYPE"
    assert HttpHeaders.to_wsgi_name("x-a") == "HTTP_X_A"
    assert HttpHeaders.parse_header_name("HTTP_X_A") == "X-A"
    assert HttpHeaders.parse_header_name("SERVER_NAME") is None


@settings(max_examples=200, deadline=None)
@given(
    path=st.binary(max_size=20).map(lambda b: "/" + b.decode("latin-1")),
    qs=st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    cookie=st.text(max_size=20).map(
        lambda s: s.encode("utf-8", "surrogatepass").decode("latin-1")
    ),
)
def test_hypothesis_environs_match_django(path, qs, cookie):
    env = dict(path=path, query_string=qs, headers={"Cookie": cookie})
    ours, theirs = twin_requests(**env)
    assert outcome(describe, ours) == outcome(describe, theirs)


def test_plain_httprequest():
    request = HttpRequest()
    assert repr(request) == "<HttpRequest>"
    assert request.GET == {} and request.GET._mutable
    request.GET["a"] = "1"
    request.method = "GET"
    request.path = "/p"
    assert repr(request) == "<HttpRequest: GET '/p'>"
    assert request.body == b""
    assert request.resolver_match is None


ACCEPT_HEADERS = [
    None,
    "",
    "*/*",
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json; q=0.5, text/*; q=0.8, text/plain",
    "text/*, text/plain;format=flowed, */*;q=0",
    "text/html;q=abc, application/json;q=2",
    "garbage, ,;;",
]


@pytest.mark.parametrize("accept", ACCEPT_HEADERS)
def test_content_negotiation_matches_django(accept):
    headers = {} if accept is None else {"Accept": accept}
    ours, theirs = twin_requests(headers=headers)
    assert outcome(lambda: [str(t) for t in ours.accepted_types]) == outcome(
        lambda: [str(t) for t in theirs.accepted_types]
    )
    candidates = ["text/html", "application/json", "text/plain", "image/png"]
    for media_type in candidates:
        assert outcome(ours.accepts, media_type) == outcome(theirs.accepts, media_type)
    assert outcome(ours.get_preferred_type, candidates) == outcome(
        theirs.get_preferred_type, candidates
    )


def test_accept_with_bad_rfc2231_charset_does_not_crash():
    # Django lets parse_header_parameters' ValueError escape (a 500).
    accept = "text/plain; charset*=bogus''x, text/html"
    ours, theirs = twin_requests(headers={"Accept": accept})
    assert outcome(lambda: theirs.accepted_types) == ("raise", "ValueError")
    assert ours.accepts("text/html")
    assert not ours.accepts("application/json")


@pytest.mark.parametrize("text", ["caf\u00e9 \u2665", "\udcff\ud800", "\x00\x7f"])
def test_environ_strings_outside_latin1_do_not_crash(text):
    # PEP 3333 says environ strings are latin-1 decoded bytes; a server that
    # decodes UTF-8 itself must not make requests crash.
    request = WSGIRequest(
        make_environ(
            path="/" + text,
            query_string="q=" + text,
            headers={"Cookie": "c=" + text},
            SCRIPT_NAME="/s" + text,
        )
    )
    assert request.path_info.startswith("/")
    assert request.path.startswith("/s")
    assert "q" in request.GET
    assert "c" in request.COOKIES
    assert request.get_full_path().isascii()


@pytest.mark.parametrize("forced", ["/forced", "/forced/", ""])
def test_force_script_name_matches_django(forced):
    with (
        override_settings(FORCE_SCRIPT_NAME=forced),
        dj_override(FORCE_SCRIPT_NAME=forced),
    ):
        ours, theirs = twin_requests(path="/x/y", SCRIPT_NAME="/ignored")
        assert (ours.path, ours.path_info) == (theirs.path, theirs.path_info)
        assert ours.META["SCRIPT_NAME"] == theirs.META["SCRIPT_NAME"]
