"""Differential corpus: variables, filters, autoescaping and every tag,
rendered by fastdj and by Django 5.2 with the same context.
"""

import pytest

from tests.template.conftest import differential
from tests.template.objects import make_context

VARIABLES = [
    "Hello {{ name }}!",
    "{{ missing }}|{{ missing.attr }}|{{ name.missing }}",
    "{{ d.key }} {{ d.items }} {{ d.1 }} {{ d.n.deep }} {{ d.missing }}",
    "{{ xs.0 }}{{ xs.2 }}{{ xs.5 }}{{ tup.1 }}{{ nested.1.0 }}",
    "{{ obj.a }} {{ obj.b.c }} {{ obj.lst.1 }} {{ obj.html }}",
    "{{ people.0.name }} {{ people.2.name }} {{ people.1.tags }}",
    "{{ calls.method }} {{ calls.attr }} {{ calls.needs_arg }}|",
    "[{{ calls.alters }}]",
    "[{{ calls.silent }}]",
    "{{ calls.loud }}",
    "{{ calls.raises_type_error }}",
    "{{ calls.prop_attr_error }}",
    "{{ nocall.value }} {{ nocall }}",
    "{{ safe }} {{ html }} {{ uni }}",
    "{{ gi.anything }} {{ gi.missing }} {{ gi.attr }}",
    "{{ num }} {{ neg }} {{ flt }} {{ big }} {{ zero }} {{ true }} {{ none }}",
    "{{ 'literal' }} {{ \"dq\" }} {{ 5 }} {{ 2.5 }} {{ -3 }} {{ 1e3 }}",
    "{{ True }} {{ False }} {{ None }}",
    "{{ 'a\\'b' }} {{ \"<tag>\" }}",
    "{{ xs }} {{ d.n }} {{ pairs.0 }}",
    "{{ date }} {{ dt }}",
    "{{ set1 }} {{ empty_list }} {{ empty }}",
    "{{ cls.missing }}",
    "{{ name.upper }} {{ words.0.title }}",
    "{{ _private }}",
    "{{ obj._a }}",
    "{{ }}",
    "{{ name|}}",
    "{{ name!x }}",
    "{{ 'unterminated }}",
    "{{ name. }}",
    "{{ 2. }}",
]

FILTERS = [
    "{{ name|testtags_missing }}",
    "{% load testtags %}{{ xs.0|double }} {{ name|double }} {{ name|shout }}",
    "{% load testtags %}{{ name|wrap }} {{ name|wrap:'~' }} {{ html|wrap }}",
    "{% load testtags %}{{ 'x'|wrap }} {{ html|safe|wrap }}",
    "{% load testtags %}{{ html|bold }}{% autoescape off %}{{ html|bold }}"
    "{% endautoescape %}",
    "{% load testtags %}{{ num|plus:num }} {{ num|plus:3 }} {{ name|plus:' x' }}",
    "{% load testtags %}{{ num|plus:missing }}",
    "{% load testtags %}{{ num|plus }}",
    "{% load testtags %}{{ num|double:2 }}",
    "{% load testtags %}{{ name | shout }}",
    "{{ name|upper|lower }} {{ html|upper }} {{ html|safe }} {{ html|escape }}",
    "{{ html|force_escape|safe }} {{ missing|default:'dflt' }}",
    "{{ none|default_if_none:'was none' }} {{ xs|length }} {{ words|join:', ' }}",
    "{% autoescape off %}{{ html }} {{ html|escape }}{% endautoescape %}",
    "{% autoescape off %}{% autoescape on %}{{ html }}{% endautoescape %}"
    "{% endautoescape %}",
    "{{ words|first }} {{ words|last }} {{ xs|slice:':2' }}",
]

