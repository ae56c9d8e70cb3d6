"""Syntax errors: same exception type and message as Django 5.2, and the
template name and line are reported.
"""

import pytest

from tests.template.conftest import _engine

BAD = [
    "{% if %}{% endif %}",
    "{% if and %}{% endif %}",
    "{% if num and %}{% endif %}",
    "{% if num num %}{% endif %}",
    "{% if a == %}{% endif %}",
    "{% if num %}{% else %}{% elif num %}{% endif %}",
    "line1\n{% if num %}unclosed",
    "{% if num %}\n\n{% endfor %}",
    "{% for x in %}{% endfor %}",
    "{% for x of xs %}{% endfor %}",
    "{% for x, in xs %}{% endfor %}",
    "{% with %}{% endwith %}",
    "{% with a=1 junk %}{% endwith %}",
    "{% cycle %}",
    "{% cycle c %}",
    "{% cycle 'a' 'b' as c loud %}",
    "{% resetcycle %}",
    "{% firstof %}",
    "{% filter escape %}x{% endfilter %}",
    "{% autoescape maybe %}{% endautoescape %}",
    "{% templatetag nope %}",
    "{% widthratio a b %}",
    "{% regroup people by city %}",
    "{% nosuchtag %}",
    "\n\n{% nosuchtag %}",
    "{% %}",
    "{{ }}",
    "{{ _private }}",
    "{{ a.b|nofilter }}",
    "{{ name|upper:'x' }}",
    "{{ a|default }}",
    "{{ a b }}",
    "{{ 'unterminated }}",
    "{% load nosuchlib %}",
    "{% load nothing from testtags %}",
    "{% block a %}{% endblock %}{% block a %}{% endblock %}",
    "{% block a %}x{% endblock b %}",
    "{% extends 'base.html' %}{% extends 'base.html' %}",
    "{{ x }}{% extends 'base.html' %}",
    "{% include %}",
    "{% include 'x' foo %}",
    "{% url %}",
    "{% now %}",
    "{% load testtags %}{% two_args 1 2 3 4 %}",
    "{% load testtags %}{% two_args 1 d=4 %}",
    "{% load testtags %}{% two_args a=1 a=2 %}",
    "{% load testtags %}{% join_args sep='+' 1 %}",
    "{% load testtags %}{% two_args %}",
    "{% comment %}never closed",
    "{% verbatim %}never closed",
]


def _error(flavor, source, **options):
    engine = _engine(flavor, **options)
    with pytest.raises(Exception) as info:
        engine.from_string(source)
    return info.value


@pytest.mark.parametrize("source", BAD)
def test_same_type_and_message(source):
    ours = _error("fastdj", source)
    theirs = _error("django", source)
    assert type(ours).__name__ == type(theirs).__name__
    if "is not a registered tag library" not in str(theirs):
        # The list of known libraries differs between the two projects.
        assert str(ours) == str(theirs)


@pytest.mark.parametrize("source", BAD)
def test_debug_info_matches(source):
    ours = _error("fastdj", source, debug=True)
    theirs = _error("django", source, debug=True)
    ours_info = getattr(ours, "template_debug", None)
    theirs_info = getattr(theirs, "template_debug", None)
    assert (ours_info is None) == (theirs_info is None)
    if theirs_info is not None:
        for key in ("line", "before", "during", "after", "start", "end", "total"):
            assert ours_info[key] == theirs_info[key], key


def test_template_name_and_line_reported():
    from fastdj.template import Engine, TemplateSyntaxError

    engine = Engine(
        loaders=[
            (
                "fastdj.template.loaders.locmem.Loader",
                {"broken.html": "ok\nok\n{% if %}{% endif %}"},
            )
        ]
    )
    with pytest.raises(TemplateSyntaxError) as info:
        engine.get_template("broken.html")
    assert info.value.template_name == "broken.html"
    assert info.value.lineno == 3
    assert "In template broken.html, line 3" in info.value.__notes__


def test_render_error_has_debug_info():
    from fastdj.template import Context, Engine

    engine = Engine(debug=True)
    template = engine.from_string("a\n{% extends 'nope.html' %}")
    with pytest.raises(Exception) as info:
        template.render(Context())
    assert info.value.template_debug["line"] == 2
    assert info.value.template_debug["during"] == "{% extends 'nope.html' %}"
