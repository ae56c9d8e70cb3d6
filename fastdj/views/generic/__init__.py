"""Class-based generic views, as ``django.views.generic``."""

from fastdj.views.generic.base import RedirectView, View

__all__ = ["RedirectView", "View"]
