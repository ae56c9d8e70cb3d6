"""Uploaded files, as ``django.core.files.uploadedfile``."""

from __future__ import annotations

import os
import tempfile
from io import BytesIO

from fastdj.conf import settings
from fastdj.core.exceptions import SuspiciousFileOperation
from fastdj.core.files.base import File

__all__ = [
    "InMemoryUploadedFile",
    "SimpleUploadedFile",
    "TemporaryUploadedFile",
    "UploadedFile",
]


def _validate_file_name(name: str) -> str:
    # The name is already a base name; refuse the ones that still mean a path.
    if os.path.basename(name) in {"", ".", ".."}:
        raise SuspiciousFileOperation(f"Could not derive file name from '{name}'")
    if name != os.path.basename(name):
        raise SuspiciousFileOperation(f"File name '{name}' includes path elements")
    return name


class UploadedFile(File):
    """A file submitted in a form (base of the in-memory and on-disk kinds)."""

    def __init__(
        self,
        file=None,
        name=None,
        content_type=None,
        size=None,
        charset=None,
        content_type_extra=None,
    ):
        super().__init__(file, name)
        self.size = size
        self.content_type = content_type
        self.charset = charset
        self.content_type_extra = content_type_extra

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.name} ({self.content_type})>"

    @property
    def name(self) -> str | None:
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        if name is not None:
            # Keep only the base name, at most 255 characters, extension kept.
            name = os.path.basename(name)
            if len(name) > 255:
                stem, ext = os.path.splitext(name)
                ext = ext[:255]
                name = stem[: 255 - len(ext)] + ext
            name = _validate_file_name(name)
        self._name = name


class TemporaryUploadedFile(UploadedFile):
    """An upload streamed to a named temporary file on disk."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        _, ext = os.path.splitext(name)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed by close()
            suffix=".upload" + ext, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        super().__init__(file, name, content_type, size, charset, content_type_extra)

    def temporary_file_path(self) -> str:
        """Return the path of the temporary file."""
        return self.file.name

    def close(self) -> None:
        try:
            self.file.close()
        except FileNotFoundError:
            # Someone moved the temporary file away already.
            pass


class InMemoryUploadedFile(UploadedFile):
    """An upload held in memory."""

    def __init__(
        self,
        file,
        field_name,
        name,
        content_type,
        size,
        charset,
        content_type_extra=None,
    ):
        super().__init__(file, name, content_type, size, charset, content_type_extra)
        self.field_name = field_name

    def open(self, mode=None):
        self.file.seek(0)
        return self

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        yield self.read()

    def multiple_chunks(self, chunk_size=None) -> bool:
        return False


class SimpleUploadedFile(InMemoryUploadedFile):
    """An in-memory upload made from a name and content (handy in tests)."""

    def __init__(self, name, content, content_type="text/plain"):
        content = content or b""
        super().__init__(
            BytesIO(content), None, name, content_type, len(content), None, None
        )

    @classmethod
    def from_dict(cls, file_dict):
        """Return a file from a dict with filename, content, content-type."""
        return cls(
            file_dict["filename"],
            file_dict["content"],
            file_dict.get("content-type", "text/plain"),
        )
