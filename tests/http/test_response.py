"""HttpResponse and friends, differentially against Django where it is Django's."""

import json

import django.http as dj
import pytest
from django.core.exceptions import DisallowedRedirect as DjDisallowedRedirect

import fastdj.http as fd
from fastdj.core.exceptions import DisallowedRedirect
from fastdj.core.serializers.json import DjangoJSONEncoder
from fastdj.core.signals import request_finished
from fastdj.http import HttpResponse, JsonResponse
from fastdj.http.response import BadHeaderError
from fastdj.test.utils import override_settings

from .conftest import outcome


def pair(name, *args, **kwargs):
    return (
        outcome(getattr(fd, name), *args, **kwargs),
        outcome(getattr(dj, name), *args, **kwargs),
    )


def snapshot(response):
    return (
        response.status_code,
        response.reason_phrase,
        response.charset,
        list(response.items()),
        response.content if not response.streaming else b"".join(response),
    )


CONTENT_CASES = [
    ((), {}),
    (("text",), {}),
    (("héllo",), {}),
    ((b"bytes",), {}),
    ((memoryview(b"view"),), {}),
    ((["a", b"b", 3],), {}),
    ((iter(["x", "y"]),), {}),
    ((12345,), {}),
    (("héllo",), {"charset": "latin-1"}),
    (("héllo",), {"content_type": "text/plain; charset=iso-8859-1"}),
    (("héllo",), {"content_type": 'text/plain; CHARSET="utf-16"'}),
    (("x",), {"content_type": "application/json"}),
    (("x",), {"status": 201}),
    (("x",), {"status": "404"}),
    (("x",), {"status": 599, "reason": "Custom"}),
    (("x",), {"status": 299}),
    (("x",), {"status": 99}),
    (("x",), {"status": 600}),
    (("x",), {"status": "abc"}),
    (("x",), {"status": None}),
    (("x",), {"headers": {"X-Foo": "bar", "x-foo": "baz"}}),
    (("x",), {"headers": {"Content-Type": "text/csv"}}),
    (("x",), {"headers": {"Content-Type": "text/csv"}, "content_type": "a/b"}),
    (("x",), {"headers": [("X-A", "1"), ("X-B", b"2"), ("X-C", 3)]}),
    (("x",), {"headers": [("X-A",)]}),
]


@pytest.mark.parametrize("args, kwargs", CONTENT_CASES)
def test_httpresponse_matches_django(args, kwargs):
    # Iterators are consumed: build one per side.
    def build(module):
        a = tuple(
            iter(list(x)) if type(x).__name__ == "list_iterator" else x for x in args
        )
        return outcome(lambda: snapshot(module.HttpResponse(*a, **kwargs)))

    if args and type(args[0]).__name__ == "list_iterator":
        items = list(args[0])
        ours = outcome(lambda: snapshot(fd.HttpResponse(iter(items), **kwargs)))
        theirs = outcome(lambda: snapshot(dj.HttpResponse(iter(items), **kwargs)))
    else:
        ours, theirs = build(fd), build(dj)
    assert ours == theirs


HEADER_VALUES = [
    "plain",
    "latin-1 é",
    "unicode ♥",
    b"bytes",
    b"\xe9",
    42,
    "a\nb",
    "a\rb",
    "a\r\nSet-Cookie: x=1",
    b"a\nb",
    "♥\n",
    "",
]


@pytest.mark.parametrize("value", HEADER_VALUES)
def test_header_value_coercion_matches_django(value):
    def set_header(module):
        r = module.HttpResponse()
        r["X-Test"] = value
        return r["X-Test"]

    ours, theirs = outcome(set_header, fd), outcome(set_header, dj)
    if theirs[0] == "raise":
        assert theirs[1] == "BadHeaderError"
        assert ours == ("raise", "BadHeaderError")
    else:
        assert ours == theirs


