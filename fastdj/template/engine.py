"""The template engine: configuration, loaders and libraries, as
``django.template.engine``.
"""

from __future__ import annotations

import functools
import os
import pkgutil
from importlib import import_module

from fastdj.core.exceptions import ImproperlyConfigured
from fastdj.template.base import Template
from fastdj.template.context import Context
from fastdj.template.exceptions import TemplateDoesNotExist
from fastdj.template.library import import_library
from fastdj.template.loaders.cached import Loader as CachedLoader
from fastdj.utils.module_loading import import_string

__all__ = ["Engine"]

# Backend, loader and library paths written for Django, accepted as they are.
_DJANGO_ALIASES = {
    "django.template.backends.django.DjangoTemplates": (
        "fastdj.template.backends.fastdj.FastdjTemplates"
    ),
    "fastdj.template.backends.django.DjangoTemplates": (
        "fastdj.template.backends.fastdj.FastdjTemplates"
    ),
    "django.template.loaders.filesystem.Loader": (
        "fastdj.template.loaders.filesystem.Loader"
    ),
    "django.template.loaders.app_directories.Loader": (
        "fastdj.template.loaders.app_directories.Loader"
    ),
    "django.template.loaders.locmem.Loader": "fastdj.template.loaders.locmem.Loader",
    "django.template.loaders.cached.Loader": "fastdj.template.loaders.cached.Loader",
    "django.templatetags.static": "fastdj.templatetags.static",
    "django.template.context_processors.debug": (
        "fastdj.template.context_processors.debug"
    ),
    "django.template.context_processors.request": (
        "fastdj.template.context_processors.request"
    ),
    "django.template.context_processors.static": (
        "fastdj.template.context_processors.static"
    ),
    "django.template.context_processors.media": (
        "fastdj.template.context_processors.media"
    ),
    "django.template.context_processors.tz": "fastdj.template.context_processors.tz",
    "django.template.context_processors.csrf": (
        "fastdj.template.context_processors.csrf"
    ),
}


def fastdj_path(path: str) -> str:
    """Return the fastdj equivalent of a Django dotted path, or ``path``."""
    return _DJANGO_ALIASES.get(path, path)


