"""Load templates from a dict, as ``django.template.loaders.locmem``."""

from __future__ import annotations

from fastdj.template.base import Origin
from fastdj.template.exceptions import TemplateDoesNotExist
from fastdj.template.loaders.base import Loader as BaseLoader

__all__ = ["Loader"]


class Loader(BaseLoader):
    """Look templates up by name in ``templates_dict`` (name -> source)."""

    def __init__(self, engine, templates_dict):
        self.templates_dict = templates_dict
        super().__init__(engine)

    def get_contents(self, origin):
        try:
            return self.templates_dict[origin.name]
        except KeyError:
            raise TemplateDoesNotExist(origin) from None

    def get_template_sources(self, template_name):
        yield Origin(name=template_name, template_name=template_name, loader=self)
