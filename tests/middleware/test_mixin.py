"""MiddlewareMixin runs old-style hooks in the order Django's mixin does."""

import pytest
from django.utils.deprecation import MiddlewareMixin as DjMixin

from fastdj.utils.deprecation import MiddlewareMixin


def _run(mixin, short_circuit):
    calls = []

    class Old(mixin):
        def process_request(self, request):
            calls.append("request")
            return "early" if short_circuit else None

        def process_response(self, request, response):
            calls.append(("response", response))
            return response + "!"

    def view(request):
        calls.append("view")
        return "late"

    result = Old(view)("req")
    return result, calls


@pytest.mark.parametrize("short_circuit", [False, True])
def test_same_order_as_django(short_circuit):
    assert _run(MiddlewareMixin, short_circuit) == _run(DjMixin, short_circuit)


def test_hooks_are_optional():
    class Bare(MiddlewareMixin):
        pass

    assert Bare(lambda r: r * 2)(21) == 42


def test_get_response_is_required():
    with pytest.raises(ValueError, match="get_response must be provided"):
        MiddlewareMixin(None)
