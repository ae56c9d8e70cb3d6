"""fastdj.utils.html against django.utils.html."""

import datetime
import decimal
import warnings

import pytest
from django.core.exceptions import SuspiciousOperation as DjSuspiciousOperation
from django.utils import html as dj
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.core.exceptions import SuspiciousOperation
from fastdj.utils import html as fd
from fastdj.utils.safestring import SafeString, mark_safe

from .differential import Safe, assert_same

HOSTILE = [
    "",
    "plain",
    "<script>alert('x')</script>",
    "a & b \"c\" 'd' <e> &amp; &lt;",
    "ünïcödé — “quotes” ‘single’",
    "\x00\x01\x1f\u2028\u2029`=-;\\",
    "&&&&<<<>>>",
    Safe("<b>already safe</b> & done"),
    42,
    3.5,
    None,
    decimal.Decimal("1.10"),
    datetime.date(2020, 1, 2),
]


class Markup(str):
    """A minimal MarkupSafe-style safe string (has __html__, not SafeData)."""

    def __html__(self):
        return self


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_escape(value):
    assert_same(dj.escape, fd.escape, value)


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_conditional_escape(value):
    assert_same(dj.conditional_escape, fd.conditional_escape, value)


def test_conditional_escape_honours_dunder_html():
    value = Markup("<i>x</i>")
    assert fd.conditional_escape(value) is value
    assert fd.escape(value) == "&lt;i&gt;x&lt;/i&gt;"
    assert mark_safe(value) is value


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_escapejs(value):
    assert_same(dj.escapejs, fd.escapejs, value)


@given(st.text())
def test_escape_hypothesis(text):
    assert_same(dj.escape, fd.escape, text)
    assert_same(dj.escapejs, fd.escapejs, text)
    assert_same(dj.strip_spaces_between_tags, fd.strip_spaces_between_tags, text)
    assert_same(dj.avoid_wrapping, fd.avoid_wrapping, text)


@pytest.mark.parametrize(
    "fmt,args,kwargs",
    [
        ("<a href='{}'>{}</a>", ["/x?a=1&b=2", "<tag>"], {}),
        ("{0} {0} {1}", [Safe("<b>"), "<i>"], {}),
        ("<p class='{cls}'>{text}</p>", [], {"cls": 'a"b', "text": Safe("&amp;")}),
        ("{:>5}", [3], {}),
        ("{} {}", ["only one"], {}),
    ],
)
def test_format_html(fmt, args, kwargs):
    assert_same(dj.format_html, fd.format_html, fmt, *args, **kwargs)


def test_format_html_without_args_warns_and_formats():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fd.format_html("<b>{{}}</b>")
    assert result == "<b>{}</b>"
    assert isinstance(result, SafeString)
    assert caught and issubclass(caught[0].category, DeprecationWarning)


@pytest.mark.parametrize(
    "sep,fmt,items",
    [
        ("\n", "<li>{} {}</li>", [("a", "<b>"), ("c", Safe("<d>"))]),
        (Safe("<br>"), "{}", [("x&y",), ("z",)]),
        ("<sep>", "{name}={value}", [{"name": "k", "value": "<v>"}]),
        (", ", "{}", []),
    ],
)
def test_format_html_join(sep, fmt, items):
    from django.utils.safestring import mark_safe as dj_mark_safe

    def conv(mark):
        def c(v):
            return mark(v.text) if isinstance(v, Safe) else v

        out = []
        for item in items:
            if isinstance(item, dict):
                out.append({k: c(v) for k, v in item.items()})
            else:
                out.append(tuple(c(v) for v in item))
        return out

    dj_sep = dj_mark_safe(sep.text) if isinstance(sep, Safe) else sep
    fd_sep = mark_safe(sep.text) if isinstance(sep, Safe) else sep
    dj_result = dj.format_html_join(dj_sep, fmt, conv(dj_mark_safe))
    fd_result = fd.format_html_join(fd_sep, fmt, conv(mark_safe))
    assert fd_result == dj_result
    assert isinstance(fd_result, SafeString)


