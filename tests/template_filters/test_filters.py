"""Every built-in filter against django.template.defaultfilters.

The filter functions are called directly, by their registered names, with the
same inputs on both sides; outputs, SafeData-ness and exception types must
match.
"""

import datetime
import decimal
import random
import zoneinfo

import pytest
from django.template import defaultfilters as dj

from fastdj.template import defaultfilters as fd

from ..utils.differential import Safe, assert_same

D = decimal.Decimal
UTC = datetime.timezone.utc
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def run(name, *args, **kwargs):
    return assert_same(
        dj.register.filters[name], fd.register.filters[name], *args, **kwargs
    )


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return f"Obj({self.__dict__!r})"


class Unprintable:
    def __str__(self):
        raise ValueError("cannot print")

    def __repr__(self):
        raise RuntimeError("no repr")


STRINGS = [
    "",
    "hello world",
    "Hello World",
    "<b>bold</b> & 'single' \"double\"",
    "ünïcödé straße ǅ",
    "İstanbul ß ﬁ",
    "line1\nline2\r\nline3\rline4",
    "a\n\nb\n\n\nc\n",
    "  spaced  out  ",
    "1234",
    "-12.5",
    "x" * 60,
    "don't STOP 1st 2ND o'NEIL",
    "tab\tsep",
    "e\u0301a combining",
    "emoji 😀 here",
    "\\back'slash\"",
    "&amp; &lt; &#39;",
    Safe("<i>safe</i> & done"),
    Safe("a;b&amp;c\n<br>"),
    42,
    -3.5,
    None,
    True,
    D("2.50"),
]

STRING_FILTERS_NO_ARG = [
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
    "pprint",
    "length",
    "first",
    "last",
]


@pytest.mark.parametrize("value", STRINGS, ids=repr)
@pytest.mark.parametrize("name", STRING_FILTERS_NO_ARG)
def test_no_arg_filters(name, value):
    run(name, value)


@pytest.mark.parametrize("value", STRINGS, ids=repr)
@pytest.mark.parametrize(
    "name", ["linenumbers", "linebreaks", "linebreaksbr", "urlize"]
)
@pytest.mark.parametrize("autoescape", [True, False])
def test_autoescape_filters(name, value, autoescape):
    run(name, value, autoescape=autoescape)


@pytest.mark.parametrize("value", STRINGS, ids=repr)
@pytest.mark.parametrize("name", ["ljust", "rjust", "center"])
@pytest.mark.parametrize("arg", [0, 5, "20", -1, "x", None])
def test_justify(name, value, arg):
    run(name, value, arg)


@pytest.mark.parametrize("value", STRINGS, ids=repr)
@pytest.mark.parametrize(
    "name",
    ["truncatechars", "truncatewords", "truncatechars_html", "truncatewords_html"],
)
@pytest.mark.parametrize("arg", [0, 1, 3, 5, "10", 100, -2, "x", None])
def test_truncate(name, value, arg):
    run(name, value, arg)


TRUNC_HTML = [
    "<p>one <b>two three</b> four</p>",
    "<a href='x'>a link with words</a> <br> tail",
    Safe("<p>Joel is a <em>slug</em></p>"),
    "<p>unclosed <i>tags <b>here",
    "&amp; entity-heavy &lt;text&gt; here",
]


@pytest.mark.parametrize("value", TRUNC_HTML, ids=repr)
@pytest.mark.parametrize("name", ["truncatechars_html", "truncatewords_html"])
@pytest.mark.parametrize("arg", range(0, 14))
def test_truncate_html(name, value, arg):
    run(name, value, arg)


@pytest.mark.parametrize("value", STRINGS, ids=repr)
@pytest.mark.parametrize("arg", ["o", " ", ";", "", "&", "<"])
def test_cut(value, arg):
    run("cut", value, arg)


