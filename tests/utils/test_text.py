"""fastdj.utils.text against django.utils.text."""

import pytest
from django.utils import text as dj
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.utils import text as fd

from .differential import assert_same

TEXTS = [
    "",
    "The quick brown fox jumped over the lazy dog.",
    "  leading and   multiple   spaces\nand\tnewlines\n",
    "Oübergrößenträger ünïcödé — words",
    "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301 combining accents",
    "short",
    "exactly10!",
    "a" * 50,
    "x…",
]

HTML = [
    "<p>The quick <b>brown</b> fox jumped over the <i>lazy</i> dog.</p>",
    "<p>one <br>two <br/>three<img src='x'> four five</p>",
    "<div><p>unclosed <b>tags everywhere here",
    "text &amp; entities &lt;b&gt; &#39;quoted&#39; here",
    "<a href='x'>link text that is long</a> after",
    "</b>stray end tag then words and words",
    "<p>Hello</p><p>World</p>",
    "<script>var x = '<b>';</script> body words",
    "<!-- comment --> words after comment here",
    "<p>12345</p>",
    "<p>\n  spaced\n  lines\n</p>",
    "<em>ünïcödé e\u0301 text</em>",
    "<p>exactly10!</p>",
    "",
    "plain text only no tags",
    "<br>" * 5 + "x",
]

LENGTHS = [0, 1, 2, 3, 5, 10, 11, 20, 100, -1, "7", "x"]
MARKERS = [None, "...", "", "[%(truncated_text)s]", "…"]


@pytest.mark.parametrize("text", TEXTS + HTML, ids=lambda v: repr(v)[:30])
@pytest.mark.parametrize("num", LENGTHS)
@pytest.mark.parametrize("truncate", MARKERS)
def test_truncator_chars(text, num, truncate):
    assert_same(
        lambda *a: dj.Truncator(text).chars(*a),
        lambda *a: fd.Truncator(text).chars(*a),
        num,
        truncate,
    )


@pytest.mark.parametrize("text", TEXTS + HTML, ids=lambda v: repr(v)[:30])
@pytest.mark.parametrize("num", LENGTHS)
@pytest.mark.parametrize("truncate", MARKERS)
def test_truncator_words(text, num, truncate):
    assert_same(
        lambda *a: dj.Truncator(text).words(*a),
        lambda *a: fd.Truncator(text).words(*a),
        num,
        truncate,
    )


@pytest.mark.parametrize("text", HTML + TEXTS, ids=lambda v: repr(v)[:30])
@pytest.mark.parametrize("num", [0, 1, 2, 3, 4, 5, 8, 10, 11, 12, 30])
@pytest.mark.parametrize("truncate", [None, " …", "..."])
def test_truncator_html(text, num, truncate):
    assert_same(
        lambda n, t: dj.Truncator(text).chars(n, t, html=True),
        lambda n, t: fd.Truncator(text).chars(n, t, html=True),
        num,
        truncate,
    )
    assert_same(
        lambda n, t: dj.Truncator(text).words(n, t, html=True),
        lambda n, t: fd.Truncator(text).words(n, t, html=True),
        num,
        truncate,
    )


_html_bits = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<br>",
        "<br/>",
        "<i class='x'>",
        "</i>",
        "word",
        " ",
        "\n",
        "&amp;",
        "&lt;",
        "é",
        "e\u0301",
        "longerword",
        "<img>",
        "</div>",
        "<",
        ">",
    ]
)


@given(st.lists(_html_bits, max_size=20).map("".join), st.integers(-1, 25))
@settings(max_examples=400)
def test_truncator_html_hypothesis(text, num):
    assert_same(
        lambda n: dj.Truncator(text).chars(n, html=True),
        lambda n: fd.Truncator(text).chars(n, html=True),
        num,
    )
    assert_same(
        lambda n: dj.Truncator(text).words(n, html=True, truncate=" …"),
        lambda n: fd.Truncator(text).words(n, html=True, truncate=" …"),
        num,
    )


@given(st.text(max_size=60), st.integers(-2, 40))
def test_truncator_text_hypothesis(text, num):
    assert_same(
        lambda n: dj.Truncator(text).chars(n),
        lambda n: fd.Truncator(text).chars(n),
        num,
    )
    assert_same(
        lambda n: dj.Truncator(text).words(n),
        lambda n: fd.Truncator(text).words(n),
        num,
    )


def test_truncator_converts_lazily():
    class Obj:
        def __str__(self):
            return "one two three"

    assert fd.Truncator(Obj()).words(2) == dj.Truncator(Obj()).words(2)
    assert fd.Truncator(12345).chars(3) == dj.Truncator(12345).chars(3)


