"""fastdj.utils.{http,encoding,datastructures}, differentially against Django."""

import pytest
from django.utils import datastructures as dj_ds
from django.utils import encoding as dj_enc
from django.utils import http as dj_http
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.utils import datastructures as ds
from fastdj.utils import encoding as enc
from fastdj.utils import http

from .conftest import outcome

URLS = [
    "/plain/path",
    "/I ♥ Django/",
    "/a b?c=d&e=f#frag",
    '/"<>\\^`{|}',
    "/%20already%2Fescaped",
    "/%E2%99%A5",
    "/%ff%fe",
    "/%",
    "/%zz",
    "/%41%62%2d",
    "http://example.com/é?q=♥",
    "\x00\x1f\x7f",
    "",
]


@pytest.mark.parametrize("value", URLS)
def test_encoding_helpers_match_django(value):
    for name in ("iri_to_uri", "uri_to_iri", "escape_uri_path", "filepath_to_uri"):
        assert outcome(getattr(enc, name), value) == outcome(
            getattr(dj_enc, name), value
        )
    raw = value.encode()
    assert enc.repercent_broken_unicode(raw) == dj_enc.repercent_broken_unicode(raw)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=30))
def test_repercent_and_uri_to_iri_hypothesis(raw):
    assert enc.repercent_broken_unicode(raw) == dj_enc.repercent_broken_unicode(raw)
    text = raw.decode("latin-1")
    assert outcome(enc.uri_to_iri, text) == outcome(dj_enc.uri_to_iri, text)
    assert outcome(enc.iri_to_uri, text) == outcome(dj_enc.iri_to_uri, text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_iri_to_uri_hypothesis(text):
    assert outcome(enc.iri_to_uri, text) == outcome(dj_enc.iri_to_uri, text)
    assert outcome(enc.escape_uri_path, text) == outcome(dj_enc.escape_uri_path, text)


def test_force_str_and_bytes_match_django():
    for value in ("s", b"caf\xc3\xa9", 1, None, 1.5, memoryview(b"m")):
        assert outcome(enc.force_str, value) == outcome(dj_enc.force_str, value)
        assert outcome(enc.force_bytes, value) == outcome(dj_enc.force_bytes, value)
    assert enc.force_str(None, strings_only=True) is None
    assert enc.force_bytes(b"\xc3\xa9", encoding="latin-1") == b"\xe9"
    with pytest.raises(UnicodeDecodeError):
        enc.force_str(b"\xff")
    assert enc.punycode("bücher.de") == dj_enc.punycode("bücher.de")


@pytest.mark.parametrize(
    "query, doseq",
    [
        ({"a": "1", "b": "é"}, False),
        ([("a", "1"), ("a", "2")], False),
        ({"a": ["1", "2"]}, True),
        ({"a": ["1", "2"]}, False),
        ({"a": ("x", "y")}, True),
        ({"a": None}, False),
        ({"a": ["1", None]}, True),
        ({"a": 3, "b": b"\xff"}, True),
    ],
)
def test_urlencode_matches_django(query, doseq):
    assert outcome(http.urlencode, query, doseq) == outcome(
        dj_http.urlencode, query, doseq
    )
    mv_ours = ds.MultiValueDict({"a": ["1", "2"]})
    mv_theirs = dj_ds.MultiValueDict({"a": ["1", "2"]})
    assert http.urlencode(mv_ours, doseq=True) == dj_http.urlencode(
        mv_theirs, doseq=True
    )


@pytest.mark.parametrize(
    "date",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sunday, 06-Nov-70 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "garbage",
        "Sun, 06 Xyz 1994 08:49:37 GMT",
    ],
)
def test_http_dates_match_django(date):
    assert outcome(http.parse_http_date, date) == outcome(dj_http.parse_http_date, date)
    assert http.parse_http_date_safe(date) == dj_http.parse_http_date_safe(date)


def test_http_date():
    assert http.http_date(0) == dj_http.http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert http.http_date(1e9) == dj_http.http_date(1e9)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "text/html",
        " TEXT/HTML ",
        "text/html; charset=UTF-8",
        'multipart/form-data; boundary="a;b"',
        "text/plain; charset*=UTF-8''caf%C3%A9",
        "text/plain; charset*=bogus''x",
        "a/b; k=v; ; =x; k2",
        'form-data; name="f"; filename="C:\\\\x.txt"',
    ],
)
def test_parse_header_parameters_matches_django(line):
    assert outcome(http.parse_header_parameters, line) == outcome(
        dj_http.parse_header_parameters, line
    )


