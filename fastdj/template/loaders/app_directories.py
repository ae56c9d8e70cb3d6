"""Load templates from the installed apps' ``templates`` directories, as
``django.template.loaders.app_directories``.
"""

from __future__ import annotations

import os

from fastdj.template.loaders.filesystem import Loader as FilesystemLoader

__all__ = ["Loader", "get_app_template_dirs"]


def get_app_template_dirs(dirname: str = "templates") -> tuple[str, ...]:
    """Return the existing ``dirname`` directories of INSTALLED_APPS, in order."""
    from fastdj.conf import settings
    from fastdj.template.engine import _app_module

    dirs = []
    for entry in getattr(settings, "INSTALLED_APPS", []):
        module = _app_module(entry)
        if module is None:
            continue
        paths = list(getattr(module, "__path__", []))
        if not paths and getattr(module, "__file__", None):
            paths = [os.path.dirname(module.__file__)]
        for path in paths:
            candidate = os.path.join(path, dirname)
            if os.path.isdir(candidate):
                dirs.append(candidate)
    return tuple(dirs)


class Loader(FilesystemLoader):
    """Look for templates in each installed app's ``templates`` directory."""

    def get_dirs(self):
        return get_app_template_dirs("templates")
