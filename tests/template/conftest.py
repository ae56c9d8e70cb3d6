"""Differential harness: render the same template with fastdj and Django 5.2."""

import copy

import pytest

# Templates every test engine can include or extend (locmem loader).
BASE_TEMPLATES = {
    "incl.html": "[{{ title }}:{% for i in items %}{{ i }},{% endfor %}]",
    "row.html": "<td>{{ item.name }}</td><td>{{ extra|default:'-' }}</td>",
    "base.html": (
        "<title>{% block title %}Base{% endblock %}</title>"
        "{% block body %}<p>base body</p>{% endblock body %}"
        "{% block footer %}(c) base{% endblock %}"
    ),
    "middle.html": (
        "{% extends 'base.html' %}"
        "{% block title %}Middle-{{ block.super }}{% endblock %}"
        "{% block footer %}mid-footer {{ block.super }}{% endblock %}"
    ),
    "child.html": (
        "{% extends 'middle.html' %}"
        "{% block title %}Child/{{ block.super }}{% endblock %}"
        "{% block body %}<div>{{ name }}</div>{% endblock %}"
    ),
    "dir/a.html": "A[{% include './b.html' %}]",
    "dir/b.html": "B{{ name }}",
    "cycle.html": "{% cycle 'x' 'y' %}",
    "ctx.html": "{{ name|default:'no-name' }}/{{ other|default:'no-other' }}",
}


def _engine(flavor, templates=None, **options):
    if flavor == "fastdj":
        from fastdj.template import Engine

        prefix = "fastdj"
        tags = "tests.template.tags_fastdj"
    else:
        from django.template import Engine

        prefix = "django"
        tags = "tests.template.tags_django"
    all_templates = dict(BASE_TEMPLATES)
    all_templates.update(templates or {})
    options.setdefault("libraries", {})
    options["libraries"] = {"testtags": tags, **options["libraries"]}
    return Engine(
        loaders=[(f"{prefix}.template.loaders.locmem.Loader", all_templates)],
        **options,
    )


class Safe(str):
    """A value each engine receives as its own mark_safe() string."""


def _mark(value, mark_safe):
    if isinstance(value, Safe):
        return mark_safe(str(value))
    if isinstance(value, list):
        return [_mark(v, mark_safe) for v in value]
    return value


def outcome(flavor, source, context=None, templates=None, name=None, **options):
    """Return ("ok", output) or ("error", exception class name)."""
    if flavor == "fastdj":
        from fastdj.template import Context
        from fastdj.utils.safestring import mark_safe
    else:
        from django.template import Context
        from django.utils.safestring import mark_safe
    if callable(context):
        context = context()
    context = copy.copy(context) if context is not None else {}
    context = {k: _mark(v, mark_safe) for k, v in context.items()}
    autoescape = options.get("autoescape", True)
    try:
        engine = _engine(flavor, templates, **options)
        if name is not None:
            template = engine.get_template(name)
        else:
            template = engine.from_string(source)
        return ("ok", str(template.render(Context(context, autoescape=autoescape))))
    except Exception as e:  # noqa: BLE001 - the type is what we compare
        return ("error", type(e).__name__)


def differential(source, context=None, templates=None, name=None, **options):
    """Assert fastdj and Django give the same result; return it."""
    ours = outcome("fastdj", source, context, templates, name, **options)
    theirs = outcome("django", source, context, templates, name, **options)
    assert ours == theirs, f"template {source!r}"
    return ours


@pytest.fixture
def same():
    return differential


def _template_twins():
    import importlib
    import os

    from fastdj import _accel

    twins = ["py"]
    if _accel.env_flag("FASTDJ_PURE_PYTHON") and not os.environ.get("CI"):
        return twins
    try:
        importlib.import_module("fastdj._speedups.template_render")
    except ImportError:
        if _accel.env_flag("FASTDJ_REQUIRE_EXTENSIONS"):
            raise
    else:
        twins.append("cy")
    return twins


@pytest.fixture(params=_template_twins())
def twin(request):
    """Run the test with the pure ("py") or Cython ("cy") template kernel.

    Overrides the suite-wide fixture so that the template kernel switches
    even before it is registered in fastdj._accel; the other kernels follow
    the same twin when it is available for them.
    """
    import contextlib
    import importlib

    from fastdj import _accel
    from fastdj.template import base

    path = {"py": "fastdj.template._render", "cy": "fastdj._speedups.template_render"}
    saved = base._FORCED_KERNEL
    base._FORCED_KERNEL = importlib.import_module(path[request.param])
    if request.param in _accel.available():
        switch = _accel.using(request.param)
    else:
        switch = contextlib.nullcontext()
    try:
        with switch:
            yield request.param
    finally:
        base._FORCED_KERNEL = saved