@pytest.mark.parametrize(
    "url, hosts, https",
    [
        ("/ok", None, False),
        ("//evil.com", {"good.com"}, False),
        ("http://good.com/x", {"good.com"}, False),
        ("http://good.com/x", {"good.com"}, True),
        ("https://good.com/x", "good.com", True),
        ("javascript:alert(1)", None, False),
        ("\\\\evil.com", None, False),
        ("///evil.com", None, False),
        ("http:///evil", None, False),
        ("\x08//evil", None, False),
        ("", None, False),
        (None, None, False),
        ("http://[::1", None, False),
    ],
)
def test_url_has_allowed_host_and_scheme_matches_django(url, hosts, https):
    assert http.url_has_allowed_host_and_scheme(
        url, hosts, https
    ) == dj_http.url_has_allowed_host_and_scheme(url, hosts, https)


def test_misc_http_helpers_match_django():
    for url in ("//evil.com/x", "/ok", "///x"):
        assert http.escape_leading_slashes(url) == dj_http.escape_leading_slashes(url)
    for host, pattern in [
        ("example.com", ".example.com"),
        ("a.example.com", ".example.com"),
        ("badexample.com", ".example.com"),
        ("example.com", "EXAMPLE.com"),
        ("example.com", ""),
    ]:
        assert http.is_same_domain(host, pattern) == dj_http.is_same_domain(
            host, pattern
        )
    for etags in ('"a", W/"b", c', "*", ""):
        assert http.parse_etags(etags) == dj_http.parse_etags(etags)
    for etag in ("abc", '"abc"', 'W/"abc"'):
        assert http.quote_etag(etag) == dj_http.quote_etag(etag)
    for n in (0, 35, 36, 123456789):
        assert http.int_to_base36(n) == dj_http.int_to_base36(n)
        assert http.base36_to_int(http.int_to_base36(n)) == n
    assert http.urlsafe_base64_encode(b"\xff\xfe") == dj_http.urlsafe_base64_encode(
        b"\xff\xfe"
    )
    assert http.urlsafe_base64_decode("__4") == b"\xff\xfe"
    with pytest.raises(ValueError):
        http.urlsafe_base64_decode("a")
    for args in [
        (False, "x.txt"),
        (True, "x.txt"),
        (True, ""),
        (False, ""),
        (True, "é ♥.pdf"),
    ]:
        assert http.content_disposition_header(
            *args
        ) == dj_http.content_disposition_header(*args)


def test_case_insensitive_mapping_matches_django():
    data = {"Accept": "json", "content-type": "text"}
    ours, theirs = ds.CaseInsensitiveMapping(data), dj_ds.CaseInsensitiveMapping(data)
    assert ours["ACCEPT"] == theirs["ACCEPT"]
    assert list(ours) == list(theirs)
    assert repr(ours) == repr(theirs)
    assert ours == {"accept": "json", "Content-Type": "text"}
    assert ours != {"accept": "other"}
    assert "CONTENT-TYPE" in ours and 1 not in ours
    assert ours.copy() is ours
    for bad in ([("a", 1, 2)], [(1, "a")]):
        assert outcome(ds.CaseInsensitiveMapping, bad) == outcome(
            dj_ds.CaseInsensitiveMapping, bad
        )


def test_immutable_list_and_ordered_set():
    lst = ds.ImmutableList([1, 2], warning="nope")
    for op in (
        lambda: lst.append(3),
        lambda: lst.__setitem__(0, 1),
        lambda: lst.sort(),
    ):
        with pytest.raises(AttributeError, match="nope"):
            op()
    assert lst == (1, 2)
    s = ds.OrderedSet([3, 1, 3])
    s.add(2)
    s.discard(9)
    assert list(s) == [3, 1, 2] and len(s) == 3 and 1 in s
    assert list(reversed(s)) == [2, 1, 3]
    assert repr(s) == repr(dj_ds.OrderedSet([3, 1, 2]))
