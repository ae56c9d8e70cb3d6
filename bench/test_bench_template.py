"""Template rendering: a realistic page and the TechEmpower fortunes table.

Group "page": a child template extending a base (blocks, block.super), a
100-row loop with attribute lookups, if/elif/else, several filters, an
include per row and values that need escaping. Group "fortunes": the
13-row TechEmpower fortunes table (escaping, unicode).

Contestants: fastdj with the Cython template kernel (fastdj-cy, when the
twin is built), fastdj pure Python (fastdj-py), Django 5.2 (django) and
Jinja2 (jinja2, the same templates in Jinja syntax). Every contestant
renders a warm, cached, compiled template; the timing includes building the
context object, as a view would.

Run: pytest bench/test_bench_template.py --benchmark-only
     --benchmark-columns=mean,median
"""

from __future__ import annotations

import contextlib
import importlib

import pytest

from fastdj.conf import settings

if not settings.configured:
    settings.configure(DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=None)


def _configure_django():
    import django
    from django.conf import settings as dj_settings

    if not dj_settings.configured:
        dj_settings.configure(
            DEBUG=False, SECRET_KEY="bench", ROOT_URLCONF=None, INSTALLED_APPS=[]
        )
        django.setup()


_configure_django()

CONTESTANTS = ("fastdj-cy", "fastdj-py", "django", "jinja2")

DTL = {
    "base.html": (
        "<!DOCTYPE html><html><head><title>{% block title %}Site{% endblock %}"
        "</title></head><body><header>{% block header %}<h1>{{ site_name }}</h1>"
        "{% endblock %}</header><main>{% block content %}{% endblock %}</main>"
        "<footer>{% block footer %}&copy; {{ year }}{% endblock %}</footer>"
        "</body></html>"
    ),
    "page.html": (
        '{% extends "base.html" %}'
        "{% block title %}{{ title|title }} - {{ block.super }}{% endblock %}"
        "{% block content %}<h2>{{ title|upper }}</h2><p>{{ intro }}</p><table>\n"
        "{% for row in rows %}"
        '<tr class="{% if forloop.first %}first{% elif row.active %}active'
        '{% else %}inactive{% endif %}">'
        "<td>{{ forloop.counter }}</td><td>{{ row.name|capfirst }}</td>"
        "<td>{{ row.email|lower }}</td><td>{{ row.score }}</td>"
        "<td>{% if row.tags %}{{ row.tags|join:', ' }}{% else %}none{% endif %}"
        "</td>"
        '{% include "cell.html" %}'
        "</tr>\n"
        "{% endfor %}</table>{% endblock %}"
    ),
    "cell.html": '<td>{{ row.comment|default:"-" }}</td>',
    "fortunes.html": (
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        "<tr><th>id</th><th>message</th></tr>"
        "{% for fortune in fortunes %}<tr><td>{{ fortune.id }}</td>"
        "<td>{{ fortune.message }}</td></tr>{% endfor %}"
        "</table></body></html>"
    ),
}

JINJA = {
    "base.html": (
        "<!DOCTYPE html><html><head><title>{% block title %}Site{% endblock %}"
        "</title></head><body><header>{% block header %}<h1>{{ site_name }}</h1>"
        "{% endblock %}</header><main>{% block content %}{% endblock %}</main>"
        "<footer>{% block footer %}&copy; {{ year }}{% endblock %}</footer>"
        "</body></html>"
    ),
    "page.html": (
        '{% extends "base.html" %}'
        "{% block title %}{{ title|title }} - {{ super() }}{% endblock %}"
        "{% block content %}<h2>{{ title|upper }}</h2><p>{{ intro }}</p><table>\n"
        "{% for row in rows %}"
        '<tr class="{% if loop.first %}first{% elif row.active %}active'
        '{% else %}inactive{% endif %}">'
        "<td>{{ loop.index }}</td><td>{{ row.name|capitalize }}</td>"
        "<td>{{ row.email|lower }}</td><td>{{ row.score }}</td>"
        "<td>{% if row.tags %}{{ row.tags|join(', ') }}{% else %}none{% endif %}"
        "</td>"
        '{% include "cell.html" %}'
        "</tr>\n"
        "{% endfor %}</table>{% endblock %}"
    ),
    "cell.html": '<td>{{ row.comment|default("-", true) }}</td>',
    "fortunes.html": DTL["fortunes.html"],
}