@pytest.mark.parametrize("value", STRINGS[:18], ids=repr)
@pytest.mark.parametrize("arg", [1, 5, 12, "8", 0])
def test_wordwrap(value, arg):
    run("wordwrap", value, arg)


@pytest.mark.parametrize(
    "value",
    STRINGS + ["http://x.com/a b?c=d&e=f", "ü/é?ä=1#frag", "a+b=c/d~e"],
    ids=repr,
)
@pytest.mark.parametrize("safe", [None, "", "/", ":/?=&"])
def test_urlencode(value, safe):
    if safe is None:
        run("urlencode", value)
    else:
        run("urlencode", value, safe)


@pytest.mark.parametrize(
    "value",
    [
        "http://www.example.com/a/very/long/path/to/somewhere.html",
        "Check www.djangoproject.com or email foo@example.com now.",
        Safe("<b>http://safe.example.com/x?a=1&amp;b=2</b>"),
        "<script>http://evil.com/</script>",
        "plain",
        42,
    ],
    ids=repr,
)
@pytest.mark.parametrize("limit", [0, 1, 5, 15, 100, "10"])
@pytest.mark.parametrize("autoescape", [True, False])
def test_urlizetrunc(value, limit, autoescape):
    run("urlizetrunc", value, limit, autoescape=autoescape)


def test_urlizetrunc_bad_limit():
    run("urlizetrunc", "http://x.com", "x")


@pytest.mark.parametrize(
    "value",
    [
        "%s",
        1,
        1.5,
        -3,
        D("3.14159"),
        "text",
        (1, 2),
        [1, 2],
        {"a": 1},
        None,
        Safe("<b>"),
    ],
    ids=repr,
)
@pytest.mark.parametrize(
    "arg", ["s", "d", "03d", ".2f", "x", "r", "E", "10s", "-5s", "%", "q", "(a)s", 5]
)
def test_stringformat(value, arg):
    run("stringformat", value, arg)


FLOATS = [
    34.23234,
    34.00000,
    34.26000,
    0,
    0.0,
    -0.0,
    -0.01,
    -0.5,
    0.5,
    1.5,
    2.5,
    -1.5,
    0.0001,
    1e-10,
    1e15,
    1.5e20,
    123456789.123456789,
    66666.6666,
    6666.6666,
    10000,
    -10000,
    D("1.23456789e-5"),
    D("12345678901234567890.12345"),
    D("1e200"),
    D("1e-200"),
    D("9" * 250),
    D("-0"),
    D("nan"),
    D("-inf"),
    float("inf"),
    float("-inf"),
    float("nan"),
    "34.23234",
    "1e3",
    "-.5",
    " 7 ",
    "abc",
    "",
    None,
    [],
    True,
    Safe("12.34"),
]
FLOAT_ARGS = [
    None,
    0,
    1,
    3,
    -3,
    "2",
    "-2",
    "0",
    "g",
    "2g",
    "-3g",
    "u",
    "2u",
    "gu",
    "ug",
    "2gu",
    "-2ug",
    "x",
    "1.5",
    "",
    25,
]


@pytest.mark.parametrize("value", FLOATS, ids=repr)
@pytest.mark.parametrize("arg", FLOAT_ARGS, ids=repr)
def test_floatformat(value, arg):
    if arg is None:
        run("floatformat", value)
    else:
        run("floatformat", value, arg)


@pytest.mark.parametrize("value", FLOATS[:22], ids=repr)
@pytest.mark.parametrize("arg", [None, "2", "g", "2u", "-3"], ids=repr)
def test_floatformat_with_thousand_separator(value, arg, both_settings):
    with both_settings(USE_THOUSAND_SEPARATOR=True):
        if arg is None:
            run("floatformat", value)
        else:
            run("floatformat", value, arg)


