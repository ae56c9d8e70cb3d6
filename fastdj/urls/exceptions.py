"""Exceptions raised by URL resolving and reversing."""

from fastdj.http import Http404

__all__ = ["NoReverseMatch", "Resolver404"]


class Resolver404(Http404):
    """No URL pattern matched; ``args[0]`` holds ``{"tried": [...], "path": ...}``."""


class NoReverseMatch(Exception):
    """reverse() found no pattern for the given name and arguments."""
