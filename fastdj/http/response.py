"""HTTP responses, as ``django.http.response``.

fastdj adds two methods on HttpResponseBase for the WSGI handler:
``wsgi_status()`` ("200 OK") and ``wsgi_headers()`` (every header, plus one
Set-Cookie per cookie), both built straight from the stored values.
"""

from __future__ import annotations

import datetime
import io
import json
import mimetypes
import os
import sys
import time
from email.header import Header
from http.client import responses
from json.encoder import c_make_encoder, encode_basestring_ascii
from urllib.parse import urlsplit

from fastdj.conf import _settings_cache, settings
from fastdj.core import signals
from fastdj.core.exceptions import DisallowedRedirect
from fastdj.core.serializers.json import DjangoJSONEncoder
from fastdj.http.cookie import SimpleCookie
from fastdj.utils.datastructures import CaseInsensitiveMapping
from fastdj.utils.encoding import iri_to_uri
from fastdj.utils.http import (
    MAX_URL_REDIRECT_LENGTH,
    content_disposition_header,
    http_date,
)

__all__ = [
    "BadHeaderError",
    "FileResponse",
    "Http404",
    "HttpResponse",
    "HttpResponseBadRequest",
    "HttpResponseBase",
    "HttpResponseForbidden",
    "HttpResponseGone",
    "HttpResponseNotAllowed",
    "HttpResponseNotFound",
    "HttpResponseNotModified",
    "HttpResponsePermanentRedirect",
    "HttpResponseRedirect",
    "HttpResponseServerError",
    "JsonResponse",
    "ResponseHeaders",
    "StreamingHttpResponse",
]

_SAMESITE_VALUES = frozenset(["lax", "none", "strict"])
# The status line of every standard status with its standard reason phrase.
_STATUS_LINES = {code: f"{code} {reason}" for code, reason in responses.items()}


class BadHeaderError(ValueError):
    """A header name or value contains a newline (header injection)."""


# Content-Type value -> its charset (or None); responses reuse a handful of
# content types, so each is parsed once.
_charset_cache: dict[str, str | None] = {}
_NOT_CACHED = object()


def _charset_from_content_type(content_type: str) -> str | None:
    try:
        return _charset_cache[content_type]
    except KeyError:
        pass
    charset = _parse_charset(content_type)
    if len(_charset_cache) < 256:
        _charset_cache[content_type] = charset
    return charset


def _parse_charset(content_type: str) -> str | None:
    # Same as Django's r";\s*charset=(?P<charset>[^\s;]+)" (case-insensitive),
    # without a regex: this runs for every response that does not name one.
    lowered = content_type.lower()
    start = 0
    while True:
        semi = lowered.find(";", start)
        if semi == -1:
            return None
        i = semi + 1
        while i < len(lowered) and lowered[i].isspace():
            i += 1
        if lowered.startswith("charset=", i):
            i += 8
            j = i
            while j < len(lowered) and not lowered[j].isspace() and lowered[j] != ";":
                j += 1
            if j > i:
                return content_type[i:j].replace('"', "")
        start = semi + 1


# charset -> the default Content-Type for it.
_html_content_types: dict[str, str] = {}


def _html_content_type(charset: str) -> str:
    try:
        return _html_content_types[charset]
    except (KeyError, TypeError):
        pass
    content_type = f"text/html; charset={charset}"
    if type(charset) is str and len(_html_content_types) < 64:
        _html_content_types[charset] = content_type
    return content_type


def _newline_error(value) -> BadHeaderError:
    return BadHeaderError(f"Header values can't contain newlines (got {value!r})")


# Header name -> its lower-case key, for names already found valid (ASCII, no
# CR/LF). Responses set the same few names over and over; each is checked
# once. Bounded, because a view may echo names it was sent.
_valid_names: dict[str, str] = {}
_VALID_NAMES_MAX = 512


# Header values (str) already found plain: ASCII, no CR/LF. The same few
# values (content types, "nosniff"...) are set on every response; a set
# membership test is cheaper than checking each again. Bounded like
# _valid_names, and only short values are kept (long ones are rarely repeated).
_plain_values: set[str] = set()
_PLAIN_VALUES_MAX = 512
_PLAIN_VALUE_MAX_LENGTH = 256


