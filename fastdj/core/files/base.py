"""A proxy around a Python file object, as ``django.core.files.base``."""

from __future__ import annotations

import os
from io import BytesIO, StringIO, UnsupportedOperation

__all__ = ["ContentFile", "File"]


class File:
    """Wrap a file object: name, size, chunked reading; other calls pass through."""

    DEFAULT_CHUNK_SIZE = 64 * 2**10

    def __init__(self, file, name: str | None = None):
        self.file = file
        if name is None:
            name = getattr(file, "name", None)
        self.name = name
        if hasattr(file, "mode"):
            self.mode = file.mode

    def __getattr__(self, attr):
        # Forward the file API (read, seek, write, ...) to the wrapped file.
        if attr in _PROXIED:
            return getattr(self.file, attr)
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {attr!r}"
        )

    @property
    def closed(self) -> bool:
        return not self.file or self.file.closed

    def readable(self) -> bool:
        if self.closed:
            return False
        return getattr(self.file, "readable", lambda: True)()

    def writable(self) -> bool:
        if self.closed:
            return False
        if hasattr(self.file, "writable"):
            return self.file.writable()
        return "w" in getattr(self.file, "mode", "")

    def seekable(self) -> bool:
        if self.closed:
            return False
        return getattr(self.file, "seekable", lambda: True)()

    def __str__(self) -> str:
        return self.name or ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self or 'None'}>"

    def __bool__(self) -> bool:
        return bool(self.name)

    def __len__(self) -> int:
        return self.size

    @property
    def size(self) -> int:
        try:
            return self._size
        except AttributeError:
            pass
        if hasattr(self.file, "size"):
            return self.file.size
        if hasattr(self.file, "name"):
            try:
                return os.path.getsize(self.file.name)
            except (OSError, TypeError):
                pass
        if hasattr(self.file, "tell") and hasattr(self.file, "seek"):
            pos = self.file.tell()
            self.file.seek(0, os.SEEK_END)
            size = self.file.tell()
            self.file.seek(pos)
            return size
        raise AttributeError("Unable to determine the file's size.")

    @size.setter
    def size(self, value: int) -> None:
        self._size = value

    def chunks(self, chunk_size: int | None = None):
        """Yield the file's content in chunks, from the start."""
        chunk_size = chunk_size or self.DEFAULT_CHUNK_SIZE
        try:
            self.seek(0)
        except (AttributeError, UnsupportedOperation):
            pass
        while True:
            data = self.read(chunk_size)
            if not data:
                break
            yield data

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        """Return True if chunks(chunk_size) yields more than one chunk."""
        return self.size > (chunk_size or self.DEFAULT_CHUNK_SIZE)

    def __iter__(self):
        # Yield lines, joining any that a chunk boundary split.
        buffer_ = None
        for chunk in self.chunks():
            for line in chunk.splitlines(True):
                if buffer_:
                    if buffer_[-1:] in (b"\r", "\r") and line[:1] in (b"\n", "\n"):
                        yield buffer_ + line
                        buffer_ = None
                        continue
                    if buffer_[-1:] not in (b"\n", "\n", b"\r", "\r"):
                        line = buffer_ + line
                    else:
                        yield buffer_
                    buffer_ = None
                if line[-1:] in (b"\n", "\n") or (line[-1:] in (b"\r", "\r")):
                    if line[-1:] in (b"\r", "\r"):
                        buffer_ = line
                    else:
                        yield line
                else:
                    buffer_ = line
        if buffer_ is not None:
            yield buffer_

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def open(self, mode: str | None = None, *args, **kwargs):
        if not self.closed:
            self.seek(0)
        elif self.name and os.path.exists(self.name):
            self.file = open(self.name, mode or self.mode, *args, **kwargs)  # noqa: SIM115
        else:
            raise ValueError("The file cannot be reopened.")
        return self

    def close(self) -> None:
        self.file.close()


_PROXIED = frozenset(
    "encoding fileno flush isatty newlines read readinto readline readlines "
    "seek tell truncate write writelines".split()
)


class ContentFile(File):
    """A File over in-memory content (str or bytes)."""

    def __init__(self, content, name: str | None = None):
        stream_class = StringIO if isinstance(content, str) else BytesIO
        super().__init__(stream_class(content), name=name)
        self.size = len(content)

    def __str__(self) -> str:
        return "Raw content"

    def __bool__(self) -> bool:
        return True

    def open(self, mode=None):
        self.seek(0)
        return self

    def close(self) -> None:
        pass

    def write(self, data) -> int:
        self.__dict__.pop("_size", None)
        return self.file.write(data)