@pytest.mark.parametrize(
    "name", ["X-Ok", "Bad\nName", "Bad\rName", "Non-ASCII-é", b"X-Bytes"]
)
def test_header_name_matches_django(name):
    def set_header(module):
        r = module.HttpResponse()
        r[name] = "v"
        return list(r.items())

    assert outcome(set_header, fd) == outcome(set_header, dj)


def test_crlf_injection_refused():
    response = fd.HttpResponse()
    with pytest.raises(BadHeaderError):
        response["Location"] = "/x\r\nSet-Cookie: evil=1"
    with pytest.raises(BadHeaderError):
        fd.HttpResponse(headers={"X-A": "ok\nX-B: injected"})
    # A redirect target is IRI-encoded first: CR/LF become %0D%0A, harmless.
    assert fd.HttpResponseRedirect("/x\r\nX-Evil: 1").url == "/x%0D%0AX-Evil:%201"
    assert issubclass(BadHeaderError, ValueError)
    assert "Location" not in response


def test_headers_case_insensitive_api():
    r = fd.HttpResponse()
    r["X-Thing"] = "1"
    assert r["x-thing"] == "1"
    assert r.has_header("X-THING")
    assert "x-THING" in r
    assert r.get("missing", "alt") == "alt"
    r.setdefault("x-thing", "2")
    r.setdefault("X-Other", "3")
    assert r["X-Thing"] == "1"
    assert r["x-other"] == "3"
    del r["X-THING"]
    assert not r.has_header("x-thing")
    del r["never-set"]  # as Django: deleting a missing header is fine
    assert r.headers == {"content-type": "text/html; charset=utf-8", "X-OTHER": "3"}


def test_content_and_file_like_api_matches_django():
    def use(module):
        r = module.HttpResponse("a")
        r.write("b")
        r.writelines([b"c", "d"])
        return (r.content, r.tell(), r.getvalue(), r.writable(), r.text, list(r))

    assert use(fd) == use(dj)


def test_wsgi_status_and_headers():
    r = fd.HttpResponse(status=404)
    assert r.wsgi_status() == "404 Not Found"
    r.status_code = 418
    assert r.wsgi_status() == "418 I'm a Teapot" or r.wsgi_status().startswith("418 ")
    r = fd.HttpResponse(status=299)
    assert r.wsgi_status() == "299 Unknown Status Code"
    r.reason_phrase = "Fine"
    assert r.wsgi_status() == "299 Fine"
    assert fd.HttpResponse().wsgi_headers() == [
        ("Content-Type", "text/html; charset=utf-8")
    ]


def test_wsgi_status_matches_django_reason_phrases():
    for status in (
        200,
        201,
        204,
        301,
        302,
        304,
        400,
        403,
        404,
        405,
        410,
        418,
        500,
        503,
    ):
        theirs = dj.HttpResponse(status=status)
        assert fd.HttpResponse(status=status).wsgi_status() == (
            f"{theirs.status_code} {theirs.reason_phrase}"
        )


def test_close_runs_closers_and_sends_request_finished():
    calls = []

    def closer():
        calls.append("closer")

    def failing():
        raise RuntimeError("ignored")

    def receiver(sender, **kwargs):
        calls.append(("finished", sender))

    request_finished.connect(receiver)
    try:
        r = fd.HttpResponse()
        r._resource_closers.extend([failing, closer])
        r._handler_class = "H"
        r.close()
    finally:
        request_finished.disconnect(receiver)
    assert calls == ["closer", ("finished", "H")]
    assert r.closed
    assert r._resource_closers == []


def test_iterable_content_is_closed():
    class Closable:
        closed = False

        def __iter__(self):
            return iter([b"a", b"b"])

        def close(self):
            self.closed = True

    content = Closable()
    assert fd.HttpResponse(content).content == b"ab"
    assert content.closed