SIZES = [
    0,
    1,
    -1,
    1023,
    1024,
    1025,
    10 * 1024,
    1024 * 1024 - 1,
    1024 * 1024,
    50 * 1024 * 1024,
    1024**3,
    1024**4,
    1024**5,
    1024**6,
    -(1024**3) * 3,
    "1024",
    "abc",
    None,
    2.9,
    "",
    [],
    D("2048"),
    b"12",
]


@pytest.mark.parametrize("value", SIZES, ids=repr)
def test_filesizeformat(value, both_settings):
    run("filesizeformat", value)
    with both_settings(USE_THOUSAND_SEPARATOR=True):
        run("filesizeformat", value)


PLURAL_VALUES = [0, 1, 2, 1.0, 1.5, "1", "2", "x", [1], [1, 2], [], "", None, D(1)]


@pytest.mark.parametrize("value", PLURAL_VALUES, ids=repr)
@pytest.mark.parametrize("arg", [None, "es", "y,ies", "a,b,c", ",", "", "s,"])
def test_pluralize(value, arg):
    if arg is None:
        run("pluralize", value)
    else:
        run("pluralize", value, arg)


@pytest.mark.parametrize("value", [True, False, None, 0, 1, "", "x", [], [0]], ids=repr)
@pytest.mark.parametrize(
    "arg", [None, "yeah,no,maybe", "yeah,no", "only", "a,b,c,d", ",,", ""]
)
def test_yesno(value, arg):
    if arg is None:
        run("yesno", value)
    else:
        run("yesno", value, arg)


SEQUENCES = [
    [1, 2, 3, 4, 5],
    "abcdef",
    (1, 2, 3),
    [],
    "",
    {"a": 1},
    None,
    5,
    range(10),
    ["<a>", Safe("<b>"), 3, None],
]


@pytest.mark.parametrize("value", SEQUENCES, ids=repr)
@pytest.mark.parametrize(
    "arg",
    [
        "1:",
        ":2",
        "-1:",
        "::2",
        "1:-1",
        "::-1",
        "0",
        "2",
        "-1",
        "",
        "a:b",
        ":",
        "1:2:3:4",
        "::0",
        None,
        3,
    ],
)
def test_slice(value, arg):
    run("slice", value, arg)


@pytest.mark.parametrize("value", SEQUENCES, ids=repr)
@pytest.mark.parametrize("name", ["first", "last", "length", "make_list"])
def test_sequence_filters(value, name):
    run(name, value)


@pytest.mark.parametrize(
    "value",
    [["<a>", Safe("<b>"), "c&d"], [], ["x"], "abc", [1, 2], None, 5, [Safe("&")]],
    ids=repr,
)
@pytest.mark.parametrize("arg", [", ", Safe("<br>"), "<br>", "", 5])
@pytest.mark.parametrize("autoescape", [True, False])
def test_join(value, arg, autoescape):
    run("join", value, arg, autoescape=autoescape)


@pytest.mark.parametrize(
    "value", [["<a>", Safe("<b>"), 1, None], [], "ab<", (Safe("x"),), 5], ids=repr
)
@pytest.mark.parametrize("name", ["escapeseq", "safeseq"])
def test_seq_filters(name, value):
    run(name, value)


@pytest.mark.parametrize("value", [[1, 2, 3], "abc", [], "", (4,), None], ids=repr)
def test_random(value):
    state = random.getstate()
    try:
        random.seed(1234)
        dj_out = _safe_call(dj.register.filters["random"], value)
        random.seed(1234)
        fd_out = _safe_call(fd.register.filters["random"], value)
    finally:
        random.setstate(state)
    assert fd_out == dj_out


def _safe_call(func, *args):
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("raised", type(exc).__name__)


