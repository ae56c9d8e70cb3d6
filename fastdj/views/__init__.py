"""Views, as ``django.views``."""

from fastdj.views.generic.base import View

__all__ = ["View"]