def _is_plain_value(value: str) -> bool:
    """Return True if the str ``value`` is ASCII without CR/LF (and remember it)."""
    if value.isascii() and "\n" not in value and "\r" not in value:
        if len(value) <= _PLAIN_VALUE_MAX_LENGTH:
            if len(_plain_values) >= _PLAIN_VALUES_MAX:
                _plain_values.clear()
            _plain_values.add(value)
        return True
    return False


def _plain_name_key(name) -> str | None:
    """Return the store key of a plain (str, ASCII, no CR/LF) name, else None."""
    if type(name) is not str:
        return None
    key = _valid_names.get(name)
    if key is None and name.isascii() and "\n" not in name and "\r" not in name:
        if len(_valid_names) >= _VALID_NAMES_MAX:
            _valid_names.clear()
        key = _valid_names[name] = name.lower()
    return key


class ResponseHeaders(CaseInsensitiveMapping):
    """Response headers: case-insensitive, values coerced as Django does.

    Names must be ASCII; values are latin-1 str (bytes are decoded, other
    types str()-ed, and text outside latin-1 is MIME-encoded). A CR or LF in
    either raises BadHeaderError.
    """

    __slots__ = ()

    def __init__(self, data):
        self._store = {}
        if data:
            for header, value in self._unpack_items(data):
                self[header] = value

    def _convert_to_charset(self, value, charset: str, mime_encode: bool = False):
        """Return value as a str valid in charset ("ascii" or "latin-1")."""
        try:
            if isinstance(value, str):
                value.encode(charset)
            elif isinstance(value, bytes):
                value = value.decode(charset)
            else:
                value = str(value)
                value.encode(charset)
            if "\n" in value or "\r" in value:
                raise _newline_error(value)
        except UnicodeError as e:
            # Check for newlines before MIME-encoding hides them.
            if (isinstance(value, bytes) and (b"\n" in value or b"\r" in value)) or (
                isinstance(value, str) and ("\n" in value or "\r" in value)
            ):
                raise _newline_error(value) from e
            if mime_encode:
                value = Header(value, "utf-8", maxlinelen=sys.maxsize).encode()
            else:
                e.reason += f", HTTP response headers must be in {charset} format"
                raise
        return value

    def __setitem__(self, key, value) -> None:
        # Fast path: ASCII str name and value without CR/LF need no conversion.
        if type(value) is str and (value in _plain_values or _is_plain_value(value)):
            lower = _valid_names.get(key) if type(key) is str else None
            if lower is None:
                lower = _plain_name_key(key)
            if lower is not None:
                self._store[lower] = (key, value)
                return
        key = self._convert_to_charset(key, "ascii")
        value = self._convert_to_charset(value, "latin-1", mime_encode=True)
        self._store[key.lower()] = (key, value)

    def __delitem__(self, key) -> None:
        self.pop(key)

    def pop(self, key, default=None):
        return self._store.pop(key.lower(), default)

    def setdefault(self, key, value) -> None:
        # A name already found valid has its store key at hand: one dict
        # lookup instead of a __contains__ call (SecurityMiddleware sets three
        # headers this way on every response).
        lower = _valid_names.get(key) if type(key) is str else None
        if lower is None:
            if key not in self:
                self[key] = value
        elif lower not in self._store:
            self[key] = value


_new_object = object.__new__


