"""Shared helpers for the handler tests: environs, handlers, a call log.

The same middleware/view scenario is run through fastdj and through Django
(the oracle), so the helpers come in pairs: ``Fastdj`` and ``Django`` build a
handler from a MIDDLEWARE list and answer ``get(path, method)``.
"""

from __future__ import annotations

import contextlib
import io

LOG: list[str] = []


def environ(path="/", method="GET", body=b"", **extra):
    """Return a minimal WSGI environ for ``method path``."""
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    env.update(extra)
    return env


class Fastdj:
    """Run requests through fastdj's BaseHandler."""

    name = "fastdj"
    urlconf = "tests.core.urls_handlers"

    @staticmethod
    @contextlib.contextmanager
    def handler(middleware, urlconf=None, handler_class=None, **settings):
        from fastdj.core.handlers.base import BaseHandler
        from fastdj.http.request import WSGIRequest
        from fastdj.test.utils import override_settings

        with override_settings(
            MIDDLEWARE=list(middleware),
            ROOT_URLCONF=urlconf or Fastdj.urlconf,
            **settings,
        ):
            handler = (handler_class or BaseHandler)()
            handler.load_middleware()

            def get(path, method="GET", **extra):
                request = WSGIRequest(environ(path, method, **extra))
                return handler.get_response(request)

            get.handler = handler
            yield get


class Django:
    """Run requests through Django's BaseHandler (the oracle)."""

    name = "django"
    urlconf = "tests.core.dj_urls"

    @staticmethod
    @contextlib.contextmanager
    def handler(middleware, urlconf=None, handler_class=None, **settings):
        from django.core.handlers.base import BaseHandler
        from django.core.handlers.wsgi import WSGIRequest
        from django.test.utils import override_settings

        with override_settings(
            MIDDLEWARE=list(middleware),
            ROOT_URLCONF=urlconf or Django.urlconf,
            **settings,
        ):
            handler = (handler_class or BaseHandler)()
            handler.load_middleware()

            def get(path, method="GET", **extra):
                request = WSGIRequest(environ(path, method, **extra))
                return handler.get_response(request)

            get.handler = handler
            yield get


@contextlib.contextmanager
def common_handler(urlconf: str):
    """Yield a WSGIHandler for ``urlconf`` behind CommonMiddleware.

    The request state it leaves behind (script prefix, urlconf) is reset.
    """
    from fastdj.core.handlers.wsgi import WSGIHandler
    from fastdj.test.utils import override_settings
    from fastdj.urls import set_script_prefix, set_urlconf

    with override_settings(
        ROOT_URLCONF=urlconf,
        MIDDLEWARE=["fastdj.middleware.common.CommonMiddleware"],
        ALLOWED_HOSTS=["testserver"],
    ):
        yield WSGIHandler()
    set_script_prefix("/")
    set_urlconf(None)
