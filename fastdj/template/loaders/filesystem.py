"""Load templates from directories, as ``django.template.loaders.filesystem``."""

from __future__ import annotations

import os

from fastdj.template.base import Origin
from fastdj.template.exceptions import TemplateDoesNotExist
from fastdj.template.loaders.base import Loader as BaseLoader

__all__ = ["Loader", "safe_join"]


def safe_join(base, *paths) -> str:
    """Return ``base`` joined with ``paths`` as an absolute path; raise
    ValueError if the result escapes ``base``.
    """
    base = os.fspath(base)
    final_path = os.path.abspath(os.path.join(base, *paths))
    base_path = os.path.abspath(base)
    norm_final = os.path.normcase(final_path)
    norm_base = os.path.normcase(base_path)
    if norm_final != norm_base and not norm_final.startswith(
        norm_base.rstrip(os.sep) + os.sep
    ):
        raise ValueError(
            f"The joined path ({final_path}) is located outside of the base path "
            f"component ({base_path})"
        )
    return final_path


class Loader(BaseLoader):
    """Look for templates in ``dirs`` (the engine's DIRS by default)."""

    def __init__(self, engine, dirs=None):
        super().__init__(engine)
        self.dirs = dirs

    def get_dirs(self):
        return self.dirs if self.dirs is not None else self.engine.dirs

    def get_contents(self, origin):
        try:
            with open(origin.name, encoding=self.engine.file_charset) as fp:
                return fp.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise TemplateDoesNotExist(origin) from None

    def get_template_sources(self, template_name):
        for template_dir in self.get_dirs():
            try:
                name = safe_join(template_dir, template_name)
            except ValueError:
                # Outside the directory: never a template of this loader.
                continue
            yield Origin(name=name, template_name=template_name, loader=self)