TAGS = [
    # if
    "{% if true %}T{% endif %}{% if false %}F{% else %}E{% endif %}",
    "{% if missing %}M{% elif num %}N{% else %}X{% endif %}",
    "{% if num > 40 and num < 50 %}in{% endif %}{% if not empty %}ne{% endif %}",
    "{% if 'a' in 'abc' %}1{% endif %}{% if 4 not in xs %}2{% endif %}",
    "{% if none is None %}3{% endif %}{% if num is not None %}4{% endif %}",
    "{% if num == 42 %}5{% endif %}{% if num != 42 %}6{% endif %}",
    "{% if num >= 42 %}7{% endif %}{% if num <= 41 %}8{% endif %}",
    "{% if true or false and false %}9{% endif %}",
    "{% if not true or true %}10{% endif %}{% if not not true %}11{% endif %}",
    "{% if name|length > 3 %}long{% endif %}",
    "{% if xs > 1 %}cmp-error-is-false{% else %}else{% endif %}",
    "{% if missing.x == None %}none-eq{% endif %}",
    "{% if %}{% endif %}",
    "{% if and %}{% endif %}",
    "{% if num and %}{% endif %}",
    "{% if num num %}{% endif %}",
    "{% if == num %}{% endif %}",
    "{% if num %}{% else %}{% elif num %}{% endif %}",
    "{% if num %}unclosed",
    "{% if num %}{% endfor %}",
    # for
    "{% for x in xs %}{{ x }}{% endfor %}",
    "{% for x in xs reversed %}{{ x }}{% endfor %}",
    "{% for x in missing %}{{ x }}{% empty %}empty!{% endfor %}",
    "{% for x in empty_list %}{{ x }}{% empty %}none{% endfor %}",
    "{% for k, v in pairs %}{{ k }}={{ v }};{% endfor %}",
    "{% for k,v in pairs %}{{ k }}{{ v }}{% endfor %}",
    "{% for a, b in nested %}{{ a }}{{ b }}{% endfor %}",
    "{% for a, b, c in pairs %}{{ a }}{% endfor %}",
    "{% for x in xs %}{{ forloop.counter }}{{ forloop.counter0 }}"
    "{{ forloop.revcounter }}{{ forloop.revcounter0 }}{{ forloop.first }}"
    "{{ forloop.last }} {% endfor %}",
    "{% for row in nested %}{% for x in row %}{{ forloop.parentloop.counter }}"
    ".{{ forloop.counter }} {% endfor %}{% endfor %}",
    "{% for p in people %}{{ p.name }}:{{ p.age }}{% if p.tags %}"
    "{{ p.tags|join:'/' }}{% endif %};{% endfor %}",
    "{% for c in name %}{{ c }}.{% endfor %}",
    "{% for x in gen %}{{ x }}{% endfor %}",
    "{% for x in d %}{{ x }},{% endfor %}",
    "{% for x in xs %}{% endfor %}{{ x }}{{ forloop }}",
    "{% for x in %}{% endfor %}",
    "{% for x of xs %}{% endfor %}",
    "{% for x, in xs %}{% endfor %}",
    "{% for 'x' in xs %}{% endfor %}",
    "{% for x in xs %}",
    # with
    "{% with a=num b=name %}{{ a }}-{{ b }}{% endwith %}{{ a }}",
    "{% with num as a %}{{ a }}{% endwith %}",
    "{% with num as a and name as b %}{{ a }}{{ b }}{% endwith %}",
    "{% with %}{% endwith %}",
    "{% with a=1 junk %}{% endwith %}",
    "{% with a=missing.x %}[{{ a }}]{% endwith %}",
    # cycle / resetcycle
    "{% for x in xs %}{% cycle 'a' 'b' %}{% endfor %}",
    "{% for x in xs %}{% cycle 'a' 'b' as c %}{{ c }}{% endfor %}",
    "{% for x in xs %}{% cycle 'a' 'b' as c silent %}{{ c }}{% endfor %}",
    "{% cycle 'a' 'b' as c %}{% cycle c %}{% cycle c %}",
    "{% for x in xs %}{% cycle name num html %}{% endfor %}",
    "{% for row in nested %}{% for x in row %}{% cycle 'p' 'q' 'r' %}{% endfor %}"
    "{% resetcycle %}{% endfor %}",
    "{% cycle 'a' 'b' as c %}{% resetcycle c %}{% cycle c %}",
    "{% cycle %}",
    "{% cycle c %}",
    "{% cycle 'a' as c %}{% cycle d %}",
    "{% cycle 'a' 'b' as c loud %}",
    "{% resetcycle %}",
    "{% resetcycle nope %}",
    "{% resetcycle a b %}",
    # ifchanged
    "{% for p in people %}{% ifchanged p.city %}[{{ p.city }}]{% endifchanged %}"
    "{{ p.name }}{% endfor %}",
    "{% for p in people %}{% ifchanged %}{{ p.city }}{% endifchanged %}{% endfor %}",
    "{% for p in people %}{% ifchanged p.city %}new{% else %}same{% endifchanged %}"
    "{% endfor %}",
    "{% for x in xs %}{% ifchanged %}{% endifchanged %}{% endfor %}",
    # firstof
    "{% firstof empty zero name %}",
    "{% firstof missing html %}",
    "{% firstof empty 'fallback<' %}",
    "{% firstof empty zero %}[]",
    "{% firstof empty name as v %}[{{ v }}]",
    "{% firstof %}",
    # filter / spaceless / autoescape / comment / verbatim / templatetag
    "{% filter upper %}hello {{ name }}{% endfilter %}",
    "{% filter force_escape|lower %}<B>{{ name }}</B>{% endfilter %}",
    "{% filter escape %}x{% endfilter %}",
    "{% filter safe %}x{% endfilter %}",
    "{% filter %}x{% endfilter %}",
    "{% spaceless %} <p> <a href='x'> {{ name }} </a> </p> {% endspaceless %}",
    "{% autoescape on %}{{ html }}{% endautoescape %}",
    "{% autoescape %}{% endautoescape %}",
    "{% autoescape maybe %}{% endautoescape %}",
    "a{# comment {{ x }} #}b{% comment %}{{ hidden }}{% if %}{% endcomment %}c",
    "{% comment 'note' %}x{% endcomment %}y",
    "{% comment %}never closed",
    "{% verbatim %}{{ name }}{% if %}{% endverbatim %}",
    "{% verbatim v %}{% endverbatim %}{{ x }}{% endverbatim v %}",
    "{% templatetag openblock %}{% templatetag closeblock %}"
    "{% templatetag openvariable %}{% templatetag closevariable %}"
    "{% templatetag openbrace %}{% templatetag closebrace %}"
    "{% templatetag opencomment %}{% templatetag closecomment %}",
    "{% templatetag nope %}",
    "{% templatetag %}",
    # widthratio
    "{% widthratio num 100 50 %} {% widthratio 175 200 100 %}",
    "{% widthratio num 0 100 %}|{% widthratio missing 100 100 %}|",
    "{% widthratio num 100 'x' %}",
    "{% widthratio num name 100 %}|",
    "{% widthratio num 100 50 as w %}[{{ w }}]",
    "{% widthratio num 100 %}",
    "{% widthratio num 100 50 xx w %}",
    # regroup
    "{% regroup people by city as groups %}{% for g in groups %}{{ g.grouper }}:"
    "{% for p in g.list %}{{ p.name }},{% endfor %};{% endfor %}",
    "{% regroup missing by city as g %}[{{ g|length }}]",
    "{% regroup people by city %}",
    "{% regroup people with city as g %}",
    "{% regroup people by city into g %}",
    # lorem (common text is deterministic)
    "{% lorem %}",
    "{% lorem 3 w %}",
    "{% lorem 1 p %}",
    "{% lorem 1 b %}",
    "{% lorem 1 2 3 %}",
    # misc
    "{% debug %}",
    "{% csrf_token %}",
    "{% load nope %}",
    "{% load testtags nope %}",
    "{% load double from testtags %}{{ num|double }}",
    "{% load nothing from testtags %}",
    "{% load double from testtags %}{% upperblock %}x{% endupperblock %}",
    "{% nosuchtag %}",
    "{% %}",
    "{% endif %}",
    "{{ name }",
    "{% if num %}{{ x }}{% endif",
    "text only, no tags",
    "",
    "{ single } {{}} {%%} {##}",
]