PEOPLE = [
    {"name": "Zed", "age": 19, "address": {"city": "Oslo", "zip": 3}},
    {"name": "amy", "age": 22, "address": {"city": "Bergen", "zip": 1}},
    {"name": "Bob", "age": 19, "address": {"city": "Alta", "zip": 2}},
]
OBJECTS = [
    Obj(name="Zed", age=19, address=Obj(city="Oslo"), items=[3, 1]),
    Obj(name="amy", age=22, address=Obj(city="Bergen"), items=[1, 2]),
    Obj(name="Bob", age=19, address=Obj(city="Alta"), items=[2, 9]),
]
TUPLES = [("a", 3, "z"), ("b", 1, "y"), ("c", 2, "x")]
MIXED = [{"age": 3}, {"age": "3"}, {"name": "no age"}]


@pytest.mark.parametrize(
    "value",
    [PEOPLE, OBJECTS, TUPLES, MIXED, [], "abc", None, 5, [[2, 1], [1, 2]]],
    ids=["dicts", "objects", "tuples", "mixed", "empty", "str", "none", "int", "lists"],
)
@pytest.mark.parametrize(
    "arg",
    [
        "name",
        "age",
        "address.city",
        "address.zip",
        "items.0",
        "items.1",
        "missing",
        "address.missing",
        "_private",
        "address._x",
        "0",
        "1",
        "2",
        0,
        1,
        "1.5",
        "name.upper",
        "",
    ],
)
@pytest.mark.parametrize("name", ["dictsort", "dictsortreversed"])
def test_dictsort(value, arg, name):
    run(name, value, arg)


NESTED = [
    ["States", ["Kansas", ["Lawrence", "Topeka"], "Illinois"]],
    ["item 1", "item 2"],
    ["<a>", [Safe("<b>"), "c&d"]],
    [["orphan children"]],
    [],
    ["a", [], "b"],
    ["a", ("t1", "t2"), "b"],
    ["x", (i for i in ["g1", "g2"])],
    ["deep", ["l2", ["l3", ["l4"]]]],
    "abc",
    [1, 2, None],
]


@pytest.mark.parametrize("index", range(len(NESTED)))
@pytest.mark.parametrize("autoescape", [True, False])
def test_unordered_list(index, autoescape):
    def value():
        v = NESTED[index]
        # Rebuild generators: each side consumes its own.
        if index == 7:
            return ["x", (i for i in ["g1", "g2"])]
        return v

    dj_out = _safe_call(
        lambda: _unsafe(dj.register.filters["unordered_list"], value(), autoescape)
    )
    fd_out = _safe_call(
        lambda: _unsafe(fd.register.filters["unordered_list"], value(), autoescape)
    )
    assert fd_out == dj_out


def _unsafe(func, value, autoescape):
    from django.utils.safestring import mark_safe as dj_mark_safe

    from fastdj.utils.safestring import mark_safe as fd_mark_safe

    from ..utils.differential import _convert

    mark = dj_mark_safe if func.__module__.startswith("django") else fd_mark_safe
    return str.__str__(func(_convert(value, mark), autoescape=autoescape))


ADD_CASES = [
    (1, 2),
    ("1", "2"),
    ("1", 2.5),
    (1.5, 2),
    ("a", "b"),
    ([1], [2]),
    ((1,), [2]),
    (None, 1),
    ("x", 1),
    (datetime.date(2020, 1, 1), datetime.timedelta(days=3)),
    (D("1.5"), D("2.25")),
    (Safe("<a>"), "<b>"),
    (True, 1),
    ("10", " 5 "),
]


@pytest.mark.parametrize("value,arg", ADD_CASES, ids=repr)
def test_add(value, arg):
    run("add", value, arg)


@pytest.mark.parametrize("value", [123456789, "123", -42, 0, "x", None, 1.9, "1.5"])
@pytest.mark.parametrize("arg", [1, 2, 9, 10, 0, -1, "2", "x", None])
def test_get_digit(value, arg):
    run("get_digit", value, arg)


@pytest.mark.parametrize("value", [21, "21", 0, -9, "x", None, 2.5])
@pytest.mark.parametrize("arg", [3, "7", 0, "x", 2])
def test_divisibleby(value, arg):
    run("divisibleby", value, arg)


