"""RequestFactory and Client: build requests, and drive them through the handler.

As in Django, ``RequestFactory`` only builds ``WSGIRequest`` objects for calling
a view directly, while ``Client`` sends each request through a real
``BaseHandler`` with the configured MIDDLEWARE, keeps cookies between requests
and can follow redirects. Signatures and encodings are Django 5.2's, so a
Django test suite ports with an import rewrite.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import sys
from collections.abc import Iterable
from functools import partial
from http.cookies import SimpleCookie
from io import BytesIO, IOBase
from urllib.parse import unquote_to_bytes, urljoin, urlsplit
from urllib.parse import urlencode as _stdlib_urlencode

from fastdj.conf import settings
from fastdj.core.handlers.base import BaseHandler
from fastdj.core.serializers.json import DjangoJSONEncoder
from fastdj.core.signals import got_request_exception, request_started
from fastdj.http import QueryDict
from fastdj.http.request import WSGIRequest

__all__ = [
    "BOUNDARY",
    "MULTIPART_CONTENT",
    "Client",
    "ClientHandler",
    "FakePayload",
    "RedirectCycleError",
    "RequestFactory",
    "conditional_content_removal",
    "encode_file",
    "encode_multipart",
]

BOUNDARY = "BoUnDaRyStRiNg"
MULTIPART_CONTENT = f"multipart/form-data; boundary={BOUNDARY}"
_CONTENT_TYPE_CHARSET_RE = re.compile(r".*; charset=([\w-]+);?")
# application/json and structured suffixes such as application/vnd.api+json.
_JSON_CONTENT_TYPE_RE = re.compile(r"^application\/(.+\+)?json")
_REDIRECT_STATUS_CODES = frozenset({301, 302, 303, 307, 308})
# The browser default (Firefox's network.http.redirection-limit).
_MAX_REDIRECTS = 20


class RedirectCycleError(Exception):
    """The client was asked to follow a redirect loop."""

    def __init__(self, message: str, last_response):
        super().__init__(message)
        self.last_response = last_response
        self.redirect_chain = last_response.redirect_chain


class FakePayload(IOBase):
    """A request body stream that, like a socket, cannot be read past its length.

    Reading more than is left fails loudly, so a view that would hang on a real
    server fails in tests instead.
    """

    def __init__(self, initial_bytes: bytes | str | None = None):
        self._content = BytesIO()
        self._remaining = 0
        self.read_started = False
        if initial_bytes is not None:
            self.write(initial_bytes)

    def __len__(self) -> int:
        return self._remaining

    def _take(self, reader, size):
        if not self.read_started:
            self._content.seek(0)
            self.read_started = True
        if size is None or size == -1:
            size = self._remaining
        if size > self._remaining:
            raise AssertionError(
                "Cannot read more than the available bytes from the HTTP incoming data."
            )
        content = reader(size)
        self._remaining -= len(content)
        return content

    def read(self, size: int | None = -1, /) -> bytes:
        """Read up to ``size`` bytes (all that is left by default)."""
        return self._take(self._content.read, size)

    def readline(self, size: int | None = -1, /) -> bytes:
        """Read one line, at most ``size`` bytes."""
        return self._take(self._content.readline, size)

    def write(self, b: bytes | str, /) -> None:
        """Append to the payload; only allowed before reading starts."""
        if self.read_started:
            raise ValueError("Unable to write a payload after it's been read")
        content = _to_bytes(b)
        self._content.write(content)
        self._remaining += len(content)


def _to_bytes(value, encoding: str = "utf-8") -> bytes:
    # Django's force_bytes: bytes are re-encoded only if the charset differs.
    if isinstance(value, bytes):
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            return value
        return value.decode("utf-8").encode(encoding)
    if isinstance(value, memoryview):
        return bytes(value)
    return str(value).encode(encoding)


def _wsgi_header_names(headers: dict) -> dict[str, str]:
    """Return ``headers`` keyed by their WSGI environ names (HTTP_X_FOO)."""
    environ = {}
    for name, value in headers.items():
        key = name.replace("-", "_").upper()
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        environ[key] = value
    return environ


def _urlencode(query, doseq: bool = False) -> str:
    """Encode a query string as Django's urlencode does (None is an error)."""
    if hasattr(query, "lists"):
        items = query.lists()
    elif hasattr(query, "items"):
        items = query.items()
    else:
        items = query
    pairs = []
    for key, value in items:
        if value is None:
            raise TypeError(
                f"Cannot encode None for key '{key}' in a query string. Did you "
                "mean to pass an empty string or omit the value?"
            )
        if not doseq or isinstance(value, (str, bytes)):
            encoded = value
        else:
            try:
                iterator = iter(value)
            except TypeError:
                encoded = value
            else:
                encoded = []
                for item in iterator:
                    if item is None:
                        raise TypeError(
                            f"Cannot encode None for key '{key}' in a query "
                            "string. Did you mean to pass an empty string or "
                            "omit the value?"
                        )
                    encoded.append(item.decode() if isinstance(item, bytes) else item)
        pairs.append((key, encoded))
    return _stdlib_urlencode(pairs, doseq)


