"""Hypothesis: generated URLconfs resolve and reverse as in Django, in both twins."""

import os
import re

import django.urls as dj
from django.urls.resolvers import _route_to_regex as dj_route_to_regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from urls_support import (
    KERNELS,
    VIEWS,
    django_outcome,
    fastdj_outcome,
    module,
    resolver_for,
    reverse_outcome,
)

import fastdj.urls as fd
from fastdj.urls.resolvers import _route_to_regex as fd_route_to_regex

UUID = "12345678-1234-1234-1234-123456789abc"
LITERALS = ["a", "b", "ab", "x-y", "1", "2024", "é", "ж"]
CONVERTERS = ["int", "str", "slug", "uuid", "four", "pairs", "path"]
SAMPLES = {
    "int": ["42", "0"],
    "str": ["s", "a b"],
    "slug": ["s-1"],
    "uuid": [UUID],
    "four": ["2024", "0000"],
    "pairs": ["ab/cd", "ab"],
    "path": ["a/b", "z"],
}
REGEXES = {"int": "[0-9]+", "str": "[^/]+", "slug": r"[-\w]+", "path": ".+"}

literal = st.sampled_from(LITERALS)
converter_part = st.tuples(st.just("conv"), st.sampled_from(CONVERTERS))
glued_part = st.tuples(st.just("glued"), literal, st.sampled_from(CONVERTERS))
part = st.one_of(
    literal.map(lambda s: ("lit", s)), converter_part, converter_part, glued_part
)
route = st.tuples(st.lists(part, min_size=0, max_size=3), st.booleans())
regex_flavour = st.sampled_from(["named", "unnamed", "anchored-end", "no-caret"])
leaf = st.tuples(
    st.just("view"),
    st.sampled_from(["path", "path", "re_path"]),
    route,
    regex_flavour,
    st.integers(0, len(VIEWS) - 1),
    st.sampled_from([None, "n1", "n2", "n3"]),
    st.sampled_from([None, None, {"extra": 1}, {"p0": "dflt"}]),
)


def _include(children):
    return st.tuples(
        st.just("include"),
        st.sampled_from(["path", "path", "re_path"]),
        route,
        regex_flavour,
        st.sampled_from(
            [None, ("app1", None), ("app1", "i1"), ("app2", "i2"), ("app1", "i3")]
        ),
        st.sampled_from([None, None, {"k": "v"}, {"p0": "inc"}]),
        st.lists(children, min_size=0, max_size=4),
    )


tree = st.lists(st.recursive(leaf, _include, max_leaves=8), min_size=1, max_size=8)


def _route_text(parts, slash):
    segments = []
    for index, item in enumerate(parts):
        name = f"p{index}"
        if item[0] == "lit":
            segments.append(item[1])
        elif item[0] == "conv":
            segments.append(f"<{item[1]}:{name}>")
        else:
            segments.append(f"{item[1]}-<{item[2]}:{name}>")
    return "/".join(segments) + ("/" if slash else "")


def _regex_text(parts, slash, flavour, endpoint):
    pieces = []
    for index, item in enumerate(parts):
        if item[0] == "lit":
            pieces.append(re.escape(item[1]))
            continue
        conv = item[-1]
        body = REGEXES.get(conv, "[^/]+") if conv != "uuid" else "[0-9a-f-]+"
        prefix = re.escape(item[1]) + "-" if item[0] == "glued" else ""
        if flavour == "unnamed" or (flavour == "named" and index % 2):
            pieces.append(f"{prefix}({body})")
        else:
            pieces.append(f"{prefix}(?P<p{index}>{body})")
    text = "/".join(pieces) + ("/" if slash else "")
    if flavour != "no-caret":
        text = "^" + text
    if endpoint and flavour == "anchored-end":
        text += "$"
    return text