@pytest.mark.parametrize("value", [None, "", 0, False, [], "x", 0.0, Safe("")])
@pytest.mark.parametrize("arg", ["default", None, Safe("<b>")])
@pytest.mark.parametrize("name", ["default", "default_if_none"])
def test_default(name, value, arg):
    run(name, value, arg)


JSON_VALUES = [
    {"a": "<script>&</script>"},
    [1, 2.5, None, True, "x"],
    "string",
    datetime.datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
    D("1.10"),
    {1, 2},
    Unprintable(),
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("element_id", [None, "", "id", 'a"<b>'])
def test_json_script(value, element_id):
    if element_id is None:
        run("json_script", value)
    else:
        run("json_script", value, element_id)


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [1, 2, {"c": "<x>"}]},
        "text",
        Unprintable(),
        list(range(40)),
    ],
    ids=lambda v: type(v).__name__,
)
def test_pprint(value):
    run("pprint", value)


def test_unprintable_with_stringfilter():
    for name in ("lower", "escape", "title", "safe", "truncatechars"):
        args = (Unprintable(),) if name != "truncatechars" else (Unprintable(), 3)
        run(name, *args)


DATE_VALUES = [
    datetime.datetime(2008, 1, 2, 3, 4, 5),
    datetime.datetime(2008, 1, 2, 12, 0),
    datetime.datetime(2008, 1, 2, 0, 0),
    datetime.datetime(2024, 11, 3, 1, 30, tzinfo=CHICAGO),
    datetime.datetime(2024, 7, 4, 18, 30, 15, tzinfo=UTC),
    datetime.date(2008, 1, 2),
    datetime.time(15, 30),
    datetime.time(0, 0),
    datetime.time(12, 0, tzinfo=UTC),
    "2008-01-02",
    "",
    None,
    0,
    [],
]
DATE_ARGS = [
    None,
    "",
    "Y-m-d",
    "jS F Y H:i",
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "P",
    "e O T Z I U r c",
    r"\Y\e\s",
]


@pytest.mark.parametrize("value", DATE_VALUES, ids=repr)
@pytest.mark.parametrize("arg", DATE_ARGS, ids=repr)
@pytest.mark.parametrize("name", ["date", "time"])
def test_date_and_time(name, value, arg):
    if arg is None:
        run(name, value)
    else:
        run(name, value, arg)


def test_date_with_format_settings(both_settings):
    value = datetime.datetime(2008, 1, 2, 3, 4, 5)
    with both_settings(DATE_FORMAT="Y/m/d", TIME_FORMAT="H:i"):
        run("date", value)
        run("time", value)
        run("date", value, "DATE_FORMAT")


NOW = datetime.datetime(2020, 6, 15, 12, 0, 0)
NOW_AWARE = datetime.datetime(2020, 6, 15, 12, 0, 0, tzinfo=UTC)
SINCE_VALUES = [
    NOW - datetime.timedelta(days=400),
    NOW - datetime.timedelta(days=3, hours=2),
    NOW - datetime.timedelta(minutes=1),
    NOW + datetime.timedelta(days=10),
    NOW_AWARE - datetime.timedelta(hours=5),
    datetime.date(2020, 6, 1),
    None,
    "",
    "2020-01-01",
    0,
]


@pytest.mark.parametrize("value", SINCE_VALUES, ids=repr)
@pytest.mark.parametrize("arg", [NOW, NOW_AWARE, datetime.date(2020, 6, 20), "x"])
@pytest.mark.parametrize("name", ["timesince", "timeuntil"])
def test_timesince_timeuntil(name, value, arg):
    run(name, value, arg)


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2000, 1, 1, tzinfo=UTC),
        datetime.datetime(2100, 1, 1, tzinfo=UTC),
        datetime.date(2000, 1, 1),
    ],
    ids=repr,
)
@pytest.mark.parametrize("name", ["timesince", "timeuntil"])
def test_timesince_timeuntil_default_now(name, value):
    run(name, value)


