"""Middleware used by the client tests."""

from fastdj.http import HttpResponse

calls = []


class TagMiddleware:
    """Add X-Tag to every response; record the order of calls."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        calls.append("tag:request")
        response = self.get_response(request)
        calls.append("tag:response")
        response["X-Tag"] = "tagged"
        return response


class ShortCircuitMiddleware:
    """Answer /short/ itself, without reaching the URLconf."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/short/":
            return HttpResponse("short-circuited")
        return self.get_response(request)


class CountingMiddleware:
    """Count how many times the factory runs (once per handler)."""

    instances = 0

    def __init__(self, get_response):
        type(self).instances += 1
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
