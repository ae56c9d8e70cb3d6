"""resolve() against Django 5.2 on hand-written URLconfs, with both kernel twins."""

import pickle
import uuid

import django.urls as dj
import pytest
from django.core.exceptions import ImproperlyConfigured as DjangoImproperlyConfigured
from urls_support import (
    KERNELS,
    callable_view,
    django_outcome,
    fastdj_outcome,
    module,
    pair,
    resolver_for,
    view_a,
    view_b,
    view_c,
)

import fastdj.urls as fd
from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.http import Http404


@pytest.fixture(params=sorted(KERNELS))
def kernel(request):
    """Each URL kernel twin, used to compile resolvers explicitly."""
    return KERNELS[request.param]


def build_main(m):
    inner = [
        m.path("<int:pk>/", view_b, name="detail"),
        m.re_path(r"^(?P<slug>[-\w]+)/$", view_c, name="slug"),
        m.path("x/<path:rest>", view_a, name="rest"),
        m.path("", view_a, name="index"),
    ]
    deeper = [
        m.path("leaf/<slug:s>/", view_c, {"deep": True}, name="leaf"),
        m.path("", m.include((inner, "inner"), namespace="in")),
    ]
    return [
        m.path("", view_a, name="home"),
        m.path("articles/<int:year>/", view_b, name="year"),
        m.path("articles/<int:year>/<slug:s>/", view_c, {"extra": 1}, name="art"),
        m.path("articles/2003/", view_a, name="special-2003"),
        m.path("articles<int:year>/", view_a, name="glued"),
        m.path("page-<slug:s>/", view_b, name="page"),
        m.path("blog/", m.include((inner, "blog"), namespace="b1")),
        m.path("blog2/<int:n>/", m.include((inner, "blog"), namespace="b2")),
        m.path("nest/", m.include((deeper, "outer"), namespace="out"), {"k": "v"}),
        m.path("plain/", m.include(inner)),
        m.re_path(r"^old/(\d+)/(\d+)/$", view_a, name="old"),
        m.re_path(r"^mixed/(?P<a>\d+)/(\d+)/$", view_b, name="mixed"),
        m.re_path(r"^opt/(?:(?P<p>\d+)/)?$", view_c, name="opt"),
        m.re_path(r"^prefix", view_c, name="prefix-only"),
        m.re_path(r"^re-inc/(?P<v>\d+)/", m.include((inner, "reinc"), namespace="ri")),
        m.path("uu/<uuid:u>/", view_b, name="uuid"),
        m.path("s/<str:a>/", view_a),
        m.path("s/<str:a>/<str:b>", callable_view, name="callable"),
        m.path("y/<four:y>/", view_a, name="four"),
        m.path("y/<str:y>/", view_b, name="four-fallback"),
        m.path("pp/<pairs:p>/end/", view_c, name="pairs"),
        m.path("^lit$/", view_a, name="caret"),
        m.path("dup/<int:x>/", view_a, name="dup"),
        m.path("dup/<int:x>/", view_b, name="dup"),
        m.path("empty/", m.include([])),
        m.path("empty/", view_c, name="after-empty"),
    ]


PATHS = [
    "/",
    "",
    "nope",
    "/articles/2003/",
    "/articles/2004/",
    "/articles/2003/foo/",
    "/articles/x/",
    "/articles2003/",
    "/articles/",
    "/page-hello/",
    "/page-/",
    "/blog/",
    "/blog/5/",
    "/blog/abc/",
    "/blog/x/a/b/c",
    "/blog/x/",
    "/blog2/7/5/",
    "/blog2/7/zz/",
    "/blog2/7/",
    "/nest/leaf/a-b/",
    "/nest/3/",
    "/nest/",
    "/plain/4/",
    "/old/1/2/",
    "/mixed/1/2/",
    "/opt/",
    "/opt/12/",
    "/prefix/anything/else",
    "/prefixed",
    "/re-inc/9/3/",
    "/re-inc/9/",
    "/re-inc/x/3/",
    "/uu/12345678-1234-1234-1234-123456789abc/",
    "/uu/12345678-1234-1234-1234-123456789ABC/",
    "/s/é ü/",
    "/s/a/b",
    "/s//",
    "/y/2024/",
    "/y/0000/",
    "/y/123/",
    "/pp/ab/end/",
    "/pp/ab/cd/end/",
    "/pp/ab/cd/ef/end/",
    "/^lit$/",
    "/dup/1/",
    "/empty/",
    "/nope/",
    "//",
    "/articles/2003/\n",
    "/s/a\n/",
    "/" + "a/" * 40,
]


