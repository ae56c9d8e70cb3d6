"""parse_cookie, differentially against Django, and Set-Cookie output."""

import datetime

import pytest
from django.http import HttpResponse as DjHttpResponse
from django.http import parse_cookie as dj_parse_cookie
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.http import HttpResponse, parse_cookie

from .conftest import outcome

COOKIES = [
    "",
    "a=1",
    "a=1; b=2",
    "a=1;b=2;",
    "  a = 1 ;  b=2  ",
    "nameless",
    "=value",
    "a=1; a=2",
    'q="quoted"',
    'q="esc\\"aped\\073x\\\\"',
    'q="unterminated',
    "a=b=c",
    ";;;",
    'keebler=E=mc2; L="Loves"; fudge=\\012;',
    "csrftoken=abc; sessionid=xyz; django_language=en",
    "a=\xe9\xff",
    "a=1\x00b",
    "  ",
    "=",
]


@pytest.mark.parametrize("cookie", COOKIES)
def test_parse_cookie_matches_django(cookie):
    assert parse_cookie(cookie) == dj_parse_cookie(cookie)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [";", "=", '"', "\\", " ", "\\0", "\\\\", '\\"', "a", "=="]
            ),
            st.text(max_size=5),
        ),
        max_size=20,
    ).map("".join)
)
def test_parse_cookie_hypothesis(cookie):
    assert parse_cookie(cookie) == dj_parse_cookie(cookie)


def set_cookie_headers(cls, *args, **kwargs):
    response = cls()
    response.set_cookie(*args, **kwargs)
    return [v for k, v in _cookie_items(response)]


def _cookie_items(response):
    return [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]


COOKIE_CASES = [
    (("a", "b"), {}),
    (("a", "with space; and semicolon"), {}),
    (("a", 'quote"d'), {}),
    (("a", "é"), {}),
    (("a",), {"path": "/sub/", "domain": ".example.com"}),
    (("a",), {"path": None}),
    (("a",), {"secure": True, "httponly": True}),
    (("a",), {"samesite": "Lax"}),
    (("a",), {"samesite": "strict"}),
    (("a",), {"samesite": "None", "secure": True}),
    (("a",), {"expires": "Thu, 01 Jan 2099 00:00:00 GMT"}),
    (("a",), {"max_age": 0}),
]


@pytest.mark.parametrize("args, kwargs", COOKIE_CASES)
def test_set_cookie_matches_django(args, kwargs):
    assert set_cookie_headers(HttpResponse, *args, **kwargs) == set_cookie_headers(
        DjHttpResponse, *args, **kwargs
    )


def test_set_cookie_max_age_sets_expires():
    response = HttpResponse()
    response.set_cookie("a", max_age=datetime.timedelta(hours=1))
    morsel = response.cookies["a"]
    assert morsel["max-age"] == 3600
    assert morsel["expires"].endswith("GMT")
    response.set_cookie("b", max_age=10.7)
    assert response.cookies["b"]["max-age"] == 10


@pytest.mark.parametrize(
    "now",
    [
        lambda: datetime.datetime.now(datetime.timezone.utc),
        # A naive datetime is taken as UTC, as in Django.
        lambda: datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None),
    ],
    ids=["aware", "naive"],
)
def test_set_cookie_expires_datetime(now):
    # Computed here, not at collection, so a long test run cannot age it.
    expires = now() + datetime.timedelta(hours=2)
    response = HttpResponse()
    response.set_cookie("a", expires=expires)
    assert 7195 <= response.cookies["a"]["max-age"] <= 7201
    dj = DjHttpResponse()
    dj.set_cookie("a", expires=expires)
    assert abs(dj.cookies["a"]["max-age"] - response.cookies["a"]["max-age"]) <= 1


def test_set_cookie_expires_and_max_age_conflict():
    expires = datetime.datetime.now(datetime.timezone.utc)
    with pytest.raises(ValueError, match="can't be used together"):
        HttpResponse().set_cookie("a", expires=expires, max_age=1)


def test_set_cookie_invalid_samesite():
    with pytest.raises(ValueError, match="samesite"):
        HttpResponse().set_cookie("a", samesite="bogus")


@pytest.mark.parametrize(
    "key, kwargs",
    [
        ("a", {}),
        ("__Secure-a", {}),
        ("__Host-a", {"path": "/x"}),
        ("a", {"samesite": "none", "domain": "example.com"}),
        ("a", {"samesite": "lax"}),
    ],
)
def test_delete_cookie_matches_django(key, kwargs):
    ours, theirs = HttpResponse(), DjHttpResponse()
    ours.delete_cookie(key, **kwargs)
    theirs.delete_cookie(key, **kwargs)
    assert _cookie_items(ours) == _cookie_items(theirs)


def test_wsgi_headers_include_one_set_cookie_per_cookie():
    responses = []
    for cls in (HttpResponse, DjHttpResponse):
        response = cls(headers={"X-A": "1"})
        response.set_cookie("a", "1")
        response.set_cookie("b", "2", httponly=True)
        responses.append(response)
    ours, theirs = responses
    headers = ours.wsgi_headers()
    # What Django's WSGIHandler passes to start_response().
    assert headers == [*theirs.items(), *_cookie_items(theirs)]
    assert headers[:2] == [("X-A", "1"), ("Content-Type", "text/html; charset=utf-8")]
    assert headers[2:] == [
        ("Set-Cookie", " a=1; Path=/"),
        ("Set-Cookie", " b=2; HttpOnly; Path=/"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    key=st.text(alphabet="abcXYZ09_-.!~", min_size=1, max_size=8),
    value=st.text(max_size=12),
    path=st.one_of(st.none(), st.text(alphabet="/abc", max_size=6)),
    secure=st.booleans(),
    httponly=st.booleans(),
    samesite=st.sampled_from([None, "Lax", "strict", "NONE"]),
)
def test_set_cookie_hypothesis(key, value, path, secure, httponly, samesite):
    kwargs = dict(path=path, secure=secure, httponly=httponly, samesite=samesite)
    assert outcome(set_cookie_headers, HttpResponse, key, value, **kwargs) == outcome(
        set_cookie_headers, DjHttpResponse, key, value, **kwargs
    )
