"""reverse() against Django 5.2, plus the URL module's other public helpers."""

import sys
import uuid

import django.urls as dj
import pytest
from django.http import QueryDict as DjangoQueryDict
from urls_support import (
    KERNELS,
    callable_view,
    module,
    pair,
    reverse_outcome,
    view_a,
    view_b,
    view_c,
)

import fastdj.urls as fd
from fastdj.conf import settings
from fastdj.http import QueryDict
from fastdj.test.utils import override_settings
from fastdj.urls.resolvers import get_resolver


@pytest.fixture(params=sorted(KERNELS))
def kernel(request):
    """Each URL kernel twin, used to compile resolvers explicitly."""
    return KERNELS[request.param]


def build(m):
    inner = [
        m.path("<int:pk>/", view_b, name="detail"),
        m.re_path(r"^(?P<slug>[-\w]+)/$", view_c, name="slug"),
        m.path("x/<path:rest>", view_a, name="rest"),
        m.path("", view_a, name="index"),
    ]
    deeper = [
        m.path("leaf/<slug:s>/", view_c, {"deep": True}, name="leaf"),
        m.path("in/", m.include((inner, "inner"), namespace="in")),
    ]
    return [
        m.path("", view_a, name="home"),
        m.path("articles/<int:year>/", view_b, name="year"),
        m.path("articles/<int:year>/<slug:s>/", view_c, {"extra": 1}, name="art"),
        m.path("blog/", m.include((inner, "blog"), namespace="b1")),
        m.path("blog2/<int:n>/", m.include((inner, "blog"), namespace="b2")),
        m.path("blog3/", m.include((inner, "blog"), namespace="blog")),
        m.path("nest/", m.include((deeper, "outer"), namespace="out"), {"k": "v"}),
        m.path("plain/<int:p>/", m.include(inner)),
        m.re_path(r"^old/(\d+)/(\d+)/$", view_a, name="old"),
        m.re_path(r"^mixed/(?P<a>\d+)/(\d+)/$", view_b, name="mixed"),
        m.re_path(r"^opt/(?:(?P<p>\d+)/)?$", view_c, name="opt"),
        m.re_path(r"^alt/(a|b)/$", view_c, name="alt"),
        m.re_path(r"^cls/[abc]x{2,3}\d?\.(?P<v>\w+)$", view_a, name="classes"),
        m.re_path(r"^back/(?P<x>\d+)/(?P=x)/$", view_b, name="backref"),
        m.path("uu/<uuid:u>/", view_b, name="uuid"),
        m.path("y/<four:y>/", view_a, name="four"),
        m.path("q/<str:s>/", view_b, name="quoted"),
        m.path("dup/<int:x>/", view_a, name="dup"),
        m.path("dup/<slug:x>/", view_b, name="dup"),
        m.path("cv/", callable_view, name="cv"),
    ]


