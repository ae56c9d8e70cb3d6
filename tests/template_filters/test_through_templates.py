"""Filters used in templates: fastdj's engine against Django's, both twins.

Exercises what only the engine does with a filter: the is_safe, needs_autoescape
and expects_localtime flags, literal and variable arguments, and chains.
"""

import datetime
import decimal

import pytest
from django.template import Context as DjContext
from django.template import Engine as DjEngine
from django.utils.safestring import mark_safe as dj_mark_safe

from fastdj.template import Context, Engine
from fastdj.utils.safestring import mark_safe

from ..utils.differential import Safe, _convert

UTC = datetime.timezone.utc

CONTEXT = {
    "s": "Hello <b>World</b> & 'you' http://example.com/?a=1&b=2 foo@bar.org\n\nok",
    "safe": Safe("<i>It's</i> &amp; <b>safe</b>\nline"),
    "n": 12345.6789,
    "neg": -0.5,
    "dec": decimal.Decimal("1234.5000"),
    "i": 3,
    "one": 1,
    "zero": 0,
    "none": None,
    "empty": "",
    "items": ["<a>", Safe("<b>"), "c&d"],
    "nums": [5, 3, 9, 1],
    "people": [
        {"name": "Zed", "age": 30, "city": {"n": "Oslo"}},
        {"name": "amy", "age": 22, "city": {"n": "Alta"}},
    ],
    "nested": ["States", ["Kansas", ["Lawrence", "<Topeka>"], "Illinois"]],
    "dt": datetime.datetime(2024, 7, 4, 18, 30, 15, tzinfo=UTC),
    "naive": datetime.datetime(2008, 1, 2, 0, 0),
    "later": datetime.datetime(2025, 9, 1, 6, 0, tzinfo=UTC),
    "d": datetime.date(2024, 2, 29),
    "t": datetime.time(12, 0),
    "size": 123456789,
    "html": "<p>One <b>two three</b> four <i>five</i></p>",
    "phone": "1-800-COLLECT",
    "data": {"k": "</script>&"},
}

FILTER_EXPRESSIONS = [
    "s|addslashes",
    "safe|addslashes",
    "s|capfirst",
    "s|center:'40'",
    "s|cut:' '",
    "safe|cut:'&'",
    "safe|cut:';'",
    "dt|date",
    "dt|date:'DATETIME_FORMAT'",
    "dt|date:'SHORT_DATETIME_FORMAT'",
    "dt|date:'D, d M Y H:i:s e O T'",
    "naive|date:'c r U'",
    "d|date",
    "d|date:'jS F Y'",
    "t|date:'H:i'",
    "none|default:'nothing'",
    "empty|default:s",
    "none|default_if_none:'<none>'",
    "zero|default_if_none:'x'",
    "people|dictsort:'name'",
    "people|dictsort:'city.n'",
    "people|dictsortreversed:'age'",
    "nums|dictsort:'0'",
    "i|divisibleby:3",
    "s|escape",
    "safe|escape",
    "s|escape|escape",
    "s|escapejs",
    "items|escapeseq|join:','",
    "size|filesizeformat",
    "items|first",
    "n|floatformat",
    "n|floatformat:2",
    "n|floatformat:'-3'",
    "n|floatformat:'2g'",
    "neg|floatformat:0",
    "dec|floatformat:'-2u'",
    "s|force_escape",
    "safe|force_escape",
    "n|get_digit:2",
    "s|iriencode",
    "items|join:' / '",
    "items|join:'<br>'",
    "data|json_script:'my-id'",
    "data|json_script",
    "items|last",
    "items|length",
    "s|linebreaks",
    "safe|linebreaks",
    "s|linebreaksbr",
    "s|linenumbers",
    "s|ljust:'70'",
    "s|lower",
    "s|make_list|length",
    "phone|phone2numeric",
    "i|pluralize",
    "one|pluralize:'y,ies'",
    "items|pluralize:'es'",
    "people|pprint",
    "s|rjust:'70'",
    "s|safe",
    "items|safeseq|join:','",
    "nums|slice:'1:3'",
    "s|slice:':-3'",
    "s|slugify",
    "n|stringformat:'.3f'",
    "s|stringformat:'s'",
    "s|striptags",
    "html|striptags",
    "t|time",
    "dt|time",
    "dt|time:'H:i e'",
    "naive|timesince:later",
    "dt|timesince:later",
    "later|timeuntil:dt",
    "s|title",
    "s|truncatechars:12",
    "html|truncatechars_html:9",
    "s|truncatewords:3",
    "html|truncatewords_html:2",
    "nested|unordered_list",
    "s|upper",
    "s|urlencode",
    "s|urlencode:''",
    "s|urlize",
    "safe|urlize",
    "s|urlizetrunc:15",
    "s|wordcount",
    "s|wordwrap:10",
    "none|yesno",
    "one|yesno:'yeah,no'",
    "i|add:'4'",
    "items|add:nums",
    "s|lower|upper|truncatewords:2|center:30",
    "safe|lower|linebreaksbr",
    "s|default:'x'|escape|length",
]


def _render(engine, context_cls, mark, template, autoescape):
    ctx = {k: _convert(v, mark) for k, v in CONTEXT.items()}
    try:
        return ("ok", engine.from_string(template).render(context_cls(ctx, autoescape)))
    except Exception as exc:
        return ("raised", type(exc).__name__)


@pytest.mark.parametrize("expr", FILTER_EXPRESSIONS)
@pytest.mark.parametrize("autoescape", [True, False])
def test_filter_in_template(expr, autoescape, twin):
    template = "[{{ " + expr + " }}]"
    expected = _render(DjEngine(), DjContext, dj_mark_safe, template, autoescape)
    assert _render(Engine(), Context, mark_safe, template, autoescape) == expected


@pytest.mark.parametrize("tz", ["UTC", "Asia/Kolkata"])
def test_expects_localtime_follows_time_zone(tz, both_settings):
    template = "{{ dt|date:'Y-m-d H:i T' }} {{ dt|time:'H:i' }} {{ dt }}"
    with both_settings(TIME_ZONE=tz):
        expected = _render(DjEngine(), DjContext, dj_mark_safe, template, True)
        assert _render(Engine(), Context, mark_safe, template, True) == expected