@pytest.mark.parametrize(
    "url",
    [
        "/path",
        "http://example.com/",
        "https://example.com/é?q=♥",
        "ftp://x/",
        "//example.com",
        "javascript:alert(1)",
        "data:text/html,x",
        "mailto:x@y",
        "/" + "a" * 20000,
    ],
)
@pytest.mark.parametrize(
    "name", ["HttpResponseRedirect", "HttpResponsePermanentRedirect"]
)
def test_redirects_match_django(name, url):
    def build(module):
        r = getattr(module, name)(url)
        return r.status_code, r.url, r["Location"], repr(r)

    ours, theirs = outcome(build, fd), outcome(build, dj)
    assert ours == theirs


def test_redirect_to_unparsable_url_is_disallowed():
    # Django lets urlsplit's ValueError escape (a 500); a bad redirect target
    # is the client's doing (a 400), so fastdj raises DisallowedRedirect.
    assert outcome(dj.HttpResponseRedirect, "http://[::1") == ("raise", "ValueError")
    with pytest.raises(DisallowedRedirect):
        fd.HttpResponseRedirect("http://[::1")


def test_redirect_preserve_request_and_exception_types():
    assert fd.HttpResponseRedirect("/x", preserve_request=True).status_code == 307
    assert fd.HttpResponsePermanentRedirect("/x", True).status_code == 308
    with pytest.raises(DisallowedRedirect):
        fd.HttpResponseRedirect("javascript:alert(1)")
    with pytest.raises(DjDisallowedRedirect):
        dj.HttpResponseRedirect("javascript:alert(1)")


def test_not_modified():
    for module in (fd, dj):
        r = module.HttpResponseNotModified()
        assert r.status_code == 304
        assert "Content-Type" not in r
        assert r.content == b""
        with pytest.raises(AttributeError):
            r.content = "x"
    assert fd.HttpResponseNotModified().wsgi_headers() == []


@pytest.mark.parametrize(
    "name, status",
    [
        ("HttpResponseBadRequest", 400),
        ("HttpResponseNotFound", 404),
        ("HttpResponseForbidden", 403),
        ("HttpResponseGone", 410),
        ("HttpResponseServerError", 500),
    ],
)
def test_status_subclasses(name, status):
    ours, theirs = getattr(fd, name)("body"), getattr(dj, name)("body")
    assert ours.status_code == theirs.status_code == status
    assert snapshot(ours) == snapshot(theirs)
    assert repr(ours) == repr(theirs)


def test_not_allowed():
    ours, theirs = (
        fd.HttpResponseNotAllowed(["GET", "POST"]),
        dj.HttpResponseNotAllowed(["GET", "POST"]),
    )
    assert ours["Allow"] == "GET, POST"
    assert snapshot(ours) == snapshot(theirs)
    assert repr(ours) == repr(theirs)


def test_http404_is_exception():
    assert issubclass(fd.Http404, Exception)
    with pytest.raises(fd.Http404):
        raise fd.Http404("nope")


@pytest.mark.parametrize(
    "data, kwargs",
    [
        ({"a": 1}, {}),
        ({"é": "♥"}, {}),
        ([1, 2], {}),
        ([1, 2], {"safe": False}),
        ("str", {"safe": False}),
        (None, {"safe": False}),
        ({"a": 1}, {"json_dumps_params": {"indent": 2, "sort_keys": True}}),
        ({"a": 1}, {"status": 201, "content_type": "application/vnd.api+json"}),
        ({"a": object()}, {}),
        ({"a": 1}, {"charset": "latin-1"}),
        ({"é": "ü"}, {"content_type": "application/json; charset=latin-1"}),
        ({"x": [1.5, float("nan"), float("inf"), True, None]}, {}),
        ({1: "int key", 2.5: "float key", None: "none", False: "bool"}, {}),
    ],
)
def test_jsonresponse_matches_django(data, kwargs):
    assert outcome(lambda: snapshot(fd.JsonResponse(data, **kwargs))) == outcome(
        lambda: snapshot(dj.JsonResponse(data, **kwargs))
    )


