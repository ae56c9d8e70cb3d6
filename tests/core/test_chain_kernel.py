"""The middleware kernel itself, against each twin (fastdj._accel.kernel)."""

import pytest

from fastdj import _accel
from fastdj.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed


def converted(request, exc):
    return ("converted", request, type(exc).__name__)


@pytest.fixture
def kernel(twin):
    return _accel.kernel("middleware")


def test_twin_is_the_one_selected(kernel, twin):
    expected = (
        "fastdj._speedups.handlers_chain"
        if twin == "cy"
        else ("fastdj.core.handlers._chain")
    )
    assert kernel.__name__ == expected


class Plain:
    def __call__(self, request):
        return ("plain", request)


class Inherited(Plain):
    pass


class Static:
    @staticmethod
    def __call__(request):
        return ("static", request)


class Raising:
    def __call__(self, request):
        raise KeyError(request)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (lambda request: ("function", request), ("function", 1)),
        (Plain(), ("plain", 1)),
        (Inherited(), ("plain", 1)),
        (Static(), ("static", 1)),
        (Plain().__call__, ("plain", 1)),
        (Raising(), ("converted", 1, "KeyError")),
    ],
)
def test_convert_exception_to_response_calls_like_python(kernel, target, expected):
    layer = kernel.convert_exception_to_response(target, converted)
    assert layer(1) == expected


def test_base_exceptions_are_not_converted(kernel):
    def interrupt(request):
        raise KeyboardInterrupt

    layer = kernel.convert_exception_to_response(interrupt, converted)
    with pytest.raises(KeyboardInterrupt):
        layer(1)


def test_the_conversion_sees_the_exception_being_handled(kernel):
    import sys

    seen = []

    def record(request, exc):
        seen.append(sys.exc_info()[1] is exc)
        return "ok"

    layer = kernel.convert_exception_to_response(Raising(), record)
    assert layer(1) == "ok"
    assert seen == [True]


def test_build_chain_orders_hook_lists_like_django(kernel):
    def factory(name, **hooks):
        def make(get_response):
            instance = type(name, (), {})()
            instance.__class__.__call__ = lambda self, request: get_response(request)
            for hook in hooks:
                setattr(instance, hook, f"{name}.{hook}")
            return instance

        return make

    def not_used(get_response):
        raise MiddlewareNotUsed("skip")

    told = []
    chain, views, templates, exceptions = kernel.build_chain(
        lambda request: f"view({request})",
        [
            ("a", factory("a", process_view=1, process_exception=1)),
            ("skip", not_used),
            ("b", factory("b", process_view=1, process_template_response=1)),
            ("c", factory("c", process_exception=1, process_template_response=1)),
        ],
        converted,
        lambda path, exc: told.append((path, str(exc))),
    )
    assert chain("r") == "view(r)"
    assert views == ["a.process_view", "b.process_view"]
    assert templates == ["c.process_template_response", "b.process_template_response"]
    assert exceptions == ["c.process_exception", "a.process_exception"]
    assert told == [("skip", "skip")]


def test_build_chain_without_middleware_is_the_inner_handler(kernel):
    def inner(request):
        return request

    assert kernel.build_chain(inner, [], converted)[0] is inner


def test_build_chain_refuses_a_factory_returning_none(kernel):
    with pytest.raises(ImproperlyConfigured, match="Middleware factory x.Y returned"):
        kernel.build_chain(lambda r: r, [("x.Y", lambda gr: None)], converted)


def test_view_path_get_response_raises_and_handle_converts(kernel):
    class Match:
        func = staticmethod(lambda request, *args, **kwargs: (request, args, kwargs))
        args = (1,)
        kwargs = {"k": 2}

    class Resolver:
        def resolve(self, path):
            if path == "/missing/":
                raise LookupError(path)
            return Match()

    class Request:
        path_info = "/x/"

    class Settings:
        ROOT_URLCONF = "root"

    urlconfs = []

    def resolver_for(urlconf):
        urlconfs.append(urlconf)
        return Resolver()

    path = kernel.ViewPath(resolver_for, Settings, lambda u: None, None, converted)
    request = Request()
    assert path.handle(request) == (request, (1,), {"k": 2})
    assert isinstance(request.resolver_match, Match)
    request.path_info = "/missing/"
    with pytest.raises(LookupError):
        path.get_response(request)
    assert path.handle(request) == ("converted", request, "LookupError")
    set_urlconfs = []
    path = kernel.ViewPath(resolver_for, Settings, set_urlconfs.append, None, converted)
    request.path_info = "/x/"
    request.urlconf = "mine"
    path.handle(request)
    request.urlconf = None
    path.handle(request)
    assert urlconfs == ["root", "root", "root", "mine", "root"]
    assert set_urlconfs == ["mine", None]


def test_view_path_process_exception(kernel):
    path = kernel.ViewPath(None, None, None, None, converted)
    assert path.process_exception("r", ValueError()) is None
    path.set_middleware(
        [], [], [lambda r, e: None, lambda r, e: "answer", lambda r, e: "late"]
    )
    assert path.process_exception("r", ValueError()) == "answer"
