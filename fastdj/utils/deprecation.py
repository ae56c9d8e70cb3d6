"""MiddlewareMixin: run Django's old-style process_request/process_response hooks.

Most third-party Django middleware subclasses this mixin, so ports need it under
the same name.
"""

__all__ = ["MiddlewareMixin"]


class MiddlewareMixin:
    """Adapt a middleware with ``process_request``/``process_response`` methods."""

    def __init__(self, get_response):
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response

    def __call__(self, request):
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or self.get_response(request)
        if hasattr(self, "process_response"):
            response = self.process_response(request, response)
        return response