def test_json_encoder_matches_django():
    import datetime
    import decimal
    import uuid

    from django.core.serializers.json import DjangoJSONEncoder as DjEncoder

    from fastdj.core.serializers.json import DjangoJSONEncoder

    values = [
        datetime.datetime(2024, 1, 2, 3, 4, 5),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        datetime.datetime(
            2024,
            1,
            2,
            3,
            4,
            5,
            1,
            tzinfo=datetime.timezone(datetime.timedelta(hours=2)),
        ),
        datetime.date(2024, 2, 29),
        datetime.time(1, 2, 3),
        datetime.time(1, 2, 3, 456789),
        datetime.timedelta(days=1, hours=2, seconds=3),
        datetime.timedelta(microseconds=5),
        -datetime.timedelta(days=1, seconds=1),
        datetime.timedelta(0),
        decimal.Decimal("1.10"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
    ]
    for value in values:
        assert json.dumps(value, cls=DjangoJSONEncoder) == json.dumps(
            value, cls=DjEncoder
        )
    aware = datetime.time(1, tzinfo=datetime.timezone.utc)
    assert outcome(json.dumps, aware, cls=DjangoJSONEncoder) == outcome(
        json.dumps, aware, cls=DjEncoder
    )
    assert outcome(json.dumps, {1, 2}, cls=DjangoJSONEncoder) == ("raise", "TypeError")


def test_jsonresponse_safe_requires_dict():
    with pytest.raises(TypeError, match="safe parameter"):
        fd.JsonResponse([1])
    r = fd.JsonResponse({"a": 1})
    assert r["Content-Type"] == "application/json"
    assert json.loads(r.content) == {"a": 1}


def test_jsonresponse_of_values_the_encoder_knows_matches_django():
    import datetime
    import decimal

    data = {
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456),
        "price": decimal.Decimal("1.10"),
        "nested": [{"day": datetime.date(2024, 2, 29)}],
    }
    assert snapshot(fd.JsonResponse(data)) == snapshot(dj.JsonResponse(data))


@pytest.mark.parametrize("kind", ["dict", "list"])
def test_jsonresponse_circular_reference_raises_as_django(kind):
    # fastdj's shared encoder has no circular check: it must still raise
    # json.dumps' ValueError, not a RecursionError.
    data = {} if kind == "dict" else []
    if kind == "dict":
        data["self"] = data
    else:
        data.append(data)
    ours = outcome(fd.JsonResponse, data, safe=False)
    assert ours == outcome(dj.JsonResponse, data, safe=False)
    assert ours[0] == "raise" and ours[1] == "ValueError"


def test_jsonresponse_subclass_charset_property_is_used():
    class Utf16(fd.JsonResponse):
        @property
        def charset(self):
            return "utf-16"

    assert Utf16({"a": 1}).content == '{"a": 1}'.encode("utf-16")
    assert Utf16({"a": 1}, status=201).content == '{"a": 1}'.encode("utf-16")


def test_init_resets_what_a_subclass_set_before_it_as_django():
    def build(module):
        class Early(module.HttpResponse):
            def __init__(self, *args, **kwargs):
                self._charset = "latin-1"
                self.closed = True
                self._reason_phrase = "Early"
                super().__init__(*args, **kwargs)

        r = Early()
        return r.charset, r.closed, r.reason_phrase, r["Content-Type"]

    assert build(fd) == build(dj)


def test_default_content_type_uses_an_overridden_charset_property():
    def build(module):
        class Latin1(module.HttpResponse):
            @property
            def charset(self):
                return "latin-1"

        return Latin1("é")["Content-Type"], Latin1("é").content

    assert build(fd) == build(dj) == ("text/html; charset=latin-1", b"\xe9")


# -- the plain-value cache and JsonResponse's inline init ---------------------