@pytest.mark.parametrize(
    "value,element_id",
    [
        ({"a": "</script><script>x</script>", "b": [1, 2.5, None, True]}, None),
        ("&<>", "my-id"),
        ({"when": datetime.datetime(2020, 1, 2, 3, 4, 5, 123456)}, 'id"<x>'),
        ([decimal.Decimal("1.5")], ""),
        ({1, 2}, None),
    ],
)
def test_json_script(value, element_id):
    assert_same(dj.json_script, fd.json_script, value, element_id)


LINES = [
    "",
    "one line",
    "a\nb",
    "para one\n\npara two\n\n\n\nthree",
    "cr\rlf\r\nmixed\n\r\n",
    "<b>x</b> & y\n\nz",
    Safe("<i>safe</i>\n\nnext"),
]


@pytest.mark.parametrize("value", LINES, ids=repr)
@pytest.mark.parametrize("autoescape", [False, True])
def test_linebreaks(value, autoescape):
    assert_same(dj.linebreaks, fd.linebreaks, value, autoescape)


STRIP = [
    "",
    "no tags",
    "<p>Hello <b>world</b></p>",
    "<a href='x'>link</a> &amp; &#39; &#x27;",
    "<<b>a</b>>",
    "<script>alert(1)</script>text",
    "a < b > c",
    "<!-- comment -->after",
    "<p>unclosed",
    "&lt;not a tag&gt;",
    "<br/><img src=x onerror=y>",
    "<" * 60 + "a" + ">" * 60,
    "<a" + "<" * 60 + "b" * 1000,
    "<x" * 30 + ">" * 30,
    1234,
]


@pytest.mark.parametrize("value", STRIP, ids=lambda v: repr(v)[:40])
def test_strip_tags(value):
    try:
        expected = dj.strip_tags(value)
    except DjSuspiciousOperation:
        with pytest.raises(SuspiciousOperation):
            fd.strip_tags(value)
        return
    assert fd.strip_tags(value) == expected


@given(st.text(alphabet="<>/ab &;#!-='\"p\n", max_size=60))
@settings(max_examples=300)
def test_strip_tags_hypothesis(text):
    try:
        expected = dj.strip_tags(text)
    except DjSuspiciousOperation:
        with pytest.raises(SuspiciousOperation):
            fd.strip_tags(text)
        return
    assert fd.strip_tags(text) == expected


@pytest.mark.parametrize(
    "value",
    ["<p> a </p>\n  <p>b</p>", ">  <", "no tags  here", "<a>\t\n<b>"],
)
def test_strip_spaces_between_tags(value):
    assert_same(dj.strip_spaces_between_tags, fd.strip_spaces_between_tags, value)


URLS = [
    "http://example.com",
    "http://example.com/path with spaces/?q=a b&c=d%20e#frag ment",
    "https://www.example.com/%7Euser/~other",
    "http://[::1]:8000/x",
    "http://[invalid/x",
    "http://ünïcode.example/päth?ä=ö",
    "http://example.com/?a=%26&b=%3D",
    "http://example.com/?q=",
    "www.example.com",
    "",
]


@pytest.mark.parametrize("url", URLS)
def test_smart_urlquote(url):
    assert_same(dj.smart_urlquote, fd.smart_urlquote, url)