class Row:
    def __init__(self, i):
        self.name = f"user <{i}> & co"
        self.email = f"User{i}@Example.COM"
        self.score = i * 7
        self.active = i % 3 == 0
        self.tags = ["a", "b<c>"] if i % 2 else []
        self.comment = "" if i % 4 else f"note \"{i}\" 'q'"


class Fortune:
    def __init__(self, id, message):
        self.id = id
        self.message = message


FORTUNES = [
    Fortune(
        11,
        '<script>alert("This should not be displayed in a browser alert '
        'box.");</script>',
    ),
    Fortune(4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    Fortune(
        5, "A computer program does what you tell it to do, not what you want it to do."
    ),
    Fortune(2, "A computer scientist is someone who fixes things that aren't broken."),
    Fortune(8, "A list is only as strong as its weakest link. — Donald Knuth"),
    Fortune(0, "Additional fortune added at request time."),
    Fortune(3, "After enough decimal places, nobody gives a damn."),
    Fortune(7, "Any program that runs right is obsolete."),
    Fortune(10, "Computers make very fast, very accurate mistakes."),
    Fortune(
        6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"
    ),
    Fortune(9, "Feature: A bug with seniority."),
    Fortune(1, "fortune: No such file or directory"),
    Fortune(12, "フレームワークのベンチマーク"),
]

PAGE_CONTEXT = {
    "site_name": "Bench & Co",
    "year": 2026,
    "title": "the <user> list",
    "intro": "Rows of users, some of them <b>bold</b> & 'quoted'.",
    "rows": [Row(i) for i in range(100)],
}
FORTUNES_CONTEXT = {"fortunes": FORTUNES}
SCENARIOS = {
    "page": ("page.html", PAGE_CONTEXT),
    "fortunes": ("fortunes.html", FORTUNES_CONTEXT),
}


@contextlib.contextmanager
def _fastdj_kernel(twin):
    """Render with the given twin of the template kernel."""
    from fastdj import _accel
    from fastdj.template import base

    if twin == "py":
        module = importlib.import_module("fastdj.template._render")
    else:
        try:
            module = importlib.import_module("fastdj._speedups.template_render")
        except ImportError:
            pytest.skip("the Cython template kernel is not built")
    saved = base._FORCED_KERNEL
    base._FORCED_KERNEL = module
    try:
        if "template" in _accel.KERNELS and twin in _accel.available():
            with _accel.using(twin):
                yield
        else:
            yield
    finally:
        base._FORCED_KERNEL = saved


def _renderer(contestant, name, context):
    if contestant.startswith("fastdj"):
        from fastdj.template import Context, Engine

        engine = Engine(
            loaders=[
                (
                    "fastdj.template.loaders.cached.Loader",
                    [("fastdj.template.loaders.locmem.Loader", DTL)],
                )
            ]
        )
        template = engine.get_template(name)
        return lambda: template.render(Context(context))
    if contestant == "django":
        from django.template import Context, Engine

        engine = Engine(
            loaders=[
                (
                    "django.template.loaders.cached.Loader",
                    [("django.template.loaders.locmem.Loader", DTL)],
                )
            ]
        )
        template = engine.get_template(name)
        return lambda: template.render(Context(context))
    import jinja2

    env = jinja2.Environment(loader=jinja2.DictLoader(JINJA), autoescape=True)
    template = env.get_template(name)
    return lambda: template.render(context)


@pytest.mark.parametrize("contestant", CONTESTANTS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_render(benchmark, scenario, contestant):
    name, context = SCENARIOS[scenario]
    benchmark.group = scenario
    benchmark.extra_info["contestant"] = contestant
    if contestant.startswith("fastdj"):
        with _fastdj_kernel(contestant.removeprefix("fastdj-")):
            render = _renderer(contestant, name, context)
            out = render()
            assert "<table>" in out
            benchmark(render)
    else:
        render = _renderer(contestant, name, context)
        assert "<table>" in render()
        benchmark(render)


def test_page_output_matches_django():
    """The benchmark renders the same page in fastdj and Django."""
    ours = _renderer("fastdj-py", "page.html", PAGE_CONTEXT)()
    theirs = _renderer("django", "page.html", PAGE_CONTEXT)()
    assert ours == theirs
    ours = _renderer("fastdj-py", "fortunes.html", FORTUNES_CONTEXT)()
    theirs = _renderer("django", "fortunes.html", FORTUNES_CONTEXT)()
    assert ours == theirs