@pytest.mark.parametrize(
    "value", ["Paris & Orléans", "/blog/for/Jürgen Münster/", "a b", 5, Safe("&x")]
)
def test_iriencode(value):
    run("iriencode", value)


class FloatWrapper:
    def __init__(self, value):
        self.value = value

    def __float__(self):
        return self.value


# Inputs from Django's floatformat regression tests.
FLOATFORMAT_REGRESSIONS = [
    (7.7, None),
    (0.07, None),
    (-0.07, None),
    (0.007, None),
    (7.7, 0),
    (6.2, -3),
    (13.1031, -3),
    (11.000001, -2),
    (8.2798, 3),
    (5555.555, 2),
    (18.125, 2),
    (D("555.555"), 2),
    (D("09.000"), None),
    (D("123456.123456789012345678901"), 21),
    (13.1031, "bar"),
    (-1.323297138040798e35, 2),
    (-1.323297138040798e35, -2),
    (1.5e-15, 20),
    (1.5e-15, -20),
    (1.00000000000000015, 16),
    ("1e199", None),
    ("1e", None),
    ("1e+", None),
    ("e400", None),
    ("1e2e3", None),
    ("1e2.", None),
    ("1+e2", None),
    ("¿Cómo esta usted?", "bar"),
    ({}, None),
    (10000, "g"),
    (66666.666, "1g"),
    (10000, "g2"),
    (66666.666, "u2"),
    (66666.666, "2gu"),
    (0, 10),
    (0.000000000000000000015, 20),
    ("0.00", 0),
    (D("0.0000"), 2),
    (-0.01, -1),
    (-0.001, 2),
    (-0.499, 0),
    ("inf", None),
    ("NaN", None),
    ("1E10000000000000000", None),
    ("-1e10000000000000000", None),
    ("1" + "0" * 100_000, None),
    (FloatWrapper(11.000001), -2),
]


@pytest.mark.parametrize(
    "value,arg", FLOATFORMAT_REGRESSIONS, ids=lambda v: repr(v)[:30]
)
def test_floatformat_regressions(value, arg):
    if arg is None:
        run("floatformat", value)
    else:
        run("floatformat", value, arg)


def test_floatformat_separator_settings(both_settings):
    with both_settings(
        USE_THOUSAND_SEPARATOR=True, NUMBER_GROUPING=3, THOUSAND_SEPARATOR="!"
    ):
        for arg in ("2gu", "2ug", "2", "2g"):
            run("floatformat", 66666.666, arg)


@pytest.mark.parametrize(
    "value,arg",
    [(1.2345, 2), (15.2042, -3), (1.2345, "2"), (D("15.2042"), -3), (D("9.99e10"), 3)],
)
def test_floatformat_low_decimal_precision(value, arg):
    with decimal.localcontext() as ctx:
        ctx.prec = 2
        run("floatformat", value, arg)


@pytest.mark.parametrize(
    "value",
    [
        [{"0": "a", "1": "42"}, {"0": "c", "1": "s"}, {"0": "b", "1": "f"}],
        [("a", "42"), ("c", "string"), ("b", "foo")],
        [{"foo": {"bar": 1, "baz": "c"}}, {"foo": {"bar": 2, "baz": "b"}}],
        [[1, 2, 3], [1, 2], [0]],
        [1, 2, 3],
        {"a": 1},
        "Hello!",
    ],
    ids=repr,
)
@pytest.mark.parametrize("arg", ["0", 0, "1", "foo.baz", "foo.bar", "age", "-1", "1e0"])
@pytest.mark.parametrize("name", ["dictsort", "dictsortreversed"])
def test_dictsort_keys(value, arg, name):
    run(name, value, arg)