def _is_file(thing) -> bool:
    return hasattr(thing, "read") and callable(thing.read)


def encode_multipart(boundary: str, data) -> bytes:
    """Return ``data`` (a dict of values, lists and files) as multipart/form-data.

    A list sends the field once per item; a file-like value is sent as an
    upload. None is refused, as in Django.
    """
    charset = settings.DEFAULT_CHARSET
    lines: list[bytes] = []

    def field(key, value):
        lines.extend(
            _to_bytes(part, charset)
            for part in (
                f"--{boundary}",
                f'Content-Disposition: form-data; name="{key}"',
                "",
                value,
            )
        )

    for key, value in data.items():
        if value is None:
            raise TypeError(
                f"Cannot encode None for key '{key}' as POST data. Did you mean "
                "to pass an empty string or omit the value?"
            )
        if _is_file(value):
            lines.extend(encode_file(boundary, key, value))
        elif not isinstance(value, str) and isinstance(value, Iterable):
            for item in value:
                if _is_file(item):
                    lines.extend(encode_file(boundary, key, item))
                else:
                    field(key, item)
        else:
            field(key, value)
    lines.append(_to_bytes(f"--{boundary}--", charset))
    lines.append(b"")
    return b"\r\n".join(lines)


def encode_file(boundary: str, key: str, file) -> list[bytes]:
    """Return the multipart lines that upload ``file`` as field ``key``."""
    charset = settings.DEFAULT_CHARSET
    # TemporaryFile().name is an int: only a str name gives a filename.
    name = getattr(file, "name", None)
    filename = os.path.basename(name) if isinstance(name, str) else ""
    if hasattr(file, "content_type"):
        content_type = file.content_type
    elif filename:
        content_type = mimetypes.guess_type(filename)[0]
    else:
        content_type = None
    content_type = content_type or "application/octet-stream"
    filename = filename or key
    return [
        _to_bytes(f"--{boundary}", charset),
        _to_bytes(
            f'Content-Disposition: form-data; name="{key}"; filename="{filename}"',
            charset,
        ),
        _to_bytes(f"Content-Type: {content_type}", charset),
        b"",
        _to_bytes(file.read(), charset),
    ]


def conditional_content_removal(request, response):
    """Drop the body of HEAD, 1xx, 204 and 304 responses, as servers do."""
    status = response.status_code
    if 100 <= status < 200 or status in (204, 304) or request.method == "HEAD":
        if response.streaming:
            response.streaming_content = []
        else:
            response.content = b""
    return response


def _closing_iterator(iterable, close):
    try:
        yield from iterable
    finally:
        close()


class ClientHandler(BaseHandler):
    """A handler that returns the response object instead of WSGI output.

    Middleware is loaded once, on the first request; the originating request
    is attached to the response as ``wsgi_request``.
    """

    def __init__(self, enforce_csrf_checks: bool = True, *args, **kwargs):
        self.enforce_csrf_checks = enforce_csrf_checks
        super().__init__(*args, **kwargs)

    def __call__(self, environ: dict):
        if getattr(self, "_middleware_chain", None) is None:
            self.load_middleware()
        request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        # For CSRF middleware, as in Django: tests skip the check by default.
        request._dont_enforce_csrf_checks = not self.enforce_csrf_checks
        response = self.get_response(request)
        conditional_content_removal(request, response)
        response.wsgi_request = request
        # Close as a WSGI server would: now, or once the stream is consumed.
        if response.streaming:
            response.streaming_content = _closing_iterator(
                response.streaming_content, response.close
            )
        else:
            response.close()
        return response