CASES = [
    ("home", None, None, None),
    ("home", [1], None, None),
    ("year", [2003], None, None),
    ("year", ["2003"], None, None),
    ("year", ["abc"], None, None),
    ("year", None, {"year": 7}, None),
    ("year", None, {"year": 7, "x": 1}, None),
    ("art", None, {"year": 1, "s": "a-b"}, None),
    ("art", None, {"year": 1, "s": "a-b", "extra": 1}, None),
    ("art", None, {"year": 1, "s": "a-b", "extra": 2}, None),
    ("art", [1, "x"], None, None),
    ("blog:detail", [3], None, None),
    ("blog:detail", [3], None, "b2"),
    ("blog:detail", [4, 3], None, "b2"),
    ("blog:detail", None, {"n": 4, "pk": 3}, "b2"),
    ("b1:detail", [3], None, None),
    ("b2:detail", None, {"n": 4, "pk": 5}, None),
    ("b2:index", [4], None, None),
    ("blog:slug", ["a-b"], None, "b1"),
    ("b1:rest", ["a/b c"], None, None),
    ("b1:nope", None, None, None),
    ("nope:detail", None, None, None),
    ("out:leaf", None, {"s": "z"}, None),
    ("out:leaf", None, {"s": "z", "k": "v", "deep": True}, None),
    ("out:in:detail", [9], None, None),
    ("outer:inner:detail", [9], None, None),
    ("out:missing:detail", [9], None, None),
    ("detail", [1, 2], None, None),
    ("detail", None, {"p": 1, "pk": 2}, None),
    ("old", [1, 2], None, None),
    ("old", None, {"a": 1}, None),
    ("mixed", [1, 2], None, None),
    ("mixed", None, {"a": 1}, None),
    ("opt", None, None, None),
    ("opt", None, {"p": 5}, None),
    ("opt", [5], None, None),
    ("alt", ["a"], None, None),
    ("classes", None, {"v": "z"}, None),
    ("backref", None, {"x": 3}, None),
    ("uuid", [uuid.UUID("12345678-1234-1234-1234-123456789abc")], None, None),
    ("uuid", ["not-a-uuid"], None, None),
    ("four", [2024], None, None),
    ("four", [0], None, None),
    ("quoted", ["a b/c?d#é%"], None, None),
    ("quoted", ["/leading"], None, None),
    ("dup", [5], None, None),
    ("dup", ["a-b"], None, None),
    ("cv", None, None, None),
    (view_b, None, {"year": 3}, None),
    (view_c, [], None, None),
    (view_a, None, {"zzz": 1}, None),
]


@pytest.fixture(scope="module")
def confs():
    return pair(build)


@pytest.mark.parametrize("viewname, args, kwargs, current_app", CASES)
def test_reverse_matches_django(viewname, args, kwargs, current_app, confs):
    dj_conf, fd_conf = confs
    call = dict(args=args, kwargs=kwargs, current_app=current_app)
    expected = reverse_outcome(dj, dj_conf, viewname, **call)
    assert reverse_outcome(fd, fd_conf, viewname, **call) == expected


def test_reverse_args_and_kwargs_together(confs):
    _, fd_conf = confs
    with pytest.raises(ValueError, match="Don't mix"):
        fd.reverse("year", urlconf=fd_conf, args=[1], kwargs={"year": 1})


@pytest.mark.parametrize(
    "query, fragment",
    [
        ({"a": "1", "b": ["2", "3"]}, None),
        ([("x", "é")], "top"),
        ({}, ""),
        (None, "frag ment"),
        ("QD", None),
    ],
)
def test_reverse_query_and_fragment(query, fragment, confs):
    dj_conf, fd_conf = confs
    dj_query, fd_query = query, query
    if query == "QD":
        dj_query, fd_query = DjangoQueryDict("a=1&a=2&b=é"), QueryDict("a=1&a=2&b=é")
    expected = dj.reverse(
        "year", urlconf=dj_conf, args=[1], query=dj_query, fragment=fragment
    )
    got = fd.reverse(
        "year", urlconf=fd_conf, args=[1], query=fd_query, fragment=fragment
    )
    assert got == expected


def test_script_prefix(confs):
    dj_conf, fd_conf = confs
    for side in (dj, fd):
        side.set_script_prefix("/mount")
    try:
        assert fd.get_script_prefix() == "/mount/"
        assert fd.reverse("year", urlconf=fd_conf, args=[1]) == dj.reverse(
            "year", urlconf=dj_conf, args=[1]
        )
    finally:
        dj.clear_script_prefix()
        fd.clear_script_prefix()
    assert fd.get_script_prefix() == "/"


def test_reverse_lazy(confs):
    _, fd_conf = confs
    lazy = fd.reverse_lazy("year", urlconf=fd_conf, args=[5])
    assert str(lazy) == "/articles/5/"
    assert lazy == "/articles/5/"
    assert lazy + "?x" == "/articles/5/?x"
    assert lazy.startswith("/articles")
    assert f"{lazy}" == "/articles/5/"
    with pytest.raises(fd.NoReverseMatch):
        str(fd.reverse_lazy("missing", urlconf=fd_conf))