@pytest.fixture(scope="module")
def confs():
    return pair(build_main)


@pytest.mark.parametrize("path", PATHS)
def test_resolve_matches_django(path, confs, kernel):
    dj_conf, fd_conf = confs
    resolver = resolver_for(fd_conf, kernel)
    expected = django_outcome(path, dj_conf, with_tried=True)
    assert fastdj_outcome(path, resolver, with_tried=True) == expected


def test_public_resolve_uses_active_twin(confs, twin):
    dj_conf, fd_conf = confs
    for path in PATHS:
        assert fastdj_outcome(path, fd.get_resolver(fd_conf)) == django_outcome(
            path, dj_conf
        )


def test_resolve_sub_resolver_directly(confs, kernel):
    dj_conf, fd_conf = confs
    for index in (6, 7, 8, 14):
        dj_sub = dj_conf.urlpatterns[index]
        fd_sub = fd_conf.urlpatterns[index]
        fd_sub._compile(kernel)
        for path in ("blog/5/", "blog2/3/4/", "nest/leaf/x/", "re-inc/1/2/", "zzz/"):
            try:
                expected = dj_sub.resolve(path)
            except dj.Resolver404 as exc:
                with pytest.raises(fd.Resolver404) as info:
                    fd_sub.resolve(path)
                assert info.value.args[0]["path"] == exc.args[0]["path"]
            else:
                got = fd_sub.resolve(path)
                assert (got.func, got.args, got.kwargs, got.route, got.view_name) == (
                    expected.func,
                    expected.args,
                    expected.kwargs,
                    expected.route,
                    expected.view_name,
                )


def test_resolver_match_api(confs, twin):
    _, fd_conf = confs
    match = fd.resolve("/articles/2003/foo/", urlconf=fd_conf)
    func, args, kwargs = match
    assert (func, args, kwargs) == (view_c, (), {"year": 2003, "s": "foo", "extra": 1})
    assert match[0] is view_c
    assert repr(match) == (
        "ResolverMatch(func=urls_support.view_c, args=(), kwargs={'year': 2003, "
        "'s': 'foo', 'extra': 1}, url_name='art', app_names=[], namespaces=[], "
        "route='articles/<int:year>/<slug:s>/', captured_kwargs={'year': 2003, "
        "'s': 'foo'}, extra_kwargs={'extra': 1})"
    )
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(match)
    # Matches do not share mutable state.
    match.kwargs["year"] = 0
    match.extra_kwargs["extra"] = 2
    match.app_names.append("x")
    again = fd.resolve("/articles/2003/foo/", urlconf=fd_conf)
    assert again.kwargs["year"] == 2003 and again.extra_kwargs == {"extra": 1}
    assert again.app_names == []


def test_resolver_match_constructed_directly_matches_django():
    for side in (dj, fd):
        match = side.ResolverMatch(
            view_a, (1,), {}, "n", ["app", None], ["ns", ""], route="r", tried=[1]
        )
        assert (match.app_name, match.namespace, match.view_name, match.tried) == (
            "app",
            "ns",
            "ns:n",
            [1],
        )
    assert fd.ResolverMatch(callable_view, (), {}).view_name == (
        "urls_support.CallableView"
    )


def test_cbv_view_name_uses_view_class():
    def as_view(request):
        return None

    class Klass:
        pass

    as_view.view_class = Klass
    match = fd.ResolverMatch(as_view, (), {})
    assert match.view_name == f"{Klass.__module__}.Klass"


def test_resolver404(confs, twin):
    _, fd_conf = confs
    with pytest.raises(fd.Resolver404) as info:
        fd.resolve("/nope/", urlconf=fd_conf)
    assert isinstance(info.value, Http404)
    assert info.value.args[0]["path"] == "nope/"
    tried = info.value.args[0]["tried"]
    expected = dj.resolve  # the same walk as Django: same number of attempts
    with pytest.raises(dj.Resolver404) as dj_info:
        expected("/nope/", urlconf=confs[0])
    assert len(tried) == len(dj_info.value.args[0]["tried"])
    assert tried[0][0] is fd_conf.urlpatterns[0]
    with pytest.raises(fd.Resolver404) as info:
        fd.resolve("no-slash", urlconf=fd_conf)
    assert info.value.args[0] == {"path": "no-slash"}


