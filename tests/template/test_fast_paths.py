"""The render fast paths (escaping, small ints, flattened loop bodies, plain
``{{ a.b }}`` variables, context set-up, render_to_string) give Django's
output in both twins, including their slow-path corners.
"""

import html
import importlib
import random
import sys

import pytest
from django.template import Context as DjContext
from django.template import Engine as DjEngine

from fastdj.template import Context, Engine, TemplateDoesNotExist, loader
from fastdj.template.context import RenderContext
from fastdj.test.utils import override_settings

# Characters of every str kind (1, 2 and 4 bytes) and all five escaped ones.
_CHARS = "ab &<>\"' \xe9\xff\u20ac\u30d5\U0001f600"


def _strings():
    rng = random.Random(1234)
    yield from ["", "plain", "&", "<<>>", "'\"", "\xe9<", "\u20ac&", "\U0001f600'"]
    for _ in range(2000):
        yield "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 14)))


def test_escape_like_html_escape_in_both_twins():
    pure = importlib.import_module("fastdj.template._render")
    twin = importlib.import_module("fastdj._speedups.template_render")
    context = Context()
    for s in _strings():
        expected = html.escape(s)
        assert pure.render_value_in_context(s, context) == expected, s
        assert twin.render_value_in_context(s, context) == expected, s


def test_escape_without_autoescape_keeps_the_text(twin):
    template = Engine().from_string("{% for s in items %}{{ s }}|{% endfor %}")
    items = list(_strings())[:200]
    ours = template.render(Context({"items": items}, autoescape=False))
    assert ours == "".join(f"{s}|" for s in items)


@pytest.mark.parametrize(
    "value", [0, 1, 9, 10, 999, 1023, 1024, 10**30, -1, -1024, True, False]
)
def test_ints_render_like_django(twin, value):
    source = "{{ v }}|{{ v|add:1 }}"
    ours = Engine().from_string(source).render(Context({"v": value}))
    assert ours == DjEngine().from_string(source).render(DjContext({"v": value}))


def test_ints_with_thousand_separator_like_django(twin):
    source = "{{ a }}|{{ b }}|{{ c }}"
    values = {"a": 5, "b": 1000, "c": 1234567}
    template = Engine().from_string(source)
    # Rendered before and after too: the Cython twin reads the setting from
    # the settings proxy's cache, which a change must not leave stale.
    assert template.render(Context(values)) == "5|1000|1234567"
    with override_settings(USE_THOUSAND_SEPARATOR=True, THOUSAND_SEPARATOR=","):
        ours = template.render(Context(values))
    assert ours == "5|1,000|1,234,567"
    assert template.render(Context(values)) == "5|1000|1234567"


def test_variable_and_loop_names_are_interned():
    # getattr() takes CPython's type attribute cache only for interned names.
    template = Engine().from_string(
        "{% for row in rows %}{{ row.message }}{% endfor %}"
    )
    loop = template.nodelist[0]
    lookups = loop.nodelist_loop[0].filter_expression.var.lookups
    assert lookups == ("row", "message")
    for name in [*loop.loopvars, *lookups]:
        # The interned copy of an equal new string is the name itself.
        assert sys.intern("".join(list(name))) is name


class Row:
    def __init__(self, id, message):
        self.id = id
        self.message = message

    def method(self):
        return f"m{self.id}<"


LOOPS = [
    "{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.message }}</td></tr>"
    "{% endfor %}",
    "{% for r in rows %}{{ forloop.counter }}{{ r.method }}{% empty %}none{% endfor %}",
    "{% for r in rows %}{% for c in cols %}{{ forloop.parentloop.counter0 }}"
    "{{ c }}{{ r.message }}{% endfor %};{% endfor %}",
    "{% for a, b in pairs %}{{ a }}={{ b }},{% endfor %}",
    "{% for r in rows reversed %}{{ r.id }}{{ r.missing }}{{ r.message|upper }}"
    "{% endfor %}",
    "{% for r in rows %}{% if forloop.first %}[{% endif %}{{ r.id }}"
    "{% if forloop.last %}]{% endif %}{% endfor %}",
    # The Cython twin keeps no forloop for a body of text and variables that
    # do not name it; these read it through a variable, a filter argument,
    # after an inner loop that needs none, and through tags.
    "{% for r in rows %}{{ forloop.counter0 }}:{{ forloop.revcounter }},{% endfor %}",
    "{% for r in rows %}{{ r.id|add:forloop.counter }},{% endfor %}",
    "{% for r in rows %}{% for c in cols %}{{ c }}{% endfor %}"
    "{{ forloop.counter }};{% endfor %}",
    "{% for r in rows %}{% ifchanged r.id %}{{ r.id }}{% endifchanged %}"
    "{% cycle 'a' 'b' %}{% endfor %}",
    "{% for r in rows %}{{ forloop.missing }}{{ r.message|default:forloop.first }}"
    "{% endfor %}",
]