class HttpResponseBase:
    """Status, headers and cookies of a response; subclasses add the content."""

    status_code = 200
    # Set by the WSGI handler; request_finished is sent with it as sender.
    _handler_class = None
    # The cookies, once the cookies property has made them. A class default
    # rather than a lookup in __dict__, which would make CPython build the
    # instance's dict.
    _cookies = None

    def __init__(
        self, content_type=None, status=None, reason=None, charset=None, headers=None
    ):
        if headers:
            self.headers = response_headers = ResponseHeaders(headers)
            store = response_headers._store
        else:
            # What ResponseHeaders(None) makes, without the __init__ call.
            self.headers = response_headers = _new_object(ResponseHeaders)
            response_headers._store = store = {}
        self._charset = charset
        if "content-type" not in store:
            if content_type is None:
                if type(self).charset is _base_charset:
                    # What the charset property gives without a Content-Type.
                    default_charset = charset
                    if default_charset is None:
                        default_charset = settings.DEFAULT_CHARSET
                else:
                    default_charset = self.charset
                content_type = _html_content_type(default_charset)
            if type(content_type) is str and (
                content_type in _plain_values or _is_plain_value(content_type)
            ):
                store["content-type"] = ("Content-Type", content_type)
            else:
                response_headers["Content-Type"] = content_type
        elif content_type:
            raise ValueError(
                "'headers' must not contain 'Content-Type' when the "
                "'content_type' parameter is provided."
            )
        self._resource_closers = []
        self.closed = False
        if status is not None:
            try:
                self.status_code = int(status)
            except (ValueError, TypeError):
                raise TypeError("HTTP status code must be an integer.")
            if not 100 <= self.status_code <= 599:
                raise ValueError("HTTP status code must be an integer from 100 to 599.")
        self._reason_phrase = reason

    @property
    def cookies(self) -> SimpleCookie:
        """Return the cookies that the response will set."""
        # Created on first use: most responses set no cookie.
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = SimpleCookie()
        return cookies

    @cookies.setter
    def cookies(self, value: SimpleCookie) -> None:
        self._cookies = value

    @property
    def reason_phrase(self) -> str:
        """Return the reason phrase, by default the standard one for the status."""
        if self._reason_phrase is not None:
            return self._reason_phrase
        # Not stored: the status code may still change.
        return responses.get(self.status_code, "Unknown Status Code")

    @reason_phrase.setter
    def reason_phrase(self, value: str) -> None:
        self._reason_phrase = value

    @property
    def charset(self) -> str:
        """Return the charset of the content, from Content-Type or DEFAULT_CHARSET."""
        if self._charset is not None:
            return self._charset
        # Not stored either: the Content-Type may change later.
        entry = self.headers._store.get("content-type")
        if entry and entry[1]:
            charset = _charset_cache.get(entry[1], _NOT_CACHED)
            if charset is _NOT_CACHED:
                charset = _charset_from_content_type(entry[1])
            if charset:
                return charset
        return settings.DEFAULT_CHARSET

    @charset.setter
    def charset(self, value: str) -> None:
        self._charset = value

    def wsgi_status(self) -> str:
        """Return the WSGI status line, e.g. "200 OK"."""
        reason = self._reason_phrase
        if reason is None:
            try:
                return _STATUS_LINES[self.status_code]
            except (KeyError, TypeError):
                reason = responses.get(self.status_code, "Unknown Status Code")
        return f"{self.status_code} {reason}"

    def wsgi_headers(self) -> list[tuple[str, str]]:
        """Return the headers for start_response(), one Set-Cookie per cookie."""
        headers = list(self.headers._store.values())
        cookies = self._cookies
        if cookies:
            headers.extend(
                ("Set-Cookie", c.output(header="")) for c in cookies.values()
            )
        return headers

    def serialize_headers(self) -> bytes:
        """Return the headers as bytes, CRLF-separated."""
        return b"\r\n".join(
            key.encode("ascii") + b": " + value.encode("latin-1")
            for key, value in self.headers.items()
        )

    __bytes__ = serialize_headers

    @property
    def _content_type_for_repr(self) -> str:
        if "Content-Type" in self.headers:
            return f', "{self.headers["Content-Type"]}"'
        return ""

    def __setitem__(self, header, value) -> None:
        # ResponseHeaders.__setitem__'s fast path, one call fewer per header.
        if type(value) is str and type(header) is str:
            lower = _valid_names.get(header)
            if lower is not None and (value in _plain_values or _is_plain_value(value)):
                headers = self.headers
                if type(headers) is ResponseHeaders:
                    headers._store[lower] = (header, value)
                    return
        self.headers[header] = value

    def __delitem__(self, header) -> None:
        del self.headers[header]

    def __getitem__(self, header):
        return self.headers[header]

    def has_header(self, header: str) -> bool:
        """Return True if the header is set (case-insensitive)."""
        headers = self.headers
        if type(headers) is ResponseHeaders:
            return isinstance(header, str) and header.lower() in headers._store
        return header in headers

    __contains__ = has_header

    def items(self):
        return self.headers.items()

    def get(self, header, alternate=None):
        return self.headers.get(header, alternate)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age=None,
        expires=None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
    ) -> None:
        """Set a cookie.

        ``expires`` is a string in HTTP date format or a datetime (naive means
        UTC; a datetime is turned into max_age). ``max_age`` is seconds or a
        timedelta; it also sets ``expires``.
        """
        cookies = self.cookies
        cookies[key] = value
        morsel = cookies[key]
        if expires is not None:
            if isinstance(expires, datetime.datetime):
                if expires.utcoffset() is None:
                    expires = expires.replace(tzinfo=datetime.timezone.utc)
                delta = expires - datetime.datetime.now(tz=datetime.timezone.utc)
                # One more second: the fraction lost here would make the
                # computed date a second early.
                delta += datetime.timedelta(seconds=1)
                expires = None
                if max_age is not None:
                    raise ValueError("'expires' and 'max_age' can't be used together.")
                max_age = max(0, delta.days * 86400 + delta.seconds)
            else:
                morsel["expires"] = expires
        else:
            morsel["expires"] = ""
        if max_age is not None:
            if isinstance(max_age, datetime.timedelta):
                max_age = max_age.total_seconds()
            morsel["max-age"] = int(max_age)
            # Old browsers only know expires.
            if not expires:
                morsel["expires"] = http_date(time.time() + max_age)
        if path is not None:
            morsel["path"] = path
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite:
            if samesite.lower() not in _SAMESITE_VALUES:
                raise ValueError('samesite must be "lax", "none", or "strict".')
            morsel["samesite"] = samesite

    def setdefault(self, key: str, value) -> None:
        """Set a header unless it is already set."""
        self.headers.setdefault(key, value)

    def delete_cookie(
        self, key: str, path: str = "/", domain=None, samesite=None
    ) -> None:
        """Tell the browser to drop a cookie (expired, empty value)."""
        # Browsers ignore a Set-Cookie without Secure for __Secure-/__Host-
        # names and for SameSite=None.
        secure = key.startswith(("__Secure-", "__Host-")) or bool(
            samesite and samesite.lower() == "none"
        )
        self.set_cookie(
            key,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            expires="Thu, 01 Jan 1970 00:00:00 GMT",
            samesite=samesite,
        )

    def make_bytes(self, value) -> bytes:
        """Return value as bytes encoded in the response charset."""
        # Exactly bytes, never a subclass (PEP 3333); bytes(b) does not copy.
        if isinstance(value, (bytes, memoryview)):
            return bytes(value)
        if isinstance(value, str):
            return value.encode(self.charset)
        return str(value).encode(self.charset)

    def close(self) -> None:
        """Close the content's resources and send request_finished."""
        for closer in self._resource_closers:
            try:
                closer()
            except Exception:
                pass
        self._resource_closers.clear()
        self.closed = True
        signals.request_finished.send(sender=self._handler_class)

    def write(self, content):
        raise OSError(f"This {type(self).__name__} instance is not writable")

    def flush(self) -> None:
        pass

    def tell(self) -> int:
        raise OSError(f"This {type(self).__name__} instance cannot tell its position")

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False

    def writelines(self, lines):
        raise OSError(f"This {type(self).__name__} instance is not writable")


