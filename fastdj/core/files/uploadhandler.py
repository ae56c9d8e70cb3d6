"""Streaming upload handlers, as ``django.core.files.uploadhandler``.

The multipart parser hands each file's data, chunk by chunk, to the handlers
in turn: MemoryFileUploadHandler keeps a file in memory when the whole
request is at most FILE_UPLOAD_MAX_MEMORY_SIZE, otherwise
TemporaryFileUploadHandler spools it to a temporary file.
"""

from __future__ import annotations

import os
from io import BytesIO, UnsupportedOperation

from fastdj.conf import settings
from fastdj.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from fastdj.utils.module_loading import import_string

__all__ = [
    "FileUploadHandler",
    "MemoryFileUploadHandler",
    "SkipFile",
    "StopFutureHandlers",
    "StopUpload",
    "TemporaryFileUploadHandler",
    "UploadFileException",
    "load_handler",
]


class UploadFileException(Exception):
    """Any error while handling an uploaded file."""


class StopUpload(UploadFileException):
    """Abort the upload; with connection_reset, without reading the rest."""

    def __init__(self, connection_reset: bool = False):
        self.connection_reset = connection_reset

    def __str__(self) -> str:
        if self.connection_reset:
            return "StopUpload: Halt current upload."
        return "StopUpload: Consume request data, then halt."


class SkipFile(UploadFileException):
    """Skip the current file."""


class StopFutureHandlers(UploadFileException):
    """This handler took the file: do not offer it to the next handlers."""


class FileUploadHandler:
    """Base class of streaming upload handlers."""

    chunk_size = 64 * 2**10

    def __init__(self, request=None):
        self.file_name = None
        self.content_type = None
        self.content_length = None
        self.charset = None
        self.content_type_extra = None
        self.request = request

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        """Optionally parse the whole body; return (POST, FILES) to do so."""

    def new_file(
        self,
        field_name,
        file_name,
        content_type,
        content_length,
        charset=None,
        content_type_extra=None,
    ):
        """Start a new file (content_length comes from the client: untrusted)."""
        self.field_name = field_name
        self.file_name = file_name
        self.content_type = content_type
        self.content_length = content_length
        self.charset = charset
        self.content_type_extra = content_type_extra

    def receive_data_chunk(self, raw_data: bytes, start: int):
        """Take a chunk; return it (or another) to pass it on, None to keep it."""
        raise NotImplementedError(
            "subclasses of FileUploadHandler must provide a receive_data_chunk() method"
        )

    def file_complete(self, file_size: int):
        """Return the finished UploadedFile, or None to let the next handler."""
        raise NotImplementedError(
            "subclasses of FileUploadHandler must provide a file_complete() method"
        )

    def upload_complete(self):
        """Clean up after the whole upload."""

    def upload_interrupted(self):
        """Clean up after an interrupted upload."""


class TemporaryFileUploadHandler(FileUploadHandler):
    """Stream each file into a temporary file."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = TemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data, start):
        self.file.write(raw_data)

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self):
        if hasattr(self, "file"):
            path = self.file.temporary_file_path()
            try:
                self.file.close()
                os.remove(path)
            except FileNotFoundError:
                pass


class MemoryFileUploadHandler(FileUploadHandler):
    """Keep files in memory when the request is small enough."""

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        # A seekable stream knows its real size better than the header does.
        stream = getattr(input_data, "_stream", input_data)
        try:
            content_length = stream.seek(0, os.SEEK_END)
        except (UnsupportedOperation, AttributeError):
            pass
        else:
            stream.seek(0)
        self.activated = (
            content_length is not None
            and content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        )

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.activated:
            self.file = BytesIO()
            raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if self.activated:
            self.file.write(raw_data)
            return None
        return raw_data

    def file_complete(self, file_size):
        if not self.activated:
            return None
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def load_handler(path: str, *args, **kwargs) -> FileUploadHandler:
    """Return an instance of the handler class at dotted path."""
    return import_string(path)(*args, **kwargs)