@pytest.mark.parametrize("source", LOOPS)
@pytest.mark.parametrize("n", [0, 1, 13])
@pytest.mark.parametrize("string_if_invalid", ["", "INVALID", "bad:%s"])
def test_loops_like_django(twin, source, n, string_if_invalid):
    rows = [Row(i, f"m<{i}>&'\"\u30d5") for i in range(n)]
    values = {"rows": rows, "cols": ["x", "<"], "pairs": [(i, "<") for i in range(n)]}
    ours = Engine(string_if_invalid=string_if_invalid).from_string(source)
    theirs = DjEngine(string_if_invalid=string_if_invalid).from_string(source)
    assert ours.render(Context(values)) == theirs.render(DjContext(values))


def test_error_in_a_loop_body_names_the_inner_node(twin):
    class Boom:
        @property
        def bad(self):
            raise ZeroDivisionError("boom")

    source = "{% for r in rows %}\n{{ r.id }}\n{{ r.bad }}{% endfor %}"
    template = Engine(debug=True).from_string(source)
    with pytest.raises(ZeroDivisionError) as info:
        template.render(Context({"rows": [Boom()]}))
    assert info.value.template_debug["during"] == "{{ r.bad }}"
    assert info.value.template_debug["line"] == 3


class _RaisingKey:
    """A dict key equal in hash to a variable name whose comparison fails."""

    def __init__(self, name):
        self.name = name

    def __hash__(self):
        return hash(self.name)

    def __eq__(self, other):
        raise ZeroDivisionError("compare")


@pytest.mark.parametrize("source", ["{{ name }}", "{{ d.name }}"])
def test_failing_key_comparison_propagates_like_django(twin, source):
    values = {"d": {_RaisingKey("name"): 1}}
    values[_RaisingKey("name")] = 2
    with pytest.raises(ZeroDivisionError):
        DjEngine().from_string(source).render(DjContext(dict(values)))
    with pytest.raises(ZeroDivisionError):
        Engine().from_string(source).render(Context(dict(values)))


class _Dict(dict):
    pass


@pytest.mark.parametrize(
    "given", [None, {}, {"a": 1}, _Dict(a=1), Context({"a": 1, "b": 2})]
)
def test_context_init_stacks_like_django(given):
    ours = Context(given)
    theirs = DjContext(given if not isinstance(given, Context) else {"a": 1, "b": 2})
    assert [dict(d) for d in ours.dicts] == [dict(d) for d in theirs.dicts]
    if isinstance(given, dict):
        # The caller's dict itself, as in Django (assignments reach it).
        assert ours.dicts[1] is given
    assert type(ours.render_context) is RenderContext
    assert ours.render_context.dicts == [{"True": True, "False": False, "None": None}]
    assert ours.render_context.template is None
    assert ours.template is None and ours.template_name == "unknown"


def test_render_to_string_like_get_template_render(tmp_path):
    (tmp_path / "t.html").write_text("{{ v }}|{{ request.path }}")
    templates = [
        {
            "BACKEND": "fastdj.template.backends.fastdj.FastdjTemplates",
            "DIRS": [tmp_path],
            "OPTIONS": {
                "context_processors": ["fastdj.template.context_processors.request"]
            },
        }
    ]

    class Req:
        path = "/here/"

    with override_settings(TEMPLATES=templates):
        for context, request in [
            (None, None),
            ({"v": "<1>"}, None),
            (_Dict(v=2), None),
            ({"v": 3}, Req()),
        ]:
            expected = loader.get_template("t.html").render(context, request)
            assert loader.render_to_string("t.html", context, request) == expected
        assert loader.render_to_string(["nope", "t.html"], {"v": 4}) == "4|"
        with pytest.raises(TypeError):
            loader.render_to_string("t.html", Context({"v": 1}))
        with pytest.raises(TemplateDoesNotExist) as info:
            loader.render_to_string("missing.html", {})
        assert info.value.backend is loader._backend()
        assert info.value.args[0] == "missing.html"
        assert info.value.tried
