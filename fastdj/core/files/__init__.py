"""File wrappers, as ``django.core.files``."""

from fastdj.core.files.base import File

__all__ = ["File"]
