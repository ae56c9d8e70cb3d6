"""Generated templates and contexts: fastdj renders what Django 5.2 renders
(or both raise the same exception type).
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.template.conftest import differential

NAMES = ["a", "b", "s", "n", "lst", "d", "o", "missing"]
PATHS = [
    *NAMES,
    "d.k",
    "d.missing",
    "lst.0",
    "lst.9",
    "o.x",
    "o.y.z",
    "s.upper",
    "forloop.counter",
    "forloop.first",
    "item",
    "item.0",
]
FILTERS = [
    "upper",
    "lower",
    "length",
    "default:'dflt'",
    "escape",
    "safe",
    "first",
    "join:','",
    "add:1",
    "yesno",
    "default_if_none:'none'",
    "title",
    "cut:' '",
    "slice:':2'",
    "force_escape",
]
TEXTS = ["a", " ", "<", "&", "'", "x\n", "é", "{", "}", "%"]
OPERATORS = ["==", "!=", "<", ">", "<=", ">=", "in", "not in", "is", "is not"]


class Thing:
    x = "<ox>"

    class y:  # noqa: N801 - a nested attribute path
        z = 3

    def __str__(self):
        return "O&o"


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(alphabet="ab<>&'\" é", max_size=5),
    st.lists(st.integers(0, 3), max_size=3),
)


@st.composite
def expressions(draw):
    path = draw(st.sampled_from(PATHS + ["'lit<'", "3", "True", "None"]))
    filters = draw(st.lists(st.sampled_from(FILTERS), max_size=2))
    return "|".join([path, *filters])


@st.composite
def conditions(draw):
    kind = draw(st.integers(0, 3))
    left = draw(expressions())
    if kind == 0:
        return left
    if kind == 1:
        return f"not {left}"
    right = draw(expressions())
    if kind == 2:
        return f"{left} {draw(st.sampled_from(OPERATORS))} {right}"
    return f"{left} {draw(st.sampled_from(['and', 'or']))} {right}"


def templates(depth=0):
    leaf = st.one_of(
        st.sampled_from(TEXTS),
        expressions().map(lambda e: "{{ " + e + " }}"),
    )
    if depth >= 2:
        return st.lists(leaf, max_size=4).map("".join)

    inner = st.deferred(lambda: templates(depth + 1))
    if_block = st.tuples(conditions(), inner, st.one_of(st.none(), inner)).map(
        lambda t: (
            "{% if "
            + t[0]
            + " %}"
            + t[1]
            + ("" if t[2] is None else "{% else %}" + t[2])
            + "{% endif %}"
        )
    )
    for_block = st.tuples(
        st.sampled_from(["lst", "s", "d", "missing", "n"]),
        st.booleans(),
        inner,
        st.one_of(st.none(), inner),
    ).map(
        lambda t: (
            "{% for item in "
            + t[0]
            + (" reversed" if t[1] else "")
            + " %}"
            + t[2]
            + ("" if t[3] is None else "{% empty %}" + t[3])
            + "{% endfor %}"
        )
    )
    with_block = st.tuples(expressions(), inner).map(
        lambda t: "{% with a=" + t[0] + " %}" + t[1] + "{% endwith %}"
    )
    other = st.sampled_from(
        [
            "{% autoescape off %}{{ s }}{% endautoescape %}",
            "{% firstof missing s n %}",
            "{% cycle 'x' 'y' %}",
            "{% ifchanged %}{{ item }}{% endifchanged %}",
            "{% spaceless %} <b> </b> {% endspaceless %}",
            "{% if %}",
        ]
    )
    node = st.one_of(leaf, if_block, for_block, with_block, other)
    return st.lists(node, max_size=4).map("".join)


@settings(
    max_examples=int(os.environ.get("FASTDJ_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        # The twin fixture only selects a kernel; it holds no per-example state.
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    source=templates(),
    a=values,
    b=values,
    s=st.text(alphabet="ab<>&'\" é", max_size=6),
    n=st.integers(-3, 3),
    lst=st.lists(st.one_of(st.integers(0, 3), st.text("xy<", max_size=2)), max_size=4),
    autoescape=st.booleans(),
    string_if_invalid=st.sampled_from(["", "INV", "[%s]"]),
)
def test_generated_templates(
    twin, source, a, b, s, n, lst, autoescape, string_if_invalid
):
    def context():
        return {
            "a": a,
            "b": b,
            "s": s,
            "n": n,
            "lst": list(lst),
            "d": {"k": "<v>", "n": n},
            "o": Thing(),
        }

    differential(
        source,
        context,
        autoescape=autoescape,
        string_if_invalid=string_if_invalid,
    )


BLOCK_NAMES = ["a", "b", "c"]


@st.composite
def block_bodies(draw):
    parts = draw(
        st.lists(
            st.sampled_from(
                [
                    "x",
                    "<",
                    "{{ s }}",
                    "{{ block.super }}",
                    "{{ n|add:1 }}",
                    "{% include 'inc' %}",
                    "{% for item in lst %}{{ item }}{% endfor %}",
                ]
            ),
            max_size=3,
        )
    )
    return "".join(parts)


@st.composite
def inheritance_sets(draw):
    """A base, a middle and a child template with random block overrides."""
    base = "".join(
        f"[{name}:{{% block {name} %}}{draw(block_bodies())}{{% endblock %}}]"
        for name in BLOCK_NAMES
    ).replace("{{ block.super }}", "")

    def overrides():
        names = draw(st.lists(st.sampled_from(BLOCK_NAMES), unique=True, max_size=3))
        return "".join(
            f"{{% block {name} %}}{draw(block_bodies())}{{% endblock %}}"
            for name in names
        )

    middle = "{% extends 'base' %}" + overrides()
    child = "{% extends parent %}" + overrides()
    inc = draw(st.sampled_from(["I", "{{ s }}", "{% cycle 'p' 'q' %}", "{{ item }}"]))
    return {"base": base, "middle": middle, "child": child, "inc": inc}


@settings(
    max_examples=int(os.environ.get("FASTDJ_HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    templates=inheritance_sets(),
    parent=st.sampled_from(["base", "middle"]),
    s=st.text(alphabet="ab<&", max_size=4),
    n=st.integers(-3, 3),
)
def test_generated_inheritance(twin, templates, parent, s, n):
    def context():
        return {"parent": parent, "s": s, "n": n, "lst": [1, "<"]}

    differential(None, context, templates=templates, name="child")
