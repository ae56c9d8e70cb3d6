"""StreamingHttpResponse and FileResponse, differentially against Django."""

import io
import os
import tempfile

import django.http as dj
import pytest

import fastdj.http as fd

from .conftest import outcome


def test_streaming_response_matches_django():
    for module in (fd, dj):
        r = module.StreamingHttpResponse(iter(["a", b"b", 3]))
        assert r.streaming
        with pytest.raises(AttributeError, match="streaming_content"):
            _ = r.content
        with pytest.raises(AttributeError):
            _ = r.text
    ours = fd.StreamingHttpResponse(iter(["é", b"b"]), content_type="text/plain")
    theirs = dj.StreamingHttpResponse(iter(["é", b"b"]), content_type="text/plain")
    assert list(ours.items()) == list(theirs.items())
    assert list(ours) == list(theirs)
    assert repr(ours) == repr(theirs)


def test_streaming_getvalue_and_rewrap():
    r = fd.StreamingHttpResponse(["a", "b"])
    r.streaming_content = (chunk.upper() for chunk in r.streaming_content)
    assert r.getvalue() == b"AB"


def test_streaming_closes_source():
    class Source:
        closed = False

        def __iter__(self):
            return iter([b"x"])

        def close(self):
            self.closed = True

    source = Source()
    r = fd.StreamingHttpResponse(source)
    assert list(r) == [b"x"]
    r.close()
    assert source.closed


def test_streaming_async_content_is_flagged():
    async def agen():
        yield "x"

    r = fd.StreamingHttpResponse(agen())
    assert r.is_async
    with pytest.raises(TypeError, match="asynchronous"):
        iter(r)


def describe(r):
    return (
        r.status_code,
        sorted(r.items()),
        b"".join(r),
        r.file_to_stream is not None,
    )


@pytest.fixture
def text_file():
    fd_, path = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd_, "wb") as f:
        f.write(b"hello file " * 1000)
    yield path
    os.remove(path)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"as_attachment": True},
        {"filename": "report.csv"},
        {"filename": "caf\u00e9 \u2665.pdf", "as_attachment": True},
        {"filename": 'quo"te.txt'},
        {"content_type": "text/x-custom"},
        {"filename": "archive.tar.gz"},
        {"filename": "noext"},
    ],
)
def test_file_response_matches_django(text_file, kwargs):
    with open(text_file, "rb") as f1, open(text_file, "rb") as f2:
        ours, theirs = fd.FileResponse(f1, **kwargs), dj.FileResponse(f2, **kwargs)
        assert describe(ours) == describe(theirs)
        ours.close()
        theirs.close()
        assert f1.closed


@pytest.mark.parametrize(
    "make",
    [
        lambda: io.BytesIO(b"in memory"),
        lambda: _seek_later(io.BytesIO(b"0123456789"), 4),
        lambda: _Unseekable(b"stream data"),
        lambda: _NoTell(b"no tell"),
    ],
)
def test_file_response_filelikes_match_django(make):
    assert describe(fd.FileResponse(make())) == describe(dj.FileResponse(make()))


def test_file_response_non_file_content():
    ours, theirs = fd.FileResponse([b"a", b"b"]), dj.FileResponse([b"a", b"b"])
    assert describe(ours) == describe(theirs)
    assert ours.file_to_stream is None


def test_file_response_block_size(text_file):
    sizes = []
    for module in (fd, dj):
        with open(text_file, "rb") as f:
            r = module.FileResponse(f)
            r.block_size = 100
            sizes.append([len(c) for c in r])
    assert sizes[0] == sizes[1]
    assert sizes[0][0] == 100


def _seek_later(f, pos):
    f.seek(pos)
    return f


class _Unseekable(io.RawIOBase):
    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        return self._data.readinto(b)

    def seekable(self):
        return False


class _NoTell:
    def __init__(self, data):
        self._data = io.BytesIO(data)

    def read(self, n=-1):
        return self._data.read(n)

    def seek(self, *args):
        return self._data.seek(*args)


def test_outcome_helper_reports_exception_names():
    assert outcome(int, "x") == ("raise", "ValueError")
