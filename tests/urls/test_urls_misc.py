"""Lazy tried lists, lazy ResolverMatch fields, caches and threads."""

import threading

import django.urls as dj
import pytest
from urls_support import KERNELS, module, resolver_for, view_a, view_b

import fastdj.urls as fd


@pytest.fixture(params=sorted(KERNELS))
def kernel(request):
    return KERNELS[request.param]


def _build(m):
    return [
        m.path("a/", view_a, name="a"),
        m.path("inc/", m.include([m.path("<int:x>/", view_b, name="x")])),
        m.re_path(r"^r/(\d+)/$", view_a),
    ]


def test_tried_of_a_miss_is_a_lazy_list(kernel):
    dj_conf, fd_conf = module(_build(dj)), module(_build(fd))
    with pytest.raises(dj.Resolver404) as dj_info:
        dj.resolve("/inc/nope/", urlconf=dj_conf)
    with pytest.raises(fd.Resolver404) as fd_info:
        resolver_for(fd_conf, kernel).resolve("/inc/nope/")
    expected = [[str(p.pattern) for p in t] for t in dj_info.value.args[0]["tried"]]
    tried = fd_info.value.args[0]["tried"]
    assert isinstance(tried, list)
    assert len(tried) == len(expected) == 3
    assert bool(tried)
    assert [[str(p.pattern) for p in t] for t in tried] == expected
    assert tried[1][0] is fd_conf.urlpatterns[1]
    assert tried == list(tried)
    assert list(reversed(tried))[0] == tried[-1]
    assert [fd_conf.urlpatterns[0]] in tried
    assert repr(tried).startswith("[[<URLPattern 'a/' [name='a']>]")


def test_tried_of_a_match_is_computed_on_first_read(kernel):
    fd_conf = module(_build(fd))
    match = resolver_for(fd_conf, kernel).resolve("/inc/3/")
    assert "tried" not in match.__dict__
    assert [[str(p.pattern) for p in t] for t in match.tried] == [
        ["a/"],
        ["inc/", "<int:x>/"],
    ]
    assert match.tried is match.tried


def test_lazy_fields_and_missing_attributes(kernel):
    match = resolver_for(module(_build(fd)), kernel).resolve("/inc/3/")
    assert (match.url_name, match.route, match.view_name) == ("x", "inc/<int:x>/", "x")
    assert (match.app_names, match.namespaces, match.extra_kwargs) == ([], [], {})
    assert not hasattr(match, "nothing")
    with pytest.raises(AttributeError, match="'ResolverMatch' object has no attribute"):
        match.nothing  # noqa: B018
    built = fd.ResolverMatch(view_a, (), {})
    with pytest.raises(AttributeError):
        built.nothing  # noqa: B018


def test_clear_url_caches_drops_included_tables(kernel):
    fd_conf = module(_build(fd))
    include = fd_conf.urlpatterns[1]
    include._compile(kernel)
    assert include.resolve("inc/4/").kwargs == {"x": 4}
    assert include._table is not None
    fd.clear_url_caches()
    assert include._table is None
    assert include.resolve("inc/4/").kwargs == {"x": 4}


def test_concurrent_first_resolves_agree(twin):
    fd_conf = module(
        [fd.path(f"p{i}/<int:x>/", view_a, name=f"p{i}") for i in range(200)]
    )
    resolver = fd.get_resolver(fd_conf)
    results, errors = [], []
    start = threading.Barrier(8)

    def work(i):
        try:
            start.wait()
            results.append(resolver.resolve(f"/p{i * 20}/{i}/").kwargs == {"x": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [True] * 8


def test_resolve_accepts_dotted_urlconf_and_module(twin):
    assert fd.resolve("/items/2/", urlconf="tests.urls").kwargs == {"pk": 2}
    import tests.urls

    assert fd.resolve("/items/2/", urlconf=tests.urls).url_name == "item"
    assert fd.get_resolver("tests.urls") is fd.get_resolver("tests.urls")


def test_error_handler_bad_dotted_path():
    from fastdj.core.exceptions import ViewDoesNotExist

    conf = module([], handler404="urls_support.missing_view")
    with pytest.raises(ViewDoesNotExist):
        fd.get_resolver(conf).resolve_error_handler(404)


def test_unimportable_root_urlconf_names_the_setting():
    from fastdj.core.exceptions import ImproperlyConfigured
    from fastdj.test.utils import override_settings

    with override_settings(ROOT_URLCONF="no_such_package.urls"):
        fd.clear_url_caches()
        with pytest.raises(ImproperlyConfigured, match="ROOT_URLCONF setting names"):
            fd.resolve("/")
    fd.clear_url_caches()


def test_unimportable_request_urlconf_says_so():
    from fastdj.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="request.urlconf names"):
        fd.resolve("/", urlconf="no_such_package.other_urls")
    fd.clear_url_caches()


def test_unset_root_urlconf_names_the_setting():
    from fastdj.core.exceptions import ImproperlyConfigured
    from fastdj.test.utils import override_settings

    with override_settings(ROOT_URLCONF=None):
        fd.clear_url_caches()
        with pytest.raises(ImproperlyConfigured, match="ROOT_URLCONF setting is not"):
            fd.resolve("/")
    fd.clear_url_caches()