MORE = [
    "{% for k, v in d.items %}{{ k }}={{ v }};{% endfor %}",
    "{% for p in people %}{% with n=p.name %}{{ n }}{% endwith %}{% endfor %}",
    "{% for x in xs %}{% include 'cycle.html' %}{% endfor %}",
    "{% for x in xs %}{% include 'fl.html' %}{% endfor %}",
    "{% for row in nested %}{% for x in row %}{% ifchanged forloop.parentloop.counter %}"  # noqa: E501
    "[{{ x }}]{% endifchanged %}{% endfor %}{% endfor %}",
    "{{ 1.5|add:2 }} {{ -5|add:'3' }} {{ 2|add:'x' }}",
    '{{ missing|default:"a \\"b\\"" }} {{ "a|b" }} {{ \'it\\\'s\' }}',
    "{{ name|default:'x:y' }} {{ 'a:b'|upper }}",
    "{# a\nb #}|{% if\n true %}|{{ a\n }}",
    "{{ name|upper }}{{name}}{{   name   }}",
    "{% if name|length > 2 and xs|length == 3 %}ok{% endif %}",
    "{% if xs.0 in xs and 'W' in name %}in{% endif %}",
    "{% if missing.deep.er %}x{% else %}y{% endif %}",
    "{% if calls.loud %}x{% endif %}",
    "{% for x in calls.loud %}{% endfor %}",
    "{% with v=calls.loud %}{% endwith %}",
    "{% for x in xs %}{% if forloop.first %}F{% elif forloop.last %}L"
    "{% else %}M{% endif %}{% endfor %}",
    "{% for x in xs %}{{ forloop.counter|add:10 }}{% endfor %}",
    "{% for x in xs %}{% for y in xs %}{% if x == y %}{{ x }}{% endif %}{% endfor %}"
    "{% endfor %}",
    "{% for x in 'abc' reversed %}{{ x }}{% endfor %}",
    "{% for x in tup %}{{ x }}{% endfor %}{% for x in set1 %}{{ x }}{% endfor %}",
    "{% firstof missing 0 '' none %}[]",
    "{% autoescape off %}{% firstof html %}{% cycle html 'x' %}{% endautoescape %}",
    "{% spaceless %}<p>\n  <b>{{ html }}</b>\n</p>{% endspaceless %}",
    "{% with x=html|safe %}{{ x }}{{ x|upper }}{% endwith %}",
    "{% filter upper %}{% for x in words %}{{ x }} {% endfor %}{% endfilter %}",
]

