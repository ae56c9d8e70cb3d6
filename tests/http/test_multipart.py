"""multipart/form-data parsing, differentially against Django, and its limits."""

import base64
import os

import pytest
from django.test.utils import override_settings as dj_override
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from fastdj.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from fastdj.core.files.uploadhandler import FileUploadHandler, StopUpload
from fastdj.http import UnreadablePostError
from fastdj.http.multipartparser import MultiPartParser, MultiPartParserError
from fastdj.http.request import WSGIRequest
from fastdj.test.utils import override_settings

from .conftest import make_environ, outcome, twin_requests

BOUNDARY = "BoUnDaRy-123"
CT = f"multipart/form-data; boundary={BOUNDARY}"


def part(headers, content):
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("utf-8")
    return b"--" + BOUNDARY.encode() + b"\r\n" + head + b"\r\n" + content + b"\r\n"


def field(name, value, **extra):
    value = value.encode() if isinstance(value, str) else value
    return part({"Content-Disposition": f'form-data; name="{name}"', **extra}, value)


def file_part(
    name, filename, content, content_type="application/octet-stream", **extra
):
    return part(
        {
            "Content-Disposition": f'form-data; name="{name}"; filename="{filename}"',
            "Content-Type": content_type,
            **extra,
        },
        content,
    )


def body(*parts, close=True):
    out = b"".join(parts)
    if close:
        out += b"--" + BOUNDARY.encode() + b"--\r\n"
    return out


def describe_files(files):
    out = []
    for key, objs in files.lists():
        for f in objs:
            out.append(
                (
                    key,
                    type(f).__name__,
                    f.name,
                    f.content_type,
                    f.charset,
                    f.content_type_extra,
                    f.size,
                    f.read(),
                )
            )
    return out


def parse_both(data, content_type=CT, **kwargs):
    ours, theirs = twin_requests(
        method="POST", body=data, content_type=content_type, **kwargs
    )

    def result(request):
        return list(request.POST.lists()), describe_files(request.FILES)

    return outcome(result, ours), outcome(result, theirs)


BODIES = [
    body(field("a", "1")),
    body(field("a", "1"), field("a", "2"), field("b", "♥")),
    body(field("empty", "")),
    body(field("crlf", "line1\r\nline2\r\n")),
    body(field("bin", b"\x00\xff--BoUnDaRy-12\r\n--")),
    body(field("latin", "é".encode("latin-1"))),
    body(file_part("f", "hello.txt", b"hello world", "text/plain")),
    body(file_part("f", "a.txt", b"A"), file_part("f", "b.txt", b"B"), field("x", "y")),
    body(file_part("f", "../../etc/passwd", b"x")),
    body(file_part("f", "C:\\dir\\win.txt", b"x")),
    body(file_part("f", "caf\u00e9 &amp; \u2665.txt", "é".encode())),
    body(file_part("f", "", b"no filename")),
    body(file_part("f", "..", b"dotdot")),
    body(file_part("f", "t.txt", b"x", "text/plain; charset=latin-1")),
    body(file_part("f", "e.bin", b"")),
    body(
        file_part(
            "f",
            "b64.bin",
            base64.b64encode(b"\x00binary\xff" * 10),
            **{"Content-Transfer-Encoding": "base64"},
        )
    ),
    body(
        field(
            "b64", base64.b64encode(b"field"), **{"Content-Transfer-Encoding": "base64"}
        )
    ),
    body(field("badb64", b"!!!", **{"Content-Transfer-Encoding": "base64"})),
    body(part({"X-No-Disposition": "1"}, b"skipped"), field("a", "1")),
    body(part({"Content-Disposition": "form-data"}, b"no name"), field("a", "1")),
    body(part({}, b"no headers"), field("a", "1")),
    b"preamble\r\n" + body(field("a", "1")) + b"epilogue",
    body(),
    body(field("a", "1")) + b"trailing junk after the close",
    body(part({"content-disposition": 'FORM-DATA; NAME="upper"'}, b"v")),
    body(part({"Content-Disposition": "form-data; name*=UTF-8''%E2%99%A5"}, b"v")),
]


@pytest.mark.parametrize("data", BODIES, ids=range(len(BODIES)))
def test_multipart_matches_django(data):
    ours, theirs = parse_both(data)
    assert ours == theirs
    assert ours[0] == "ok"


def test_multipart_empty_and_bad_content_types_match_django():
    data = body(field("a", "1"))
    for ct in (
        "multipart/form-data",
        "multipart/form-data; boundary=",
        'multipart/form-data; boundary="' + "x" * 300 + '"',
        "multipart/form-data; boundary=bad\x01char",
    ):
        assert parse_both(data, content_type=ct) == (
            ("raise", "MultiPartParserError"),
            ("raise", "MultiPartParserError"),
        )
    assert parse_both(b"", content_length=0) == (("ok", ([], [])), ("ok", ([], [])))


