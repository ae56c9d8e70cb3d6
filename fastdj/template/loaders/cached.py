"""Keep compiled templates in memory, as ``django.template.loaders.cached``.

Wraps other loaders; a template is compiled on first use and every later
get_template() returns the same compiled Template, so a warm render does no
parsing.
"""

from __future__ import annotations

import hashlib

from fastdj.template.exceptions import TemplateDoesNotExist
from fastdj.template.loaders.base import Loader as BaseLoader

__all__ = ["Loader"]


class Loader(BaseLoader):
    def __init__(self, engine, loaders):
        self.get_template_cache = {}
        self.loaders = engine.get_template_loaders(loaders)
        super().__init__(engine)

    def get_dirs(self):
        for loader in self.loaders:
            if hasattr(loader, "get_dirs"):
                yield from loader.get_dirs()

    def get_contents(self, origin):
        return origin.loader.get_contents(origin)

    def get_template(self, template_name, skip=None):
        """Return the cached compiled template, compiling it on a miss.

        Misses are cached too (as the exception class, or with debug on a
        copy of the exception with its ``tried`` list), so a missing optional
        template does not hit the file system on every render.
        """
        key = self.cache_key(template_name, skip)
        cached = self.get_template_cache.get(key)
        if cached:
            if isinstance(cached, type) and issubclass(cached, TemplateDoesNotExist):
                raise cached(template_name)
            if isinstance(cached, TemplateDoesNotExist):
                raise copy_exception(cached)
            return cached
        try:
            template = super().get_template(template_name, skip)
        except TemplateDoesNotExist as e:
            self.get_template_cache[key] = (
                copy_exception(e) if self.engine.debug else TemplateDoesNotExist
            )
            raise
        self.get_template_cache[key] = template
        return template

    def get_template_sources(self, template_name):
        for loader in self.loaders:
            yield from loader.get_template_sources(template_name)

    def cache_key(self, template_name, skip=None):
        """Return the cache key of ``template_name``; origins skipped by an
        {% extends %} chain are part of it since they change the answer.
        """
        name = str(template_name)
        if skip:
            matching = [
                origin.name for origin in skip if origin.template_name == template_name
            ]
            if matching:
                skip_prefix = hashlib.sha1(
                    "|".join(matching).encode(), usedforsecurity=False
                ).hexdigest()
                # Django's "-".join() of the non-empty parts.
                return f"{name}-{skip_prefix}" if name else skip_prefix
        return name

    def reset(self):
        """Empty the template cache."""
        self.get_template_cache.clear()


def copy_exception(exc):
    """Return a copy of TemplateDoesNotExist ``exc`` (for caching misses)."""
    new = exc.__class__(*exc.args)
    new.tried = exc.tried
    new.chain = exc.chain
    new.backend = exc.backend
    return new