class HttpResponse(HttpResponseBase):
    """A response whose content is held in memory as bytes."""

    streaming = False

    def __init__(
        self,
        content=b"",
        content_type=None,
        status=None,
        reason=None,
        charset=None,
        headers=None,
    ):
        # Not super(): building its proxy costs as much as the rest of this
        # method; HttpResponseBase is what follows HttpResponse in any MRO
        # that does not put another HttpResponseBase subclass after it.
        if headers or status is not None or type(content_type) is not str:
            HttpResponseBase.__init__(
                self, content_type, status, reason, charset, headers
            )
        else:
            # What HttpResponseBase.__init__ does for the usual call (a
            # content type, nothing else), without the call; same order.
            self.headers = response_headers = _new_object(ResponseHeaders)
            response_headers._store = store = {}
            self._charset = charset
            if content_type in _plain_values or _is_plain_value(content_type):
                store["content-type"] = ("Content-Type", content_type)
            else:
                response_headers["Content-Type"] = content_type
            self._resource_closers = []
            self.closed = False
            self._reason_phrase = reason
        if type(self).content is _plain_content:
            # What the content setter does with bytes or str, without the call.
            if type(content) is bytes:
                self._container = [content]
                return
            if type(content) is str:
                self._container = [content.encode(self.charset)]
                return
        self.content = content

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} status_code={self.status_code}"
            f"{self._content_type_for_repr}>"
        )

    def serialize(self) -> bytes:
        """Return the whole HTTP message (headers and content) as bytes."""
        return self.serialize_headers() + b"\r\n\r\n" + self.content

    __bytes__ = serialize

    @property
    def content(self) -> bytes:
        """Return the body as bytes."""
        return b"".join(self._container)

    @content.setter
    def content(self, value) -> None:
        if type(value) is bytes:
            content = value
        elif isinstance(value, str):  # SafeString from render() too
            content = value.encode(self.charset)
        elif hasattr(value, "__iter__") and not isinstance(
            value, (bytes, memoryview, str)
        ):
            content = b"".join(self.make_bytes(chunk) for chunk in value)
            if hasattr(value, "close"):
                try:
                    value.close()
                except Exception:
                    pass
        else:
            content = self.make_bytes(value)
        self._container = [content]

    @property
    def text(self) -> str:
        return self.content.decode(self.charset or "utf-8")

    def __iter__(self):
        return iter(self._container)

    def write(self, content) -> None:
        self._container.append(self.make_bytes(content))

    def tell(self) -> int:
        return len(self.content)

    def getvalue(self) -> bytes:
        return self.content

    def writable(self) -> bool:
        return True

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)


