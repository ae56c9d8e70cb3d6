"""Streaming multipart/form-data parser, as ``django.http.multipartparser``.

The body is read in chunks and scanned for the boundary; file data goes to
the upload handlers chunk by chunk (memory or a temporary file), so a large
upload never sits in memory whole.

Unlike Django, which accepts a body that stops before its closing boundary,
a truncated body is an error (MultiPartParserError) here: silently dropping
or cutting the last part is a wrong answer.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterator

from fastdj.conf import settings
from fastdj.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from fastdj.core.files.uploadhandler import SkipFile, StopFutureHandlers, StopUpload
from fastdj.utils.datastructures import MultiValueDict
from fastdj.utils.encoding import force_str
from fastdj.utils.http import parse_header_parameters

__all__ = [
    "FIELD",
    "FILE",
    "RAW",
    "InputStreamExhausted",
    "MultiPartParser",
    "MultiPartParserError",
    "TooManyFilesSent",
]

RAW = "raw"
FILE = "file"
FIELD = "field"
FIELD_TYPES = frozenset([FIELD, FILE])
MAX_TOTAL_HEADER_SIZE = 1024 * 10

_boundary_re = re.compile(r"[ -~]{0,200}[!-~]")


class MultiPartParserError(BadRequest):
    """The multipart body is malformed or truncated.

    A BadRequest subclass (Django's is a plain Exception that its handler maps
    to 400), so any handler that maps BadRequest to 400 does the right thing.
    """


class InputStreamExhausted(Exception):
    """No more reads are allowed from this device."""


class MultiPartParser:
    """Parse a multipart/form-data body into (POST QueryDict, FILES)."""

    boundary_re = _boundary_re

    def __init__(self, META, input_data, upload_handlers, encoding=None):
        content_type = META.get("CONTENT_TYPE", "")
        if not content_type.startswith("multipart/"):
            raise MultiPartParserError(f"Invalid Content-Type: {content_type}")
        if not content_type.isascii():
            raise MultiPartParserError(
                f"Invalid non-ASCII Content-Type in multipart: {content_type}"
            )
        try:
            _, opts = parse_header_parameters(content_type)
        except ValueError as e:
            raise MultiPartParserError(f"Invalid Content-Type: {e}") from e
        boundary = opts.get("boundary")
        if not boundary or not self.boundary_re.fullmatch(boundary):
            raise MultiPartParserError(f"Invalid boundary in multipart: {boundary}")
        try:
            content_length = int(META.get("CONTENT_LENGTH", 0))
        except (ValueError, TypeError):
            content_length = 0
        if content_length < 0:
            raise MultiPartParserError(f"Invalid content length: {content_length!r}")
        self._boundary = boundary.encode("ascii")
        self._input_data = input_data
        sizes = [h.chunk_size for h in upload_handlers if h.chunk_size]
        self._chunk_size = min([2**31 - 4, *sizes])
        self._meta = META
        self._encoding = encoding or settings.DEFAULT_CHARSET
        self._content_length = content_length
        self._upload_handlers = upload_handlers

    def parse(self):
        """Return (POST, FILES); close any file already received on error."""
        try:
            return self._parse()
        except Exception:
            files = getattr(self, "_files", None)
            if files:
                for _, objs in files.lists():
                    for obj in objs:
                        obj.close()
            raise

    def _parse(self):
        from fastdj.http.request import QueryDict

        encoding = self._encoding
        handlers = self._upload_handlers
        if self._content_length == 0:
            return QueryDict(encoding=encoding), MultiValueDict()
        for handler in handlers:
            result = handler.handle_raw_input(
                self._input_data,
                self._meta,
                self._content_length,
                self._boundary,
                encoding,
            )
            if result is not None:
                return result[0], result[1]

        self._post = QueryDict(mutable=True)
        self._files = MultiValueDict()
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        max_memory = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        scanner = _Scanner(self._input_data.read, self._chunk_size)
        num_bytes_read = 0
        num_post_keys = 0
        num_files = 0
        try:
            for item_type, meta, content in _iter_parts(scanner, self._boundary):
                if item_type in FIELD_TYPES and max_fields is not None:
                    num_post_keys += 1
                    # +2 as Django: room for the fields a form always adds.
                    if max_fields + 2 < num_post_keys:
                        raise TooManyFieldsSent(
                            "The number of GET/POST parameters exceeded "
                            "settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
                        )
                try:
                    disposition = meta["content-disposition"][1]
                    field_name = disposition["name"].strip()
                except (KeyError, IndexError, AttributeError):
                    _exhaust(content)
                    continue
                transfer_encoding = meta.get("content-transfer-encoding")
                if transfer_encoding is not None:
                    transfer_encoding = transfer_encoding[0].strip()
                field_name = force_str(field_name, encoding, errors="replace")

                if item_type == FIELD:
                    read_size = None
                    if max_memory is not None:
                        read_size = max_memory - num_bytes_read
                    data = _read_limited(content, read_size)
                    num_bytes_read += len(data) + len(field_name) + 2
                    if max_memory is not None and num_bytes_read > max_memory:
                        raise RequestDataTooBig(
                            "Request body exceeded "
                            "settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
                        )
                    if transfer_encoding == "base64":
                        try:
                            data = base64.b64decode(data)
                        except binascii.Error:
                            pass
                    self._post.appendlist(
                        field_name, force_str(data, encoding, errors="replace")
                    )
                elif item_type == FILE:
                    num_files += 1
                    if max_files is not None and num_files > max_files:
                        raise TooManyFilesSent(
                            "The number of files exceeded "
                            "settings.DATA_UPLOAD_MAX_NUMBER_FILES."
                        )
                    file_name = disposition.get("filename")
                    if file_name:
                        file_name = force_str(file_name, encoding, errors="replace")
                        file_name = self.sanitize_file_name(file_name)
                    if not file_name:
                        _exhaust(content)
                        continue
                    self._receive_file(
                        content, meta, field_name, file_name, transfer_encoding
                    )
                else:
                    _exhaust(content)
        except StopUpload as e:
            self._close_files()
            if not e.connection_reset:
                _drain(self._input_data)
        else:
            _drain(self._input_data)
        # any() stops at the first handler whose upload_complete() returns.
        any(handler.upload_complete() for handler in handlers)
        self._post._mutable = False
        return self._post, self._files

    def _receive_file(self, content, meta, field_name, file_name, transfer_encoding):
        """Feed one file part to the handlers and store the finished file."""
        handlers = self._upload_handlers
        content_type, content_type_extra = meta.get("content-type", ("", {}))
        content_type = content_type.strip()
        charset = content_type_extra.get("charset")
        try:
            content_length = int(meta.get("content-length")[0])
        except (IndexError, TypeError, ValueError):
            content_length = None
        counters = [0] * len(handlers)
        try:
            for handler in handlers:
                try:
                    handler.new_file(
                        field_name,
                        file_name,
                        content_type,
                        content_length,
                        charset,
                        content_type_extra,
                    )
                except StopFutureHandlers:
                    break
            remainder = b""
            for chunk in content:
                if transfer_encoding == "base64":
                    # Decode only whole 4-byte groups; keep the rest for later.
                    stripped = remainder + b"".join(chunk.split())
                    aligned = len(stripped) // 4 * 4
                    remainder = stripped[aligned:]
                    if not aligned:
                        continue
                    try:
                        chunk = base64.b64decode(stripped[:aligned])
                    except Exception as exc:
                        raise MultiPartParserError(
                            "Could not decode base64 data."
                        ) from exc
                for i, handler in enumerate(handlers):
                    size = len(chunk)
                    chunk = handler.receive_data_chunk(chunk, counters[i])
                    counters[i] += size
                    if chunk is None:
                        # This handler consumed the chunk.
                        break
            if remainder:
                raise MultiPartParserError("Could not decode base64 data.")
        except SkipFile:
            self._close_files()
            _exhaust(content)
            return
        if not field_name:
            # Django never completes a file whose field name is empty (it
            # tests the name for truth): drop it, cleaning up at once.
            for handler in handlers:
                handler.upload_interrupted()
            return
        for i, handler in enumerate(handlers):
            file_obj = handler.file_complete(counters[i])
            if file_obj:
                self._files.appendlist(field_name, file_obj)
                break

    def sanitize_file_name(self, file_name: str) -> str | None:
        """Return the base name of an uploaded file's name, or None if unusable.

        Path separators of any OS are removed, as are non-printable
        characters; "", "." and ".." are refused. The result is still
        untrusted input.
        """
        file_name = html.unescape(file_name)
        file_name = file_name.rsplit("/")[-1]
        file_name = file_name.rsplit("\\")[-1]
        file_name = "".join(ch for ch in file_name if ch.isprintable())
        if file_name in {"", ".", ".."}:
            return None
        return file_name

    IE_sanitize = sanitize_file_name

    def _close_files(self) -> None:
        for handler in self._upload_handlers:
            if hasattr(handler, "file"):
                handler.file.close()


class _Scanner:
    """A read buffer over a stream with the searches the parser needs."""

    __slots__ = ("_read", "_size", "buf", "eof")

    def __init__(self, read, chunk_size: int):
        self._read = read
        self._size = chunk_size
        self.buf = b""
        self.eof = False

    def fill(self) -> bool:
        """Read one more chunk into the buffer; return False at the end."""
        if self.eof:
            return False
        data = self._read(self._size)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf + data if self.buf else data
        return True

    def peek(self, n: int) -> bytes:
        while len(self.buf) < n and self.fill():
            pass
        return self.buf[:n]

    def skip_past(self, pattern: bytes) -> bool:
        """Discard data up to and including pattern; False if never found."""
        keep = len(pattern) - 1
        while True:
            idx = self.buf.find(pattern)
            if idx != -1:
                self.buf = self.buf[idx + len(pattern) :]
                return True
            if len(self.buf) > keep:
                self.buf = self.buf[len(self.buf) - keep :]
            if not self.fill():
                return False

    def read_until(self, pattern: bytes, limit: int) -> bytes | None:
        """Return the data before pattern (consumed); None if never found.

        MultiPartParserError if more than limit bytes come first.
        """
        start = 0
        while True:
            idx = self.buf.find(pattern, start)
            if idx != -1:
                data = self.buf[:idx]
                self.buf = self.buf[idx + len(pattern) :]
                return data
            if len(self.buf) > limit:
                raise MultiPartParserError("Request max total header size exceeded.")
            start = max(0, len(self.buf) - len(pattern) + 1)
            if not self.fill():
                return None

    def iter_until(self, pattern: bytes) -> Iterator[bytes]:
        """Yield the data before pattern, in chunks; consume the pattern.

        MultiPartParserError if the stream ends first.
        """
        keep = len(pattern) - 1
        while True:
            buf = self.buf
            idx = buf.find(pattern)
            if idx != -1:
                self.buf = buf[idx + len(pattern) :]
                if idx:
                    yield buf[:idx]
                return
            # Everything but a possible partial pattern at the end is data.
            cut = len(buf) - keep
            if cut > 0:
                self.buf = buf[cut:]
                yield buf[:cut]
            if not self.fill():
                raise MultiPartParserError(
                    "Multipart body is truncated: a part has no closing boundary."
                )


def _parse_part_headers(block: bytes) -> tuple[str, dict]:
    """Return (item type, {header: (value, params)}) of a part's header block."""
    item_type = RAW
    headers = {}
    for line in block.split(b"\r\n"):
        try:
            main, params = parse_header_parameters(line.decode())
            name, value = main.split(":", 1)
            params = {k: v.encode() for k, v in params.items()}
        except ValueError:
            # Undecodable or not "name: value": ignore the line, as Django.
            continue
        if name == "content-disposition":
            item_type = FILE if params.get("filename") else FIELD
        headers[name] = (value, params)
    return item_type, headers


