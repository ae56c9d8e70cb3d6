"""The path from a template name to rendered text: the backend wrapper,
make_context/RequestContext, the cached loader's warm hit, Template.render
with fastdj's and with user-defined context classes.
"""

import pytest

from fastdj.template import Context, Engine, RequestContext
from fastdj.template.context import RenderContext

PAGE = (
    "{% firstof missing who as picked %}[{{ picked }}|{{ who }}|{{ shared }}]"
    "{% for row in rows %}{% for a, b in row %}"
    "{{ forloop.parentloop.counter }}.{{ forloop.counter }}:{{ a }}{{ b }} "
    "{% endfor %}{% empty %}none{% endfor %}"
)
CALLS = []


def processor(request):
    CALLS.append(request)
    return {"who": f"proc-{request.user}", "shared": "from-proc"}


class _Request:
    def __init__(self, user):
        self.user = user


def _backends():
    from django.template.backends.django import DjangoTemplates

    from fastdj.template.backends.fastdj import FastdjTemplates

    def params(prefix):
        return {
            "NAME": "t",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                "loaders": [
                    (
                        f"{prefix}.template.loaders.cached.Loader",
                        [(f"{prefix}.template.loaders.locmem.Loader", {"p": PAGE})],
                    )
                ],
                "context_processors": [f"{__name__}.processor"],
            },
        }

    return FastdjTemplates(params("fastdj")), DjangoTemplates(params("django"))


def _render(backend, context, request):
    try:
        return ("ok", str(backend.get_template("p").render(context, request)))
    except Exception as e:  # noqa: BLE001 - the type and message are compared
        return ("error", type(e).__name__, str(e))


@pytest.mark.parametrize(
    "context",
    [
        None,
        {},
        {"rows": [[(1, "x"), ("<", 2)], []]},
        {"who": "view", "shared": "from-view", "rows": [[("a", "b")]]},
    ],
)
@pytest.mark.parametrize("with_request", [False, True])
def test_backend_render_like_django(twin, context, with_request):
    ours, theirs = _backends()
    del CALLS[:]
    request = _Request("ann") if with_request else None
    caller_ours = None if context is None else dict(context)
    caller_theirs = None if context is None else dict(context)
    assert _render(ours, caller_ours, request) == _render(
        theirs, caller_theirs, request
    )
    # Processors ran once per backend, and only with a request.
    assert CALLS == ([request, request] if with_request else [])
    # {% firstof ... as %} writes into the context's top dict: the caller's own
    # dict without a request, a copy with one (in both engines).
    assert caller_ours == caller_theirs


@pytest.mark.parametrize("bad", [Context({"a": 1}), [("a", 1)]])
def test_backend_render_rejects_non_dict_like_django(bad):
    ours, theirs = _backends()
    result = _render(ours, bad, None)
    assert result[0] == "error"
    assert result == _render(theirs, bad, None)
    assert result == _render(ours, bad, _Request("x"))


def test_request_context_slots_reset_after_each_render():
    engine = Engine(context_processors=[f"{__name__}.processor"])
    template = engine.from_string("{{ who }}/{{ shared }}")
    # A dict given to RequestContext sits below the processors' output, as
    # in Django (make_context() pushes the view's dict above it instead).
    context = RequestContext(_Request("bo"), {"shared": "mine", "own": 1})
    assert template.render(context) == "proc-bo/from-proc"
    assert "who" not in context and context.template is None
    assert context["shared"] == "mine"
    # The same context renders again, with fresh processor output.
    del CALLS[:]
    assert template.render(context) == "proc-bo/from-proc"
    assert len(CALLS) == 1


def test_context_subclasses_render_through_their_own_methods(twin):
    """A context class of the user's goes through bind_template(), push()
    and pop(), not fastdj's inlined versions; the output does not change.
    """
    seen = []

    class Traced(Context):
        @__import__("contextlib").contextmanager
        def bind_template(self, template):
            seen.append("bind")
            with super().bind_template(template):
                yield

        def push(self, *args, **kwargs):
            seen.append("push")
            return super().push(*args, **kwargs)

        def update(self, other_dict):
            seen.append("update")
            return super().update(other_dict)

    engine = Engine()
    template = engine.from_string(PAGE)
    values = {"rows": [[(1, "x"), ("<", 2)], []], "who": "w"}
    plain = template.render(Context(dict(values)))
    traced_context = Traced(dict(values))
    assert template.render(traced_context) == plain
    assert seen == ["bind", "push", "push", "update", "update", "push"]
    assert traced_context.dicts == Context(dict(values, picked="w")).dicts
    assert plain == "[w|w|]1.1:1x 1.2:&lt;2 "