def test_multipart_parser_error_is_bad_request():
    assert issubclass(MultiPartParserError, BadRequest)


@pytest.mark.parametrize(
    "data",
    [
        body(field("a", "1"), close=False),
        body(field("a", "1"))[:-20],
        b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: form-data; name=",
        b"--" + BOUNDARY.encode(),
        b"no boundary anywhere",
        body(file_part("f", "x.bin", b"x" * 100000))[:50000],
    ],
)
def test_truncated_multipart_is_an_error(data):
    # Django accepts a body that stops before its closing boundary (dropping
    # or cutting the last part); fastdj refuses it.
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    with pytest.raises(MultiPartParserError):
        _ = request.POST
    # Error pages may look at POST/FILES again: they are empty, not re-parsed.
    assert request.POST == {} and request.FILES == {}


def test_lying_content_length_multipart():
    data = body(field("a", "1"))
    request = WSGIRequest(
        make_environ(
            method="POST", body=data, content_type=CT, content_length=len(data) + 100
        )
    )
    with pytest.raises(UnreadablePostError):
        _ = request.POST
    assert request.FILES == {}


def test_too_many_fields():
    data = body(*(field(f"f{i}", "v") for i in range(8)))
    with (
        override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5),
        dj_override(DATA_UPLOAD_MAX_NUMBER_FIELDS=5),
    ):
        assert parse_both(data) == (
            ("raise", "TooManyFieldsSent"),
            ("raise", "TooManyFieldsSent"),
        )
        request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
        with pytest.raises(TooManyFieldsSent):
            _ = request.POST
        # +2 as Django: 7 fields pass with a limit of 5.
        ok = body(*(field(f"f{i}", "v") for i in range(7)))
        assert parse_both(ok)[0][0] == "ok"


def test_too_many_files():
    data = body(*(file_part("f", f"{i}.txt", b"x") for i in range(4)))
    with (
        override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=3),
        dj_override(DATA_UPLOAD_MAX_NUMBER_FILES=3),
    ):
        assert parse_both(data) == (
            ("raise", "TooManyFilesSent"),
            ("raise", "TooManyFilesSent"),
        )
        request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
        with pytest.raises(TooManyFilesSent):
            _ = request.FILES


def test_fields_too_big():
    data = body(field("a", "x" * 50), field("b", "y" * 50))
    with (
        override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=80),
        dj_override(DATA_UPLOAD_MAX_MEMORY_SIZE=80),
    ):
        assert parse_both(data) == (
            ("raise", "RequestDataTooBig"),
            ("raise", "RequestDataTooBig"),
        )
        # Files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE.
        files = body(file_part("f", "big.bin", b"z" * 1000), field("a", "x"))
        ours, theirs = parse_both(files)
        assert ours == theirs and ours[0] == "ok"
        request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
        with pytest.raises(RequestDataTooBig):
            _ = request.POST


def test_large_file_is_spooled_to_temporary_file():
    content = os.urandom(200_000)
    data = body(field("a", "1"), file_part("f", "big.bin", content), field("b", "2"))
    with (
        override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1000),
        dj_override(FILE_UPLOAD_MAX_MEMORY_SIZE=1000),
    ):
        ours, theirs = parse_both(data)
        assert ours == theirs
        request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
        upload = request.FILES["f"]
        assert isinstance(upload, TemporaryUploadedFile)
        path = upload.temporary_file_path()
        assert os.path.exists(path)
        assert os.path.getsize(path) == len(content)
        assert upload.read() == content
        assert request.POST.getlist("a") == ["1"] and request.POST["b"] == "2"
        request.close()
        assert not os.path.exists(path)
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    small = request.FILES["f"]
    assert isinstance(small, InMemoryUploadedFile)
    assert small.size == len(content)
    assert small.field_name == "f"
    assert not small.multiple_chunks()
    assert b"".join(small.chunks()) == content


def test_multipart_after_body_was_read():
    data = body(field("a", "1"), file_part("f", "x.txt", b"x"))
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    assert request.body == data
    assert request.POST["a"] == "1"
    assert request.FILES["f"].read() == b"x"


def test_multipart_after_stream_was_read():
    data = body(field("a", "1"))
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    request.read(5)
    assert request.POST == {} and request.FILES == {}


def test_small_chunks_find_boundaries_split_across_reads():
    class TinyChunks(FileUploadHandler):
        chunk_size = 7

        def new_file(self, *args, **kwargs):
            super().new_file(*args, **kwargs)
            self.data = []

        def receive_data_chunk(self, raw_data, start):
            self.data.append(raw_data)

        def file_complete(self, file_size):
            return SimpleUploadedFile(self.file_name, b"".join(self.data))

    content = b"abc\r\n--BoUnDaRy-12 not quite\r\n-" * 20
    data = body(
        field("a", "x\r\n--Bo"), file_part("f", "x.txt", content), field("b", "2")
    )
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    request.upload_handlers = [TinyChunks(request)]
    assert request.POST.getlist("a") == ["x\r\n--Bo"]
    assert request.FILES["f"].read() == content
    assert request.POST["b"] == "2"
    with pytest.raises(AttributeError):
        request.upload_handlers = []


