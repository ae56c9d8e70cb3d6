"""HTTP requests, as ``django.http.request`` (plus ``WSGIRequest``).

``WSGIRequest(environ)`` does little when built: it takes the method and the
paths (every request is resolved), and every attribute that needs parsing
(GET, POST, COOKIES, headers, content type, the body stream) is computed on
first access and then stored on the instance, so a request that only needs
``path_info`` and ``method`` pays for nothing else.
"""

from __future__ import annotations

import codecs
import copy
import io
import re
from collections.abc import Iterator
from itertools import chain
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.parse import urlencode as _urlencode

from fastdj.conf import _settings_cache, settings
from fastdj.core.exceptions import (
    BadRequest,
    DisallowedHost,
    ImproperlyConfigured,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from fastdj.http.cookie import parse_cookie
from fastdj.http.multipartparser import (
    MultiPartParser,
    MultiPartParserError,
    TooManyFilesSent,
)
from fastdj.utils.datastructures import (
    CaseInsensitiveMapping,
    ImmutableList,
    MultiValueDict,
)
from fastdj.utils.encoding import escape_uri_path, iri_to_uri, repercent_broken_unicode
from fastdj.utils.http import is_same_domain, parse_header_parameters

__all__ = [
    "HttpHeaders",
    "HttpRequest",
    "LimitedStream",
    "MediaType",
    "QueryDict",
    "RawPostDataException",
    "UnreadablePostError",
    "WSGIRequest",
    "bytes_to_text",
    "get_path_info",
    "get_script_name",
    "split_domain_port",
    "validate_host",
]

_MISSING = object()

host_validation_re = re.compile(
    r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$"
)
_slashes_re = re.compile(rb"/+")


class UnreadablePostError(OSError, BadRequest):
    """The request body could not be read (client gone, or body truncated).

    Unlike Django (where it is only an OSError, so a 500), this is also a
    BadRequest: a body shorter than its Content-Length is the client's fault
    and the handler answers 400.
    """


class RawPostDataException(Exception):
    """The body was asked for after the stream had been read."""


class _lazy:
    """Compute an attribute on first access and store it on the instance.

    A non-data descriptor: once stored, the instance dict wins and later reads
    are plain attribute lookups; assigning the attribute overrides it.
    (functools.cached_property takes a lock on Python < 3.12.)
    """

    __slots__ = ("func", "name")

    def __init__(self, func):
        self.func = func
        self.name = func.__name__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.func(instance)
        # Not instance.__dict__[...]: asking for __dict__ makes CPython build
        # the instance's dict, which its attributes did without until then.
        object.__setattr__(instance, self.name, value)
        return value


def _content_length(meta) -> int:
    # As Django: a missing or invalid Content-Length means an empty body.
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except (ValueError, TypeError):
        return 0


class HttpRequest:
    """A basic HTTP request."""

    # Class-level defaults keep WSGIRequest.__init__ down to three assignments.
    _encoding = None
    _upload_handlers: list = []
    _read_started = False
    resolver_match = None
    # The uploaded files, once parsed (see FILES); read by close() on every
    # request, hence a class default rather than a lookup in __dict__.
    _files = None

    def __init__(self):
        self.GET = QueryDict(mutable=True)
        self.POST = QueryDict(mutable=True)
        self.COOKIES = {}
        self.META = {}
        self.FILES = MultiValueDict()
        self.path = ""
        self.path_info = ""
        self.method = None
        self.content_type = None
        self.content_params = None

    def __repr__(self) -> str:
        if self.method is None or not self.get_full_path():
            return f"<{type(self).__name__}>"
        return f"<{type(self).__name__}: {self.method} {self.get_full_path()!r}>"

    @_lazy
    def headers(self) -> HttpHeaders:
        """Return the request headers, case-insensitive, without HTTP_ prefixes."""
        return HttpHeaders(self.META)

    @_lazy
    def _stream(self):
        return io.BytesIO()

    # Content negotiation.

    @_lazy
    def accepted_types(self) -> list[MediaType]:
        """Return the Accept header's media types, most preferred first."""
        header = self.headers.get("Accept", "*/*")
        types = [
            media_type
            for token in header.split(",")
            if token.strip() and (media_type := MediaType(token)).quality != 0
        ]
        types.sort(key=lambda t: (t.quality, t.specificity), reverse=True)
        return types

    @_lazy
    def accepted_types_by_precedence(self) -> list[MediaType]:
        """Return accepted_types ordered by specificity, then quality."""
        return sorted(
            self.accepted_types,
            key=lambda t: (t.specificity, t.quality),
            reverse=True,
        )

    def accepted_type(self, media_type: str) -> MediaType | None:
        """Return the accepted MediaType that best matches media_type, or None."""
        wanted = MediaType(media_type)
        for accepted in self.accepted_types_by_precedence:
            if wanted.match(accepted):
                return accepted
        return None

    def get_preferred_type(self, media_types) -> str | None:
        """Return the item of media_types the client prefers, or None."""
        if not media_types or not self.accepted_types:
            return None
        desired = [
            (accepted, media_type)
            for media_type in media_types
            if (accepted := self.accepted_type(media_type)) is not None
        ]
        if not desired:
            return None
        order = self.accepted_types
        return min(desired, key=lambda pair: order.index(pair[0]))[1]

    def accepts(self, media_type: str) -> bool:
        """Return True if the client accepts media_type."""
        return self.accepted_type(media_type) is not None

    # Host, port, scheme.

    def _get_raw_host(self) -> str:
        """Return the host from the headers or environ, without validation."""
        meta = self.META
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
            return meta["HTTP_X_FORWARDED_HOST"]
        if "HTTP_HOST" in meta:
            return meta["HTTP_HOST"]
        # PEP 3333's reconstruction from SERVER_NAME and SERVER_PORT.
        host = meta["SERVER_NAME"]
        port = self.get_port()
        if port != ("443" if self.is_secure() else "80"):
            host = f"{host}:{port}"
        return host

    def get_host(self) -> str:
        """Return the host, validated against ALLOWED_HOSTS (DisallowedHost)."""
        # _get_raw_host() without its call for the usual request: a Host
        # header and no X-Forwarded-Host to honour.
        # Settings read from the proxy's cache when there (fastdj.conf).
        cache = _settings_cache
        host = None
        if type(self)._get_raw_host is _base_get_raw_host:
            forwarded = cache.get("USE_X_FORWARDED_HOST", _MISSING)
            if forwarded is _MISSING:
                forwarded = settings.USE_X_FORWARDED_HOST
            if not forwarded:
                host = self.META.get("HTTP_HOST")
        if host is None:
            host = self._get_raw_host()
        allowed_hosts = cache.get("ALLOWED_HOSTS", _MISSING)
        if allowed_hosts is _MISSING:
            allowed_hosts = settings.ALLOWED_HOSTS
        debug = cache.get("DEBUG", _MISSING)
        if debug is _MISSING:
            debug = settings.DEBUG
        if debug and not allowed_hosts:
            allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        # The ALLOWED_HOSTS this host was found valid for, as a copy: the
        # setting may be a list changed in place, and comparing with the copy
        # sees that (list == list, tuple == tuple) without building a key.
        valid_for = _valid_hosts.get(host)
        if valid_for is not None and valid_for == allowed_hosts:
            return host
        domain, port = split_domain_port(host)
        if domain and validate_host(domain, allowed_hosts):
            if len(_valid_hosts) >= _VALID_HOSTS_MAX:
                # With "*" any Host is valid: keep clients from growing this.
                _valid_hosts.clear()
            _valid_hosts[host] = copy.copy(allowed_hosts)
            return host
        msg = f"Invalid HTTP_HOST header: {host!r}."
        if domain:
            msg += f" You may need to add {domain!r} to ALLOWED_HOSTS."
        else:
            msg += " The domain name provided is not valid according to RFC 1034/1035."
        raise DisallowedHost(msg)

    def get_port(self) -> str:
        """Return the request's port as a string."""
        meta = self.META
        if settings.USE_X_FORWARDED_PORT and "HTTP_X_FORWARDED_PORT" in meta:
            return str(meta["HTTP_X_FORWARDED_PORT"])
        return str(meta["SERVER_PORT"])

    def get_full_path(self, force_append_slash: bool = False) -> str:
        """Return the path plus the query string, URI-escaped."""
        return self._get_full_path(self.path, force_append_slash)

    def get_full_path_info(self, force_append_slash: bool = False) -> str:
        """Return path_info plus the query string, URI-escaped."""
        return self._get_full_path(self.path_info, force_append_slash)

    def _get_full_path(self, path: str, force_append_slash: bool) -> str:
        # RFC 3986 wants an ASCII query string; escape defensively instead of
        # failing when a client sent something else.
        qs = self.META.get("QUERY_STRING", "")
        if qs:
            try:
                qs = "?" + iri_to_uri(qs)
            except UnicodeEncodeError:
                # Lone surrogates from a server that broke PEP 3333.
                qs = "?" + iri_to_uri(qs.encode("utf-8", "surrogatepass"))
        slash = "/" if force_append_slash and not path.endswith("/") else ""
        return f"{escape_uri_path(path)}{slash}{qs}"

    def build_absolute_uri(self, location=None) -> str:
        """Return location (default: this request's path) as an absolute URI."""
        if location is None:
            # "//" + path: a path starting with "//" must not read as a host.
            location = f"//{self.get_full_path()}"
        else:
            location = str(location)
        bits = urlsplit(location)
        if not (bits.scheme and bits.netloc):
            if (
                bits.path.startswith("/")
                and not bits.scheme
                and not bits.netloc
                and "/./" not in bits.path
                and "/../" not in bits.path
            ):
                # The common case: an absolute path; skip urljoin().
                location = self._current_scheme_host + location.removeprefix("//")
            else:
                location = urljoin(self._current_scheme_host + self.path, location)
        return iri_to_uri(location)

    @_lazy
    def _current_scheme_host(self) -> str:
        return f"{self.scheme}://{self.get_host()}"

    def _get_scheme(self) -> str:
        return "http"

    @property
    def scheme(self) -> str:
        """Return "https" or "http", honouring SECURE_PROXY_SSL_HEADER."""
        header = settings.SECURE_PROXY_SSL_HEADER
        if header:
            try:
                name, secure_value = header
            except ValueError:
                raise ImproperlyConfigured(
                    "The SECURE_PROXY_SSL_HEADER setting must be a tuple containing "
                    "two values."
                )
            value = self.META.get(name)
            if value is not None:
                value = value.split(",", 1)[0]
                return "https" if value.strip() == secure_value else "http"
        return self._get_scheme()

    def is_secure(self) -> bool:
        """Return True if the request came over HTTPS."""
        return self.scheme == "https"

    # Encoding and form data.

    @property
    def encoding(self) -> str | None:
        """Return the encoding of GET/POST data (None: DEFAULT_CHARSET)."""
        return self._encoding

    @encoding.setter
    def encoding(self, value: str | None) -> None:
        """Set the charset of GET/POST; they are decoded again on next access."""
        self._encoding = value
        self._forget_decoded_data()

    def _forget_decoded_data(self) -> None:
        self.__dict__.pop("_post", None)

    def _set_content_type_params(self, meta) -> None:
        """Set content_type, content_params and encoding from CONTENT_TYPE."""
        self.content_type, self.content_params = _parse_content_type(meta)
        charset = _valid_charset(self.content_params)
        if charset:
            self.encoding = charset

    def _initialize_handlers(self) -> None:
        from fastdj.core.files import uploadhandler

        self._upload_handlers = [
            uploadhandler.load_handler(path, self)
            for path in settings.FILE_UPLOAD_HANDLERS
        ]

    @property
    def upload_handlers(self) -> list:
        """Return the upload handlers that will parse a multipart body."""
        if not self._upload_handlers:
            self._initialize_handlers()
        return self._upload_handlers

    @upload_handlers.setter
    def upload_handlers(self, handlers) -> None:
        if "_files" in self.__dict__:
            raise AttributeError(
                "You cannot set the upload handlers after the upload has been "
                "processed."
            )
        self._upload_handlers = handlers

    def parse_file_upload(self, META, post_data):
        """Return (POST QueryDict, FILES MultiValueDict) of a multipart body."""
        self.upload_handlers = ImmutableList(
            self.upload_handlers,
            warning="You cannot alter upload handlers after the upload has been "
            "processed.",
        )
        parser = MultiPartParser(META, post_data, self.upload_handlers, self.encoding)
        return parser.parse()

    @property
    def body(self) -> bytes:
        """Return the raw request body, read at most once.

        RequestDataTooBig past DATA_UPLOAD_MAX_MEMORY_SIZE; UnreadablePostError
        if the client sent less than its Content-Length.
        """
        try:
            return self.__dict__["_body"]
        except KeyError:
            pass
        if self._read_started:
            raise RawPostDataException(
                "You cannot access body after reading from request's data stream"
            )
        declared = self.META.get("CONTENT_LENGTH")
        if declared:
            # Django lets int()'s ValueError escape here (a 500).
            try:
                declared = int(declared)
            except (ValueError, TypeError):
                declared = -1
            if declared < 0:
                raise BadRequest(
                    f"Invalid Content-Length: {self.META['CONTENT_LENGTH']!r}"
                )
            # Reject before reading anything when the declared size is too big.
            self._check_data_too_big(declared)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            # One byte past the limit is enough to know the body is too big.
            body = self.read(limit + 1) if limit is not None else self.read()
        finally:
            self._stream.close()
        self._check_data_too_big(len(body))
        self._body = body
        self._stream = io.BytesIO(body)
        return body

    def _check_data_too_big(self, length: int) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            raise RequestDataTooBig(
                "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
            )

    def _mark_post_parse_error(self) -> None:
        self._post = QueryDict()
        self._files = MultiValueDict()

    def _load_post_and_files(self) -> None:
        """Set _post and _files from the body if it is a form."""
        if self.method != "POST":
            self._post, self._files = (
                QueryDict(encoding=self._encoding),
                MultiValueDict(),
            )
            return
        if self._read_started and "_body" not in self.__dict__:
            self._mark_post_parse_error()
            return
        content_type = self.content_type
        if content_type == "multipart/form-data":
            if "_body" in self.__dict__:
                data = io.BytesIO(self._body)
            else:
                data = self
            try:
                self._post, self._files = self.parse_file_upload(self.META, data)
            except (MultiPartParserError, TooManyFilesSent, UnreadablePostError):
                # Error pages may look at request.POST: do not parse again.
                self._mark_post_parse_error()
                raise
        elif content_type == "application/x-www-form-urlencoded":
            # RFC 1866: this content type has no charset; it is always UTF-8.
            if self._encoding is not None and self._encoding.lower() != "utf-8":
                raise BadRequest(
                    "HTTP requests with the 'application/x-www-form-urlencoded' "
                    "content type must be UTF-8 encoded."
                )
            self._post = QueryDict(self.body, encoding="utf-8")
            self._files = MultiValueDict()
        else:
            self._post, self._files = (
                QueryDict(encoding=self._encoding),
                MultiValueDict(),
            )

    def _get_post(self) -> QueryDict:
        try:
            return self.__dict__["_post"]
        except KeyError:
            self._load_post_and_files()
            return self._post

    def _set_post(self, post) -> None:
        self._post = post

    def close(self) -> None:
        """Close the uploaded files of this request."""
        files = self._files
        if files:
            for f in chain.from_iterable(values for _, values in files.lists()):
                f.close()

    # File-like interface over the body stream.

    def read(self, *args, **kwargs) -> bytes:
        self._read_started = True
        try:
            return self._stream.read(*args, **kwargs)
        except UnreadablePostError:
            raise
        except OSError as e:
            raise UnreadablePostError(*e.args) from e

    def readline(self, *args, **kwargs) -> bytes:
        self._read_started = True
        try:
            return self._stream.readline(*args, **kwargs)
        except UnreadablePostError:
            raise
        except OSError as e:
            raise UnreadablePostError(*e.args) from e

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def readlines(self) -> list[bytes]:
        return list(self)


def _parse_content_type(meta) -> tuple[str, dict]:
    try:
        return parse_header_parameters(meta.get("CONTENT_TYPE", ""))
    except ValueError:
        # An RFC 2231 parameter with an unknown charset: keep the main type
        # rather than failing every later access to the request.
        return meta.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower(), {}


def _valid_charset(params) -> str | None:
    charset = params.get("charset") if params else None
    if charset is None:
        return None
    try:
        codecs.lookup(charset)
    except LookupError:
        return None
    return charset


class LimitedStream(io.IOBase):
    """Wrap a stream so that at most ``limit`` bytes can be read from it.

    Reading never asks the underlying stream for more than is left of the
    limit, so it never blocks waiting for bytes the client did not promise.
    If the stream ends before the limit (the Content-Length lied), reading
    raises UnreadablePostError instead of returning a silently short body.
    """

    def __init__(self, stream, limit: int):
        self._read = stream.read
        self._readline = stream.readline
        self._pos = 0
        self.limit = limit

    def _truncated(self) -> UnreadablePostError:
        return UnreadablePostError(
            f"Request body ended after {self._pos} of the {self.limit} bytes "
            "declared in Content-Length."
        )

    def read(self, size: int | None = -1, /) -> bytes:
        remaining = self.limit - self._pos
        if remaining <= 0:
            return b""
        if size is None or size < 0 or size > remaining:
            size = remaining
        if size == 0:
            return b""
        data = self._read(size)
        got = len(data)
        if got < size:
            # Some servers return short reads; only an empty read is the end.
            chunks = [data]
            while got < size and data:
                data = self._read(size - got)
                chunks.append(data)
                got += len(data)
            data = b"".join(chunks)
            if got < size:
                self._pos += got
                raise self._truncated()
        self._pos += got
        return data

    def readline(self, size: int | None = -1, /) -> bytes:
        remaining = self.limit - self._pos
        if remaining <= 0:
            return b""
        if size is None or size < 0 or size > remaining:
            size = remaining
        if size == 0:
            return b""
        line = self._readline(size)
        self._pos += len(line)
        if len(line) < size and not line.endswith(b"\n"):
            raise self._truncated()
        return line

    def readable(self) -> bool:
        return True


def get_bytes_from_wsgi(environ, key: str, default: str) -> bytes:
    """Return an environ value as the bytes the server received (PEP 3333)."""
    value = environ.get(key, default)
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        # The server broke PEP 3333 and decoded the bytes itself; Django
        # raises here. Recover the bytes as best we can: lone surrogates end up
        # as invalid UTF-8, which callers percent-encode or replace.
        try:
            return value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogatepass")


def get_str_from_wsgi(environ, key: str, default: str) -> str:
    """Return an environ value decoded as UTF-8 (bad bytes replaced)."""
    value = environ.get(key, default)
    if value.isascii():
        return value
    return get_bytes_from_wsgi(environ, key, default).decode(errors="replace")


def get_path_info(environ) -> str:
    """Return PATH_INFO decoded as UTF-8, invalid bytes percent-encoded."""
    path_info = environ.get("PATH_INFO", "/")
    if path_info.isascii():
        return path_info
    raw = get_bytes_from_wsgi(environ, "PATH_INFO", "/")
    return repercent_broken_unicode(raw).decode()


def get_script_name(environ) -> str:
    """Return the script name (the mount point of the application).

    FORCE_SCRIPT_NAME wins; then SCRIPT_URL/REDIRECT_URL minus PATH_INFO
    (mod_rewrite); then SCRIPT_NAME.
    """
    forced = settings.FORCE_SCRIPT_NAME
    if forced is not None:
        return forced
    if "SCRIPT_URL" not in environ and "REDIRECT_URL" not in environ:
        script_name = environ.get("SCRIPT_NAME", "")
        if script_name.isascii():
            return script_name
        return get_bytes_from_wsgi(environ, "SCRIPT_NAME", "").decode(errors="replace")
    script_url = get_bytes_from_wsgi(environ, "SCRIPT_URL", "") or get_bytes_from_wsgi(
        environ, "REDIRECT_URL", ""
    )
    if script_url:
        if b"//" in script_url:
            # mod_wsgi squashes repeated slashes in PATH_INFO; do the same.
            script_url = _slashes_re.sub(b"/", script_url)
        path_info = get_bytes_from_wsgi(environ, "PATH_INFO", "")
        script_name = script_url.removesuffix(path_info) if path_info else script_url
    else:
        script_name = get_bytes_from_wsgi(environ, "SCRIPT_NAME", "")
    return script_name.decode(errors="replace")


_base_get_raw_host = HttpRequest._get_raw_host


class WSGIRequest(HttpRequest):
    """A request built lazily from a WSGI environ.

    ``META`` is the environ itself. The method and the paths are taken when
    built; nothing else is parsed until used.
    """

    def __init__(self, environ):
        # Deliberately does not call HttpRequest.__init__: every attribute it
        # sets is lazy here, except what resolving needs on every request (the
        # method and the paths), computed as Django does in its __init__.
        self.environ = environ
        self.META = environ
        self.method = environ["REQUEST_METHOD"].upper()
        path_info = environ.get("PATH_INFO", "/")
        if not path_info.isascii():
            path_info = get_path_info(environ)
        # An empty PATH_INFO (the bare SCRIPT_NAME URL) is treated as "/".
        if not path_info:
            path_info = "/"
        # get_script_name(environ), whose usual answer is taken here without
        # the call.
        script_name = environ.get("SCRIPT_NAME", "")
        forced = _settings_cache.get("FORCE_SCRIPT_NAME", _MISSING)
        if forced is _MISSING:
            forced = settings.FORCE_SCRIPT_NAME
        if (
            forced is not None
            or "SCRIPT_URL" in environ
            or "REDIRECT_URL" in environ
            or not script_name.isascii()
        ):
            script_name = get_script_name(environ)
        if not script_name and path_info[0] == "/":
            self.path = path_info
        else:
            # Only the first slash goes: "//x" and "/x" are different paths.
            self.path = f"{script_name.rstrip('/')}/{path_info.replace('/', '', 1)}"
        self.path_info = path_info
        environ["PATH_INFO"] = path_info
        environ["SCRIPT_NAME"] = script_name

    @_lazy
    def _content_type_and_params(self) -> tuple[str, dict]:
        return _parse_content_type(self.environ)

    @_lazy
    def content_type(self) -> str:
        """Return the MIME type of the body, from the Content-Type header."""
        return self._content_type_and_params[0]

    @_lazy
    def content_params(self) -> dict:
        """Return the Content-Type parameters (charset, boundary...)."""
        return self._content_type_and_params[1]

    @_lazy
    def _encoding(self) -> str | None:
        return _valid_charset(self._content_type_and_params[1])

    @_lazy
    def _stream(self) -> LimitedStream:
        environ = self.environ
        stream = environ.get("wsgi.input")
        if stream is None:
            stream = io.BytesIO()
        return LimitedStream(stream, _content_length(environ))

    def _get_scheme(self) -> str:
        return self.environ.get("wsgi.url_scheme")

    def _forget_decoded_data(self) -> None:
        self.__dict__.pop("GET", None)
        self.__dict__.pop("_post", None)

    @_lazy
    def GET(self) -> QueryDict:
        """Return the query string parameters as an immutable QueryDict."""
        # PEP 3333: QUERY_STRING may be missing.
        raw = self.environ.get("QUERY_STRING", "")
        if not raw:
            return QueryDict(encoding=self._encoding)
        return QueryDict(
            get_bytes_from_wsgi(self.environ, "QUERY_STRING", ""),
            encoding=self._encoding,
        )

    POST = property(HttpRequest._get_post, HttpRequest._set_post)

    @_lazy
    def COOKIES(self) -> dict[str, str]:
        """Return the request cookies as a dict of name to value."""
        return parse_cookie(get_str_from_wsgi(self.environ, "HTTP_COOKIE", ""))

    @property
    def FILES(self) -> MultiValueDict:
        """Return the uploaded files of a multipart body, by field name."""
        try:
            return self.__dict__["_files"]
        except KeyError:
            self._load_post_and_files()
            return self._files


class HttpHeaders(CaseInsensitiveMapping):
    """Request headers from a WSGI environ, looked up case-insensitively.

    ``headers["User-Agent"]``, ``headers["user_agent"]`` and
    ``headers.get("USER-AGENT")`` all find ``HTTP_USER_AGENT``.
    """

    __slots__ = ()

    HTTP_PREFIX = "HTTP_"
    # PEP 3333: the only two headers without the HTTP_ prefix.
    UNPREFIXED_HEADERS = {"CONTENT_TYPE", "CONTENT_LENGTH"}

    def __init__(self, environ):
        store = {}
        for key, value in environ.items():
            if key[:5] == "HTTP_":
                name = key[5:].replace("_", "-").title()
            elif key in self.UNPREFIXED_HEADERS:
                name = key.replace("_", "-").title()
            else:
                continue
            store[name.lower()] = (name, value)
        self._store = store

    def __getitem__(self, key: str):
        return self._store[key.replace("_", "-").lower()][1]

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and key.replace("_", "-").lower() in self._store

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    @classmethod
    def parse_header_name(cls, header: str) -> str | None:
        """Return the header name of an environ key, or None if it is not one."""
        if header.startswith(cls.HTTP_PREFIX):
            header = header.removeprefix(cls.HTTP_PREFIX)
        elif header not in cls.UNPREFIXED_HEADERS:
            return None
        return header.replace("_", "-").title()

    @classmethod
    def to_wsgi_name(cls, header: str) -> str:
        """Return the environ key of a header name."""
        header = header.replace("-", "_").upper()
        if header in cls.UNPREFIXED_HEADERS:
            return header
        return f"{cls.HTTP_PREFIX}{header}"

    @classmethod
    def to_asgi_name(cls, header: str) -> str:
        return header.replace("-", "_").upper()

    @classmethod
    def to_wsgi_names(cls, headers) -> dict:
        return {cls.to_wsgi_name(name): value for name, value in headers.items()}

    @classmethod
    def to_asgi_names(cls, headers) -> dict:
        return {cls.to_asgi_name(name): value for name, value in headers.items()}


class QueryDict(MultiValueDict):
    """A MultiValueDict holding a query string's (or form body's) values.

    Immutable unless built with ``mutable=True``; ``copy()`` is always
    mutable. Bytes keys and values are decoded with ``encoding``
    (DEFAULT_CHARSET by default), replacing bad bytes.
    """

    # Class-level values make unpickled instances valid.
    _mutable = True
    _encoding = None

    def __init__(self, query_string=None, mutable: bool = False, encoding=None):
        dict.__init__(self)
        self._encoding = encoding or settings.DEFAULT_CHARSET
        if query_string:
            self._parse(query_string)
        self._mutable = mutable

    def _parse(self, query_string) -> None:
        encoding = self._encoding
        if isinstance(query_string, bytes):
            # Query strings should be ASCII; some clients send other bytes.
            try:
                query_string = query_string.decode(encoding)
            except UnicodeDecodeError:
                query_string = query_string.decode("iso-8859-1")
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        # As parse_qsl(max_num_fields=...): every "&" counts, even empty pairs.
        if max_fields is not None and query_string.count("&") >= max_fields:
            raise TooManyFieldsSent(
                "The number of GET/POST parameters exceeded "
                "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
            )
        get = dict.get
        setitem = dict.__setitem__
        for pair in query_string.split("&"):
            # What parse_qsl(keep_blank_values=True, encoding=encoding) does,
            # minus its per-pair overhead: unquote only what needs it.
            if not pair:
                continue
            key, _, value = pair.partition("=")
            if "+" in key:
                key = key.replace("+", " ")
            if "%" in key:
                key = unquote(key, encoding, "replace")
            if "+" in value:
                value = value.replace("+", " ")
            if "%" in value:
                value = unquote(value, encoding, "replace")
            values = get(self, key)
            if values is None:
                setitem(self, key, [value])
            else:
                values.append(value)

    @classmethod
    def fromkeys(cls, iterable, value="", mutable=False, encoding=None):
        """Return a QueryDict with each key of iterable (repeats kept) -> value."""
        q = cls("", mutable=True, encoding=encoding)
        for key in iterable:
            q.appendlist(key, value)
        if not mutable:
            q._mutable = False
        return q

    @property
    def encoding(self) -> str:
        if self._encoding is None:
            self._encoding = settings.DEFAULT_CHARSET
        return self._encoding

    @encoding.setter
    def encoding(self, value: str) -> None:
        self._encoding = value

    def _assert_mutable(self) -> None:
        if not self._mutable:
            raise AttributeError("This QueryDict instance is immutable")

    def __setitem__(self, key, value) -> None:
        self._assert_mutable()
        key = bytes_to_text(key, self.encoding)
        value = bytes_to_text(value, self.encoding)
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self._assert_mutable()
        super().__delitem__(key)

    def __copy__(self):
        result = type(self)("", mutable=True, encoding=self.encoding)
        for key, values in self.lists():
            result.setlist(key, values)
        return result

    def __deepcopy__(self, memo):
        result = type(self)("", mutable=True, encoding=self.encoding)
        memo[id(self)] = result
        for key, values in self.lists():
            result.setlist(copy.deepcopy(key, memo), copy.deepcopy(values, memo))
        return result

    def setlist(self, key, list_) -> None:
        self._assert_mutable()
        key = bytes_to_text(key, self.encoding)
        list_ = [bytes_to_text(elt, self.encoding) for elt in list_]
        super().setlist(key, list_)

    def setlistdefault(self, key, default_list=None):
        self._assert_mutable()
        return super().setlistdefault(key, default_list)

    def appendlist(self, key, value) -> None:
        self._assert_mutable()
        key = bytes_to_text(key, self.encoding)
        value = bytes_to_text(value, self.encoding)
        super().appendlist(key, value)

    def pop(self, key, *args):
        self._assert_mutable()
        return super().pop(key, *args)

    def popitem(self):
        self._assert_mutable()
        return super().popitem()

    def clear(self) -> None:
        self._assert_mutable()
        super().clear()

    def setdefault(self, key, default=None):
        self._assert_mutable()
        key = bytes_to_text(key, self.encoding)
        default = bytes_to_text(default, self.encoding)
        return super().setdefault(key, default)

    def copy(self):
        """Return a mutable deep copy."""
        return self.__deepcopy__({})

    def urlencode(self, safe: str | None = None) -> str:
        """Return the values as a query string; ``safe`` chars stay unquoted."""
        encoding = self.encoding
        output = []
        if safe:
            safe_bytes = safe.encode(encoding)
            for key, values in self.lists():
                k = quote(key.encode(encoding), safe_bytes)
                output.extend(
                    f"{k}={quote(str(v).encode(encoding), safe_bytes)}" for v in values
                )
        else:
            for key, values in self.lists():
                k = key.encode(encoding)
                output.extend(_urlencode({k: str(v).encode(encoding)}) for v in values)
        return "&".join(output)


class MediaType:
    """One media range of an Accept header, e.g. ``text/html;q=0.9``."""

    def __init__(self, media_type_raw_line: str | None):
        try:
            full_type, self.params = parse_header_parameters(media_type_raw_line or "")
        except ValueError:
            full_type, self.params = "", {}
        self.main_type, _, self.sub_type = full_type.partition("/")

    def __str__(self) -> str:
        params = "".join(f"; {k}={v}" for k, v in self.params.items())
        sub = f"/{self.sub_type}" if self.sub_type else ""
        return f"{self.main_type}{sub}{params}"

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}: {self}>"

    @_lazy
    def range_params(self) -> dict:
        params = self.params.copy()
        params.pop("q", None)
        return params

    def match(self, other) -> bool:
        """Return True if other (a MediaType or str) falls within this range."""
        if not other:
            return False
        if not isinstance(other, MediaType):
            other = MediaType(other)
        mains = (self.main_type, other.main_type)
        subs = (self.sub_type, other.sub_type)
        if not all((*mains, *subs)):
            return False
        for mine, theirs in (mains, subs):
            if mine != theirs and mine != "*" and theirs != "*":
                return False
        if bool(self.range_params) == bool(other.range_params):
            return self.range_params == other.range_params
        # Parameters on this side only still match; on the other side only not.
        return bool(self.range_params or not other.range_params)

    @_lazy
    def quality(self) -> float:
        try:
            quality = float(self.params.get("q", 1))
        except ValueError:
            return 1
        if quality < 0 or quality > 1:
            return 1
        return round(quality, 3)

    @property
    def specificity(self) -> int:
        """Return 0 (*/*) to 3 (type/subtype with parameters)."""
        if self.main_type == "*":
            return 0
        if self.sub_type == "*":
            return 1
        if not self.range_params:
            return 2
        return 3


def bytes_to_text(s, encoding: str):
    """Return bytes s decoded with encoding (bad bytes -> U+FFFD); else s."""
    if isinstance(s, bytes):
        return str(s, encoding, "replace")
    return s


# Host header -> a copy of the ALLOWED_HOSTS it was found valid for: every
# request checks its host (CommonMiddleware does), and the answer only changes
# with the setting.
_valid_hosts: dict[str, list | tuple] = {}
_VALID_HOSTS_MAX = 512


def split_domain_port(host: str) -> tuple[str, str]:
    """Return (lower-cased domain, port) of host; ("", "") if it is invalid."""
    match = host_validation_re.fullmatch(host.lower())
    if match:
        domain, port = match.groups(default="")
        return domain.removesuffix("."), port
    return "", ""


def validate_host(host: str, allowed_hosts) -> bool:
    """Return True if host matches a pattern of allowed_hosts.

    "*" matches anything; ".example.com" matches the domain and subdomains;
    anything else must match exactly. host must be lower-cased, without port.
    """
    return any(
        pattern == "*" or is_same_domain(host, pattern) for pattern in allowed_hosts
    )