def test_nested_loops_restore_the_stack(twin):
    engine = Engine()
    template = engine.from_string(
        "{% for a in xs %}{% for b in xs %}{{ forloop.parentloop.first }}"
        "{% endfor %}{% endfor %}{{ a|default:'-' }}"
    )
    context = Context({"xs": [1, 2]})
    depth = len(context.dicts)
    assert template.render(context) == "TrueTrueFalseFalse-"
    assert len(context.dicts) == depth
    assert len(context.render_context.dicts) == 1


def test_warm_cached_hit_is_the_loaders_template():
    engine = Engine(
        loaders=[
            (
                "fastdj.template.loaders.cached.Loader",
                [("fastdj.template.loaders.locmem.Loader", {"a": "A", "b": "B"})],
            )
        ]
    )

    class Name(str):
        pass

    first = engine.get_template("a")
    assert engine.get_template("a") is first
    assert engine.get_template(Name("a")) is first
    assert engine.get_template("b").render(Context()) == "B"
    engine.template_loaders[0].reset()
    again = engine.get_template("a")
    assert again is not first and again.render(Context()) == "A"


def test_render_context_init():
    assert RenderContext().dicts == [{"True": True, "False": False, "None": None}]
    assert RenderContext({"k": 1})["k"] == 1
    assert RenderContext().dicts[0] is not RenderContext().dicts[0]


@pytest.mark.parametrize("name", ["a.html", "", "b"])
@pytest.mark.parametrize(
    "skip", [None, [], [("x", "a.html")], [("y", "b"), ("z", "b")], [("", "")]]
)
def test_cached_loader_cache_key_like_django(name, skip):
    from django.template import Engine as DjEngine
    from django.template.base import Origin as DjOrigin
    from django.template.loaders.cached import Loader as DjLoader

    from fastdj.template.base import Origin
    from fastdj.template.loaders.cached import Loader

    def origins(cls):
        return None if skip is None else [cls(n, template_name=t) for n, t in skip]

    ours = Loader(Engine(), []).cache_key(name, origins(Origin))
    theirs = DjLoader(DjEngine(), []).cache_key(name, origins(DjOrigin))
    assert ours == theirs


def test_extends_root_blocks_follow_a_replaced_nodelist(twin):
    engine = Engine(
        loaders=[
            (
                "fastdj.template.loaders.locmem.Loader",
                {
                    "base": "<{% block a %}A{% endblock %}>",
                    "other": "({% block a %}O{% endblock %}"
                    "{% block b %}B{% endblock %})",
                    "child": "{% extends parent %}{% block b %}b{% endblock %}",
                },
            )
        ]
    )
    child = engine.get_template("child")
    parent = engine.get_template("base")
    assert child.render(Context({"parent": parent})) == "<A>"
    assert child.render(Context({"parent": parent})) == "<A>"
    parent.nodelist = engine.get_template("other").nodelist
    assert child.render(Context({"parent": parent})) == "(Ob)"


def test_lookup_survives_a_mapping_that_shrinks_the_stack(twin):
    """A mapping on the stack runs Python code when asked for a key; if that
    code pops dicts, the search stops where reversed() would stop.
    """

    class Shrinking:
        def __init__(self, context):
            self.context = context

        def __contains__(self, key):
            del self.context.dicts[1:]
            return False

        def __getitem__(self, key):
            raise KeyError(key)

    for source, expected in [
        ("[{{ y }}]", "[]"),
        ("{% for i in xs %}x{% endfor %}", ""),
    ]:
        context = Context({"xs": [1, 2]})
        context.dicts.append(Shrinking(context))
        context.dicts.append({})
        assert Engine().from_string(source).render(context) == expected
        assert len(context.dicts) == 1