class Engine:
    """A configured template engine: where templates come from, which tag
    libraries they may load, and how they render.
    """

    default_builtins = [
        "fastdj.template.defaulttags",
        "fastdj.template.defaultfilters",
        "fastdj.template.loader_tags",
    ]

    def __init__(
        self,
        dirs=None,
        app_dirs=False,
        context_processors=None,
        debug=False,
        loaders=None,
        string_if_invalid="",
        file_charset="utf-8",
        libraries=None,
        builtins=None,
        autoescape=True,
    ):
        if dirs is None:
            dirs = []
        if context_processors is None:
            context_processors = []
        if loaders is None:
            loaders = ["fastdj.template.loaders.filesystem.Loader"]
            if app_dirs:
                loaders += ["fastdj.template.loaders.app_directories.Loader"]
            # Compiled templates are kept, as in Django 4.1+, debug or not.
            loaders = [("fastdj.template.loaders.cached.Loader", loaders)]
        elif app_dirs:
            raise ImproperlyConfigured(
                "app_dirs must not be set when loaders is defined."
            )
        if libraries is None:
            libraries = {}
        if builtins is None:
            builtins = []

        self.dirs = [os.fspath(d) for d in dirs]
        self.app_dirs = app_dirs
        self.autoescape = autoescape
        self.context_processors = context_processors
        self.debug = debug
        self.loaders = loaders
        self.string_if_invalid = string_if_invalid
        self.file_charset = file_charset
        self.libraries = libraries
        self.template_libraries = self.get_template_libraries(libraries)
        self.builtins = self.default_builtins + [fastdj_path(b) for b in builtins]
        self.template_builtins = self.get_template_builtins(self.builtins)

    def __repr__(self):
        return (
            f"<{self.__class__.__qualname__}: app_dirs={self.app_dirs} "
            f"debug={self.debug} loaders={self.loaders!r} "
            f"string_if_invalid={self.string_if_invalid!r} "
            f"file_charset={self.file_charset!r} dirs={self.dirs!r} "
            f"context_processors={self.context_processors!r} "
            f"libraries={self.libraries!r} builtins={self.builtins!r} "
            f"autoescape={self.autoescape!r}>"
        )

    @staticmethod
    def get_default() -> Engine:
        """Return the engine configured by settings.TEMPLATES.

        The first entry whose BACKEND is fastdj's (or Django's DjangoTemplates)
        is used; with no TEMPLATES at all, an engine that loads from the
        installed apps' ``templates`` directories.
        """
        return _default_engine()

    @functools.cached_property
    def template_context_processors(self):
        return tuple(import_string(fastdj_path(p)) for p in self.context_processors)

    def get_template_builtins(self, builtins):
        return [import_library(x) for x in builtins]

    def get_template_libraries(self, libraries):
        found = _installed_libraries()
        found.update({k: fastdj_path(v) for k, v in libraries.items()})
        return {name: import_library(path) for name, path in found.items()}

    @functools.cached_property
    def template_loaders(self):
        return self.get_template_loaders(self.loaders)

    def get_template_loaders(self, template_loaders):
        loaders = []
        for template_loader in template_loaders:
            loader = self.find_template_loader(template_loader)
            if loader is not None:
                loaders.append(loader)
        return loaders

    def find_template_loader(self, loader):
        if isinstance(loader, (tuple, list)):
            loader, *args = loader
        else:
            args = []
        if isinstance(loader, str):
            loader_class = import_string(fastdj_path(loader))
            return loader_class(self, *args)
        raise ImproperlyConfigured(
            f"Invalid value in template loaders configuration: {loader!r}"
        )

    def find_template(self, name, dirs=None, skip=None):
        """Return (template, origin) from the first loader that has ``name``."""
        loaders = self.template_loaders
        if (
            skip is None
            and name.__class__ is str
            and len(loaders) == 1
            and loaders[0].__class__ is CachedLoader
        ):
            # A warm hit of the default set-up (one cached loader) is one dict
            # lookup under the key that the loader's get_template() computes
            # for a plain name; a remembered miss takes the long way to raise.
            template = loaders[0].get_template_cache.get(name)
            if template.__class__ is Template:
                return template, template.origin
        tried = []
        for loader in loaders:
            try:
                template = loader.get_template(name, skip=skip)
                return template, template.origin
            except TemplateDoesNotExist as e:
                tried.extend(e.tried)
        raise TemplateDoesNotExist(name, tried=tried)

    def from_string(self, template_code) -> Template:
        """Return a Template compiled from ``template_code`` (not cached)."""
        return Template(template_code, engine=self)

    def get_template(self, template_name) -> Template:
        """Return the compiled Template called ``template_name``."""
        template, origin = self.find_template(template_name)
        if not hasattr(template, "render"):
            # A loader returned source text rather than a compiled template.
            template = Template(template, origin, template_name, engine=self)
        return template

    def render_to_string(self, template_name, context=None) -> str:
        """Render the template (or the first that exists of a list) with a
        dict or Context.
        """
        if isinstance(template_name, (list, tuple)):
            t = self.select_template(template_name)
        else:
            t = self.get_template(template_name)
        if isinstance(context, Context):
            return t.render(context)
        return t.render(Context(context, autoescape=self.autoescape))

    def select_template(self, template_name_list) -> Template:
        """Return the first template of ``template_name_list`` that exists."""
        if isinstance(template_name_list, str):
            raise TypeError(
                "select_template() takes an iterable of template names but got a "
                f"string: {template_name_list!r}. Use get_template() if you want "
                "to load a single template by name."
            )
        not_found = []
        for template_name in template_name_list:
            try:
                return self.get_template(template_name)
            except TemplateDoesNotExist as exc:
                if exc.args[0] not in not_found:
                    not_found.append(exc.args[0])
                continue
        if template_name_list:
            raise TemplateDoesNotExist(", ".join(not_found))
        raise TemplateDoesNotExist("No template names provided")


def _installed_libraries():
    """Return {name: module path} of fastdj's and the installed apps'
    ``templatetags`` modules.
    """
    libraries = {"static": "fastdj.templatetags.static"}
    from fastdj.conf import settings

    for app in getattr(settings, "INSTALLED_APPS", []):
        module = _app_module(app)
        if module is None:
            continue
        try:
            pkg = import_module(f"{module.__name__}.templatetags")
        except ImportError:
            continue
        if not hasattr(pkg, "__path__"):
            continue
        for info in pkgutil.iter_modules(pkg.__path__):
            if not info.ispkg:
                libraries[info.name] = f"{pkg.__name__}.{info.name}"
    return libraries


def _app_module(entry: str):
    """Return the module of INSTALLED_APPS entry ``entry`` (a module path or
    an AppConfig path with a ``name``), or None.
    """
    try:
        return import_module(entry)
    except ImportError:
        pass
    try:
        config = import_string(entry)
        return import_module(config.name)
    except (ImportError, AttributeError):
        return None


@functools.cache
def _default_engine() -> Engine:
    from fastdj.conf import settings
    from fastdj.template.backends.fastdj import FastdjTemplates

    templates = getattr(settings, "TEMPLATES", None) or []
    for params in templates:
        if fastdj_path(params.get("BACKEND", "")) == (
            "fastdj.template.backends.fastdj.FastdjTemplates"
        ):
            return FastdjTemplates(params).engine
    if templates:
        raise ImproperlyConfigured("No fastdj template backend is configured.")
    return Engine(app_dirs=True, debug=getattr(settings, "DEBUG", False))


def _on_setting_changed(*, setting, **kwargs):
    if setting in ("TEMPLATES", "INSTALLED_APPS", "DEBUG"):
        _default_engine.cache_clear()


def _connect():
    from fastdj.core.signals import setting_changed

    setting_changed.connect(_on_setting_changed, dispatch_uid="fastdj.template")


_connect()
