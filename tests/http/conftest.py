"""Helpers for the HTTP layer tests: WSGI environs for fastdj and Django."""

import io

import pytest


def make_environ(
    method="GET",
    path="/",
    query_string="",
    body=b"",
    content_type=None,
    content_length=None,
    headers=None,
    **extra,
):
    """Return a WSGI environ like django.test.RequestFactory builds."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query_string,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multiprocess": True,
        "wsgi.multithread": False,
        "wsgi.run_once": False,
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if content_length is None and body:
        content_length = len(body)
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    environ.update(extra)
    return environ


def twin_requests(**kwargs):
    """Return (fastdj request, django request) built from equal environs."""
    from django.core.handlers.wsgi import WSGIRequest as DjangoWSGIRequest

    from fastdj.http.request import WSGIRequest

    return WSGIRequest(make_environ(**kwargs)), DjangoWSGIRequest(
        make_environ(**kwargs)
    )


def outcome(func, *args, **kwargs):
    """Return ("ok", result) or ("raise", exception class name)."""
    try:
        return "ok", func(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 -- compared across implementations
        return "raise", type(e).__name__


@pytest.fixture
def dj_settings():
    """Override Django settings like fastdj's override_settings (context factory)."""
    from django.test.utils import override_settings

    return override_settings
