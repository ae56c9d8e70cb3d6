"""Hypothesis-generated inputs for the built-in filters, against Django."""

import decimal

from django.template import defaultfilters as dj
from hypothesis import given, settings
from hypothesis import strategies as st

from fastdj.template import defaultfilters as fd

from ..utils.differential import Safe, assert_same


def run(name, *args, **kwargs):
    return assert_same(
        dj.register.filters[name], fd.register.filters[name], *args, **kwargs
    )


html_text = st.text(
    alphabet=st.sampled_from(
        list("ab AZ09.,;:!?'\"<>&/\\\n\r\t-_=%#@()[]") + ["é", "ß", "İ", "😀", "\u0301"]
    ),
    max_size=40,
)
maybe_safe = st.one_of(html_text, html_text.map(Safe))

STRING_FILTERS = [
    "addslashes",
    "capfirst",
    "escapejs",
    "escape",
    "force_escape",
    "iriencode",
    "lower",
    "upper",
    "make_list",
    "slugify",
    "title",
    "wordcount",
    "safe",
    "striptags",
    "phone2numeric",
    "length",
    "first",
    "last",
]


@given(st.sampled_from(STRING_FILTERS), maybe_safe)
@settings(max_examples=600)
def test_string_filters(name, value):
    run(name, value)


@given(
    st.sampled_from(["linenumbers", "linebreaks", "linebreaksbr", "urlize"]),
    maybe_safe,
    st.booleans(),
)
@settings(max_examples=400)
def test_autoescape_filters(name, value, autoescape):
    run(name, value, autoescape=autoescape)


@given(
    st.sampled_from(
        ["truncatechars", "truncatewords", "truncatechars_html", "truncatewords_html"]
    ),
    maybe_safe,
    st.integers(-2, 30),
)
@settings(max_examples=400)
def test_truncate_filters(name, value, length):
    run(name, value, length)


@given(maybe_safe, st.sampled_from(["", ";", "a", "&", "<", " "]))
def test_cut(value, arg):
    run("cut", value, arg)


@given(html_text, st.integers(1, 20))
def test_wordwrap(value, width):
    run("wordwrap", value, width)


@given(st.text(max_size=20), st.sampled_from([None, "", "/", "?=&"]))
def test_urlencode(value, safe):
    if safe is None:
        run("urlencode", value)
    else:
        run("urlencode", value, safe)


numbers = st.one_of(
    st.integers(-(10**25), 10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(places=6, min_value=-(10**9), max_value=10**9),
    st.text(alphabet="0123456789.-+eE ", max_size=12),
)
floatformat_args = st.one_of(
    st.integers(-12, 12),
    st.integers(-12, 12).map(str),
    st.tuples(
        st.sampled_from(["", "-"]),
        st.integers(0, 9).map(str),
        st.sampled_from(["", "g", "u", "gu", "ug"]),
    ).map("".join),
    st.sampled_from(["g", "u", "x", "1.5"]),
)


@given(numbers, floatformat_args)
@settings(max_examples=1000)
def test_floatformat(value, arg):
    run("floatformat", value, arg)


@given(st.one_of(st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=6)))
def test_filesizeformat(value):
    run("filesizeformat", value)


@given(
    st.one_of(
        st.integers(-3, 3), st.floats(), st.text(max_size=3), st.lists(st.none())
    ),
    st.text(alphabet="s,ie", max_size=5),
)
def test_pluralize(value, arg):
    run("pluralize", value, arg)


@given(
    st.one_of(st.lists(st.integers(), max_size=8), st.text(max_size=8)),
    st.text(alphabet="-0123:x", max_size=6),
)
def test_slice(value, arg):
    run("slice", value, arg)


@given(
    st.one_of(st.integers(), st.text(alphabet="0123456789-x", max_size=6)),
    st.one_of(st.integers(-3, 12), st.text(alphabet="0123x-", max_size=3)),
)
def test_get_digit(value, arg):
    run("get_digit", value, arg)


@given(
    st.one_of(st.integers(), st.text(max_size=4), st.none(), st.booleans()),
    st.one_of(st.integers(), st.text(max_size=4), st.none()),
)
def test_add(value, arg):
    run("add", value, arg)


@given(
    st.one_of(st.none(), st.booleans(), st.integers(-1, 1), st.text(max_size=2)),
    st.one_of(st.none(), st.text(alphabet="ab,", max_size=8)),
)
def test_yesno(value, arg):
    if arg is None:
        run("yesno", value)
    else:
        run("yesno", value, arg)


@given(
    st.one_of(
        st.integers(), st.floats(), st.text(max_size=4), st.tuples(st.integers())
    ),
    st.sampled_from(["s", "d", "05.2f", "x", "r", "e", "%", "10s", "-3d", "c", "o"]),
)
def test_stringformat(value, arg):
    run("stringformat", value, arg)


records = st.lists(
    st.fixed_dictionaries(
        {"a": st.integers(0, 3)},
        optional={"b": st.text(alphabet="xyz", max_size=2), "c": st.integers()},
    ),
    max_size=6,
)


@given(records, st.sampled_from(["a", "b", "c", "a.x", "0", "_a", "b.0"]))
def test_dictsort(value, arg):
    run("dictsort", value, arg)
    run("dictsortreversed", value, arg)


nested = st.recursive(
    st.one_of(html_text, html_text.map(Safe), st.integers()),
    lambda children: st.lists(children, max_size=4),
    max_leaves=12,
)


@given(st.lists(nested, max_size=5), st.booleans())
def test_unordered_list(value, autoescape):
    run("unordered_list", value, autoescape=autoescape)


@given(
    st.lists(st.one_of(html_text, html_text.map(Safe)), max_size=5),
    st.one_of(html_text, html_text.map(Safe)),
    st.booleans(),
)
def test_join(value, arg, autoescape):
    run("join", value, arg, autoescape=autoescape)


def test_decimal_context_is_not_changed():
    before = decimal.getcontext().prec
    fd.floatformat(decimal.Decimal("1.23456789012345678901234567890123"), 30)
    assert decimal.getcontext().prec == before