# A subclass that overrides the content property (HttpResponseNotModified)
# must have its setter called.
_plain_content = HttpResponse.content
_base_charset = HttpResponseBase.charset


class StreamingHttpResponse(HttpResponseBase):
    """A response whose content is an iterator, consumed once when served."""

    streaming = True

    def __init__(self, streaming_content=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.streaming_content = streaming_content

    def __repr__(self) -> str:
        return (
            f"<{type(self).__qualname__} status_code={self.status_code}"
            f"{self._content_type_for_repr}>"
        )

    @property
    def content(self):
        """Refuse: a streaming response has streaming_content, not content."""
        raise AttributeError(
            f"This {type(self).__name__} instance has no `content` attribute. Use "
            "`streaming_content` instead."
        )

    @property
    def text(self):
        raise AttributeError(
            f"This {type(self).__name__} instance has no `text` attribute."
        )

    @property
    def streaming_content(self):
        """Return an iterator over the body, as bytes."""
        if self.is_async:
            iterator = self._iterator

            async def awrapper():
                async for part in iterator:
                    yield self.make_bytes(part)

            return awrapper()
        return map(self.make_bytes, self._iterator)

    @streaming_content.setter
    def streaming_content(self, value) -> None:
        self._set_streaming_content(value)

    def _set_streaming_content(self, value) -> None:
        try:
            self._iterator = iter(value)
            self.is_async = False
        except TypeError:
            self._iterator = aiter(value)
            self.is_async = True
        if hasattr(value, "close"):
            self._resource_closers.append(value.close)

    def __iter__(self):
        if self.is_async:
            raise TypeError(
                f"This {type(self).__name__} has asynchronous content; a WSGI "
                "server cannot serve it. Use a synchronous iterator."
            )
        return iter(self.streaming_content)

    async def __aiter__(self):
        if self.is_async:
            async for part in self.streaming_content:
                yield part
        else:
            for part in self.streaming_content:
                yield part

    def getvalue(self) -> bytes:
        return b"".join(self.streaming_content)


class FileResponse(StreamingHttpResponse):
    """Stream a file; guess Content-Length, -Type and -Disposition from it.

    ``file_to_stream`` is the file object, for a handler that passes it to
    ``wsgi.file_wrapper``.
    """

    block_size = 4096

    def __init__(
        self, *args, as_attachment: bool = False, filename: str = "", **kwargs
    ):
        self.as_attachment = as_attachment
        self.filename = filename
        self._no_explicit_content_type = kwargs.get("content_type") is None
        super().__init__(*args, **kwargs)

    def _set_streaming_content(self, value) -> None:
        if not hasattr(value, "read"):
            self.file_to_stream = None
            return super()._set_streaming_content(value)
        self.file_to_stream = filelike = value
        if hasattr(filelike, "close"):
            self._resource_closers.append(filelike.close)
        self.set_headers(filelike)
        # block_size is read per chunk, so it may be changed after __init__.
        super()._set_streaming_content(
            iter(lambda: filelike.read(self.block_size), b"")
        )

    def set_headers(self, filelike) -> None:
        """Set Content-Length, Content-Type and Content-Disposition for filelike."""
        filename = getattr(filelike, "name", "")
        filename = filename if isinstance(filename, str) else ""
        seekable = hasattr(filelike, "seek") and (
            not hasattr(filelike, "seekable") or filelike.seekable()
        )
        if hasattr(filelike, "tell"):
            if seekable:
                start = filelike.tell()
                filelike.seek(0, io.SEEK_END)
                self.headers["Content-Length"] = filelike.tell() - start
                filelike.seek(start)
            elif hasattr(filelike, "getbuffer"):
                self.headers["Content-Length"] = (
                    filelike.getbuffer().nbytes - filelike.tell()
                )
            elif os.path.exists(filename):
                self.headers["Content-Length"] = (
                    os.path.getsize(filename) - filelike.tell()
                )
        elif seekable:
            self.headers["Content-Length"] = sum(
                iter(lambda: len(filelike.read(self.block_size)), 0)
            )
            filelike.seek(-int(self.headers["Content-Length"]), io.SEEK_END)

        filename = os.path.basename(self.filename or filename)
        if self._no_explicit_content_type:
            if filename:
                content_type, encoding = mimetypes.guess_type(filename)
                # A compressed file is sent as such, not as what it contains.
                content_type = {
                    "br": "application/x-brotli",
                    "bzip2": "application/x-bzip",
                    "compress": "application/x-compress",
                    "gzip": "application/gzip",
                    "xz": "application/x-xz",
                }.get(encoding, content_type)
                self.headers["Content-Type"] = (
                    content_type or "application/octet-stream"
                )
            else:
                self.headers["Content-Type"] = "application/octet-stream"
        disposition = content_disposition_header(self.as_attachment, filename)
        if disposition:
            self.headers["Content-Disposition"] = disposition


class HttpResponseRedirectBase(HttpResponse):
    """A redirect; refuses schemes outside allowed_schemes (DisallowedRedirect)."""

    allowed_schemes = ["http", "https", "ftp"]

    def __init__(self, redirect_to, preserve_request: bool = False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self["Location"] = iri_to_uri(redirect_to)
        target = str(redirect_to)
        if len(target) > MAX_URL_REDIRECT_LENGTH:
            raise DisallowedRedirect(
                f"Unsafe redirect exceeding {MAX_URL_REDIRECT_LENGTH} characters"
            )
        try:
            scheme = urlsplit(target).scheme
        except ValueError as e:
            raise DisallowedRedirect(f"Unsafe redirect to invalid URL: {e}") from e
        if preserve_request:
            self.status_code = self.status_code_preserve_request
        if scheme and scheme not in self.allowed_schemes:
            raise DisallowedRedirect(f"Unsafe redirect to URL with protocol '{scheme}'")

    @property
    def url(self) -> str:
        """Return the redirect target (the Location header)."""
        return self["Location"]

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} status_code={self.status_code}"
            f'{self._content_type_for_repr}, url="{self.url}">'
        )