def test_stop_upload():
    class Stop(FileUploadHandler):
        def receive_data_chunk(self, raw_data, start):
            raise StopUpload(connection_reset=False)

        def file_complete(self, file_size):
            return None

    data = body(field("a", "1"), file_part("f", "x.txt", b"x"), field("b", "2"))
    request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
    request.upload_handlers = [Stop(request)]
    assert request.POST.getlist("a") == ["1"]
    assert "b" not in request.POST
    assert request.FILES == {}


def test_parser_requires_multipart_content_type():
    with pytest.raises(MultiPartParserError, match="Invalid Content-Type"):
        MultiPartParser({"CONTENT_TYPE": "text/plain"}, None, [], None)
    with pytest.raises(MultiPartParserError, match="non-ASCII"):
        MultiPartParser(
            {"CONTENT_TYPE": "multipart/form-data; boundary=é"}, None, [], None
        )
    with pytest.raises(MultiPartParserError, match="content length"):
        MultiPartParser({"CONTENT_TYPE": CT, "CONTENT_LENGTH": "-1"}, None, [], None)


names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters='"\r\n\\%'
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("field"), names, st.binary(max_size=40)),
            st.tuples(st.just("file"), names, st.binary(max_size=200)),
        ),
        max_size=6,
    )
)
def test_hypothesis_multipart_matches_django(items):
    parts = []
    for kind, name, content in items:
        if b"--" + BOUNDARY.encode() in content:
            continue
        if kind == "field":
            parts.append(field(name, content))
        else:
            parts.append(file_part(name, name + ".bin", content))
    ours, theirs = parse_both(body(*parts))
    assert ours == theirs


def _from_request_factory(method, *args, **kwargs):
    """Return (fastdj request, Django request) from a RequestFactory environ."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile as DjUpload
    from django.core.handlers.wsgi import WSGIRequest as DjWSGIRequest
    from django.test import RequestFactory

    data = kwargs.get("data")
    if isinstance(data, dict):
        kwargs["data"] = {
            k: DjUpload(v[0], v[1], v[2]) if isinstance(v, tuple) else v
            for k, v in data.items()
        }
    environ = getattr(RequestFactory(), method)(*args, **kwargs).environ
    payload = environ["wsgi.input"]
    raw = payload.read(int(environ.get("CONTENT_LENGTH") or 0))
    ours = dict(environ, **{"wsgi.input": io.BytesIO(raw)})
    theirs = dict(environ, **{"wsgi.input": io.BytesIO(raw)})
    return WSGIRequest(ours), DjWSGIRequest(theirs)


@pytest.mark.parametrize(
    "method, args, kwargs",
    [
        ("post", ("/f/",), {"data": {"a": "1", "b": ["x", "y"], "c": "é♥"}}),
        (
            "post",
            ("/f/",),
            {
                "data": {
                    "name": "n",
                    "doc": ("doc.txt", b"file body\r\n--x", "text/plain"),
                    "img": ("p.png", bytes(range(256)) * 40, "image/png"),
                }
            },
        ),
        (
            "post",
            ("/f/?q=1",),
            {"data": "a=1&b=2", "content_type": "application/x-www-form-urlencoded"},
        ),
        ("post", ("/f/",), {"data": {"k": "v"}, "content_type": "application/json"}),
        ("put", ("/f/",), {"data": "a=1"}),
        ("get", ("/f/",), {"data": {"a": ["1", "2"], "b": "é"}}),
    ],
)
def test_request_factory_requests_match_django(method, args, kwargs):
    ours, theirs = _from_request_factory(method, *args, **kwargs)
    assert list(ours.GET.lists()) == list(theirs.GET.lists())
    assert list(ours.POST.lists()) == list(theirs.POST.lists())
    assert describe_files(ours.FILES) == describe_files(theirs.FILES)
    assert (ours.content_type, ours.content_params) == (
        theirs.content_type,
        theirs.content_params,
    )


def test_upload_handlers_from_settings():
    data = body(file_part("f", "x.txt", b"small"))
    handlers = ["fastdj.core.files.uploadhandler.TemporaryFileUploadHandler"]
    with override_settings(FILE_UPLOAD_HANDLERS=handlers):
        request = WSGIRequest(make_environ(method="POST", body=data, content_type=CT))
        upload = request.FILES["f"]
        assert isinstance(upload, TemporaryUploadedFile)
        assert upload.read() == b"small"
        request.close()