WRAP = [
    "",
    "Joel is a slug",
    "this is a long paragraph of text that really needs to be wrapped I'm afraid",
    "line one\nline two is longer than the width\n\nafter blank\n",
    "   \n  indented words here   ",
    "averyveryverylongwordthatcannotbesplit and more",
    "tabs\tare\there",
]


@pytest.mark.parametrize("text", WRAP)
@pytest.mark.parametrize("width", [1, 5, 10, 14, 40])
def test_wrap(text, width):
    assert_same(dj.wrap, fd.wrap, text, width)


@given(st.text(alphabet=" ab\nc\t-", max_size=50), st.integers(1, 12))
def test_wrap_hypothesis(text, width):
    assert_same(dj.wrap, fd.wrap, text, width)


@pytest.mark.parametrize("value", ["", "hello", "éclair", "ßharp", 123, None, "1a"])
def test_capfirst(value):
    assert_same(dj.capfirst, fd.capfirst, value)


SLUGS = [
    "Hello World!",
    " Jack & Jill like numbers 1,2,3 and 4 and silly characters ?%.$!/",
    "Un \xe9l\xe9phant \xe0 l'or\xe9e du bois",
    "你好 world",
    "--leading and trailing__",
    "a---b   c",
    "ŞĞÜÖÇİ ﬁ ①",
    "",
    123,
]


@pytest.mark.parametrize("value", SLUGS)
@pytest.mark.parametrize("allow_unicode", [False, True])
def test_slugify(value, allow_unicode):
    assert_same(dj.slugify, fd.slugify, value, allow_unicode)


@given(st.text(max_size=40), st.booleans())
def test_slugify_hypothesis(text, allow_unicode):
    assert_same(dj.slugify, fd.slugify, text, allow_unicode)


@pytest.mark.parametrize(
    "value", ["0800 flowers", "1-800-COLLECT", "+1 (555) GOT-MILK", "ÄBC", ""]
)
def test_phone2numeric(value):
    assert_same(dj.phone2numeric, fd.phone2numeric, value)


@given(st.text(max_size=30))
def test_phone2numeric_hypothesis(text):
    assert_same(dj.phone2numeric, fd.phone2numeric, text)


@pytest.mark.parametrize(
    "items", [[], ["a"], ["a", "b"], ["a", "b", "c", "d"], [1, 2, 3], ("x", "y")]
)
@pytest.mark.parametrize("last_word", [None, "and"])
def test_get_text_list(items, last_word):
    if last_word is None:
        assert fd.get_text_list(items) == dj.get_text_list(items)
    else:
        assert fd.get_text_list(items, last_word) == dj.get_text_list(items, last_word)


@given(st.text(alphabet="a\r\n", max_size=20))
def test_normalize_newlines(text):
    assert_same(dj.normalize_newlines, fd.normalize_newlines, text)


@pytest.mark.parametrize(
    "value",
    [
        r'This is "a person\'s" test.',
        r"Another 'person\'s' test.",
        r'A "\"funky\" style" test.',
        'url "name with spaces" as var',
        "filter:\"arg with | pipe\" and 'single'",
        "",
        "   ",
        'unterminated "quote here',
    ],
)
def test_smart_split(value):
    assert list(fd.smart_split(value)) == list(dj.smart_split(value))


@given(st.text(alphabet="ab \"'\\", max_size=25))
def test_smart_split_hypothesis(text):
    assert list(fd.smart_split(text)) == list(dj.smart_split(text))


@pytest.mark.parametrize(
    "value",
    [
        '"abc"',
        "'abc'",
        r'"a \"bc\""',
        r"'\'ab\' c'",
        r'"back\\slash"',
        "",
        "abc",
        "'mismatch\"",
        "'",
    ],
)
def test_unescape_string_literal(value):
    assert_same(dj.unescape_string_literal, fd.unescape_string_literal, value)


@pytest.mark.parametrize("value", ["CamelCase", "HTTPResponse", "already lower", ""])
def test_camel_case_to_spaces(value):
    assert_same(dj.camel_case_to_spaces, fd.camel_case_to_spaces, value)


@pytest.mark.parametrize(
    "text,truncate",
    [("abc", None), ("abc", "..."), ("abc...", "..."), ("x", "<%(truncated_text)s>")],
)
def test_add_truncation_text(text, truncate):
    assert_same(dj.add_truncation_text, fd.add_truncation_text, text, truncate)
