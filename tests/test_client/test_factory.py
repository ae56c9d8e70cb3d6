"""RequestFactory, differential against django.test.RequestFactory.

The same call on both factories must give the same WSGI environ (the keys a
request is built from), the same body bytes, and the same parsed request.
"""

import copy
import datetime
import decimal
import io
import uuid

import django.test
import pytest

from fastdj.test import RequestFactory
from fastdj.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload

ENVIRON_KEYS = (
    "PATH_INFO",
    "REQUEST_METHOD",
    "QUERY_STRING",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "REMOTE_ADDR",
    "SCRIPT_NAME",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_COOKIE",
    "wsgi.url_scheme",
    "wsgi.version",
    "wsgi.multiprocess",
    "wsgi.multithread",
    "wsgi.run_once",
)


def named_file(name, content, content_type=None):
    f = io.BytesIO(content)
    f.name = name
    if content_type:
        f.content_type = content_type
    return f


def snapshot(request):
    """Return what a view can observe of ``request``, comparable across sides."""
    environ = request.META
    # Django's WSGIRequest writes the decoded path back into META["PATH_INFO"];
    # fastdj's leaves the WSGI (latin-1) string: compare the decoded path_info.
    keys = {k: environ[k] for k in ENVIRON_KEYS if k in environ and k != "PATH_INFO"}
    keys.update({k: v for k, v in environ.items() if k.startswith("HTTP_")})
    keys.update({k: v for k, v in environ.items() if k.islower() and "." not in k})
    body = request.body
    parsed = {
        "GET": {k: request.GET.getlist(k) for k in request.GET},
        "path": request.path,
        "path_info": request.path_info,
        "method": request.method,
        "scheme": request.scheme,
        "secure": request.is_secure(),
        "host": request.get_host(),
        "full_path": request.get_full_path(),
        "headers": dict(request.headers),
        "content_type": request.content_type,
        "COOKIES": dict(request.COOKIES),
    }
    if request.method == "POST":
        parsed["POST"] = {k: request.POST.getlist(k) for k in request.POST}
        parsed["FILES"] = {
            k: [
                (f.name, f.content_type, f.size, f.read())
                for f in request.FILES.getlist(k)
            ]
            for k in request.FILES
        }
    return keys, body, parsed


CALLS = [
    ("get", ("/plain/",), {}),
    ("get", ("/q/", {"a": "1", "b": ["2", "3"], "c": ""}), {}),
    ("get", ("/q/?inline=1&x=%20y",), {}),
    ("get", ("/q/?inline=1",), {"data": {"wins": "yes"}}),
    ("get", ("/q/",), {"query_params": {"a": ["x", "y"], "é": "ü"}}),
    ("get", ("/caf%C3%A9/%E2%82%AC/",), {}),
    ("get", ("/s/",), {"secure": True}),
    (
        "get",
        ("/h/",),
        {"headers": {"X-Custom": "v", "Content-Type": "text/x", "Accept": "a/b"}},
    ),
    (
        "get",
        ("/e/",),
        {"HTTP_X_EXTRA": "e", "SERVER_NAME": "localhost", "REMOTE_ADDR": "10.0.0.1"},
    ),
    (
        "get",
        ("/both/",),
        {"headers": {"X-A": "from-headers"}, "HTTP_X_B": "from-extra"},
    ),
    ("head", ("/head/", {"a": "1"}), {}),
    ("post", ("/form/", {"name": "value", "multi": ["a", "b"], "num": 3}), {}),
    ("post", ("/empty/",), {}),
    (
        "post",
        ("/upload/",),
        {
            "data": {
                "title": "t",
                "doc": named_file("report.txt", b"hello\r\nworld"),
                "many": [
                    named_file("a.png", b"\x89PNG"),
                    named_file("b.bin", b"\x00\x01"),
                ],
                "typed": named_file("x.dat", b"zz", "application/x-custom"),
            }
        },
    ),
    (
        "post",
        ("/json/", {"a": [1, 2], "b": None}),
        {"content_type": "application/json"},
    ),
    ("post", ("/json/", [1, "two"]), {"content_type": "application/vnd.api+json"}),
    ("post", ("/json/", '{"raw": true}'), {"content_type": "application/json"}),
    ("post", ("/text/", "héllo"), {"content_type": "text/plain; charset=latin-1"}),
    ("post", ("/text/", "plain"), {"content_type": "text/plain"}),
    ("post", ("/q/?x=1", {"f": "1"}), {"query_params": {"y": "2"}}),
    ("post", ("/form/", {"f": "1"}), {"secure": True, "headers": {"X-H": "1"}}),
    ("put", ("/put/", {"a": 1}), {"content_type": "application/json"}),
    ("put", ("/put/", "raw body"), {}),
    (
        "patch",
        ("/patch/", {"a": {"nested": True}}),
        {"content_type": "application/json"},
    ),
    ("patch", ("/patch/", b"\x00bytes"), {}),
    ("delete", ("/delete/",), {}),
    ("delete", ("/delete/", {"ids": [1]}), {"content_type": "application/json"}),
    ("options", ("/options/",), {}),
    ("options", ("/options/", "body"), {"content_type": "text/plain"}),
    ("trace", ("/trace/",), {}),
    ("generic", ("PROPFIND", "/dav/", b"<xml/>", "application/xml"), {}),
]


