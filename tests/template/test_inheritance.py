"""Differential tests of {% extends %}, {% block %} and {% include %}."""

import pytest

from tests.template.conftest import differential
from tests.template.objects import make_context

TEMPLATES = {
    "t_child": "{% extends 'child.html' %}{% block footer %}F:{{ block.super }}"
    "{% endblock %}",
    "t_var_parent": "{% extends parent %}{% block title %}V{% endblock %}",
    "t_text_before": "  {% extends 'base.html' %}{% block title %}T{% endblock %}",
    "t_tag_before": "{% load testtags %}{% extends 'base.html' %}",
    "t_var_before": "{{ name }}{% extends 'base.html' %}",
    "t_double": "{% extends 'base.html' %}{% extends 'base.html' %}",
    "t_dup_block": "{% block a %}{% endblock %}{% block a %}{% endblock %}",
    "t_endblock_name": "{% block a %}x{% endblock a %}",
    "t_endblock_wrong": "{% block a %}x{% endblock b %}",
    "t_block_args": "{% block %}{% endblock %}",
    "t_super_in_base": "{% block a %}{{ block.super }}{% endblock %}",
    "t_nested_blocks": "{% extends 'nested_base' %}{% block inner %}IN+"
    "{{ block.super }}{% endblock %}",
    "nested_base": "{% block outer %}O[{% block inner %}i{% endblock %}]{% endblock %}",
    "t_outside_block": "{% extends 'base.html' %}ignored{{ name }}"
    "{% block body %}B{% endblock %}",
    "t_missing_parent": "{% extends 'nope.html' %}",
    "t_empty_parent": "{% extends empty %}",
    "t_include": "{% include 'incl.html' %}|{% include 'incl.html' with title='W' "
    "items=words %}|{% include 'ctx.html' with other='o' only %}",
    "t_include_var": "{% include tname %}",
    "t_include_list": "{% include tnames %}",
    "t_include_missing": "{% include 'nope.html' %}",
    "t_include_loop": "{% for item in people %}{% include 'row.html' %}{% endfor %}",
    "t_include_badopt": "{% include 'incl.html' foo %}",
    "t_include_dupopt": "{% include 'incl.html' only only %}",
    "t_include_with_empty": "{% include 'incl.html' with %}",
    "t_include_noargs": "{% include %}",
    "t_include_cycle": "{% include 'cycle.html' %}{% include 'cycle.html' %}",
    "t_relative": "{% include 'dir/a.html' %}",
    "t_recursive": "{% include 'nope/../incl.html' %}",
    "t_block_in_for": "{% extends 'base.html' %}{% block body %}{% for x in xs %}"
    "{{ x }}{% endfor %}{% endblock %}",
    "t_child_with": "{% extends 'base.html' %}{% block body %}{% with n=name %}"
    "{{ n }}{% endwith %}{% endblock %}",
    "t_autoescape_block": "{% extends 'esc_base' %}{% block b %}{{ html }}"
    "{% endblock %}",
    "esc_base": "{% autoescape off %}{% block b %}{% endblock %}{% endautoescape %}",
}


@pytest.mark.parametrize(
    "name",
    [
        "child.html",
        "middle.html",
        "base.html",
        *TEMPLATES,
    ],
)
def test_named(twin, name):
    def context():
        ctx = make_context()
        ctx.update(
            parent="middle.html",
            tname="ctx.html",
            tnames=["nope.html", "incl.html"],
        )
        return ctx

    differential(None, context, templates=TEMPLATES, name=name)


def test_extends_template_object(twin):
    from fastdj.template import Context, Engine

    engine = Engine(
        loaders=[("fastdj.template.loaders.locmem.Loader", TEMPLATES)],
    )
    parent = engine.from_string("<{% block a %}p{% endblock %}>")
    child = engine.from_string("{% extends parent %}{% block a %}c{% endblock %}")
    assert child.render(Context({"parent": parent})) == "<c>"


def test_recursive_extends_same_name(twin):
    """A template may extend a template of the same name from another loader."""
    from django.template import Context as DjContext
    from django.template import Engine as DjEngine

    from fastdj.template import Context, Engine

    first = {"page.html": "{% extends 'page.html' %}{% block a %}1{% endblock %}"}
    second = {"page.html": "[{% block a %}2{% endblock %}]"}
    ours = Engine(
        loaders=[
            ("fastdj.template.loaders.locmem.Loader", first),
            ("fastdj.template.loaders.locmem.Loader", second),
        ]
    )
    theirs = DjEngine(
        loaders=[
            ("django.template.loaders.locmem.Loader", first),
            ("django.template.loaders.locmem.Loader", second),
        ]
    )
    a = ours.get_template("page.html").render(Context())
    b = theirs.get_template("page.html").render(DjContext())
    assert a == b == "[1]"
