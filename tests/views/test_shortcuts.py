"""redirect() and resolve_url(), differential against Django 5.2."""

import django.shortcuts
import django.test
import django.urls
import pytest

import fastdj.shortcuts
from fastdj.urls import reverse_lazy

DJANGO_URLCONF = "tests.views.django_urls"


class WithAbsoluteUrl:
    def get_absolute_url(self):
        return "/from/model/"


def outcome(side, *args, **kwargs):
    module = fastdj.shortcuts if side == "fastdj" else django.shortcuts
    try:
        if side == "django":
            with django.test.override_settings(ROOT_URLCONF=DJANGO_URLCONF):
                response = module.redirect(*args, **kwargs)
        else:
            response = module.redirect(*args, **kwargs)
    except Exception as exc:
        return type(exc).__name__
    return (type(response).__name__, response.status_code, response["Location"])


@pytest.mark.parametrize(
    "args,kwargs",
    [
        (("/some/url/",), {}),
        (("https://example.com/x?y=1",), {}),
        (("./relative",), {}),
        (("../up",), {}),
        (("hello",), {"name": "x"}),
        (("hello", "y"), {}),
        (("item", 42), {"permanent": True}),
        (("item",), {"pk": "nope"}),
        (("no-such-view",), {}),
        (("some.domain",), {}),
        (("path/with/slash",), {}),
        ((WithAbsoluteUrl(),), {}),
        ((WithAbsoluteUrl(),), {"permanent": True}),
        (("/p/",), {"preserve_request": True}),
        (("/p/",), {"permanent": True, "preserve_request": True}),
        (("javascript:alert(1)",), {}),
    ],
)
def test_redirect_matches_django(args, kwargs):
    assert outcome("fastdj", *args, **kwargs) == outcome("django", *args, **kwargs)


def test_redirect_to_lazy_url():
    response = fastdj.shortcuts.redirect(reverse_lazy("hello", args=["lazy"]))
    assert response["Location"] == "/hello/lazy/"


def test_resolve_url_callable_that_cannot_reverse():
    def unrouted_view(request):
        pass

    with pytest.raises(fastdj.shortcuts.NoReverseMatch):
        fastdj.shortcuts.resolve_url(unrouted_view)


def test_resolve_url_view_function():
    from tests.urls import item

    assert fastdj.shortcuts.resolve_url(item, pk=3) == "/items/3/"