class HttpResponseRedirect(HttpResponseRedirectBase):
    """A 302 redirect (307 with ``preserve_request``)."""

    status_code = 302
    status_code_preserve_request = 307


class HttpResponsePermanentRedirect(HttpResponseRedirectBase):
    """A 301 redirect (308 with ``preserve_request``)."""

    status_code = 301
    status_code_preserve_request = 308


class HttpResponseNotModified(HttpResponse):
    """304: no Content-Type, and no content may be set."""

    status_code = 304

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self["content-type"]

    @HttpResponse.content.setter
    def content(self, value) -> None:
        if value:
            raise AttributeError(
                "You cannot set content to a 304 (Not Modified) response"
            )
        self._container = []


class HttpResponseBadRequest(HttpResponse):
    """A 400 Bad Request response."""

    status_code = 400


class HttpResponseNotFound(HttpResponse):
    """A 404 Not Found response."""

    status_code = 404


class HttpResponseForbidden(HttpResponse):
    """A 403 Forbidden response."""

    status_code = 403


class HttpResponseNotAllowed(HttpResponse):
    """405 with an Allow header listing permitted_methods."""

    status_code = 405

    def __init__(self, permitted_methods, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self["Allow"] = ", ".join(permitted_methods)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self['Allow']}] status_code={self.status_code}"
            f"{self._content_type_for_repr}>"
        )


