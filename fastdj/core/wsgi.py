"""The public entry point for serving fastdj over WSGI."""

from __future__ import annotations

import fastdj
from fastdj.core.handlers.wsgi import WSGIHandler

__all__ = ["get_wsgi_application"]


def get_wsgi_application() -> WSGIHandler:
    """Set fastdj up and return a WSGI callable for the configured project."""
    fastdj.setup()
    return WSGIHandler()