class RequestFactory:
    """Build WSGIRequest objects to pass straight to a view::

    rf = RequestFactory()
    request = rf.post("/submit/", {"name": "x"})
    """

    def __init__(
        self,
        *,
        json_encoder: type[json.JSONEncoder] = DjangoJSONEncoder,
        headers: dict | None = None,
        query_params=None,
        **defaults,
    ):
        self.json_encoder = json_encoder
        self.defaults = defaults
        self.cookies = SimpleCookie()
        self.errors = BytesIO()
        if headers:
            self.defaults.update(_wsgi_header_names(headers))
        if query_params:
            self.defaults["QUERY_STRING"] = _urlencode(query_params, doseq=True)

    def _base_environ(self, **request) -> dict:
        """Return a minimal valid WSGI environ, plus cookies and REMOTE_ADDR."""
        return {
            "HTTP_COOKIE": "; ".join(
                sorted(f"{m.key}={m.coded_value}" for m in self.cookies.values())
            ),
            "PATH_INFO": "/",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": FakePayload(b""),
            "wsgi.errors": self.errors,
            "wsgi.multiprocess": True,
            "wsgi.multithread": False,
            "wsgi.run_once": False,
            **self.defaults,
            **request,
        }

    def request(self, **request) -> WSGIRequest:
        """Return a WSGIRequest for the environ ``request`` completes."""
        return WSGIRequest(self._base_environ(**request))

    def _encode_data(self, data, content_type: str) -> bytes:
        if content_type is MULTIPART_CONTENT:
            return encode_multipart(BOUNDARY, data)
        match = _CONTENT_TYPE_CHARSET_RE.match(content_type)
        charset = match[1] if match else settings.DEFAULT_CHARSET
        return _to_bytes(data, charset)

    def _encode_json(self, data, content_type: str):
        """Return ``data`` as JSON text if it is a dict/list/tuple sent as JSON."""
        if _JSON_CONTENT_TYPE_RE.match(content_type) and isinstance(
            data, (dict, list, tuple)
        ):
            return json.dumps(data, cls=self.json_encoder)
        return data

    def _get_path(self, parsed) -> str:
        # PEP 3333: environ strings carry bytes decoded as latin-1.
        return unquote_to_bytes(parsed.path).decode("iso-8859-1")

    @staticmethod
    def _query(data, query_params):
        if query_params and data:
            raise ValueError("query_params and data arguments are mutually exclusive.")
        query_params = data or query_params
        return {} if query_params is None else query_params

    def get(
        self, path, data=None, secure=False, *, headers=None, query_params=None, **extra
    ):
        """Return a GET request; ``data`` (or ``query_params``) is the query."""
        return self.generic(
            "GET",
            path,
            secure=secure,
            headers=headers,
            query_params=self._query(data, query_params),
            **extra,
        )

    def post(
        self,
        path,
        data=None,
        content_type=MULTIPART_CONTENT,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return a POST request; ``data`` is sent as multipart by default."""
        data = self._encode_json({} if data is None else data, content_type)
        body = self._encode_data(data, content_type)
        return self.generic(
            "POST",
            path,
            body,
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def head(
        self, path, data=None, secure=False, *, headers=None, query_params=None, **extra
    ):
        """Return a HEAD request."""
        return self.generic(
            "HEAD",
            path,
            secure=secure,
            headers=headers,
            query_params=self._query(data, query_params),
            **extra,
        )

    def trace(self, path, secure=False, *, headers=None, query_params=None, **extra):
        """Return a TRACE request."""
        return self.generic(
            "TRACE",
            path,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def options(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return an OPTIONS request."""
        return self.generic(
            "OPTIONS",
            path,
            data,
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def put(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return a PUT request; a dict/list is sent as JSON for a JSON type."""
        return self.generic(
            "PUT",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def patch(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return a PATCH request; a dict/list is sent as JSON for a JSON type."""
        return self.generic(
            "PATCH",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def delete(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return a DELETE request; a dict/list is sent as JSON for a JSON type."""
        return self.generic(
            "DELETE",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def generic(
        self,
        method,
        path,
        data="",
        content_type="application/octet-stream",
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Return a request with any method, body and content type."""
        parsed = urlsplit(str(path))  # str(): path may be a lazy reverse
        data = _to_bytes(data, settings.DEFAULT_CHARSET)
        environ = {
            "PATH_INFO": self._get_path(parsed),
            "REQUEST_METHOD": method,
            "SERVER_PORT": "443" if secure else "80",
            "wsgi.url_scheme": "https" if secure else "http",
        }
        if data:
            environ["CONTENT_LENGTH"] = str(len(data))
            environ["CONTENT_TYPE"] = content_type
            environ["wsgi.input"] = FakePayload(data)
        if headers:
            extra.update(_wsgi_header_names(headers))
        if query_params:
            extra["QUERY_STRING"] = _urlencode(query_params, doseq=True)
        environ.update(extra)
        if not environ.get("QUERY_STRING"):
            # The query in the URL itself, latin-1 as PEP 3333 wants.
            environ["QUERY_STRING"] = parsed.query.encode().decode("iso-8859-1")
        return self.request(**environ)


class _LazyResolverMatch:
    """Resolve the request path on first use (a 404 has nothing to resolve)."""

    def __init__(self, path: str, urlconf):
        self._path = path
        self._urlconf = urlconf
        self._match = None

    def _resolve(self):
        if self._match is None:
            from fastdj.urls import resolve

            self._match = resolve(self._path, urlconf=self._urlconf)
        return self._match

    def __getattr__(self, name):
        if name in ("_path", "_urlconf", "_match"):  # not yet set: no recursion
            raise AttributeError(name)
        return getattr(self._resolve(), name)

    def __getitem__(self, index):
        return self._resolve()[index]

    def __eq__(self, other):
        return self._resolve() == other

    __hash__ = None

    def __repr__(self):
        return repr(self._resolve())


class Client(RequestFactory):
    """A stateful test client: requests go through the real handler.

    Cookies set by responses are kept in ``self.cookies`` and sent back.
    Exceptions raised by views are re-raised (``raise_request_exception``).
    """

    def __init__(
        self,
        enforce_csrf_checks: bool = False,
        raise_request_exception: bool = True,
        *,
        headers: dict | None = None,
        query_params=None,
        **defaults,
    ):
        super().__init__(headers=headers, query_params=query_params, **defaults)
        self.handler = ClientHandler(enforce_csrf_checks)
        self.raise_request_exception = raise_request_exception
        self.exc_info = None
        self.extra = None
        self.headers = None

    def store_exc_info(self, **kwargs) -> None:
        """Remember the exception a view raised (a got_request_exception receiver)."""
        self.exc_info = sys.exc_info()

    def check_exception(self, response) -> None:
        """Re-raise a view's exception if the client is asked to."""
        response.exc_info = self.exc_info
        if self.exc_info:
            exc_value = self.exc_info[1]
            self.exc_info = None
            if self.raise_request_exception:
                raise exc_value

    def request(self, **request):
        """Send a request built from ``request`` and return the response."""
        environ = self._base_environ(**request)
        exception_uid = f"request-exception-{id(request)}"
        got_request_exception.connect(self.store_exc_info, dispatch_uid=exception_uid)
        try:
            response = self.handler(environ)
        finally:
            got_request_exception.disconnect(dispatch_uid=exception_uid)
        self.check_exception(response)
        response.client = self
        response.request = request
        # Filled in once the template engine sends template_rendered.
        response.templates = []
        response.context = None
        response.json = partial(self._parse_json, response)
        urlconf = getattr(response.wsgi_request, "urlconf", None)
        response.resolver_match = _LazyResolverMatch(request["PATH_INFO"], urlconf)
        if response.cookies:
            self.cookies.update(response.cookies)
        return response

    @staticmethod
    def _parse_json(response, **loads_kwargs):
        if not hasattr(response, "_json"):
            content_type = response.get("Content-Type")
            if not _JSON_CONTENT_TYPE_RE.match(content_type or ""):
                raise ValueError(
                    f'Content-Type header is "{content_type}", not "application/json"'
                )
            response._json = json.loads(
                response.content.decode(response.charset), **loads_kwargs
            )
        return response._json

    def get(
        self,
        path,
        data=None,
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a GET request; ``follow`` follows redirects."""
        self.extra, self.headers = extra, headers
        response = super().get(
            path,
            data=data,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        if follow:
            response = self._handle_redirects(
                response, data=data, headers=headers, query_params=query_params, **extra
            )
        return response

    def post(
        self,
        path,
        data=None,
        content_type=MULTIPART_CONTENT,
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a POST request; ``follow`` follows redirects."""
        self.extra, self.headers = extra, headers
        response = super().post(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        if follow:
            response = self._handle_redirects(
                response,
                data=data,
                content_type=content_type,
                headers=headers,
                query_params=query_params,
                **extra,
            )
        return response

    def head(
        self,
        path,
        data=None,
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a HEAD request; the response has headers and no content."""
        self.extra, self.headers = extra, headers
        response = super().head(
            path,
            data=data,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        if follow:
            response = self._handle_redirects(
                response, data=data, headers=headers, query_params=query_params, **extra
            )
        return response

    def _with_body(
        self,
        method,
        path,
        data,
        content_type,
        follow,
        secure,
        headers,
        query_params,
        extra,
    ):
        self.extra, self.headers = extra, headers
        response = getattr(super(), method)(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        if follow:
            response = self._handle_redirects(
                response,
                data=data,
                content_type=content_type,
                headers=headers,
                query_params=query_params,
                **extra,
            )
        return response

    def options(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send an OPTIONS request."""
        return self._with_body(
            "options",
            path,
            data,
            content_type,
            follow,
            secure,
            headers,
            query_params,
            extra,
        )

    def put(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a PUT request."""
        return self._with_body(
            "put",
            path,
            data,
            content_type,
            follow,
            secure,
            headers,
            query_params,
            extra,
        )

    def patch(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a PATCH request."""
        return self._with_body(
            "patch",
            path,
            data,
            content_type,
            follow,
            secure,
            headers,
            query_params,
            extra,
        )

    def delete(
        self,
        path,
        data="",
        content_type="application/octet-stream",
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a DELETE request."""
        return self._with_body(
            "delete",
            path,
            data,
            content_type,
            follow,
            secure,
            headers,
            query_params,
            extra,
        )

    def trace(
        self,
        path,
        data="",
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        """Send a TRACE request."""
        self.extra, self.headers = extra, headers
        response = super().trace(
            path, secure=secure, headers=headers, query_params=query_params, **extra
        )
        if follow:
            response = self._handle_redirects(
                response, data=data, headers=headers, query_params=query_params, **extra
            )
        return response

    def _handle_redirects(
        self,
        response,
        data="",
        content_type="",
        headers=None,
        query_params=None,
        **extra,
    ):
        """Follow redirects until a non-redirect; record them in redirect_chain."""
        response.redirect_chain = []
        while response.status_code in _REDIRECT_STATUS_CODES:
            chain = response.redirect_chain
            response = self._follow_redirect(
                response,
                data=data,
                content_type=content_type,
                headers=headers,
                query_params=query_params,
                **extra,
            )
            response.redirect_chain = chain
            if chain[-1] in chain[:-1]:
                raise RedirectCycleError(
                    "Redirect loop detected.", last_response=response
                )
            if len(chain) > _MAX_REDIRECTS:
                raise RedirectCycleError("Too many redirects.", last_response=response)
        return response

    def _follow_redirect(
        self,
        response,
        *,
        data="",
        content_type="",
        headers=None,
        query_params=None,
        **extra,
    ):
        url = response.url
        response.redirect_chain.append((url, response.status_code))
        parts = urlsplit(url)
        if parts.scheme:
            extra["wsgi.url_scheme"] = parts.scheme
        if parts.hostname:
            extra["SERVER_NAME"] = parts.hostname
            extra["HTTP_HOST"] = parts.hostname
        if parts.port:
            extra["SERVER_PORT"] = str(parts.port)
        path = parts.path
        if not path and parts.netloc:
            path = "/"  # RFC 3986 6.2.3: an empty path is "/"
        if not path.startswith("/"):
            path = urljoin(response.request["PATH_INFO"], path)
        if response.status_code in (307, 308):
            # 307/308 repeat the request with its method and body.
            method = response.request["REQUEST_METHOD"].lower()
            if method not in ("get", "head"):
                extra["QUERY_STRING"] = parts.query
            send = getattr(self, method)
        else:
            send = self.get
            data = QueryDict(parts.query)
            content_type = None
        return send(
            path,
            data=data,
            content_type=content_type,
            follow=False,
            headers=headers,
            query_params=query_params,
            **extra,
        )