def test_default_urlconf_and_set_urlconf(twin):
    assert fd.reverse("item", args=[4]) == "/items/4/"
    assert fd.resolve("/items/4/").kwargs == {"pk": 4}
    other = module([fd.path("other/", view_a, name="item")])
    fd.set_urlconf(other)
    try:
        assert fd.get_urlconf() is other
        assert fd.reverse("item") == "/other/"
        assert fd.resolve("/other/").func is view_a
        assert fd.is_valid_path("/items/4/") is False
    finally:
        fd.set_urlconf(None)
    assert fd.get_urlconf() is None
    assert fd.is_valid_path("/items/4/").url_name == "item"


def test_get_resolver_is_cached_and_cleared(twin):
    first = get_resolver()
    assert get_resolver() is first
    assert get_resolver(settings.ROOT_URLCONF) is first
    first.resolve("/items/1/")
    assert first._table is not None
    fd.clear_url_caches()
    assert first._table is None
    assert get_resolver() is not first


def test_root_urlconf_override_clears_caches(twin, monkeypatch):
    other = module([fd.path("swapped/", view_b, name="swapped")])
    monkeypatch.setitem(sys.modules, other.__name__, other)
    before = get_resolver()
    with override_settings(ROOT_URLCONF=other.__name__):
        assert get_resolver() is not before
        assert fd.resolve("/swapped/").func is view_b
        with pytest.raises(fd.Resolver404):
            fd.resolve("/items/1/")
    assert fd.resolve("/items/1/").url_name == "item"


def test_resolve_error_handler():
    from fastdj.views import defaults

    resolver = fd.get_resolver()
    assert resolver.resolve_error_handler(404) is defaults.page_not_found
    assert resolver.resolve_error_handler(500) is defaults.server_error
    assert resolver.resolve_error_handler(400) is defaults.bad_request
    assert resolver.resolve_error_handler(403) is defaults.permission_denied
    custom = module([], handler404=view_a, handler500="urls_support.view_b")
    resolver = fd.get_resolver(custom)
    assert resolver.resolve_error_handler(404) is view_a
    assert resolver.resolve_error_handler(500) is view_b
    assert resolver.resolve_error_handler(403) is defaults.permission_denied
    with pytest.raises(ValueError, match="no default handler for status 418"):
        resolver.resolve_error_handler(418)


def test_get_callable_errors():
    from fastdj.core.exceptions import ViewDoesNotExist

    assert fd.get_callable("urls_support.view_a") is view_a
    with pytest.raises(ImportError, match="must be fully qualified"):
        fd.get_callable("view_a")
    with pytest.raises(ViewDoesNotExist, match="View does not exist in module"):
        fd.get_callable("urls_support.nothing")
    with pytest.raises(ViewDoesNotExist, match="not a callable or a dot-notation"):
        fd.get_callable(42)


class Upper:
    regex = "[A-Z]+"

    def to_python(self, value):
        return value.lower()

    def to_url(self, value):
        return value.upper()


if "upper" not in fd.converters.get_converters():
    fd.register_converter(Upper, "upper")


def test_register_converter_used_by_resolve_and_reverse(kernel):
    from urls_support import resolver_for

    conf = module([fd.path("u/<upper:w>/", view_a, name="u")])
    assert resolver_for(conf, kernel).resolve("/u/ABC/").kwargs == {"w": "abc"}
    with pytest.raises(fd.Resolver404):
        resolver_for(conf, kernel).resolve("/u/abc/")
    assert fd.reverse("u", urlconf=conf, args=["abc"]) == "/u/ABC/"


def test_register_converter_twice_warns():
    fd.register_converter(Upper, "upper_twice")
    with pytest.warns(DeprecationWarning, match="already registered"):
        fd.register_converter(Upper, "upper_twice")
