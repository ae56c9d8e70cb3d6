"""Every built-in filter used inside templates, with autoescaping on and off
and with safe and unsafe input: the flags (is_safe, needs_autoescape,
expects_localtime) must combine with escaping exactly as in Django.
"""

import datetime
from decimal import Decimal

import pytest

from tests.template.conftest import Safe, differential


def context():
    return {
        "s": "<a href='x'>Tom & \"Jerry\"</a> héllo wörld",
        "safe_s": _safe("<b>bold</b> & co"),
        "words": "one two three four five six seven",
        "n": 1234.5678,
        "i": 7,
        "neg": -2,
        "dec": Decimal("3.14159"),
        "lst": ["<x>", "y&", "z"],
        "safe_lst": [_safe("<i>a</i>"), _safe("<i>b</i>")],
        "nested": ["a<", ["b", ["c>"]]],
        "dicts": [{"k": 2, "v": "b<"}, {"k": 1, "v": "a>"}],
        "dt": datetime.datetime(2024, 3, 5, 14, 7, 9, tzinfo=datetime.UTC),
        "naive": datetime.datetime(2024, 3, 5, 14, 7, 9),
        "d": datetime.date(2024, 3, 5),
        "t": datetime.time(9, 5),
        "url": "https://example.com/a b?x=1&y=<2>",
        "text_url": "see www.example.com or mail me@example.org <now>",
        "multiline": "line one\nline <two>\n\nnew para & more",
        "size": 123456789,
        "json": {"a": "</script>", "b": [1, 2]},
        "none": None,
        "empty": "",
        "phone": "1-800-FLOWERS",
    }


def _safe(value):
    return Safe(value)


FILTER_TEMPLATES = [
    "{{ i|add:3 }} {{ s|add:'!' }} {{ lst|add:lst }} {{ i|add:'x' }}",
    "{{ s|addslashes }} {{ s|capfirst }} {{ s|center:60 }} {{ s|cut:' ' }}",
    "{{ dt|date }} {{ dt|date:'Y-m-d H:i e' }} {{ naive|date:'D, d M Y' }}",
    "{{ d|date:'l jS F Y' }} {{ t|time }} {{ dt|time:'H:i:s' }} {{ none|date }}",
    "{{ none|default:'d' }} {{ empty|default:s }} {{ none|default_if_none:s }}",
    "{{ dicts|dictsort:'k' }} {{ dicts|dictsortreversed:'k' }}",
    "{% for x in dicts|dictsort:'v' %}{{ x.v }}{% endfor %}",
    "{{ i|divisibleby:7 }} {{ i|divisibleby:2 }}",
    "{{ s|escape }} {{ safe_s|escape }} {{ s|force_escape }} {{ safe_s|force_escape }}",
    "{{ s|escapejs }} {{ lst|escapeseq|join:',' }} {{ safe_lst|escapeseq|join:',' }}",
    "{{ size|filesizeformat }} {{ i|filesizeformat }} {{ 'x'|filesizeformat }}",
    "{{ lst|first }} {{ lst|last }} {{ empty|first }} {{ safe_lst|first }}",
    "{{ n|floatformat }} {{ n|floatformat:2 }} {{ n|floatformat:'-3' }} "
    "{{ dec|floatformat:'3g' }} {{ i|floatformat }}",
    "{{ i|get_digit:1 }} {{ size|get_digit:3 }} {{ s|get_digit:1 }}",
    "{{ url|iriencode }} {{ url|urlencode }} {{ url|urlencode:'' }}",
    "{{ lst|join:' & ' }} {{ safe_lst|join:'<br>' }} {{ lst|join:sep }}",
    "{{ json|json_script:'data' }} {{ json|json_script }}",
    "{{ s|length }} {{ lst|length }} {{ none|length }}",
    "{{ multiline|linebreaks }} {{ multiline|linebreaksbr }}",
    "{{ multiline|linenumbers }}",
    "{{ s|ljust:70 }}|{{ s|rjust:70 }}|",
    "{{ s|lower }} {{ s|upper }} {{ s|title }} {{ words|title }}",
    "{{ s|make_list|slice:':5' }} {{ i|make_list }}",
    "{{ phone|phone2numeric }}",
    "{{ i|pluralize }} {{ 1|pluralize }} {{ i|pluralize:'y,ies' }} "
    "{{ lst|pluralize:'es' }}",
    "{{ lst|pprint }} {{ s|pprint }}",
    "{{ s|safe }} {{ lst|safeseq|join:',' }} {{ s|safe|escape }}",
    "{{ lst|slice:'1:' }} {{ s|slice:'2:8' }}",
    "{{ s|slugify }} {{ words|slugify }}",
    "{{ i|stringformat:'03d' }} {{ s|stringformat:'s' }} {{ n|stringformat:'.1f' }}",
    "{{ s|striptags }} {{ safe_s|striptags }}",
    "{{ s|truncatechars:10 }} {{ s|truncatechars_html:12 }} "
    "{{ words|truncatewords:3 }} {{ s|truncatewords_html:2 }}",
    "{{ nested|unordered_list }} {{ lst|unordered_list }}",
    "{{ text_url|urlize }} {{ text_url|urlizetrunc:10 }}",
    "{{ words|wordcount }} {{ words|wordwrap:10 }}",
    "{{ i|yesno }} {{ none|yesno:'y,n,maybe' }} {{ empty|yesno:'y,n' }}",
    "{% filter lower|cut:'o' %}Hello <B>WORLD</B> {{ s }}{% endfilter %}",
    "{{ s|upper|safe }} {{ safe_s|upper }} {{ safe_s|lower|escape }}",
    "{{ safe_s|cut:'&' }} {{ safe_s|add:'<i>' }} {{ safe_s|slice:':3' }}",
    "{{ d|timesince:d }} {{ d|timeuntil:d }}",
    "{{ s|truncatechars:'x' }} {{ s|floatformat:'x' }}",
]


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("source", FILTER_TEMPLATES)
def test_filters(twin, source, autoescape):
    def ctx():
        values = context()
        values["sep"] = " <|> "
        return values

    differential(source, ctx, autoescape=autoescape)


@pytest.mark.parametrize(
    "tz_settings",
    [{"USE_TZ": True, "TIME_ZONE": "Asia/Tokyo"}, {"USE_TZ": False}],
)
def test_datetimes_follow_time_zone_settings(twin, tz_settings):
    from django.test.utils import override_settings as dj_override

    from fastdj.test.utils import override_settings

    source = "{{ dt }}|{{ dt|date:'Y-m-d H:i T' }}|{{ dt|time:'H:i' }}|{{ naive }}"
    with override_settings(**tz_settings), dj_override(**tz_settings):
        differential(source, context)


@pytest.mark.parametrize(
    "overrides",
    [
        {"DATE_FORMAT": "Y/m/d", "TIME_FORMAT": "H\\h", "DATETIME_FORMAT": "N j"},
        {"USE_TZ": True, "TIME_ZONE": "Europe/Paris"},
        {"USE_TZ": False, "TIME_ZONE": "UTC"},
    ],
)
def test_format_settings_and_now_tag(twin, overrides):
    from django.test.utils import override_settings as dj_override

    from fastdj.test.utils import override_settings

    source = (
        "{{ d|date }}|{{ t|time }}|{{ dt }}|{{ d }}|{{ t }}|"
        '{% now "e O" %}|{% now "Y" as y %}{{ y }}|{{ dt|date:"DATE_FORMAT" }}'
    )
    with override_settings(**overrides), dj_override(**overrides):
        differential(source, context)