def test_to_python_value_error_tries_next_pattern(confs, twin):
    _, fd_conf = confs
    assert fd.resolve("/y/2024/", urlconf=fd_conf).kwargs == {"y": 2024}
    match = fd.resolve("/y/0000/", urlconf=fd_conf)
    assert (match.url_name, match.kwargs) == ("four-fallback", {"y": "0000"})


def test_uuid_converter(confs, twin):
    _, fd_conf = confs
    value = uuid.uuid4()
    match = fd.resolve(f"/uu/{value}/", urlconf=fd_conf)
    assert match.kwargs == {"u": value}


def test_lowest_urlconf_index_wins(kernel):
    def build(m):
        return [
            m.path("a/<int:x>/", view_a),
            m.path("a/1/", view_b),
            m.path("<slug:s>/1/", view_c),
            m.path("b/<str:s>/", view_b),
            m.re_path(r"^b/c/$", view_c),
            m.path("b/c/", view_a),
        ]

    dj_conf, fd_conf = pair(build)
    resolver = resolver_for(fd_conf, kernel)
    for path in ("/a/1/", "/b/1/", "/b/c/", "/c/1/", "/a/x/"):
        assert fastdj_outcome(path, resolver) == django_outcome(path, dj_conf)


@pytest.mark.parametrize(
    "route, message",
    [
        ("<bad:x>/", "URL route '<bad:x>/' uses invalid converter 'bad'."),
        ("<int:x y>/", "URL route '<int:x y>/' cannot contain whitespace in angle"),
        ("<int:1x>/", "URL route '<int:1x>/' uses parameter name '1x' which isn't"),
    ],
)
def test_bad_routes_raise_improperly_configured(route, message):
    with pytest.raises(ImproperlyConfigured, match=message[:30].replace("(", ".")):
        fd.path(route, view_a)
    with pytest.raises(DjangoImproperlyConfigured) as d:
        dj.path(route, view_a)
    assert str(d.value).startswith(message)


def test_path_argument_errors():
    with pytest.raises(TypeError, match="kwargs argument must be a dict, but got list"):
        fd.path("a/", view_a, [1])
    with pytest.raises(TypeError, match="view must be a callable or a list/tuple"):
        fd.path("a/", "not.a.view")


def test_include_errors():
    with pytest.raises(ImproperlyConfigured, match="without providing an app_name"):
        fd.include([], namespace="ns")
    with pytest.raises(ImproperlyConfigured, match="Passing a 3-tuple"):
        fd.include(([], "app", "ns"))
    with pytest.raises(ImproperlyConfigured, match="Cannot override the namespace"):
        fd.include(([], "app", "ns"), namespace="x")


def test_include_module_with_app_name(kernel):
    inner_dj = module([dj.path("<int:pk>/", view_a, name="d")], app_name="polls")
    inner_fd = module([fd.path("<int:pk>/", view_a, name="d")], app_name="polls")
    dj_conf = module([dj.path("polls/", dj.include(inner_dj))])
    fd_conf = module([fd.path("polls/", fd.include(inner_fd))])
    resolver = resolver_for(fd_conf, kernel)
    assert fastdj_outcome("/polls/3/", resolver) == django_outcome("/polls/3/", dj_conf)
    assert fd.reverse("polls:d", urlconf=fd_conf, args=[3]) == "/polls/3/"


def test_url_patterns_missing():
    conf = module(None)
    del conf.urlpatterns
    with pytest.raises(ImproperlyConfigured, match="does not appear to have any"):
        fd.resolve("/", urlconf=conf)


def test_foreign_pattern_objects_are_refused():
    conf = module([dj.path("a/", view_a)])
    with pytest.raises(ImproperlyConfigured, match="neither a URL pattern made by"):
        fd.resolve("/a/", urlconf=conf)


def test_non_str_path_is_coerced_like_django(confs, twin):
    _, fd_conf = confs
    lazy = fd.reverse_lazy("year", urlconf=fd_conf, args=[2003])
    assert fd.resolve(lazy, urlconf=fd_conf).url_name == "year"