@pytest.mark.parametrize("setter", ["response", "headers"])
def test_a_value_known_plain_does_not_let_others_through(setter):
    from fastdj.http.response import BadHeaderError

    response = HttpResponse()
    target = response if setter == "response" else response.headers
    target["X-A"] = "nosniff"
    target["X-A"] = "nosniff"  # now from the cache
    assert response["x-a"] == "nosniff"
    with pytest.raises(BadHeaderError):
        target["X-A"] = "nosniff\r\nX-Evil: 1"
    with pytest.raises(BadHeaderError):
        target["X-A"] = "nosniff\n"
    target["X-B"] = "caf\u00e9"
    assert response["X-B"] == "caf\u00e9"
    target["X-B"] = "\u20ac"
    assert response["X-B"].startswith("=?utf-8?")
    target["X-C"] = b"bytes"
    assert response["X-C"] == "bytes"
    target["X-D"] = 42
    assert response["X-D"] == "42"


def test_the_plain_value_cache_is_bounded():
    from fastdj.http import response as module

    for i in range(module._PLAIN_VALUES_MAX + 10):
        HttpResponse()["X-N"] = f"v{i}"
    assert len(module._plain_values) <= module._PLAIN_VALUES_MAX


def test_long_values_are_checked_but_not_kept():
    from fastdj.http import response as module

    value = "x" * (module._PLAIN_VALUE_MAX_LENGTH + 1)
    response = HttpResponse()
    response["X-Long"] = value
    assert response["X-Long"] == value
    assert value not in module._plain_values
    with pytest.raises(BadHeaderError):
        response["X-Long"] = value + "\n"


def test_a_str_subclass_value_is_converted_not_cached():
    from fastdj.http import response as module

    class Text(str):
        pass

    response = HttpResponse()
    response["X-S"] = Text("subclassed-value")
    assert response["X-S"] == "subclassed-value"
    assert not any(type(value) is not str for value in module._plain_values)


class _ViaHttpResponseInit(JsonResponse):
    def __init__(self, data):
        from fastdj.conf import settings

        content = json.dumps(data, cls=DjangoJSONEncoder).encode(
            settings.DEFAULT_CHARSET
        )
        HttpResponse.__init__(self, content, "application/json")


@pytest.mark.parametrize("data", [{"message": "Hello, World!"}, {"a": [1, 2.5, None]}])
def test_json_response_inline_init_matches_http_response_init(data):
    fast = JsonResponse(data)
    slow = _ViaHttpResponseInit(data)
    assert list(vars(fast)) == list(vars(slow))
    assert fast.headers._store == slow.headers._store
    assert fast.content == slow.content
    assert (fast.charset, fast._reason_phrase, fast.closed, fast.status_code) == (
        slow.charset,
        slow._reason_phrase,
        slow.closed,
        slow.status_code,
    )
    fast["Content-Type"] = "text/plain"
    assert slow["Content-Type"] == "application/json"


def test_json_response_uses_default_charset_setting():
    with override_settings(DEFAULT_CHARSET="utf-16"):
        response = JsonResponse({"k": "\u00e9"})
    assert response.content == '{"k": "\\u00e9"}'.encode("utf-16")


def test_json_response_subclass_with_its_own_content_property():
    class Upper(JsonResponse):
        @property
        def content(self):
            return b"".join(self._container).upper()

        @content.setter
        def content(self, value):
            self._container = [bytes(value)]

    response = Upper({"k": "v"})
    assert response.content == b'{"K": "V"}'


@pytest.mark.parametrize(
    "calls",
    [
        [("X-Seen", "1"), ("x-seen", "2"), ("X-SEEN", "3")],
        [("Content-Type", "text/plain"), ("X-New-Name", "v")],
        [(b"X-Bytes", "1"), ("x-bytes", "2")],
        [("X-Seen", "é"), ("X-Other", b"raw")],
        [("X-Bad\nName", "1")],
        [("X-Seen", "bad\nvalue")],
    ],
)
def test_headers_setdefault_same_as_django(calls):
    # "X-Seen" is made a known-valid name first: setdefault() then takes its
    # store key straight from that cache.
    fd.HttpResponse()["X-Seen"] = "warm"

    def run(module):
        response = module.HttpResponse()
        try:
            for key, value in calls:
                response.headers.setdefault(key, value)
        except Exception as exc:  # compared by type below
            return type(exc).__name__
        return list(response.items())

    assert run(fd) == run(dj)
