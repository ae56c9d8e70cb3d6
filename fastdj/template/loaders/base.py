"""The base template loader, as ``django.template.loaders.base``."""

from __future__ import annotations

from fastdj.template.base import Template
from fastdj.template.exceptions import TemplateDoesNotExist

__all__ = ["Loader"]


class Loader:
    """Find template sources by name and compile them.

    Subclasses implement get_template_sources() (yielding Origins) and
    get_contents(origin).
    """

    def __init__(self, engine):
        self.engine = engine

    def get_template(self, template_name, skip=None):
        """Return the compiled template for the first source of
        ``template_name`` that exists and is not in ``skip`` (the origins an
        {% extends %} chain has already used).
        """
        tried = []
        for origin in self.get_template_sources(template_name):
            if skip is not None and origin in skip:
                tried.append((origin, "Skipped to avoid recursion"))
                continue
            try:
                contents = self.get_contents(origin)
            except TemplateDoesNotExist:
                tried.append((origin, "Source does not exist"))
                continue
            return Template(contents, origin, origin.template_name, self.engine)
        raise TemplateDoesNotExist(template_name, tried=tried)

    def get_template_sources(self, template_name):
        """Yield an Origin for each place ``template_name`` may be."""
        raise NotImplementedError(
            "subclasses of Loader must provide a get_template_sources() method"
        )

    def get_contents(self, origin):
        raise NotImplementedError(
            "subclasses of Loader must provide a get_contents() method"
        )

    def reset(self):
        """Forget any cached state."""
