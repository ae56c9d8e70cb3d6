"""WSGIHandler: fastdj as a WSGI application."""

from __future__ import annotations

from fastdj import _accel
from fastdj.conf import settings
from fastdj.core import signals
from fastdj.core.handlers import base
from fastdj.http.request import (
    LimitedStream,
    WSGIRequest,
    get_bytes_from_wsgi,
    get_path_info,
    get_script_name,
    get_str_from_wsgi,
)
from fastdj.urls.base import _prefixes as script_prefixes

__all__ = [
    "LimitedStream",
    "WSGIHandler",
    "WSGIRequest",
    "get_bytes_from_wsgi",
    "get_path_info",
    "get_script_name",
    "get_str_from_wsgi",
]


class WSGIHandler(base.BaseHandler):
    """A WSGI application running settings.MIDDLEWARE and the URLconf."""

    request_class = WSGIRequest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.load_middleware()

    def load_middleware(self, is_async: bool = False) -> None:
        """Build the middleware chain, then the WSGI entry that runs it."""
        super().load_middleware(is_async)
        self._wsgi_entry = (
            _accel.kernel("middleware")
            .WSGIEntry(
                type(self),
                self.request_class,
                self.get_response,
                get_script_name,
                script_prefixes,
                settings,
                signals.request_started,
            )
            .handle
        )

    # __call__(environ, start_response): return the body iterable for the
    # request in ``environ`` (PEP 3333), from the entry load_middleware()
    # built. The kernel's function, so that from the Cython twin a server's
    # call costs no Python frame; both twins' functions do the same thing.
    __call__ = _accel.kernel("middleware").call_wsgi_entry