URLIZE = [
    "",
    "no links here",
    "Visit http://example.com.",
    "Visit https://example.com/path?x=1&y=2, then stop",
    "www.example.com and example.org and example.co.uk",
    "(see http://example.com/foo_(bar))",
    "[http://example.com]",
    "((http://example.com))",
    "email me: foo@example.com; or bar@baz",
    "mailto-ish user+tag@sub.example.museum!",
    '"http://quoted.com" <http://angle.com>',
    "http://example.com/&amp; and &lt;http://x.com&gt;",
    "http://example.com/a;b;; text&amp;;",
    "http://example.com/?a=&quot;;",
    "https://" + "a" * 2100 + ".com",
    "http://ex.com/" + "p" * 30,
    "foo@[127.0.0.1] bar@[::1] baz@[999.1.1.1]",
    "a.b@c.d.e.f.com",
    "'single' http://x.com/'quoted'",
    "http://例え.テスト/パス",
    "javascript:alert(1) ftp://files.example.com",
    "foo@localhost",
    "HTTP://EXAMPLE.COM WWW.EXAMPLE.NET",
    "http://example.com:8080/x.",
    "trailing...dots.com...",
    "<b>http://tag.com</b>",
    "x:y@example.com",
    "word.word word.net/path/",
    "::: ... @@@",
    # Inputs from Django's urlize regression tests.
    "http://example.com/?x=&y=",
    Safe("http://example.com?x=&amp;y=&lt;2&gt;"),
    "http://example.com/?x=&amp;y=&lt;2&gt;",
    "Email me at <me@example.com>",
    'www.server.com"abc',
    "www.server.com'abc www.server.com<abc www.server.com>abc",
    "some.organization",
    "http://hi.baidu.com/%E9%87%8D%E6%96%B0%E5%BC%80%E5%A7%8B",
    "www.mystore.com/30%OffCoupons!",
    "https://en.wikipedia.org/wiki/Café",
    "(see https://en.wikipedia.org/wiki/Django_(web_framework))",
    "http://ça.ws www.ça.ws ça.org info@ça.org",
    "http:///www.google.com http://.google.com http://@foo.com",
    "usa.gov email@.stream.ru HTTPS://github.com/",
    "(Go to http://www.example.com/foo.)",
    'A test http://testing.com/example.,:;)"!',
    "http://example.com?x=&amp;;;",
    "see test[at[example.com",
    "[http://168.192.0.1](http://168.192.0.1)",
    "<https://www.example.org/> 'https://www.example.org/'",
    "http://[2001:db8:cafe::2]/api/9",
    'Email us at "hi@example.com", or phone us at +xx.yy',
    "Go to djangoproject.com! and enjoy.",
    "foo@bar.com?subject=x a@b.c..",
    Safe("safe http://example.com/?a=1&amp;b=2 <b>tag</b>"),
    Safe("<i>not a link</i>"),
]


@pytest.mark.parametrize("text", URLIZE, ids=lambda v: repr(v)[:40])
@pytest.mark.parametrize("autoescape", [False, True])
@pytest.mark.parametrize("nofollow", [False, True])
@pytest.mark.parametrize("limit", [None, 0, 1, 10, 15])
def test_urlize(text, autoescape, nofollow, limit):
    assert_same(
        dj.urlize,
        fd.urlize,
        text,
        trim_url_limit=limit,
        nofollow=nofollow,
        autoescape=autoescape,
    )


@given(
    st.lists(
        st.sampled_from(
            [
                "http://",
                "https://",
                "www.",
                "example",
                ".com",
                ".org",
                "@",
                "(",
                ")",
                "[",
                "]",
                ".",
                ",",
                ";",
                ":",
                "!",
                "&amp;",
                "&lt;",
                "&",
                "<",
                ">",
                '"',
                "'",
                " ",
                "\n",
                "/",
                "?q=1",
                "#f",
                "ü",
                "a",
                "_",
                "-",
                "%20",
                "[::1]",
            ]
        ),
        max_size=14,
    ).map("".join),
    st.booleans(),
    st.sampled_from([None, 1, 5, 20]),
)
@settings(max_examples=400)
def test_urlize_hypothesis(text, autoescape, limit):
    assert_same(
        dj.urlize,
        fd.urlize,
        text,
        trim_url_limit=limit,
        nofollow=True,
        autoescape=autoescape,
    )


@given(st.text(max_size=40))
def test_urlize_arbitrary_text(text):
    assert_same(dj.urlize, fd.urlize, text, autoescape=True)


def test_html_safe():
    @fd.html_safe
    class Thing:
        def __str__(self):
            return "<b>thing</b>"

    thing = Thing()
    assert isinstance(str(thing), SafeString)
    assert thing.__html__() == "<b>thing</b>"
    assert fd.conditional_escape(thing) == "<b>thing</b>"


@pytest.mark.parametrize("body", ["__html__", "nostr"])
def test_html_safe_rejects(body):
    ns = {"__html__": lambda self: ""} if body == "__html__" else {}
    if body == "__html__":
        ns["__str__"] = lambda self: ""
    dj_cls = type("K", (), dict(ns))
    fd_cls = type("K", (), dict(ns))
    with pytest.raises(ValueError) as dj_exc:
        dj.html_safe(dj_cls)
    with pytest.raises(ValueError) as fd_exc:
        fd.html_safe(fd_cls)
    assert str(fd_exc.value) == str(dj_exc.value)