class HttpResponseGone(HttpResponse):
    """A 410 Gone response."""

    status_code = 410


class HttpResponseServerError(HttpResponse):
    """A 500 Internal Server Error response."""

    status_code = 500


class Http404(Exception):
    """Raise to answer 404 Not Found."""


class JsonResponse(HttpResponse):
    """A response with data serialized to JSON.

    With ``safe`` (the default) only a dict is accepted (TypeError otherwise).
    """

    def __init__(
        self,
        data,
        encoder=DjangoJSONEncoder,
        safe: bool = True,
        json_dumps_params: dict | None = None,
        **kwargs,
    ):
        if safe and not isinstance(data, dict):
            raise TypeError(
                "In order to allow non-dict objects to be serialized set the "
                "safe parameter to False."
            )
        if encoder is DjangoJSONEncoder and not json_dumps_params:
            # _encode_json(data), without the call.
            if _c_encode is None:
                data = _json_encoder_encode(data)
            else:
                try:
                    data = "".join(_c_encode(data, 0))
                except RecursionError:
                    data = _json_encoder_encode(data)
        else:
            data = json.dumps(data, cls=encoder, **(json_dumps_params or {}))
        if kwargs or type(self).charset is not _base_charset:
            kwargs.setdefault("content_type", "application/json")
            super().__init__(content=data, **kwargs)
            return
        # The charset property's answer for "application/json", which names
        # none: the content is encoded here, and set as bytes.
        charset = _settings_cache.get("DEFAULT_CHARSET", _NOT_CACHED)
        if charset is _NOT_CACHED:
            charset = settings.DEFAULT_CHARSET
        content = data.encode(charset)
        if type(self).content is not _plain_content:
            HttpResponse.__init__(self, content, "application/json")
            return
        # What HttpResponse.__init__(self, content, "application/json") does,
        # without the call; same attributes, same order.
        self.headers = response_headers = _new_object(ResponseHeaders)
        response_headers._store = {"content-type": _JSON_CONTENT_TYPE}
        self._charset = None
        self._resource_closers = []
        self.closed = False
        self._reason_phrase = None
        self._container = [content]


_JSON_CONTENT_TYPE = ("Content-Type", "application/json")


def _json_encoder():
    """Return a function doing json.dumps(data, cls=DjangoJSONEncoder).

    Also return the C encoder it runs (None without the _json module) and
    the full encoder's ``encode``, for JsonResponse to do the same inline.
    """
    encoder = DjangoJSONEncoder()
    if c_make_encoder is None:
        return encoder.encode, None, encoder.encode
    # json.dumps builds an encoder, then a C encoder, per call. Without a
    # markers dict (circular reference detection) the C encoder keeps no
    # state between calls, so one serves every response. A circular
    # reference then recurses until RecursionError: the full encoder, given
    # the same data, raises json.dumps' ValueError instead.
    c_encode = c_make_encoder(
        None,
        encoder.default,
        encode_basestring_ascii,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def encode(data) -> str:
        try:
            return "".join(c_encode(data, 0))
        except RecursionError:
            return encoder.encode(data)

    return encode, c_encode, encoder.encode


_encode_json, _c_encode, _json_encoder_encode = _json_encoder()