@pytest.mark.parametrize("method,args,kwargs", CALLS)
def test_factory_matches_django(method, args, kwargs):
    # Deep copies: an uploaded file is consumed by the first side to encode it.
    ours = getattr(RequestFactory(), method)(
        *copy.deepcopy(args), **copy.deepcopy(kwargs)
    )
    theirs = getattr(django.test.RequestFactory(), method)(*args, **kwargs)
    assert snapshot(ours) == snapshot(theirs)


def test_factory_defaults_matches_django():
    kwargs = {
        "headers": {"X-Default": "d"},
        "query_params": {"q": "1"},
        "HTTP_X_OTHER": "o",
    }
    ours = RequestFactory(**kwargs).get("/d/")
    theirs = django.test.RequestFactory(**kwargs).get("/d/")
    assert snapshot(ours) == snapshot(theirs)


def test_json_encoder_types_match_django():
    data = {
        "dt": datetime.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        "naive": datetime.datetime(2024, 1, 2, 3, 4, 5),
        "date": datetime.date(2024, 1, 2),
        "time": datetime.time(1, 2, 3, 456789),
        "delta": datetime.timedelta(days=-1, seconds=5, microseconds=7),
        "dec": decimal.Decimal("1.10"),
        "uuid": uuid.UUID(int=5),
    }
    ours = RequestFactory().post("/", data, content_type="application/json")
    theirs = django.test.RequestFactory().post(
        "/", data, content_type="application/json"
    )
    assert ours.body == theirs.body


@pytest.mark.parametrize(
    "call",
    [
        lambda rf: rf.post("/", {"a": None}),
        lambda rf: rf.get("/", {"a": None}),
        lambda rf: rf.get("/", {"a": ["x", None]}),
        lambda rf: rf.get("/", {"a": "1"}, query_params={"b": "2"}),
        lambda rf: rf.post("/", {"a": object()}, content_type="application/json"),
    ],
    ids=["multipart-none", "query-none", "query-list-none", "data-and-query", "json"],
)
def test_errors_match_django(call):
    outcomes = []
    for rf in (RequestFactory(), django.test.RequestFactory()):
        with pytest.raises(Exception) as info:
            call(rf)
        outcomes.append((type(info.value).__name__, str(info.value)))
    assert outcomes[0] == outcomes[1]


def test_multipart_body_bytes_match_django():
    data = {"a": "1", "b": ["x", named_file("f.txt", b"content")], "é": "ü"}
    ours = RequestFactory().post(
        "/", dict(data, b=["x", named_file("f.txt", b"content")])
    )
    theirs = django.test.RequestFactory().post("/", data)
    assert ours.body == theirs.body
    assert ours.META["CONTENT_TYPE"] == MULTIPART_CONTENT
    assert f"boundary={BOUNDARY}" in MULTIPART_CONTENT


def test_cookies_sent():
    rf = RequestFactory()
    rf.cookies["b"] = "2"
    rf.cookies["a"] = "1 space"
    request = rf.get("/")
    assert request.META["HTTP_COOKIE"] == 'a="1 space"; b=2'
    assert request.COOKIES == {"a": "1 space", "b": "2"}


class TestFakePayload:
    def test_read_within_length(self):
        payload = FakePayload(b"hello world")
        assert len(payload) == 11
        assert payload.read(5) == b"hello"
        assert payload.readline() == b" world"
        assert payload.read() == b""

    def test_read_past_length_fails(self):
        payload = FakePayload(b"abc")
        with pytest.raises(AssertionError, match="Cannot read more"):
            payload.read(4)

    def test_write_after_read_fails(self):
        payload = FakePayload(b"abc")
        payload.read(1)
        with pytest.raises(ValueError):
            payload.write(b"more")
