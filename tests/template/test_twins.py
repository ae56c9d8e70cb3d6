"""The template kernel twins: same API, and the Cython one is really used."""

import importlib
import inspect

import pytest


def _twin_module():
    try:
        return importlib.import_module("fastdj._speedups.template_render")
    except ImportError:
        pytest.fail("the Cython template kernel is not built")


def test_twin_exports_the_same_names():
    pure = importlib.import_module("fastdj.template._render")
    twin = _twin_module()
    assert twin.KERNEL_VERSION == pure.KERNEL_VERSION
    assert sorted(twin.__all__) == sorted(pure.__all__)
    for name in pure.__all__:
        if name == "KERNEL_VERSION":
            continue
        ours = inspect.signature(getattr(pure, name))
        theirs = inspect.signature(getattr(twin, name))
        assert list(ours.parameters) == list(theirs.parameters), name


def test_kernel_selection_point(twin):
    from fastdj.template import base

    expected = {
        "py": "fastdj.template._render",
        "cy": "fastdj._speedups.template_render",
    }
    assert base._kernel().__name__ == expected[twin]


def test_nodelist_mutation_after_render_is_seen(twin):
    from fastdj.template import Context, Engine
    from fastdj.template.base import TextNode

    template = Engine().from_string("a{{ x }}")
    assert template.render(Context({"x": 1})) == "a1"
    template.nodelist.append(TextNode("!"))
    assert template.render(Context({"x": 2})) == "a2!"


def test_plain_list_of_nodes_renders(twin):
    from fastdj.template import Context, Engine
    from fastdj.template.base import _kernel

    template = Engine().from_string("a{{ x }}b")
    context = Context({"x": "<"})
    with context.bind_template(template):
        assert _kernel().render_nodelist(list(template.nodelist), context) == "a&lt;b"


def test_render_value_in_context_twins_agree():
    from fastdj.template import Context
    from fastdj.utils.safestring import mark_safe

    pure = importlib.import_module("fastdj.template._render")
    twin = _twin_module()

    class Sub(str):
        pass

    values = [
        "<a&'\">",
        "plain",
        mark_safe("<s>"),
        5,
        -3,
        True,
        None,
        2.5,
        [1, "<"],
        Sub("x<"),
        Sub("y"),
    ]
    for autoescape in (True, False):
        ctx = Context(autoescape=autoescape)
        for value in values:
            assert pure.render_value_in_context(value, ctx) == (
                twin.render_value_in_context(value, ctx)
            ), value


@pytest.mark.parametrize(
    "source",
    [
        "x{% include 'self' %}",
        "{% if 1 %}{% include 'self' %}{% endif %}",
        "{% for x in xs %}{% include 'self' %}{% endfor %}",
        "{% with a=1 %}{% include 'self' %}{% endwith %}",
    ],
)
def test_self_including_template_raises_recursion_error(twin, source):
    """Unbounded recursion is an exception in both twins, never a crash."""
    from fastdj.template import Context, Engine

    engine = Engine(
        loaders=[("fastdj.template.loaders.locmem.Loader", {"self": source})]
    )
    with pytest.raises(RecursionError):
        engine.get_template("self").render(Context({"xs": [1]}))


def test_deeply_nested_blocks_render(twin):
    from django.template import Context as DjContext
    from django.template import Engine as DjEngine

    from fastdj.template import Context, Engine

    source = "{% if a %}" * 60 + "{{ a }}" + "{% endif %}" * 60
    ours = Engine().from_string(source).render(Context({"a": "<"}))
    assert ours == DjEngine().from_string(source).render(DjContext({"a": "<"}))
