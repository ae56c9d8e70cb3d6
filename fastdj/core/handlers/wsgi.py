"""WSGIHandler: fastdj as a WSGI application."""

from __future__ import annotations

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
from fastdj.urls import set_script_prefix

__all__ = [
    "LimitedStream",
    "WSGIHandler",
    "WSGIRequest",
    "get_bytes_from_wsgi",
    "get_path_info",
    "get_script_name",
    "get_str_from_wsgi",
]

# Statuses whose responses never have a body, hence no Content-Length.
_BODILESS_STATUSES = frozenset({204, 304})
_request_started = signals.request_started


class _EmptyBody:
    """The body of a HEAD response: nothing to send, but close() still runs."""

    __slots__ = ("close",)

    def __init__(self, close):
        self.close = close

    def __iter__(self):
        return iter(())


class WSGIHandler(base.BaseHandler):
    """A WSGI application running settings.MIDDLEWARE and the URLconf."""

    request_class = WSGIRequest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.load_middleware()

    def __call__(self, environ, start_response):
        set_script_prefix(get_script_name(environ))
        # Signal.send is cheap when empty, but not free: skip it outright.
        if _request_started.receivers:
            _request_started.send(sender=self.__class__, environ=environ)
        request = self.request_class(environ)
        response = self.get_response(request)
        response._handler_class = self.__class__

        is_head = request.method == "HEAD"
        if is_head:
            # Headers as for GET, including the length of the body not sent
            # (except where a GET would have no body either).
            if (
                not response.streaming
                and response.status_code not in _BODILESS_STATUSES
                and response.status_code >= 200
                and not response.has_header("Content-Length")
            ):
                response.headers["Content-Length"] = str(len(response.content))
        try:
            start_response(response.wsgi_status(), response.wsgi_headers())
        except BaseException:
            # The server refused the response and will never close it: close it
            # here, so its resources are freed and request_finished is sent.
            response.close()
            raise
        if is_head:
            return _EmptyBody(response.close)

        file_to_stream = getattr(response, "file_to_stream", None)
        if file_to_stream is not None:
            file_wrapper = environ.get("wsgi.file_wrapper")
            if file_wrapper:
                # The server then closes the wrapper, not the response: route
                # that close to the response, which closes every resource.
                file_to_stream.close = response.close
                return file_wrapper(file_to_stream, response.block_size)
        return response
