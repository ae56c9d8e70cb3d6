"""Example middleware: request ids and response timing."""

import time
import uuid

from fastdj.http import HttpResponseBadRequest

# A client may send its own id (from a proxy, say); only sane values are kept.
_MAX_ID_LENGTH = 64


class RequestIdMiddleware:
    """Give each request an id (``request.id``) and echo it as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID")
        if request_id is not None and not _valid_id(request_id):
            return HttpResponseBadRequest("Invalid X-Request-ID header.")
        request.id = request_id or uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= _MAX_ID_LENGTH and all(
        c.isascii() and (c.isalnum() or c in "-_.") for c in value
    )


class ResponseTimeMiddleware:
    """Add X-Response-Time: the time spent below this middleware, in ms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - start) * 1000
        response["X-Response-Time"] = f"{elapsed_ms:.3f}ms"
        return response