def _iter_parts(scanner: _Scanner, boundary: bytes):
    """Yield (item type, headers, content chunk iterator) for each part.

    The caller must exhaust each content iterator before asking for the next
    part.
    """
    delimiter = b"--" + boundary
    if not scanner.skip_past(delimiter):
        raise MultiPartParserError("Multipart body has no boundary.")
    part_end = b"\r\n" + delimiter
    while True:
        if scanner.peek(2) == b"--":
            # The closing delimiter: whatever follows is an epilogue.
            return
        line = scanner.read_until(b"\n", 1024)
        if line is None:
            raise MultiPartParserError(
                "Multipart body is truncated: no part after a boundary."
            )
        if line.strip():
            raise MultiPartParserError("Malformed multipart boundary line.")
        if scanner.peek(2) == b"\r\n":
            scanner.buf = scanner.buf[2:]
            block = b""
        else:
            block = scanner.read_until(b"\r\n\r\n", MAX_TOTAL_HEADER_SIZE)
            if block is None:
                raise MultiPartParserError(
                    "Multipart body is truncated: a part's headers do not end."
                )
        item_type, headers = _parse_part_headers(block)
        content = scanner.iter_until(part_end)
        yield item_type, headers, content
        _exhaust(content)


def _read_limited(content: Iterator[bytes], limit: int | None) -> bytes:
    """Return the joined chunks; stop early once more than limit arrived."""
    chunks = []
    size = 0
    for chunk in content:
        chunks.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            # Too big already; the caller raises RequestDataTooBig.
            break
    return b"".join(chunks)


def _exhaust(iterator: Iterator) -> None:
    for _ in iterator:
        pass


def _drain(stream) -> None:
    """Read the rest of a request stream (bounded by its Content-Length)."""
    read = stream.read
    while read(64 * 1024):
        pass