def build(spec, m):
    patterns = []
    for item in spec:
        kind, func_name, (parts, slash), flavour = item[:4]
        endpoint = kind == "view"
        if func_name == "path":
            text = _route_text(parts, slash)
        else:
            text = _regex_text(parts, slash, flavour, endpoint)
        maker = m.path if func_name == "path" else m.re_path
        if kind == "view":
            view, name, kwargs = item[4:]
            patterns.append(maker(text, VIEWS[view], kwargs, name=name))
            continue
        namespacing, kwargs, children = item[4:]
        inner = build(children, m)
        if namespacing is None:
            patterns.append(maker(text, m.include(inner), kwargs))
        else:
            app, ns = namespacing
            patterns.append(maker(text, m.include((inner, app), namespace=ns), kwargs))
    return patterns


def _sample_paths(spec, prefix=""):
    for item in spec:
        parts, slash = item[2]
        text = []
        for part_ in parts:
            if part_[0] == "lit":
                text.append(part_[1])
            elif part_[0] == "conv":
                text.append(SAMPLES[part_[1]][len(text) % len(SAMPLES[part_[1]])])
            else:
                text.append(f"{part_[1]}-{SAMPLES[part_[2]][0]}")
        here = prefix + "/".join(text) + ("/" if slash else "")
        if item[0] == "view":
            yield here
        else:
            yield from _sample_paths(item[6], here)


random_path = st.lists(
    st.sampled_from(LITERALS + ["42", "0000", "s-1", UUID, "", "a b", "ab/cd", "😀"]),
    max_size=5,
).map(lambda segments: "/" + "/".join(segments))


def _patterns_ok(spec):
    # A route that Django itself cannot compile (for example two groups with
    # the same name in one regex) is not a useful comparison.
    try:
        for pattern in build(spec, dj):
            _compile_all(pattern)
    except Exception:
        return False
    return True


def _compile_all(pattern):
    pattern.pattern.regex  # noqa: B018 (compiles)
    for child in getattr(pattern, "url_patterns", []):
        _compile_all(child)


@settings(
    max_examples=int(os.environ.get("FASTDJ_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(spec=tree, extra_paths=st.lists(random_path, max_size=6), data=st.data())
def test_generated_urlconfs_resolve_and_reverse_like_django(spec, extra_paths, data):
    # Django's route cache shares one converters dict between equal routes and
    # its reverse() mutates it for namespaces: start each example afresh.
    dj_route_to_regex.cache_clear()
    fd_route_to_regex.cache_clear()
    if not _patterns_ok(spec):
        return
    dj_conf = module(build(spec, dj))
    fd_conf = module(build(spec, fd))
    resolvers = {name: resolver_for(fd_conf, k) for name, k in KERNELS.items()}
    paths = ["/" + p for p in _sample_paths(spec)] + extra_paths
    for path in paths:
        expected = django_outcome(path, dj_conf, with_tried=True)
        for name, resolver in resolvers.items():
            got = fastdj_outcome(path, resolver, with_tried=True)
            assert got == expected, (name, path)
        if expected[0] == "404" or not isinstance(expected[3], str):
            continue
        # Reverse what resolved, by view name and by the captured arguments.
        view_name, args, kwargs = expected[9], expected[1], expected[2]
        call = {"args": args} if args else {"kwargs": kwargs}
        assert reverse_outcome(fd, fd_conf, view_name, **call) == reverse_outcome(
            dj, dj_conf, view_name, **call
        ), (path, view_name)
    name = data.draw(st.sampled_from(["n1", "n2", "n3", "app1:n1", "i2:n2", "app1:n3"]))
    current_app = data.draw(st.sampled_from([None, "i1", "i3", "app1"]))
    kwargs = data.draw(
        st.sampled_from([{}, {"p0": 42}, {"p0": "s-1", "p1": 7}, {"extra": 1}])
    )
    assert reverse_outcome(
        fd, fd_conf, name, kwargs=kwargs, current_app=current_app
    ) == reverse_outcome(dj, dj_conf, name, kwargs=kwargs, current_app=current_app)


def test_sample_generator_covers_includes():
    spec = [
        (
            "include",
            "path",
            ([("lit", "a")], True),
            "named",
            None,
            None,
            [("view", "path", ([("conv", "int")], True), "named", 0, "n1", None)],
        )
    ]
    assert list(_sample_paths(spec)) == ["a/42/"]
    assert fd.resolve("/a/42/", urlconf=module(build(spec, fd))).kwargs == {"p0": 42}