CUSTOM = [
    "{% load testtags %}{% join_args 1 name 'x' %}",
    "{% load testtags %}{% join_args 1 2 sep='+' %}",
    "{% load testtags %}{% join_args sep='+' %}",
    "{% load testtags %}{% join_args sep='+' 1 %}",
    "{% load testtags %}{% join_args 1 2 as joined %}[{{ joined }}]",
    "{% load testtags %}{% ctx_get 'name' %} {% ctx_get 'nope' %}",
    "{% load testtags %}{% html_out %}{% autoescape off %}{% html_out %}"
    "{% endautoescape %}",
    "{% load testtags %}{% html_out as h %}{{ h }}",
    "{% load testtags %}{% two_args 1 %}",
    "{% load testtags %}{% two_args 1 2 %} {% two_args 1 2 3 %} {% two_args 1 b=2 %}",
    "{% load testtags %}{% two_args 1 2 3 4 %}",
    "{% load testtags %}{% two_args 1 d=4 %}",
    "{% load testtags %}{% two_args a=1 a=2 %}",
    "{% load testtags %}{% renamed %}",
    "{% load testtags %}{% original_name %}",
    "{% load testtags %}{% show_items xs %}{% show_items words title='W' %}",
    "{% load testtags %}{% show_ctx %}",
    "{% load testtags %}{% upperblock %}hi {{ name }}{% endupperblock %}",
    "{% load testtags %}{% upperblock %}unclosed",
    "{% load testtags %}{% setvar v name %}{{ v }}",
    "{% load testtags %}{% boxed %}<i>{{ name }}</i>{% endboxed %}",
    "{% load testtags %}{% boxed css='x<' %}{{ html }}{% endboxed %}",
    "{% load testtags %}{% boxed as b %}{{ name }}{% endboxed %}[{{ b }}]",
    "{% load testtags %}{% ctx_block sep='=' %}{{ num }}{% endctx_block %}",
    "{% load testtags %}{% ctx_block sep='=' %}{{ num }}{% stop %}",
    "{% load testtags %}{% no_content_arg 'x' %}{% endno_content_arg %}",
    "{% load testtags %}{% boxed %}unclosed",
    "{% load testtags %}{% setvar v %}",
    "{% load testtags %}{% for x in xs %}{% setvar last x %}{% endfor %}[{{ last }}]",
]


@pytest.mark.parametrize("source", VARIABLES + FILTERS + TAGS + MORE + CUSTOM)
def test_corpus(twin, source):
    differential(source, make_context, templates=MORE_TEMPLATES)


MORE_TEMPLATES = {
    "fl.html": "{{ forloop.counter }}{% if forloop.last %}!{% endif %}",
}


@pytest.mark.parametrize("source", VARIABLES + FILTERS[:6])
@pytest.mark.parametrize("string_if_invalid", ["INVALID", "<%s>", ""])
def test_string_if_invalid(twin, source, string_if_invalid):
    differential(source, make_context, string_if_invalid=string_if_invalid)


@pytest.mark.parametrize("source", VARIABLES + TAGS[:30])
def test_autoescape_off_engine(twin, source):
    differential(source, make_context, autoescape=False)


@pytest.mark.parametrize("source", TAGS + CUSTOM)
def test_debug_engine(twin, source):
    differential(source, make_context, debug=True)


def test_lorem_random_paragraph_shape(twin):
    from fastdj.template import Context, Engine

    out = Engine().from_string("{% lorem 3 p random %}").render(Context())
    paras = out.split("\n\n")
    assert len(paras) == 3
    assert all(p.startswith("<p>") and p.endswith("</p>") for p in paras)
    assert not paras[0].startswith("<p>Lorem ipsum dolor sit amet")
    words = Engine().from_string("{% lorem 50 w random %}").render(Context())
    assert len(words.split()) == 50
